"""Additionner les réponses individuelles en réponses de la campagne : fonctions pures.

Entrée : les feuilles lues et les questions d'un public. Sortie : le nombre
de répondants, la valeur de chaque item (répartition = les trois effectifs ;
compte = le nombre de « oui » ; proportion = le pourcentage de « oui » parmi
ceux qui ont répondu), et tout ce qu'il faut dire à l'utilisateur (réponses
inconnues, colonnes ignorées, doublons). Rien n'est gardé d'une personne :
seuls les totaux sortent d'ici.
"""

from __future__ import annotations

from typing import NamedTuple

from diagnum.enquetes.correspondance import (
    est_sans_reponse,
    lettre_colonne,
    reconnaitre_colonnes,
    reconnaitre_reponse,
)
from diagnum.enquetes.lecture import Constat, Feuille
from diagnum.enquetes.questionnaire import Question
from diagnum.referentiel import MODALITES, OUI


class Depouillement(NamedTuple):
    """Le résultat d'un import, avant toute écriture."""

    repondants: int
    #: item → valeur agrégée (seulement pour les questions présentes et répondues au moins une fois)
    valeurs: dict[str, object]
    #: item → nombre de répondants qui ont répondu à la question
    reponses_par_item: dict[str, int]
    erreurs: list[Constat]
    #: (fichier, en-tête) des colonnes ignorées, des colonnes de données personnelles
    ignorees: list[tuple[str, str]]
    personnelles: list[tuple[str, str]]
    #: (fichier, en-tête) des colonnes qui répètent une question déjà trouvée dans le même fichier
    doubles: list[tuple[str, str]]
    #: questions du public absentes de tous les exports, ou sans aucune réponse
    absentes: list[Question]
    sans_reponse: list[Question]
    doublons: int
    #: fichiers dont aucune colonne n'est une question du public
    sans_question: list[str]
    lignes_vides: int


def agreger(question: Question, reponses: list[str]) -> object:
    """La valeur de la campagne pour une liste de réponses reconnues (valeurs ``jamais``… ou ``oui``/``non``)."""
    agregation = question.item.collecte.agregation
    if agregation == "repartition":
        return {m: sum(1 for r in reponses if r == m) for m in MODALITES}
    oui = sum(1 for r in reponses if r == OUI)
    if agregation == "compte":
        return oui
    pourcentage = round(100 * oui / len(reponses), 1)
    return int(pourcentage) if pourcentage.is_integer() else pourcentage


def _libelles(question: Question) -> str:
    libelles = ", ".join(r.libelle for r in question.reponses)
    codes = ", ".join(r.code for r in question.reponses)
    return f"{libelles} (ou leurs codes {codes})"


def depouiller(feuilles: list[Feuille], questions: list[Question]) -> Depouillement:
    """Additionne les réponses de toutes les feuilles ; une réponse en double (même identifiant) compte une fois."""
    par_item: dict[str, list[str]] = {q.item.id: [] for q in questions}
    erreurs: list[Constat] = []
    ignorees: list[tuple[str, str]] = []
    personnelles: list[tuple[str, str]] = []
    doubles: list[tuple[str, str]] = []
    presentes: set[str] = set()
    sans_question: list[str] = []
    identifiants_vus: set[str] = set()
    doublons = 0
    repondants = 0
    lignes_vides = 0
    for feuille in feuilles:
        colonnes = reconnaitre_colonnes(feuille.entetes, questions)
        ignorees += [(feuille.chemin, e) for e in colonnes.ignorees]
        personnelles += [(feuille.chemin, e) for e in colonnes.personnelles]
        doubles += [(feuille.chemin, e) for e in colonnes.doubles]
        if not colonnes.questions:
            sans_question.append(feuille.chemin)
            continue
        presentes.update(q.item.id for q in colonnes.questions.values())
        for numero, cellules in feuille.lignes:
            valeurs: dict[str, str] = {}
            for indice, question in colonnes.questions.items():
                brut = cellules[indice].strip() if indice < len(cellules) else ""
                if est_sans_reponse(brut):
                    continue
                reponse = reconnaitre_reponse(brut, question.reponses)
                if reponse is None:
                    erreurs.append(
                        Constat(
                            feuille.chemin,
                            numero,
                            indice + 1,
                            "reponse-inconnue",
                            f"réponse « {brut} » non reconnue à la question « {question.code} » "
                            f"(colonne {lettre_colonne(indice)}) ; réponses acceptées : {_libelles(question)}",
                        )
                    )
                    continue
                valeurs[question.item.id] = reponse.valeur
            if not valeurs and all(
                indice >= len(cellules) or est_sans_reponse(cellules[indice]) for indice in colonnes.questions
            ):
                lignes_vides += 1
                continue
            if colonnes.identifiant is not None and colonnes.identifiant < len(cellules):
                ident = cellules[colonnes.identifiant].strip()
                if ident:
                    if ident in identifiants_vus:
                        doublons += 1
                        continue
                    identifiants_vus.add(ident)
            repondants += 1
            for item, valeur in valeurs.items():
                par_item[item].append(valeur)
    resultat: dict[str, object] = {}
    nombres: dict[str, int] = {}
    sans_reponse = []
    for question in questions:
        reponses = par_item[question.item.id]
        if question.item.id not in presentes:
            continue
        if not reponses:
            sans_reponse.append(question)
            continue
        resultat[question.item.id] = agreger(question, reponses)
        nombres[question.item.id] = len(reponses)
    absentes = [q for q in questions if q.item.id not in presentes]
    return Depouillement(
        repondants,
        resultat,
        nombres,
        erreurs,
        ignorees,
        personnelles,
        doubles,
        absentes,
        sans_reponse,
        doublons,
        sans_question,
        lignes_vides,
    )
