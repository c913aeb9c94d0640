"""``diagnum sources importer`` : exports de GRR, d'un emploi du temps et d'un ENT ramenés aux effectifs.

Les exports de ``fixtures/sources/`` sont fabriqués par ``tests/outils_sources.py`` d'après les formats
documentés (voir ce module). Chaque répartition importée est recalculée ici par une seconde route, simple,
depuis les lignes brutes (``oracle_…``) ; aucun nom, identifiant ni adresse des exports ne doit se retrouver
dans ce que diagnum écrit ou affiche.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import outils_enquetes
import outils_sources
from diagnum.campagne.chargement import valider_fichier
from diagnum.cli import app
from diagnum.erreurs import ErreurReferentiel
from diagnum.referentiel import construire_referentiel
from diagnum.sources.correspondance import Correspondance
from diagnum.sources.dates import lire_date, lire_mois

RACINE = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "sources"
MAUVAIS = FIXTURES / "mauvais"
REFERENCE = {"eleves": 500, "divisions": 20, "enseignants": 45, "familles": 400}
CORRESPONDANCE = """\
# Ressources qui comptent pour chaque item (motifs, casse et accents ignorés).
enseignants_activites_eleves: ["Salle informatique*", "Classe mobile*"]
divisions_usage_en_classe: ["Salle informatique*", "Classe mobile*"]
enseignants_diffusion_collective: ["Vidéoprojecteur*", "Salle de visio*"]
"""
INFORMATIQUE = ("Salle informatique", "Classe mobile")
DIFFUSION = ("Vidéoprojecteur", "Salle de visio")
MOIS_FR = {nom: i for i, nom in enumerate(outils_sources.MOIS, start=1)}

runner = CliRunner()


# --------------------------------------------------------------------------
# Ce que les tests partagent


def campagne(dossier: Path, reference: dict[str, int | None] = REFERENCE) -> Path:
    """Une campagne neuve (diagnum init) dont les nombres de référence sont écrits."""
    chemin = dossier / "campagne.yaml"
    resultat = runner.invoke(
        app, ["init", str(chemin), "--etablissement", "Collège Test", "--uai", "0750654D", "--campagne", "2024-2025"]
    )
    assert resultat.exit_code == 0, resultat.output
    texte = chemin.read_text(encoding="utf-8")
    for cle, valeur in reference.items():
        if valeur is not None:
            texte, n = re.subn(rf"(?m)^  {cle}:$", f"  {cle}: {valeur}", texte)
            assert n == 1
    chemin.write_text(texte, encoding="utf-8")
    return chemin


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    (tmp_path / "corr.yaml").write_text(CORRESPONDANCE, encoding="utf-8")
    return tmp_path


def importer(*arguments: str):
    return runner.invoke(app, ["sources", "importer", *arguments])


def donnees_personnelles() -> set[str]:
    """Tout ce qui, dans les fixtures, désigne une personne : prénom et nom, identifiant, adresse."""
    personnes = list(outils_sources.ENSEIGNANTS)
    personnes += outils_sources.personnes(120, 5) + outils_sources.personnes(90, 6) + outils_sources.personnes(6, 8)
    resultat: set[str] = set()
    for prenom, nom, identifiant, adresse in personnes:
        resultat |= {f"{prenom} {nom}", f"{nom.upper()} {prenom}", identifiant, adresse}
    return resultat | {"Sophie Dupont", "Rémi Legrand", "sdupont", "rlegrand"}


PERSONNELLES = donnees_personnelles()


def sans_donnee_personnelle(*textes: str | bytes) -> None:
    for texte in textes:
        if isinstance(texte, bytes):
            texte = texte.decode("utf-8", errors="replace")
        trouvees = sorted(p for p in PERSONNELLES if p in texte)
        assert trouvees == [], f"données personnelles écrites ou affichées : {trouvees[:5]}"


def reponse(chemin: Path, item: str) -> object:
    resultat = valider_fichier(chemin)
    assert not resultat.a_des_erreurs, [str(d) for d in resultat.diagnostics if d.est_erreur]
    domaine = resultat.referentiel.item(item).domaine
    return resultat.campagne.reponse(domaine, item)


# --------------------------------------------------------------------------
# L'oracle : une seconde route, simple, depuis les lignes brutes


def _date_grr(texte: str) -> dt.date:
    _, jour, mois, annee = texte.split()
    return dt.date(int(annee), MOIS_FR[mois], int(jour))


def _repartition(semaines_par_unite: dict[str, set], toutes: set, reference: int, part: int = 50) -> dict[str, int]:
    seuil = max(1, math.ceil(part * len(toutes) / 100))
    regulier = sum(1 for s in semaines_par_unite.values() if len(s) >= seuil)
    vus = len(semaines_par_unite)
    return {"jamais": reference - vus, "occasionnellement": vus - regulier, "regulierement": regulier}


def oracle_grr4(prefixes: tuple[str, ...], colonne: str, reference: int) -> dict[str, int]:
    """La répartition recalculée du CSV de GRR 4 : module csv, dates découpées à la main, semaines ISO."""
    texte = (FIXTURES / "grr4-rapport.csv").read_text(encoding="utf-8")
    lignes = list(csv.DictReader(io.StringIO(texte)))
    gardees = [r for r in lignes if r["Modération"] != "La demande a été refusée."]
    toutes = {_date_grr(r["Début de la réservation"]).isocalendar()[:2] for r in gardees}
    par_unite: dict[str, set] = defaultdict(set)
    for r in gardees:
        if r["Ressource"].startswith(prefixes):
            par_unite[r[colonne]].add(_date_grr(r["Début de la réservation"]).isocalendar()[:2])
    return _repartition(par_unite, toutes, reference)


# --------------------------------------------------------------------------
# Les fixtures sont celles que produit le générateur


def test_les_fixtures_sont_celles_du_generateur():
    for nom, contenu in outils_sources.fichiers().items():
        assert (FIXTURES / nom).read_bytes() == contenu, f"{nom} : relancez python tests/outils_sources.py"


def test_les_entetes_de_grr_sont_ceux_du_code_de_grr():
    from diagnum.sources.lecture import GRR_3, GRR_4

    premiere = (FIXTURES / "grr4-rapport.csv").read_text(encoding="utf-8").splitlines()[0]
    assert next(csv.reader([premiere]))[: len(GRR_4)] == list(GRR_4)
    premiere = (FIXTURES / "grr3-rapport-cp1252.csv").read_bytes().decode("cp1252").splitlines()[0]
    assert [e.strip() for e in premiere.split(";")][: len(GRR_3)] == list(GRR_3)


# --------------------------------------------------------------------------
# Planning de réservation (GRR)


def test_essai_liste_chaque_ressource_et_n_ecrit_rien(dossier: Path):
    chemin = campagne(dossier)
    avant = chemin.read_bytes()
    resultat = importer(
        str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"), "--essai"
    )
    assert resultat.exit_code == 0, resultat.output
    assert chemin.read_bytes() == avant
    sortie = resultat.stdout
    for ressource in outils_sources.RESSOURCES:
        assert ressource in sortie
    lignes_minibus = next(ligne for ligne in sortie.splitlines() if "Minibus" in ligne)
    assert "non comptée" in lignes_minibus
    assert "période : 2024-09-02 → 2025-06-27 (35 semaines de cours)" in sortie
    assert "régulièrement = au moins 50 % des semaines de cours" in sortie
    assert "essai, rien n'a été écrit (3 réponses changeraient)" in sortie
    assert resultat.stderr == ""
    sans_donnee_personnelle(resultat.stdout, resultat.stderr)


def test_import_grr4_ecrit_les_repartitions_de_l_oracle(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert "3 réponses mises à jour" in resultat.stdout
    personne = "Bénéficiaire (identifiant)"
    attendu = {
        "enseignants_activites_eleves": oracle_grr4(INFORMATIQUE, personne, 45),
        "enseignants_diffusion_collective": oracle_grr4(DIFFUSION, personne, 45),
        "divisions_usage_en_classe": oracle_grr4(INFORMATIQUE, "Classe", 20),
    }
    assert sum(attendu["enseignants_activites_eleves"].values()) == 45
    assert attendu["enseignants_activites_eleves"]["regulierement"] > 0
    assert attendu["enseignants_activites_eleves"]["occasionnellement"] > 0
    for item, valeur in attendu.items():
        assert reponse(chemin, item) == valeur, item
    texte = chemin.read_text(encoding="utf-8")
    commentaire = re.search(r"(?m)^    enseignants_activites_eleves:  # (.*)$", texte).group(1)
    assert commentaire == (
        "estimé d'après le planning de réservation GRR (grr4-rapport.csv), 2024-09-02 → 2025-06-27, "
        "régulièrement = des réservations au moins 18 semaines sur 35 (50 %), occasionnellement = au moins "
        "1 réservation"
    )
    estimation = valider_fichier(chemin).campagne.sources["enseignants_activites_eleves"]
    assert (estimation.fichier, estimation.outil) == ("grr4-rapport.csv", "planning de réservation GRR")
    assert (estimation.debut, estimation.fin) == (dt.date(2024, 9, 2), dt.date(2025, 6, 27))
    sans_donnee_personnelle(resultat.stdout, texte)


def test_grr3_windows1252_point_virgule_donne_les_memes_enseignants_que_grr4(dossier: Path):
    """rapport.csv de GRR 3 (identifiants) et tableau de GRR 4 (prénom et nom) : les mêmes personnes."""
    (dossier / "a").mkdir()
    (dossier / "b").mkdir()
    quatre, trois = campagne(dossier / "a"), campagne(dossier / "b")
    options = ["-r", "enseignants_activites_eleves=Salle informatique*,Classe mobile*"]
    r4 = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(quatre), *options)
    r3 = importer(str(FIXTURES / "grr3-rapport-cp1252.csv"), "--dans", str(trois), *options)
    assert (r4.exit_code, r3.exit_code) == (0, 0), r3.output
    assert "CSV Windows-1252, séparateur point-virgule" in r3.stdout
    valeur = reponse(trois, "enseignants_activites_eleves")
    assert valeur == reponse(quatre, "enseignants_activites_eleves")
    assert valeur == oracle_grr4(INFORMATIQUE, "Bénéficiaire (identifiant)", 45)
    sans_donnee_personnelle(r3.stdout, r3.stderr, trois.read_bytes())


def test_les_seuils_et_la_periode_se_changent_et_s_impriment(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(
        str(FIXTURES / "grr4-rapport.csv"),
        "--dans", str(chemin),
        "-r", "enseignants_activites_eleves=Salle informatique*,Classe mobile*",
        "--du", "2024-09-02", "--au", "2024-12-20", "--regulier", "25", "--minimum", "2",
    )  # fmt: skip
    assert resultat.exit_code == 0, resultat.output
    assert "période : 2024-09-02 → 2024-12-20 (14 semaines de cours)" in resultat.stdout
    assert "régulièrement = au moins 25 % des semaines de cours, occasionnellement = au moins 2 réservations" in (
        resultat.stdout
    )
    assert "ligne(s) hors de la période, ignorée(s)" in resultat.stdout
    texte = (FIXTURES / "grr4-rapport.csv").read_text(encoding="utf-8")
    lignes = [
        r
        for r in csv.DictReader(io.StringIO(texte))
        if r["Modération"] != "La demande a été refusée."
        and _date_grr(r["Début de la réservation"]) <= dt.date(2024, 12, 20)
    ]
    toutes = {_date_grr(r["Début de la réservation"]).isocalendar()[:2] for r in lignes}
    par_personne: dict[str, list] = defaultdict(list)
    for r in lignes:
        if r["Ressource"].startswith(INFORMATIQUE):
            par_personne[r["Bénéficiaire (identifiant)"]].append(_date_grr(r["Début de la réservation"]))
    vus = {p: {d.isocalendar()[:2] for d in jours} for p, jours in par_personne.items() if len(jours) >= 2}
    assert reponse(chemin, "enseignants_activites_eleves") == _repartition(vus, toutes, 45, 25)
    regle = valider_fichier(chemin).campagne.sources["enseignants_activites_eleves"].regle
    assert regle.startswith("régulièrement = des réservations au moins 4 semaines sur 14 (25 %)")


def test_semaines_imposees(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(
        str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-r", "enseignants_activites_eleves=Classe mobile",
        "--semaines", "36", "--essai",
    )  # fmt: skip
    assert resultat.exit_code == 0
    assert "(36 semaines de cours)" in resultat.stdout
    assert "au moins 18 semaines sur 36" in resultat.stdout


def test_reponse_deja_ecrite_n_est_remplacee_qu_avec_remplacer(dossier: Path):
    chemin = campagne(dossier)
    texte = chemin.read_text(encoding="utf-8").replace(
        "    enseignants_activites_eleves:\n      jamais:\n      occasionnellement:\n      regulierement:\n",
        "    enseignants_activites_eleves:\n      jamais: 5\n      occasionnellement: 30\n      regulierement: 10\n",
    )
    chemin.write_text(texte, encoding="utf-8")
    avant = chemin.read_bytes()
    arguments = [str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml")]
    refuse = importer(*arguments)
    assert refuse.exit_code == 1
    assert chemin.read_bytes() == avant
    estime = oracle_grr4(INFORMATIQUE, "Bénéficiaire (identifiant)", 45)
    attendu = (
        "« enseignants_activites_eleves » a déjà une réponse (jamais 5 / occasionnellement 30 / régulièrement 10) ; "
        f"l'estimation donne jamais {estime['jamais']} / occasionnellement {estime['occasionnellement']} / "
        f"régulièrement {estime['regulierement']} : elle ne la remplace qu'avec --remplacer (reponse-deja-ecrite)"
    )
    assert attendu in refuse.stderr
    assert "rien n'a été écrit" in refuse.stderr
    assert "5/30/10" in refuse.stdout and "enseignants_activites_eleves *" in refuse.stdout
    remplace = importer(*arguments, "--remplacer")
    assert remplace.exit_code == 0, remplace.output
    assert reponse(chemin, "enseignants_activites_eleves") == estime
    encore = importer(*arguments)
    assert encore.exit_code == 0
    assert "déjà à jour" in encore.stdout


def test_reponse_d_une_enquete_est_aussi_protegee(dossier: Path):
    """Un item rempli par « diagnum enquete importer » (répartition sur une ligne) n'est pas écrasé."""
    chemin = campagne(dossier)
    texte = chemin.read_text(encoding="utf-8").replace(
        "    enseignants_diffusion_collective:\n      jamais:\n      occasionnellement:\n      regulierement:\n",
        "    enseignants_diffusion_collective: {jamais: 3, occasionnellement: 20, regulierement: 15}\n",
    )
    chemin.write_text(texte, encoding="utf-8")
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 1
    assert "« enseignants_diffusion_collective » a déjà une réponse (jamais 3 /" in resultat.stderr
    assert chemin.read_text(encoding="utf-8") == texte


