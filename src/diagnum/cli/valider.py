"""``diagnum valider`` : vérifier des fichiers de campagne."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.sorties import formats

#: texte, parsable, json, github : les écrivains de constats du registre ``diagnum.sorties``.
FormatConstats = StrEnum("FormatConstats", [(f, f) for f in formats("constats")])


@gerer_erreurs
def valider(
    fichiers: list[Path] = typer.Argument(..., help="Un ou plusieurs fichiers de campagne.", show_default=False),
    format: FormatConstats = typer.Option(
        FormatConstats("texte"), "--format", help="Présentation des constats : texte, parsable, json ou github."
    ),
    complet: bool = typer.Option(
        False, "--complet", help="Les items sans réponse sont des erreurs (et non des avertissements)."
    ),
) -> None:
    """Vérifie des campagnes et signale chaque problème avec sa ligne et sa colonne.

    Codes de sortie : 0 aucune erreur, 1 une erreur dans au moins un fichier,
    2 impossible de travailler (fichier absent ou illisible, usage incorrect).
    """
    from diagnum.campagne.lot import SEUIL_PARALLELE, valider_lot
    from diagnum.cli.commun import afficher_erreur
    from diagnum.erreurs import SORTIE_IMPOSSIBLE, SORTIE_OK, SORTIE_PROBLEMES
    from diagnum.sorties import ecrivain

    if len(fichiers) > SEUIL_PARALLELE and sys.stderr.isatty():
        verdicts = _avec_barre(fichiers, complet)
    else:
        verdicts = valider_lot(fichiers, complet=complet)
    resultats = []
    illisibles = 0
    for verdict in verdicts:
        if verdict.illisible is not None:
            afficher_erreur(verdict.illisible)
            illisibles += 1
        else:
            resultats.append((verdict.chemin, verdict.constats))
    texte = ecrivain("constats", format.value)(resultats, illisibles)
    if texte is not None:
        sys.stdout.write(texte)
    erreur = any(d.est_erreur for _, constats in resultats for d in constats)
    if illisibles:
        raise typer.Exit(SORTIE_IMPOSSIBLE)
    raise typer.Exit(SORTIE_PROBLEMES if erreur else SORTIE_OK)


def _avec_barre(fichiers: list[Path], complet: bool) -> list:
    """Un gros lot sur un terminal : une barre de progression Rich sur la sortie d'erreur, effacée à la fin."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from diagnum.campagne.lot import valider_lot

    colonnes = (TextColumn("Vérification"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*colonnes, console=Console(stderr=True), transient=True) as barre:
        tache = barre.add_task("valider", total=len(fichiers))
        return valider_lot(fichiers, complet=complet, avancer=lambda n: barre.advance(tache, n))
