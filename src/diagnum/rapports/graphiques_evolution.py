"""Le graphique de ``diagnum evolution`` : une courbe par domaine, campagne après campagne.

Même style que les autres graphiques (``graphiques.contexte_graphique`` :
police fixe, textes de l'utilisateur dessinés tels quels, PNG sans métadonnée
variable). matplotlib n'est importé que pendant le dessin ; le résultat est
l'image en octets, l'écriture sur disque reste au bord.

Fait pour l'impression : chaque courbe a sa couleur (palette d'Okabe et Ito,
sans le jaune, illisible sur blanc), son marqueur et son style de trait, ce qui
la distingue aussi en noir et blanc ; chaque point porte sa valeur ; l'axe va
un peu au-delà de 0 et de 100 pour qu'aucun point ne soit coupé.
"""

from __future__ import annotations

from collections.abc import Sequence

from diagnum.affichage import score_fr
from diagnum.calculs.comparaison import Evolution
from diagnum.rapports.graphiques import (
    DPI,
    GRIS,
    LIGNES_MAX,
    PALETTE,
    axe_des_scores,
    contexte_graphique,
    couper,
    figure_en_png,
    nouvelle_figure,
    titre_figure,
)

MARQUEURS = ("o", "s", "^", "D", "v", "P", "X", "*")
TRAITS = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 1)))
COULEURS = tuple(c for c in PALETTE if c != "#F0E442")
# Écart vertical minimal entre deux étiquettes d'une même campagne (en points de score).
ECART_ETIQUETTES = 4.2


def ecarter(
    valeurs: Sequence[float], ecart: float = ECART_ETIQUETTES, bas: float = -4, haut: float = 104
) -> list[float]:
    """Les hauteurs des étiquettes de ``valeurs`` (même ordre), écartées d'au moins ``ecart``
    et gardées entre ``bas`` et ``haut`` ; chacune reste au plus près de sa valeur."""
    ordre = sorted(range(len(valeurs)), key=lambda i: valeurs[i])
    places = [float(valeurs[i]) for i in ordre]
    for k in range(1, len(places)):
        places[k] = max(places[k], places[k - 1] + ecart)
    debordement = places[-1] - haut if places else 0
    if debordement > 0:
        places[-1] -= debordement
        for k in range(len(places) - 2, -1, -1):
            places[k] = min(places[k], places[k + 1] - ecart)
    places = [max(p, bas) for p in places]
    resultat = [0.0] * len(valeurs)
    for k, i in enumerate(ordre):
        resultat[i] = places[k]
    return resultat


def courbes_evolution_png(evo: Evolution, titre: str | None = None, dpi: int = DPI) -> bytes:
    """Les scores (0 à 100) de chaque domaine au fil des campagnes, en PNG.

    Un score absent (domaine sans réponse comptée) laisse un trou dans la courbe.
    """
    if not evo.profils:
        raise ValueError("courbes_evolution_png : au moins une campagne est attendue")
    positions = list(range(len(evo.profils)))
    with contexte_graphique():
        figure = nouvelle_figure(11, 6.5)
        axe = figure.add_axes((0.07, 0.15, 0.56, 0.74))
        for i, serie in enumerate(evo.domaines):
            axe.plot(
                positions,
                [float("nan") if s is None else s for s in serie.scores],
                marker=MARQUEURS[i % len(MARQUEURS)],
                color=COULEURS[i % len(COULEURS)],
                linestyle=TRAITS[i % len(TRAITS)],
                linewidth=2,
                markersize=7,
                clip_on=False,
                zorder=3,
                label=couper(serie.axe, 32),
            )
        for x in positions:
            points = [(i, s.scores[x]) for i, s in enumerate(evo.domaines) if s.scores[x] is not None]
            hauteurs = ecarter([v for _, v in points])
            for (i, valeur), hauteur in zip(points, hauteurs, strict=True):
                axe.annotate(
                    score_fr(valeur),
                    (x, valeur),
                    xytext=(x + 0.06, hauteur),
                    textcoords="data",
                    ha="left",
                    va="center",
                    fontsize=8.5,
                    color=COULEURS[i % len(COULEURS)],
                    fontweight="bold",
                    annotation_clip=False,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                    zorder=4,
                )
        axe.set_xticks(positions, [couper(libelle, 14, LIGNES_MAX) for libelle in evo.libelles])
        axe.set_xlim(-0.3, len(positions) - 0.55)
        axe.set_ylim(-5, 105)
        axe.set_yticks([0, 20, 40, 60, 80, 100])
        axe_des_scores(axe, couleur=GRIS)
        axe.legend(
            loc="upper left", bbox_to_anchor=(1.03, 1), frameon=False, fontsize=10.5, labelspacing=0.9, handlelength=3.2
        )
        nom = evo.profils[-1].etablissement.nom
        titre = titre or "Évolution des scores par domaine" + (f" — {nom}" if nom else "")
        titre_figure(figure, titre, 80, 14)
        return figure_en_png(figure, dpi)
