"""Le format HTML : une page autonome par document écrit dans un dossier, source aussi du PDF.

- ``page_rapport`` : le rapport d'une campagne, résumé pour le conseil
  d'administration en tête (``resume_seul`` : le résumé seul) ; mêmes données
  que le Markdown (``rapport.contexte_rapport``), gabarit ``rapport.html.j2`` ;
- ``progression.page_progression`` et ``progression.page_evolution`` : ceux de
  ``compare -o`` et ``evolution -o``, mis en page par ``rendre_html`` ;
- ``questionnaire`` : le questionnaire papier d'un public (``enquete questionnaire``) ;
- ``communication`` : le document de ``diagnum communiquer`` pour un public (radar en SVG).

Une page se suffit à elle-même, envoyée par courriel ou copiée sur une clé :
images dans la page (PNG à 200 points par pouce, en ``data:``), feuille de
style incluse, aucun script, aucune ressource extérieure (une règle
Content-Security-Policy l'interdit même au navigateur). Chaque graphique a un
texte de remplacement qui en donne les valeurs. Les gabarits sont rendus avec
l'échappement automatique de Jinja2 : tout texte d'un fichier de campagne y
entre comme du texte.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from diagnum.affichage import modalite, pourcent_fr, score_fr
from diagnum.echappement import paragraphes_html
from diagnum.referentiel import MODALITES

if TYPE_CHECKING:
    import jinja2

    from diagnum.calculs.comparaison import Evolution
    from diagnum.calculs.scores import Profil
    from diagnum.campagne.modele import Campagne
    from diagnum.enquetes.questionnaire import Question
    from diagnum.rapports.communication import Communication
    from diagnum.referentiel import Public, Referentiel
    from diagnum.territoire.repere import Repere

MODELE_RAPPORT_HTML = "rapport.html.j2"
MODELE_PROGRESSION_HTML = "progression.html.j2"
MODELE_EVOLUTION_HTML = "evolution.html.j2"
MODELE_QUESTIONNAIRE = "questionnaire.html.j2"


@functools.cache
def environnement_html() -> jinja2.Environment:
    """L'environnement Jinja2 des gabarits HTML : celui des rapports (``rapport.environnement_jinja`` :
    mêmes gabarits, filtres ``nombre``, ``pourcent``, ``date_fr``) avec l'échappement automatique de
    toute valeur, et le filtre ``paragraphes`` (texte sur plusieurs lignes en ``<p>``)."""
    from markupsafe import Markup

    from diagnum.rapports.rapport import environnement_jinja

    environnement = environnement_jinja().overlay(
        autoescape=True, keep_trailing_newline=False, finalize=_controles_visibles
    )
    environnement.filters = {
        **environnement.filters,
        "paragraphes": lambda texte: Markup(paragraphes_html(texte)),
    }
    return environnement


def _controles_visibles(valeur: object) -> object:
    """Chaque valeur écrite par un gabarit HTML : ses caractères de contrôle montrés échappés
    (« \\x1b »), comme à l'écran et dans le Markdown ; le HTML déjà construit (``Markup``) passe tel quel."""
    from markupsafe import Markup

    from diagnum.echappement import echapper_controles

    if isinstance(valeur, str) and not isinstance(valeur, Markup):
        return echapper_controles(valeur)
    return valeur


def rendre_html(modele: str, contexte: Mapping[str, object]) -> str:
    """Met en page un gabarit HTML de ``modeles/``."""
    from diagnum import __version__

    return environnement_html().get_template(modele).render({"version": __version__, **contexte})


# --------------------------------------------------------------------------
# Images dans la page et leur texte de remplacement (purs, sauf le dessin)


def image(png: bytes, alt: str) -> dict[str, object]:
    """Une image dans la page : adresse ``data:``, texte de remplacement, taille en pixels CSS (à 96 ppp)."""
    import base64
    import struct

    largeur, hauteur = struct.unpack(">II", png[16:24])
    from diagnum.rapports.graphiques import DPI_IMPRESSION

    echelle = 96 / DPI_IMPRESSION
    return {
        "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        "alt": alt,
        "largeur": round(largeur * echelle),
        "hauteur": round(hauteur * echelle),
    }


def _score_texte(d: object) -> str:
    if d is None or d.score is None:
        return "sans score"
    return f"{score_fr(d.score)}{' (provisoire)' if d.provisoire else ''}"


def texte_radar(profils: Sequence[Profil]) -> str:
    """Le texte de remplacement du diagramme de synthèse : les scores de chaque domaine, campagne par campagne."""
    if len(profils) == 1:
        valeurs = " ; ".join(f"{d.axe} : {_score_texte(d)}" for d in profils[0].domaines)
        return f"Diagramme de synthèse, scores sur 100. {valeurs}."
    campagnes = " puis ".join(str(p.campagne) for p in profils)
    lignes = []
    for d in profils[0].domaines:
        scores = ", ".join(f"{p.campagne} {_score_texte(p.domaine(d.id))}" for p in profils)
        lignes.append(f"{d.axe} : {scores}")
    return f"Diagramme de synthèse superposé, {campagnes}, scores sur 100. {' ; '.join(lignes)}."


