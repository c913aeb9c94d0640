"""``diagnum enquete`` : questionnaires par public, lecture des exports, agrégation, import dans la campagne.

Les exports de ``fixtures/enquetes/`` sont fabriqués par ``tests/outils_enquetes.py`` d'après la forme
documentée de chaque outil (LimeSurvey, Google Forms, Microsoft Forms, Excel en français, LibreOffice).
Les cinq exports des enseignants portent les mêmes 38 réponses, écrites à la façon de chaque outil.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import outils_enquetes
from diagnum.campagne.chargement import valider_fichier
from diagnum.cli import app
from diagnum.enquetes.agregation import depouiller
from diagnum.enquetes.correspondance import (
    est_personnelle,
    est_sans_reponse,
    lettre_colonne,
    normaliser,
    question_de_colonne,
    reconnaitre_reponse,
)
from diagnum.enquetes.lecture import Feuille, lire_export
from diagnum.enquetes.questionnaire import COLONNES_LIMESURVEY, en_csv, en_json, en_limesurvey, en_markdown, questions
from diagnum.referentiel import MODALITES, charger_referentiel
from test_robustesse import exemple_mute

RACINE = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "enquetes"
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
EXPORT_EXEMPLE = RACINE / "exemples" / "enquete-enseignants-limesurvey.csv"
EXPORTS_ENSEIGNANTS = [
    "limesurvey-codes.csv",
    "limesurvey-reponses-completes.csv",
    "google-forms.csv",
    "microsoft-forms.xlsx",
    "excel-fr-windows1252.csv",
    "excel-texte-unicode.txt",
]
TAUX_EXEMPLE = "38 enseignants sur 47 ont répondu (81 %)"

runner = CliRunner()


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel("2011")


@pytest.fixture
def campagne(tmp_path) -> Path:
    """L'exemple du collège, dont les comptages d'enseignants ont été effacés (prêts à importer)."""
    texte = EXEMPLE.read_text(encoding="utf-8")
    for item in (
        "enseignants_ent_devant_eleves",
        "enseignants_ressources_transversales",
        "enseignants_ressources_disciplinaires",
        "enseignants_validation_b2i",
        "enseignants_ordinateur_personnel",
    ):
        texte = re.sub(rf"^(    {item}:) \d+$", r"\1", texte, flags=re.M)
    for item in ("enseignants_diffusion_collective", "enseignants_activites_eleves", "enseignants_travaux_hors_classe"):
        texte = re.sub(rf"^(    {item}:\n)(      \w+: \d+\n){{3}}", r"\1", texte, flags=re.M)
    chemin = tmp_path / "2024-2025.yaml"
    chemin.write_text(texte, encoding="utf-8")
    assert not valider_fichier(chemin).a_des_erreurs
    return chemin


def importer(*arguments: object):
    return runner.invoke(app, ["enquete", "importer", *map(str, arguments)])


# --------------------------------------------------------------------------
# Fixtures à jour


def test_les_exports_fabriques_sont_a_jour():
    for chemin, contenu in outils_enquetes.fichiers().items():
        assert chemin.read_bytes() == contenu, f"{chemin} : relancez python tests/outils_enquetes.py"


# --------------------------------------------------------------------------
# Questionnaires


def test_les_questions_suivent_le_referentiel(referentiel):
    for public in referentiel.publics:
        liste = questions(referentiel, public.id)
        assert [q.item.id for q in liste] == [i.id for i in referentiel.questions_enquete(public.id)]
        assert len({q.code for q in liste}) == len(liste)
    codes = [q.code for q in questions(referentiel, "enseignants")]
    assert codes[0] == referentiel.questions_enquete("enseignants")[0].collecte.code


def test_questionnaire_json_garde_ses_cles(referentiel):
    document = en_json("familles", questions(referentiel, "familles"))
    assert list(document) == ["public", "questions"] and document["public"] == "familles"
    for question in document["questions"]:
        assert list(question) == ["code", "item", "domaine", "question", "reponses"]
        assert all(list(r) == ["code", "libelle"] for r in question["reponses"])
        assert referentiel.item(question["item"]).domaine == question["domaine"]


def _lire_tsv(texte: str) -> list[dict[str, str]]:
    """Comme TSVImportSurvey : fgetcsv sur tabulations, une ligne d'en-tête, chaque ligne en tableau associatif."""
    lignes = list(csv.reader(io.StringIO(texte), delimiter="\t", quotechar='"'))
    entetes = [e.strip() for e in lignes[0]]
    return [dict(zip(entetes, ligne + [""] * (len(entetes) - len(ligne)), strict=True)) for ligne in lignes[1:]]


@pytest.mark.parametrize("public", ["enseignants", "familles", "divisions"])
def test_le_format_limesurvey_suit_l_importateur(referentiel, public):
    liste = questions(referentiel, public)
    texte = en_limesurvey(referentiel.public(public), liste)
    premiere = texte.split("\n", 1)[0].split("\t")
    # Les colonnes que lit TSVImportSurvey (application/helpers/admin/import_helper.php).
    assert premiere[:7] == ["class", "type/scale", "name", "relevance", "text", "help", "language"]
    assert premiere == list(COLONNES_LIMESURVEY)
    assert all(ligne.count("\t") == len(premiere) - 1 for ligne in texte.splitlines())
    lignes = _lire_tsv(texte)
    reglages = {r["name"]: r["text"] for r in lignes if r["class"] == "S"}
    assert reglages["language"] == "fr" and reglages["anonymized"] == "Y" and reglages["ipaddr"] == "N"
    assert [r["class"] for r in lignes if r["class"] == "G"] == ["G"]
    questions_ls = [r for r in lignes if r["class"] == "Q"]
    assert [r["name"] for r in questions_ls] == [q.code for q in liste]
    for ligne, question in zip(questions_ls, liste, strict=True):
        assert ligne["type/scale"] == "L" and ligne["text"] == question.texte and ligne["language"] == "fr"
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", ligne["name"])
    # Chaque question est suivie de ses réponses (codes de cinq caractères au plus, lettres et chiffres).
    courante = None
    reponses: dict[str, list[tuple[str, str]]] = {}
    for ligne in lignes:
        if ligne["class"] == "Q":
            courante = ligne["name"]
        elif ligne["class"] == "A":
            assert re.fullmatch(r"[A-Za-z0-9]{1,5}", ligne["name"])
            reponses.setdefault(courante, []).append((ligne["name"], ligne["text"]))
    for question in liste:
        assert reponses[question.code] == [(r.code, r.libelle) for r in question.reponses]


