"""Les graphiques de la synthèse : une boîte à moustaches par domaine, pour une campagne.

Les boîtes sont dessinées d'après les résumés déjà calculés (``Resume``) :
le graphique montre exactement les quartiles du tableau (même méthode),
moustaches du minimum au maximum, losange à la moyenne. matplotlib n'est
importé qu'ici, au moment de dessiner.
"""

from __future__ import annotations

from collections.abc import Sequence

from diagnum.rapports.graphiques import (
    DPI,
    GRIS,
    PALETTE,
    axe_des_scores,
    contexte_graphique,
    couper,
    figure_en_png,
    nouvelle_figure,
    titre_figure,
)
from diagnum.territoire.statistiques import Resume


def boites_png(boites: Sequence[tuple[str, Resume | None]], titre: str, dpi: int = DPI) -> bytes:
    """Un PNG : une boîte par (libellé, résumé) ; un résumé absent (pas de score, ou non publié) laisse
    sa place vide avec la mention « non publié »."""
    with contexte_graphique():
        figure = nouvelle_figure(10, 5.6)
        axe = figure.add_axes((0.08, 0.2, 0.9, 0.68))
        statistiques = []
        positions = []
        for i, (_, resume) in enumerate(boites, 1):
            if resume is None:
                axe.text(i, 50, "non publié", ha="center", va="center", rotation=90, color=GRIS, fontsize=10)
                continue
            positions.append(i)
            statistiques.append(
                {
                    "med": resume.mediane,
                    "q1": resume.q1,
                    "q3": resume.q3,
                    "whislo": resume.q1 if resume.minimum is None else resume.minimum,
                    "whishi": resume.q3 if resume.maximum is None else resume.maximum,
                    "mean": resume.moyenne,
                    "fliers": [],
                }
            )
        if statistiques:
            axe.bxp(
                statistiques,
                positions=positions,
                widths=0.55,
                showmeans=True,
                patch_artist=True,
                boxprops={"facecolor": "#CFE3F2", "edgecolor": PALETTE[0], "linewidth": 1.5},
                medianprops={"color": PALETTE[1], "linewidth": 2.5},
                whiskerprops={"color": PALETTE[0]},
                capprops={"color": PALETTE[0]},
                meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black", "markersize": 6},
            )
        axe.set_xlim(0.4, len(boites) + 0.6)
        axe.set_ylim(0, 100)
        axe.set_xticks(range(1, len(boites) + 1), [couper(libelle, 16) for libelle, _ in boites], fontsize=9.5)
        axe_des_scores(axe)
        axe.set_axisbelow(True)
        titre_figure(figure, titre, 90, 13)
        sans_extremes = any(r is not None and r.minimum is None for _, r in boites)
        figure.text(
            0.5,
            0.02,
            "Boîte : du premier au troisième quartile ; trait : médiane ; losange : moyenne ; "
            + ("sans moustaches (ni minimum ni maximum)." if sans_extremes else "moustaches : du minimum au maximum."),
            ha="center",
            fontsize=9,
            color=GRIS,
        )
        return figure_en_png(figure, dpi)
