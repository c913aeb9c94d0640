"""``diagnum synthese`` face à un territoire réel ou hostile (issue 22) : chemins de sortie vérifiés avant toute
écriture, libellés de campagne libres, anonymat qui tient, liens symboliques, établissements attendus."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app

RACINE = Path(__file__).resolve().parents[1]
TERRITOIRE = RACINE / "tests" / "fixtures" / "territoire"
BONS = TERRITOIRE / "bons"
runner = CliRunner()


def lancer(*arguments: str):
    return runner.invoke(app, ["synthese", *arguments])


def lire_csv(chemin: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(chemin.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))


def copie_des_bons(dossier: Path, nombre: int = 12) -> Path:
    """Les ``nombre`` premiers établissements du territoire de test, copiés pour être modifiés."""
    dossier.mkdir(parents=True)
    for fichier in sorted(BONS.glob("*.yaml"))[:nombre]:
        shutil.copy(fichier, dossier / fichier.name)
    return dossier


def remplacer(fichier: Path, avant: str, apres: str) -> None:
    texte = fichier.read_text(encoding="utf-8")
    assert avant in texte
    fichier.write_text(texte.replace(avant, apres, 1), encoding="utf-8")


def tous_les_octets(dossier: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in dossier.iterdir()}


# --------------------------------------------------------------------------
# Chaque chemin de sortie vérifié avant d'écrire quoi que ce soit


def test_dossier_de_correspondance_absent_rien_n_est_ecrit(tmp_path):
    sortie = tmp_path / "publie"
    resultat = lancer(str(BONS), "-o", str(sortie), "--anonyme", "--correspondance", str(tmp_path / "absent" / "c.csv"))
    assert (resultat.exit_code, resultat.stdout) == (2, "")
    assert f"{tmp_path / 'absent'}" in resultat.stderr and "n'existe pas" in resultat.stderr
    assert not sortie.exists()
    # Relancée avec un bon chemin, la synthèse n'est pas refusée pour des fichiers à moitié écrits.
    (tmp_path / "prive").mkdir()
    resultat = lancer(str(BONS), "-o", str(sortie), "--anonyme", "--correspondance", str(tmp_path / "prive" / "c.csv"))
    assert (resultat.exit_code, resultat.stderr) == (0, "")


def test_correspondance_qui_est_un_dossier_ou_un_lien(tmp_path):
    (tmp_path / "prive").mkdir()
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--anonyme", "--correspondance", str(tmp_path / "prive"))
    assert resultat.exit_code == 2 and "c'est un dossier" in resultat.stderr
    assert not (tmp_path / "s").exists()
    lien = tmp_path / "prive" / "c.csv"
    lien.symlink_to(tmp_path / "nulle-part.csv")
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--anonyme", "--correspondance", str(lien))
    assert resultat.exit_code == 1 and "lien symbolique" in resultat.stderr
    assert not (tmp_path / "s").exists() and not (tmp_path / "nulle-part.csv").exists()


def test_lien_pendant_dans_la_sortie_signale_avant_toute_ecriture(tmp_path):
    sortie = tmp_path / "s"
    sortie.mkdir()
    (sortie / "repere.json").symlink_to(tmp_path / "ailleurs.json")
    resultat = lancer(str(BONS), "-o", str(sortie))
    assert (resultat.exit_code, resultat.stdout) == (1, "")
    assert "repere.json" in resultat.stderr and "lien symbolique" in resultat.stderr and "--force" in resultat.stderr
    assert [p.name for p in sortie.iterdir()] == ["repere.json"]
    assert not (tmp_path / "ailleurs.json").exists()
    # Avec --force, c'est le lien qui est remplacé, jamais sa cible.
    resultat = lancer(str(BONS), "-o", str(sortie), "--force")
    assert resultat.exit_code == 0, resultat.output
    assert not (sortie / "repere.json").is_symlink() and not (tmp_path / "ailleurs.json").exists()


def test_sortie_qui_est_un_lien_pendant(tmp_path):
    sortie = tmp_path / "s"
    sortie.symlink_to(tmp_path / "absent")
    resultat = lancer(str(BONS), "-o", str(sortie))
    assert (resultat.exit_code, resultat.stdout) == (2, "")
    assert "lien symbolique pendant" in resultat.stderr
    assert not (tmp_path / "absent").exists()
    # Un lien vers un dossier qui existe est un dossier comme un autre (comme pour les rapports).
    (tmp_path / "absent").mkdir()
    resultat = lancer(str(BONS), "-o", str(sortie))
    assert resultat.exit_code == 0, resultat.output
    assert (tmp_path / "absent" / "synthese.md").is_file()


# --------------------------------------------------------------------------
# Libellés de campagne


def test_libelle_2024_slash_2025_compte_dans_la_campagne(tmp_path):
    dossier = copie_des_bons(tmp_path / "terr")
    remplacer(dossier / "etablissement-07.yaml", 'campagne: "2024-2025"', 'campagne: "2024/2025"')
    resultat = lancer(str(dossier), "-o", str(tmp_path / "s"), "--campagne", "2024-2025")
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert "(12 campagnes retenues, 12 établissements)" in resultat.stdout
    assert {ligne[3] for ligne in lire_csv(tmp_path / "s" / "scores.csv")[1:]} == {"2024-2025"}


def test_anonyme_libelle_libre_refuse_et_jamais_ecrit(tmp_path):
    dossier = copie_des_bons(tmp_path / "terr")
    libelle = "2023-2024 collège Jean Moulin de Dole"
    remplacer(dossier / "etablissement-03.yaml", 'campagne: "2024-2025"', f'campagne: "{libelle}"')
    sortie = tmp_path / "s"
    resultat = lancer(str(dossier), "-o", str(sortie), "--anonyme", "--format", "html", "--format", "md")
    assert resultat.exit_code == 1, resultat.output
    assert "(11 campagnes retenues, 11 établissements, 1 fichier laissé de côté)" in resultat.stdout
    assert "etablissement-03.yaml" in resultat.stderr and "(campagne-libelle)" in resultat.stderr
    for nom, octets in tous_les_octets(sortie).items():
        for secret in ("Jean Moulin", "Dole", "Jean\\u0020Moulin"):
            assert secret.encode() not in octets, nom
    base = sqlite3.connect(sortie / "synthese.sqlite")
    assert base.execute("SELECT DISTINCT campagne FROM campagnes").fetchall() == [("2024-2025",)]


def test_sans_anonyme_un_libelle_libre_reste_tel_quel(tmp_path):
    dossier = copie_des_bons(tmp_path / "terr", 3)
    remplacer(dossier / "etablissement-01.yaml", 'campagne: "2024-2025"', 'campagne: "Bilan de printemps"')
    resultat = lancer(str(dossier), "-o", str(tmp_path / "s"))
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert "Bilan de printemps" in {ligne[3] for ligne in lire_csv(tmp_path / "s" / "scores.csv")[1:]}


# --------------------------------------------------------------------------
# Anonymat : aucun effectif de référence par établissement, la règle des 5 partout, ni minimum ni maximum


def items_repartition() -> set[tuple[str, str]]:
    from diagnum.referentiel import charger_referentiel

    referentiel = charger_referentiel()
    return {(d.id, i.id) for d in referentiel.domaines for i in d.items if i.nature == "repartition"}


@pytest.fixture(scope="module")
def anonyme_mixte(tmp_path_factory):
    """12 établissements en 2024-2025, 3 d'entre eux aussi en 2023-2024 (une campagne de moins de 5)."""
    racine = tmp_path_factory.mktemp("mixte")
    dossier = copie_des_bons(racine / "terr")
    for numero in ("01", "02", "03"):
        ancien = dossier / f"ancien-{numero}.yaml"
        shutil.copy(dossier / f"etablissement-{numero}.yaml", ancien)
        remplacer(ancien, 'campagne: "2024-2025"', 'campagne: "2023-2024"')
    sortie = racine / "s"
    resultat = lancer(str(dossier), "-o", str(sortie), "--anonyme", "--format", "md", "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    return sortie, resultat


def test_anonyme_aucun_effectif_de_reference_par_etablissement(anonyme_mixte):
    sortie, _ = anonyme_mixte
    lignes = lire_csv(sortie / "reponses.csv")[1:]
    assert lignes and not [ligne for ligne in lignes if ligne[2] == "reference"]
    repartitions = items_repartition()
    assert not [ligne for ligne in lignes if (ligne[2], ligne[3].split(".")[0]) in repartitions]
    base = sqlite3.connect(sortie / "synthese.sqlite")
    assert base.execute("SELECT COUNT(*) FROM reponses WHERE domaine = 'reference'").fetchone() == (0,)
    items = {(d, i.split(".")[0]) for d, i in base.execute("SELECT domaine, item FROM reponses")}
    assert not items & repartitions
    # Les effectifs additionnés du territoire restent dans la synthèse.
    assert "### Répartitions additionnées sur le territoire" in (sortie / "synthese.md").read_text(encoding="utf-8")


def test_anonyme_la_regle_des_cinq_dans_chaque_fichier(anonyme_mixte):
    sortie, resultat = anonyme_mixte
    assert "(15 campagnes retenues, 12 établissements)" in resultat.stdout
    for nom in ("scores.csv", "reponses.csv"):
        assert {ligne[1 if nom == "reponses.csv" else 3] for ligne in lire_csv(sortie / nom)[1:]} == {"2024-2025"}, nom
    base = sqlite3.connect(sortie / "synthese.sqlite")
    assert base.execute("SELECT campagne, COUNT(*) FROM campagnes GROUP BY campagne").fetchall() == [("2024-2025", 12)]
    repere = json.loads((sortie / "repere.json").read_text(encoding="utf-8"))
    petite = repere["campagnes"]["2023-2024"]
    assert all(stat == {"n": None, "masque": "moins de 5 établissements"}
               for d in petite["domaines"].values() for stat in d.values())  # fmt: skip


def test_anonyme_ni_minimum_ni_maximum(anonyme_mixte):
    sortie, _ = anonyme_mixte
    repere = json.loads((sortie / "repere.json").read_text(encoding="utf-8"))
    for campagne in repere["campagnes"].values():
        for domaine in campagne["domaines"].values():
            for stat in domaine.values():
                assert not {"minimum", "maximum", "effectifs"} & set(stat), stat
                if stat["n"]:
                    assert sum(n for _, n in stat["tranches"]) == stat["n"]
    texte = (sortie / "synthese.md").read_text(encoding="utf-8")
    ligne = re.search(r"^\| 3\.4 Assistance technique \| 12 \|.*$", texte, re.M).group(0)
    cellules = [c.strip() for c in ligne.strip("|").split("|")]
    assert cellules[2] == cellules[6] == "—"  # minimum et maximum
    assert re.search(r"^\| 2024-2025 \| 12 \| 100\u00a0% \| — \| 12 \|$", texte, re.M)
    assert "ni minimum ni maximum" in texte
    page = (sortie / "synthese.html").read_text(encoding="utf-8")
    assert "moustaches : du minimum au maximum" not in page and "ni minimum ni maximum" in page


def test_repere_anonyme_situe_encore_un_etablissement(anonyme_mixte):
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.territoire.repere import lire_repere

    sortie, _ = anonyme_mixte
    campagne, referentiel = charger_campagne(BONS / "etablissement-01.yaml")
    profil = calculer_profil(campagne, referentiel)
    repere = lire_repere(sortie / "repere.json", profil)
    phrases = [repere.phrase(d.id) for d in profil.domaines if d.score is not None]
    assert phrases and all(p.startswith("au-dessus d'environ ") for p in phrases), phrases


# --------------------------------------------------------------------------
# Fichiers qui ne sont pas ce qu'ils semblent


def test_lien_symbolique_vers_un_fichier_ailleurs_ni_suivi_ni_cite(tmp_path):
    secret = tmp_path / "ailleurs" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nsecret-tres-prive: 1\n", encoding="utf-8")
    dossier = copie_des_bons(tmp_path / "terr", 6)
    (dossier / "x.yaml").symlink_to(secret)
    (dossier / "lien-vers-bon.yaml").symlink_to(BONS / "etablissement-12.yaml")
    (dossier / "sous-dossier").symlink_to(secret.parent, target_is_directory=True)
    sortie = tmp_path / "s"
    for arguments in ([str(dossier)], [str(p) for p in sorted(dossier.glob("*.yaml"))]):
        resultat = lancer(*arguments, "-o", str(sortie), "--force")
        assert resultat.exit_code == 1, resultat.output
        assert "(6 campagnes retenues, 6 établissements, 2 fichiers laissés de côté)" in resultat.stdout
        assert f"{dossier / 'x.yaml'}: laissé de côté : lien symbolique" in resultat.stderr
        assert "(lien-symbolique)" in resultat.stderr and "lien-vers-bon.yaml" in resultat.stderr
        for texte in (resultat.stderr, *(p.read_bytes().decode("utf-8", "replace") for p in sortie.iterdir())):
            assert "root:" not in texte and "secret" not in texte
        rejets = lire_csv(sortie / "rejets.csv")
        assert sorted((Path(r[0]).name, r[3]) for r in rejets[1:]) == [
            ("lien-vers-bon.yaml", "lien-symbolique"),
            ("x.yaml", "lien-symbolique"),
        ]


# --------------------------------------------------------------------------
# Qui n'a pas répondu : --attendus


LISTE = (
    "UAI;Appellation officielle;Commune\r\n"
    "0390001P;Collège des Tilleuls;Ornans\r\n"
    "0390008X;Collège du Vieux Port;Morteau\r\n"
    "0390015e;Collège Les Grands Prés;Gray\r\n"  # UAI en minuscule : reconnu
    "0390022M;Collège de la Citadelle;Champagnole\r\n"
    "0390029V;Lycée des Salines;Arbois\r\n"
    "0390036C;Collège du Lac;Malbuisson\r\n"
    "0390999Z;Collège Absent;Dole\r\n"
    "0390001P;Collège des Tilleuls;Ornans\r\n"  # répété : compté une fois
)


@pytest.fixture
def territoire_incomplet(tmp_path):
    """Six établissements attendus et un septième qui n'a rien envoyé ; l'un a envoyé « 2023-2024 »,
    un autre un fichier fautif."""
    dossier = copie_des_bons(tmp_path / "terr", 6)
    remplacer(dossier / "etablissement-03.yaml", 'campagne: "2024-2025"', 'campagne: "2023-2024"')
    remplacer(dossier / "etablissement-04.yaml", "eleves: 598", "eleves: -3")
    liste = tmp_path / "attendus.csv"
    liste.write_bytes(LISTE.encode("cp1252"))
    return dossier, liste


def test_attendus_nommes_a_l_ecran_et_dans_les_fichiers(tmp_path, territoire_incomplet):
    dossier, liste = territoire_incomplet
    sortie = tmp_path / "s"
    resultat = lancer(str(dossier), "-o", str(sortie), "--campagne", "2024-2025", "--attendus", str(liste))
    assert resultat.exit_code == 1, resultat.output
    lignes = resultat.stdout.splitlines()
    assert lignes[0].endswith(
        "(4 campagnes retenues, 4 établissements, 1 fichier laissé de côté, 1 d'une autre campagne)."
    )
    assert lignes[1] == "3 établissements attendus sur 7 sans campagne 2024-2025 utilisable :"
    assert lignes[2].startswith(f"  0390015E Collège Les Grands Prés (Gray) : autre campagne : {dossier}")
    assert lignes[2].endswith("campagne « 2023-2024 », pas 2024-2025 (--campagne)")
    assert lignes[3].startswith("  0390022M Collège de la Citadelle (Champagnole) : rejeté : ")
    assert "etablissement-04.yaml" in lignes[3] and "ligne 19" in lignes[3]
    assert lignes[4] == "  0390999Z Collège Absent (Dole) : absent : aucun fichier"
    assert len(lignes) == 5
    manquants = lire_csv(sortie / "manquants.csv")
    assert manquants[0] == ["uai", "etablissement", "commune", "situation", "raison", "fichier"]
    assert [m[:4] for m in manquants[1:]] == [
        ["0390015E", "Collège Les Grands Prés", "Gray", "autre campagne"],
        ["0390022M", "Collège de la Citadelle", "Champagnole", "rejeté"],
        ["0390999Z", "Collège Absent", "Dole", "absent"],
    ]
    texte = (sortie / "synthese.md").read_text(encoding="utf-8")
    assert "## Établissements attendus sans campagne 2024-2025 utilisable" in texte
    assert "3 des 7 établissements de la liste des établissements attendus" in texte
    assert "| 0390999Z | Collège Absent | Dole | absent | aucun fichier |  |" in texte
    assert "## Fichiers d'une autre campagne" in texte and "| 2023-2024 |" in texte


def test_sans_liste_chaque_fichier_ecarte_est_nomme(tmp_path, territoire_incomplet):
    dossier, _ = territoire_incomplet
    sortie = tmp_path / "s"
    resultat = lancer(str(dossier), "-o", str(sortie), "--campagne", "2024-2025")
    assert resultat.exit_code == 1, resultat.output
    rejets = {Path(r[0]).name: r[3:] for r in lire_csv(sortie / "rejets.csv")[1:]}
    assert rejets["etablissement-03.yaml"] == ["autre-campagne", "campagne « 2023-2024 », pas 2024-2025 (--campagne)"]
    texte = (sortie / "synthese.md").read_text(encoding="utf-8")
    assert re.search(r"^\| .*etablissement-03\.yaml \| 2023-2024 \|$", texte, re.M)


def test_attendus_en_mode_anonyme_comptes_dans_les_fichiers_nommes_a_l_ecran(tmp_path, territoire_incomplet):
    dossier, liste = territoire_incomplet
    sortie = tmp_path / "s"
    resultat = lancer(str(dossier), "-o", str(sortie), "--anonyme", "--campagne", "2024-2025", "--attendus", str(liste))
    assert resultat.exit_code == 1, resultat.output
    assert "  0390999Z Collège Absent (Dole) : absent : aucun fichier" in resultat.stdout
    assert f"{dossier / 'etablissement-03.yaml'}: d'une autre campagne : " in resultat.stderr
    assert not (sortie / "manquants.csv").exists()
    texte = (sortie / "synthese.md").read_text(encoding="utf-8")
    assert "| absent | 1 |" in texte and "| rejeté | 1 |" in texte and "| autre campagne | 1 |" in texte
    for octets in tous_les_octets(sortie).values():
        for secret in ("0390999Z", "Absent", "etablissement-03"):
            assert secret.encode() not in octets


def test_tous_les_attendus_sont_la(tmp_path):
    liste = tmp_path / "attendus.csv"
    liste.write_bytes("\ufeffuai,nom\n0390001P,Collège des Tilleuls\n".encode())
    resultat = lancer(str(BONS / "etablissement-01.yaml"), "-o", str(tmp_path / "s"), "--attendus", str(liste))
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert resultat.stdout.splitlines()[1] == "L'établissement attendu a sa campagne 2024-2025."


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        ("UAI;Nom\n0390001P;A\n0390002X;B\n", ":3:1: UAI « 0390002X » invalide : la lettre de contrôle"),
        ("Nom;Commune\nA;Dole\n", ":1:1: aucune colonne « UAI » dans l'en-tête"),
        ("", " : liste vide"),
        ("UAI\n", " : aucun établissement dans la liste"),
    ],
)
def test_liste_des_attendus_illisible_code_2_rien_d_ecrit(tmp_path, contenu, attendu):
    liste = tmp_path / "attendus.csv"
    liste.write_text(contenu, encoding="utf-8")
    resultat = lancer(str(BONS), "-o", str(tmp_path / "s"), "--attendus", str(liste))
    assert (resultat.exit_code, resultat.stdout) == (2, "")
    assert resultat.stderr.startswith(f"diagnum : {liste}{attendu}"), resultat.stderr
    assert not (tmp_path / "s").exists()


def test_liste_sans_en_tete_separee_par_des_virgules():
    from diagnum.territoire.attendus import Attendu, lire_attendus

    chemin = Path(os.environ.get("TMPDIR", "/tmp")) / f"attendus-{os.getpid()}.csv"
    try:
        chemin.write_bytes(b"0390001P,Coll\xe8ge des Tilleuls,Ornans\r\n0390008X\r\n")
        assert lire_attendus(chemin) == [
            Attendu("0390001P", "Collège des Tilleuls", "Ornans", 1),
            Attendu("0390008X", None, None, 2),
        ]
    finally:
        chemin.unlink()
