"""``diagnum communiquer`` : tout ou partie des progrès, pour chaque public (référentiel, § 2.1).

Rien n'est montré qui n'a pas été choisi dans le bloc ``communication:`` de la
campagne (ni restreint par les options) ; sans choix, rien n'est écrit et la
commande dit quoi choisir ; les familles lisent un texte sans score ; un
effectif de moins de 5 s'écrit « moins de 5 » ; le document pour l'académie et
le résumé pour le conseil d'administration disent les mêmes chiffres ; chaque
PDF est lu (texte hors page, titres en bas de page, balises PDF/UA) et chaque
page HTML est ouverte dans Chromium, à 320 px de large et 200 % de zoom.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.communication import PARTIES, PUBLICS
from diagnum.campagne.modele import ChoixCommunication, Enquete
from navigateur import ouvrir, weasyprint_requis
from outils_pdf import campagne_stress, verifier_pdf
from outils_rapports import APRES, AVANT, diagnum
from test_pdf import infos

#: L'identifiant de section (``<section aria-labelledby>``) de chaque partie dans la page HTML.
SECTIONS = {
    "radar": "progres",
    "scores": "domaines",
    "points_forts": "points-forts",
    "obligations": "obligations",
    "objectifs": "objectifs",
    "commentaires": "commentaires",
}


class Page(HTMLParser):
    """Les sections d'une page, ses images, son texte visible (sans la feuille de style)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.images: list[str] = []
        self.textes: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "section":
            self.sections.append(attributs.get("aria-labelledby") or "")
        elif tag == "img":
            self.images.append(attributs.get("alt") or "")
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style:
            self.textes.append(data)

    @property
    def texte(self) -> str:
        return " ".join(" ".join(self.textes).replace("\xa0", " ").split())


