"""Les rapports PDF, lus par poppler (pdfinfo, pdftotext, pdffonts) comme par une personne.

Le résumé pour le conseil d'administration tient sur deux pages A4 pour chaque
exemple ; le nom de l'établissement et les sept domaines y sont ; titre, langue,
polices incorporées, numéros de page et en-tête courant sont là. Sans WeasyPrint
ou sans poppler-utils, ces tests sont sautés sur un poste, mais échouent en CI.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnum.campagne.chargement import charger_campagne
from navigateur import outil_requis, weasyprint_requis
from outils_pdf import balisage, campagne_stress, fins_de_page_orphelines, hors_page, signets, verifier_pdf
from outils_rapports import APRES, AVANT, EXEMPLES, PLUS_ANCIENNE, RACINE, diagnum, png_minuscule
from test_html import campagne_libre, textes_libres


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    weasyprint_requis()
    outil_requis("pdfinfo", "poppler-utils")
    dossier = tmp_path_factory.mktemp("pdf")
    chemins = {}
    for exemple in EXEMPLES:
        for resume in (False, True):
            cible = dossier / exemple.stem
            resultat = diagnum("rapport", exemple, "-o", cible, "--format", "pdf", *(["--resume"] if resume else []))
            assert resultat.exit_code == 0, resultat.output
            assert resultat.stderr == ""
            chemins[f"{exemple.stem}{'-resume' if resume else ''}"] = cible / (
                "resume.pdf" if resume else "rapport.pdf"
            )
    assert diagnum("compare", AVANT, APRES, "-o", dossier / "p", "--format", "pdf").exit_code == 0
    chemins["progression"] = dossier / "p" / "progression.pdf"
    assert diagnum("evolution", PLUS_ANCIENNE, AVANT, APRES, "-o", dossier / "e", "--format", "pdf").exit_code == 0
    chemins["evolution"] = dossier / "e" / "evolution.pdf"
    # La campagne « stress » : chaque texte libre à sa longueur maximale, les mots les plus longs.
    stress_avant = campagne_stress(AVANT, dossier / "stress-avant.yaml")
    stress = campagne_stress(APRES, dossier / "stress.yaml")
    assert diagnum("valider", stress).exit_code == 0, "la campagne stress est valide"
    for nom, arguments, fichier in (
        ("stress", ("rapport", stress, "-o", dossier / "s"), "s/rapport.pdf"),
        ("stress-resume", ("rapport", stress, "-o", dossier / "sr", "--resume"), "sr/resume.pdf"),
        ("stress-progression", ("compare", stress_avant, stress, "-o", dossier / "sp"), "sp/progression.pdf"),
        ("stress-evolution", ("evolution", stress_avant, stress, "-o", dossier / "se"), "se/evolution.pdf"),
    ):
        resultat = diagnum(*arguments, "--format", "pdf")
        assert resultat.exit_code == 0, resultat.output
        chemins[nom] = dossier / fichier
    territoire = RACINE / "tests" / "fixtures" / "territoire" / "bons"
    resultat = diagnum("synthese", territoire, "-o", dossier / "t", "--format", "pdf", "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    chemins["synthese"] = dossier / "t" / "synthese.pdf"
    resultat = diagnum("enquete", "questionnaire", "enseignants", "-o", dossier / "q", "--pdf")
    assert resultat.exit_code == 0, resultat.output
    chemins["questionnaire"] = dossier / "q" / "enseignants.pdf"
    return chemins


def infos(chemin: Path) -> dict[str, str]:
    sortie = subprocess.run(
        [outil_requis("pdfinfo", "poppler-utils"), str(chemin)], capture_output=True, text=True, check=True
    ).stdout
    return {cle.strip(): valeur.strip() for cle, _, valeur in (ligne.partition(":") for ligne in sortie.splitlines())}


def texte(chemin: Path, premiere: int = 1, derniere: int | None = None) -> str:
    commande = [outil_requis("pdftotext", "poppler-utils"), "-f", str(premiere)]
    if derniere is not None:
        commande += ["-l", str(derniere)]
    sortie = subprocess.run([*commande, str(chemin), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(sortie.split())


def langue(chemin: Path) -> str | None:
    """La langue du catalogue du PDF (/Lang), cherchée aussi dans les flux compressés."""
    donnees = chemin.read_bytes()
    morceaux = [donnees]
    for flux in re.finditer(rb"stream\r?\n(.*?)endstream", donnees, re.S):
        try:
            morceaux.append(zlib.decompress(flux.group(1)))
        except zlib.error:
            continue
    for morceau in morceaux:
        trouve = re.search(rb"/Lang\s*\(([^)]*)\)", morceau)
        if trouve:
            return trouve.group(1).decode()
    return None


NOMS = [e.stem for e in EXEMPLES]


@pytest.mark.parametrize("nom", NOMS)
def test_le_resume_tient_sur_deux_pages_a4(pdfs, nom):
    resume = infos(pdfs[f"{nom}-resume"])
    assert int(resume["Pages"]) <= 2
    assert "(A4)" in resume["Page size"]
    complet = infos(pdfs[nom])
    assert int(complet["Pages"]) > 2
    # Dans le rapport complet aussi, le résumé occupe les deux premières pages et le rapport commence à la troisième.
    assert "Résumé pour le conseil d'administration" in texte(pdfs[nom], 1, 1)
    assert "Le chef d'établissement (nom et signature)" in texte(pdfs[nom], 2, 2)
    assert "Identification" in texte(pdfs[nom], 3, 3)
    assert "Identification" not in texte(pdfs[nom], 1, 2)


def test_progression_et_evolution_commencent_par_le_resume(pdfs):
    progression = pdfs["progression"]
    assert "Résumé pour le conseil d'administration" in texte(progression, 1, 1)
    assert "Le chef d'établissement (nom et signature)" in texte(progression, 1, 2)
    assert "Les réponses qui ont changé" in texte(progression, 3, 3), "le détail commence à la troisième page"
    evolution = pdfs["evolution"]
    assert int(infos(evolution)["Pages"]) <= 2
    assert "Le chef d'établissement (nom et signature)" in texte(evolution, 1, 2)


@pytest.mark.parametrize("nom", NOMS)
def test_le_resume_nomme_l_etablissement_et_les_sept_domaines(pdfs, nom):
    campagne, referentiel = charger_campagne(next(e for e in EXEMPLES if e.stem == nom))
    for chemin in (pdfs[f"{nom}-resume"], pdfs[nom]):
        debut = texte(chemin, 1, 2)
        assert campagne.etablissement.nom in debut
        for domaine in referentiel.domaines:
            assert domaine.axe in debut, domaine.axe
        assert "Les trois domaines les plus forts" in debut and "Objectifs et actions" in debut


@pytest.mark.parametrize("nom", [*NOMS, "progression", "evolution"])
def test_metadonnees_polices_pages_et_en_tete(pdfs, nom):
    chemin = pdfs[nom]
    informations = infos(chemin)
    assert "(A4)" in informations["Page size"]
    assert informations["Title"].startswith(("Diagnostic du numérique — ", "Progrès — ", "Évolution — "))
    assert "Collège" in informations["Title"] or "Lycée" in informations["Title"]
    assert langue(chemin) == "fr"
    polices = subprocess.run(
        [outil_requis("pdffonts", "poppler-utils"), str(chemin)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert polices, "au moins une police"
    assert all(ligne.split()[-5] == "yes" for ligne in polices), "chaque police est incorporée"
    pages = int(informations["Pages"])
    premiere = texte(chemin, 1, 1)
    assert f"page 1 sur {pages}" in premiere
    campagne = charger_campagne(
        APRES if nom in ("progression", "evolution") else next(e for e in EXEMPLES if e.stem == nom)
    )[0]
    derniere = texte(chemin, pages, pages)
    assert campagne.etablissement.nom in derniere and f"page {pages} sur {pages}" in derniere, "en-tête courant"


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(textes=st.lists(textes_libres, min_size=3, max_size=3))
def test_textes_libres_du_pdf_sortent_comme_du_texte(monkeypatch, textes):
    weasyprint_requis()
    outil_requis("pdftotext", "poppler-utils")
    import tempfile

    from diagnum.rapports import graphiques
    from diagnum.sorties.html import page_rapport
    from diagnum.sorties.pdf import html_en_pdf

    monkeypatch.setattr(graphiques, "radar_png", lambda *a, **k: png_minuscule())
    monkeypatch.setattr(graphiques, "repartition_png", lambda *a, **k: png_minuscule())
    _, referentiel = charger_campagne(APRES)
    octets = html_en_pdf(page_rapport(campagne_libre(*textes), referentiel))
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "libre.pdf"
        chemin.write_bytes(octets)
        # Sans les blancs : pdftotext lit « 0 0 0 » comme « 000 » (les chiffres sont trop serrés pour
        # qu'il y voie des espaces), et un texte peut passer à la ligne dans une cellule étroite. Sans les
        # traits d'union : pdftotext recolle une ligne qui finit par « - » à la suivante en ôtant le trait.
        contenu = "".join(texte(chemin).split()).replace("-", "")
    for libre in textes:
        for ligne in re.split(r"\r\n|\r|\n", libre):
            assert "".join(ligne.split()).replace("-", "") in contenu


TOUS = [*NOMS, *(f"{n}-resume" for n in NOMS), "progression", "evolution", "synthese", "questionnaire"]
TOUS += ["stress", "stress-resume", "stress-progression", "stress-evolution"]


@pytest.mark.parametrize("nom", TOUS)
def test_aucun_caractere_hors_de_la_page(pdfs, nom):
    assert hors_page(pdfs[nom]) == []


@pytest.mark.parametrize("nom", TOUS)
def test_aucun_titre_ni_en_tete_de_tableau_en_bas_de_page(pdfs, nom):
    assert fins_de_page_orphelines(pdfs[nom]) == []


@pytest.mark.parametrize("nom", TOUS)
def test_pdf_ua_balise(pdfs, nom):
    verifier_pdf(pdfs[nom])
    b = balisage(pdfs[nom])
    assert b["titres"][0] == "H1"
    if nom != "questionnaire":  # le questionnaire papier n'a pas de tableau : des listes de cases
        assert "Table" in b["balises"] and "TH" in b["balises"], "les tableaux sont balisés, en-têtes compris"
    else:
        assert "L" in b["balises"] and "LI" in b["balises"]


def test_les_verifications_voient_un_titre_et_un_en_tete_laisses_en_bas_de_page(tmp_path):
    """Les lectures de outils_pdf savent échouer : un titre forcé en bas de page (saut de page après lui),
    une ligne posée sur le fond des en-têtes de tableau en bas de la suivante (WeasyPrint ne laisse jamais
    un vrai en-tête seul : il reporte le tableau entier), un mot qui sort de la page."""
    weasyprint_requis()
    from diagnum.sorties.pdf import html_en_pdf

    page = (
        '<html lang="fr"><head><title>Essai</title><style>'
        ".fond { background: #e8f0f7; } .saut { break-before: page; }</style></head><body>"
        "<h1>Essai</h1><p>Un paragraphe.</p><h2>Titre seul</h2><p class='saut'>Suite.</p>"
        "<p class='fond'>Comme un en-tête</p>"
        f"<p class='saut' style='white-space: nowrap'>{'W' * 200}</p></body></html>"
    )
    chemin = tmp_path / "essai.pdf"
    chemin.write_bytes(html_en_pdf(page))
    orphelines = fins_de_page_orphelines(chemin)
    assert [n for n, _ in orphelines] == [1, 2], orphelines
    assert "Titre seul" in orphelines[0][1] and "Comme un en-tête" in orphelines[1][1]
    assert hors_page(chemin) and {p for p, _ in hors_page(chemin)} == {3}


def _lignes(chemin: Path, page: int) -> list[str]:
    sortie = subprocess.run(
        [outil_requis("pdftotext", "poppler-utils"), "-f", str(page), "-l", str(page), str(chemin), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ligne.strip() for ligne in sortie.splitlines() if ligne.strip()]


@pytest.mark.parametrize("nom", [NOMS[0], "progression", "evolution", "synthese"])
def test_texte_dans_l_ordre_de_lecture_et_en_tete_une_fois_par_page(pdfs, nom):
    """Chaque page commence par l'en-tête courant, seul sur sa ligne (jamais mêlé au titre) ; la première
    continue par le titre : le texte copié ou lu à voix haute vient dans l'ordre."""
    chemin = pdfs[nom]
    pages = int(infos(chemin)["Pages"])
    premiere = _lignes(chemin, 1)
    entete, titre = premiere[0], premiere[1]
    assert titre.startswith(("Diagnostic du numérique", "Progrès", "Évolution", "Synthèse du territoire")), premiere
    for numero in range(1, pages + 1):
        lignes = _lignes(chemin, numero)
        assert lignes[0] == entete, (numero, lignes[:2])
        assert lignes.count(entete) == (2 if numero == 1 and titre == entete else 1), (
            "l'en-tête n'est écrit qu'une fois"
        )


