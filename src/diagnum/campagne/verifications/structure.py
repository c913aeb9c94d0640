"""Structure et types : chaque partie du fichier lue avec le type qu'elle attend.

Les clés inconnues, les blocs mal formés, les valeurs du mauvais type (ou hors bornes, voir ``bornes``)
sont dits ici ; les valeurs lues (``ctx.lu``) sont celles que les autres vérifications jugent ensuite.
Après chaque réponse lue, ``reponse_lue`` est annoncée ; après chaque nombre de répondants, ``repondants_lus``.
L'établissement est lu par ``identite``, les objectifs par ``objectifs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from diagnum.campagne.diagnostics import Position
from diagnum.campagne.modele import Enquete, Estimation
from diagnum.campagne.verifications import bornes
from diagnum.campagne.verifications.contexte import (
    CLES_ENQUETE,
    CLES_RACINE,
    CLES_SOURCE,
    Contexte,
    contient_illisible,
    enumerer,
    position_cle,
    vide,
)
from diagnum.lecture_yaml import Liste, Noeud, Scalaire, Tableau
from diagnum.referentiel import Item
from diagnum.vocabulaire import MODALITES

CODES = (
    "cle-inconnue",
    "type",
    "date-impossible",
    "affirmation",
    "sans-objet-interdit",
    "repartition-incomplete",
    "enquete-incomplete",
    "periode-inversee",
    *bornes.CODES,
)
REQUIERT = ()


def racine(ctx: Contexte) -> None:
    ctx.cles_inconnues(ctx.racine, CLES_RACINE, "à la racine")


def reference(ctx: Contexte) -> None:
    def effectif(fils: Noeud, item: Item) -> int | None:
        valeur = ctx.entier(fils, item.libelle)
        if valeur is None:
            ctx.fautives.add(("reference", item.id))  # déjà signalé : pas aussi « sans réponse » plus bas
        return valeur

    ctx.lu["reference"] = _partie(ctx, "reference", effectif)


def campagne(ctx: Contexte) -> None:
    ctx.lu["campagne"] = ctx.texte(ctx.racine.get("campagne"), "campagne")
    ctx.lu["date"] = _date_campagne(ctx)


def obligations(ctx: Contexte) -> None:
    ctx.lu["obligations"] = _partie(
        ctx, "obligations", lambda fils, item: ctx.affirmation(fils, item.id, item.sans_objet)
    )


def reponses(ctx: Contexte) -> None:
    ctx.lu["reponses"] = _reponses(ctx, ctx.racine.get("reponses"), ctx.position("reponses"))


def commentaires(ctx: Contexte) -> None:
    ctx.lu["commentaires"] = ctx.texte(
        ctx.racine.get("commentaires"), "commentaires", ctx.referentiel.bornes.commentaires
    )


def enquetes(ctx: Contexte) -> None:
    ctx.lu["enquetes"] = _enquetes(ctx, ctx.racine.get("enquetes"))


def sources(ctx: Contexte) -> None:
    ctx.lu["sources"] = _sources(ctx, ctx.racine.get("sources"))


def _date_campagne(ctx: Contexte) -> dt.date | None:
    racine = ctx.racine
    noeud = racine.get("date")
    if vide(noeud):
        position = racine.entrees["date"][0].position if "date" in racine.entrees else racine.position
        ctx.manque("date", "date", position)
        return None
    return ctx.date(noeud, "date")


def _partie(ctx: Contexte, nom: str, lire: Callable[[Noeud, Item], object]) -> dict[str, object]:
    """Les items de « reference » ou d'« obligations », chacun lu par ``lire`` ; un item vide manque."""
    tableau = ctx.tableau(ctx.racine.get(nom), nom)
    items = getattr(ctx.referentiel, nom).items
    valeurs: dict[str, object] = {}
    if tableau is not None:
        ctx.cles_inconnues(tableau, [i.id for i in items], f"dans « {nom} »")
    for item in items:
        fils = tableau.get(item.id) if tableau else None
        if vide(fils):
            valeurs[item.id] = None
            ctx.manque(nom, item.id, position_cle(tableau, item.id, ctx.position(nom)))
        else:
            valeurs[item.id] = lire(fils, item)
    return valeurs