def lire(chemin: Path) -> Page:
    page = Page()
    page.feed(chemin.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """Le document de chaque public, en Markdown, HTML et PDF, d'après l'exemple et sa campagne précédente."""
    weasyprint_requis()
    dossier = tmp_path_factory.mktemp("communiquer")
    for public in PUBLICS:
        resultat = diagnum("communiquer", APRES, AVANT, "--public", public, "-o", dossier, "--format", "tout")
        assert resultat.exit_code == 0, resultat.output
        assert resultat.stderr == ""
        assert resultat.stdout.startswith(f"{dossier / f'communication-{public}.md'}, ")
        assert f"document pour « {public} » écrit" in resultat.stdout
    return dossier


def choix_exemple() -> dict[str, ChoixCommunication]:
    return charger_campagne(APRES)[0].communication


def test_l_exemple_choisit_pour_chaque_public():
    assert set(choix_exemple()) == set(PUBLICS)


@pytest.mark.parametrize("public", list(PUBLICS))
def test_rien_n_est_montre_qui_n_a_pas_ete_choisi(documents, public):
    choix = choix_exemple()[public]
    page = lire(documents / f"communication-{public}.html")
    assert page.sections == [SECTIONS[p] for p in PARTIES if p in choix.parties]
    assert bool(page.images) == ("radar" in choix.parties)
    markdown = (documents / f"communication-{public}.md").read_text(encoding="utf-8")
    campagne = charger_campagne(APRES)[0]
    premiere_ligne = campagne.commentaires.splitlines()[0]
    assert (premiere_ligne in page.texte) == ("commentaires" in choix.parties)
    assert (premiere_ligne in markdown) == ("commentaires" in choix.parties)
    assert ("![" in markdown) == ("radar" in choix.parties)
    fichiers = sorted(p.name for p in documents.glob(f"*-{public}.*"))
    attendus = [f"communication-{public}.{f}" for f in ("html", "md", "pdf")]
    assert fichiers == sorted([*attendus, *([f"progres-{public}.svg"] if "radar" in choix.parties else [])])


@pytest.mark.parametrize("public", list(PUBLICS))
def test_nom_date_et_ce_qu_est_le_referentiel(documents, public):
    campagne = charger_campagne(APRES)[0]
    for texte in (
        lire(documents / f"communication-{public}.html").texte,
        (documents / f"communication-{public}.md").read_text(encoding="utf-8"),
    ):
        assert campagne.etablissement.nom in texte
        assert campagne.date.strftime("%d/%m/%Y") in texte
        assert "ne fixe pas d'objectifs" in texte


@pytest.mark.parametrize("public", ["familles", "grand-public"])
def test_aux_familles_et_au_grand_public_aucun_vocabulaire_de_score(documents, public):
    texte = lire(documents / f"communication-{public}.html").texte.lower()
    for jargon in ("score", "/ 100", "sur 100", "complétude", "provisoire", "moyens", "points depuis"):
        assert jargon not in texte, jargon


def test_les_scores_des_familles_sont_en_mots():
    from diagnum.rapports.communication import contenu_communication

    campagne, referentiel = charger_campagne(APRES)
    avant = charger_campagne(AVANT)[0]
    document = contenu_communication(
        campagne, referentiel, "familles", ChoixCommunication(("scores",)), avant=avant, dessiner=False
    )
    assert document.simple and len(document.domaines) == len(referentiel.domaines)
    for ligne in document.domaines:
        assert ligne.score in ("un point fort", "en bonne voie", "à développer", "pas encore évalué")
        assert ligne.evolution in ("en progrès", "en recul", "stable")
        assert not re.search(r"\d", ligne.score + ligne.evolution)


@pytest.mark.parametrize(("repondants", "attendu"), [(0, "moins de 5"), (4, "moins de 5"), (5, "5 "), (38, "38 ")])
def test_un_effectif_de_moins_de_5_n_est_pas_ecrit(repondants, attendu):
    from diagnum.rapports.communication import contenu_communication

    campagne, referentiel = charger_campagne(APRES)
    campagne = dataclasses.replace(campagne, enquetes={"enseignants": Enquete(repondants)})
    document = contenu_communication(
        campagne, referentiel, "personnels", ChoixCommunication(("scores",)), dessiner=False
    )
    assert len(document.participation) == 1
    phrase = document.participation[0]
    assert phrase.startswith(attendu)
    if repondants < 5:
        assert str(repondants) not in phrase


def _scores_par_domaine(page: str) -> dict[str, str]:
    """Dans une page HTML : le texte de la première cellule de chaque ligne dont l'en-tête est un domaine."""
    scores = {}
    for th, td in re.findall(r'<th scope="row">([^<]+)</th><td class="nombre">([^<]+)</td>', page):
        scores[" ".join(th.split())] = " ".join(td.replace("\xa0", " ").replace("&nbsp;", " ").split())
    return scores


def test_academie_et_resume_disent_les_memes_chiffres(tmp_path):
    """Chaque chiffre que montrent à la fois le résumé (rapport --resume) et le document pour l'académie."""
    assert diagnum("rapport", APRES, "-o", tmp_path / "r", "--resume", "--format", "html").exit_code == 0
    assert (
        diagnum("communiquer", APRES, "--public", "academie", "-o", tmp_path / "c", "--format", "html").exit_code == 0
    )
    resume = (tmp_path / "r" / "resume.html").read_text(encoding="utf-8")
    academie = (tmp_path / "c" / "communication-academie.html").read_text(encoding="utf-8")
    de_resume, d_academie = _scores_par_domaine(resume), _scores_par_domaine(academie)
    communs = set(de_resume) & set(d_academie)
    _, referentiel = charger_campagne(APRES)
    assert len(communs) == len(referentiel.domaines), (de_resume, d_academie)
    for domaine in communs:
        assert de_resume[domaine] == d_academie[domaine], domaine
    # Les points forts et les cibles des objectifs : chaque « N / 100 » de l'un se retrouve dans l'autre.
    nombres = re.compile(r"\d+,\d / 100")
    texte_resume = lire_texte(resume)
    for nombre in nombres.findall(lire_texte(academie)):
        assert nombre in texte_resume, nombre


def lire_texte(page: str) -> str:
    lecture = Page()
    lecture.feed(page)
    return lecture.texte


def test_sans_choix_rien_n_est_ecrit_et_la_commande_dit_quoi_choisir(tmp_path):
    sans = tmp_path / "sans.yaml"
    sans.write_text(AVANT.read_text(encoding="utf-8"), encoding="utf-8")
    resultat = diagnum("communiquer", sans, "--public", "familles", "-o", tmp_path / "sortie")
    assert resultat.exit_code == 1
    assert "rien n'est choisi pour le public « familles »" in resultat.stderr
    assert "rien n'a été écrit" in resultat.stderr
    for partie in PARTIES:
        assert f"  {partie} : " in resultat.stdout
    assert "    familles:\n      parties: [points_forts, objectifs]" in resultat.stdout
    assert not (tmp_path / "sortie").exists()


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (["--public", "parents"], 2, "public « parents » inconnu"),
        (["--public", "familles", "--partie", "scores"], 2, "pas dans ce que la campagne choisit"),
        (["--public", "familles", "--partie", "note"], 2, "partie « note » inconnue"),
        (["--public", "familles", "--sans", "points_forts", "--sans", "objectifs"], 2, "rien à communiquer"),
        (["--public", "collectivite", "--domaine", "pilotage"], 2, "pas dans les domaines choisis"),
    ],
)
def test_une_option_ne_peut_qu_en_montrer_moins(tmp_path, options, code, message):
    resultat = diagnum("communiquer", APRES, *options, "-o", tmp_path / "sortie")
    assert resultat.exit_code == code
    assert message in resultat.stderr
    assert resultat.stdout == ""
    assert not (tmp_path / "sortie").exists()


