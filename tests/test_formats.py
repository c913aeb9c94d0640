"""Formats des rapports (``--format md|html|pdf|tout``, ``--resume``), résumé, graphiques pour l'impression."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diagnum.calculs.scores import ScoreDomaine, calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.erreurs import ErreurDiagnum
from diagnum.rapports import formats
from diagnum.rapports.resume import etat_actions, forts_et_faibles, qualificatif
from diagnum.referentiel import charger_referentiel
from outils_rapports import APRES, AVANT, PLUS_ANCIENNE, diagnum

REF = charger_referentiel("2011")

# --------------------------------------------------------------------------
# Lecture de --format


@pytest.mark.parametrize(
    ("valeurs", "attendu"),
    [
        (None, ("md",)),
        ([], ("md",)),
        (["html"], ("html",)),
        (["pdf", "md"], ("md", "pdf")),
        (["tout"], ("md", "html", "pdf")),
        (["html", "tout", "html"], ("md", "html", "pdf")),
        (["md,html"], ("md", "html")),
        (["HTML"], ("html",)),
    ],
)
def test_lire_formats(valeurs, attendu):
    assert formats.lire_formats(valeurs) == attendu


@pytest.mark.parametrize("valeur", ["docx", "", "markdown", "md;html"])
def test_format_inconnu_code_2(valeur):
    with pytest.raises(ErreurDiagnum) as exc:
        formats.lire_formats([valeur])
    assert exc.value.code_sortie == 2
    assert "md, html, pdf ou tout" in exc.value.message


def test_noms_fichiers():
    assert formats.noms_fichiers("rapport", ("md", "html", "pdf"), ["radar.png"]) == [
        "radar.png",
        "rapport.md",
        "rapport.html",
        "rapport.pdf",
    ]
    assert formats.noms_fichiers("resume", ("pdf",), ["radar.png"]) == ["resume.pdf"]


def test_produire_n_appelle_que_ce_qui_est_demande():
    appels = []

    def markdown():
        appels.append("md")
        return {"x.md": "texte"}

    def html():
        appels.append("html")
        return "<p>page</p>"

    assert formats.produire("x", ("html",), markdown=markdown, html=html) == {"x.html": "<p>page</p>"}
    assert appels == ["html"]
    assert formats.produire("x", ("md",), markdown=markdown, html=html) == {"x.md": "texte"}
    assert appels == ["html", "md"]


# --------------------------------------------------------------------------
# Le résumé : forts et faibles, actions


def _domaine(i: int, score: float | None) -> ScoreDomaine:
    return ScoreDomaine(f"d{i}", f"3.{i}", f"Titre {i}", f"Axe {i}", "usage", score, 1.0, False, 1, 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=0, max_size=9))
@example([10.0, 20.0, 39.9, None, 70.0])  # campagne partielle : un seul domaine au-dessus de 40
def test_forts_et_faibles_disjoints_et_ordonnes(scores):
    domaines = [_domaine(i, s) for i, s in enumerate(scores)]
    point_faible = REF.notation.point_faible
    forts, faibles = forts_et_faibles(domaines, point_faible)
    notes = [d for d in domaines if d.score is not None]
    assert len(forts) == min(
        3, sum(1 for d in notes if qualificatif(d.score, REF.notation.point_fort, point_faible) != "point faible")
    )
    assert all(qualificatif(d.score, REF.notation.point_fort, point_faible) != "point faible" for d in forts)
    assert len(faibles) == min(3, len(notes) - len(forts))
    assert not {d.id for d in forts} & {d.id for d in faibles}
    assert [d.score for d in forts] == sorted((d.score for d in forts), reverse=True)
    assert [d.score for d in faibles] == sorted(d.score for d in faibles)
    if forts and faibles:
        assert min(d.score for d in forts) >= max(d.score for d in faibles)
    ecartes = [d for d in notes if d not in forts and d not in faibles]
    for d in ecartes:  # sans fort (tous points faibles), les écartés sont sous les faibles montrés
        assert not forts or d.score <= min(f.score for f in forts)
        assert d.score >= max(f.score for f in faibles)


def test_qualificatif_suit_les_seuils():
    assert qualificatif(70, 66, 40) == "point fort"
    assert qualificatif(66, 66, 40) == "point fort"
    assert qualificatif(39.9, 66, 40) == "point faible"
    assert qualificatif(50, 66, 40) == "niveau intermédiaire"


def test_etat_actions():
    assert etat_actions([]) == "aucune action prévue"
    actions = [{"statut": s} for s in ("en cours", "réalisée", "réalisée", "abandonnée", "sans statut")]
    assert etat_actions(actions) == "2 réalisées, 1 en cours, 1 abandonnée, 1 sans statut (sur 5 actions)"
    assert etat_actions([{"statut": "prévue"}]) == "1 prévue (sur 1 action)"


# --------------------------------------------------------------------------
# Ligne de commande


def test_rapport_html_seul(tmp_path):
    resultat = diagnum("rapport", APRES, "-o", tmp_path, "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout == f"{tmp_path / 'rapport.html'} : rapport écrit.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.html"]


def test_rapport_md_et_html(tmp_path):
    resultat = diagnum("rapport", APRES, "-o", tmp_path, "--format", "md", "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    lignes = resultat.stdout.splitlines()
    assert lignes[0].startswith(f"{tmp_path / 'rapport.md'} : rapport écrit (")
    assert lignes[1] == f"{tmp_path / 'rapport.html'} : rapport écrit."
    assert (tmp_path / "radar.png").is_file() and (tmp_path / "rapport.html").is_file()


def test_resume_md(tmp_path):
    resultat = diagnum("rapport", APRES, "-o", tmp_path, "--resume")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == f"{tmp_path / 'resume.md'} : résumé écrit (1 image).\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["radar.png", "resume.md"]
    texte = (tmp_path / "resume.md").read_text(encoding="utf-8")
    campagne, referentiel = charger_campagne(APRES)
    assert campagne.etablissement.nom in texte
    for domaine in referentiel.domaines:
        assert domaine.axe in texte
    assert "## Les trois domaines les plus forts" in texte and "signature" in texte


def test_resume_d_une_campagne_partielle_sans_point_faible_parmi_les_forts():
    from diagnum.rapports.resume import texte_resume

    # Un seul domaine noté (pilotage, 0 sur 100) : c'est un point faible, jamais un des « plus forts ».
    campagne, referentiel = charger_campagne(
        Path(__file__).parent / "fixtures" / "scores" / "regle8-non-renseigne.yaml"
    )
    profil = calculer_profil(campagne, referentiel)
    (note,) = [d for d in profil.domaines if d.score is not None]
    texte = texte_resume(campagne, referentiel, profil)
    forts = texte.split("## Les trois domaines les plus forts")[1].split("## Les trois domaines les plus faibles")[0]
    faibles = texte.split("## Les trois domaines les plus faibles")[1].split("## Obligations")[0]
    assert note.axe not in forts
    assert "Aucun domaine n'atteint 40 sur 100 : tous les domaines notés sont des points faibles." in forts
    assert f"- **{note.axe}** : 0,0 sur 100, point faible" in faibles


def test_format_inconnu_sur_la_ligne_de_commande(tmp_path):
    resultat = diagnum("rapport", APRES, "-o", tmp_path / "r", "--format", "docx")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "format « docx » inconnu" in resultat.stderr
    assert not (tmp_path / "r").exists()


def test_html_existant_refuse_sans_force(tmp_path):
    (tmp_path / "rapport.html").write_text("le mien", encoding="utf-8")
    resultat = diagnum("rapport", APRES, "-o", tmp_path, "--format", "tout")
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "rapport.html existe déjà" in resultat.stderr and "--force" in resultat.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.html"]
    assert (tmp_path / "rapport.html").read_text(encoding="utf-8") == "le mien"
    resultat = diagnum("rapport", APRES, "-o", tmp_path, "--format", "html", "--force")
    assert resultat.exit_code == 0, resultat.output
    assert (tmp_path / "rapport.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.fixture
def sans_weasyprint(monkeypatch):
    """WeasyPrint introuvable, comme chez qui n'a pas installé diagnum[pdf]."""
    vrai = importlib.util.find_spec

    def find_spec(nom, *args, **kwargs):
        return None if nom == "weasyprint" else vrai(nom, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize(
    "commande",
    [
        ["rapport", APRES, "--format", "pdf"],
        ["rapport", APRES, "--format", "tout", "--resume"],
        ["compare", AVANT, APRES, "--format", "pdf"],
        ["evolution", PLUS_ANCIENNE, AVANT, APRES, "--format", "md", "--format", "pdf"],
    ],
)
def test_pdf_sans_weasyprint_code_2_avant_tout_travail(sans_weasyprint, tmp_path, commande):
    dossier = tmp_path / "sortie"
    resultat = diagnum(*commande, "-o", dossier)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert 'pip install "diagnum[pdf]"' in resultat.stderr and "WeasyPrint" in resultat.stderr
    # le pip de l'environnement où tourne diagnum, par son chemin (pas un autre pip du PATH)
    pip = Path(sys.executable).parent / "pip"
    assert f'{pip} install "diagnum[pdf]"' in " ".join(resultat.stderr.split())
    assert "Traceback" not in resultat.stderr
    assert not dossier.exists(), "rien n'est écrit"


def test_pdf_sans_weasyprint_avant_meme_de_lire_la_campagne(sans_weasyprint, tmp_path):
    mauvaise = tmp_path / "mauvaise.yaml"
    mauvaise.write_text('referentiel: "2011"\nreference:\n  eleves: beaucoup\n', encoding="utf-8")
    resultat = diagnum("rapport", mauvaise, "-o", tmp_path / "r", "--format", "pdf")
    assert resultat.exit_code == 2
    assert "diagnum[pdf]" in resultat.stderr and "mauvaise.yaml:3:" not in resultat.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "html"], "ajoutez -o DOSSIER"),
        (["--format", "texte", "--format", "json"], "un seul --format"),
        (["--format", "xml"], "format « xml » inconnu"),
        (["-o", "{dossier}", "--format", "json"], "avec -o DOSSIER, --format choisit le format du rapport"),
    ],
)
@pytest.mark.parametrize("commande", ["compare", "evolution"])
def test_format_de_compare_et_evolution(tmp_path, commande, arguments, message):
    arguments = [a.replace("{dossier}", str(tmp_path / "d")) for a in arguments]
    resultat = diagnum(commande, AVANT, APRES, *arguments)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert message in resultat.stderr
    assert not (tmp_path / "d").exists()


