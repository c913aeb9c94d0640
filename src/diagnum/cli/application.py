"""L'application Typer et son point d'entrée."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping

import typer
import typer.main
from typer import _click as click
from typer.core import TyperGroup

from diagnum import __version__
from diagnum.cli import traduction

traduction.installer()

#: Chaque sous-commande : le module et la fonction qui la portent, et sa ligne dans l'aide de ``diagnum``.
COMMANDES: dict[str, tuple[str, str, str]] = {
    "init": ("diagnum.cli.init", "init", "Crée une campagne à remplir, chaque question en commentaire."),
    "valider": ("diagnum.cli.valider", "valider", "Vérifie des campagnes (ligne et colonne de chaque problème)."),
    "score": ("diagnum.cli.score", "score", "Calcule le profil : score des sept domaines, obligations."),
    "radar": ("diagnum.cli.radar", "radar", "Dessine le diagramme de synthèse (image PNG)."),
    "rapport": ("diagnum.cli.rapport", "rapport", "Écrit le rapport d'une campagne (Markdown, HTML ou PDF)."),
    "compare": ("diagnum.cli.compare", "compare", "Mesure les progrès entre deux campagnes."),
    "evolution": ("diagnum.cli.evolution", "evolution", "Suit les scores sur plusieurs campagnes."),
    "communiquer": (
        "diagnum.cli.communiquer",
        "communiquer",
        "Écrit pour un public ce que l'établissement choisit d'en montrer.",
    ),
    "referentiel": (
        "diagnum.cli.referentiel",
        "afficher_referentiel",
        "Liste les versions du référentiel, ou en montre une.",
    ),
    "schema": ("diagnum.cli.schema", "schema", "Écrit le schéma JSON d'une campagne (pour les éditeurs)."),
    "enquete": (
        "diagnum.cli.enquete",
        "enquete",
        "Questionnaires anonymes par public et import de leurs réponses.",
    ),
    "sources": (
        "diagnum.cli.sources",
        "sources",
        "Usages estimés d'après GRR, l'emploi du temps ou l'ENT.",
    ),
    "synthese": ("diagnum.cli.synthese", "synthese", "Fait la synthèse d'un territoire (nombreux établissements)."),
    "classeur": ("diagnum.cli.classeur", "classeur", "Écrit un classeur à remplir (ODS ou XLSX) pour un membre."),
    "fusionner": ("diagnum.cli.fusionner", "fusionner", "Fusionne dans la campagne les classeurs et fichiers remplis."),
}


def construire_commande(nom: str) -> click.Command:
    """Importe une sous-commande et la fait convertir par Typer en commande Click."""
    module, fonction, resume = COMMANDES[nom]
    objet = getattr(importlib.import_module(module), fonction)
    if isinstance(objet, typer.Typer):
        # Une commande à sous-commandes (``diagnum enquete questionnaire``) : son propre groupe.
        groupe = typer.main.get_group(objet)
        groupe.name = nom
        groupe.short_help = resume
        return groupe
    seule = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
    seule.command(nom, short_help=resume)(objet)
    return typer.main.get_command(seule)


class _Commandes(MutableMapping):
    """Les sous-commandes du groupe, construites à la première demande."""

    def __init__(self) -> None:
        self._construites: dict[str, click.Command] = {}

    def __getitem__(self, nom: str) -> click.Command:
        if nom not in self._construites:
            if nom not in COMMANDES:
                raise KeyError(nom)
            self._construites[nom] = construire_commande(nom)
        return self._construites[nom]

    def __setitem__(self, nom: str, commande: click.Command) -> None:
        self._construites[nom] = commande

    def __delitem__(self, nom: str) -> None:
        del self._construites[nom]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDES, *self._construites]))

    def __len__(self) -> int:
        return len(set(COMMANDES) | set(self._construites))


class GroupeDiagnum(TyperGroup):
    """Le groupe ``diagnum`` : une sous-commande n'est importée que lorsqu'elle sert.

    C'est le chargement paresseux des sous-commandes que décrit Click : ``diagnum
    valider`` n'importe ni ne fait analyser par Typer les huit autres commandes
    (l'aide et la complétion, elles, les construisent toutes).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commandes()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="diagnum",
    cls=GroupeDiagnum,
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


def main() -> None:
    """Point d'entrée de la commande ``diagnum``."""
    sys.exit(app(prog_name="diagnum"))
