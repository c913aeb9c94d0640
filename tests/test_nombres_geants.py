"""Entiers géants et nombres mal écrits (issue 15, points 1 et 2), par la ligne de commande.

Reproducteurs : une cible ``1`` suivie de 309 zéros, un élément de référence de cette taille
(``valider`` le laissait passer, puis ``score``, ``rapport`` et ``compare`` finissaient en « erreur
interne », code 2), un hexadécimal de 5 000 chiffres (limite de 4 300 chiffres de Python). Dans un
lot, un tel fichier supprimait les constats de tous les autres. ``0x10``, ``0o17``, ``0b11`` et
``5_98`` étaient acceptés comme des nombres.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app
from outils_progression import APRES, AVANT

runner = CliRunner()
GEANT = "1" + "0" * 309


def remplacer(source: Path, destination: Path, motif: str, valeur: str) -> Path:
    texte, nombre = re.subn(motif, lambda m: m.group(1) + valeur, source.read_text(encoding="utf-8"), count=1)
    assert nombre == 1
    destination.write_text(texte, encoding="utf-8")
    return destination


def ligne_de(chemin: Path, debut: str) -> int:
    return next(
        i for i, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), 1) if ligne.startswith(debut)
    )


@pytest.fixture
def reference_geante(tmp_path) -> Path:
    return remplacer(APRES, tmp_path / "geante.yaml", r"(\n  eleves: )\d+", GEANT)


@pytest.fixture
def cible_geante(tmp_path) -> Path:
    return remplacer(AVANT, tmp_path / "cible.yaml", r"(\n    cible: )\d+", GEANT)


@pytest.mark.parametrize(
    "arguments",
    [
        lambda f, d: ["score", str(f)],
        lambda f, d: ["rapport", str(f), "-o", str(d / "r")],
        lambda f, d: ["radar", str(f), "-o", str(d / "r.png")],
        lambda f, d: ["compare", str(AVANT), str(f)],
        lambda f, d: ["evolution", str(AVANT), str(f)],
    ],
    ids=["score", "rapport", "radar", "compare", "evolution"],
)
def test_un_effectif_geant_est_une_erreur_a_sa_ligne(tmp_path, reference_geante, arguments):
    resultat = runner.invoke(app, arguments(reference_geante, tmp_path))
    assert resultat.exit_code == 1, resultat.output
    assert resultat.stdout == ""
    ligne = ligne_de(reference_geante, "  eleves:")
    assert (
        f"{reference_geante}:{ligne}:11: [erreur] Nombre d’élèves : « 1000000000000000000000000000000000000000"
        in resultat.stderr
    )
    assert "dépasse 100 000, le plus grand effectif accepté" in resultat.stderr
    assert "erreur interne" not in resultat.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geante.yaml"]


def test_une_cible_geante_est_une_erreur_a_sa_ligne(cible_geante):
    resultat = runner.invoke(app, ["compare", str(cible_geante), str(APRES)])
    assert resultat.exit_code == 1, resultat.output
    ligne = ligne_de(cible_geante, "    cible:")
    assert (
        f"{cible_geante}:{ligne}:12: [erreur] objectif.cible : un score est compris entre 0 et 100" in resultat.stderr
    )


def test_un_lot_rapporte_chaque_fichier(tmp_path, reference_geante):
    """Reproducteur : un fichier au nombre géant taisait les constats de tous les autres du lot."""
    hexa = remplacer(APRES, tmp_path / "hexa.yaml", r"(\n  eleves: )\d+", "0x" + "f" * 5000)
    decimal = remplacer(APRES, tmp_path / "decimal.yaml", r"(\n  eleves: )\d+", "7" * 5000)
    faux = tmp_path / "faux.yaml"
    faux.write_text('referentiel: "2011"\netablissement:\n  uai: 123\n', encoding="utf-8")
    resultat = runner.invoke(
        app, ["valider", "--format", "parsable", str(hexa), str(faux), str(reference_geante), str(decimal), str(APRES)]
    )
    assert resultat.exit_code == 1
    assert resultat.stderr == ""
    erreurs = [ligne for ligne in resultat.stdout.splitlines() if "[erreur]" in ligne]
    assert [ligne.split(":")[0] for ligne in erreurs] == [str(hexa), str(faux), str(reference_geante), str(decimal)]
    assert erreurs[0].endswith("écrivez le nombre en chiffres, sans préfixe ni « _ » (nombre-mal-ecrit)")
    assert erreurs[3].endswith("le plus grand effectif accepté (vérifiez ce nombre) (hors-bornes)")


@pytest.mark.parametrize("ecrit", ["0x10", "0o17", "0b11", "5_98", "1_000", "0x_"])
def test_un_nombre_s_ecrit_en_chiffres(tmp_path, ecrit):
    fichier = remplacer(APRES, tmp_path / "prefixe.yaml", r"(\n    salles_tni: )\d+", ecrit)
    resultat = runner.invoke(app, ["valider", "--format", "parsable", str(fichier)])
    assert resultat.exit_code == 1
    ligne = ligne_de(fichier, "    salles_tni:")
    erreurs = [ligne for ligne in resultat.stdout.splitlines() if "[erreur]" in ligne]
    assert erreurs == [
        f"{fichier}:{ligne}:17: [erreur] « {ecrit} » : écrivez le nombre en chiffres, sans préfixe ni « _ » "
        "(nombre-mal-ecrit)"
    ]


def test_le_readme_dit_les_bornes_du_referentiel():
    """Les bornes documentées sont celles du référentiel et des plafonds de valider."""
    from diagnum.campagne.diagnostics import CONSTATS_MAX
    from diagnum.lecture_yaml import VALEURS_MAX
    from diagnum.referentiel import charger_referentiel

    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())

    def fr(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    bornes = charger_referentiel().bornes
    assert set(bornes.effectifs.values()) == {bornes.effectifs["nombre"]}
    assert f"un effectif ne dépasse pas {fr(bornes.effectifs['nombre'])}" in readme
    assert f"a au plus {fr(bornes.texte)} caractères, les commentaires au plus {fr(bornes.commentaires)}" in readme
    assert f"au plus {fr(CONSTATS_MAX)} constats par fichier" in readme
    assert f"au-delà de {fr(VALEURS_MAX)} clés et valeurs" in readme