def test_feuille_de_saisie_et_questionnaire_imprimable(referentiel):
    liste = questions(referentiel, "divisions")
    feuille = en_csv(liste)
    assert feuille.startswith("\ufeff")
    lignes = feuille.removeprefix("\ufeff").split("\r\n")
    assert lignes[0].split(";") == [q.code for q in liste]
    assert set(lignes[1:-1]) == {";" * (len(liste) - 1)}
    texte = en_markdown(referentiel.public("divisions"), liste)
    assert "anonyme" in texte and "ni votre nom, ni votre adresse électronique" in texte
    for numero, question in enumerate(liste, start=1):
        assert f"{numero}. {question.texte.split(' (')[0]}" in texte
    assert texte.count("- [ ] ") == sum(len(q.reponses) for q in liste)


def test_cli_questionnaire_ecrit_quatre_fichiers_sans_rien_ecraser(tmp_path):
    dossier = tmp_path / "questionnaires"
    resultat = runner.invoke(app, ["enquete", "questionnaire", "enseignants", "-o", str(dossier)])
    assert resultat.exit_code == 0, resultat.output
    assert "questionnaire des enseignants écrit (8 questions) : enseignants.html à imprimer" in resultat.stdout
    assert resultat.stderr == ""
    assert sorted(p.name for p in dossier.iterdir()) == [
        "enseignants.csv",
        "enseignants.html",
        "enseignants.md",
        "enseignants.txt",
    ]
    avant = {p.name: p.read_bytes() for p in dossier.iterdir()}
    (dossier / "enseignants.md").write_text("mes notes", encoding="utf-8")
    resultat = runner.invoke(app, ["enquete", "questionnaire", "enseignants", "-o", str(dossier)])
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert "contient déjà enseignants.md, enseignants.html, enseignants.csv, enseignants.txt" in resultat.stderr
    assert (dossier / "enseignants.md").read_text(encoding="utf-8") == "mes notes"
    resultat = runner.invoke(app, ["enquete", "questionnaire", "enseignants", "-o", str(dossier), "--force"])
    assert resultat.exit_code == 0 and {p.name: p.read_bytes() for p in dossier.iterdir()} == avant


def test_le_questionnaire_papier_html_a_une_case_par_reponse(referentiel):
    from html.parser import HTMLParser

    from diagnum.sorties import html

    for public in referentiel.publics:
        liste = questions(referentiel, public.id)
        page = html.questionnaire(public, liste)

        class Lecteur(HTMLParser):
            def __init__(self) -> None:
                super().__init__()
                self.cases = 0
                self.texte: list[str] = []
                self.champs = 0

            def handle_starttag(self, balise, attributs):
                self.cases += dict(attributs).get("class") == "case"
                self.champs += balise in ("input", "textarea", "script", "img", "link")

            def handle_data(self, donnees):
                self.texte.append(donnees)

        lecteur = Lecteur()
        lecteur.feed(page)
        texte = " ".join(" ".join(lecteur.texte).split())
        assert lecteur.cases == sum(len(q.reponses) for q in liste)
        assert lecteur.champs == 0  # ni champ pour un nom, ni script, ni ressource extérieure
        assert "ni votre nom, ni votre adresse électronique" in texte
        for question in liste:
            assert f"{question.texte} ({question.code})" in texte, question.code


def test_le_questionnaire_papier_en_pdf(tmp_path, referentiel):
    import subprocess

    from navigateur import outil_requis, weasyprint_requis

    weasyprint_requis()
    pdftotext = outil_requis("pdftotext", "poppler-utils")
    dossier = tmp_path / "q"
    resultat = runner.invoke(app, ["enquete", "questionnaire", "familles", "-o", str(dossier), "--pdf"])
    assert resultat.exit_code == 0, resultat.output
    assert "familles.html et familles.pdf à imprimer" in resultat.stdout and resultat.stderr == ""
    texte = subprocess.run([pdftotext, str(dossier / "familles.pdf"), "-"], capture_output=True, text=True).stdout
    texte = " ".join(texte.split())
    assert "page 1 sur 1" in texte  # trois questions tiennent sur une feuille
    for question in questions(referentiel, "familles"):
        assert question.texte in texte


def test_le_questionnaire_pdf_sans_weasyprint_ne_laisse_rien(tmp_path, monkeypatch):
    import importlib.util

    from diagnum.rapports.formats import installer_pdf

    trouver = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda nom, *a: None if nom == "weasyprint" else trouver(nom, *a))
    dossier = tmp_path / "q"
    resultat = runner.invoke(app, ["enquete", "questionnaire", "familles", "-o", str(dossier), "--pdf"])
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert f"installez-le avec {installer_pdf()}" in " ".join(resultat.stderr.split())
    assert not dossier.exists()


def test_cli_questionnaire_json_et_public_inconnu():
    resultat = runner.invoke(app, ["enquete", "questionnaire", "familles", "--format", "json"])
    assert resultat.exit_code == 0 and resultat.stderr == ""
    document = json.loads(resultat.stdout)
    assert document["public"] == "familles" and len(document["questions"]) == 3
    resultat = runner.invoke(app, ["enquete", "questionnaire", "eleves", "-o", "x"])
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert "public « eleves » inconnu : « enseignants », « familles » ou « divisions »" in resultat.stderr
    resultat = runner.invoke(app, ["enquete", "questionnaire", "familles"])
    assert resultat.exit_code == 2 and "-o DOSSIER" in resultat.stderr


# --------------------------------------------------------------------------
# Colonnes et réponses


def test_reponses_reconnues_par_code_ou_libelle_quelle_que_soit_la_casse(referentiel):
    frequence = questions(referentiel, "enseignants")[0].reponses
    for texte in ("Régulièrement", "regulierement", "RÉGULIÈREMENT", " reg ", "Régulièrement."):
        assert reconnaitre_reponse(texte, frequence).valeur == "regulierement"
    oui_non = questions(referentiel, "enseignants")[1].reponses
    assert reconnaitre_reponse("OUI", oui_non).valeur == "oui"
    assert reconnaitre_reponse("Non", oui_non).valeur == "non"
    assert reconnaitre_reponse("souvent", frequence) is None
    for vide in ("", "  ", "N/A", "Sans réponse", "No answer"):
        assert est_sans_reponse(vide), vide
    assert not est_sans_reponse("Non")
    assert reconnaitre_reponse("oui", frequence) is None


