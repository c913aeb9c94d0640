"""Le dialecte CSV de diagnum (``diagnum.tableur``) : des cellules qu'aucun tableur ne prend pour une formule
(issue 22), dans chaque CSV que diagnum écrit."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.tableur import DEBUTS_DANGEREUX, csv_octets, neutraliser

RACINE = Path(__file__).resolve().parents[1]
BONS = RACINE / "tests" / "fixtures" / "territoire" / "bons"
runner = CliRunner()


def relire(octets: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize(
    "texte",
    ['=HYPERLINK("http://x";"clic")', "+33 1 23", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "-", "=1+1"],
)
def test_une_formule_est_neutralisee(texte):
    assert relire(csv_octets(["a"], [[texte]]))[1] == ["'" + texte]


@pytest.mark.parametrize("nombre", ["-3,5", "-12\u00a0345,67", "+4", "-0", "12", "3.5", "-7.25"])
def test_un_nombre_negatif_reste_un_nombre(nombre):
    assert relire(csv_octets(["a"], [[nombre]]))[1] == [nombre]


@given(st.text(alphabet=st.sampled_from([*DEBUTS_DANGEREUX, "a", "1", ",", ";", '"', "'", " ", "é"]), max_size=8))
def test_aucune_cellule_relue_ne_commence_comme_une_formule(texte):
    (cellule,) = relire(csv_octets(["a"], [[texte]]))[1] or [""]
    if not re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", texte):
        assert not cellule.startswith(DEBUTS_DANGEREUX)
        assert cellule in (texte, "'" + texte)
    assert neutraliser(neutraliser(texte)) == neutraliser(texte)  # appliquer deux fois ne change plus rien


def test_aucun_module_n_ecrit_de_csv_sans_le_dialecte_commun():
    """Chaque CSV passe par ``tableur`` : ailleurs, ni ``csv.writer`` ni ``csv.DictWriter``."""
    fautifs = [
        str(chemin.relative_to(RACINE))
        for chemin in (RACINE / "src" / "diagnum").rglob("*.py")
        if chemin.name != "tableur.py" and re.search(r"csv\.(writer|DictWriter)\(", chemin.read_text(encoding="utf-8"))
    ]
    assert fautifs == []


def test_synthese_neutralise_nom_commune_et_libelle(tmp_path):
    dossier = tmp_path / "terr"
    dossier.mkdir()
    for fichier in sorted(BONS.glob("*.yaml"))[:5]:
        shutil.copy(fichier, dossier / fichier.name)
    chemin = dossier / "etablissement-01.yaml"
    texte = chemin.read_text(encoding="utf-8")
    texte = texte.replace("nom: Collège des Tilleuls", 'nom: "=HYPERLINK(\\"http://x\\";\\"clic\\")"')
    texte = texte.replace("commune: Ornans", 'commune: "@SUM(1+1)"')
    texte = texte.replace('campagne: "2024-2025"', 'campagne: "=1+2024"')
    chemin.write_text(texte, encoding="utf-8")
    sortie = tmp_path / "s"
    prive = tmp_path / "prive"
    prive.mkdir()
    resultat = runner.invoke(app, ["synthese", str(dossier), "-o", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    scores = relire((sortie / "scores.csv").read_bytes())
    ligne = next(ligne for ligne in scores if ligne[0] == "0390001P")
    assert ligne[1:4] == ['\'=HYPERLINK("http://x";"clic")', "'@SUM(1+1)", "'=1+2024"]
    reponses = relire((sortie / "reponses.csv").read_bytes())
    assert {ligne[1] for ligne in reponses[1:] if ligne[0] == "0390001P"} == {"'=1+2024"}
    # La table de correspondance aussi (le libellé « =1+2024 » serait refusé en mode anonyme : un autre fichier).
    autre = dossier / "etablissement-03.yaml"
    autre.write_text(autre.read_text(encoding="utf-8").replace("commune: Gray", 'commune: "+Gray"'), encoding="utf-8")
    resultat = runner.invoke(
        app, ["synthese", str(autre), "-o", str(tmp_path / "a"), "--anonyme", "--correspondance", str(prive / "c.csv")]
    )
    assert resultat.exit_code == 0, resultat.output
    assert relire((prive / "c.csv").read_bytes())[1][1:] == ["0390015E", "Collège Les Grands Prés", "'+Gray"]


def test_rejets_et_manquants_neutralises(tmp_path):
    dossier = tmp_path / "=cmd"
    dossier.mkdir()
    (dossier / "x.yaml").write_text("referentiel: [\n", encoding="utf-8")
    liste = tmp_path / "attendus.csv"
    liste.write_text("UAI;Nom;Commune\n0390001P;-Collège;=Ornans\n", encoding="utf-8")
    sortie = tmp_path / "s"
    resultat = runner.invoke(
        app,
        ["synthese", str(dossier), str(BONS / "etablissement-02.yaml"), "-o", str(sortie), "--attendus", str(liste)],
    )
    assert resultat.exit_code == 1, resultat.output
    manquants = relire((sortie / "manquants.csv").read_bytes())
    assert manquants[1][:3] == ["0390001P", "'-Collège", "'=Ornans"]


def test_feuille_de_saisie_du_questionnaire_dans_le_dialecte_commun(tmp_path):
    resultat = runner.invoke(app, ["enquete", "questionnaire", "--help"])
    assert resultat.exit_code == 0
    from diagnum.enquetes.questionnaire import en_csv, questions
    from diagnum.referentiel import charger_referentiel

    referentiel = charger_referentiel()
    publics = {item.collecte.public for d in referentiel.domaines for item in d.items if item.collecte}
    for public in sorted(publics):
        texte = en_csv(questions(referentiel, public))
        assert texte.startswith("\ufeff") and texte.endswith("\r\n")
        lignes = relire(texte.encode("utf-8"))
        assert lignes[0] and not any(c.startswith(DEBUTS_DANGEREUX) for c in lignes[0])