def texte_repartition(barres: Sequence[tuple[str, Mapping[str, int]]], titre: str) -> str:
    """Le texte de remplacement d'un graphique de répartition : effectif et part de chaque modalité."""
    morceaux = []
    for libelle, effectifs in barres:
        total = sum(effectifs.get(m, 0) for m in MODALITES)
        parts = ", ".join(
            f"{modalite(m)} {effectifs.get(m, 0)} ({pourcent_fr(effectifs.get(m, 0) / total if total else 0)})"
            for m in MODALITES
        )
        morceaux.append(f"{' '.join(libelle.split()).rstrip(' :')} : {parts}")
    return f"{titre}. {' ; '.join(morceaux)}."


def texte_evolution(evo: Evolution) -> str:
    """Le texte de remplacement des courbes d'évolution : les scores de chaque domaine, campagne par campagne."""
    lignes = []
    for serie in evo.domaines:
        valeurs = ", ".join(
            f"{libelle} {score_fr(s) if s is not None else 'sans score'}"
            for libelle, s in zip(evo.libelles, serie.scores, strict=True)
        )
        lignes.append(f"{serie.axe} : {valeurs}")
    return f"Évolution des scores par domaine, sur 100. {' ; '.join(lignes)}."


def calcul_html(referentiel: Referentiel) -> str:
    """La section « Comment les scores sont calculés » en HTML.

    C'est le texte que reproduisent le README et le rapport Markdown (gabarit
    ``calcul.md.j2``, une seule source pour des règles qui doivent dire
    partout la même chose), converti par markdown-it-py (CommonMark) avec le
    HTML brut désactivé : tout ``<`` du texte reste un caractère. Le reste de
    la page vient de ses propres gabarits HTML, pas d'une conversion.
    """
    from markdown_it import MarkdownIt

    from diagnum.rapports.rapport import texte_calcul

    rendu = MarkdownIt("commonmark", {"html": False}).render(texte_calcul(referentiel))
    return rendu.replace("<h2>", '<h2 id="calcul">', 1)


# --------------------------------------------------------------------------
# Pages


def page_rapport(
    campagne: Campagne,
    referentiel: Referentiel,
    profil: Profil | None = None,
    *,
    resume_seul: bool = False,
    repere: Repere | None = None,
    contexte: Mapping[str, object] | None = None,
) -> str:
    """La page HTML du rapport d'une campagne (``resume_seul`` : le résumé pour le conseil d'administration seul ;
    ``repere`` : l'établissement situé parmi ceux du territoire, ``--repere``)."""
    from markupsafe import Markup

    from diagnum.calculs.scores import calculer_profil
    from diagnum.rapports.graphiques import DPI_IMPRESSION, radar_png, repartition_png
    from diagnum.rapports.rapport import NOM_RADAR, contexte_rapport, nom_image_repartition, repartitions
    from diagnum.rapports.resume import donnees_resume

    profil = profil or calculer_profil(campagne, referentiel)
    if contexte is None:
        contexte = contexte_rapport(campagne, referentiel, profil, repere)
    images = {"radar": image(radar_png([profil], dpi=DPI_IMPRESSION, repere=repere), texte_radar([profil]))}
    images[NOM_RADAR] = images["radar"]
    if not resume_seul:
        for domaine in referentiel.domaines:
            barres = repartitions(domaine, campagne) if domaine.est_usage else []
            if barres:
                titre = f"{domaine.section} {domaine.axe} : fréquence d'usage"
                images[nom_image_repartition(domaine.id)] = image(
                    repartition_png(barres, titre, dpi=DPI_IMPRESSION), texte_repartition(barres, titre)
                )
    return rendre_html(
        MODELE_RAPPORT_HTML,
        {
            **contexte,
            "resume": donnees_resume(contexte),
            "images": images,
            "resume_seul": resume_seul,
            "calcul": Markup("" if resume_seul else calcul_html(referentiel)),
        },
    )


def questionnaire(public: Public, liste: list[Question]) -> str:
    """Le questionnaire papier d'un public : avis d'anonymat, questions numérotées, une case par réponse."""
    from diagnum.enquetes.questionnaire import AVIS_ANONYMAT

    return rendre_html(MODELE_QUESTIONNAIRE, {"public": public, "questions": liste, "avis": AVIS_ANONYMAT})


def communication(document: Communication) -> str:
    """Le document de ``diagnum communiquer`` : une page autonome (le radar en SVG dans la page, avec son
    texte de remplacement), source aussi du PDF (gabarit ``communication.html.j2``)."""
    import base64

    from diagnum.rapports.graphiques import taille_svg

    radar = None
    if document.radar is not None:
        octets, profils = document.radar
        alt = texte_radar(profils)
        largeur, hauteur = taille_svg(octets)
        radar = {
            "src": "data:image/svg+xml;base64," + base64.b64encode(octets).decode("ascii"),
            "alt": alt,
            "largeur": largeur,
            "hauteur": hauteur,
        }
    return rendre_html("communication.html.j2", {"doc": document, "radar": radar})
