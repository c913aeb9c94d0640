"""Textes hostiles dans tous les rapports (issue 15, points 3 et 4).

Reproducteur du point 4 : un nom de fichier fait d'un retour à la ligne suivi de
``# TITRE <img src=x onerror=…>`` devenait un titre et du HTML brut dans
``evolution.md`` : les noms de fichiers n'étaient mis que dans un bloc de code.
Chaque texte de l'utilisateur (noms de fichiers compris) passe désormais par le
même filtre ``md`` dans les trois rapports, vérifiés ici avec la même stratégie.

Point 3 : un nom de 500 000 caractères coûtait plus d'une minute à ``rapport``,
``radar`` et ``evolution -o`` ; les textes dessinés sont bornés (``couper``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.calculs.comparaison import comparer, evolution
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Action, Campagne, Objectif
from diagnum.cli import app
from diagnum.rapports.graphiques import LIGNES_MAX, couper, figure_radar
from diagnum.rapports.progression import contexte_evolution, contexte_progression, rendre
from diagnum.rapports.rapport import texte_rapport
from outils_progression import APRES, AVANT, jetons_markdown
from strategies_hostiles import nom_de_fichier_hostile, texte_hostile

runner = CliRunner()


@functools.cache
def exemples() -> tuple[Campagne, Campagne, object]:
    avant, referentiel = charger_campagne(AVANT)
    apres, _ = charger_campagne(APRES)
    return avant, apres, referentiel


def habiller(campagne: Campagne, textes: list[str], fichier: str) -> Campagne:
    """La campagne avec un texte hostile dans chaque texte libre, et un nom de fichier hostile."""
    nom, commune, libelle, commentaires, action = textes
    objectifs = tuple(
        o._replace(actions=(Action(action, responsable=action, statut="prevue"),)) for o in campagne.objectifs
    ) or (Objectif(campagne_domaine(campagne), 50.0, None, (Action(action, responsable=action),)),)
    return dataclasses.replace(
        campagne,
        chemin=f"campagnes/{fichier}",
        etablissement=campagne.etablissement._replace(nom=nom, commune=commune),
        campagne=libelle,
        commentaires=commentaires,
        objectifs=objectifs,
    )


def campagne_domaine(campagne: Campagne) -> str:
    return next(iter(campagne.reponses))


def trois_rapports(textes: list[str], fichiers: list[str]) -> dict[str, str]:
    """Le texte des trois rapports Markdown pour ces textes libres et ces noms de fichiers."""
    avant, apres, referentiel = exemples()
    avant = habiller(avant, textes, fichiers[0])
    apres = habiller(apres, [t[::-1] for t in textes], fichiers[1])
    return {
        "rapport": texte_rapport(apres, referentiel, calculer_profil(apres, referentiel)),
        "progression": rendre("progression.md.j2", contexte_progression(comparer(avant, apres, referentiel))),
        "evolution": rendre("evolution.md.j2", contexte_evolution(evolution([avant, apres], referentiel))),
    }


def structure(texte: str) -> list[tuple[str, str, int]]:
    return [(j.type, j.tag, j.nesting) for j in jetons_markdown(texte) if j.type != "text"]


def sage(texte: str) -> str:
    """Le même texte, chaque caractère visible remplacé par « x » (mêmes blancs, mêmes lignes)."""
    return re.sub(r"\S", "x", texte)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    textes=st.lists(texte_hostile, min_size=5, max_size=5),
    fichiers=st.lists(nom_de_fichier_hostile, min_size=2, max_size=2),
)
def test_aucun_texte_de_l_utilisateur_ne_change_la_structure_d_un_rapport(textes, fichiers):
    pieges = trois_rapports(textes, fichiers)
    sages = trois_rapports([sage(t) for t in textes], [sage(f) for f in fichiers])
    for nom, texte in pieges.items():
        assert structure(texte) == structure(sages[nom]), f"{nom} : un texte libre a changé la structure"
        types = {j.type for j in jetons_markdown(texte)}
        assert not types & {"html_inline", "html_block"}, nom
        assert "\x1b" not in texte and "\u202e" not in texte, nom


def test_nom_de_fichier_piege_dans_evolution_md(tmp_path):
    """Reproducteur du point 4, par la ligne de commande."""
    piege = tmp_path / "a\n# TITRE <img src=x onerror=alert(1)>.yaml"
    piege.write_bytes(AVANT.read_bytes())
    resultat = runner.invoke(app, ["evolution", str(piege), str(APRES), "-o", str(tmp_path / "evo")])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout == f"{tmp_path / 'evo' / 'evolution.md'} : rapport d'évolution écrit\n"
    texte = (tmp_path / "evo" / "evolution.md").read_text(encoding="utf-8")
    jetons = jetons_markdown(texte)
    assert [j.tag for j in jetons if j.type == "heading_open"].count("h1") == 1
    assert not {j.type for j in jetons} & {"html_inline", "html_block"}
    assert "fichier a \\# TITRE \\<img src=x onerror=alert(1)>.yaml" in texte


# --------------------------------------------------------------------------
# Point 3 : des textes longs, un coût borné


def test_couper_borne_le_texte_dessine():
    coupe = couper("Collège " * 62_500, 70, LIGNES_MAX)
    lignes = coupe.split("\n")
    assert len(lignes) == LIGNES_MAX and all(len(ligne) <= 70 for ligne in lignes)
    assert lignes[-1].endswith(" …")
    assert couper("\x1b[2J Jean\nMoulin", 70, LIGNES_MAX) == "\\x1b[2J Jean Moulin"
    # Sans borne (textes du référentiel) : tout le texte, comme avant.
    assert couper("mot " * 50, 20).count("\n") == 9


@pytest.mark.parametrize("longueur", [500_000])
def test_un_nom_immense_ne_dessine_qu_un_titre_borne(longueur):
    _, apres, referentiel = exemples()
    nom = ("Collège " * (longueur // 8 + 1))[:longueur]
    campagne = dataclasses.replace(apres, etablissement=apres.etablissement._replace(nom=nom))
    figure = figure_radar([calculer_profil(campagne, referentiel)])
    titre = figure._suptitle.get_text()
    assert titre.startswith("Diagramme de synthèse — Collège")
    assert titre.count("\n") < LIGNES_MAX and len(titre) <= 70 * LIGNES_MAX + LIGNES_MAX


def test_valider_refuse_un_nom_de_500_000_caracteres(tmp_path):
    """Reproducteur du point 3 : le nom est refusé par valider, donc par rapport, radar et evolution."""
    texte = APRES.read_text(encoding="utf-8")
    fichier = tmp_path / "long.yaml"
    fichier.write_text(re.sub(r"\n  nom: .*", '\n  nom: "' + "Collège " * 62_500 + '"', texte, count=1), "utf-8")
    for arguments in (
        ["valider", "--format", "parsable"],
        ["rapport", "-o", str(tmp_path / "r")],
        ["radar", "-o", str(tmp_path / "r.png")],
    ):
        resultat = runner.invoke(app, [arguments[0], str(fichier), *arguments[1:]])
        assert resultat.exit_code == 1, resultat.output
        sortie = resultat.stdout if arguments[0] == "valider" else resultat.stderr
        assert (
            f"{fichier}:9:8: [erreur] etablissement.nom : texte trop long (500 000 caractères, au plus 300)" in sortie
        )
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["long.yaml"]
