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
    RESSEMBLANCE_MIN,
    Colonnes,
    est_anonyme,
    est_sans_reponse,
    lettre_colonne,
    reconnaitre_colonnes,
    reconnaitre_reponse,
    ressemblance,
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


def _abreges(feuille: Feuille, colonnes: Colonnes) -> list[Constat]:
    """Un en-tête abrégé par LimeSurvey qui commence plusieurs questions : on ne peut savoir laquelle."""
    return [
        Constat(
            feuille.chemin,
            1,
            indice + 1,
            "entetes-abreges",
            f"l'en-tête abrégé « {entete.strip()} » (colonne {lettre_colonne(indice)}) peut être "
            f"{' ou '.join(f'« {q.code} »' for q in candidats)} ; en-têtes abrégés : exportez avec « Code de la "
            "question » (LimeSurvey : Exporter les réponses › En-têtes : Code de la question)",
        )
        for indice, entete, candidats in colonnes.abreges
    ]


def colonnes_non_reconnues(feuille: Feuille, questions: list[Question], colonnes: Colonnes) -> list[Constat]:
    """Les colonnes qui sont une question sans que son en-tête en reprenne le texte ou le code (une question
    reformulée dans Google Forms) : leurs réponses sont celles d'une échelle du questionnaire (« Oui »,
    « Jamais »…), ou leur en-tête ressemble au texte d'une question. Chacune est une erreur qui nomme la
    question la plus proche par son texte : ses réponses ne sont jamais perdues en silence."""
    from diagnum.affichage import abreger

    presentes = {q.code for q in colonnes.questions.values()}
    restantes = [q for q in questions if q.code not in presentes] or questions
    echelles = {q.reponses for q in questions}
    constats = []
    for indice, entete in enumerate(feuille.entetes):
        if entete not in colonnes.ignorees:
            continue
        valeurs = {
            cellules[indice].strip()
            for _, cellules in feuille.lignes
            if indice < len(cellules) and not est_sans_reponse(cellules[indice])
        }
        echelle = next(
            (e for e in echelles if valeurs and all(reconnaitre_reponse(v, e) is not None for v in valeurs)), None
        )
        candidates = [q for q in restantes if q.reponses == echelle] or restantes
        proche = max(candidates, key=lambda q: ressemblance(entete, q))
        if echelle is None and ressemblance(entete, proche) < RESSEMBLANCE_MIN:
            continue
        constats.append(
            Constat(
                feuille.chemin,
                1,
                indice + 1,
                "question-non-reconnue",
                f"la colonne « {abreger(entete)} » (colonne {lettre_colonne(indice)}) semble être une question, "
                f"mais son en-tête n'en reprend ni le texte ni le code ; la plus proche par son texte est "
                f"« {proche.code} » : « {abreger(proche.texte)} ». Recopiez exactement ce texte dans le formulaire, "
                f"ou remplacez l'en-tête de la colonne par « {proche.code} » ; si c'est une question ajoutée par "
                "l'établissement, retirez la colonne de l'export",
            )
        )
    return constats


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
        # Microsoft Forms ajoute « Nom » et « Adresse de messagerie », vides ou « anonymous » pour une enquête
        # anonyme : seule une colonne qui contient vraiment quelque chose mérite un avertissement.
        personnelles += [
            (feuille.chemin, feuille.entetes[indice])
            for indice in colonnes.indices_personnels
            if not all(indice >= len(cellules) or est_anonyme(cellules[indice]) for _, cellules in feuille.lignes)
        ]
        doubles += [(feuille.chemin, e) for e in colonnes.doubles]
        erreurs += _abreges(feuille, colonnes)
        if not colonnes.questions:
            if not colonnes.abreges:
                sans_question.append(feuille.chemin)
            continue
        reformulees = colonnes_non_reconnues(feuille, questions, colonnes)
        if reformulees:
            erreurs += reformulees
            indices = {c.colonne - 1 for c in reformulees}
            ignorees = [
                (fichier, e)
                for fichier, e in ignorees
                if fichier != feuille.chemin or feuille.entetes.index(e) not in indices
            ]
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
