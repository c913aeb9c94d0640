"""Le résumé pour le conseil d'administration : ce qu'il dit, tiré des données du rapport.

``donnees_resume(contexte)`` part du contexte de ``rapport.contexte_rapport``
(les mêmes données que le rapport Markdown) et en tire, en mots simples :
les trois domaines les plus forts et les trois plus faibles, les obligations
non respectées, l'état des actions de chaque objectif, la complétude. Pur :
données → données ; les gabarits (``resume.html.j2``, ``resume.md.j2``) le
mettent en page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from diagnum.affichage import pourcent_fr, score_fr
from diagnum.calculs.seuils import atteint

if TYPE_CHECKING:
    from diagnum.calculs.scores import Profil
    from diagnum.campagne.modele import Campagne
    from diagnum.referentiel import Referentiel

NOMBRE_DOMAINES = 3
# Ordre d'affichage des statuts d'action (libellés de ``comparaison.statut_fr``).
ORDRE_STATUTS = ("réalisée", "en cours", "prévue", "abandonnée", "sans statut")


def qualificatif(score: float, point_fort: float, point_faible: float) -> str:
    """Le niveau d'un score en mots, d'après les seuils de lecture du référentiel."""
    if atteint(score, point_fort):
        return "point fort"
    if not atteint(score, point_faible):
        return "point faible"
    return "niveau intermédiaire"


def phrase_domaine(d: object, notation: object) -> str:
    """« 79,6 sur 100, point fort » ; pour un domaine d'usage, les moyens suivent ; « (provisoire) » au besoin."""
    phrase = f"{score_fr(d.score)} sur 100, {qualificatif(d.score, notation.point_fort, notation.point_faible)}"
    if d.nature == "usage" and d.moyens is not None:
        phrase += f" (moyens : {score_fr(d.moyens)} sur 100{', provisoire' if d.moyens_provisoire else ''})"
    if d.provisoire:
        part = d.completude_usage if d.nature == "usage" and d.completude_usage is not None else d.completude
        phrase += f", score provisoire : questions renseignées à {pourcent_fr(part)}"
    return phrase


def forts_et_faibles(
    domaines: Sequence[object], point_faible: float, n: int = NOMBRE_DOMAINES
) -> tuple[list[object], list[object]]:
    """Les ``n`` domaines aux meilleurs scores, puis les ``n`` aux plus faibles (sans doublon : avec moins
    de ``2 n`` domaines notés, les plus faibles sont pris parmi ceux qui restent). Un point faible (score
    affiché sous ``point_faible``) n'est jamais parmi les plus forts, même dans une campagne partielle."""
    notes = sorted((d for d in domaines if d.score is not None), key=lambda d: (-d.score, d.section))
    forts = [d for d in notes if atteint(d.score, point_faible)][:n]
    restants = [d for d in notes if d not in forts]
    faibles = sorted(restants, key=lambda d: (d.score, d.section))[:n]
    return forts, faibles


def etat_actions(actions: Sequence[Mapping[str, object]]) -> str:
    """« 2 réalisées, 1 en cours sur 3 actions » ; « aucune action prévue » sans action."""
    if not actions:
        return "aucune action prévue"
    comptes = Counter(str(a["statut"]) for a in actions)
    morceaux = []
    for statut in sorted(comptes, key=lambda s: ORDRE_STATUTS.index(s) if s in ORDRE_STATUTS else len(ORDRE_STATUTS)):
        nombre = comptes[statut]
        pluriel = "s" if nombre > 1 and statut not in ("en cours", "sans statut") else ""
        morceaux.append(f"{nombre} {statut}{pluriel}")
    total = len(actions)
    return f"{', '.join(morceaux)} (sur {total} action{'s' if total > 1 else ''})"


def donnees_resume(contexte: Mapping[str, object]) -> dict[str, object]:
    """Ce que dit le résumé, à partir du contexte du rapport (``rapport.contexte_rapport``)."""
    profil = contexte["profil"]
    notation = contexte["notation"]
    lecture = contexte["lecture"]
    forts, faibles = forts_et_faibles(profil.domaines, notation.point_faible)
    return {
        "forts": [{"domaine": d, "phrase": phrase_domaine(d, notation)} for d in forts],
        "faibles": [{"domaine": d, "phrase": phrase_domaine(d, notation)} for d in faibles],
        "non_renseignes": list(lecture.non_renseignes),
        "obligations": list(lecture.obligations_non_respectees),
        "nombre_obligations": len(profil.obligations),
        "objectifs": [{**o, "etat_actions": etat_actions(o["actions"])} for o in contexte["objectifs"]],
        "provisoires": [d for d in profil.domaines if d.score is not None and d.provisoire],
        "notes": sum(1 for d in profil.domaines if d.score is not None),
    }


def texte_resume(
    campagne: Campagne, referentiel: Referentiel, profil: Profil, contexte: Mapping[str, object] | None = None
) -> str:
    """Le résumé en Markdown (``resume.md``), mêmes données que le rapport (``contexte``, s'il est déjà
    construit), gabarit ``resume.md.j2``."""
    from diagnum.rapports.rapport import contexte_rapport, environnement_jinja

    if contexte is None:
        contexte = contexte_rapport(campagne, referentiel, profil)
    return environnement_jinja().get_template("resume.md.j2").render({**contexte, "resume": donnees_resume(contexte)})


def images_resume(profil: Profil) -> dict[str, bytes]:
    """L'image du résumé en Markdown : le diagramme de synthèse (``radar.png``, comme dans le rapport)."""
    from diagnum.rapports.graphiques import radar_png
    from diagnum.rapports.rapport import NOM_RADAR

    return {NOM_RADAR: radar_png([profil])}
