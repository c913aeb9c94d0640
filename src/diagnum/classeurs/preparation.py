"""Le déroulé de ``diagnum fusionner``, sans rien écrire : sources lues et vérifiées, identité comparée,
fusion, conflits, nouveau texte de la campagne relu par la validation.

Tout ce qui bloque est rendu sous forme de lignes prêtes à montrer (chacune avec sa place) ; la commande
n'a plus qu'à les afficher et, si rien ne bloque, à écrire le texte d'un seul geste.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from diagnum.affichage import abreger, modalite
from diagnum.classeurs.edition import appliquer, provenances
from diagnum.classeurs.fusion import fusionner
from diagnum.classeurs.reponses import chemins, libelle_chemin
from diagnum.classeurs.sources import charger, charger_yaml, differences
from diagnum.erreurs import ErreurDiagnum


class Preparation(NamedTuple):
    """Ce que la fusion ferait ; ``texte`` est ``None`` s'il n'y a rien à écrire ou si quelque chose bloque."""

    #: Constats des sources (ou de la campagne) qui empêchent toute fusion : erreurs situées, identité autre.
    refus: list[str]
    conflits: list[str]
    #: Chaque réponse changée : « chemin : avant → après (place) ».
    changements: list[str]
    #: Erreurs que seule la campagne fusionnée fait voir, chacune renvoyée à la cellule d'où vient la réponse.
    erreurs_apres: list[str]
    texte: str | None = None
    campagne_invalide: bool = False


def affiche(valeur: object) -> str:
    """Une réponse dans un message : « oui », 12, « jamais 1, occasionnellement 2, régulièrement 3 »."""
    if valeur is None:
        return "(vide)"
    if isinstance(valeur, dict):
        return ", ".join(f"{modalite(k)} {v}" for k, v in valeur.items())
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        return str(int(valeur)) if float(valeur).is_integer() else str(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return f"« {abreger(' '.join(str(valeur).split()))} »"


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
    conflits = [
        f"conflit sur {libelle_chemin(c.chemin)} entre "
        f"{'la campagne et une source' if c.dans_campagne else 'deux sources'} : {affiche(c.premiere.valeur)} "
        f"({c.premiere.place}) et {affiche(c.seconde.valeur)} ({c.seconde.place})"
        for c in fusion.conflits
    ]
    changements = [
        f"{libelle_chemin(c.chemin)} : {affiche(c.avant)} → {affiche(c.apres)} ({c.place})" for c in fusion.changements
    ]
    if conflits or not fusion.changements:
        return Preparation([], conflits, changements, [])
    texte = appliquer(cible.texte, fusion.changements, cible.referentiel)
    erreurs = [d for d in valider_texte(texte.encode("utf-8"), str(campagne)).diagnostics if d.est_erreur]
    venues = provenances(texte, fusion.changements) if erreurs else {}
    erreurs_apres = [
        f"{campagne} (après fusion):{d.ligne}:{d.colonne}: [erreur] {d.message} ({d.code})"
        + (f" ; réponse venue de {venues[d.ligne]}" if d.ligne in venues else "")
        for d in erreurs
    ]
    return Preparation([], [], changements, erreurs_apres, None if erreurs else texte)
