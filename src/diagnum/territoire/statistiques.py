"""Statistiques d'une série de nombres : quantiles, résumé en cinq nombres et moyenne.

Méthode des quantiles : interpolation linéaire entre les deux valeurs de rang
voisin (type 7 de Hyndman et Fan, 1996). Pour n valeurs triées x₀ ≤ … ≤ xₙ₋₁,
le quantile d'ordre p (0 ≤ p ≤ 1) est pris à la position h = (n − 1) × p :
Q(p) = x⌊h⌋ + (h − ⌊h⌋) × (x⌊h⌋₊₁ − x⌊h⌋). C'est la méthode par défaut de
numpy, de R et de la fonction QUARTILE.INCLURE des tableurs (LibreOffice,
Excel), et ``statistics.quantiles(..., method="inclusive")`` de Python :
chacun peut refaire le calcul. Le premier quartile est Q(0,25), la médiane
Q(0,5), le troisième quartile Q(0,75).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Resume(NamedTuple):
    """Le résumé d'une série : effectif, minimum, quartiles, maximum, moyenne."""

    n: int
    #: ``None`` dans une synthèse anonyme : le minimum et le maximum sont chacun le chiffre d'un établissement.
    minimum: float | None
    q1: float
    mediane: float
    q3: float
    maximum: float | None
    moyenne: float


def quantile(triees: Sequence[float], p: float) -> float:
    """Le quantile d'ordre ``p`` d'une série **déjà triée** (méthode décrite en tête du module)."""
    if not triees:
        raise ValueError("quantile d'une série vide")
    if not 0 <= p <= 1:
        raise ValueError(f"ordre de quantile hors de [0, 1] : {p}")
    h = (len(triees) - 1) * p
    bas = math.floor(h)
    haut = min(bas + 1, len(triees) - 1)
    return triees[bas] + (h - bas) * (triees[haut] - triees[bas])


def resumer(valeurs: Iterable[float | None]) -> Resume | None:
    """Le résumé des valeurs présentes (``None`` écartés), ou ``None`` si aucune."""
    triees = sorted(v for v in valeurs if v is not None)
    if not triees:
        return None
    return Resume(
        n=len(triees),
        minimum=triees[0],
        q1=quantile(triees, 0.25),
        mediane=quantile(triees, 0.5),
        q3=quantile(triees, 0.75),
        maximum=triees[-1],
        moyenne=math.fsum(triees) / len(triees),
    )


def mediane(valeurs: Iterable[float | None]) -> float | None:
    """La médiane des valeurs présentes, ou ``None`` si aucune."""
    resume = resumer(valeurs)
    return None if resume is None else resume.mediane


def effectifs(valeurs: Iterable[float | None]) -> list[tuple[float, int]]:
    """La série en effectifs : (valeur, nombre d'occurrences), par valeur croissante.

    Les scores sont arrondis au dixième : une série de 11 000 établissements
    tient en au plus 1 001 couples, et la part d'établissements sous un score
    s'en déduit exactement.
    """
    comptes: dict[float, int] = {}
    for v in valeurs:
        if v is not None:
            comptes[v] = comptes.get(v, 0) + 1
    return sorted(comptes.items())


def part_en_dessous(valeur: float, serie: Sequence[tuple[float, int]]) -> float:
    """La part (0 à 1) des valeurs d'une série en effectifs strictement inférieures à ``valeur``.

    Un établissement ex æquo avec d'autres n'est pas dit « au-dessus » d'eux.
    """
    total = sum(nombre for _, nombre in serie)
    if total == 0:
        raise ValueError("part_en_dessous : série vide")
    return sum(nombre for v, nombre in serie if v < valeur) / total


#: Largeur des tranches d'une série publiée sans ses valeurs (repère anonyme) : des scores de 0 à 100.
LARGEUR_TRANCHE = 10


def tranches(valeurs: Iterable[float | None], largeur: int = LARGEUR_TRANCHE) -> list[tuple[int, int]]:
    """La série en tranches : (borne basse, nombre de valeurs dans [borne, borne + largeur[), par borne
    croissante, tranches vides omises ; la dernière tranche de 0 à 100 comprend 100."""
    comptes: dict[int, int] = {}
    for v in valeurs:
        if v is not None:
            borne = min(int(v // largeur) * largeur, 100 - largeur)
            comptes[borne] = comptes.get(borne, 0) + 1
    return sorted(comptes.items())


def part_en_dessous_tranches(
    valeur: float, serie: Sequence[tuple[float, int]], largeur: int = LARGEUR_TRANCHE
) -> float:
    """La part (0 à 1), estimée, des valeurs sous ``valeur`` dans une série en tranches : les tranches
    entières au-dessous, plus la fraction de la tranche de ``valeur`` (valeurs supposées réparties
    uniformément dans leur tranche)."""
    total = sum(nombre for _, nombre in serie)
    if total == 0:
        raise ValueError("part_en_dessous_tranches : série vide")
    dessous = 0.0
    for borne, nombre in serie:
        dessous += nombre * min(1.0, max(0.0, (valeur - borne) / largeur))
    return dessous / total
