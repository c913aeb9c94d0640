"""``diagnum evolution A B C…`` : les scores d'un établissement au fil de ses campagnes."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.cli.compare import OPTION_FORMAT, option_force, option_sortie


@gerer_erreurs
def evolution(
    fichiers: list[Path] = typer.Argument(
        ..., help="Deux campagnes ou plus d'un même établissement.", show_default=False
    ),
    formats: list[str] | None = OPTION_FORMAT,
    sortie: Path | None = option_sortie("d'évolution (evolution.md et son graphique, .html, .pdf)"),
    force: bool = option_force("Accepte des établissements différents (UAI)"),
) -> None:
    """Suit les scores d'un établissement sur plusieurs campagnes : tableau par domaine et graphique.

    Les campagnes sont rangées par date (clé « date ») ; si l'une d'elles n'a
    pas de date, l'ordre donné sur la ligne de commande est gardé. Toutes
    doivent suivre la même version du référentiel.
    """
    from diagnum.calculs.comparaison import evolution as calculer_evolution
    from diagnum.cli.compare import charger_comparables, choisir_formats
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.rapports.formats import verifier_formats
    from diagnum.sorties import ecrivain

    format, formats_rapport = choisir_formats(formats, sortie)
    verifier_formats(formats_rapport)

    if len(fichiers) < 2:
        raise ErreurDiagnum("il faut au moins deux campagnes pour suivre une évolution (diagnum evolution A B C…)")
    campagnes, referentiel = charger_comparables(fichiers, force)
    evo = calculer_evolution(campagnes, referentiel)
    if sortie is not None:
        from diagnum.rapports.progression import ecrire_rapport_evolution

        chemins = ecrire_rapport_evolution(
            evo, sortie, force=force, referentiel_titre=referentiel.titre, formats=formats_rapport
        )
        from diagnum.cli.commun import annoncer

        for chemin in chemins:
            annoncer(f"{chemin} : rapport d'évolution écrit")
        return
    sys.stdout.write(ecrivain("evolution", format.value)(evo, [str(f) for f in fichiers]))
