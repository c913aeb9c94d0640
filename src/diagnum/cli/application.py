"""L'application Typer et son point d'entrée."""

from __future__ import annotations

import sys

import typer

from diagnum import __version__
from diagnum.cli import traduction

traduction.installer()

app = typer.Typer(
    name="diagnum",
    help=(
        "Diagnostic du numérique dans un établissement scolaire, d'après le référentiel collège/lycée numérique (2011)."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _afficher_version(valeur: bool) -> None:
    if valeur:
        print(f"diagnum {__version__}")
        raise typer.Exit()


@app.callback()
def principal(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_afficher_version,
        is_eager=True,
        help="Affiche la version de diagnum et s'arrête.",
    ),
) -> None:
    """Diagnostic du numérique dans un établissement scolaire (référentiel 2011)."""


def _enregistrer() -> None:
    from diagnum.cli import init, valider

    app.command("init")(init.init)
    app.command("valider")(valider.valider)

    from diagnum.cli import radar, rapport, score

    app.command("score")(score.score)
    app.command("radar")(radar.radar)
    app.command("rapport")(rapport.rapport)

    from diagnum.cli import compare, evolution

    app.command("compare")(compare.compare)
    app.command("evolution")(evolution.evolution)

    from diagnum.cli import referentiel, schema

    app.command("referentiel")(referentiel.afficher_referentiel)
    app.command("schema")(schema.schema)


_enregistrer()


def main() -> None:
    """Point d'entrée de la commande ``diagnum``."""
    sys.exit(app(prog_name="diagnum"))
