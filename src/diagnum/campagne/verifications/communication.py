"""Communication : le bloc ``communication:`` (diagnum communiquer), public par public.

Chaque public est l'un de ``campagne.communication.PUBLICS`` ; ``parties`` est une liste de
parties connues (``PARTIES``) ; ``domaines``, facultatif, une liste de domaines du référentiel,
qui ne sert qu'avec la partie « scores ». Un public sans aucune partie valide n'est pas retenu :
rien ne lui sera montré.
"""

from __future__ import annotations

from diagnum.affichage import abreger
from diagnum.campagne.communication import CLES_CHOIX, PARTIES, PUBLICS
from diagnum.campagne.modele import ChoixCommunication
from diagnum.campagne.verifications.contexte import Contexte, suggestion, vide
from diagnum.lecture_yaml import Liste, Noeud, Scalaire

CODES = ("type", "cle-inconnue", "partie-inconnue", "domaine-inconnu", "domaines-sans-scores")
REQUIERT = ()


def communication(ctx: Contexte) -> None:
    ctx.lu["communication"] = verifier_communication(ctx, ctx.racine.get("communication"))


def _mots(ctx: Contexte, noeud: Noeud | None, quoi: str) -> list[tuple[str, Noeud]] | None:
    """Une liste de mots (``[a, b]`` ou un tiret par ligne) → (mot, nœud) ; sinon un constat et ``None``."""
    if vide(noeud):
        return None
    if not isinstance(noeud, Liste):
        ctx.err(noeud.position, "type", f"{quoi} : une liste est attendue, par exemple [points_forts, objectifs]")
        return None
    mots = []
    for element in noeud.elements:
        if not isinstance(element, Scalaire) or not isinstance(element.valeur, str):
            ctx.err(element.position, "type", f"{quoi} : un mot est attendu à chaque élément de la liste")
            continue
        mots.append((element.valeur.strip(), element))
    return mots


def verifier_communication(ctx: Contexte, noeud: Noeud | None) -> dict[str, ChoixCommunication]:
    """Le bloc ``communication:`` : un tableau public → {parties, domaines} ; chaque faute devient un
    constat situé (ligne, colonne). Rend les choix valides, par public."""
    tableau = ctx.tableau(noeud, "communication")
    if tableau is None:
        return {}
    publics = tuple(PUBLICS)
    ctx.cles_inconnues(tableau, publics, "dans « communication » (public : " + ", ".join(publics) + ")")
    ids_domaines = [d.id for d in ctx.referentiel.domaines]
    resultat: dict[str, ChoixCommunication] = {}
    for public in publics:
        if public not in tableau.entrees:
            continue
        bloc = ctx.tableau(tableau.get(public), f"communication.{public}")
        if bloc is None:
            continue
        ctx.cles_inconnues(bloc, CLES_CHOIX, f"dans « communication.{public} »")
        parties: list[str] = []
        for mot, element in _mots(ctx, bloc.get("parties"), f"communication.{public}.parties") or ():
            if mot not in PARTIES:
                ctx.err(
                    element.position,
                    "partie-inconnue",
                    f"communication.{public}.parties : « {abreger(mot)} » inconnue (attendu : "
                    f"{', '.join(PARTIES)}){suggestion(mot, tuple(PARTIES))}",
                )
            elif mot not in parties:
                parties.append(mot)
        domaines: list[str] | None = None
        mots_domaines = _mots(ctx, bloc.get("domaines"), f"communication.{public}.domaines")
        if mots_domaines is not None:
            domaines = []
            for mot, element in mots_domaines:
                if mot not in ids_domaines:
                    ctx.err(
                        element.position,
                        "domaine-inconnu",
                        f"communication.{public}.domaines : domaine « {abreger(mot)} » inconnu"
                        f"{suggestion(mot, ids_domaines)}",
                    )
                elif mot not in domaines:
                    domaines.append(mot)
            if "scores" not in parties:
                ctx.avert(
                    bloc.entrees["domaines"][0].position,
                    "domaines-sans-scores",
                    f"communication.{public}.domaines : ces domaines ne servent qu'avec la partie « scores », "
                    "absente de « parties »",
                )
        if parties:
            resultat[public] = ChoixCommunication(tuple(parties), None if domaines is None else tuple(domaines))
    return resultat