def test_colonnes_reconnues_par_code_texte_ou_code_et_texte(referentiel):
    liste = questions(referentiel, "enseignants")
    premiere = liste[0]
    assert question_de_colonne(premiere.code, liste) is premiere
    assert question_de_colonne(premiere.code.upper(), liste) is premiere
    assert question_de_colonne(premiere.texte.upper().rstrip(" ?"), liste) is premiere
    assert question_de_colonne(f"{premiere.code}. {premiere.texte}", liste) is premiere
    assert question_de_colonne(premiere.texte[:30] + "..", liste) is premiere
    assert question_de_colonne("Utilisez-vous", liste) is None  # trop court, et commun à plusieurs questions
    assert question_de_colonne("Horodateur", liste) is None
    assert normaliser("  Œuvre  d’art ? ") == "oeuvre d art"
    assert [lettre_colonne(i) for i in (0, 6, 25, 26, 27)] == ["A", "G", "Z", "AA", "AB"]
    for entete in ("Adresse de messagerie", "Nom", "E-mail", "Prénom", "Email Address"):
        assert est_personnelle(entete), entete
    for entete in ("Nombre d'heures", "ID", "Horodateur", premiere.texte):
        assert not est_personnelle(entete), entete


@pytest.mark.parametrize(
    ("nom", "format_"),
    [
        ("limesurvey-codes.csv", "CSV UTF-8, séparateur virgule"),
        ("limesurvey-reponses-completes.csv", "CSV UTF-8 avec BOM, séparateur virgule"),
        ("google-forms.csv", "CSV UTF-8, séparateur virgule"),
        ("microsoft-forms.xlsx", "classeur XLSX, première feuille « Sheet1 »"),
        ("excel-fr-windows1252.csv", "CSV Windows-1252, séparateur point-virgule"),
        ("familles.ods", "classeur ODS, première feuille « Feuille1 »"),
        ("excel-texte-unicode.txt", "CSV UTF-16, séparateur tabulation"),
        ("familles-limesurvey-abrege.csv", "CSV UTF-8, séparateur virgule"),
    ],
)
def test_chaque_export_est_lu_et_son_format_dit(nom, format_):
    feuille = lire_export(FIXTURES / nom)
    assert feuille.format == format_
    assert feuille.lignes and all(numero >= 2 for numero, _ in feuille.lignes)


def test_les_six_exports_des_enseignants_donnent_les_memes_totaux(referentiel):
    liste = questions(referentiel, "enseignants")
    resultats = [depouiller([lire_export(FIXTURES / nom)], liste) for nom in EXPORTS_ENSEIGNANTS]
    for resultat in resultats:
        assert resultat.erreurs == []
        assert resultat.repondants == 38
        assert resultat.valeurs == resultats[0].valeurs
    assert set(resultats[0].valeurs) == {q.item.id for q in liste}
    assert resultats[0].lignes_vides == 1  # la réponse LimeSurvey commencée jamais remplie


reponse_au_hasard = st.one_of(st.none(), st.integers(min_value=0, max_value=2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(reponse_au_hasard, min_size=8, max_size=8), min_size=1, max_size=60), st.randoms())
def test_les_totaux_importes_sont_ceux_des_repondants(repondants, hasard):
    referentiel = charger_referentiel("2011")
    liste = questions(referentiel, "enseignants")
    lignes = []
    for numero, choix in enumerate(repondants, start=2):
        cellules = []
        for question, indice in zip(liste, choix, strict=True):
            if indice is None or indice >= len(question.reponses):
                cellules.append("")
                continue
            reponse = question.reponses[indice]
            cellules.append(hasard.choice((reponse.code, reponse.libelle, reponse.libelle.upper())))
        lignes.append((numero, cellules))
    resultat = depouiller([Feuille("h.csv", [q.code for q in liste], lignes, "CSV")], liste)
    assert resultat.erreurs == []
    for rang, question in enumerate(liste):
        choisies = [
            question.reponses[c[rang]].valeur
            for c in repondants
            if c[rang] is not None and c[rang] < len(question.reponses)
        ]
        if not choisies:
            assert question.item.id not in resultat.valeurs
            continue
        valeur = resultat.valeurs[question.item.id]
        tallies = Counter(choisies)
        agregation = question.item.collecte.agregation
        if agregation == "repartition":
            assert valeur == {m: tallies[m] for m in MODALITES}
        elif agregation == "compte":
            assert valeur == tallies["oui"]
        else:
            assert valeur == pytest.approx(100 * tallies["oui"] / len(choisies), abs=0.05)
    # Un répondant compte s'il a répondu à au moins une question.
    assert resultat.repondants == sum(
        1 for c in repondants if any(i is not None and i < len(q.reponses) for i, q in zip(c, liste, strict=True))
    )


# --------------------------------------------------------------------------
# Import dans la campagne


def test_import_ecrit_les_totaux_et_ne_touche_a_rien_d_autre(campagne, referentiel):
    avant = campagne.read_text(encoding="utf-8")
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert TAUX_EXEMPLE in resultat.stdout
    assert "8 réponses mises à jour, enquête des enseignants enregistrée" in resultat.stdout
    assert "Colonnes ignorées (pas des questions) : lastpage, seed, startlanguage, submitdate" in resultat.stdout
    assert resultat.stderr == ""
    apres = campagne.read_text(encoding="utf-8")
    # Chaque ligne retirée ou ajoutée est celle d'un item importé, de ses effectifs, ou du bloc « enquetes ».
    items = {i.id for i in referentiel.questions_enquete("enseignants")}
    permis = re.compile(rf"^\s*({'|'.join(items)}|{'|'.join(MODALITES)}):")
    differences = [
        ligne for ligne in difflib.ndiff(avant.splitlines(), apres.splitlines()) if ligne[:2] in ("- ", "+ ")
    ]
    retirees = [ligne[2:] for ligne in differences if ligne.startswith("- ")]
    assert all(permis.match(ligne) for ligne in retirees), [r for r in retirees if not permis.match(r)]
    fin = apres[apres.index("\n# Enquêtes importées") :]
    assert re.fullmatch(
        r"\n# Enquêtes importées[^\n]*\nenquetes:\n  enseignants:\n    repondants: 38\n    date: \d{4}-\d\d-\d\d\n"
        r'    sources:\n      - "enquete-enseignants-limesurvey.csv"\n',
        fin,
    )
    # Hors des lignes des items importés, le fichier est le même octet pour octet.
    sans_items = [ligne for ligne in avant.splitlines() if not permis.match(ligne)]
    assert [ligne for ligne in apres[: -len(fin)].splitlines() if not permis.match(ligne)] == sans_items
    resultat_validation = valider_fichier(campagne)
    assert not resultat_validation.a_des_erreurs
    valeurs = resultat_validation.campagne
    assert valeurs.enquetes["enseignants"].repondants == 38
    attendues = depouiller([lire_export(EXPORT_EXEMPLE)], questions(referentiel, "enseignants")).valeurs
    for item, valeur in attendues.items():
        assert valeurs.reponse(referentiel.item(item).domaine, item) == valeur


