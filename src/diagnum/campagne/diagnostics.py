"""Les constats que diagnum rapporte sur un fichier : des objets simples.

Chaque constat porte une position 1-based (ligne, colonne), une gravité, un
code stable et un message en français. Les fonctions de validation renvoient
des listes de constats ; seules les sorties (voir ``sorties``) les mettent en
forme.
"""

# Annotations évaluées (sans « from __future__ import annotations ») : typing.NamedTuple
# compilerait sinon chaque annotation écrite en texte, 1 ms de plus au démarrage.

from enum import StrEnum
from typing import NamedTuple


class Gravite(StrEnum):
    """Gravité d'un constat : une erreur fait échouer la validation."""

    ERREUR = "erreur"
    AVERTISSEMENT = "avertissement"


class Position(NamedTuple):
    """Position 1-based dans un fichier texte."""

    ligne: int
    colonne: int


DEBUT = Position(1, 1)


class Diagnostic(NamedTuple):
    """Un constat localisé sur un fichier."""

    position: Position
    gravite: Gravite
    code: str
    message: str

    @property
    def ligne(self) -> int:
        return self.position.ligne

    @property
    def colonne(self) -> int:
        return self.position.colonne

    @property
    def est_erreur(self) -> bool:
        return self.gravite is Gravite.ERREUR


def erreur(position: Position, code: str, message: str) -> Diagnostic:
    """Construit un constat de gravité « erreur »."""
    return Diagnostic(position, Gravite.ERREUR, code, message)


def avertissement(position: Position, code: str, message: str) -> Diagnostic:
    """Construit un constat de gravité « avertissement »."""
    return Diagnostic(position, Gravite.AVERTISSEMENT, code, message)


def trier(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Trie les constats par position, puis par code, de façon stable."""
    return sorted(diagnostics, key=lambda d: (d.position, d.code))


def contient_erreur(diagnostics: list[Diagnostic]) -> bool:
    """Vrai si au moins un constat est une erreur."""
    return any(d.est_erreur for d in diagnostics)
