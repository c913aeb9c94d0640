"""Séquences d'échappement du terminal (issue 15, point 5).

Reproducteur : une réponse comme ``"\\e]0;TITRE\\a\\e[2J"`` (changer le titre de la fenêtre, effacer
l'écran) arrivait telle quelle au terminal dans ``valider`` (texte avec et sans Rich, parsable,
github) et dans la sortie texte de ``score``, ``compare`` et ``evolution``. Tout caractère de
contrôle venu d'une campagne ou d'un nom de fichier s'affiche désormais échappé.
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_fichier
from diagnum.cli import app
from diagnum.echappement import echapper_lignes, echapper_terminal
from diagnum.sorties import texte as sorties
from outils_progression import APRES, AVANT, copie_modifiee

runner = CliRunner()
PIEGE = "\x1b]0;TITRE\x07\x1b[2J"
VISIBLE = "\\x1b]0;TITRE\\x07\\x1b[2J"
# Tout ce qu'un terminal pourrait interpréter : C0 (sauf la fin de ligne de la sortie), DEL, C1,
# séparateurs Unicode de ligne, contrôles du sens d'écriture.
DANGEREUX = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def sans_controle(texte: str) -> None:
    assert not DANGEREUX.search(texte), repr(DANGEREUX.search(texte).group(0))


# --------------------------------------------------------------------------
# La fonction


def test_echapper_terminal_rend_visible_et_garde_le_reste():
    assert echapper_terminal(PIEGE) == VISIBLE
    assert echapper_terminal("a\nb\r\tc") == "a\\nb\\r\\tc"
    assert echapper_terminal("\x85\u2028\u202e\x7f") == "\\x85\\u2028\\u202e\\x7f"
    assert echapper_terminal("Collège « Jean Moulin »\u00a0: 100 %") == "Collège « Jean Moulin »\u00a0: 100 %"
    assert echapper_terminal(None) == ""
    assert echapper_lignes(f"un {PIEGE}\ndeux") == f"un {VISIBLE}\ndeux"


@settings(max_examples=200)
@given(texte=st.text())
def test_echapper_terminal_ne_laisse_rien_passer(texte):
    echappe = echapper_terminal(texte)
    sans_controle(echappe)
    assert "\n" not in echappe
    assert echapper_terminal(echappe) == echappe  # idempotent


# --------------------------------------------------------------------------
# valider


@pytest.fixture
def campagne_piegee(tmp_path):
    """Une réponse piégée (affirmation non reconnue) et un nom de fichier piégé."""
    fichier = tmp_path / f"campagne{PIEGE}\n.yaml"
    fichier.write_text(
        f'referentiel: "2011"\nobligations:\n  filtrage_internet: "{PIEGE.replace(chr(0x1B), chr(92) + "e").replace(chr(7), chr(92) + "a")}"\n',
        encoding="utf-8",
    )
    return fichier


@pytest.mark.parametrize("format_", ["texte", "parsable", "github"])
def test_valider_n_envoie_aucune_sequence_au_terminal(campagne_piegee, format_):
    resultat = runner.invoke(app, ["valider", "--format", format_, str(campagne_piegee)])
    assert resultat.exit_code == 1
    assert resultat.stderr == ""
    sans_controle(resultat.stdout.replace("\n", ""))
    assert f"réponse « {VISIBLE} » non reconnue" in resultat.stdout
    assert echapper_terminal(str(campagne_piegee)) in resultat.stdout.replace("%3A", ":")


def test_valider_avec_rich_n_envoie_aucune_sequence_au_terminal(campagne_piegee, monkeypatch):
    """Sur un terminal (Rich, couleurs) : seules les séquences de couleur de Rich passent."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sorties, "_terminal", lambda _flux: True)
    resultat = valider_fichier(campagne_piegee)
    flux = io.StringIO()
    sorties.ecrire_texte([(str(campagne_piegee), resultat.diagnostics)], flux)
    sans_couleurs = re.sub(r"\x1b\[[0-9;]*m", "", flux.getvalue())
    sans_controle(sans_couleurs.replace("\n", ""))
    assert f"réponse « {VISIBLE} » non reconnue" in sans_couleurs
    assert "]0;TITRE" not in flux.getvalue().replace(VISIBLE, "")


def test_un_fichier_illisible_au_nom_piege(tmp_path):
    absent = tmp_path / f"absent{PIEGE}.yaml"
    resultat = runner.invoke(app, ["valider", str(absent)])
    assert resultat.exit_code == 2
    sans_controle(resultat.stderr.replace("\n", ""))
    assert resultat.stderr == f"diagnum : {echapper_terminal(str(absent))} : fichier ou dossier introuvable\n"


# --------------------------------------------------------------------------
# score, compare, evolution : un établissement, une campagne, une action piégés


def pieger(donnees) -> None:
    donnees["etablissement"]["nom"] = f"Collège {PIEGE}\nJean Moulin"
    donnees["campagne"] = f"2023{PIEGE}"
    for objectif in donnees.get("objectifs") or []:
        for action in objectif.get("actions") or []:
            action["libelle"] = f"Action {PIEGE}"
            action["responsable"] = f"Qui\u202e{PIEGE}"
            action["statut"] = "prevue"


@pytest.fixture
def paire_piegee(tmp_path):
    avant = copie_modifiee(AVANT, tmp_path / "avant.yaml", pieger)
    apres = copie_modifiee(APRES, tmp_path / "apres.yaml", pieger)
    return avant, apres


@pytest.mark.parametrize(
    "commande",
    [
        lambda a, b: ["score", str(b)],
        lambda a, b: ["compare", str(a), str(b), "--force"],
        lambda a, b: ["evolution", str(a), str(b), "--force"],
    ],
    ids=["score", "compare", "evolution"],
)
def test_les_sorties_texte_n_envoient_aucune_sequence(paire_piegee, commande):
    resultat = runner.invoke(app, commande(*paire_piegee))
    assert resultat.exit_code == 0, resultat.output
    sans_controle(resultat.stdout.replace("\n", ""))
    sans_controle(resultat.stderr.replace("\n", ""))
    assert f"Collège {VISIBLE}\\nJean Moulin" in resultat.stdout


def test_compare_echappe_les_actions(paire_piegee):
    resultat = runner.invoke(app, ["compare", *map(str, paire_piegee)])
    assert resultat.exit_code == 0, resultat.output
    assert f"- Action {VISIBLE} (Qui\\u202e{VISIBLE}" in resultat.stdout
    assert f"Objectifs fixés en 2023{VISIBLE}, jugés sur les scores de 2023{VISIBLE}" in resultat.stdout


def test_la_page_html_montre_les_controles_echappes(paire_piegee, tmp_path):
    """Le HTML (issue 13) suit la même règle que l'écran et le Markdown : « \\x1b » visible, jamais brut."""
    _, apres = paire_piegee
    resultat = runner.invoke(app, ["rapport", str(apres), "-o", str(tmp_path / "html"), "--format", "html"])
    assert resultat.exit_code == 0, resultat.output
    page = (tmp_path / "html" / "rapport.html").read_text(encoding="utf-8")
    sans_controle(page.replace("\n", "").replace("\t", ""))
    assert f"Collège {VISIBLE}" in page