def test_importer_deux_fois_donne_le_meme_fichier(campagne):
    assert importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne).exit_code == 0
    une_fois = campagne.read_bytes()
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0 and "déjà à jour, rien à changer" in resultat.stdout
    assert campagne.read_bytes() == une_fois


def test_une_reponse_deja_ecrite_n_est_remplacee_qu_avec_force(tmp_path):
    campagne = tmp_path / "c.yaml"
    shutil.copy(EXEMPLE, campagne)
    avant = campagne.read_bytes()
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    assert re.search(
        r"c\.yaml:243:5: « enseignants_diffusion_collective » a déjà une autre réponse : elle n'est pas remplacée "
        r"sans --force \(reponse-deja-ecrite\)",
        resultat.stderr,
    )
    assert "rien n'a été écrit" in resultat.stderr
    assert "│ enseignants_diffusion_collective *      │ 9/20/18  │" in resultat.stdout
    assert campagne.read_bytes() == avant
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne, "--force", "--essai")
    assert resultat.exit_code == 0 and "essai, rien n'a été écrit" in resultat.stdout
    assert campagne.read_bytes() == avant
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne, "--force")
    assert resultat.exit_code == 0 and TAUX_EXEMPLE in resultat.stdout
    assert campagne.read_bytes() != avant
    assert not valider_fichier(campagne).a_des_erreurs


