"""Ce qui compte : les règles que ``valider`` et ``score`` appliquent toutes deux.

Une seule fonction, ``questions``, dit pour chaque question d'une campagne
(un item, ou une case de la grille 3.3.4) :

- si elle est **attendue** (elle entre dans le dénominateur de la complétude) ;
- son **poids** de réponse (ce qu'elle ajoute au numérateur de la complétude,
  de 0 à 1 : 1 pour une réponse, la couverture pour une répartition, 0 pour
  un nombre incalculable faute de nombre de référence) ;
- pourquoi une réponse écrite est **écartée** du score, s'il y a lieu (la
  condition d'une question « Si oui » n'est pas remplie, le nombre de
  référence manque, personne n'est compté, « sans objet » sur une seule case
  d'un service proposé).

``valider`` en tire ses avertissements, ``score`` sa complétude : les deux
commandes comptent donc de la même façon. Fonctions pures, sans import lourd
(``diagnum valider`` les charge à chaque enregistrement).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from diagnum.referentiel import MODALITES, SANS_OBJET, Item, Referentiel

# Pourquoi une réponse écrite n'entre pas dans le score.
CONDITION = "condition"  # question « Si oui » dont la condition n'est pas remplie
REFERENCE = "reference"  # nombre de référence manquant ou nul : rapport incalculable
PERSONNE = "personne"  # répartition où personne n'est compté (0, 0, 0)
SANS_OBJET_PARTIEL = "sans-objet-partiel"  # « sans objet » sur une case d'un service proposé


class Question(NamedTuple):
    """Une question d'une campagne et ce qu'elle compte."""

    domaine: str
    item: Item
    cle: str
    valeur: object
    attendue: bool
    poids: float
    ecartee: str | None = None
    ligne: str | None = None
    colonne: str | None = None
    #: Pour une répartition : les personnes comptées et le nombre de référence.
    comptes: int | None = None
    reference: int | None = None

    @property
    def repondue(self) -> bool:
        return self.valeur is not None


def condition_remplie(
    referentiel: Referentiel, reponses: Mapping[str, Mapping[str, object]], item: Item
) -> bool | None:
    """Vrai si la question est posée, faux si sa condition l'écarte, ``None``
    si la condition elle-même est sans réponse.

    Pour une question qui dépend d'un service de la grille 3.3.4 : le service
    n'est pas proposé seulement si toute sa ligne est « sans objet » ; il est
    proposé dès qu'une de ses cases vaut « oui » ou « non » ; sinon (ligne
    vide, ou « sans objet » sur une partie seulement), on ne sait pas.
    """
    condition = item.condition
    if condition is None:
        return True
    if condition.item is not None:
        valeur = reponses.get(item.domaine, {}).get(condition.item)
        if valeur is None:
            return None
        return valeur == condition.valeur
    matrice = referentiel.item(condition.ligne[0])
    cellules = (reponses.get(matrice.domaine, {}).get(matrice.id) or {}).get(condition.ligne[1]) or {}
    return etat_service(cellules, len(matrice.colonnes))


def etat_service(cellules: Mapping[str, object], colonnes: int) -> bool | None:
    """Un service de la grille 3.3.4 est-il proposé ? ``False`` seulement si ses
    ``colonnes`` cases valent toutes « sans objet » ; ``True`` si l'une vaut
    « oui » ou « non » ; ``None`` sinon."""
    valeurs = [v for v in cellules.values() if v is not None]
    if len(valeurs) == colonnes and all(v == SANS_OBJET for v in valeurs):
        return False
    if any(v != SANS_OBJET for v in valeurs):
        return True
    return None


def denominateur(item: Item, reference: Mapping[str, int | None]) -> float | None:
    """Ce à quoi un nombre est rapporté (son total, ou sa cible) ; ``None`` si le
    nombre de référence manque ou vaut 0."""
    if item.cible is not None:
        base = reference.get(item.cible.reference)
        valeur = None if base is None else base * item.cible.facteur
    else:
        valeur = None if item.total is None else reference.get(item.total)
    return valeur if valeur else None


def reference_manquante(item: Item) -> str:
    """Le nombre de référence dont dépend un nombre ou une répartition."""
    return item.cible.reference if item.cible is not None else (item.total or "")


def couverture(valeur: Mapping[str, int], total: int | None) -> float | None:
    """La part des personnes comptées par une répartition (plafonnée à 1) ;
    ``None`` si le nombre de référence manque ou vaut 0."""
    if not total:
        return None
    return min(sum(valeur[m] for m in MODALITES) / total, 1.0)


def _question_item(item: Item, valeur: object, posee: bool | None, reference: Mapping[str, int | None]) -> Question:
    if posee is False:
        # Condition non remplie : la question n'est pas posée ; une réponse est écartée.
        return Question(item.domaine, item, item.id, valeur, False, 0.0, CONDITION if valeur is not None else None)
    if valeur is None:
        # Sans réponse : attendue si la question est posée ; si sa condition est sans réponse, pas encore.
        return Question(item.domaine, item, item.id, None, posee is True, 0.0)
    if item.nature == "nombre":
        if denominateur(item, reference) is None:
            return Question(item.domaine, item, item.id, valeur, True, 0.0, REFERENCE)
        return Question(item.domaine, item, item.id, valeur, True, 1.0)
    if item.nature == "repartition":
        total = reference.get(item.total or "")
        comptes = sum(valeur[m] for m in MODALITES)
        part = couverture(valeur, total)
        ecartee = PERSONNE if comptes == 0 else (REFERENCE if part is None else None)
        return Question(
            item.domaine, item, item.id, valeur, True, part or 0.0, ecartee, comptes=comptes, reference=total
        )
    return Question(item.domaine, item, item.id, valeur, True, 1.0)


def _questions_matrice(item: Item, valeur: object) -> Iterator[Question]:
    lignes = valeur if isinstance(valeur, Mapping) else {}
    for ligne in item.lignes:
        cellules = lignes.get(ligne.id) or {}
        propose = etat_service(cellules, len(item.colonnes))
        for colonne in item.colonnes:
            cellule = cellules.get(colonne.id)
            ecartee = SANS_OBJET_PARTIEL if cellule == SANS_OBJET and propose is not False else None
            yield Question(
                item.domaine,
                item,
                f"{item.id}.{ligne.id}.{colonne.id}",
                cellule,
                True,
                0.0 if cellule is None else 1.0,
                ecartee,
                ligne.id,
                colonne.id,
            )


def questions(
    referentiel: Referentiel,
    reponses: Mapping[str, Mapping[str, object]],
    reference: Mapping[str, int | None],
    domaine: str | None = None,
) -> Iterator[Question]:
    """Chaque question des domaines (ou d'un seul), dans l'ordre du référentiel."""
    for d in referentiel.domaines:
        if domaine is not None and d.id != domaine:
            continue
        valeurs = reponses.get(d.id, {})
        for item in d.items:
            valeur = valeurs.get(item.id)
            if item.nature == "matrice":
                yield from _questions_matrice(item, valeur)
            else:
                yield _question_item(item, valeur, condition_remplie(referentiel, reponses, item), reference)


def completude(liste: list[Question]) -> float:
    """La somme des poids des questions attendues, divisée par leur nombre (0 s'il n'y en a aucune)."""
    attendues = [q for q in liste if q.attendue]
    return sum(q.poids for q in attendues) / len(attendues) if attendues else 0.0
