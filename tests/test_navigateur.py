"""Les pages HTML ouvertes dans un vrai navigateur (Chromium sans écran, voir ``navigateur.py``).

Aucune requête ne quitte le fichier (seules la page et ses images ``data:``
sont lues), aucune erreur dans la console, la capture d'écran n'est pas une
page blanche, et à 200 % de zoom rien ne déborde sur le côté.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from navigateur import ouvrir
from outils_rapports import APRES, AVANT, EXEMPLES, PLUS_ANCIENNE, diagnum


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    dossier = tmp_path_factory.mktemp("navigateur")
    chemins = {}
    for exemple in EXEMPLES:
        assert diagnum("rapport", exemple, "-o", dossier / exemple.stem, "--format", "html").exit_code == 0
        chemins[exemple.stem] = dossier / exemple.stem / "rapport.html"
    assert diagnum("rapport", APRES, "-o", dossier / "resume", "--format", "html", "--resume").exit_code == 0
    chemins["resume"] = dossier / "resume" / "resume.html"
    assert diagnum("compare", AVANT, APRES, "-o", dossier / "p", "--format", "html").exit_code == 0
    chemins["progression"] = dossier / "p" / "progression.html"
    assert diagnum("evolution", PLUS_ANCIENNE, AVANT, APRES, "-o", dossier / "e", "--format", "html").exit_code == 0
    chemins["evolution"] = dossier / "e" / "evolution.html"
    return chemins


def pas_blanche(capture: bytes) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(capture)).convert("L")
    assert image.size == (1280, 1600)
    sombre, clair = image.getextrema()
    assert sombre < 80 and clair > 200, "du texte sombre sur fond clair"
    histogramme = image.histogram()
    encre = sum(histogramme[:128]) / (image.size[0] * image.size[1])
    assert encre > 0.01, "la page affiche quelque chose"


@pytest.mark.parametrize("nom", [*(e.stem for e in EXEMPLES), "resume", "progression", "evolution"])
def test_page_ouverte_dans_chromium(pages, nom):
    page = pages[nom]
    visite = ouvrir(page)
    adresse = page.resolve().as_uri()
    exterieures = [r for r in visite.requetes if r != adresse and not r.startswith("data:")]
    assert exterieures == [], "aucune requête ne quitte le fichier"
    assert adresse in visite.requetes
    assert visite.erreurs == []
    assert visite.langue == "fr" and visite.titre
    pas_blanche(visite.capture)
    assert visite.largeur_zoom <= visite.largeur_fenetre_zoom, "à 200 %, rien ne déborde sur le côté"


@pytest.mark.parametrize("nom", [*(e.stem for e in EXEMPLES), "resume", "progression", "evolution"])
def test_a_320_px_et_200_pour_cent_aucun_defilement_horizontal(pages, nom):
    """Une fenêtre de 640 pixels à 200 % : 320 pixels CSS de large, un téléphone agrandi. Les tableaux larges
    défilent dans leur cadre (``.tableau``), la page elle-même jamais."""
    visite = ouvrir(pages[nom], largeur=640, hauteur=1200)
    assert visite.largeur_fenetre_zoom <= 320
    assert visite.largeur_zoom <= visite.largeur_fenetre_zoom, "à 320 px et 200 %, rien ne déborde sur le côté"
