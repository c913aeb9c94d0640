"""Les réponses écrites après un « # » : YAML les lit comme un commentaire, diagnum ne les voit pas.

``init --depuis`` rappelle la réponse précédente en commentaire
(``comite_pilotage: # 2024-2025 : oui``) : qui tape sa réponse au bout de la
ligne (``… : oui non``), ou à la place du rappel (``comite_pilotage: # non``),
croit avoir répondu. Cette relecture du texte signale ces lignes. Fonction
pure : texte et référentiel → constats (avertissements).
"""

from __future__ import annotations

import re

from diagnum.campagne.diagnostics import Diagnostic, Position, avertissement
from diagnum.referentiel import MODALITES, Referentiel

# Une clé sans valeur suivie d'un commentaire.
_CLE_VIDE_COMMENTEE = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_]\w*):[ \t]+#[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_DEUX_POINTS_DIESE = re.compile(r":[ \t]+#")
_REPONSE = r"(?:oui|non|sans objet|\d+(?:[.,]\d+)?[ ]?%?)"
# Le rappel écrit par init --depuis (« 2024-2025 : oui ») suivi d'une réponse tapée après.
_RAPPEL_PUIS_REPONSE = re.compile(rf"^.+ : {_REPONSE}(?:, \w+ \d+)*[ ]+({_REPONSE})$", re.IGNORECASE)
_REPONSE_SEULE = re.compile(rf"^({_REPONSE})$", re.IGNORECASE)


def _cles_de_reponse(referentiel: Referentiel) -> set[str]:
    cles = {i.id for i in referentiel.reference.items} | {i.id for i in referentiel.obligations.items}
    cles |= set(MODALITES)
    for domaine in referentiel.domaines:
        for item in domaine.items:
            cles.add(item.id)
            cles.update(c.id for c in item.colonnes or ())
    return cles


def _lignes_candidates(texte: str) -> list[int]:
    """Le début de chaque ligne où « : » est suivi d'un « # » : peu de lignes, trouvées sans tout relire."""
    debuts = []
    for m in _DEUX_POINTS_DIESE.finditer(texte):
        debut = texte.rfind("\n", 0, m.start()) + 1
        if not debuts or debuts[-1] != debut:
            debuts.append(debut)
    return debuts


def reponses_en_commentaire(texte: str, referentiel: Referentiel) -> list[Diagnostic]:
    """Un avertissement par clé de réponse laissée vide dont le commentaire porte une réponse."""
    if "#" not in texte:
        return []
    cles = None
    constats = []
    for indice in _lignes_candidates(texte):
        m = _CLE_VIDE_COMMENTEE.match(texte, indice)
        if m is None:
            continue
        commentaire = m.group(2)
        trouvee = _RAPPEL_PUIS_REPONSE.match(commentaire) or _REPONSE_SEULE.match(commentaire)
        if trouvee is None:
            continue
        cles = cles if cles is not None else _cles_de_reponse(referentiel)
        cle = m.group(1)
        if cle not in cles:
            continue
        reponse = trouvee.group(1)
        ligne = texte.count("\n", 0, m.start()) + 1
        colonne = m.start(2) - m.start() + trouvee.start(1) + 1
        # Seule après le « # », il suffit de le retirer ; après le rappel, elle s'écrit avant le « # ».
        conseil = "retirez le « # »" if trouvee.re is _REPONSE_SEULE else "écrivez-la avant le « # »"
        constats.append(
            avertissement(
                Position(ligne, colonne),
                "reponse-en-commentaire",
                f"{cle} : réponse en commentaire : « {reponse} » est écrite après le « # », diagnum ne la lit pas ; "
                f"{conseil} : {cle}: {reponse}",
            )
        )
    return constats
