"""Mise en forme des constats : une petite fonction par format.

Formats : ``texte`` (Rich, groupé par fichier), ``parsable``
(``fichier:ligne:colonne: [gravité] message (code)``), ``json`` et
``github`` (commandes de workflow GitHub Actions). Dans les formats lisibles
(texte, parsable, github), noms de fichiers et messages passent par
``echapper_terminal`` : un caractère de contrôle venu d'une campagne ou d'un nom
de fichier s'affiche échappé (``\\x1b``), jamais interprété par le terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from diagnum.campagne.diagnostics import Diagnostic
from diagnum.echappement import echapper_lignes, echapper_terminal

FichierConstats = tuple[str, Sequence[Diagnostic]]
FORMATS = ("texte", "parsable", "json", "github")


def format_parsable(fichiers: Sequence[FichierConstats]) -> str:
    """Une ligne par constat, lisible par les éditeurs (errorformat, problem matcher)."""
    lignes = []
    for chemin, constats in fichiers:
        chemin = echapper_terminal(chemin)
        for d in constats:
            message = " ".join(echapper_terminal(d.message).split())
            lignes.append(f"{chemin}:{d.ligne}:{d.colonne}: [{d.gravite.value}] {message} ({d.code})")
    return "\n".join(lignes) + ("\n" if lignes else "")


def format_json(fichiers: Sequence[FichierConstats]) -> str:
    """Le document JSON ``{"fichiers": [...]}``."""
    import json

    document = {
        "fichiers": [
            {
                "fichier": chemin,
                "diagnostics": [
                    {
                        "ligne": d.ligne,
                        "colonne": d.colonne,
                        "gravite": d.gravite.value,
                        "code": d.code,
                        "message": d.message,
                    }
                    for d in constats
                ],
            }
            for chemin, constats in fichiers
        ]
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _echapper_github(texte: str, propriete: bool = False) -> str:
    texte = texte.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if propriete:
        texte = texte.replace(":", "%3A").replace(",", "%2C")
    return texte


def format_github(fichiers: Sequence[FichierConstats]) -> str:
    """Commandes de workflow : ``::error file=…,line=…,col=…::message``."""
    lignes = []
    for chemin, constats in fichiers:
        for d in constats:
            niveau = "error" if d.est_erreur else "warning"
            lignes.append(
                f"::{niveau} file={_echapper_github(echapper_terminal(chemin), True)},line={d.ligne},"
                f"col={d.colonne}::{_echapper_github(echapper_lignes(d.message))} ({d.code})"
            )
    return "\n".join(lignes) + ("\n" if lignes else "")


def bilan(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> str:
    """« 2 erreurs, 3 avertissements dans 1 fichier sur 4 » ; « ; 1 fichier non lu » s'il y en a."""
    erreurs = sum(1 for _, cs in fichiers for d in cs if d.est_erreur)
    avertissements = sum(1 for _, cs in fichiers for d in cs if not d.est_erreur)
    touches = sum(1 for _, cs in fichiers if cs)

    def pluriel(n: int, mot: str) -> str:
        return f"{n} {mot}{'s' if n > 1 else ''}"

    if not fichiers:
        texte = "aucun fichier vérifié"
    elif not erreurs and not avertissements:
        texte = f"aucun problème ({pluriel(len(fichiers), 'fichier')} vérifié{'s' if len(fichiers) > 1 else ''})"
    else:
        texte = (
            f"{pluriel(erreurs, 'erreur')}, {pluriel(avertissements, 'avertissement')} "
            f"dans {pluriel(touches, 'fichier')} sur {len(fichiers)}"
        )
    if non_lus:
        texte += f" ; {pluriel(non_lus, 'fichier')} non lu{'s' if non_lus > 1 else ''} (voir plus haut)"
    return texte


#: « avertissement » et deux espaces : les messages commencent tous à la même colonne.
_LARGEUR_GRAVITE = len("avertissement") + 2


def _largeur_position(constats: Sequence[Diagnostic]) -> int:
    return max(len(f"{d.ligne}:{d.colonne}") for d in constats) + 2


def _position(d: Diagnostic, largeur: int) -> str:
    return f"{d.ligne}:{d.colonne}".ljust(largeur)


def _lignes_texte(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> list[str]:
    lignes = []
    for chemin, constats in fichiers:
        if not constats:
            continue
        lignes.append(echapper_terminal(chemin))
        largeur = _largeur_position(constats)
        for d in constats:
            message = echapper_terminal(d.message)
            ligne = f"  {_position(d, largeur)}{d.gravite.value:<{_LARGEUR_GRAVITE}}{message}  ({d.code})"
            lignes.append(ligne.expandtabs(8))  # comme Rich, pour une tabulation citée dans un message
        lignes.append("")
    lignes.append(bilan(fichiers, non_lus))
    return lignes


def _terminal(flux: TextIO) -> bool:
    """Vrai si la sortie est un terminal (ou si FORCE_COLOR le fait croire à Rich)."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return flux.isatty()
    except (AttributeError, ValueError):
        return False


def ecrire_texte(fichiers: Sequence[FichierConstats], flux: TextIO | None = None, non_lus: int = 0) -> None:
    """Sortie lisible, groupée par fichier (couleurs seulement sur un terminal).

    Hors d'un terminal (tube, fichier, tests), ou avec NO_COLOR, le même texte
    sans couleurs ni gras est écrit directement : Rich coûterait 30 à 50 ms
    d'import à chaque appel (et garderait le gras malgré NO_COLOR).
    """
    sortie = flux if flux is not None else sys.stdout
    if not _terminal(sortie) or os.environ.get("NO_COLOR"):
        sortie.write("\n".join(_lignes_texte(fichiers, non_lus)) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    # Des objets Text plutôt que du balisage : un « [ » ou un « \ » final d'un message reste tel quel.
    console = Console(file=flux, highlight=False, soft_wrap=True, emoji=False)
    for chemin, constats in fichiers:
        if not constats:
            continue
        console.print(Text(echapper_terminal(chemin), style="bold"))
        largeur = _largeur_position(constats)
        for d in constats:
            style = "red" if d.est_erreur else "yellow"
            console.print(
                Text.assemble(
                    f"  {_position(d, largeur)}",
                    (d.gravite.value, style),
                    " " * (_LARGEUR_GRAVITE - len(d.gravite.value)),
                    echapper_terminal(d.message),
                    "  ",
                    (f"({d.code})", "dim"),
                )
            )
        console.print()
    console.print(Text(bilan(fichiers, non_lus)))
