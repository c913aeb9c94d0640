"""``diagnum synthese`` de bout en bout : codes de sortie, rejets, doublons, fichiers écrits, anonymat, base SQLite."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.territoire.base import TABLES, schema_complet

RACINE = Path(__file__).resolve().parents[1]
TERRITOIRE = RACINE / "tests" / "fixtures" / "territoire"
BONS = TERRITOIRE / "bons"
MAUVAIS = TERRITOIRE / "mauvais"
SORTIES = ("synthese.md", "scores.csv", "reponses.csv", "synthese.sqlite", "repere.json", "boites-1.png")
runner = CliRunner()


def lancer(*arguments: str):
    return runner.invoke(app, ["synthese", *arguments])


def lire_csv(chemin: Path) -> list[list[str]]:
    octets = chemin.read_bytes()
    assert octets.startswith("\ufeff".encode()) and b"\r\n" in octets
    return list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))


def identites() -> list[str]:
    """Noms, UAI et communes de tous les établissements des fichiers du territoire, bons et mauvais."""
    valeurs = set()
    for fichier in TERRITOIRE.rglob("*.yaml"):
        for cle in ("nom", "uai", "commune"):
            trouve = re.search(rf"^  {cle}: \"?([^\"\n]+)\"?$", fichier.read_text(encoding="utf-8"), re.M)
            if trouve:
                valeurs.add(trouve.group(1))
    return sorted(valeurs)


@pytest.fixture(scope="module")
def territoire(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("synthese") / "sortie"
    resultat = lancer(str(TERRITOIRE), "-o", str(dossier))
    return dossier, resultat


def test_fichiers_ecrits_et_code_1_quand_des_fichiers_sont_ecartes(territoire):
    dossier, resultat = territoire
    assert resultat.exit_code == 1, resultat.output
    assert resultat.stdout == (
        f"{dossier / 'synthese.md'} : synthèse écrite (12 campagnes retenues, 12 établissements, "
        "6 fichiers laissés de côté).\n"
    )
    for nom in (*SORTIES, "rejets.csv"):
        assert (dossier / nom).is_file(), nom
    # Sur la sortie d'erreur : chaque fichier écarté, avec sa position quand elle existe.
    lignes = resultat.stderr.splitlines()
    assert len(lignes) == 6
    assert f"diagnum : {MAUVAIS / 'uai-invalide.yaml'}:12:8: laissé de côté : UAI « 0390001A » invalide" in lignes[5]
    assert lignes[5].endswith("(uai-invalide)")


def test_rejets_csv_avec_la_premiere_erreur_de_chaque_fichier(territoire):
    dossier, _ = territoire
    lignes = lire_csv(dossier / "rejets.csv")
    assert lignes[0] == ["fichier", "ligne", "colonne", "code", "message"]
    par_fichier = {Path(ligne[0]).name: ligne[1:] for ligne in lignes[1:]}
    assert sorted(par_fichier) == sorted(p.name for p in MAUVAIS.glob("*.yaml"))
    for fichier in MAUVAIS.glob("*.yaml"):
        attendu = next(ligne for ligne in fichier.read_text(encoding="utf-8").splitlines() if "attendu:" in ligne)
        morceaux = attendu.split("attendu:")[1].split()
        ligne, colonne, code, message = par_fichier[fichier.name]
        if morceaux == ["doublon"]:
            assert (ligne, colonne, code) == ("", "", "doublon")
            autre = "doublon-b.yaml" if fichier.name == "doublon-a.yaml" else "doublon-a.yaml"
            assert autre in message and "UAI 0390085F" in message and "2024-2025" in message
        else:
            assert (f"{ligne}:{colonne}", code) == tuple(morceaux)


def test_synthese_md_porte_les_chiffres_du_territoire(territoire):
    dossier, _ = territoire
    texte = (dossier / "synthese.md").read_text(encoding="utf-8")
    assert texte.startswith("# Synthèse du territoire — Référentiel collège/lycée numérique (2011)\n")
    assert "18 fichiers lus ; 12 campagnes d'établissement retenues, 6 fichiers laissés de côté" in texte
    assert (
        "| 2024-2025 | 12 | 100\u00a0% | 100\u00a0% | 12 |" in texte
    )  # les obligations ne comptent pas dans la complétude
    assert re.search(
        r"^\| 3\.4 Assistance technique \| 12 \| 0 \| 29,[12] \| 58,[34] \| 87,5 \| 100 \| (56,9|57) \|$", texte, re.M
    )
    assert "![Scores des établissements par domaine, campagne 2024-2025](boites-1.png)" in texte
    assert "| L’établissement bénéficie d’un dispositif de maintenance des matériels" in texte
    assert (
        "| Un dispositif de suivi et d’accompagnement de la mise en œuvre de ces mesures est prévu | 3 | 1 |" in texte
    )
    assert "QUARTILE.INCLURE" in texte
    assert "## Fichiers laissés de côté" in texte and "uai-invalide.yaml" in texte
    assert (dossier / "boites-1.png").read_bytes().startswith(b"\x89PNG")


def test_scores_csv_comme_score_format_csv(territoire):
    dossier, _ = territoire
    lignes = lire_csv(dossier / "scores.csv")
    assert lignes[0] == [
        "uai", "etablissement", "commune", "campagne", "domaine", "score", "usage", "moyens", "completude", "provisoire"
    ]  # fmt: skip
    assert len(lignes) == 1 + 12 * 7
    premier = [ligne for ligne in lignes[1:] if ligne[0] == "0390001P"]
    assert premier[0][:4] == ["0390001P", "Collège des Tilleuls", "Ornans", "2024-2025"]
    resultat = runner.invoke(app, ["score", str(BONS / "etablissement-01.yaml"), "--format", "csv"])
    score = list(csv.reader(io.StringIO(resultat.stdout_bytes.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [ligne[4:] for ligne in premier] == [[s[0], *s[3:]] for s in score[1:]]


def test_reponses_csv_une_ligne_par_reponse(territoire):
    dossier, _ = territoire
    lignes = lire_csv(dossier / "reponses.csv")
    assert lignes[0] == ["uai", "campagne", "domaine", "item", "valeur"]
    base = sqlite3.connect(dossier / "synthese.sqlite")
    assert len(lignes) - 1 == base.execute("SELECT COUNT(*) FROM reponses").fetchone()[0]
    assert ["0390001P", "2024-2025", "reference", "eleves", "598"] in lignes
    assert any(ligne[3].endswith(".regulierement") and ligne[4].isdigit() for ligne in lignes[1:])
    assert {len(ligne) for ligne in lignes} == {5}


def test_base_sqlite_schema_cles_index(territoire):
    dossier, _ = territoire
    base = sqlite3.connect(dossier / "synthese.sqlite")
    tables = {nom for (nom,) in base.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(TABLES)
    cles = {
        table: [
            ligne[1] for ligne in sorted(base.execute(f"PRAGMA table_info({table})"), key=lambda x: x[5]) if ligne[5]
        ]
        for table in TABLES
    }
    assert cles == {
        "informations": ["cle"],
        "domaines": ["id"],
        "etablissements": ["id"],
        "campagnes": ["id"],
        "scores": ["campagne_id", "domaine"],
        "reponses": ["campagne_id", "domaine", "item"],
        "objectifs": ["campagne_id", "rang"],
    }
    index = {nom for (nom,) in base.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert index == {
        "campagnes_campagne",
        "campagnes_etablissement",
        "scores_domaine",
        "reponses_item",
        "objectifs_domaine",
    }
    assert base.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert base.execute("PRAGMA foreign_key_check").fetchall() == []
    assert base.execute("SELECT COUNT(*) FROM campagnes").fetchone() == (12,)
    assert base.execute("SELECT COUNT(*) FROM scores").fetchone() == (12 * 7,)
    assert base.execute("SELECT code, nom, commune FROM etablissements WHERE id = 1").fetchone() == (
        "0390001P",
        "Collège des Tilleuls",
        "Ornans",
    )
    # Une requête de tableau de bord : la médiane se lit aussi dans la base.
    scores = base.execute(
        "SELECT s.score FROM scores s JOIN campagnes c ON c.id = s.campagne_id "
        "WHERE s.domaine = 'assistance_technique' AND c.campagne = '2024-2025' ORDER BY s.score"
    ).fetchall()
    assert [s for (s,) in scores] == [0, 16.7, 16.7, 33.3, 50, 50, 66.7, 66.7, 83.3, 100, 100, 100]


def test_le_readme_documente_le_schema_tel_quel():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    assert schema_complet() in readme


def test_rien_n_est_remplace_sans_force(territoire, tmp_path):
    dossier = tmp_path / "s"
    assert lancer(str(BONS), "-o", str(dossier)).exit_code == 0
    avant = (dossier / "synthese.md").read_bytes()
    resultat = lancer(str(BONS), "-o", str(dossier))
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert "contient déjà synthese.md, scores.csv" in resultat.stderr and "--force" in resultat.stderr
    assert (dossier / "synthese.md").read_bytes() == avant
    resultat = lancer(str(BONS), "-o", str(dossier), "--force")
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert sorted(p.name for p in dossier.iterdir()) == sorted((*SORTIES, "rejets.csv"))


def test_code_2_quand_rien_n_est_lisible(tmp_path):
    resultat = lancer(str(MAUVAIS / "syntaxe.yaml"), "-o", str(tmp_path / "s"))
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert "aucune campagne utilisable parmi 1 fichier : rien n'a été écrit" in resultat.stderr
    assert not any((tmp_path / "s").iterdir())
    vide = tmp_path / "vide"
    vide.mkdir()
    resultat = lancer(str(vide), "-o", str(tmp_path / "t"))
    assert resultat.exit_code == 2 and "aucun fichier de campagne (.yaml ou .yml) trouvé" in resultat.stderr
    resultat = lancer(str(BONS), "-o", str(tmp_path / "absent" / "s"))
    assert resultat.exit_code == 2 and "le dossier parent" in resultat.stderr


def test_options_refusees(tmp_path):
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--format", "docx")
    assert resultat.exit_code == 2 and "format « docx » inconnu" in resultat.stderr
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--correspondance", str(tmp_path / "c.csv"))
    assert resultat.exit_code == 2 and "s'emploie avec --anonyme" in resultat.stderr
    dedans = tmp_path / "s" / "prive" / "c.csv"
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--anonyme", "--correspondance", str(dedans))
    assert (resultat.exit_code, resultat.stdout) == (2, "")
    assert "écrivez-la hors du dossier publié" in resultat.stderr
    assert not (tmp_path / "s").exists()


def test_une_seule_campagne(tmp_path):
    exemples = RACINE / "exemples"
    resultat = lancer(str(exemples), "-o", str(tmp_path / "s"), "--campagne", "2023-2024")
    assert resultat.exit_code == 0, resultat.output
    assert "(1 campagne retenue, 1 établissement, 2 d'une autre campagne)" in resultat.stdout
    texte = (tmp_path / "s" / "synthese.md").read_text(encoding="utf-8")
    assert "2 fichiers d'une autre campagne écartés" in texte
    # Les chiffres ne portent que sur 2023-2024 ; les deux fichiers écartés sont nommés à la fin.
    chiffres, ecartes = texte.split("## Fichiers d'une autre campagne")
    assert "2024-2025" not in chiffres and ecartes.count("| 2024-2025 |") == 2
    resultat = lancer(str(exemples), "-o", str(tmp_path / "u"), "--campagne", "2030-2031")
    assert (resultat.exit_code, resultat.stdout) == (2, "")
    assert resultat.stderr == "diagnum : aucune campagne 2030-2031 parmi 3 fichiers : rien n'a été écrit\n"
    resultat = lancer(str(exemples), "-o", str(tmp_path / "t"))
    texte = (tmp_path / "t" / "synthese.md").read_text(encoding="utf-8")
    assert "## Médianes des scores d'une campagne à l'autre" in texte and "| Domaine | 2023-2024 | 2024-2025 |" in texte
    assert (tmp_path / "t" / "boites-2.png").is_file()


def test_l_aide_dit_que_les_fichiers_nomment_les_etablissements():
    resultat = runner.invoke(app, ["synthese", "--help"], env={"COLUMNS": "200"})
    assert resultat.exit_code == 0
    assert "Sans --anonyme, les fichiers écrits nomment les établissements" in resultat.stdout


# --------------------------------------------------------------------------
# Anonymat


def test_anonyme_aucun_nom_uai_ni_commune_dans_aucun_octet(tmp_path):
    dossier = tmp_path / "publie"
    table = tmp_path / "prive" / "correspondance.csv"
    table.parent.mkdir()
    resultat = lancer(
        str(TERRITOIRE), "-o", str(dossier), "--anonyme", "--correspondance", str(table), "--format", "md,html"
    )
    assert resultat.exit_code == 1, resultat.output
    ecrits = sorted(dossier.iterdir())
    # pas de rejets.csv : il nommerait des fichiers
    assert [p.name for p in ecrits] == sorted((*SORTIES, "synthese.html"))
    secrets = identites()
    assert len(secrets) >= 3 * 12
    for fichier in ecrits:
        octets = fichier.read_bytes()
        for secret in secrets:
            for forme in {secret, secret.upper(), secret.lower()}:
                assert forme.encode("utf-8") not in octets, (fichier.name, secret)
                assert forme.encode("utf-16-le") not in octets, (fichier.name, secret)
    # Pseudonymes E01… : un par établissement, la table de correspondance seulement où on l'a demandée.
    lignes = lire_csv(dossier / "scores.csv")
    pseudonymes = sorted({ligne[0] for ligne in lignes[1:]})
    assert pseudonymes == [f"E{i:03d}" for i in range(1, 13)]
    assert {(ligne[1], ligne[2]) for ligne in lignes[1:]} == {("", "")}
    correspondance = lire_csv(table)
    assert correspondance[0] == ["pseudonyme", "uai", "etablissement", "commune"]
    assert sorted(ligne[0] for ligne in correspondance[1:]) == pseudonymes
    assert ["0390001P", "Collège des Tilleuls", "Ornans"] in [ligne[1:] for ligne in correspondance[1:]]
    # Les chiffres publiés ne dépendent pas des pseudonymes tirés.
    texte = (dossier / "synthese.md").read_text(encoding="utf-8")
    assert "Synthèse anonyme" in texte and "| uai-invalide | 1 |" in texte and "| doublon | 2 |" in texte
    assert "aucune statistique portant sur moins de 5 établissements n'est publiée" in texte


def test_anonyme_moins_de_cinq_etablissements(tmp_path):
    fichiers = [str(p) for p in sorted(BONS.glob("*.yaml"))[:4]]
    resultat = lancer(*fichiers, "-o", str(tmp_path / "s"), "--anonyme")
    assert resultat.exit_code == 0, resultat.output
    texte = (tmp_path / "s" / "synthese.md").read_text(encoding="utf-8")
    assert "| 3.4 Assistance technique | moins de 5 établissements | | | | | | |" in texte
    assert (
        "| 2024-2025 | 4 | moins de 5 établissements | moins de 5 établissements | moins de 5 établissements |" in texte
    )
    assert not re.search(r"\| [1-9]\d* sur \d+ \|", texte)
    assert len(re.findall(r"\| [1-4] \| moins de 5", texte)) == 1  # le nombre d'établissements de la campagne
    repere = (tmp_path / "s" / "repere.json").read_text(encoding="utf-8")
    assert '"masque":"moins de 5 établissements"' in repere and '"mediane"' not in repere


def test_synthese_html_autonome(tmp_path):
    resultat = lancer(str(TERRITOIRE), "-o", str(tmp_path / "s"), "--format", "html")
    assert resultat.exit_code == 1, resultat.output
    assert resultat.stdout.startswith(f"{tmp_path / 's' / 'synthese.html'} : synthèse écrite (12 campagnes")
    ecrits = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert ecrits == ["rejets.csv", "repere.json", "reponses.csv", "scores.csv", "synthese.html", "synthese.sqlite"]
    page = (tmp_path / "s" / "synthese.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'src="data:image/png;base64,' in page
    assert not re.search(r'(src|href)="(https?:|//)', page)
    assert re.search(r"<th scope=\"row\">3\.4 Assistance technique</th><td class=\"nombre\">12</td>", page)
    assert "Assistance technique : médiane 58," in page  # le texte de remplacement de l'image
    assert "uai-invalide.yaml" in page and "Collège de l&#39;Erreur" not in page
