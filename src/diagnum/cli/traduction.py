"""Les textes de Typer et de Click en français.

Typer (0.26 à 0.28) embarque sa propre copie de Click (``typer._click``) dont
les textes sont écrits en anglais en dur, sans gettext : on ne peut pas leur
donner un catalogue de traduction. Seul ``typer.core`` passe par gettext
(``from gettext import gettext as _``) : il reçoit un catalogue français.
Pour le reste, quelques méthodes bien délimitées sont remplacées au
démarrage :

- la ligne « Usage: » et les titres de rubrique (``HelpFormatter``) ;
- l'aide de ``-h``/``--help`` (``Command.get_help_option``) ;
- les noms de type dans l'aide (``<str>``, ``<path>`` : ``Parameter.make_metavar``) ;
- l'affichage des erreurs d'usage (``ClickException.show``, ``UsageError.show``),
  dont le message passe par :func:`traduire_message` ;
- l'aide et les messages de ``--install-completion`` et ``--show-completion``.

Tout ce qui est importé ici l'est déjà par ``import typer`` : le démarrage
n'est pas ralenti. Un test vérifie que l'aide ne contient plus d'anglais ; un
texte anglais ajouté par une nouvelle version de Typer s'y verra.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from gettext import NullTranslations
from typing import Any

# --------------------------------------------------------------------------
# Textes de typer.core (passés par gettext)

CATALOGUE: dict[str, str] = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "required": "obligatoire",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "Aborted!": "Interrompu.",
    "Missing command.": "il manque la commande (voir la liste avec -h).",
    "No such command {name!r}.": "la commande « {name} » n'existe pas.",
}


class Catalogue(NullTranslations):
    """Un catalogue gettext tenu dans un dictionnaire (pas de fichier .mo à compiler)."""

    def __init__(self, textes: dict[str, str]) -> None:
        super().__init__()
        self.textes = textes

    def gettext(self, message: str) -> str:
        return self.textes.get(message, message)

    def ngettext(self, singulier: str, pluriel: str, n: int) -> str:
        return self.gettext(singulier if n == 1 else pluriel)


# --------------------------------------------------------------------------
# Messages d'erreur de typer._click (anglais en dur) : motif → français

AIDE = "Affiche cette aide et s'arrête."
USAGE = "Utilisation : "
ESSAYEZ = "Essayez « {commande} {option} » pour l'aide."
ERREUR = "Erreur : "

AIDE_COMPLETION = {
    "install": "Installe la complétion des commandes pour le shell courant.",
    "show": "Affiche le script de complétion du shell courant (pour le copier ou l'adapter).",
}

# Noms de type affichés dans l'aide des options (<str> → <texte>).
TYPES = {
    "str": "texte",
    "text": "texte",
    "int": "entier",
    "integer": "entier",
    "float": "nombre",
    "boolean": "oui/non",
    "path": "chemin",
    "file": "fichier",
    "filename": "fichier",
    "directory": "dossier",
    "int range": "entier",
    "float range": "nombre",
}

# Noms de type dans les messages « 'x' is not a valid int. »
_TYPES_MESSAGE = {"int": "un nombre entier", "integer": "un nombre entier", "float": "un nombre"}
_NATURES_CHEMIN = {"File": "le fichier", "Directory": "le dossier", "Path": "le chemin", "Filename": "le fichier"}


def _guillemets(texte: str) -> str:
    """'--format' / '-f' → « --format » / « -f »."""
    return re.sub(r"'([^']*)'", r"« \1 »", texte)


def _valeurs(texte: str) -> str:
    """'texte', 'json' → texte, json."""
    return re.sub(r"'([^']*)'", r"\1", texte)


def _chemin(m: re.Match[str], fin: str) -> str:
    return f"{_NATURES_CHEMIN.get(m['nature'], 'le chemin')} « {m['valeur']} » {fin}"


# Compilés au premier message d'erreur seulement : le démarrage n'en paie rien.
MESSAGES: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = tuple(
    (motif, traduction)
    for motif, traduction in (
        (
            r"^No such option: (?P<o>.*?)(?: \(Possible options: (?P<p>.*)\))?$",
            lambda m: f"l'option {m['o']} n'existe pas" + (f" (options possibles : {m['p']})" if m["p"] else ""),
        ),
        (
            r"^Missing argument(?: (?P<h>.*?))?\.(?P<r>.*)$",
            lambda m: f"il manque l'argument {_guillemets(m['h'] or '')}.{m['r']}",
        ),
        (
            r"^Missing option(?: (?P<h>.*?))?\.(?P<r>.*)$",
            lambda m: f"il manque l'option {_guillemets(m['h'] or '')}.{m['r']}",
        ),
        (
            r"^Missing parameter:? ?(?P<h>.*?)\.?$",
            lambda m: f"il manque le paramètre {_guillemets(m['h'])}".rstrip() + ".",
        ),
        (
            r"^Invalid value for (?P<h>.*?): (?P<r>.*)$",
            lambda m: f"valeur invalide pour {_guillemets(m['h'])} : {m['r']}",
        ),
        (r"^Invalid value: (?P<r>.*)$", lambda m: f"valeur invalide : {m['r']}"),
        (
            r"'(?P<v>.*)' is not one of (?P<c>.*)\.$",
            lambda m: f"« {m['v']} » ne fait pas partie des valeurs permises ({_valeurs(m['c'])}).",
        ),
        (
            r"'(?P<v>.*)' is not a valid boolean\. Recognized values: (?P<c>.*)$",
            lambda m: f"« {m['v']} » n'est pas une valeur oui/non reconnue (valeurs reconnues : {_valeurs(m['c'])})",
        ),
        (
            r"'(?P<v>.*)' is not a valid (?P<t>[\w ]+)\.$",
            lambda m: f"« {m['v']} » n'est pas {_TYPES_MESSAGE.get(m['t'], 'une valeur valide')}.",
        ),
        (r"(?P<v>\S+) is not in the range (?P<i>.*)\.$", lambda m: f"{m['v']} n'est pas dans l'intervalle {m['i']}."),
        (r"(?P<nature>\w+) '(?P<valeur>.*)' does not exist\.$", lambda m: _chemin(m, "n'existe pas.")),
        (r"(?P<nature>\w+) '(?P<valeur>.*)' is a file\.$", lambda m: _chemin(m, "est un fichier.")),
        (r"(?P<nature>\w+) '(?P<valeur>.*)' is a directory\.$", lambda m: _chemin(m, "est un dossier.")),
        (r"(?P<nature>\w+) '(?P<valeur>.*)' is not readable\.$", lambda m: _chemin(m, "n'est pas lisible.")),
        (r"(?P<nature>\w+) '(?P<valeur>.*)' is not writable\.$", lambda m: _chemin(m, "n'est pas modifiable.")),
        (
            r"^Got unexpected extra argument(?:s|\(s\))? \((?P<a>.*)\)$",
            lambda m: f"argument{'s' if len(m['a'].split()) > 1 else ''} en trop : {m['a']}",
        ),
        (
            r"^Option '(?P<o>.*)' requires an argument\.$",
            lambda m: f"l'option « {m['o']} » attend une valeur.",
        ),
        (
            r"^Option '(?P<o>.*)' requires (?P<n>\d+) arguments\.$",
            lambda m: f"l'option « {m['o']} » attend {m['n']} valeurs.",
        ),
        (
            r"^Option '(?P<o>.*)' does not take a value\.$",
            lambda m: f"l'option « {m['o']} » ne prend pas de valeur.",
        ),
        (
            r"^Argument '(?P<a>.*)' takes (?P<n>\d+) values\.$",
            lambda m: f"l'argument « {m['a']} » attend {m['n']} valeurs.",
        ),
        (
            r"^Could not open file '(?P<f>.*)': (?P<r>.*)$",
            lambda m: f"impossible d'ouvrir le fichier « {m['f']} » : {m['r']}",
        ),
        (
            r"\. Did you mean (?P<s>.+)\?$",
            lambda m: ". Vouliez-vous dire " + re.sub(r"'([^']*)'", r"« \1 »", m["s"]) + " ?",
        ),
        (r"^Value must be an iterable\.$", lambda m: "une liste de valeurs est attendue."),
        (r"^unknown error$", lambda m: "erreur inconnue"),
    )
)


def traduire_message(texte: str) -> str:
    """Le message d'une erreur de Click en français ; un texte déjà français passe tel quel.

    Les motifs s'appliquent l'un après l'autre : « Invalid value for X: 'v' is
    not one of … » traduit d'abord l'enveloppe, puis la raison.
    """
    for motif, traduction in MESSAGES:
        texte = re.sub(motif, traduction, texte, flags=re.DOTALL)
    return texte


def traduire_usage(arguments: str) -> str:
    """« [OPTIONS] COMMAND [ARGS]... » → « [OPTIONS] COMMANDE [ARGUMENTS]... » ;
    « {avant} {apres} » (arguments obligatoires selon Typer) → « AVANT APRES », comme dans l'aide."""
    arguments = arguments.replace("COMMAND [ARGS]", "COMMANDE [ARGUMENTS]").replace("[ARGS]", "[ARGUMENTS]")
    arguments = re.sub(r"\[([a-z_]+)\]", lambda m: f"[{m[1].upper()}]", arguments)
    return re.sub(r"\{(\w+)\}", lambda m: m[1].upper(), arguments)


