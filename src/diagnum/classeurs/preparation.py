"""Le déroulé de ``diagnum fusionner``, sans rien écrire : sources lues et vérifiées, identité comparée,
fusion, conflits, nouveau texte de la campagne relu par la validation.

Tout ce qui bloque est rendu tel quel (conflits, changements, erreurs d'après fusion avec la cellule d'où
vient la réponse) ; ``sorties.texte`` en fait des lignes, et la commande n'a plus qu'à les afficher et, si
rien ne bloque, à écrire le texte d'un seul geste.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from diagnum.campagne.diagnostics import Diagnostic
from diagnum.classeurs.edition import appliquer, provenances
from diagnum.classeurs.fusion import Changement, Conflit, fusionner
from diagnum.classeurs.reponses import chemins
from diagnum.classeurs.sources import charger, charger_yaml, differences
from diagnum.erreurs import ErreurDiagnum


class Preparation(NamedTuple):
    """Ce que la fusion ferait ; ``texte`` est ``None`` s'il n'y a rien à écrire ou si quelque chose bloque."""

    #: Constats des sources (ou de la campagne) qui empêchent toute fusion : erreurs situées, identité autre.
    refus: list[str]
    conflits: list[Conflit]
    #: Chaque réponse changée (avant, après, place).
    changements: list[Changement]
    #: Erreurs que seule la campagne fusionnée fait voir, chacune avec la cellule d'où vient la réponse (ou None).
    erreurs_apres: list[tuple[Diagnostic, str | None]]
    texte: str | None = None
    campagne_invalide: bool = False


def preparer_fusion(
    campagne: Path, sources: list[Path], *, retenir: str | None = None, remplacer: bool = False
) -> Preparation:
    """Lit la campagne et les sources, et prépare leur fusion ; lève ``ErreurDiagnum`` pour un usage impossible."""
    from diagnum.campagne.chargement import valider_texte

    cible = charger_yaml(campagne)
    if cible.erreurs or cible.campagne is None:
        return Preparation(cible.erreurs, [], [], [], campagne_invalide=True)
    lues = [charger(chemin) for chemin in sources]
    noms = [f.nom for f in lues]
    double = next((n for n in noms if noms.count(n) > 1), None)
    if double is not None:
        raise ErreurDiagnum(
            f"deux sources s'appellent « {double} » : renommez-en une pour savoir d'où vient chaque réponse"
        )
    refus: list[str] = []
    for lue in lues:
        refus += lue.erreurs
        if not lue.erreurs:
            refus += [f"{lue.chemin} : source refusée, autre {e}" for e in differences(cible.campagne, lue.campagne)]
    if refus:
        return Preparation(refus, [], [], [])
    if retenir is not None:
        choisie = next((f.nom for f in lues if retenir in (str(f.chemin), f.chemin.name, f.nom)), None)
        if choisie is None:
            raise ErreurDiagnum(f"--retenir : « {retenir} » n'est pas une des sources ({', '.join(noms)})")
        retenir = choisie
    fusion = fusionner(
        cible.source.reponses,
        [f.source for f in lues],
        retenir=retenir,
        remplacer=remplacer,
        ordre=chemins(cible.referentiel),
    )
    conflits, changements = fusion.conflits, fusion.changements
    if conflits or not fusion.changements:
        return Preparation([], conflits, changements, [])
    texte = appliquer(cible.texte, fusion.changements, cible.referentiel)
    erreurs = [d for d in valider_texte(texte.encode("utf-8"), str(campagne)).diagnostics if d.est_erreur]
    venues = provenances(texte, fusion.changements) if erreurs else {}
    erreurs_apres = [(d, venues.get(d.ligne)) for d in erreurs]
    return Preparation([], [], changements, erreurs_apres, None if erreurs else texte)
