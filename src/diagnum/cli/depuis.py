"""``diagnum init --depuis`` : charger la campagne précédente, avec ses garde-fous."""

from __future__ import annotations

from pathlib import Path

from diagnum.campagne.modele import Campagne
from diagnum.erreurs import ErreurProbleme


def _meme_fichier(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def charger_precedente(depuis: Path, fichier: Path, referentiel: str | None) -> Campagne:
    """La campagne précédente, valide ; lève ``CampagneInvalide`` (ses constats,
    code 1) si elle a des erreurs, ``ErreurProbleme`` si on écrirait par-dessus
    ou si la version demandée du référentiel n'est pas la sienne."""
    from diagnum.campagne.chargement import charger_campagne

    if _meme_fichier(Path(depuis), Path(fichier)):
        raise ErreurProbleme(
            f"{fichier} est la campagne précédente elle-même : choisissez un autre nom pour la nouvelle campagne"
        )
    precedente, _ = charger_campagne(Path(depuis))
    if referentiel is not None and referentiel != precedente.referentiel:
        raise ErreurProbleme(
            f"{depuis} suit le référentiel {precedente.referentiel} : reprendre une campagne dans une autre version "
            f"du référentiel ({referentiel}) n'est pas encore possible"
        )
    return precedente
