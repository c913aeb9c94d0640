"""Les rapports HTML : une page autonome, accessible, imprimable ; les textes libres restent du texte."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnum.affichage import score_fr
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Campagne
from diagnum.echappement import echapper_html, paragraphes_html
from diagnum.sorties.html import environnement_html, page_rapport
from outils_rapports import APRES, AVANT, EXEMPLES, PLUS_ANCIENNE, diagnum, lire_html, png_minuscule
from test_rapport import _campagne_libre


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """Les pages HTML des trois exemples, de leur progression et de leur évolution, écrites par la CLI."""
    dossier = tmp_path_factory.mktemp("html")
    pages = {}
    for exemple in EXEMPLES:
        resultat = diagnum("rapport", exemple, "-o", dossier / exemple.stem, "--format", "html")
        assert resultat.exit_code == 0, resultat.output
        pages[exemple.stem] = (dossier / exemple.stem / "rapport.html").read_text(encoding="utf-8")
    assert diagnum("compare", AVANT, APRES, "-o", dossier / "p", "--format", "html").exit_code == 0
    pages["progression"] = (dossier / "p" / "progression.html").read_text(encoding="utf-8")
    assert diagnum("evolution", PLUS_ANCIENNE, AVANT, APRES, "-o", dossier / "e", "--format", "html").exit_code == 0
    pages["evolution"] = (dossier / "e" / "evolution.html").read_text(encoding="utf-8")
    return pages


NOMS_PAGES = [e.stem for e in EXEMPLES] + ["progression", "evolution"]


@pytest.mark.parametrize("nom", NOMS_PAGES)
def test_page_autonome_sans_script_ni_ressource_exterieure(pages, nom):
    lecture = lire_html(pages[nom])
    balises = [b for b, _ in lecture.balises]
    assert "script" not in balises and "iframe" not in balises and "object" not in balises and "link" not in balises
    for balise, attributs in lecture.balises:
        for cle in ("src", "href", "srcset", "poster", "data"):
            valeur = attributs.get(cle)
            if valeur is not None:
                assert valeur.startswith(("data:image/png;base64,", "#")), (balise, cle, valeur[:60])
        assert not any(cle.startswith("on") for cle in attributs), "aucun gestionnaire d'événement"
    assert "url(" not in lecture.style and "@import" not in lecture.style and "@font-face" not in lecture.style
    politique = [a for b, a in lecture.balises if b == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert politique and "default-src 'none'" in politique[0]["content"]


@pytest.mark.parametrize("nom", NOMS_PAGES)
def test_page_accessible(pages, nom):
    page = pages[nom]
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    lecture = lire_html(page)
    balises = [b for b, _ in lecture.balises]
    assert balises.count("h1") == 1 and "h2" in balises and "title" in balises
    assert "main" in balises and "header" in balises
    niveaux = [int(h[1]) for h, _ in lecture.titres]
    assert all(b - a <= 1 for a, b in itertools.pairwise(niveaux)), "aucun niveau de titre sauté"
    assert "table" in balises
    for morceau in page.split("<table>")[1:]:
        assert "<th " in morceau.split("</table>")[0], "chaque tableau a ses cellules d'en-tête"
    for balise, attributs in lecture.balises:
        if balise == "img":
            assert attributs.get("alt"), "chaque image a un texte de remplacement"
            assert attributs.get("width") and attributs.get("height")
        if balise == "th":
            assert attributs.get("scope") in ("col", "row", "rowgroup")
    assert "@media print" in lecture.style and "size: A4" in lecture.style
    assert "display: table-header-group" in lecture.style, "en-têtes de tableau répétés à chaque page"
    assert "break-inside: avoid" in lecture.style and "break-after: avoid" in lecture.style


@pytest.mark.parametrize("exemple", EXEMPLES, ids=lambda e: e.stem)
def test_le_resume_vient_d_abord_et_dit_l_essentiel(pages, exemple):
    campagne, referentiel = charger_campagne(exemple)
    profil = calculer_profil(campagne, referentiel)
    lecture = lire_html(pages[exemple.stem])
    assert lecture.titres[0] == ("h1", f"Diagnostic du numérique — {campagne.etablissement.nom}")
    assert lecture.titres[1] == ("h2", "Résumé pour le conseil d'administration")
    debut = lecture.texte.split("Identification")[0]
    assert campagne.etablissement.nom in debut and campagne.etablissement.uai in debut
    for domaine in referentiel.domaines:
        assert domaine.axe in debut
    for titre in ("Les trois domaines les plus forts", "Les trois domaines les plus faibles"):
        assert titre in debut
    assert "Obligations réglementaires" in debut and "Objectifs et actions" in debut
    assert "Complétude" in debut and "Taux de réponse" not in debut
    assert "Le chef d'établissement (nom et signature)" in debut
    assert "l'usage mesure ce qui se fait réellement" in debut and "les moyens mesurent" in debut
    # Les scores des trois premiers et des trois derniers, en mots.
    notes = sorted((d for d in profil.domaines if d.score is not None), key=lambda d: -d.score)
    forts = debut.split("Les trois domaines les plus forts")[1].split("Les trois domaines les plus faibles")[0]
    for d in notes[:3]:
        assert f"{d.axe} : {score_fr(d.score)} sur 100" in forts


@pytest.mark.parametrize("exemple", EXEMPLES, ids=lambda e: e.stem)
def test_chaque_graphique_dit_ses_valeurs(pages, exemple):
    campagne, referentiel = charger_campagne(exemple)
    profil = calculer_profil(campagne, referentiel)
    images = [a for b, a in lire_html(pages[exemple.stem]).balises if b == "img"]
    radar = images[0]["alt"]
    for d in profil.domaines:
        assert f"{d.axe} : {score_fr(d.score) if d.score is not None else 'sans score'}" in radar
    repartitions = [a["alt"] for a in images[1:]]
    assert repartitions and all("jamais" in t and "régulièrement" in t and "\u00a0%" in t for t in repartitions)


def test_graphiques_de_progression_et_d_evolution_disent_leurs_valeurs(pages):
    (progression,) = [a["alt"] for b, a in lire_html(pages["progression"]).balises if b == "img"]
    (evolution,) = [a["alt"] for b, a in lire_html(pages["evolution"]).balises if b == "img"]
    _, referentiel = charger_campagne(AVANT)
    apres = calculer_profil(charger_campagne(APRES)[0], referentiel)
    for d in apres.domaines:
        assert f"{apres.campagne} {score_fr(d.score)}" in progression
        assert f"{apres.campagne} {score_fr(d.score)}" in evolution


def test_environnement_html_echappe_tout():
    environnement = environnement_html()
    assert environnement is environnement_html()
    assert environnement.autoescape is True
    assert environnement.from_string("{{ x }}").render(x="<b>&\"'") == "&lt;b&gt;&amp;&#34;&#39;"


# --------------------------------------------------------------------------
# Textes libres : échappement


mots = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèàçÉ0123456789<>&\"'/;=*_{}|#$%!?()[]-")),
    min_size=1,
    max_size=12,
)
textes_libres = st.lists(
    st.one_of(mots, st.sampled_from(["<script>alert(1)</script>", "&amp;", "{{ 7*7 }}", '"', "'", "</p>", "<b>"])),
    min_size=1,
    max_size=6,
).flatmap(
    lambda morceaux: st.lists(
        st.sampled_from([" ", "\n", "\n\n", "  "]), min_size=len(morceaux), max_size=len(morceaux)
    ).map(lambda blancs: "".join(m + b for m, b in zip(morceaux, blancs, strict=True)).strip())
)


@settings(max_examples=200, deadline=None)
@given(textes_libres)
def test_echapper_html_redonne_le_texte(texte):
    lecture = lire_html(f'<p title="{echapper_html(texte)}">{echapper_html(texte)}</p>')
    assert [b for b, _ in lecture.balises] == ["p"]
    assert lecture.balises[0][1]["title"] == texte
    assert "".join(lecture.textes) == texte


@settings(max_examples=200, deadline=None)
@given(textes_libres)
def test_paragraphes_html_gardent_les_lignes(texte):
    lecture = lire_html(paragraphes_html(texte))
    assert {b for b, _ in lecture.balises} <= {"p", "br"}
    lignes = [" ".join(ligne.split()) for ligne in re.split(r"\r\n|\r|\n", texte) if ligne.strip()]
    assert [" ".join(t.split()) for t in lecture.textes if t.strip()] == lignes


def campagne_libre(nom: str, commentaires: str, action: str) -> Campagne:
    """L'exemple de référence avec ces textes libres : nom, commentaires, action (et commune, responsable)."""
    return _campagne_libre(nom, action, "2024-2025", commentaires, action)


@pytest.fixture
def images_minuscules(monkeypatch):
    """Les graphiques remplacés par un pixel : ces tests regardent le texte, pas le dessin."""
    from diagnum.rapports import graphiques

    monkeypatch.setattr(graphiques, "radar_png", lambda *a, **k: png_minuscule())
    monkeypatch.setattr(graphiques, "repartition_png", lambda *a, **k: png_minuscule())


def _structure(page: str) -> list[str]:
    return [b for b, _ in lire_html(page).balises]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(textes=st.lists(textes_libres, min_size=3, max_size=3))
def test_textes_libres_du_rapport_html_sortent_comme_du_texte(images_minuscules, textes):
    _, referentiel = charger_campagne(APRES)
    piege = page_rapport(campagne_libre(*textes), referentiel)
    sage = page_rapport(campagne_libre(*(re.sub(r"\S", "x", t) for t in textes)), referentiel)
    assert _structure(piege) == _structure(sage), "un texte libre a changé la structure de la page"
    texte = lire_html(piege).texte
    for libre in textes:
        for ligne in re.split(r"\r\n|\r|\n", libre):
            assert " ".join(ligne.split()) in texte
