"""``--repere`` : un établissement situé parmi ceux de son territoire (score, rapport, radar), et les refus."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.cli import app
from diagnum.erreurs import ErreurFichier, ErreurProbleme
from diagnum.territoire.repere import charger_repere, situer

RACINE = Path(__file__).resolve().parents[1]
BONS = RACINE / "tests" / "fixtures" / "territoire" / "bons"
DOMAINE = "assistance_technique"
runner = CliRunner()


@pytest.fixture(scope="module")
def repere(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("repere") / "synthese"
    resultat = runner.invoke(app, ["synthese", str(BONS), "-o", str(dossier)])
    assert resultat.exit_code == 0, resultat.output
    return dossier / "repere.json"


def profil(numero: int):
    return calculer_profil(*charger_campagne(BONS / f"etablissement-{numero:02d}.yaml"))


def modifier(repere: Path, destination: Path, changer) -> Path:
    donnees = json.loads(repere.read_text(encoding="utf-8"))
    changer(donnees)
    destination.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    return destination


@pytest.mark.parametrize(
    ("numero", "part"),
    [
        (1, 0),  # score 0 : aucun établissement plus bas
        (7, 6 / 12),  # score 66,7 : plus haut que 0, 16,7, 16,7, 33,3, 50, 50
        (10, 9 / 12),  # score 100, ex æquo avec deux autres : au-dessus des neuf autres seulement
    ],
)
def test_part_des_etablissements_plus_bas(repere, numero, part):
    situation = situer(profil(numero), charger_repere(repere)).situations[DOMAINE]
    assert situation.part == pytest.approx(part)
    assert (situation.n, situation.q1, situation.mediane, situation.q3) == (
        12,
        pytest.approx(29.15),
        pytest.approx(58.35),
        pytest.approx(87.475),
    )


def test_phrase_d_un_domaine(repere):
    resultat = situer(profil(10), charger_repere(repere))
    assert resultat.phrase(DOMAINE) == "au-dessus de 75\u00a0% des 12 établissements"
    assert resultat.etablissements == 12 and resultat.campagne == "2024-2025"


def test_repere_refuse_autre_referentiel_autre_campagne_trop_petit(repere, tmp_path):
    donnees = charger_repere(repere)
    with pytest.raises(ErreurProbleme, match="repère du référentiel 2030, campagne du référentiel 2011"):
        situer(profil(1), {**donnees, "referentiel": "2030"})
    autre = {**donnees, "campagnes": {"2030-2031": donnees["campagnes"]["2024-2025"]}}
    with pytest.raises(
        ErreurProbleme, match=r"pas de repère pour la campagne 2024-2025 \(campagnes du repère : 2030-2031\)"
    ):
        situer(profil(1), autre)
    petit = json.loads(json.dumps(donnees))
    petit["campagnes"]["2024-2025"]["etablissements"] = 4
    with pytest.raises(ErreurProbleme, match="moins de 5 établissements"):
        situer(profil(1), petit)


def test_repere_illisible(tmp_path):
    casse = tmp_path / "casse.json"
    casse.write_text('{"format": "diagnum-repere",\n  "version": }', encoding="utf-8")
    with pytest.raises(ErreurFichier, match=r"casse\.json:2:14: JSON illisible"):
        charger_repere(casse)
    autre = tmp_path / "autre.json"
    autre.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ErreurFichier, match="ce n'est pas un repère de diagnum"):
        charger_repere(autre)
    with pytest.raises(ErreurFichier, match="introuvable"):
        charger_repere(tmp_path / "absent.json")


def test_score_tableau_avec_repere(repere):
    resultat = runner.invoke(
        app, ["score", str(BONS / "etablissement-10.yaml"), "--repere", str(repere)], env={"COLUMNS": "200"}
    )
    assert (resultat.exit_code, resultat.stderr) == (0, ""), resultat.output
    assert "Parmi les 12 établissements du territoire (campagne 2024-2025)" in resultat.stdout
    (ligne,) = [
        ligne for ligne in resultat.stdout.splitlines() if "Assistance technique" in ligne and "au-dessus" in ligne
    ]
    assert re.search(r"Assistance technique +│ +100 │ +58,[34] │ +29,[12] – 87,5 │ au-dessus", ligne), ligne
    assert "au-dessus de 75\u00a0% des 12 établissements" in ligne


def test_score_json_et_csv_avec_repere(repere):
    resultat = runner.invoke(
        app, ["score", str(BONS / "etablissement-07.yaml"), "--format", "json", "--repere", str(repere)]
    )
    assert resultat.exit_code == 0, resultat.output
    document = json.loads(resultat.stdout)
    assistance = next(d for d in document["repere"]["domaines"] if d["id"] == DOMAINE)
    assert assistance["part"] == pytest.approx(0.5) and assistance["n"] == 12
    assert document["repere"]["etablissements"] == 12
    resultat = runner.invoke(
        app, ["score", str(BONS / "etablissement-07.yaml"), "--format", "csv", "--repere", str(repere)]
    )
    lignes = list(csv.reader(io.StringIO(resultat.stdout_bytes.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert lignes[0][-5:] == [
        "médiane du territoire",
        "1er quartile",
        "3e quartile",
        "établissements",
        "au-dessus de (%)",
    ]
    assistance = next(ligne for ligne in lignes if ligne[0] == DOMAINE)
    assert assistance[-2:] == ["12", "50"]


@pytest.mark.parametrize("commande", ["score", "rapport", "radar"])
def test_refus_en_ligne_de_commande(repere, tmp_path, commande):
    autre = modifier(repere, tmp_path / "autre.json", lambda d: d.update(referentiel="2030"))
    sortie = ["-o", str(tmp_path / ("radar.png" if commande == "radar" else "r"))] if commande != "score" else []
    resultat = runner.invoke(app, [commande, str(BONS / "etablissement-01.yaml"), *sortie, "--repere", str(autre)])
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert resultat.stderr == (
        f"diagnum : {autre} : repère du référentiel 2030, campagne du référentiel 2011 : ils ne se comparent pas\n"
    )
    resultat = runner.invoke(
        app, [commande, str(BONS / "etablissement-01.yaml"), *sortie, "--repere", str(tmp_path / "x.json")]
    )
    assert resultat.exit_code == 2 and "x.json : fichier ou dossier introuvable" in resultat.stderr


def test_repere_d_une_synthese_de_quatre_etablissements_refuse(tmp_path):
    fichiers = [str(p) for p in sorted(BONS.glob("*.yaml"))[:4]]
    assert runner.invoke(app, ["synthese", *fichiers, "-o", str(tmp_path / "s")]).exit_code == 0
    resultat = runner.invoke(app, ["score", fichiers[0], "--repere", str(tmp_path / "s" / "repere.json")])
    assert resultat.exit_code == 1 and "porte sur moins de 5 établissements" in resultat.stderr


def test_rapport_et_radar_avec_repere(repere, tmp_path):
    fichier = str(BONS / "etablissement-07.yaml")
    assert runner.invoke(app, ["rapport", fichier, "-o", str(tmp_path / "sans")]).exit_code == 0
    resultat = runner.invoke(app, ["rapport", fichier, "-o", str(tmp_path / "avec"), "--repere", str(repere)])
    assert (resultat.exit_code, resultat.stderr) == (0, ""), resultat.output
    texte = (tmp_path / "avec" / "rapport.md").read_text(encoding="utf-8")
    assert "### Parmi les établissements du territoire" in texte
    assert "| 3.4 Assistance technique | 66,7 / 100 | 58," in texte
    assert "| au-dessus de 50\u00a0% des 12 établissements |" in texte
    sans = (tmp_path / "sans" / "rapport.md").read_text(encoding="utf-8")
    assert "Parmi les établissements" not in sans
    assert (tmp_path / "avec" / "radar.png").read_bytes() != (tmp_path / "sans" / "radar.png").read_bytes()
    resultat = runner.invoke(app, ["radar", fichier, "-o", str(tmp_path / "r.png"), "--repere", str(repere)])
    assert resultat.exit_code == 0 and (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")


def test_rapport_html_avec_repere(repere, tmp_path):
    fichier = str(BONS / "etablissement-07.yaml")
    resultat = runner.invoke(
        app, ["rapport", fichier, "-o", str(tmp_path / "r"), "--format", "html", "--repere", str(repere)]
    )
    assert (resultat.exit_code, resultat.stderr) == (0, ""), resultat.output
    page = (tmp_path / "r" / "rapport.html").read_text(encoding="utf-8")
    assert '<h2 id="territoire">Parmi les établissements du territoire</h2>' in page
    assert "au-dessus de 50\u00a0% des 12 établissements" in page
    sans = runner.invoke(app, ["rapport", fichier, "-o", str(tmp_path / "s"), "--format", "html"])
    assert sans.exit_code == 0 and "territoire" not in (tmp_path / "s" / "rapport.html").read_text(encoding="utf-8")


def _campagne(d: dict) -> dict:
    return d["campagnes"]["2024-2025"]


def _stat(d: dict) -> dict:
    return _campagne(d)["domaines"][DOMAINE]["score"]


MALFORMES = {
    "etablissements-texte": (lambda d: _campagne(d).update(etablissements="douze"), "etablissements"),
    "domaines-liste": (lambda d: _campagne(d).update(domaines=[1, 2]), "domaines"),
    "domaine-nombre": (lambda d: _campagne(d)["domaines"].update({DOMAINE: 3}), DOMAINE),
    "quartile-manquant": (lambda d: _stat(d).pop("q1"), "score.q1"),
    "mediane-texte": (lambda d: _stat(d).update(mediane="50"), "score.mediane"),
    "n-flottant": (lambda d: _stat(d).update(n=12.5), "score.n"),
    "quartiles-desordre": (lambda d: _stat(d).update(q1=99), "score"),
    "effectifs-mal-formes": (lambda d: _stat(d).update(effectifs=[[1, "x"], 3]), "score.effectifs"),
    "campagne-texte": (lambda d: d["campagnes"].update({"2024-2025": "oui"}), "2024-2025"),
    "referentiel-nombre": (lambda d: d.update(referentiel=2011), "referentiel"),
}


@pytest.mark.parametrize("cas", sorted(MALFORMES))
@pytest.mark.parametrize("commande", ["score", "rapport"])
def test_repere_mal_forme_code_2_et_message_clair(repere, tmp_path, cas, commande):
    changer, lieu = MALFORMES[cas]
    fichier = modifier(repere, tmp_path / f"{cas}.json", changer)
    sortie = ["-o", str(tmp_path / "r")] if commande == "rapport" else []
    resultat = runner.invoke(app, [commande, str(BONS / "etablissement-01.yaml"), *sortie, "--repere", str(fichier)])
    assert (resultat.exit_code, resultat.stdout) == (2, ""), resultat.output
    assert resultat.stderr.startswith(f"diagnum : {fichier} : repère mal formé en « ")
    assert lieu in resultat.stderr and "erreur interne" not in resultat.stderr
    assert not (tmp_path / "r").exists()


def test_repere_nan_et_imbrication_profonde(repere, tmp_path):
    texte = repere.read_text(encoding="utf-8")
    nan = tmp_path / "nan.json"
    nan.write_text(re.sub(r'"mediane":[0-9.]+', '"mediane":NaN', texte, count=1), encoding="utf-8")
    profond = tmp_path / "profond.json"
    profond.write_text(texte[:-2] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    for fichier, attendu in ((nan, "« NaN » n'est pas un nombre"), (profond, "imbriqué trop profondément")):
        resultat = runner.invoke(app, ["score", str(BONS / "etablissement-01.yaml"), "--repere", str(fichier)])
        assert (resultat.exit_code, resultat.stdout) == (2, ""), resultat.output
        assert attendu in resultat.stderr and "erreur interne" not in resultat.stderr
