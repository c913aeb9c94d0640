"""Charger la campagne et ses sources (classeurs ODS ou XLSX, campagnes YAML) pour ``diagnum fusionner``.

Bord d'entrée : chaque fichier est lu puis vérifié comme par ``diagnum valider`` ; ses réponses
deviennent une ``fusion.Source``, chacune avec sa place (ligne:colonne, ou feuille!cellule).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import NamedTuple

from diagnum.campagne.diagnostics import Diagnostic, Position
from diagnum.campagne.modele import Campagne
from diagnum.classeurs.fusion import Reponse, Source
from diagnum.classeurs.reponses import aplatir, position
from diagnum.lecture_yaml import Noeud
from diagnum.referentiel import Referentiel

CLASSEURS = (".ods", ".xlsx")


class Fichier(NamedTuple):
    """Un fichier lu et vérifié : son identité, ses constats situés, ses réponses."""

    chemin: Path
    nom: str
    #: Constats d'erreur, chacun déjà écrit « fichier:place: [erreur] message (code) ».
    erreurs: list[str]
    campagne: Campagne | None
    referentiel: Referentiel | None
    source: Source
    texte: str = ""


def nom_sur(chemin: Path) -> str:
    """Le nom du fichier, sans caractère de contrôle ni « # » : il finit dans un commentaire YAML."""
    return "".join("?" if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in chemin.name)


def _ligne(nom: str, place: object, d: Diagnostic) -> str:
    message = " ".join(d.message.split())
    return f"{nom}:{place}: [{d.gravite.value}] {message} ({d.code})"


def _reponses(campagne: Campagne, referentiel: Referentiel, place) -> dict[tuple[str, ...], Reponse]:
    return {chemin: Reponse(valeur, place(chemin)) for chemin, valeur in aplatir(campagne, referentiel).items()}


def charger_yaml(chemin: Path) -> Fichier:
    """Une campagne YAML : vérifiée comme par ``valider``, ses réponses situées à leur ligne et colonne."""
    from diagnum.campagne.chargement import valider_texte
    from diagnum.fichiers import lire_octets
    from diagnum.lecture_yaml import ErreurLecture, decoder, lire_yaml

    contenu = lire_octets(chemin)
    resultat = valider_texte(contenu, str(chemin))
    nom = nom_sur(chemin)
    erreurs = [_ligne(str(chemin), f"{d.ligne}:{d.colonne}", d) for d in resultat.diagnostics if d.est_erreur]
    racine: Noeud | None = None
    texte = ""
    try:
        texte = decoder(contenu)
        racine, _ = lire_yaml(texte)
    except ErreurLecture:
        pass
    reponses: dict[tuple[str, ...], Reponse] = {}
    if resultat.campagne is not None and not erreurs:

        def place(c: tuple[str, ...]) -> str:
            p = position(racine, c) or Position(1, 1)
            return f"{chemin.name}:{p.ligne}:{p.colonne}"

        reponses = _reponses(resultat.campagne, resultat.referentiel, place)
    return Fichier(chemin, nom, erreurs, resultat.campagne, resultat.referentiel, Source(nom, reponses), texte)


def charger_classeur(chemin: Path) -> Fichier:
    """Un classeur écrit par ``diagnum classeur`` : relu par identifiant, vérifié, ses réponses à leur cellule."""
    from diagnum.classeurs.lecture import ClasseurIllisible, erreurs_situees, lire_classeur

    nom = nom_sur(chemin)
    try:
        lu = lire_classeur(chemin)
    except ClasseurIllisible as exc:
        erreurs = [f"{chemin}:{a.place}: [erreur] {a.message} ({a.code})" for a in exc.alterations]
        return Fichier(chemin, nom, erreurs, None, None, Source(nom, {}))
    erreurs = [_ligne(str(chemin), place, d) for place, d in erreurs_situees(lu)]
    reponses: dict[tuple[str, ...], Reponse] = {}
    campagne = lu.resultat.campagne
    if campagne is not None and not erreurs:

        def place(c: tuple[str, ...]) -> str:
            return f"{chemin.name}:{lu.place(position(lu.racine, c))}"

        reponses = _reponses(campagne, lu.resultat.referentiel, place)
    return Fichier(chemin, nom, erreurs, campagne, lu.resultat.referentiel, Source(nom, reponses))


def charger(chemin: Path) -> Fichier:
    """Une source, selon son extension : classeur .ods ou .xlsx, sinon campagne YAML."""
    if chemin.suffix.lower() in CLASSEURS:
        return charger_classeur(chemin)
    return charger_yaml(chemin)


def differences(campagne: Campagne, source: Campagne) -> list[str]:
    """Ce qui fait d'une source celle d'un autre établissement, d'une autre campagne ou d'un autre référentiel."""
    ecarts = []
    if source.referentiel != campagne.referentiel:
        ecarts.append(
            f"référentiel « {source.referentiel} » (la campagne suit le référentiel « {campagne.referentiel} »)"
        )
    uai_source, uai = source.etablissement.uai, campagne.etablissement.uai
    if uai_source and uai_source != uai:
        ecarts.append(f"UAI « {uai_source} » (la campagne : {f'« {uai} »' if uai else 'aucun UAI'})")
    if source.campagne and source.campagne != campagne.campagne:
        autre = f"« {campagne.campagne} »" if campagne.campagne else "sans nom"
        ecarts.append(f"campagne « {source.campagne} » (la campagne : {autre})")
    return ecarts