def test_la_synthese_a_un_signet_par_section_et_par_legende(pdfs):
    """Un signet pour chaque titre et chaque légende de tableau de la page, dans l'ordre."""
    from html.parser import HTMLParser

    class Titres(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.ouvert: str | None = None
            self.titres: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("h1", "h2", "h3", "caption"):
                self.ouvert = tag
                self.titres.append("")

        def handle_endtag(self, tag):
            if tag == self.ouvert:
                self.ouvert = None

        def handle_data(self, data):
            if self.ouvert:
                self.titres[-1] += data

    lecture = Titres()
    lecture.feed(pdfs["synthese"].with_suffix(".html").read_text(encoding="utf-8"))
    attendus = [" ".join(titre.split()) for titre in lecture.titres]
    assert len(attendus) > 3
    assert [" ".join(m.split()) for m in signets(pdfs["synthese"])] == attendus


def test_un_tableau_coupe_repete_sa_ligne_d_en_tete(tmp_path):
    """Avec la feuille de style des rapports, un long tableau repris sur trois pages recommence sur chacune
    par sa ligne d'en-tête (sur son fond), et aucune page ne finit par elle."""
    weasyprint_requis()
    from importlib import resources

    from diagnum.sorties.pdf import html_en_pdf

    style = resources.files("diagnum.rapports").joinpath("modeles/style.css").read_text(encoding="utf-8")
    lignes = "".join(f"<tr><th scope='row'>Ligne {i}</th><td class='nombre'>{i}</td></tr>" for i in range(150))
    page = (
        f'<html lang="fr"><head><title>Long tableau</title><style>{style}</style></head><body>'
        '<h1 data-entete="Essai">Essai</h1><div class="tableau"><table><thead><tr><th scope="col">Colonne A</th>'
        f'<th scope="col" class="nombre">Colonne B</th></tr></thead><tbody>{lignes}</tbody></table></div></body></html>'
    )
    chemin = tmp_path / "long.pdf"
    chemin.write_bytes(html_en_pdf(page))
    pages = int(infos(chemin)["Pages"])
    assert pages >= 3
    for numero in range(1, pages + 1):
        assert texte(chemin, numero, numero).count("Colonne A Colonne B") == 1, numero
    assert fins_de_page_orphelines(chemin) == []