@pytest.mark.parametrize(
    ("reference", "code", "message"),
    [
        ({**REFERENCE, "enseignants": None}, "reference-vide", "le nombre de référence « enseignants » est vide"),
        ({**REFERENCE, "enseignants": 12}, "reference-trop-petite", "plus que les 12 de la campagne"),
    ],
)
def test_reference_absente_ou_trop_petite_arrete_tout(dossier: Path, reference, code, message):
    chemin = campagne(dossier, reference)
    avant = chemin.read_bytes()
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 1
    assert f"({code})" in resultat.stderr and message in resultat.stderr
    ligne = next(i for i, t in enumerate(avant.decode().splitlines(), 1) if t.startswith("  enseignants:"))
    assert f"campagne.yaml:{ligne}:3: " in resultat.stderr
    assert chemin.read_bytes() == avant
    sans_donnee_personnelle(resultat.stdout, resultat.stderr)


# --------------------------------------------------------------------------
# Mauvaises entrées : message français, ligne et colonne, rien d'écrit, aucune personne citée


MAUVAISES = [
    ("date-impossible.csv", [], "3:4", "date-illisible", "date illisible (colonne D) : « mardi 31 juin 2025 »"),
    ("sans-personne.csv", [], "4:11", "sans-personne", "réservation sans personne (colonne K)"),
    ("personne-masquee.csv", [], "2:11", "personne-masquee", "exportez le rapport avec un compte administrateur"),
    (
        "table-generique.csv",
        ["--type", "reservations", "--colonne", "personne=Professeur"],
        "1:1",
        "colonne-inconnue",
        "--colonne personne=Professeur : aucune colonne « Professeur » à la ligne 1",
    ),
    ("table-date-illisible.csv", ["--type", "reservations", "--colonne", "personne=Prof"], "3:1", "date-illisible", "« le 3 septembre »"),
    ("sans-type.csv", [], "1:1", "sorte-inconnue", "--type reservations, emploi-du-temps ou ent"),
    ("sans-type.csv", ["--type", "reservations"], "1:1", "colonne-manquante", "colonnes introuvables : ressource, date, personne"),
    ("ent-nombre-illisible.tsv", ["--type", "ent"], "3:4", "nombre-illisible", "nombre illisible (colonne D) : « beaucoup »"),
]  # fmt: skip