def traduire_metavar(metavar: str) -> str:
    """``<str>`` → ``<texte>``, ``<path>...`` → ``<chemin>...`` ; le reste est gardé."""
    m = re.fullmatch(r"<([\w ]+)>(\.\.\.)?", metavar)
    if m is None or m.group(1) not in TYPES:
        return metavar
    return f"<{TYPES[m.group(1)]}>{m.group(2) or ''}"


# --------------------------------------------------------------------------
# Mise en place


def _completion_francaise() -> None:
    """Aide et messages de --install-completion / --show-completion en français."""
    from typer import completion

    def shell_choisi(valeur: object) -> str:
        from typer._completion_shared import _completion_scripts, _get_shell_name

        # --install-completion bash (sans détection) donne un membre de l'énumération Shells.
        shell = str(getattr(valeur, "value", valeur)) if isinstance(valeur, str) else _get_shell_name()
        if shell not in _completion_scripts:
            connus = ", ".join(sorted(_completion_scripts))
            quoi = f"le shell « {shell} » n'est pas pris en charge" if shell else "shell courant non reconnu"
            print(f"diagnum : {quoi} (shells pris en charge : {connus})", file=sys.stderr)
            sys.exit(2)
        return shell

    def installer(ctx: Any, param: Any, valeur: Any) -> Any:
        if not valeur or ctx.resilient_parsing:
            return valeur
        from typer._completion_shared import install

        shell, chemin = install(shell=shell_choisi(valeur))
        print(f"Complétion pour {shell} installée dans {chemin}.")
        print("Elle fonctionnera dans les prochains terminaux ouverts.")
        sys.exit(0)

    def montrer(ctx: Any, param: Any, valeur: Any) -> Any:
        if not valeur or ctx.resilient_parsing:
            return valeur
        from typer._completion_shared import get_completion_script

        programme = ctx.find_root().info_name
        variable = "_{}_COMPLETE".format(programme.replace("-", "_").upper())
        print(get_completion_script(prog_name=programme, complete_var=variable, shell=shell_choisi(valeur)))
        sys.exit(0)

    for fonction in (
        completion._install_completion_placeholder_function,
        completion._install_completion_no_auto_placeholder_function,
    ):
        for info in fonction.__defaults__ or ():
            if info.callback is completion.install_callback:
                info.help, info.callback = AIDE_COMPLETION["install"], installer
            elif info.callback is completion.show_callback:
                info.help, info.callback = AIDE_COMPLETION["show"], montrer