def test_microsoft_forms_anonyme_n_avertit_de_rien(campagne):
    """« Nom » vide et « Adresse de messagerie » à « anonymous » : c'est ce qu'écrit une enquête anonyme."""
    resultat = importer(FIXTURES / "microsoft-forms.xlsx", "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert "anonymous" not in campagne.read_text(encoding="utf-8")
    assert TAUX_EXEMPLE in resultat.stdout


def test_une_colonne_personnelle_remplie_est_signalee_sans_etre_citee(tmp_path, campagne, referentiel):
    liste = questions(referentiel, "enseignants")
    lignes = [["Nom", "Adresse de messagerie", *(q.texte for q in liste)]]
    for n in range(6):
        lignes.append([f"Martin{n}" if n == 2 else "", "anonymous", *(q.reponses[0].libelle for q in liste)])
    export = tmp_path / "forms.xlsx"
    export.write_bytes(outils_enquetes.xlsx(lignes))
    resultat = importer(export, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert "la colonne « Nom » ressemble à une donnée personnelle" in resultat.stderr
    assert "Adresse de messagerie" not in resultat.stderr
    assert "Martin" not in resultat.output and "Martin" not in campagne.read_text(encoding="utf-8")


def test_une_reponse_en_double_compte_une_fois(tmp_path, campagne):
    # Un second export qui reprend dix réponses du premier (mêmes identifiants), exporté plus tôt.
    debut = tmp_path / "export-du-lundi.csv"
    debut.write_bytes(b"".join((FIXTURES / "limesurvey-codes.csv").read_bytes().splitlines(keepends=True)[:11]))
    resultat = importer(FIXTURES / "limesurvey-codes.csv", debut, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert "10 réponses en double (même identifiant de réponse) comptées une seule fois" in resultat.stderr
    assert TAUX_EXEMPLE in resultat.stdout
    assert '- "export-du-lundi.csv"\n      - "limesurvey-codes.csv"' in campagne.read_text("utf-8")


def test_un_meme_export_donne_deux_fois_ou_copie_compte_une_fois(tmp_path, campagne):
    copie = tmp_path / "copie sous un autre nom.csv"
    shutil.copy(EXPORT_EXEMPLE, copie)
    # Google Forms n'a pas d'identifiant de réponse : seul le contenu dit que c'est le même export.
    google = FIXTURES / "google-forms.csv"
    autre = tmp_path / "reponses (1).csv"
    shutil.copy(google, autre)
    resultat = importer(google, autre, google, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert (
        f"attention : {autre} a exactement le même contenu que {google} : c'est le même export, compté une "
        "seule fois\n" in resultat.stderr
    )
    assert f"attention : {google} est donné deux fois : compté une seule fois\n" in resultat.stderr
    assert TAUX_EXEMPLE in resultat.stdout
    texte = campagne.read_text("utf-8")
    assert 'sources:\n      - "google-forms.csv"\n' in texte and "reponses (1)" not in texte


def test_deux_exports_de_meme_nom_sont_tous_deux_dans_sources(tmp_path, campagne):
    lignes = (FIXTURES / "limesurvey-codes.csv").read_bytes().splitlines(keepends=True)
    (tmp_path / "salle-a").mkdir()
    (tmp_path / "salle-b").mkdir()
    (tmp_path / "salle-a" / "reponses.csv").write_bytes(b"".join(lignes[:21]))
    (tmp_path / "salle-b" / "reponses.csv").write_bytes(b"".join(lignes[:1] + lignes[21:]))
    resultat = importer(
        tmp_path / "salle-a" / "reponses.csv",
        tmp_path / "salle-b" / "reponses.csv",
        "--public",
        "enseignants",
        "--dans",
        campagne,
    )
    assert resultat.exit_code == 0 and TAUX_EXEMPLE in resultat.stdout
    sources = valider_fichier(campagne).campagne.enquetes["enseignants"].sources
    assert sources == (str(tmp_path / "salle-a" / "reponses.csv"), str(tmp_path / "salle-b" / "reponses.csv"))


def test_un_second_lot_ne_remplace_les_totaux_qu_avec_force_et_le_dit(tmp_path, campagne):
    lignes = (FIXTURES / "limesurvey-codes.csv").read_bytes().splitlines(keepends=True)
    lot1, lot2 = tmp_path / "lot1.csv", tmp_path / "lot2.csv"
    lot1.write_bytes(b"".join(lignes[:21]))
    lot2.write_bytes(b"".join(lignes[:1] + lignes[21:]))
    assert importer(lot1, "--public", "enseignants", "--dans", campagne).exit_code == 0
    apres_lot1 = campagne.read_bytes()
    resultat = importer(lot2, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    assert re.search(
        r"2024-2025\.yaml:\d+:3: l'enquête des enseignants déjà importée \(20 répondants, le \d\d/\d\d/\d{4}, "
        r"lot1\.csv\) serait remplacée, pas complétée : pour ajouter un second lot, donnez tous les exports, anciens "
        r"et nouveaux, en une seule exécution ; --force remplace ses totaux \(enquete-deja-importee\)",
        resultat.stderr,
    ), resultat.stderr
    assert campagne.read_bytes() == apres_lot1
    resultat = importer(lot2, "--public", "enseignants", "--dans", campagne, "--force")
    assert resultat.exit_code == 0, resultat.output
    assert "--force : les totaux de l'enquête des enseignants déjà importée (20 répondants" in resultat.stderr
    assert "sont remplacés par ceux-ci, pas additionnés" in resultat.stderr
    # La bonne façon : les deux lots en une seule exécution.
    resultat = importer(lot1, lot2, "--public", "enseignants", "--dans", campagne, "--force")
    assert resultat.exit_code == 0 and TAUX_EXEMPLE in resultat.stdout
    assert '- "lot1.csv"\n      - "lot2.csv"' in campagne.read_text("utf-8")


def test_une_campagne_neuve_recoit_les_familles(tmp_path):
    campagne = tmp_path / "neuve.yaml"
    assert runner.invoke(app, ["init", str(campagne)]).exit_code == 0
    texte = campagne.read_text(encoding="utf-8").replace("  familles:\n", "  familles: 150\n", 1)
    campagne.write_text(texte, encoding="utf-8")
    resultat = importer(FIXTURES / "familles.ods", "--public", "familles", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert re.search(r"^120 familles sur 150 ont répondu \(80 %\)$", resultat.stdout, re.M)
    resultat_validation = valider_fichier(campagne)
    assert not resultat_validation.a_des_erreurs
    services = resultat_validation.campagne.reponse("information_echanges", "familles_services_numeriques")
    assert sum(services.values()) <= 120

    # Les commentaires du gabarit sont tous là, dans le même ordre ; un seul s'ajoute, au-dessus de « enquetes: ».
    def commentaires(texte: str) -> list[str]:
        return [ligne for ligne in texte.splitlines() if ligne.lstrip().startswith("#")]

    apres = commentaires(campagne.read_text(encoding="utf-8"))
    assert apres[:-1] == commentaires(texte) and apres[-1].startswith("# Enquêtes importées")


def test_une_question_si_oui_ecartee_n_est_pas_reportee(campagne):
    texte = campagne.read_text(encoding="utf-8").replace(
        "droits_ressources_transversales: oui", "droits_ressources_transversales: non"
    )
    campagne.write_text(texte, encoding="utf-8")
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert "« enseignants_ressources_transversales » n'est pas reporté" in resultat.stderr
    assert re.search(r"^    enseignants_ressources_transversales:$", campagne.read_text("utf-8"), re.M)


@pytest.mark.parametrize(
    ("export", "public", "position", "code", "fragment"),
    [
        (
            "mauvais-reponse-inconnue.csv",
            "enseignants",
            "4:7",
            "reponse-inconnue",
            "réponse « souvent » non reconnue à la question « travauxHorsClasse » (colonne G) ; réponses acceptées : "
            "Jamais, Occasionnellement, Régulièrement (ou leurs codes jam, occ, reg)",
        ),
        ("mauvais-vide.csv", "enseignants", "1:1", "export-vide", "le fichier est vide"),
        ("mauvais-binaire.csv", "enseignants", "1:1", "export-illisible", "ni un fichier CSV ni un classeur"),
        (
            "familles.ods",
            "enseignants",
            "1:1",
            "mauvais-public",
            "aucune colonne n'est une question du questionnaire des enseignants ; ce fichier semble être celui des "
            "familles (--public familles)",
        ),
        ("mauvais-trop-peu.csv", "enseignants", "1:1", "trop-peu-de-repondants", "3 répondants seulement"),
        (
            "mauvais-question-reformulee.csv",
            "enseignants",
            "1:3",
            "question-non-reconnue",
            "la colonne « Utilisez-vous l'ENT en classe ? » (colonne C) semble être une question, mais son en-tête "
            "n'en reprend ni le texte ni le code ; la plus proche par son texte est « entDevantEleves »",
        ),
        (
            "mauvais-entetes-abreges.csv",
            "enseignants",
            "1:8",
            "entetes-abreges",
            "l'en-tête abrégé « Utilisez-vous d.. » (colonne H) peut être « ressTransversales » ou "
            "« ressDisciplinaires » ; en-têtes abrégés : exportez avec « Code de la question »",
        ),
    ],
)
def test_un_mauvais_export_est_refuse_sans_rien_ecrire(campagne, export, public, position, code, fragment):
    avant = campagne.read_bytes()
    resultat = importer(FIXTURES / export, "--public", public, "--dans", campagne)
    assert resultat.exit_code == 1, resultat.output
    assert f"{FIXTURES / export}:{position}: " in resultat.stderr
    assert f"({code})" in resultat.stderr and fragment in resultat.stderr
    assert "Traceback" not in resultat.output
    assert campagne.read_bytes() == avant


def test_en_tetes_abreges_sans_ambiguite_et_reponses_y_n(referentiel):
    """LimeSurvey : « Votre famille d.. » ne commence qu'une question ; « Y »/« N » valent oui/non."""
    liste = questions(referentiel, "familles")
    abrege = depouiller([lire_export(FIXTURES / "familles-limesurvey-abrege.csv")], liste)
    assert abrege.erreurs == [] and abrege.absentes == []
    assert abrege.valeurs == depouiller([lire_export(FIXTURES / "familles.ods")], liste).valeurs


def test_une_question_ajoutee_par_l_etablissement_reste_ignoree(tmp_path, campagne):
    """Une colonne de texte libre qui ne ressemble à aucune question n'est pas une question reformulée."""
    lignes = (FIXTURES / "google-forms.csv").read_text(encoding="utf-8").splitlines()
    ajout = [f"{ligne},Mathématiques" for ligne in lignes[1:]]
    export = tmp_path / "forms.csv"
    export.write_text("\n".join([lignes[0] + ",Quelle discipline enseignez-vous ?", *ajout]) + "\n", "utf-8")
    resultat = importer(export, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert "Colonnes ignorées (pas des questions) : Horodateur, Quelle discipline enseignez-vous ?" in resultat.stdout
    assert TAUX_EXEMPLE in resultat.stdout and resultat.stderr == ""


def test_toutes_les_questions_reformulees_ne_sont_pas_un_mauvais_public(tmp_path, campagne, referentiel):
    liste = questions(referentiel, "enseignants")
    lignes = (FIXTURES / "google-forms.csv").read_text(encoding="utf-8").splitlines()
    entetes = ["Horodateur", *(f"Question {n} : {q.texte[:40]}" for n, q in enumerate(liste, 1))]
    export = tmp_path / "forms.csv"
    export.write_text("\n".join([",".join(f'"{e}"' for e in entetes), *lignes[1:]]) + "\n", "utf-8")
    resultat = importer(export, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    assert "(mauvais-public)" not in resultat.stderr
    assert resultat.stderr.count("(question-non-reconnue)") == len(liste)


def test_plus_de_repondants_que_d_enseignants_est_refuse(campagne):
    avant = campagne.read_bytes()
    resultat = importer(FIXTURES / "mauvais-trop-nombreux.csv", "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    ligne = next(n for n, texte in enumerate(avant.decode().splitlines(), 1) if texte.startswith("  enseignants: 47"))
    assert f"{campagne}:{ligne}:3: 50 enseignants ont répondu, plus que les 47 de la campagne" in resultat.stderr
    assert "(trop-de-repondants)" in resultat.stderr
    assert campagne.read_bytes() == avant


def test_seuil_et_public_inconnu(campagne):
    resultat = importer(
        FIXTURES / "mauvais-trop-peu.csv", "--public", "enseignants", "--dans", campagne, "--seuil", "3"
    )
    assert resultat.exit_code == 0, resultat.output
    assert "3 enseignants sur 47 ont répondu (6 %)" in resultat.stdout
    resultat = importer(EXPORT_EXEMPLE, "--public", "eleves", "--dans", campagne)
    assert resultat.exit_code == 2 and resultat.stdout.count("\n") == 1  # la ligne qui décrit l'export lu
    assert "public « eleves » inconnu : « enseignants », « familles » ou « divisions »" in resultat.stderr


def test_le_seuil_vaut_pour_chaque_question(tmp_path, campagne, referentiel):
    """5 répondants, dont 1 seul a répondu à une question : sa réponse ne doit pas s'écrire."""
    liste = questions(referentiel, "enseignants")
    seule, autres = liste[0], liste[1:]
    lignes = [[q.code for q in liste]]
    for n in range(5):
        lignes.append([seule.reponses[-1].code if n == 0 else "", *(q.reponses[0].code for q in autres)])
    export = tmp_path / "cinq.csv"
    export.write_text("\n".join(",".join(ligne) for ligne in lignes) + "\n", encoding="utf-8")
    resultat = importer(export, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert (
        f"attention : « {seule.item.id} » n'est pas reporté : moins de 5 réponses à cette question "
        f"(« {seule.code} »), on pourrait reconnaître qui a répondu quoi\n" in resultat.stderr
    )
    lue = valider_fichier(campagne).campagne
    assert lue.reponse(seule.item.domaine, seule.item.id) is None
    assert lue.reponse(autres[0].item.domaine, autres[0].item.id) is not None
    assert seule.item.id not in resultat.stdout  # ni dans le tableau des réponses
    # Avec --seuil 1 (choix explicite), la réponse passe.
    resultat = importer(export, "--public", "enseignants", "--dans", campagne, "--seuil", "1", "--force")
    assert resultat.exit_code == 0, resultat.output
    assert valider_fichier(campagne).campagne.reponse(seule.item.domaine, seule.item.id) is not None


def test_une_campagne_modifiee_pendant_l_import_n_est_pas_ecrasee(campagne, monkeypatch):
    """Quelqu'un enregistre la campagne dans son éditeur pendant que l'import dépouille les exports."""
    import diagnum.enquetes.importation as importation

    original = importation.preparer_import
    modifiee = campagne.read_text(encoding="utf-8").replace("date: 2025-", "date: 2025-", 1) + "# vu en réunion\n"

    def pendant(*args, **kwargs):
        bilan = original(*args, **kwargs)
        campagne.write_text(modifiee, encoding="utf-8")
        return bilan

    monkeypatch.setattr(importation, "preparer_import", pendant)
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1, resultat.output
    assert resultat.stderr == (
        f"diagnum : {campagne} a changé sur le disque pendant le travail (enregistré dans un éditeur, ou une autre "
        "commande l'a modifié entre-temps) : rien n'a été écrit, pour ne pas effacer ces changements ; relancez la "
        "commande\n"
    )
    assert campagne.read_text(encoding="utf-8") == modifiee
    assert sorted(p.name for p in campagne.parent.iterdir()) == [campagne.name]


def test_edition_garde_fins_de_ligne_commentaires_et_formes(campagne, referentiel):
    """BOM et fins de ligne CRLF, commentaire en fin de ligne, répartition écrite sur une ligne, item absent."""
    texte = campagne.read_text(encoding="utf-8")
    texte = texte.replace("    enseignants_validation_b2i:\n", "    enseignants_validation_b2i:   # à vérifier\n")
    texte = texte.replace(
        "    enseignants_activites_eleves:\n", "    enseignants_activites_eleves: {jamais: 1, occasionnellement: 2}\n"
    )
    texte = re.sub(r"^    enseignants_ordinateur_personnel:\n", "", texte, flags=re.M)
    campagne.write_bytes(b"\xef\xbb\xbf" + texte.replace("\n", "\r\n").encode("utf-8"))  # BOM du Bloc-notes
    avant = campagne.read_bytes()
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne, "--force")
    assert resultat.exit_code == 0, resultat.output
    apres = campagne.read_bytes()
    assert b"\n" not in apres.replace(b"\r\n", b"") and apres.startswith(b"\xef\xbb\xbf#")
    attendues = depouiller([lire_export(EXPORT_EXEMPLE)], questions(referentiel, "enseignants")).valeurs
    lignes = apres.decode("utf-8").split("\r\n")
    b2i = attendues["enseignants_validation_b2i"]
    assert f"    enseignants_validation_b2i: {b2i}   # à vérifier" in lignes
    activites = attendues["enseignants_activites_eleves"]
    assert (
        "    enseignants_activites_eleves: {" + ", ".join(f"{m}: {activites[m]}" for m in MODALITES) + "}"
    ) in lignes
    # L'item absent est ajouté à la fin de son domaine, avec le retrait de ses voisins.
    proportion = attendues["enseignants_ordinateur_personnel"]
    assert f"    enseignants_ordinateur_personnel: {proportion}" in lignes
    campagne_lue = valider_fichier(campagne)
    assert not campagne_lue.a_des_erreurs
    assert campagne_lue.campagne.reponse("travail_hors_classe", "enseignants_ordinateur_personnel") == proportion
    assert len(apres) > len(avant)


def test_le_rapport_montre_l_enquete_a_cote_des_items_qu_elle_a_nourris(campagne):
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.rapports.rapport import texte_rapport

    avant = texte_rapport(*charger_campagne(EXEMPLE))
    assert "Recueilli par enquête" not in avant
    assert importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne).exit_code == 0
    texte = texte_rapport(*charger_campagne(campagne))
    blocs = re.findall(r"^Recueilli par enquête auprès des enseignants : (.*)$", texte, re.M)
    # Trois domaines d'usage ont des questions posées aux enseignants : 3.6.1, 3.6.2 et 3.6.3.
    assert len(blocs) == 3
    for bloc in blocs:
        assert bloc.startswith("38 sur 47 ont répondu (81\u00a0%), import du ")
        assert "(enquete-enseignants-limesurvey.csv). Questions posées : « " in bloc
    detail_361 = texte[texte.index("### 3.6.1") : texte.index("### 3.6.2")]
    assert "« Participez-vous à la validation du B2i de vos élèves ? »" not in detail_361
    assert "« Devant vos élèves, utilisez-vous un outil de diffusion collective" in detail_361


def test_l_exemple_du_readme_tourne_sans_rien_ecrire(monkeypatch):
    import shlex

    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    (commande,) = re.findall(r"^diagnum enquete importer exemples/.*\\\n.*$", readme, re.M)
    arguments = shlex.split(commande.replace("\\\n", " "))[1:]
    monkeypatch.chdir(RACINE)
    avant = EXEMPLE.read_bytes()
    resultat = runner.invoke(app, arguments)
    assert resultat.exit_code == 0, resultat.output
    assert TAUX_EXEMPLE in resultat.stdout and "essai, rien n'a été écrit" in resultat.stdout
    assert resultat.stderr == ""
    assert EXEMPLE.read_bytes() == avant


def test_une_campagne_de_forme_inhabituelle_est_dite_ou_modifiee_sans_risque(campagne, referentiel):
    texte = campagne.read_text(encoding="utf-8")
    # Une clé entre guillemets, suivie d'espaces : l'édition la comprend.
    campagne.write_text(
        texte.replace("    enseignants_validation_b2i:\n", '    "enseignants_validation_b2i" :\n'), encoding="utf-8"
    )
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    b2i = depouiller([lire_export(EXPORT_EXEMPLE)], questions(referentiel, "enseignants")).valeurs
    assert f'    "enseignants_validation_b2i" : {b2i["enseignants_validation_b2i"]}\n' in campagne.read_text("utf-8")
    # Un domaine mal écrit : rien n'est écrit, et l'endroit est dit.
    campagne.write_text(texte.replace("  enseignant_en_classe:\n", "  enseignant_en_clase:\n"), encoding="utf-8")
    avant = campagne.read_bytes()
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    ligne = texte.splitlines().index("reponses:") + 1
    assert f"{campagne}:{ligne}:1: le domaine « enseignant_en_classe » manque dans « reponses: »" in resultat.stderr
    assert campagne.read_bytes() == avant


def test_le_lecteur_de_classeurs_n_est_importe_que_pour_un_classeur(campagne):
    from test_imports import famille, modules_importes

    for export, attendu in ((EXPORT_EXEMPLE, False), (FIXTURES / "microsoft-forms.xlsx", True)):
        arguments = ("enquete", "importer", str(export), "--public", "enseignants", "--dans", str(campagne))
        modules, processus = modules_importes("-m", "diagnum", *arguments, "--essai")
        assert processus.returncode == 0, processus.stderr[-2000:]
        assert bool(famille(modules, "python_calamine")) is attendu
        assert famille(modules, "matplotlib") == [] and famille(modules, "jinja2") == []


def _decode_utf8(octets: bytes) -> str | None:
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        return None


# Textes de cellule : lettres, accents du français, ponctuation, séparateurs, guillemets et retours à la ligne.
_CELLULE = st.text(alphabet=st.sampled_from([*"abcXYZ019 éèêàçùôœÉÈ«»’'\"-.?!", ",", ";", "\t", "\n"]), max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rangees=st.lists(st.lists(_CELLULE, min_size=3, max_size=3), min_size=1, max_size=8),
    separateur=st.sampled_from([",", ";", "\t"]),
    encodage=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_un_csv_est_relu_tel_qu_il_a_ete_ecrit(tmp_path, rangees, separateur, encodage):
    """Quel que soit l'encodage (UTF-8, avec BOM, Windows-1252) et le séparateur, chaque cellule est relue telle quelle."""
    entetes = ["Horodateur", "diffusionCollective", "Adresse de messagerie"]
    flux = io.StringIO()
    csv.writer(flux, delimiter=separateur, lineterminator="\r\n").writerows([entetes, *rangees])
    octets = flux.getvalue().encode(encodage)
    lisible_en_utf8 = _decode_utf8(octets) is not None
    # Un texte Windows-1252 qui se lit aussi en UTF-8 (« é«» » : E9 AB BB) est lu en UTF-8 : seul cas ambigu.
    assume(encodage != "cp1252" or not lisible_en_utf8 or octets.isascii())
    chemin = tmp_path / "export.csv"
    chemin.write_bytes(octets)
    feuille = lire_export(chemin)
    assert feuille.entetes == entetes
    attendues = [r for r in rangees if any(c.strip() for c in r)]
    assert [cellules for _, cellules in feuille.lignes] == attendues
    nom = "UTF-8 avec BOM" if encodage == "utf-8-sig" else "UTF-8" if lisible_en_utf8 else "Windows-1252"
    assert feuille.format.startswith(f"CSV {nom}, séparateur ")
    # Les numéros de ligne suivent le fichier : une cellule sur deux lignes décale les suivantes.
    numeros = [numero for numero, _ in feuille.lignes]
    assert numeros == sorted(set(numeros)) and all(n >= 2 for n in numeros)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(octets=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_un_export_quelconque_ne_fait_jamais_planter(tmp_path, octets):
    campagne = tmp_path / "c.yaml"
    if not campagne.exists():
        shutil.copy(EXEMPLE, campagne)
    avant = campagne.read_bytes()
    export = tmp_path / "export.csv"
    export.write_bytes(octets)
    resultat = importer(export, "--public", "enseignants", "--dans", campagne, "--force")
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit), repr(resultat.exception)
    assert resultat.exit_code in (0, 1), resultat.output
    assert "Traceback" not in resultat.output and "erreur interne" not in resultat.stderr
    if resultat.exit_code == 1:
        assert campagne.read_bytes() == avant


def test_la_feuille_de_saisie_remplie_s_importe_a_cote_d_une_autre_enquete(tmp_path, campagne, referentiel):
    """La feuille PUBLIC.csv écrite par « questionnaire », remplie dans un tableur, revient par « importer »."""
    dossier = tmp_path / "q"
    assert runner.invoke(app, ["enquete", "questionnaire", "divisions", "-o", str(dossier)]).exit_code == 0
    feuille = dossier / "divisions.csv"
    texte = feuille.read_text(encoding="utf-8-sig")
    lignes = texte.split("\r\n")
    remplies = ["Régulièrement;oui;non;non", "occasionnellement;Oui;NON;non", "jam;non;non;oui"] * 4
    feuille.write_text("\r\n".join([lignes[0], *remplies, *lignes[1 + len(remplies) :]]), encoding="utf-8-sig")
    assert importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne).exit_code == 0
    resultat = importer(feuille, "--public", "divisions", "--dans", campagne, "--force")
    assert resultat.exit_code == 0, resultat.output
    assert "12 divisions sur 24 ont répondu (50 %)" in resultat.stdout
    lue = valider_fichier(campagne)
    assert not lue.a_des_erreurs
    assert lue.campagne.reponse("eleves_en_classe", "divisions_usage_en_classe") == {
        "jamais": 4,
        "occasionnellement": 4,
        "regulierement": 4,
    }
    assert lue.campagne.reponse("eleves_en_classe", "divisions_manuel_numerique") == 8
    assert lue.campagne.reponse("eleves_en_classe", "divisions_portables_individuels") == 4
    assert sorted(lue.campagne.enquetes) == ["divisions", "enseignants"]
    assert lue.campagne.enquetes["divisions"].sources == ("divisions.csv",)


def test_fichiers_absents_et_nombre_de_reference_vide(tmp_path, campagne):
    resultat = importer(tmp_path / "absent.csv", "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert f"{tmp_path / 'absent.csv'} : fichier ou dossier introuvable" in resultat.stderr
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", tmp_path / "absente.yaml")
    assert resultat.exit_code == 2 and "absente.yaml : fichier ou dossier introuvable" in resultat.stderr
    texte = campagne.read_text(encoding="utf-8").replace("  enseignants: 47\n", "  enseignants:\n")
    campagne.write_text(texte, encoding="utf-8")
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 1
    ligne = texte.splitlines().index("  enseignants:") + 1
    assert f"{campagne}:{ligne}:3: le nombre de référence « enseignants » est vide ou invalide" in resultat.stderr
    assert "(reference-vide)" in resultat.stderr and "38 enseignants ont répondu" in resultat.stdout
    assert campagne.read_text(encoding="utf-8") == texte


def test_un_seuil_de_zero_est_une_erreur_d_usage(campagne):
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", campagne, "--seuil", "0")
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert resultat.stderr == "diagnum : --seuil : au moins 1 répondant\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(octets=exemple_mute())
def test_sur_une_campagne_abimee_seules_les_lignes_importees_changent(octets):
    """Une campagne abîmée au hasard : l'import est refusé avec un message, ou ne change que les lignes importées."""
    from diagnum.enquetes.importation import preparer_import
    from diagnum.erreurs import ErreurDiagnum

    referentiel = charger_referentiel("2011")
    feuilles = [lire_export(EXPORT_EXEMPLE)]
    try:
        bilan = preparer_import(octets, "c.yaml", feuilles, "enseignants", force=True)
    except ErreurDiagnum:
        return
    if bilan.texte is None:
        return
    items = {i.id for i in referentiel.questions_enquete("enseignants")}
    permis = re.compile(rf"^\s*[\"']?({'|'.join(items)}|{'|'.join(MODALITES)})[\"']?\s*:")
    fins = re.compile(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)")
    texte = octets.decode("utf-8")
    if not texte.endswith(("\n", "\r")):
        # Une dernière ligne sans fin de ligne reçoit celle du fichier, pour que « enquetes: » s'écrive en dessous.
        premiere_fin = re.search(r"\r\n|\r|\n", texte)
        texte += premiere_fin.group(0) if premiere_fin else "\n"
    avant = [ligne for ligne in fins.split(texte) if ligne]
    apres = [ligne for ligne in fins.split(bilan.texte) if ligne]
    retirees = [ligne[2:] for ligne in difflib.ndiff(avant, apres) if ligne.startswith("- ")]
    assert all(permis.match(ligne) for ligne in retirees), [r for r in retirees if not permis.match(r)]


def test_une_reponse_reprise_de_l_an_passe_perd_sa_marque_quand_l_enquete_la_remplace(tmp_path, referentiel):
    nouvelle = tmp_path / "2025-2026.yaml"
    resultat = runner.invoke(app, ["init", str(nouvelle), "--depuis", str(EXEMPLE), "--reprendre"])
    assert resultat.exit_code == 0, resultat.output
    texte = nouvelle.read_text(encoding="utf-8")
    assert "    enseignants_validation_b2i: 7 # repris de 2024-2025, à vérifier\n" in texte
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", nouvelle)
    assert resultat.exit_code == 1 and "(reponse-deja-ecrite)" in resultat.stderr  # une réponse reprise reste écrite
    resultat = importer(EXPORT_EXEMPLE, "--public", "enseignants", "--dans", nouvelle, "--force")
    assert resultat.exit_code == 0, resultat.output
    apres = nouvelle.read_text(encoding="utf-8")
    valeurs = depouiller([lire_export(EXPORT_EXEMPLE)], questions(referentiel, "enseignants")).valeurs
    assert f"    enseignants_validation_b2i: {valeurs['enseignants_validation_b2i']}\n" in apres
    # Les réponses que l'enquête n'a pas touchées gardent la leur.
    assert "    salles_tni: 6 # repris de 2024-2025, à vérifier\n" in apres