@pytest.mark.parametrize(("fichier", "options", "position", "code", "message"), MAUVAISES)
def test_mauvaise_entree(dossier: Path, fichier, options, position, code, message):
    chemin = campagne(dossier)
    avant = chemin.read_bytes()
    correspondance = [] if "ent" in options else ["-r", "enseignants_activites_eleves=Salle informatique*"]
    resultat = importer(str(MAUVAIS / fichier), "--dans", str(chemin), *correspondance, *options)
    assert resultat.exit_code == 1, resultat.output
    assert f"{fichier}:{position}: " in resultat.stderr
    assert f"({code})" in resultat.stderr
    assert message in resultat.stderr
    assert "rien n'a été écrit" in resultat.stderr
    assert chemin.read_bytes() == avant
    sans_donnee_personnelle(resultat.stdout, resultat.stderr)


def test_table_quelconque_en_nommant_ses_colonnes(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(
        str(MAUVAIS / "table-generique.csv"), "--dans", str(chemin), "--type", "reservations",
        "--colonne", "personne=Prof", "--colonne", "ressource=Salle",
        "-r", "enseignants_activites_eleves=salle informatique", "-r", "divisions_usage_en_classe=salle informatique",
    )  # fmt: skip
    assert resultat.exit_code == 0, resultat.output
    assert "planning de réservation ; période : 2024-09-02 → 2024-09-03 (1 semaine de cours)" in resultat.stdout
    assert reponse(chemin, "enseignants_activites_eleves") == {"jamais": 43, "occasionnellement": 0, "regulierement": 2}
    assert reponse(chemin, "divisions_usage_en_classe") == {"jamais": 18, "occasionnellement": 0, "regulierement": 2}


def test_periode_vide(dossier: Path):
    chemin = campagne(dossier)
    avant = chemin.read_bytes()
    resultat = importer(
        str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"),
        "--du", "2025-07-01", "--au", "2025-08-31",
    )  # fmt: skip
    assert resultat.exit_code == 1
    assert "grr4-rapport.csv:1:1: période vide : aucune réservation du 2025-07-01 au 2025-08-31" in resultat.stderr
    assert chemin.read_bytes() == avant


@pytest.mark.parametrize(
    ("texte", "position", "code"),
    [
        ("salles_tni: [Salle*]\n", "1:1", "item-non-estimable"),
        ("enseignants_activites_eleves: [Salle*]\nfamilles_services_numeriques: ENT\n", "2:1", "item-non-estimable"),
        ("enseignants_activites_eleves:\n", "1:1", "motif-vide"),
        ("enseignants_activites_eleves: [Salle*\n", "1:31", "syntaxe"),
    ],
)
def test_mauvaise_correspondance(dossier: Path, texte, position, code):
    chemin = campagne(dossier)
    (dossier / "mauvaise.yaml").write_text(texte, encoding="utf-8")
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "mauvaise.yaml"))
    assert resultat.exit_code == 1
    assert f"mauvaise.yaml:{position}" in resultat.stderr
    assert f"({code})" in resultat.stderr