def _erreurs_francaises() -> None:
    """Affichage des erreurs d'usage : « Erreur : … » et « Essayez « diagnum -h » pour l'aide. »"""
    from typer._click import exceptions
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    def montrer(self: Any, file: Any = None) -> None:
        echo(
            f"{ERREUR}{traduire_message(self.format_message())}", file=file or get_text_stderr(), color=self.show_color
        )

    def montrer_usage(self: Any, file: Any = None) -> None:
        file = file or get_text_stderr()
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            conseil = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                conseil = ESSAYEZ.format(commande=self.ctx.command_path, option=self.ctx.help_option_names[0]) + "\n"
            echo(f"{self.ctx.get_usage()}\n{conseil}", file=file, color=color)
        echo(f"{ERREUR}{traduire_message(self.format_message())}", file=file, color=color)

    exceptions.ClickException.show = montrer
    exceptions.UsageError.show = montrer_usage


def _aide_francaise() -> None:
    """Ligne d'utilisation, titres de rubrique (« Options : »), aide de -h, noms de type."""
    from typer._click import core, formatting

    ecrire_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        ecrire_usage(self, prog, traduire_usage(args), USAGE if prefix is None else prefix)

    def write_heading(self: Any, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")

    formatting.HelpFormatter.write_usage = write_usage
    formatting.HelpFormatter.write_heading = write_heading

    option_aide = core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = option_aide(self, ctx)
        if option is not None:
            option.help = AIDE
        return option

    core.Command.get_help_option = get_help_option

    metavar = core.Parameter.make_metavar

    def make_metavar(self: Any, ctx: Any) -> str:
        return traduire_metavar(metavar(self, ctx))

    core.Parameter.make_metavar = make_metavar


def _rich_francais() -> None:
    """Constantes de typer.rich_utils, s'il est chargé (l'application n'utilise pas le mode Rich)."""
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is None:
        return
    for nom, texte in {
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commandes",
        "ERRORS_PANEL_TITLE": "Erreur",
        "ABORTED_TEXT": "Interrompu.",
        "REQUIRED_LONG_STRING": "[obligatoire]",
        "DEFAULT_STRING": "[par défaut : {}]",
        "ENVVAR_STRING": "[variable d'environnement : {}]",
        "DEPRECATED_STRING": "(obsolète) ",
        "RICH_HELP": "Essayez [blue]« {command_path} {help_option} »[/] pour l'aide.",
    }.items():
        if hasattr(rich_utils, nom):
            setattr(rich_utils, nom, texte)


_installe = False


def installer() -> None:
    """Met Typer et sa copie de Click en français (une seule fois par processus)."""
    global _installe
    if _installe:
        return
    import typer.core

    catalogue = Catalogue(CATALOGUE)
    typer.core._ = catalogue.gettext  # type: ignore[attr-defined]
    _aide_francaise()
    _erreurs_francaises()
    _completion_francaise()
    _rich_francais()
    _installe = True
