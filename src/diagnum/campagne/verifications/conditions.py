"""Conditions « Si oui » et réponses écartées : ce que ``score`` ne comptera pas, et pourquoi.

Une question posée sous condition alors que la condition n'est pas remplie, un nombre sans son nombre
de référence, une répartition où personne n'est compté, « sans objet » sur une partie d'un service.
Relève aussi les questions attendues restées sans réponse (dites par ``sans_reponse``). La règle est
celle de ``score`` : ``calculs.regles.questions``.
"""

from __future__ import annotations

from diagnum.calculs.regles import (
    CONDITION,
    PERSONNE,
    REFERENCE,
    SANS_OBJET_PARTIEL,
    etat_service,
    questions,
    reference_manquante,
)
from diagnum.campagne.verifications.contexte import Contexte

CODES = ("condition-non-remplie", "reference-manquante", "repartition-vide", "sans-objet-partiel")
#: Lit les réponses lues par ``structure``.
REQUIERT = ("structure",)


def reponses(ctx: Contexte) -> None:
    """Les réponses manquantes et les réponses écartées du score, comptées
    par la règle commune à ``score`` (``calculs.regles.questions``)."""
    reponses = ctx.lu.get("reponses")
    if reponses is None:
        return
    reference = ctx.lu.get("reference", {})
    positions = ctx.positions
    for question in questions(ctx.referentiel, reponses, reference):
        item = question.item
        position = positions[question.domaine][item.id]
        if question.colonne is not None:
            position = ctx.cellules.get((item.id, question.ligne, question.colonne), position)
        fautive = (item.id,) if question.colonne is None else (item.id, question.ligne, question.colonne)
        if question.attendue and not question.repondue and fautive not in ctx.fautives:
            ctx.manque(question.domaine, question.cle, position)
        if question.ecartee == CONDITION:
            cond = item.condition
            if cond.item:
                raison = f"« {cond.item} » vaut « {reponses[question.domaine].get(cond.item)} »"
            else:
                raison = f"le service « {cond.ligne[1]} » est « sans objet »"
            ctx.avert(
                position,
                "condition-non-remplie",
                f"{item.id} : cette question ne se pose que sous condition, or {raison} ; la réponse n'est pas comptée",
            )
        elif question.ecartee == REFERENCE and ("reference", reference_manquante(item)) not in ctx.fautives:
            nom = reference_manquante(item)
            etat = "vaut 0" if reference.get(nom) == 0 else "est sans réponse"
            if item.nature == "repartition":
                suite = "on ne sait pas quelle part elle couvre : elle ne compte pas dans la complétude"
            else:
                suite = "ce nombre ne peut pas être calculé et n'est pas compté dans le score"
            message = f"{item.id} : le nombre de référence « {nom} » {etat} ; {suite}"
            if ctx.complet:
                ctx.err(position, "reference-manquante", message)
            else:
                ctx.avert(position, "reference-manquante", message)
        elif question.ecartee == PERSONNE:
            ctx.avert(
                position,
                "repartition-vide",
                f"{item.id} : personne n'est compté (0 partout) ; la répartition n'entre pas dans le score",
            )
        elif question.ecartee == SANS_OBJET_PARTIEL:
            cellules = (reponses[question.domaine].get(item.id) or {}).get(question.ligne) or {}
            if etat_service(cellules, len(item.colonnes)):
                etat = "le service est compté comme proposé et cette case n'entre pas dans le score"
            else:
                etat = "on ne sait pas encore si le service est proposé (aucune case « oui » ou « non »)"
            ctx.avert(
                position,
                "sans-objet-partiel",
                f"{question.cle} : « sans objet » sur une partie du service seulement ; {etat}. S'il n'est pas "
                "proposé, écrivez « sans objet » pour toute la ligne",
            )
