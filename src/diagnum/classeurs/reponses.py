"""Les réponses d'une campagne validée, à plat : un chemin par réponse (pure).

Un chemin est celui des cellules du classeur (``modele.Saisie.chemin``), à ceci près qu'une
répartition est une seule réponse (ses trois effectifs ensemble) : (« reference », id),
(« obligations », id), (« reponses », domaine, item), (« reponses », domaine, matrice, ligne,
colonne), (« date »,), (« commentaires »,).
"""

from __future__ import annotations

import re

from diagnum.campagne.diagnostics import Position
from diagnum.campagne.modele import Campagne
from diagnum.lecture_yaml import Noeud, Scalaire, Tableau
from diagnum.referentiel import Referentiel

#: Les parties hors domaines (nommées aussi par ``--partie``), et les deux réponses de toute la campagne.
REFERENCE, OBLIGATIONS = "reference", "obligations"
ID_DATE, ID_COMMENTAIRES = "date", "commentaires"


def chemins(referentiel: Referentiel) -> list[tuple[str, ...]]:
    """Le chemin de chaque réponse possible, dans l'ordre du référentiel."""
    resultat: list[tuple[str, ...]] = [(ID_DATE,)]
    resultat += [(REFERENCE, item.id) for item in referentiel.reference.items]
    resultat += [(OBLIGATIONS, item.id) for item in referentiel.obligations.items]
    for domaine in referentiel.domaines:
        for item in domaine.items:
            if item.nature == "matrice":
                resultat += [
                    ("reponses", domaine.id, item.id, ligne.id, colonne.id)
                    for ligne in item.lignes
                    for colonne in item.colonnes
                ]
            else:
                resultat.append(("reponses", domaine.id, item.id))
    resultat.append((ID_COMMENTAIRES,))
    return resultat


def valeur_a(campagne: Campagne, chemin: tuple[str, ...]) -> object:
    """La réponse de la campagne à ce chemin (une modalité de répartition comprise), ou ``None``."""
    tete, *reste = chemin
    if tete == REFERENCE:
        return campagne.reference.get(reste[0])
    if tete == OBLIGATIONS:
        return campagne.obligations.get(reste[0])
    if tete == ID_DATE:
        return campagne.date
    if tete == ID_COMMENTAIRES:
        return campagne.commentaires or None
    valeur: object = campagne.reponses.get(reste[0], {}).get(reste[1])
    for cle in reste[2:]:
        valeur = valeur.get(cle) if isinstance(valeur, dict) else None
    return valeur


def aplatir(campagne: Campagne, referentiel: Referentiel) -> dict[tuple[str, ...], object]:
    """Chaque réponse écrite (non vide) de la campagne, par chemin, dans l'ordre du référentiel."""
    resultat = {chemin: valeur_a(campagne, chemin) for chemin in chemins(referentiel)}
    return {chemin: valeur for chemin, valeur in resultat.items() if valeur is not None}


def position(racine: Noeud | None, chemin: tuple[str, ...]) -> Position | None:
    """La position d'une réponse dans l'arbre lu d'un fichier YAML : sa valeur, sinon la clé la plus proche."""
    noeud = racine
    trouvee = None
    for cle in chemin:
        if not isinstance(noeud, Tableau) or cle not in noeud.entrees:
            break
        entree, noeud = noeud.entrees[cle]
        trouvee = entree.position
    if isinstance(noeud, Scalaire) and noeud.valeur is not None and len(chemin) and trouvee is not None:
        return noeud.position
    return trouvee


#: Ce qu'un tableur ne garde pas d'un texte : les caractères de contrôle, que le XML d'un classeur ne peut pas
#: porter (et le caractère de remplacement qui les y représente), et la tabulation, que python-calamine ne relit
#: pas d'un ODS enregistré par LibreOffice.
_INTENABLES = re.compile("[\x00-\x09\x0b-\x1f\x7f\ufffd\ufffe\uffff]")


def texte_comparable(texte: str) -> str:
    """Un texte libre tel qu'un tableur le rend : fins de ligne unifiées, caractères intenables retirés, sans
    blancs ni fins de ligne à la fin (un bloc YAML « | » en ajoute une)."""
    texte = texte.replace("\r\n", "\n").replace("\r", "\n")
    return _INTENABLES.sub("", texte).rstrip()


def egales(a: object, b: object) -> bool:
    """Deux réponses égales : nombres comparés par valeur (97 = 97.0), texte libre tel qu'un tableur le rend."""
    if isinstance(a, str) and isinstance(b, str):
        return a == b or texte_comparable(a) == texte_comparable(b)
    return a == b


def libelle_chemin(chemin: tuple[str, ...]) -> str:
    """« pilotage.services.ent.regles_administration » : le chemin tel que l'écrit le fichier YAML."""
    return ".".join(chemin[1:] if chemin[0] == "reponses" else chemin)
