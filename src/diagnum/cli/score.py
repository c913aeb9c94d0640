"""``diagnum score`` : le profil d'une campagne, en tableau, JSON ou CSV."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.sorties import formats

#: tableau, json, csv : les écrivains de profil du registre ``diagnum.sorties``.
FormatScore = StrEnum("FormatScore", [(f, f) for f in formats("profil")])


@gerer_erreurs
def score(
    fichier: Path = typer.Argument(..., help="Fichier de campagne.", show_default=False),
    format: FormatScore = typer.Option(
        FormatScore("tableau"), "--format", help="Présentation : tableau, json ou csv (tableur réglé en français)."
    ),
    sortie: Path | None = typer.Option(
        None, "--sortie", "-o", help="Écrit le JSON ou le CSV dans ce fichier plutôt qu'à l'écran."
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace le fichier de sortie s'il existe déjà."),
    repere: Path | None = typer.Option(
        None,
        "--repere",
        help="repere.json écrit par diagnum synthese : situe chaque domaine parmi les établissements du territoire.",
        show_default=False,
    ),
) -> None:
    """Calcule le profil d'une campagne : le score des sept domaines (de 0 à 100), l'usage
    et les moyens des domaines d'usage, la complétude, puis les obligations réglementaires.

    Avec --repere, chaque domaine est situé parmi les établissements du territoire : médiane,
    quartiles et part des établissements dont le score est plus bas.

    Codes de sortie : 0 profil calculé, 1 campagne invalide (corrigez-la avec diagnum
    valider), fichier de sortie existant ou repère refusé (autre référentiel, autre campagne,
    moins de 5 établissements), 2 impossible de travailler.
    """
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.fichiers import ecrire_atomique
    from diagnum.sorties import ecrivain

    if sortie is not None and format is FormatScore.tableau:
        raise ErreurDiagnum("--sortie s'emploie avec --format json ou --format csv")
    campagne, referentiel = charger_campagne(fichier)
    profil = calculer_profil(campagne, referentiel)
    situation = None
    if repere is not None:
        from diagnum.territoire.repere import lire_repere

        situation = lire_repere(repere, profil)
    contenu = ecrivain("profil", format.value)(profil, referentiel.notation, situation)
    if contenu is None:  # le tableau, déjà affiché
        return
    if isinstance(contenu, str):
        contenu = contenu.encode("utf-8")
    if sortie is not None:
        ecrire_atomique(sortie, contenu, force=force)
        from diagnum.cli.commun import annoncer

        annoncer(f"{sortie} : profil écrit ({format.value}).")
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(contenu)
    sys.stdout.buffer.flush()
