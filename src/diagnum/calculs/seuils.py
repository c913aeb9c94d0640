"""Les seuils de lecture comparés aux chiffres tels qu'ils sont montrés.

Un score s'affiche au dixième (``affichage.score_fr``) et une complétude en
pourcentage entier (``affichage.pourcent_fr``) : c'est à ces chiffres-là que
les seuils du référentiel (``notation``) et les cibles des objectifs sont
comparés, en décimal exact. Ainsi, moyens 32,3 et usage 7,3 font un écart de
25 tout rond, alors que ``32.3 - 7.3`` vaut ``24.999999999999996`` en virgule
flottante : le lecteur qui voit « 25 » ne peut pas lire « moins de 25 ».
"""

from __future__ import annotations

from decimal import Decimal

#: Décimales d'un score (ou d'un écart de score) tel qu'il est affiché.
DECIMALES_SCORE = 1
#: Décimales d'une complétude affichée en pourcentage.
DECIMALES_POURCENT = 0


def montre(valeur: float, decimales: int = DECIMALES_SCORE) -> Decimal:
    """Le chiffre affiché, en décimal exact : ``32.3`` → ``Decimal('32.3')``."""
    return Decimal(f"{valeur:.{decimales}f}")


def atteint(valeur: float, seuil: float) -> bool:
    """Un score (0–100) atteint-il ``seuil``, tels qu'ils sont affichés (au dixième) ?"""
    return montre(valeur) >= montre(seuil)


def ecart_atteint(plus: float, moins: float, seuil: float) -> bool:
    """``plus − moins ≥ seuil``, calculé sur les scores affichés : 32,3 − 7,3 atteint 25."""
    return montre(plus) - montre(moins) >= montre(seuil)


def part_sous(part: float, seuil: float) -> bool:
    """Une part de 0 à 1 est-elle sous ``seuil``, en pourcentages affichés (50 % n'est pas sous 50 %) ?"""
    return montre(100 * part, DECIMALES_POURCENT) < montre(100 * seuil, DECIMALES_POURCENT)
