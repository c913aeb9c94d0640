"""Les constats que diagnum rapporte sur un fichier : des objets simples.

Chaque constat porte une position 1-based (ligne, colonne), une gravité, un
code stable et un message en français. Dans un classeur, une position est une
``Cellule`` (feuille et cellule) : la lecture des classeurs fait valider leurs
réponses par la même validation, puis traduit chaque position en cellule. Les fonctions de validation renvoient
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


class Cellule(NamedTuple):
    """Position dans un classeur (``diagnum fusionner``) : une feuille et une cellule, écrite « Usages 3.6.1!D8 »."""

    feuille: str
    cellule: str

    def __str__(self) -> str:
        return f"{self.feuille}!{self.cellule}"


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


#: Au-delà de ce nombre de constats dans un fichier, les suivants sont résumés en une ligne. Bien
#: au-dessus de ce qu'une vraie campagne produit (un gabarit vide avec --complet : une centaine).
CONSTATS_MAX = 300


def limiter(diagnostics: list[Diagnostic], maximum: int = CONSTATS_MAX) -> list[Diagnostic]:
    """Les ``maximum`` premiers constats (déjà triés), puis une ligne qui dit combien d'autres il y a.

    Cette ligne est une erreur si l'un des constats résumés en est une (le
    fichier reste en erreur), sinon un avertissement ; elle est placée au
    premier constat résumé.
    """
    if len(diagnostics) <= maximum:
        return diagnostics
    caches = diagnostics[maximum:]
    erreurs = sum(1 for d in caches if d.est_erreur)
    avertissements = len(caches) - erreurs

    def compte(n: int, singulier: str, pluriel: str) -> str:
        if n == 0:
            return f"{'aucune' if singulier == 'erreur' else 'aucun'} {singulier}"
        return f"{n:,} {singulier if n == 1 else pluriel}".replace(",", " ")

    message = (
        f"{compte(len(caches), 'autre constat', 'autres constats')} dans ce fichier, non "
        f"détaillé{'s' if len(caches) > 1 else ''} ({compte(erreurs, 'erreur', 'erreurs')}, "
        f"{compte(avertissements, 'avertissement', 'avertissements')}) : corrigez d'abord les {maximum} "
        "premiers, puis relancez la vérification"
    )
    resume = (erreur if erreurs else avertissement)(caches[0].position, "constats-limites", message)
    return [*diagnostics[:maximum], resume]