def test_compare_et_evolution_en_html(tmp_path):
    resultat = diagnum("compare", AVANT, APRES, "-o", tmp_path, "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == f"{tmp_path / 'progression.html'} : rapport de progression écrit\n"
    resultat = diagnum("evolution", PLUS_ANCIENNE, AVANT, APRES, "-o", tmp_path, "--format", "html")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == f"{tmp_path / 'evolution.html'} : rapport d'évolution écrit\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evolution.html", "progression.html"]


def test_compare_json_sans_o_inchange():
    resultat = diagnum("compare", AVANT, APRES, "--format", "json")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout.startswith("{")


# --------------------------------------------------------------------------
# Graphiques pour l'impression


def _textes(figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_segment_etroit_nomme_a_cote_de_sa_barre():
    from diagnum.rapports.graphiques import contexte_graphique, figure_repartition

    barres = [("Indicateur", {"jamais": 1, "occasionnellement": 3, "regulierement": 96})]
    with contexte_graphique():
        textes = _textes(figure_repartition(barres, "Titre"))
    assert "jamais : 1 (1\u00a0%)\noccasionnellement : 3 (3\u00a0%)" in textes
    assert "96\n96\u00a0%" in textes


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=8))
def test_etiquettes_d_evolution_ecartees_et_dans_le_cadre(valeurs):
    from diagnum.rapports.graphiques_evolution import ECART_ETIQUETTES, ecarter

    hauteurs = ecarter(valeurs)
    assert len(hauteurs) == len(valeurs)
    assert all(-4 <= h <= 104 for h in hauteurs)
    rangees = sorted(hauteurs)
    if (len(valeurs) - 1) * ECART_ETIQUETTES <= 108:
        assert all(b - a >= ECART_ETIQUETTES - 1e-9 for a, b in itertools.pairwise(rangees))
    ordre = sorted(range(len(valeurs)), key=lambda i: valeurs[i])
    assert [hauteurs[i] for i in ordre] == sorted(hauteurs), "l'ordre des valeurs est gardé"


