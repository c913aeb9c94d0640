"""Objectifs : une liste d'objectifs (domaine connu, cible de 0 à 100, échéance) et leurs actions.

Deux objectifs pour un même domaine se contredisent (``compare`` juge chacun) ; une action a un
libellé et, si elle en a un, un statut connu.
"""

from __future__ import annotations

from diagnum.affichage import abreger
from diagnum.campagne.modele import STATUTS_ACTION, Action, Objectif
from diagnum.campagne.verifications.contexte import (
    CLES_ACTION,
    CLES_OBJECTIF,
    Contexte,
    affiche,
    suggestion,
    vide,
)
from diagnum.lecture_yaml import Liste, Noeud, Tableau

CODES = (
    "objectif-incomplet",
    "domaine-inconnu",
    "objectif-double",
    "action-incomplete",
    "statut-inconnu",
    "type",
    "cle-inconnue",
    "date-impossible",
    "hors-bornes",
    "texte-trop-long",
)
REQUIERT = ()


def objectifs(ctx: Contexte) -> None:
    ctx.lu["objectifs"] = _objectifs(ctx, ctx.racine.get("objectifs"))


def _objectifs(ctx: Contexte, noeud: Noeud | None) -> tuple[Objectif, ...]:
    if vide(noeud):
        return ()
    if not isinstance(noeud, Liste):
        tiret = " (chaque objectif commence par « - » : - domaine: …)" if isinstance(noeud, Tableau) else ""
        ctx.err(noeud.position, "type", f"objectifs : une liste est attendue, trouvé {affiche(noeud)}{tiret}")
        return ()
    ids_domaines = [d.id for d in ctx.referentiel.domaines]
    resultat = []
    vus: set[str | None] = set()
    for element in noeud.elements:
        tableau = ctx.tableau(element, "un objectif")
        if tableau is None:
            if vide(element):
                ctx.err(element.position, "type", "objectif vide")
            continue
        ctx.cles_inconnues(tableau, CLES_OBJECTIF, "dans un objectif")
        domaine = ctx.texte(tableau.get("domaine"), "objectif.domaine")
        if domaine is None:
            ctx.err(tableau.position, "objectif-incomplet", "objectif sans « domaine »")
        elif domaine not in ids_domaines:
            ctx.err(
                tableau.get("domaine").position,
                "domaine-inconnu",
                f"domaine « {abreger(domaine)} » inconnu{suggestion(domaine, ids_domaines)}",
            )
            domaine = None
        cible = None
        noeud_cible = tableau.get("cible")
        if vide(noeud_cible):
            ctx.err(tableau.position, "objectif-incomplet", "objectif sans « cible » (score à atteindre, de 0 à 100)")
        else:
            cible = ctx.proportion(noeud_cible, "objectif.cible", "un score")
        echeance = ctx.date(tableau.get("echeance"), "objectif.echeance")
        actions = _actions(ctx, tableau.get("actions"))
        if domaine is not None and domaine in vus:
            # compare juge chaque objectif : deux cibles pour un domaine se contredisent.
            ctx.avert(
                tableau.get("domaine").position,
                "objectif-double",
                f"deux objectifs portent sur le domaine « {domaine} » ; gardez-en un seul (une cible par domaine)",
            )
        vus.add(domaine)
        if domaine is not None and cible is not None:
            resultat.append(Objectif(domaine, float(cible), echeance, actions))
    return tuple(resultat)


def _actions(ctx: Contexte, noeud: Noeud | None) -> tuple[Action, ...]:
    if vide(noeud):
        return ()
    if not isinstance(noeud, Liste):
        tiret = " (chaque action commence par « - » : - libelle: …)" if isinstance(noeud, Tableau) else ""
        ctx.err(noeud.position, "type", f"actions : une liste est attendue, trouvé {affiche(noeud)}{tiret}")
        return ()
    resultat = []
    for element in noeud.elements:
        tableau = ctx.tableau(element, "une action")
        if tableau is None:
            continue
        ctx.cles_inconnues(tableau, CLES_ACTION, "dans une action")
        libelle = ctx.texte(tableau.get("libelle"), "action.libelle")
        if not libelle:
            ctx.err(tableau.position, "action-incomplete", "action sans « libelle »")
            continue
        statut = ctx.texte(tableau.get("statut"), "action.statut")
        if statut is not None and statut not in STATUTS_ACTION:
            permis = ", ".join(f"« {s} »" for s in STATUTS_ACTION)
            ctx.err(
                tableau.get("statut").position,
                "statut-inconnu",
                f"statut « {abreger(statut)} » inconnu (attendu : {permis}){suggestion(statut, STATUTS_ACTION)}",
            )
            statut = None
        resultat.append(
            Action(
                libelle=libelle,
                responsable=ctx.texte(tableau.get("responsable"), "action.responsable"),
                echeance=ctx.date(tableau.get("echeance"), "action.echeance"),
                statut=statut,
            )
        )
    return tuple(resultat)
