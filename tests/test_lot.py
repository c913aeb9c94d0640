"""Valider un gros lot : même résultat, dans le même ordre, en série ou sur plusieurs processus."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.campagne.lot import SEUIL_PARALLELE, nombre_de_processus, valider_lot
from diagnum.cli import app

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def lot(tmp_path_factory) -> list[Path]:
    """Un lot varié : copies de l'exemple, fichiers cassés de plusieurs façons, un absent."""
    dossier = tmp_path_factory.mktemp("lot")
    exemple = EXEMPLE.read_text(encoding="utf-8")
    contenus = [
        exemple,
        "campagne: [\n",
        "referentiel: '2011'\netablissement: {}\n",
        exemple.replace("referentiel:", "referentiel:\t", 1),
        "\t- a\n",
        "a: 1\na: 2\n",
    ]
    chemins = []
    for i in range(SEUIL_PARALLELE + 12):
        chemin = dossier / f"campagne-{i:03d}.yaml"
        chemin.write_text(contenus[i % len(contenus)], encoding="utf-8")
        chemins.append(chemin)
    chemins.insert(17, dossier / "absent.yaml")
    return chemins


def test_en_parallele_comme_en_serie(lot):
    serie = valider_lot(lot, processus=1)
    parallele = valider_lot(lot, processus=2)
    assert [v.chemin for v in parallele] == [str(c) for c in lot]
    assert parallele == serie
    assert sum(1 for v in serie if v.illisible) == 1
    assert any(v.constats == [] for v in serie) and any(v.constats for v in serie)


def test_avancement_compte_chaque_fichier(lot):
    vus = []
    valider_lot(lot[: SEUIL_PARALLELE + 3], processus=2, avancer=vus.append)
    assert sum(vus) == SEUIL_PARALLELE + 3


def test_nombre_de_processus():
    assert nombre_de_processus(1) == 1
    assert nombre_de_processus(SEUIL_PARALLELE) == 1
    assert 1 <= nombre_de_processus(10 * SEUIL_PARALLELE) <= 10 * SEUIL_PARALLELE


def test_cli_gros_lot_sans_barre_hors_terminal(lot):
    resultat = runner.invoke(app, ["valider", "--format", "parsable", *map(str, lot)])
    assert resultat.exit_code == 2  # un fichier absent : impossible de tout vérifier
    assert resultat.stderr.splitlines() == [f"diagnum : {lot[17]} : fichier ou dossier introuvable"]
    fichiers_signales = [ligne.split(":", 1)[0] for ligne in resultat.stdout.splitlines()]
    assert fichiers_signales == sorted(fichiers_signales)  # l'ordre des fichiers donnés est gardé
    serie = valider_lot(lot, processus=1)
    attendu = sum(len(v.constats) for v in serie if v.constats)
    assert len(resultat.stdout.splitlines()) == attendu


def test_un_fichier_imprevu_ne_tait_pas_les_autres(tmp_path, monkeypatch):
    """Reproducteur : un fichier qui faisait lever une erreur imprévue supprimait les constats de tout le lot."""
    from diagnum.campagne import chargement

    vraie = chargement.valider_texte
    piege = tmp_path / "piege.yaml"
    piege.write_text('referentiel: "2011"\n', encoding="utf-8")
    faux = tmp_path / "faux.yaml"
    faux.write_text('referentiel: "2011"\netablissement:\n  uai: 123\n', encoding="utf-8")

    def valider_texte(contenu, chemin="", **options):
        if chemin == str(piege):
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return vraie(contenu, chemin, **options)

    monkeypatch.setattr(chargement, "valider_texte", valider_texte)
    monkeypatch.delenv("DIAGNUM_DEBUG", raising=False)
    resultat = runner.invoke(app, ["valider", "--format", "parsable", str(piege), str(faux)])
    assert resultat.exit_code == 2
    assert resultat.stderr == (
        f"diagnum : {piege} : erreur interne en vérifiant ce fichier (ValueError) ; les autres fichiers sont "
        "vérifiés quand même ; relancez avec DIAGNUM_DEBUG=1 pour le détail et signalez-la\n"
    )
    assert f"{faux}:3:8: [erreur] UAI « 123 » invalide" in resultat.stdout