def _reponses(ctx: Contexte, noeud: Noeud | None, position: Position) -> dict[str, dict[str, object]]:
    """Les réponses de chaque domaine, lues selon la nature de chaque item ; ``reponse_lue`` annoncée
    après chaque réponse lue."""
    tableau = ctx.tableau(noeud, "reponses")
    domaines = ctx.referentiel.domaines
    if tableau is not None:
        ctx.cles_inconnues(tableau, [d.id for d in domaines], "parmi les domaines de « reponses »")
    reponses: dict[str, dict[str, object]] = {}
    positions = ctx.positions
    for domaine in domaines:
        fils = ctx.tableau(tableau.get(domaine.id) if tableau else None, f"reponses.{domaine.id}")
        pos_domaine = position_cle(tableau, domaine.id, position)
        if fils is not None:
            ctx.deplacees = {nom for nom in fils.entrees if nom in MODALITES}
            ctx.cles_inconnues(fils, [i.id for i in domaine.items], f"dans le domaine « {domaine.id} »")
        valeurs: dict[str, object] = {}
        positions[domaine.id] = {}
        for item in domaine.items:
            noeud_item = fils.get(item.id) if fils else None
            positions[domaine.id][item.id] = position_cle(fils, item.id, pos_domaine)
            if vide(noeud_item):
                valeurs[item.id] = None
                continue
            avant = len(ctx.constats)
            valeurs[item.id] = _valeur(ctx, item, noeud_item)
            signalee = contient_illisible(noeud_item) or any(d.est_erreur for d in ctx.constats[avant:])
            if valeurs[item.id] is None and signalee:
                ctx.fautives.add((item.id,))
            if valeurs[item.id] is not None:
                ctx.annoncer("reponse_lue", item, noeud_item, valeurs[item.id])
        reponses[domaine.id] = valeurs
    return reponses


def _valeur(ctx: Contexte, item: Item, noeud: Noeud) -> object:
    if item.nature == "affirmation":
        return ctx.affirmation(noeud, item.id, item.sans_objet)
    if item.nature == "proportion":
        return ctx.proportion(noeud, item.id)
    if item.nature == "nombre":
        return ctx.entier(noeud, item.id)
    if item.nature == "repartition":
        return _repartition(ctx, item, noeud)
    return _matrice(ctx, item, noeud)


def _repartition(ctx: Contexte, item: Item, noeud: Noeud) -> dict[str, int] | None:
    modalites = ", ".join(f"{m}:" for m in MODALITES)
    attendu = f"une répartition est attendue, trois effectifs sur trois lignes ({modalites})"
    tableau = ctx.tableau(noeud, item.id, attendu)
    if tableau is None:
        return None
    ctx.cles_inconnues(tableau, MODALITES, f"dans la répartition « {item.id} »")
    valeurs: dict[str, int] = {}
    manquantes = []
    for modalite in MODALITES:
        fils = tableau.get(modalite)
        if vide(fils):
            manquantes.append(modalite)
            continue
        valeur = ctx.entier(fils, f"{item.id}.{modalite}", item.nature)
        if valeur is None:
            return None
        valeurs[modalite] = valeur
    if len(manquantes) == len(MODALITES):
        return None
    if manquantes:
        if any(nom not in MODALITES for nom in tableau.entrees) or set(manquantes) <= ctx.deplacees:
            return None  # une clé mal écrite ou mal alignée, déjà signalée, explique le manque
        ctx.err(
            tableau.position,
            "repartition-incomplete",
            f"{item.id} : répartition incomplète, il manque {enumerer(manquantes)} (écrivez 0 s'il n'y en a pas)",
        )
        return None
    return valeurs


def _matrice(ctx: Contexte, item: Item, noeud: Noeud) -> dict[str, dict[str, str | None]] | None:
    tableau = ctx.tableau(noeud, item.id, "une clé par service est attendue, en retrait sur les lignes suivantes")
    if tableau is None:
        return None
    ids_lignes = [ligne.id for ligne in item.lignes]
    ids_colonnes = [colonne.id for colonne in item.colonnes]
    ctx.cles_inconnues(tableau, ids_lignes, f"dans « {item.id} »")
    resultat: dict[str, dict[str, str | None]] = {}
    for ligne in item.lignes:
        fils = tableau.get(ligne.id)
        position_ligne = position_cle(tableau, ligne.id, tableau.position)
        for colonne in ids_colonnes:
            cle = fils.entrees.get(colonne) if isinstance(fils, Tableau) else None
            ctx.cellules[(item.id, ligne.id, colonne)] = cle[0].position if cle else position_ligne
        if vide(fils):
            resultat[ligne.id] = {c: None for c in ids_colonnes}
            continue
        if isinstance(fils, Scalaire):
            # « oui » pour une ligne entière : les trois affirmations.
            valeur = ctx.affirmation(fils, f"{item.id}.{ligne.id}", sans_objet=True)
            if valeur is None:
                ctx.fautives.update((item.id, ligne.id, c) for c in ids_colonnes)
            resultat[ligne.id] = {c: valeur for c in ids_colonnes}
            continue
        sous = ctx.tableau(fils, f"{item.id}.{ligne.id}")
        if sous is None:
            ctx.fautives.update((item.id, ligne.id, c) for c in ids_colonnes)
            resultat[ligne.id] = {c: None for c in ids_colonnes}
            continue
        ctx.cles_inconnues(sous, ids_colonnes, f"dans « {item.id}.{ligne.id} »")
        resultat[ligne.id] = {}
        for c in ids_colonnes:
            cellule = sous.get(c)
            valeur = None if vide(cellule) else ctx.affirmation(cellule, f"{item.id}.{ligne.id}.{c}", True)
            if valeur is None and not vide(cellule):
                ctx.fautives.add((item.id, ligne.id, c))
            resultat[ligne.id][c] = valeur
    return resultat