def test_courbes_d_evolution_valeurs_marqueurs_et_traits():
    from matplotlib.lines import Line2D

    from diagnum.affichage import score_fr
    from diagnum.calculs.comparaison import evolution
    from diagnum.rapports import graphiques_evolution

    charges = [charger_campagne(c) for c in (PLUS_ANCIENNE, AVANT, APRES)]
    evo = evolution([c for c, _ in charges], charges[0][1])
    figures = []
    vrai = graphiques_evolution.figure_en_png
    graphiques_evolution.figure_en_png = lambda figure, dpi=100: figures.append(figure) or b""
    try:
        graphiques_evolution.courbes_evolution_png(evo)
    finally:
        graphiques_evolution.figure_en_png = vrai
    (figure,) = figures
    axe = figure.axes[0]
    textes = _textes(figure)
    for serie in evo.domaines:
        for score in serie.scores:
            assert score_fr(score) in textes
    courbes = [ligne for ligne in axe.get_lines() if isinstance(ligne, Line2D) and ligne.get_label()[:1] != "_"]
    assert len({c.get_marker() for c in courbes}) == len(courbes) == len(evo.domaines)
    assert len({(c.get_color(), str(c.get_linestyle())) for c in courbes}) == len(courbes)
    assert "#F0E442" not in {c.get_color() for c in courbes}, "pas de jaune, illisible sur blanc"
    bas, haut = axe.get_ylim()
    assert bas < 0 and haut > 100, "rien n'est coupé à 0 ni à 100"


def test_radar_de_progression_ecrit_les_valeurs_de_la_nouvelle_campagne():
    from diagnum.affichage import score_fr
    from diagnum.rapports.graphiques import PALETTE, figure_radar

    avant, referentiel = charger_campagne(AVANT)
    apres = charger_campagne(APRES)[0]
    profils = [calculer_profil(avant, referentiel), calculer_profil(apres, referentiel)]
    figure = figure_radar(profils)
    from matplotlib.text import Annotation

    annotations = [t for t in figure.findobj(Annotation)]
    assert sorted(a.get_text() for a in annotations) == sorted(
        score_fr(d.score) for d in profils[1].domaines if d.score is not None
    )
    assert {a.get_color() for a in annotations} == {PALETTE[1]}


def test_images_html_a_200_points_par_pouce():
    import struct

    from diagnum.rapports.graphiques import DPI_IMPRESSION, radar_png

    campagne, referentiel = charger_campagne(APRES)
    png = radar_png([calculer_profil(campagne, referentiel)], dpi=DPI_IMPRESSION)
    largeur, _ = struct.unpack(">II", png[16:24])
    assert DPI_IMPRESSION == 200 and largeur == 2000, "10 pouces à 200 points par pouce"
