"""Validation d'une campagne contre son référentiel : une fonction pure.

Entrée : l'arbre positionné lu par ``lecture_yaml`` et une fonction qui
fournit un référentiel par version. Sortie : la liste des constats et la
campagne nettoyée (``Campagne``), que le calcul des scores consomme.

Ce module ne fait que l'entrée en matière (fichier vide, version du référentiel) ;
les vérifications elles-mêmes sont dans ``campagne.verifications``, une par module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NamedTuple

from diagnum.campagne.diagnostics import DEBUT, Diagnostic, erreur, trier
from diagnum.campagne.modele import Campagne
from diagnum.campagne.verifications import VERIFICATIONS, executer
from diagnum.campagne.verifications.contexte import (
    CLES_ACTION as CLES_ACTION,
)
from diagnum.campagne.verifications.contexte import (
    CLES_ENQUETE as CLES_ENQUETE,
)
from diagnum.campagne.verifications.contexte import (
    CLES_ETABLISSEMENT as CLES_ETABLISSEMENT,
)
from diagnum.campagne.verifications.contexte import (
    CLES_OBJECTIF as CLES_OBJECTIF,
)
from diagnum.campagne.verifications.contexte import (
    Contexte,
    affiche,
    vide,
)
from diagnum.campagne.verifications.contexte import (
    enumerer as enumerer,
)
from diagnum.campagne.verifications.contexte import (
    sans_accents as sans_accents,
)
from diagnum.campagne.verifications.contexte import (
    suggestion as suggestion,
)
from diagnum.campagne.verifications.identite import (
    ALPHABET_UAI as ALPHABET_UAI,
)
from diagnum.campagne.verifications.identite import (
    lettre_uai as lettre_uai,
)
from diagnum.campagne.verifications.identite import (
    probleme_uai as probleme_uai,
)
from diagnum.campagne.verifications.identite import (
    uai_valide as uai_valide,
)
from diagnum.erreurs import ErreurReferentiel
from diagnum.lecture_yaml import Noeud, Scalaire, Tableau
from diagnum.referentiel import Referentiel


class Resultat(NamedTuple):
    """Ce que la validation d'un fichier produit."""

    diagnostics: list[Diagnostic]
    campagne: Campagne | None = None
    referentiel: Referentiel | None = None

    @property
    def a_des_erreurs(self) -> bool:
        return any(d.est_erreur for d in self.diagnostics)


def valider_arbre(
    racine: Noeud | None,
    referentiels: Callable[[str], Referentiel],
    *,
    complet: bool = False,
    chemin: str = "",
    verifications: Sequence[ModuleType] | None = None,
) -> Resultat:
    """Valide l'arbre d'un fichier de campagne ; ne lève pas d'exception pour
    un contenu fautif (un référentiel introuvable devient un constat).

    ``verifications`` : celles à faire (toutes par défaut, ``verifications.VERIFICATIONS``) ;
    les tests en font une seule à la fois."""
    if racine is None:
        return Resultat(
            [erreur(DEBUT, "vide", "le fichier est vide : lancez « diagnum init » pour créer une campagne")]
        )
    if not isinstance(racine, Tableau):
        return Resultat(
            [
                erreur(
                    racine.position,
                    "racine",
                    f"une campagne commence par des clés (referentiel:, etablissement:, …), trouvé {affiche(racine)}",
                )
            ]
        )
    noeud_version = racine.get("referentiel")
    if vide(noeud_version):
        present = "referentiel" in racine.entrees
        position = racine.entrees["referentiel"][0].position if present else DEBUT
        etat = "vide" if present else "manquante"
        return Resultat(
            [
                erreur(
                    position,
                    "referentiel-absent",
                    f'clé « referentiel » {etat} : indiquez la version du référentiel, par exemple referentiel: "2011"',
                )
            ]
        )
    if not isinstance(noeud_version, Scalaire):
        return Resultat(
            [
                erreur(
                    noeud_version.position,
                    "type",
                    f'referentiel : une version est attendue, par exemple "2011", trouvé {affiche(noeud_version)}',
                )
            ]
        )
    version = noeud_version.texte
    try:
        referentiel = referentiels(version)
    except ErreurReferentiel as exc:
        return Resultat([erreur(noeud_version.position, "referentiel-inconnu", exc.message)])
    ctx = Contexte(racine, referentiel, complet, VERIFICATIONS if verifications is None else verifications)
    executer(ctx)
    campagne = Campagne(referentiel=referentiel.version, chemin=chemin, **ctx.lu)
    return Resultat(trier(ctx.constats), campagne, referentiel)