def _enquetes(ctx: Contexte, noeud: Noeud | None) -> dict[str, Enquete]:
    """Le bloc ``enquetes:`` écrit par ``diagnum enquete importer`` ; ``repondants_lus`` annoncé par public."""
    tableau = ctx.tableau(noeud, "enquetes")
    if tableau is None:
        return {}
    publics = [p.id for p in ctx.referentiel.publics]
    ctx.cles_inconnues(tableau, publics, "dans « enquetes » (public)")
    resultat: dict[str, Enquete] = {}
    for public in publics:
        bloc = ctx.tableau(tableau.get(public), f"enquetes.{public}")
        if bloc is None:
            continue
        ctx.cles_inconnues(bloc, CLES_ENQUETE, f"dans « enquetes.{public} »")
        quoi = f"enquetes.{public}.repondants"
        noeud_repondants = bloc.get("repondants")
        if vide(noeud_repondants):
            ctx.err(
                tableau.entrees[public][0].position, "enquete-incomplete", f"{quoi} : le nombre de répondants manque"
            )
            continue
        repondants = ctx.entier(noeud_repondants, quoi)
        if repondants is None:
            continue
        ctx.annoncer("repondants_lus", public, noeud_repondants, repondants)
        sources: list[str] = []
        noeud_sources = bloc.get("sources")
        if isinstance(noeud_sources, Liste):
            sources = [s for s in (ctx.texte(e, f"enquetes.{public}.sources") for e in noeud_sources.elements) if s]
        elif not vide(noeud_sources):
            ctx.err(
                noeud_sources.position,
                "type",
                f"enquetes.{public}.sources : une liste de noms de fichiers est attendue",
            )
        resultat[public] = Enquete(repondants, ctx.date(bloc.get("date"), f"enquetes.{public}.date"), tuple(sources))
    return resultat


def _sources(ctx: Contexte, noeud: Noeud | None) -> dict[str, Estimation]:
    """Le bloc ``sources:`` écrit par ``diagnum sources importer`` : par item estimé, fichier, outil, période,
    règle et date de l'import."""
    from diagnum.affichage import abreger

    tableau = ctx.tableau(noeud, "sources")
    if tableau is None:
        return {}
    items = [item.id for item in ctx.referentiel.items_sources()]
    for nom, (cle, _) in tableau.entrees.items():
        if nom not in items:
            ctx.err(
                cle.position,
                "cle-inconnue",
                f"clé « {abreger(nom)} » inconnue dans « sources » : seuls y figurent les items qu'un export peut "
                f"estimer ({', '.join(items)})",
            )
    resultat: dict[str, Estimation] = {}
    for item in items:
        bloc = ctx.tableau(tableau.get(item), f"sources.{item}")
        if bloc is None:
            continue
        ctx.cles_inconnues(bloc, CLES_SOURCE, f"dans « sources.{item} »")
        textes = {cle: ctx.texte(bloc.get(cle), f"sources.{item}.{cle}") for cle in ("fichier", "outil", "regle")}
        dates = {cle: ctx.date(bloc.get(cle), f"sources.{item}.{cle}") for cle in ("debut", "fin", "date")}
        if dates["debut"] and dates["fin"] and dates["fin"] < dates["debut"]:
            ctx.err(
                bloc.get("fin").position,
                "periode-inversee",
                f"sources.{item}.fin : la fin de la période précède son début",
            )
        resultat[item] = Estimation(**textes, **dates)
    return resultat
