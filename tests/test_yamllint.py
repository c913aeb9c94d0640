"""Une campagne neuve passe yamllint : règles par défaut (un crochet pre-commit tel quel) et
configuration livrée pour les campagnes (``docs/yamllint-campagnes.yaml``, reprise dans le README)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner
from yamllint import linter
from yamllint.config import YamlLintConfig

from diagnum.cli import app

RACINE = Path(__file__).resolve().parents[1]
CONFIGURATION = RACINE / "docs" / "yamllint-campagnes.yaml"
runner = CliRunner()


def init(chemin: Path, *options: str) -> str:
    resultat = runner.invoke(app, ["init", str(chemin), *options])
    assert resultat.exit_code == 0, resultat.output
    return chemin.read_text(encoding="utf-8")


def problemes(texte: str, configuration: YamlLintConfig) -> list[tuple[int, str, str]]:
    return [(p.line, p.level, p.rule) for p in linter.run(texte, configuration)]


def test_les_lignes_du_gabarit_tiennent_en_80_caracteres(tmp_path):
    texte = init(tmp_path / "campagne.yaml")
    # Seule la première ligne, qui nomme le schéma installé par son chemin absolu, peut dépasser.
    longues = [n for n, ligne in enumerate(texte.splitlines(), 1) if len(ligne) > 80]
    assert longues in ([], [1])
    erreurs = [p for p in problemes(texte, YamlLintConfig("extends: default")) if p[1] == "error"]
    assert [p for p in erreurs if p[0] != 1] == []


def test_la_configuration_livree_accepte_une_campagne_neuve_meme_installee_loin(tmp_path, monkeypatch):
    # Un référentiel installé sous un long chemin : la première ligne dépasse 80 caractères.
    dossier = tmp_path / ("un-dossier-d-installation-au-nom-tres-long-" * 2) / "referentiels"
    dossier.mkdir(parents=True)
    for fichier in (RACINE / "referentiel").glob("2011*"):
        shutil.copy(fichier, dossier / fichier.name)
    monkeypatch.setenv("DIAGNUM_REFERENTIELS", str(dossier))
    texte = init(tmp_path / "campagne.yaml")
    assert len(texte.splitlines()[0]) > 80
    configuration = YamlLintConfig(file=str(CONFIGURATION))
    trouves = problemes(texte, configuration)
    assert [p for p in trouves if p[1] == "error"] == []
    assert trouves in ([], [(1, "warning", "line-length")])
    # Par défaut, la même campagne n'a d'erreur qu'à cette première ligne.
    assert {p[0] for p in problemes(texte, YamlLintConfig("extends: default")) if p[1] == "error"} == {1}


def test_le_readme_reprend_la_configuration_yamllint():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    assert CONFIGURATION.read_text(encoding="utf-8") in readme
