"""``diagnum score FICHIER`` : tableau, JSON, CSV pour un tableur français."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.affichage import score_fr
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.cli import app

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
FIXTURES = Path(__file__).parent / "fixtures" / "scores"
runner = CliRunner()


def score(*args: object):
    return runner.invoke(app, ["score", *map(str, args)])


def profil(chemin: Path):
    return calculer_profil(*charger_campagne(chemin))


@pytest.fixture(params=EXEMPLES, ids=lambda p: p.stem)
def exemple(request) -> Path:
    return request.param


def test_il_y_a_des_exemples():
    assert len(EXEMPLES) >= 2


# --------------------------------------------------------------------------
# Tableau


def test_tableau_les_sept_domaines_puis_les_obligations(exemple):
    resultat = score(exemple)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    sortie = resultat.stdout
    p = profil(exemple)
    assert p.etablissement.nom in sortie and p.campagne in sortie
    lignes = sortie.splitlines()
    for d in p.domaines:
        ligne = next(ligne for ligne in lignes if ligne.startswith(f"{d.section} {d.axe}"))
        attendus = [score_fr(d.score)] + ([score_fr(d.usage), score_fr(d.moyens)] if d.nature == "usage" else [])
        cellules = [c.strip() for c in ligne.split("│")[1:]]
        assert [c for c in cellules[:-1] if c] == attendus, ligne
    assert sortie.index("Obligations réglementaires") > max(sortie.index(d.axe) for d in p.domaines)


def test_tableau_obligations_non_respectees_d_abord():
    chemin = next(p for p in EXEMPLES if any(not o.respectee for o in profil(p).obligations))
    sortie = score(chemin).stdout
    debut = sortie.index("Obligations réglementaires")
    assert sortie.index("non respectée", debut) < sortie.index(" respectée ", debut)


def test_tableau_score_provisoire_et_domaine_sans_score():
    resultat = score(FIXTURES / "affirmation.yaml")
    assert resultat.exit_code == 0
    lignes = resultat.stdout.splitlines()
    accompagnement = next(ligne for ligne in lignes if "Accompagnement pédagogique" in ligne)
    assert "50,0 *" in accompagnement
    pilotage = next(ligne for ligne in lignes if "Pilotage et organisation" in ligne)
    assert "sans score" in pilotage
    assert "* provisoire : questions de ce chiffre renseignées à moins de 50\u00a0%." in resultat.stdout
    assert "sans score : domaine non renseigné" in resultat.stdout


def test_tableau_nom_avec_balises_rich_affiche_tel_quel(tmp_path):
    texte = (FIXTURES / "affirmation.yaml").read_text(encoding="utf-8")
    chemin = tmp_path / "c.yaml"
    chemin.write_text(texte + 'etablissement:\n  nom: "[bold red]Collège[/] $x_1<y$"\n', encoding="utf-8")
    resultat = score(chemin)
    assert resultat.exit_code == 0, resultat.output
    assert "[bold red]Collège[/] $x_1<y$" in resultat.stdout


# --------------------------------------------------------------------------
# JSON


def test_json_contrat(exemple):
    resultat = score(exemple, "--format", "json")
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    document = json.loads(resultat.stdout)
    p = profil(exemple)
    assert document["referentiel"] == "2011"
    assert document["etablissement"]["nom"] == p.etablissement.nom
    assert document["campagne"] == p.campagne
    assert [d["id"] for d in document["domaines"]] == [d.id for d in p.domaines]
    for d_json, d in zip(document["domaines"], p.domaines, strict=True):
        assert d_json["titre"] == d.titre
        assert d_json["score"] is None or 0 <= d_json["score"] <= 100
        assert 0 <= d_json["completude"] <= 1
        assert (d_json["score"], d_json["usage"], d_json["moyens"]) == (d.score, d.usage, d.moyens)
        assert d_json["provisoire"] is d.provisoire
        assert [levier["item"] for levier in d_json["leviers"]] == [levier.item for levier in d.leviers]
    reponses = [o["reponse"] for o in document["obligations"]]
    respectees = [r == "oui" for r in reponses]
    assert respectees == sorted(respectees), "les obligations non respectées d'abord"
    assert {o["id"] for o in document["obligations"]} == {o.id for o in p.obligations}
    assert set(document["obligations"][0]) >= {"id", "libelle", "reponse"}


def test_json_domaine_sans_score_vaut_null():
    document = json.loads(score(FIXTURES / "affirmation.yaml", "--format", "json").stdout)
    pilotage = next(d for d in document["domaines"] if d["id"] == "pilotage")
    assert pilotage["score"] is None and pilotage["completude"] == 0
    assert '"score": null' in score(FIXTURES / "affirmation.yaml", "--format", "json").stdout


# --------------------------------------------------------------------------
# CSV pour LibreOffice Calc et Excel réglés en français


def test_csv_proprietes_tableur_francais(exemple):
    resultat = runner.invoke(app, ["score", str(exemple), "--format", "csv"])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    octets = resultat.stdout_bytes
    assert octets.startswith(b"\xef\xbb\xbf"), "UTF-8 avec BOM"
    texte = octets[3:].decode("utf-8")
    assert texte.endswith("\r\n")
    assert texte.count("\r\n") == texte.count("\n"), "fins de ligne CRLF partout"
    lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=";"))
    p = profil(exemple)
    assert len(lignes) == 1 + len(p.domaines)
    assert lignes[0][:4] == ["identifiant", "section", "domaine", "score"]
    assert all(len(ligne) == len(lignes[0]) for ligne in lignes)
    for ligne, d in zip(lignes[1:], p.domaines, strict=True):
        assert ligne[0] == d.id
        assert ligne[3] == score_fr(d.score)
        assert "." not in ligne[3] and "." not in ligne[5], "virgule décimale"
    decimales = [ligne[3] for ligne in lignes[1:] if "," in ligne[3]]
    assert decimales, "au moins un score décimal, écrit avec une virgule"


def test_csv_cellule_vide_pour_un_score_absent():
    octets = runner.invoke(app, ["score", str(FIXTURES / "affirmation.yaml"), "--format", "csv"]).stdout_bytes
    lignes = list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))
    pilotage = next(ligne for ligne in lignes if ligne[0] == "pilotage")
    assert pilotage[3] == "" and pilotage[7] == "non"
    accompagnement = next(ligne for ligne in lignes if ligne[0] == "accompagnement_pedagogique")
    assert accompagnement[7] == "oui"


# --------------------------------------------------------------------------
# Fichier de sortie et erreurs


def test_sortie_dans_un_fichier_jamais_ecrase_sans_force(tmp_path):
    chemin = tmp_path / "scores.csv"
    resultat = score(EXEMPLES[0], "--format", "csv", "-o", chemin)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout.startswith(str(chemin))
    premier = chemin.read_bytes()
    assert premier.startswith(b"\xef\xbb\xbf")
    chemin.write_bytes(b"a moi")
    resultat = score(EXEMPLES[0], "--format", "csv", "-o", chemin)
    assert resultat.exit_code == 1
    assert "existe déjà" in resultat.stderr and resultat.stdout == ""
    assert chemin.read_bytes() == b"a moi"
    assert score(EXEMPLES[0], "--format", "csv", "-o", chemin, "--force").exit_code == 0
    assert chemin.read_bytes() == premier


def test_sortie_refusee_avec_le_tableau(tmp_path):
    resultat = score(EXEMPLES[0], "-o", tmp_path / "x.txt")
    assert resultat.exit_code == 2
    assert "--format json ou --format csv" in resultat.stderr
    assert not (tmp_path / "x.txt").exists()


def test_campagne_invalide_code_1(tmp_path):
    chemin = tmp_path / "mauvaise.yaml"
    chemin.write_text('referentiel: "2011"\nreponses:\n  pilotage:\n    comite_pilotage: peut-être\n', encoding="utf-8")
    resultat = score(chemin)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "mauvaise.yaml:4:" in resultat.stderr
    assert "1 erreur ; corrigez-la d'abord" in resultat.stderr
    assert "Traceback" not in resultat.output


def test_fichier_absent_code_2(tmp_path):
    resultat = score(tmp_path / "absent.yaml")
    assert resultat.exit_code == 2
    assert "introuvable" in resultat.stderr
    assert resultat.stdout == ""
