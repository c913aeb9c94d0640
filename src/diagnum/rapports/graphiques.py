"""Les graphiques : une fonction par graphique, qui rend les octets d'un PNG.

- ``radar_png`` : le diagramme de synthèse (sept axes de 0 à 100, un polygone
  par campagne, superposés comme dans l'annexe 4.2 du référentiel) ;
- ``repartition_png`` : les répartitions jamais / occasionnellement /
  régulièrement d'un domaine d'usage, en barres horizontales empilées.

Le même appel donne toujours les mêmes octets : police fixe (DejaVu Sans,
livrée avec matplotlib), résolution fixe, aucune date ni version dans les
métadonnées du PNG. Les textes venant de l'utilisateur (nom d'établissement,
libellé de campagne) sont dessinés tels quels : ``$``, ``_`` ou ``<`` n'y
sont ni des formules ni des commandes.

matplotlib n'est importé que dans les fonctions qui dessinent (API
``Figure``, pas ``pyplot`` ; canevas Agg), pour que ``diagnum valider``
démarre vite. Pour un nouveau graphique : ``with contexte_graphique():``,
``nouvelle_figure(...)``, puis ``figure_en_png(figure)``.
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from diagnum.affichage import modalite, nombre_fr, score_fr
from diagnum.referentiel import MODALITES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from diagnum.calculs.scores import Profil
    from diagnum.territoire.repere import Repere

# Palette d'Okabe et Ito : distinguable par les daltoniens.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
COULEURS_MODALITES = dict(zip(MODALITES, ("#D55E00", "#F0E442", "#0072B2"), strict=True))
TEXTE_SUR_MODALITE = dict(zip(MODALITES, ("white", "black", "white"), strict=True))
GRIS = "#555555"
DPI = 100
# Pour l'impression (HTML et PDF) : 200 points par pouce, comme un document imprimé net.
DPI_IMPRESSION = 200
POLICE = "DejaVu Sans"
STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": [POLICE],
    "font.size": 11,
    "text.parse_math": False,
    "text.usetex": False,
    "axes.unicode_minus": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "path.simplify": False,
}


#: Un texte de l'utilisateur (nom, libellé de campagne) tient en autant de lignes dans un graphique.
LIGNES_MAX = 3


def couper(texte: str, largeur: int, lignes_max: int | None = None) -> str:
    """Un texte coupé en lignes d'au plus ``largeur`` caractères (sans couper les mots).

    Avec ``lignes_max`` (textes de l'utilisateur), au plus tant de lignes, la dernière finie
    par « … » : le coût du dessin ne dépend plus de la longueur du texte. Les caractères de
    contrôle s'affichent échappés (``echapper_terminal``).
    """
    from diagnum.echappement import echapper_terminal

    if lignes_max is not None:
        texte = texte[: 2 * largeur * lignes_max]  # assez pour remplir les lignes, jamais tout un roman
    ligne = echapper_terminal(" ".join(texte.split()))
    lignes = textwrap.wrap(ligne, largeur, break_long_words=True, max_lines=lignes_max, placeholder=" …")
    return "\n".join(lignes) or " "


@contextlib.contextmanager
def contexte_graphique() -> Iterator[None]:
    """Le style commun à tous les graphiques, le temps de dessiner et d'enregistrer."""
    import warnings

    import matplotlib

    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
        # Un caractère absent de la police (un emoji dans un nom) devient un carré, sans bruit.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def nouvelle_figure(largeur: float, hauteur: float) -> Figure:
    """Une figure de ``largeur`` × ``hauteur`` pouces (100 pixels par pouce), sur canevas Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(largeur, hauteur), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def sans_cadre(axe) -> None:
    """Ni trait en haut ni à droite : seuls les axes qui portent une échelle."""
    for cote in ("top", "right"):
        axe.spines[cote].set_visible(False)


def axe_des_scores(axe, couleur: str | None = None) -> None:
    """Un axe vertical de scores de 0 à 100 : son titre, un quadrillage horizontal léger, sans cadre."""
    axe.set_ylabel("Score (0 à 100)", **({"color": couleur} if couleur else {}))
    axe.grid(True, axis="y", color="#DDDDDD")
    sans_cadre(axe)


def titre_figure(figure: Figure, titre: str, largeur: int, taille: float, y: float = 0.97) -> None:
    """Le titre d'une figure, en gras, coupé à ``largeur`` caractères (au plus ``LIGNES_MAX`` lignes)."""
    figure.suptitle(couper(titre, largeur, LIGNES_MAX), fontsize=taille, fontweight="bold", y=y, va="top")


def figure_en_png(figure: Figure, dpi: int = DPI) -> bytes:
    """Les octets du PNG à ``dpi`` points par pouce, sans métadonnée variable (ni logiciel, ni date)."""
    import io

    tampon = io.BytesIO()
    figure.savefig(tampon, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return tampon.getvalue()


def etiquette_profil(profil: Profil, avec_nom: bool) -> str:
    """La légende d'une campagne : son libellé, précédé du nom de l'établissement si besoin."""
    if avec_nom:
        nom = profil.etablissement.nom if profil.etablissement and profil.etablissement.nom else "Établissement"
        return f"{nom} — {profil.campagne}"
    return str(profil.campagne)


def _noms(profils: Sequence[Profil]) -> set[str | None]:
    return {p.etablissement.nom if p.etablissement else None for p in profils}


def _suffixe(marque: str, concernes: list[str], total: int) -> str:
    if not concernes:
        return ""
    if total == 1 or len(concernes) == total:
        return f"({marque})"
    return f"({marque} : {len(concernes)} campagne{'s' if len(concernes) > 1 else ''} sur {total})"


def radar_png(
    profils: Sequence[Profil], titre: str | None = None, dpi: int = DPI, repere: Repere | None = None
) -> bytes:
    """Le diagramme de synthèse d'une ou de plusieurs campagnes, superposées (PNG).

    Un domaine sans score est dessiné à 0 et son axe porte « (sans score) » ;
    un score provisoire a un point creux et son axe porte « (provisoire) ».
    Les scores de la dernière campagne sont écrits à côté de ses points (une ou
    deux campagnes : celle d'un rapport, ou la nouvelle d'une progression).
    Avec un ``repere`` (``diagnum synthese``), la médiane du territoire (tirets
    gris) et la bande du premier au troisième quartile sont dessinées derrière.
    """
    with contexte_graphique():
        return figure_en_png(figure_radar(profils, titre, repere), dpi)


def _dessiner_repere(axe, angles: list[float], domaines, repere: Repere) -> list[tuple[object, str]]:
    """La bande interquartile et le polygone médian du territoire ; rend les entrées de légende."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    situations = [repere.situations.get(d.id) for d in domaines]
    boucle = [*angles, angles[0]]

    def valeurs(champ: str) -> list[float]:
        liste = [getattr(s, champ) if s is not None else math.nan for s in situations]
        return [*liste, liste[0]]

    axe.fill_between(boucle, valeurs("q1"), valeurs("q3"), color=GRIS, alpha=0.22, linewidth=0, zorder=1)
    axe.plot(boucle, valeurs("mediane"), color=GRIS, linewidth=1.8, linestyle="--", zorder=1.5)
    n = repere.etablissements
    return [
        (Line2D([], [], color=GRIS, linewidth=1.8, linestyle="--"), f"médiane des {n} établissements du territoire"),
        (Patch(facecolor=GRIS, alpha=0.22), "du 1er au 3e quartile du territoire"),
    ]


def figure_radar(profils: Sequence[Profil], titre: str | None = None, repere: Repere | None = None) -> Figure:
    """La figure du diagramme de synthèse (voir ``radar_png``)."""
    from matplotlib.lines import Line2D

    if not profils:
        raise ValueError("radar_png : au moins un profil est attendu")
    domaines = profils[0].domaines
    n = len(domaines)
    angles = [2 * math.pi * i / n for i in range(n)]
    avec_nom = len(_noms(profils)) > 1
    etiquettes = [etiquette_profil(p, avec_nom) for p in profils]
    if titre is None:
        nom = profils[0].etablissement.nom if profils[0].etablissement else None
        titre = "Diagramme de synthèse" + (f" — {nom}" if nom and not avec_nom else "")

    with contexte_graphique():
        figure = nouvelle_figure(10, 9.6)
        axe = figure.add_axes((0.2, 0.185, 0.6, 0.6 * 10 / 9.6), projection="polar")
        axe.set_theta_offset(math.pi / 2)
        axe.set_theta_direction(-1)
        axe.set_ylim(0, 100)
        axe.set_yticks([20, 40, 60, 80, 100], ["20", "40", "60", "80", "100"], color=GRIS, fontsize=9)
        axe.set_rlabel_position(180 / n)
        axe.set_xticks(angles, [""] * n)
        axe.grid(color="#BBBBBB", linewidth=0.8)
        axe.spines["polar"].set_color("#999999")
        territoire = _dessiner_repere(axe, angles, domaines, repere) if repere is not None else []

        for i, profil in enumerate(profils):
            couleur = PALETTE[i % len(PALETTE)]
            style = ("-", "--", ":", "-.")[(i // len(PALETTE)) % 4]
            valeurs = []
            for d in domaines:
                sd = profil.domaine(d.id)
                valeurs.append(sd.score if sd is not None and sd.score is not None else 0.0)
            boucle_a, boucle_v = [*angles, angles[0]], [*valeurs, valeurs[0]]
            axe.fill(boucle_a, boucle_v, color=couleur, alpha=0.18, zorder=2)
            axe.plot(boucle_a, boucle_v, color=couleur, linewidth=2.2, linestyle=style, zorder=3)
            for angle, valeur, d in zip(angles, valeurs, domaines, strict=True):
                sd = profil.domaine(d.id)
                if sd is None or sd.score is None:
                    axe.plot([angle], [0], marker="x", color=couleur, markersize=9, mew=2, zorder=4)
                elif sd.provisoire:
                    axe.plot([angle], [valeur], marker="o", mfc="white", mec=couleur, mew=2, ms=8, zorder=4)
                else:
                    axe.plot([angle], [valeur], marker="o", color=couleur, ms=6, zorder=4)
                if i == len(profils) - 1 and len(profils) <= 2 and sd is not None and sd.score is not None:
                    axe.annotate(
                        score_fr(sd.score),
                        (angle, valeur),
                        xytext=(0, 9),
                        textcoords="offset points",
                        ha="center",
                        fontsize=10,
                        color=couleur,
                        fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                        zorder=5,
                    )

        for angle, d in zip(angles, domaines, strict=True):
            scores = [(etiquette, p.domaine(d.id)) for etiquette, p in zip(etiquettes, profils, strict=True)]
            sans = [e for e, sd in scores if sd is None or sd.score is None]
            provisoires = [e for e, sd in scores if sd is not None and sd.score is not None and sd.provisoire]
            texte = couper(d.axe, 18)
            for suffixe in (
                _suffixe("sans score", sans, len(profils)),
                _suffixe("provisoire", provisoires, len(profils)),
            ):
                if suffixe:
                    texte += "\n" + couper(suffixe, 24)
            x, y = math.sin(angle), math.cos(angle)
            axe.text(
                angle,
                112,
                texte,
                ha="left" if x > 0.1 else "right" if x < -0.1 else "center",
                va="bottom" if y > 0.1 else "top" if y < -0.1 else "center",
                fontsize=11.5,
                clip_on=False,
                linespacing=1.15,
            )

        poignees = [
            Line2D([], [], color=PALETTE[i % len(PALETTE)], linewidth=2.5, marker="o") for i in range(len(profils))
        ]
        libelles = [couper(e, 60, LIGNES_MAX) for e in etiquettes]
        poignees += [poignee for poignee, _ in territoire]
        libelles += [libelle for _, libelle in territoire]
        if any(sd.provisoire for p in profils for sd in p.domaines if sd.score is not None):
            poignees.append(Line2D([], [], linestyle="", marker="o", mfc="white", mec=GRIS, mew=2, ms=8))
            libelles.append("score provisoire (moins de la moitié des réponses)")
        if any(sd.score is None for p in profils for sd in p.domaines):
            poignees.append(Line2D([], [], linestyle="", marker="x", color=GRIS, mew=2, ms=9))
            libelles.append("sans score (aucune réponse comptée), placé à 0")
        figure.legend(
            poignees,
            libelles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.015),
            ncol=2 if len(libelles) > 3 else 1,
            frameon=False,
            fontsize=11,
        )
        titre_figure(figure, titre, 70, 15, y=0.98)
        figure.text(0.5, 0.945, "Scores de 0 à 100", ha="center", va="top", fontsize=10, color=GRIS)
        return figure


def repartition_png(barres: Sequence[tuple[str, Mapping[str, int]]], titre: str | None = None, dpi: int = DPI) -> bytes:
    """Barres horizontales empilées (PNG) : pour chaque indicateur (libellé, effectifs
    par modalité), la part de jamais, d'occasionnellement et de régulièrement.

    Chaque segment porte son effectif et sa part ; un segment trop étroit pour
    son étiquette est nommé à droite de sa barre."""
    with contexte_graphique():
        return figure_en_png(figure_repartition(barres, titre), dpi)


def figure_repartition(barres: Sequence[tuple[str, Mapping[str, int]]], titre: str | None = None) -> Figure:
    """La figure des répartitions (voir ``repartition_png``)."""
    if not barres:
        raise ValueError("repartition_png : au moins une barre est attendue")
    n = len(barres)
    libelles = [couper(libelle.rstrip(" :\u00a0"), 42) for libelle, _ in barres]
    lignes = max(texte.count("\n") + 1 for texte in libelles)
    hauteur_barre = max(0.9, 0.3 * lignes + 0.3)
    with contexte_graphique():
        hauteur = 1.6 + hauteur_barre * n
        figure = nouvelle_figure(10, hauteur)
        bas, haut = 0.5 / hauteur, 1 - (1.1 if titre else 0.6) / hauteur
        axe = figure.add_axes((0.37, bas, 0.43, haut - bas))
        positions = list(range(n))[::-1]
        etroits: list[list[str]] = [[] for _ in barres]
        for modalite_id in MODALITES:
            gauches = []
            largeurs = []
            for _, effectifs in barres:
                total = sum(effectifs.get(m, 0) for m in MODALITES)
                avant = sum(effectifs.get(m, 0) for m in MODALITES[: MODALITES.index(modalite_id)])
                gauches.append(100 * avant / total if total else 0)
                largeurs.append(100 * effectifs.get(modalite_id, 0) / total if total else 0)
            axe.barh(
                positions,
                largeurs,
                left=gauches,
                height=0.6,
                color=COULEURS_MODALITES[modalite_id],
                edgecolor="white",
                linewidth=1,
                label=modalite(modalite_id),
            )
            for y, gauche, largeur, (_, effectifs) in zip(positions, gauches, largeurs, barres, strict=True):
                if largeur >= 9:
                    axe.text(
                        gauche + largeur / 2,
                        y,
                        f"{effectifs.get(modalite_id, 0)}\n{nombre_fr(largeur, 0)}\u00a0%",
                        ha="center",
                        va="center",
                        fontsize=9.5,
                        color=TEXTE_SUR_MODALITE[modalite_id],
                        linespacing=1.1,
                    )
                elif largeur > 0:
                    etroits[positions.index(y)].append(
                        f"{modalite(modalite_id)} : {effectifs.get(modalite_id, 0)} ({nombre_fr(largeur, 0)}\u00a0%)"
                    )
        for y, textes in zip(positions, etroits, strict=True):
            if textes:
                axe.text(102, y, "\n".join(textes), ha="left", va="center", fontsize=9, color="black", clip_on=False)
        axe.set_xlim(0, 100)
        axe.set_ylim(-0.6, n - 0.4)
        axe.set_yticks(positions, libelles, fontsize=10)
        axe.set_xticks([0, 25, 50, 75, 100], ["0\u00a0%", "25\u00a0%", "50\u00a0%", "75\u00a0%", "100\u00a0%"])
        axe.tick_params(axis="y", length=0)
        sans_cadre(axe)
        axe.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncol=3,
            frameon=False,
            fontsize=10,
            handlelength=1.2,
        )
        if titre:
            titre_figure(figure, titre, 90, 12.5, y=1 - 0.15 / hauteur)
        return figure


# --------------------------------------------------------------------------
# Le diagramme de synthèse en SVG, sans matplotlib (documents courts de ``diagnum communiquer``)

#: Taille du dessin SVG (unités de l'attribut viewBox, des pixels CSS à 100 %).
LARGEUR_SVG, HAUTEUR_SVG = 640, 570


def _largeur_caractere(c: str) -> float:
    """La chasse d'un caractère de DejaVu Sans, en fraction de la taille (estimation prudente)."""
    if c in "WMmw—@%…":
        return 1.0
    if c in " iljtf.,;:!|'’()[]":
        return 0.36
    if c.isupper() or c.isdigit():
        return 0.74
    return 0.64


def couper_svg(texte: str, largeur: float, taille: float, lignes_max: int = LIGNES_MAX, gras: bool = False) -> str:
    """Un texte en lignes qui tiennent dans ``largeur`` (unités SVG) à la taille ``taille`` : un dessin SVG ne
    coupe pas ce qui dépasse, et un PDF ne doit rien avoir hors de sa page. Au plus ``lignes_max`` lignes, la
    dernière finie par « … » ; un mot trop long est coupé où il faut. Contrôles échappés (``echapper_terminal``)."""
    from diagnum.echappement import echapper_terminal

    echelle = taille * (1.1 if gras else 1.0)
    mots = echapper_terminal(" ".join(texte[: 400 * lignes_max].split())).split(" ")
    lignes: list[str] = []
    courante = ""
    for mot in mots:
        essai = f"{courante} {mot}" if courante else mot
        if sum(_largeur_caractere(c) for c in essai) * echelle <= largeur:
            courante = essai
            continue
        if courante:
            lignes.append(courante)
        courante = ""
        for c in mot:  # un mot plus large que la ligne : coupé
            if sum(_largeur_caractere(x) for x in courante + c) * echelle > largeur:
                lignes.append(courante)
                courante = ""
            courante += c
    lignes.append(courante)
    if len(lignes) > lignes_max:
        derniere = lignes[lignes_max - 1]
        while derniere and sum(_largeur_caractere(c) for c in derniere + " …") * echelle > largeur:
            derniere = derniere[:-1]
        lignes = [*lignes[: lignes_max - 1], derniere.rstrip() + " …"]
    return "\n".join(lignes) or " "


def _echapper_svg(texte: str) -> str:
    from xml.sax.saxutils import escape

    from diagnum.echappement import echapper_controles

    return escape(echapper_controles(texte), {'"': "&quot;"})


def _texte_svg(x: float, y: float, texte: str, ancre: str = "middle", taille: float = 13, **attributs: str) -> str:
    """Un texte de plusieurs lignes (``\\n``) : une ``tspan`` par ligne, centrée verticalement sur ``y``
    quand ``attributs`` ne dit rien d'autre."""
    lignes = texte.split("\n")
    hauteur = taille * 1.15
    debut = y - hauteur * (len(lignes) - 1) / 2 if attributs.pop("centre", "oui") == "oui" else y
    extra = "".join(f' {cle.replace("_", "-")}="{valeur}"' for cle, valeur in attributs.items())
    morceaux = [
        f'<tspan x="{x:.1f}" y="{debut + i * hauteur:.1f}">{_echapper_svg(ligne)}</tspan>'
        for i, ligne in enumerate(lignes)
    ]
    return f'<text text-anchor="{ancre}" font-size="{taille}"{extra}>{"".join(morceaux)}</text>'


def radar_svg(profils: Sequence[Profil], titre: str | None = None) -> bytes:
    """Le diagramme de synthèse d'une ou de plusieurs campagnes superposées, en SVG écrit à la main :
    même géométrie, mêmes couleurs et mêmes marques que ``radar_png`` (axes de 0 au centre à 100 au
    bord, le premier en haut, dans le sens des aiguilles d'une montre ; cercle vide pour un score
    provisoire, croix pour un domaine sans score), sans importer matplotlib (une à deux secondes de moins
    pour un document d'une page). Le même appel rend toujours les mêmes octets."""
    if not profils:
        raise ValueError("radar_svg : au moins un profil est attendu")
    domaines = profils[0].domaines
    n = len(domaines)
    cx, cy, rayon = LARGEUR_SVG / 2, 300, 165
    avec_nom = len(_noms(profils)) > 1
    etiquettes = [etiquette_profil(p, avec_nom) for p in profils]
    if titre is None:
        nom = profils[0].etablissement.nom if profils[0].etablissement else None
        titre = "Diagramme de synthèse" + (f" — {nom}" if nom and not avec_nom else "")

    def point(i: int, valeur: float) -> tuple[float, float]:
        angle = 2 * math.pi * i / n
        return cx + rayon * valeur / 100 * math.sin(angle), cy - rayon * valeur / 100 * math.cos(angle)

    ligne_titre = couper_svg(titre, LARGEUR_SVG - 40, 17, gras=True)
    morceaux = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR_SVG} {HAUTEUR_SVG}" '
        f'width="{LARGEUR_SVG}" height="{HAUTEUR_SVG}" font-family="{POLICE}, sans-serif">',
        f'<rect width="{LARGEUR_SVG}" height="{HAUTEUR_SVG}" fill="white"/>',
        _texte_svg(cx, 26, ligne_titre, taille=17, font_weight="bold", centre="non"),
        _texte_svg(cx, 48 + 20 * ligne_titre.count("\n"), "Scores de 0 à 100", taille=11, fill=GRIS),
    ]
    for graduation in (20, 40, 60, 80, 100):
        morceaux.append(
            f'<circle cx="{cx}" cy="{cy}" r="{rayon * graduation / 100:.1f}" fill="none" '
            f'stroke="{"#999999" if graduation == 100 else "#BBBBBB"}" stroke-width="0.8"/>'
        )
    for i, d in enumerate(domaines):
        x, y = point(i, 100)
        morceaux.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#BBBBBB" stroke-width="0.8"/>')
        scores = [(e, p.domaine(d.id)) for e, p in zip(etiquettes, profils, strict=True)]
        texte = couper(d.axe, 18)
        for suffixe in (
            _suffixe("sans score", [e for e, sd in scores if sd is None or sd.score is None], len(profils)),
            _suffixe(
                "provisoire", [e for e, sd in scores if sd and sd.score is not None and sd.provisoire], len(profils)
            ),
        ):
            if suffixe:
                texte += "\n" + couper(suffixe, 24)
        lx, ly = point(i, 114)
        sinus = math.sin(2 * math.pi * i / n)
        ancre = "start" if sinus > 0.1 else "end" if sinus < -0.1 else "middle"
        morceaux.append(_texte_svg(lx, ly + 4, texte, ancre, taille=13))
    for graduation in (20, 40, 60, 80, 100):
        # Les graduations entre le premier axe et le deuxième, comme set_rlabel_position(180 / n).
        x, y = (
            cx + rayon * graduation / 100 * math.sin(math.pi / n),
            cy - rayon * graduation / 100 * math.cos(math.pi / n),
        )
        morceaux.append(_texte_svg(x + 2, y + 4, str(graduation), "start", taille=10, fill=GRIS))
    for rang, profil in enumerate(profils):
        couleur = PALETTE[rang % len(PALETTE)]
        tirets = ("", ' stroke-dasharray="8 4"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')
        tiret = tirets[(rang // len(PALETTE)) % 4]
        sommets = []
        for i, d in enumerate(domaines):
            sd = profil.domaine(d.id)
            sommets.append(point(i, sd.score if sd is not None and sd.score is not None else 0.0))
        chemin = " ".join(f"{x:.1f},{y:.1f}" for x, y in sommets)
        morceaux.append(
            f'<polygon points="{chemin}" fill="{couleur}" fill-opacity="0.18" stroke="{couleur}" '
            f'stroke-width="2.2" stroke-linejoin="round"{tiret}/>'
        )
        for i, d in enumerate(domaines):
            sd = profil.domaine(d.id)
            x, y = sommets[i]
            if sd is None or sd.score is None:
                morceaux.append(
                    f'<path d="M{x - 5:.1f},{y - 5:.1f}L{x + 5:.1f},{y + 5:.1f}M{x - 5:.1f},{y + 5:.1f}'
                    f'L{x + 5:.1f},{y - 5:.1f}" stroke="{couleur}" stroke-width="2"/>'
                )
                continue
            if sd.provisoire:
                morceaux.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="white" stroke="{couleur}" stroke-width="2"/>'
                )
            else:
                morceaux.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{couleur}"/>')
            if rang == len(profils) - 1 and len(profils) <= 2:
                morceaux.append(
                    _texte_svg(x, y - 9, score_fr(sd.score), taille=12, fill=couleur, font_weight="bold", centre="non")
                )
    legende = [
        (PALETTE[i % len(PALETTE)], couper_svg(e, LARGEUR_SVG - (cx - 105) - 10, 12)) for i, e in enumerate(etiquettes)
    ]
    y = 512.0
    for couleur, libelle in legende:
        morceaux.append(
            f'<line x1="{cx - 140}" y1="{y - 4}" x2="{cx - 115}" y2="{y - 4}" stroke="{couleur}" stroke-width="2.5"/>'
        )
        morceaux.append(f'<circle cx="{cx - 127.5}" cy="{y - 4}" r="3.5" fill="{couleur}"/>')
        morceaux.append(_texte_svg(cx - 105, y, libelle, "start", taille=12, centre="non"))
        y += 18 * (libelle.count("\n") + 1)
    if any(sd.provisoire for p in profils for sd in p.domaines if sd.score is not None):
        morceaux.append(
            f'<circle cx="{cx - 127.5}" cy="{y - 4}" r="4.5" fill="white" stroke="{GRIS}" stroke-width="2"/>'
        )
        morceaux.append(
            _texte_svg(cx - 105, y, "score provisoire (moins de la moitié des réponses)", "start", 12, centre="non")
        )
        y += 18
    if any(sd.score is None for p in profils for sd in p.domaines):
        morceaux.append(f'<text x="{cx - 132}" y="{y}" font-size="14" fill="{GRIS}">×</text>')
        morceaux.append(
            _texte_svg(cx - 105, y, "sans score (aucune réponse comptée), placé à 0", "start", 12, centre="non")
        )
        y += 18
    # La légende d'une campagne au long libellé allonge le dessin : rien n'est dessiné hors de sa boîte.
    hauteur = max(HAUTEUR_SVG, round(y + 10))
    morceaux[0] = (
        morceaux[0]
        .replace(f' {HAUTEUR_SVG}"', f' {hauteur}"')
        .replace(f'height="{HAUTEUR_SVG}"', f'height="{hauteur}"')
    )
    morceaux[1] = morceaux[1].replace(f'height="{HAUTEUR_SVG}"', f'height="{hauteur}"')
    morceaux.append("</svg>")
    return ("\n".join(morceaux) + "\n").encode("utf-8")


def taille_svg(octets: bytes) -> tuple[int, int]:
    """La largeur et la hauteur d'un dessin de ``radar_svg`` (attributs de sa balise ``svg``)."""
    import re

    trouve = re.search(rb'width="(\d+)" height="(\d+)"', octets)
    if trouve is None:
        raise ValueError("taille_svg : dessin sans largeur ni hauteur")
    return int(trouve.group(1)), int(trouve.group(2))
