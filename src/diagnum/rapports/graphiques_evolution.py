"""Le graphique de ``diagnum evolution`` : une courbe par domaine, campagne après campagne.

Même style que les autres graphiques (``graphiques.contexte_graphique`` :
police fixe, textes de l'utilisateur dessinés tels quels, PNG sans métadonnée
variable). matplotlib n'est importé que pendant le dessin ; le résultat est
l'image en octets, l'écriture sur disque reste au bord.
"""

from __future__ import annotations

from diagnum.calculs.comparaison import Evolution
from diagnum.rapports.graphiques import GRIS, PALETTE, contexte_graphique, couper, figure_en_png, nouvelle_figure

MARQUEURS = ("o", "s", "^", "D", "v", "P", "X", "*")


def courbes_evolution_png(evo: Evolution, titre: str | None = None) -> bytes:
    """Les scores (0 à 100) de chaque domaine au fil des campagnes, en PNG.

    Un score absent (domaine sans réponse comptée) laisse un trou dans la courbe.
    """
    if not evo.profils:
        raise ValueError("courbes_evolution_png : au moins une campagne est attendue")
    positions = list(range(len(evo.profils)))
    with contexte_graphique():
        figure = nouvelle_figure(11, 6)
        axe = figure.add_axes((0.07, 0.16, 0.58, 0.72))
        for i, serie in enumerate(evo.domaines):
            axe.plot(
                positions,
                [float("nan") if s is None else s for s in serie.scores],
                marker=MARQUEURS[i % len(MARQUEURS)],
                color=PALETTE[i % len(PALETTE)],
                linewidth=2.2,
                markersize=7,
                label=couper(serie.axe, 32),
            )
        axe.set_xticks(positions, [couper(libelle, 14) for libelle in evo.libelles])
        axe.set_xlim(-0.3, len(positions) - 0.7)
        axe.set_ylim(0, 100)
        axe.set_yticks([0, 20, 40, 60, 80, 100])
        axe.set_ylabel("Score (0 à 100)", color=GRIS)
        axe.grid(True, axis="y", color="#DDDDDD")
        for cote in ("top", "right"):
            axe.spines[cote].set_visible(False)
        axe.legend(loc="upper left", bbox_to_anchor=(1.03, 1), frameon=False, fontsize=10.5, labelspacing=0.9)
        nom = evo.profils[-1].etablissement.nom
        titre = titre or "Évolution des scores par domaine" + (f" — {nom}" if nom else "")
        figure.suptitle(couper(titre, 80), fontsize=14, fontweight="bold", y=0.97, va="top")
        return figure_en_png(figure)
