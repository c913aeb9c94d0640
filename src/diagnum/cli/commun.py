"""Ce que les sous-commandes partagent : erreurs et messages, options communes (la console des tableaux
Rich est dans ``sorties.tableau``)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TypeVar

import typer

from diagnum.erreurs import SORTIE_IMPOSSIBLE, ErreurDiagnum, message_systeme

F = TypeVar("F", bound=Callable[..., object])


def afficher_erreur(message: str) -> None:
    """Une ligne sur la sortie d'erreur, préfixée par « diagnum : » (caractères de contrôle échappés)."""
    from diagnum.echappement import echapper_terminal

    print(f"diagnum : {echapper_terminal(message)}", file=sys.stderr)


def annoncer(message: str, *, erreur: bool = False) -> None:
    """Une ligne de compte rendu sur la sortie standard (sur la sortie d'erreur avec ``erreur``), caractères
    de contrôle échappés : elle cite souvent un chemin ou un texte donné par l'utilisateur."""
    from diagnum.echappement import echapper_terminal

    print(echapper_terminal(message), file=sys.stderr if erreur else sys.stdout)


def gerer_erreurs(fonction: F) -> F:
    """Transforme les erreurs attendues en message français et code de sortie."""

    @functools.wraps(fonction)
    def enveloppe(*args: object, **kwargs: object) -> object:
        try:
            return fonction(*args, **kwargs)
        except typer.Exit:
            raise
        except ErreurDiagnum as exc:
            diagnostics = getattr(exc, "diagnostics", None)
            if diagnostics:
                from diagnum.sorties.texte import format_parsable

                sys.stderr.write(format_parsable([(exc.chemin, diagnostics)]))
            afficher_erreur(exc.message)
            raise typer.Exit(exc.code_sortie) from None
        except OSError as exc:
            afficher_erreur(message_systeme(exc, exc.filename or "fichier"))
            raise typer.Exit(SORTIE_IMPOSSIBLE) from None
        except KeyboardInterrupt as exc:
            afficher_erreur("interrompu")
            raise typer.Exit(getattr(exc, "code_sortie", 130)) from None
        except Exception as exc:
            if os.environ.get("DIAGNUM_DEBUG"):
                raise
            afficher_erreur(
                f"erreur interne ({type(exc).__name__} : {exc}) ; relancez avec DIAGNUM_DEBUG=1 "
                "pour le détail et signalez-la"
            )
            raise typer.Exit(SORTIE_IMPOSSIBLE) from None

    return enveloppe  # type: ignore[return-value]
