"""Bornes : un effectif entre 0 et son maximum, un pourcentage entre 0 et 100, un texte pas trop long.

Appelées par les lectures de valeurs du ``Contexte`` dès qu'une valeur a le bon type : une valeur hors
bornes est écartée avant tout calcul (totaux, conditions). Chaque fonction rend le constat (une erreur), ou
``None`` si la valeur est dans ses bornes. Les bornes sont des données du référentiel (section ``bornes``).
"""

from __future__ import annotations

from diagnum.affichage import abreger
from diagnum.campagne.diagnostics import Diagnostic, Position, erreur

CODES = ("negatif", "hors-bornes", "texte-trop-long")


def milliers(nombre: int) -> str:
    """``100000`` → ``100 000``."""
    return f"{nombre:,}".replace(",", " ")


def effectif(position: Position, valeur: int, texte: str, quoi: str, borne: int) -> Diagnostic | None:
    """Un effectif (un nombre entier) : ni négatif, ni au-delà de ``borne``."""
    if valeur < 0:
        return erreur(position, "negatif", f"{quoi} : un effectif ne peut pas être négatif ({abreger(texte)})")
    if valeur > borne:
        return erreur(
            position,
            "hors-bornes",
            f"{quoi} : « {abreger(texte)} » dépasse {milliers(borne)}, le plus grand effectif accepté "
            "(vérifiez ce nombre)",
        )
    return None


def proportion(position: Position, valeur: float, affiche: str, quoi: str, nature: str) -> Diagnostic | None:
    """Un pourcentage ou un score visé : de 0 à 100."""
    if not 0 <= valeur <= 100:
        return erreur(position, "hors-bornes", f"{quoi} : {nature} est compris entre 0 et 100, trouvé {affiche}")
    return None


def texte(position: Position, texte: str, quoi: str, longueur_max: int) -> Diagnostic | None:
    """Un texte libre : au plus ``longueur_max`` caractères."""
    if len(texte) > longueur_max:
        return erreur(
            position,
            "texte-trop-long",
            f"{quoi} : texte trop long ({milliers(len(texte))} caractères, au plus "
            f"{milliers(longueur_max)}) ; raccourcissez-le",
        )
    return None
