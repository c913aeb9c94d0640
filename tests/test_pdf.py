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
from outils_rapports import APRES, AVANT, EXEMPLES, PLUS_ANCIENNE, diagnum, png_minuscule
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
        # qu'il y voie des espaces), et un texte peut passer à la ligne dans une cellule étroite.
        contenu = "".join(texte(chemin).split())
    for libre in textes:
        for ligne in re.split(r"\r\n|\r|\n", libre):
            assert "".join(ligne.split()) in contenu