def test_sans_correspondance_on_dit_quoi_faire(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin))
    assert resultat.exit_code == 1
    assert "dites quelles ressources comptent pour quels items" in resultat.stderr


# --------------------------------------------------------------------------
# Emploi du temps


def test_emploi_du_temps(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(
        str(FIXTURES / "emploi-du-temps.csv"), "--dans", str(chemin), "--type", "emploi-du-temps",
        "-r", "enseignants_activites_eleves=Salle informatique*", "-r", "divisions_usage_en_classe=Salle informatique*",
    )  # fmt: skip
    assert resultat.exit_code == 0, resultat.output
    assert "période : semaine type de l'emploi du temps" in resultat.stdout
    assert "Règle : un cours chaque semaine dans une salle retenue = régulièrement" in resultat.stdout
    # L'oracle : les classes et enseignants qui ont un cours en salle informatique.
    rangees = list(
        csv.DictReader(io.StringIO(outils_sources._csv(outils_sources.emploi_du_temps(), ";")), delimiter=";")
    )
    classes = {r["Classe"] for r in rangees if r["Salle"].startswith("Salle informatique")}
    profs = {r["Enseignant"] for r in rangees if r["Salle"].startswith("Salle informatique")}
    assert len(classes) == 7
    assert reponse(chemin, "divisions_usage_en_classe") == {
        "jamais": 20 - len(classes),
        "occasionnellement": 0,
        "regulierement": len(classes),
    }
    assert reponse(chemin, "enseignants_activites_eleves")["regulierement"] == len(profs)
    # Deux à quatre cours par salle informatique : un petit effectif s'affiche « moins de 5 ».
    ligne = next(t for t in resultat.stdout.splitlines() if "Salle informatique B12" in t)
    assert "moins de 5" in ligne
    sans_donnee_personnelle(resultat.stdout, resultat.stderr, chemin.read_bytes())


def test_emploi_du_temps_en_classeur_xlsx_et_ods(dossier: Path):
    rangees = outils_sources.emploi_du_temps()
    options = ["--type", "emploi-du-temps", "-r", "divisions_usage_en_classe=Salle informatique*"]
    valeurs = []
    for nom, contenu in (("edt.xlsx", outils_enquetes.xlsx(rangees)), ("edt.ods", outils_enquetes.ods(rangees))):
        (dossier / nom).write_bytes(contenu)
        sous = dossier / nom.replace(".", "-")
        sous.mkdir()
        chemin = campagne(sous)
        resultat = importer(str(dossier / nom), "--dans", str(chemin), *options)
        assert resultat.exit_code == 0, resultat.output
        valeurs.append(reponse(chemin, "divisions_usage_en_classe"))
    assert valeurs[0] == valeurs[1] == {"jamais": 13, "occasionnellement": 0, "regulierement": 7}


# --------------------------------------------------------------------------
# Statistiques de l'ENT


def oracle_ent(profil: str, service: str | None = None) -> tuple[int, int, int]:
    """(vus, occasionnellement, régulièrement) recalculés des lignes de l'ENT."""
    rangees = outils_sources.ent()
    lignes = [dict(zip(rangees[0], r, strict=True)) for r in rangees[1:]]
    mois_actifs = {r["Mois"] for r in lignes if int(r["Connexions"]) > 0}
    par_compte: dict[str, set] = defaultdict(set)
    for r in lignes:
        if r["Profil"] == profil and (service is None or r["Service"] == service) and int(r["Connexions"]) > 0:
            par_compte[r["Identifiant"]].add(r["Mois"])
    seuil = math.ceil(len(mois_actifs) / 2)
    regulier = sum(1 for m in par_compte.values() if len(m) >= seuil)
    return len(par_compte), len(par_compte) - regulier, regulier


def test_ent(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(str(FIXTURES / "ent-statistiques.tsv"), "--dans", str(chemin), "--type", "ent")
    assert resultat.exit_code == 0, resultat.output
    assert "CSV UTF-8 avec BOM, séparateur tabulation" in resultat.stdout
    assert "période : 2024-09-01 → 2025-06-30 (10 mois d'activité)" in resultat.stdout
    assert "Personnel administratif" in resultat.stdout and "non comptée" in resultat.stdout
    vus, occasionnel, regulier = oracle_ent("Parent")
    assert reponse(chemin, "familles_services_numeriques") == {
        "jamais": 400 - vus,
        "occasionnellement": occasionnel,
        "regulierement": regulier,
    }
    vus, occasionnel, regulier = oracle_ent("Enseignant")
    assert reponse(chemin, "enseignants_travaux_hors_classe") == {
        "jamais": 45 - vus,
        "occasionnellement": occasionnel,
        "regulierement": regulier,
    }
    assert reponse(chemin, "eleves_cahier_textes") == oracle_ent("Élève", "Cahier de textes")[0]
    sans_donnee_personnelle(resultat.stdout, resultat.stderr, chemin.read_bytes())


def test_ent_sans_mois_demande_la_periode(dossier: Path):
    chemin = campagne(dossier)
    (dossier / "ent.csv").write_text(
        "Profil;Identifiant;Connexions\nEnseignant;sdupont;40\nEnseignant;rlegrand;3\nParent;p1;1\n", encoding="utf-8"
    )
    sans = importer(str(dossier / "ent.csv"), "--dans", str(chemin), "--type", "ent")
    assert sans.exit_code == 1
    assert "ent.csv:1:1: l'export n'a pas de colonne de mois : donnez la période" in sans.stderr
    avec = importer(
        str(dossier / "ent.csv"), "--dans", str(chemin), "--type", "ent", "--du", "2024-09-02", "--au", "2025-06-27"
    )
    assert avec.exit_code == 0, avec.output
    assert "au moins 22 connexions sur 43 semaines" in avec.stdout
    assert reponse(chemin, "enseignants_travaux_hors_classe") == {
        "jamais": 43,
        "occasionnellement": 1,
        "regulierement": 1,
    }
    assert "« eleves_cahier_textes » n'est pas estimé" in avec.stderr
    sans_donnee_personnelle(avec.stdout, avec.stderr, chemin.read_bytes())


# --------------------------------------------------------------------------
# Le rapport dit que la réponse est une estimation, et d'où elle vient


def test_le_rapport_montre_l_estimation(dossier: Path):
    chemin = campagne(dossier)
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 0
    rapport = runner.invoke(
        app, ["rapport", str(chemin), "-o", str(dossier / "r"), "--format", "md", "--format", "html"]
    )
    assert rapport.exit_code == 0, rapport.output
    md = (dossier / "r" / "rapport.md").read_text(encoding="utf-8")
    phrase = (
        "Estimé d'après le planning de réservation GRR (grr4-rapport.csv), du 02/09/2024 au 27/06/2025 "
        "(régulièrement = des réservations au moins 18 semaines sur 35 (50 %), occasionnellement = au moins "
        "1 réservation) : « Nombre d’enseignants impliquant leurs élèves dans des activités numériques »"
    )
    assert phrase in md
    estime = oracle_grr4(INFORMATIQUE, "Bénéficiaire (identifiant)", 45)
    cellule = (
        f"| jamais {estime['jamais']}, occasionnellement {estime['occasionnellement']}, régulièrement "
        f"{estime['regulierement']} (estimation : planning de réservation GRR) |"
    )
    assert cellule in md
    html = (dossier / "r" / "rapport.html").read_text(encoding="utf-8")
    assert re.search(
        r"<p class=\"estimation\">Estimé d(&#39;|')après le planning de réservation GRR \(grr4-rapport.csv\), du "
        r"02/09/2024 au 27/06/2025 \(régulièrement = des réservations au moins 18 semaines sur 35 \(50 %\)",
        html,
    )
    assert "(estimation : planning de réservation GRR)</td>" in html
    sans_donnee_personnelle(md, html)


# --------------------------------------------------------------------------
# Le cœur : dates, motifs, référentiel


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_lire_date_sous_toutes_ses_formes(jour: dt.date):
    assert lire_date(outils_sources.date_grr(jour)) == jour
    assert lire_date(f"Créneau 3, {outils_sources.date_grr(jour)}") == jour
    assert lire_date(jour.isoformat()) == jour
    assert lire_date(f"{jour.isoformat()} 08:00:00") == jour
    assert lire_date(jour.strftime("%d/%m/%Y")) == jour
    assert lire_mois(f"{jour.year}-{jour.month:02d}") == (jour.year, jour.month)
    assert lire_mois(f"{jour.month:02d}/{jour.year}") == (jour.year, jour.month)


@pytest.mark.parametrize("texte", ["", "demain", "31/06/2025", "mardi 31 juin 2025", "2025-13-01", "12:00:00"])
def test_lire_date_refuse(texte: str):
    assert lire_date(texte) is None


def test_motifs_de_ressources():
    table = Correspondance({"a": ["Salle info*", "classe mobile"], "b": ["?alle de visio*"]})
    assert table.items_de("SALLE INFORMATIQUE B12") == ("a",)
    assert table.items_de("Classe mobile n° 2 (tablettes)") == ("a",)
    assert table.items_de("Salle de visioconférence") == ("b",)
    assert table.items_de("Salle 104") == ()


@pytest.mark.parametrize(
    ("avant", "apres", "message"),
    [
        ("sources: [ent]", "sources: [minitel]", "sorte d'export « minitel » inconnue"),
        ("sources: [ent]", "sources: [{mesure: reservations, service: x}]", "seul un export de l'ENT distingue"),
        ("  - mesure: ent\n", "  - mesure: emploi_du_temps\n", "« emploi_du_temps » ne compte pas « eleves »"),
        ("  personne: enseignants", "  personne: salles_tni", "« salles_tni » n'est pas un élément de référence"),
    ],
)
def test_le_referentiel_verifie_ses_sources(avant, apres, message):
    texte = (RACINE / "referentiel" / "2011.yaml").read_text(encoding="utf-8")
    assert avant in texte
    with pytest.raises(ErreurReferentiel) as exc:
        construire_referentiel(texte.replace(avant, apres, 1).encode("utf-8"), "r.yaml")
    assert message in exc.value.message


def test_aucune_personne_dans_un_export_copie_ailleurs(tmp_path: Path):
    """Le nom de l'export figure dans la campagne, pas son chemin ni rien de son contenu."""
    copie = tmp_path / "export GRR 2024.csv"
    shutil.copy(FIXTURES / "grr4-rapport.csv", copie)
    chemin = campagne(tmp_path)
    resultat = importer(str(copie), "--dans", str(chemin), "-r", "enseignants_activites_eleves=Classe mobile*")
    assert resultat.exit_code == 0
    texte = chemin.read_text(encoding="utf-8")
    assert 'fichier: "export GRR 2024.csv"' in texte
    assert str(tmp_path) not in texte
    sans_donnee_personnelle(texte, resultat.stdout)


def test_une_reponse_sur_une_ligne_remplacee_garde_sa_forme_et_prend_le_commentaire(dossier: Path):
    chemin = campagne(dossier)
    texte = chemin.read_text(encoding="utf-8").replace(
        "    enseignants_diffusion_collective:\n      jamais:\n      occasionnellement:\n      regulierement:\n",
        "    enseignants_diffusion_collective: {jamais: 3, occasionnellement: 20, regulierement: 15}  # enquête\n",
    )
    chemin.write_text(texte, encoding="utf-8")
    resultat = importer(
        str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "--remplacer",
        "-r", "enseignants_diffusion_collective=Vidéoprojecteur*,Salle de visio*",
    )  # fmt: skip
    assert resultat.exit_code == 0, resultat.output
    estime = oracle_grr4(DIFFUSION, "Bénéficiaire (identifiant)", 45)
    ligne = next(t for t in chemin.read_text(encoding="utf-8").splitlines() if "enseignants_diffusion_collective:" in t)
    assert ligne.startswith(
        f"    enseignants_diffusion_collective: {{jamais: {estime['jamais']}, occasionnellement: "
        f"{estime['occasionnellement']}, regulierement: {estime['regulierement']}}}  # estimé d'après le planning"
    )
    assert reponse(chemin, "enseignants_diffusion_collective") == estime
    # Le reste du fichier n'a pas bougé : seules la ligne de l'item et la partie « sources: » diffèrent.
    avant, apres = texte.splitlines(), chemin.read_text(encoding="utf-8").splitlines()
    assert [a for a, b in zip(avant, apres, strict=False) if a != b] == [
        next(t for t in avant if "enseignants_diffusion_collective:" in t)
    ]


@pytest.mark.parametrize(
    "nom", ["export #1: GRR.csv", 'réservations "2024".csv', "ligne\nsuivante.csv", "\x1b[31mrouge.csv"]
)
def test_un_nom_de_fichier_hostile_reste_sur_sa_ligne(tmp_path: Path, nom: str):
    copie = tmp_path / nom
    shutil.copy(FIXTURES / "grr4-rapport.csv", copie)
    chemin = campagne(tmp_path)
    resultat = importer(str(copie), "--dans", str(chemin), "-r", "enseignants_activites_eleves=Classe mobile*")
    assert resultat.exit_code == 0, resultat.output
    assert "\x1b" not in resultat.stdout
    campagne_lue = valider_fichier(chemin)
    assert not campagne_lue.a_des_erreurs, [str(d) for d in campagne_lue.diagnostics if d.est_erreur]
    assert campagne_lue.campagne.sources["enseignants_activites_eleves"].fichier == nom
    commentaire = next(
        t for t in chemin.read_text(encoding="utf-8").splitlines() if t.startswith("    enseignants_activites_eleves:")
    )
    assert "estimé d'après le planning de réservation GRR" in commentaire


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZéèàç'- ", min_size=3, max_size=12),
            st.sampled_from(["Salle informatique 1", "Classe mobile", "Minibus"]),
            st.dates(min_value=dt.date(2024, 9, 2), max_value=dt.date(2025, 6, 27)),
        ),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_aucun_nom_ne_sort_quel_qu_il_soit(tmp_path_factory, reservations):
    """Des noms quelconques (préfixés pour être reconnaissables) ne sortent jamais ; l'oracle compte pareil."""
    dossier = tmp_path_factory.mktemp("h")
    lignes = ["Ressource;Date;Enseignant"]
    lignes += [f"{ressource};{jour.strftime('%d/%m/%Y')};QQ{nom}QQ" for nom, ressource, jour in reservations]
    (dossier / "export.csv").write_text("\n".join(lignes) + "\n", encoding="cp1252")
    chemin = campagne(dossier)
    resultat = importer(
        str(dossier / "export.csv"), "--dans", str(chemin), "--type", "reservations",
        "-r", "enseignants_activites_eleves=Salle informatique*,Classe mobile*",
    )  # fmt: skip
    sortie = resultat.stdout + resultat.stderr + chemin.read_text(encoding="utf-8")
    assert "QQ" not in sortie
    toutes = {jour.isocalendar()[:2] for _, _, jour in reservations}
    par_personne: dict[str, set] = defaultdict(set)
    for nom, ressource, jour in reservations:
        if ressource != "Minibus":
            par_personne[f"QQ{nom}QQ".strip()].add(jour.isocalendar()[:2])
    if len(par_personne) > 45:
        assert resultat.exit_code == 1
        return
    assert resultat.exit_code == 0, resultat.output
    assert reponse(chemin, "enseignants_activites_eleves") == _repartition(par_personne, toutes, 45)


def test_deux_sources_l_une_apres_l_autre_dans_une_campagne_en_crlf(dossier: Path):
    """Le planning, puis l'ENT : la partie « sources: » reçoit les items du second import à la suite, les fins
    de ligne Windows de la campagne sont gardées, et la campagne reste valide."""
    chemin = campagne(dossier)
    chemin.write_bytes(chemin.read_bytes().replace(b"\n", b"\r\n"))
    premier = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    second = importer(str(FIXTURES / "ent-statistiques.tsv"), "--dans", str(chemin), "--type", "ent")
    assert (premier.exit_code, second.exit_code) == (0, 0), second.output
    contenu = chemin.read_bytes()
    assert contenu.count(b"\n") == contenu.count(b"\r\n")
    assert contenu.count(b"\nsources:") == 1
    estimations = valider_fichier(chemin).campagne.sources
    assert sorted(estimations) == sorted(
        [
            "enseignants_activites_eleves",
            "divisions_usage_en_classe",
            "enseignants_diffusion_collective",
            "enseignants_travaux_hors_classe",
            "eleves_cahier_textes",
            "familles_services_numeriques",
        ]
    )
    assert estimations["familles_services_numeriques"].outil == "statistiques de l'ENT"
    assert (estimations["familles_services_numeriques"].debut, estimations["familles_services_numeriques"].fin) == (
        dt.date(2024, 9, 1),
        dt.date(2025, 6, 30),
    )
    assert reponse(chemin, "enseignants_activites_eleves") == oracle_grr4(
        INFORMATIQUE, "Bénéficiaire (identifiant)", 45
    )


def test_le_bouton_excel_de_grr_donne_la_meme_estimation_que_son_csv(dossier: Path):
    """Le bouton « Excel » du rapport de GRR 4 : les mêmes cellules dans un classeur XLSX (lu par calamine)."""
    rangees = list(csv.reader(io.StringIO((FIXTURES / "grr4-rapport.csv").read_text(encoding="utf-8"))))
    (dossier / "grr.xlsx").write_bytes(outils_enquetes.xlsx(rangees, feuille="GRR"))
    chemin = campagne(dossier)
    resultat = importer(str(dossier / "grr.xlsx"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 0, resultat.output
    assert "classeur XLSX, première feuille « GRR »" in resultat.stdout
    assert reponse(chemin, "divisions_usage_en_classe") == oracle_grr4(INFORMATIQUE, "Classe", 20)
    assert reponse(chemin, "enseignants_diffusion_collective") == oracle_grr4(
        DIFFUSION, "Bénéficiaire (identifiant)", 45
    )
    sans_donnee_personnelle(resultat.stdout, resultat.stderr, chemin.read_bytes())


def test_une_campagne_enregistree_pendant_l_import_n_est_pas_ecrasee(dossier: Path, monkeypatch):
    from diagnum.sources import importation

    chemin = campagne(dossier)
    vraie = importation.preparer_estimation

    def puis_quelqu_un_enregistre(*args, **kwargs):
        bilan = vraie(*args, **kwargs)
        chemin.write_text(chemin.read_text(encoding="utf-8") + "# ajouté dans l'éditeur\n", encoding="utf-8")
        return bilan

    monkeypatch.setattr(importation, "preparer_estimation", puis_quelqu_un_enregistre)
    resultat = importer(str(FIXTURES / "grr4-rapport.csv"), "--dans", str(chemin), "-c", str(dossier / "corr.yaml"))
    assert resultat.exit_code == 1, resultat.output
    assert chemin.read_text(encoding="utf-8").endswith("# ajouté dans l'éditeur\n")
    assert "estimé d'après" not in chemin.read_text(encoding="utf-8")
