"""Totaux et cohérence : chaque effectif comparé au nombre de référence qui le borne.

Un nombre au-delà de son total, une répartition qui compte plus (ou moins) que son public, deux
équipements d'une même mesure qui comptent ensemble plus de salles qu'il n'y en a, plus de répondants
à une enquête que de personnes. Jugé au moment où chaque valeur est lue (``reponse_lue``,
``repondants_lus``), puis sur l'ensemble des réponses (``reponses``).
"""

from __future__ import annotations

from diagnum.campagne.verifications.contexte import Contexte, enumerer
from diagnum.lecture_yaml import Noeud
from diagnum.referentiel import Item

CODES = (
    "depasse-total",
    "repartition-excede",
    "repartition-incomplete",
    "mesure-depasse-total",
    "repondants-trop-nombreux",
)
#: Annoncée par ``structure`` à chaque valeur lue.
REQUIERT = ("structure",)


def reponse_lue(ctx: Contexte, item: Item, noeud: Noeud, valeur: object) -> None:
    """Un nombre, ou la somme d'une répartition, comparé à son nombre de référence."""
    reference = ctx.lu.get("reference", {})
    if item.nature == "nombre" and item.total:
        total = reference.get(item.total)
        if total is not None and valeur > total:
            message = f"{item.id} : {valeur} dépasse le nombre de référence « {item.total} » ({total})"
            if item.depassement == "erreur":
                ctx.err(noeud.position, "depasse-total", message)
            else:
                ctx.avert(noeud.position, "depasse-total", message + " ; vérifiez ce nombre")
    elif item.nature == "repartition":
        somme = sum(valeur.values())
        total = reference.get(item.total or "")
        if total is not None:
            if somme > total:
                ctx.err(
                    noeud.position,
                    "repartition-excede",
                    f"{item.id} : la répartition compte {somme} {item.total}, plus que le nombre de référence ({total})",
                )
            elif somme < total:
                base = ctx.referentiel.item(item.total or "")
                unite = (base.unite if base is not None else None) or item.total
                accord = "comptées" if base is not None and base.feminin else "comptés"
                ctx.avert(
                    noeud.position,
                    "repartition-incomplete",
                    f"{item.id} : {total - somme} {unite} ne sont pas {accord} ({somme} sur {total})",
                )


def reponses(ctx: Contexte) -> None:
    """Les nombres d'une même mesure (TNI et vidéoprojecteur fixe) équipent les mêmes salles : leur
    somme au-delà du total est un avertissement."""
    reponses = ctx.lu.get("reponses")
    if reponses is None:
        return
    reference = ctx.lu.get("reference", {})
    positions = ctx.positions
    for domaine in ctx.referentiel.domaines:
        for mesure in domaine.mesures:
            valeurs = [(nom, reponses[domaine.id].get(nom)) for nom in mesure.items]
            ecrits = [(nom, v) for nom, v in valeurs if isinstance(v, int)]
            total_nom = ctx.referentiel.item(mesure.items[0]).total or ""
            total = reference.get(total_nom)
            somme = sum(v for _, v in ecrits)
            if total is None or len(ecrits) < 2 or somme <= total:
                continue
            ctx.avert(
                positions[domaine.id][ecrits[-1][0]],
                "mesure-depasse-total",
                f"{enumerer([nom for nom, _ in ecrits])} comptent ensemble {somme} {total_nom}, plus que le "
                f"nombre de référence ({total}) : une salle équipée des deux ne se compte qu'une fois",
            )


def repondants_lus(ctx: Contexte, public: str, noeud: Noeud, repondants: int) -> None:
    """Pas plus de répondants à une enquête que de personnes dans son public."""
    total = ctx.lu.get("reference", {}).get(public)
    if total is not None and repondants > total:
        ctx.err(
            noeud.position,
            "repondants-trop-nombreux",
            f"enquetes.{public}.repondants : {repondants} répondants, plus que le nombre de référence "
            f"« {public} » ({total})",
        )