def test_les_options_restreignent_le_choix(tmp_path):
    resultat = diagnum(
        "communiquer",
        APRES,
        "--public",
        "collectivite",
        "--domaine",
        "eleves_en_classe",
        "-o",
        tmp_path,
        "--format",
        "html",
    )
    assert resultat.exit_code == 0, resultat.output
    page = lire(tmp_path / "communication-collectivite.html")
    assert page.sections == ["domaines", "objectifs"]
    assert "Les élèves en classe" in page.texte and "Assistance technique" not in page.texte.split("Nos objectifs")[0]
    resultat = diagnum(
        "communiquer", APRES, "--public", "personnels", "--partie", "points_forts", "-o", tmp_path, "--format", "md"
    )
    assert resultat.exit_code == 0, resultat.output
    texte = (tmp_path / "communication-personnels.md").read_text(encoding="utf-8")
    assert "## Nos points forts" in texte and texte.count("\n## ") == 1
    resultat = diagnum("communiquer", APRES, "--public", "personnels", "--partie", "points_forts", "-o", tmp_path)
    assert resultat.exit_code == 1 and "existe déjà" in resultat.stderr, "jamais d'écrasement sans --force"


@pytest.mark.parametrize("public", list(PUBLICS))
def test_pdf_d_une_ou_deux_pages_sans_defaut(documents, public):
    chemin = documents / f"communication-{public}.pdf"
    assert int(infos(chemin)["Pages"]) <= 2
    verifier_pdf(chemin)


@pytest.mark.parametrize("public", list(PUBLICS))
def test_campagne_stress_rien_hors_de_la_page(tmp_path_factory, public):
    """Chaque texte libre à sa longueur maximale, chaque partie choisie : le document s'allonge mais rien
    ne sort de la page, aucun titre n'est laissé en bas, et le PDF reste balisé."""
    weasyprint_requis()
    dossier = tmp_path_factory.mktemp("stress")
    avant = campagne_stress(AVANT, dossier / "avant.yaml")
    stress = campagne_stress(APRES, dossier / "stress.yaml")
    resultat = diagnum("communiquer", stress, avant, "--public", public, "-o", dossier / "s", "--format", "pdf")
    assert resultat.exit_code == 0, resultat.output
    verifier_pdf(dossier / "s" / f"communication-{public}.pdf")


@pytest.mark.parametrize("public", list(PUBLICS))
def test_page_html_autonome_a_320_px_et_200_pour_cent(documents, public):
    page = documents / f"communication-{public}.html"
    visite = ouvrir(page, largeur=640, hauteur=1200)
    adresse = page.resolve().as_uri()
    assert [r for r in visite.requetes if r != adresse and not r.startswith("data:")] == []
    assert visite.erreurs == []
    assert visite.langue == "fr" and visite.titre
    assert visite.largeur_fenetre_zoom <= 320
    assert visite.largeur_zoom <= visite.largeur_fenetre_zoom, "à 320 px et 200 %, aucun défilement horizontal"
