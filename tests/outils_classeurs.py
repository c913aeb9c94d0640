"""Outils des tests de ``diagnum classeur`` et ``diagnum fusionner`` : campagnes, classeurs remplis."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from typer.testing import CliRunner

from diagnum.campagne.chargement import charger_campagne
from diagnum.classeurs.modele import Classeur, construire_classeur
from diagnum.cli import app
from diagnum.sorties.ods import classeur_ods
from diagnum.sorties.xlsx import classeur_xlsx

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
runner = CliRunner()


def diagnum(*arguments: object):
    return runner.invoke(app, [str(a) for a in arguments])


def campagnes_generees(dossier: Path, nombre: int = 3) -> list[Path]:
    """Des campagnes plausibles de ``benchmarks/generer_territoire.py`` (graine fixe)."""
    spec = importlib.util.spec_from_file_location("generer_territoire", RACINE / "benchmarks" / "generer_territoire.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generer_territoire"] = module
    spec.loader.exec_module(module)
    return module.generer(dossier, nombre, graine=19)


def init_meme_etablissement(campagne: Path, cible: Path, *parties: str) -> Path:
    """Une campagne neuve (``diagnum init``) du même établissement et de la même campagne."""
    donnees, _ = charger_campagne(campagne)
    etab = donnees.etablissement
    options = [
        "--etablissement",
        etab.nom,
        "--uai",
        etab.uai,
        "--commune",
        etab.commune,
        "--campagne",
        donnees.campagne,
    ]
    for partie in parties:
        options += ["--partie", partie]
    resultat = diagnum("init", cible, *options)
    assert resultat.exit_code == 0, resultat.output
    return cible


def modifier(classeur: Classeur, valeurs: dict[tuple[str, ...], object]) -> Classeur:
    """Le classeur avec ces cellules remplies autrement (comme si un membre les avait saisies)."""
    feuilles = []
    for feuille in classeur.feuilles:
        rangees = []
        for rangee in feuille.rangees:
            saisies = tuple(s._replace(valeur=valeurs[s.chemin]) if s.chemin in valeurs else s for s in rangee.saisies)
            rangees.append(rangee._replace(saisies=saisies))
        feuilles.append(feuille._replace(rangees=tuple(rangees)))
    return classeur._replace(feuilles=tuple(feuilles))


def ecrire_classeur(chemin: Path, campagne: Path | None, valeurs: dict | None = None, parties=()) -> Path:
    """Écrit le classeur d'une campagne (au format de l'extension), avec ces cellules remplies autrement."""
    donnees, referentiel = charger_campagne(campagne)
    classeur = modifier(construire_classeur(referentiel, donnees, parties, chemin.name), valeurs or {})
    chemin.write_bytes(classeur_ods(classeur) if chemin.suffix == ".ods" else classeur_xlsx(classeur))
    return chemin
