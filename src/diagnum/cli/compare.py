"""``diagnum compare AVANT APRES`` : mesurer les progrès entre deux campagnes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.sorties import formats

#: texte ou json à l'écran : les écrivains de comparaison du registre ``diagnum.sorties``.
FormatComparaison = StrEnum("FormatComparaison", [(f, f) for f in formats("comparaison")])


# --------------------------------------------------------------------------
# Bords : chargement, écriture


def charger_comparables(chemins: Sequence[Path], force: bool):
    """Charge des campagnes valides du même référentiel (et du même
    établissement, sauf ``force``) ; affiche les mises en garde sur stderr."""
    from diagnum.calculs.comparaison import verifier_comparables
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.cli.commun import afficher_erreur

    charges = [charger_campagne(Path(c)) for c in chemins]
    campagnes = [c for c, _ in charges]
    for avertissement in verifier_comparables(campagnes, force=force):
        afficher_erreur(avertissement)
    return campagnes, charges[0][1]


OPTION_FORMAT = typer.Option(
    None,
    "--format",
    help="Sans -o : présentation à l'écran, texte (par défaut) ou json. Avec -o : format du rapport, md "
    '(par défaut), html, pdf (demande pip install "diagnum[pdf]") ou tout ; se répète : --format md --format html.',
    metavar="<texte|json|md|html|pdf|tout>",
    show_default=False,
)


def choisir_formats(valeurs: list[str] | None, sortie: Path | None) -> tuple[FormatComparaison, tuple[str, ...]]:
    """Les valeurs de ``--format`` : la présentation à l'écran (sans ``-o``) ou les formats du rapport (avec).

    Une valeur qui ne convient pas au cas lève ``ErreurDiagnum`` (code 2, usage incorrect).
    """
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.rapports.formats import FORMATS, TOUT, lire_formats

    valeurs = [v.strip().lower() for v in valeurs or ()]
    ecran = {f.value for f in FormatComparaison}
    if sortie is not None:
        if ecran & set(valeurs):
            raise ErreurDiagnum(
                "avec -o DOSSIER, --format choisit le format du rapport : md, html, pdf ou tout "
                "(texte et json s'affichent à l'écran, sans -o)"
            )
        return FormatComparaison.texte, lire_formats(valeurs)
    if not valeurs:
        return FormatComparaison.texte, ()
    if len(set(valeurs)) > 1:
        raise ErreurDiagnum("à l'écran, un seul --format : texte ou json")
    if valeurs[0] in ecran:
        return FormatComparaison(valeurs[0]), ()
    if valeurs[0] in (*FORMATS, TOUT):
        raise ErreurDiagnum(f"--format {valeurs[0]} écrit un rapport dans un dossier : ajoutez -o DOSSIER")
    raise ErreurDiagnum(
        f"format « {valeurs[0]} » inconnu : texte ou json à l'écran, ou avec -o DOSSIER md, html, pdf ou tout"
    )


def option_sortie(rapport: str):
    """L'option ``-o DOSSIER`` d'une commande qui écrit un rapport."""
    return typer.Option(
        None,
        "--sortie",
        "-o",
        help=f"Dossier où écrire le rapport {rapport} ; créé s'il manque.",
        show_default=False,
    )


def option_force(ce_qui_est_permis: str):
    """L'option ``--force`` : un refus levé, et les fichiers existants remplacés."""
    return typer.Option(False, "--force", "-f", help=f"{ce_qui_est_permis} et remplace les fichiers existants.")


@gerer_erreurs
def compare(
    avant: Path = typer.Argument(..., help="La campagne la plus ancienne.", show_default=False),
    apres: Path = typer.Argument(..., help="La campagne la plus récente.", show_default=False),
    formats: list[str] | None = OPTION_FORMAT,
    sortie: Path | None = option_sortie("de progression (progression.md et son diagramme, .html, .pdf)"),
    force: bool = option_force("Compare même deux établissements différents (UAI)"),
) -> None:
    """Mesure les progrès entre deux campagnes d'un établissement.

    AVANT est la campagne la plus ancienne. Montre l'écart de chaque domaine,
    les réponses qui ont changé (améliorations et régressions à part) et le
    bilan des objectifs fixés dans AVANT, jugés sur les scores de la campagne APRES.
    Les deux campagnes doivent suivre la même version du référentiel.
    """
    from diagnum.calculs.comparaison import comparer
    from diagnum.cli.commun import afficher_erreur, annoncer
    from diagnum.rapports.formats import verifier_formats
    from diagnum.sorties import ecrivain

    format, formats_rapport = choisir_formats(formats, sortie)
    verifier_formats(formats_rapport)
    (campagne_avant, campagne_apres), referentiel = charger_comparables([avant, apres], force)
    if campagne_avant.date and campagne_apres.date and campagne_avant.date > campagne_apres.date:
        afficher_erreur(
            f"attention : {avant} est datée après {apres} ; la campagne la plus ancienne vient en premier "
            "(diagnum compare AVANT APRES)"
        )
    comparaison = comparer(campagne_avant, campagne_apres, referentiel)
    if sortie is not None:
        from diagnum.rapports.progression import ecrire_rapport_progression

        chemins = ecrire_rapport_progression(
            comparaison, sortie, force=force, referentiel_titre=referentiel.titre, formats=formats_rapport
        )
        for chemin in chemins:
            annoncer(f"{chemin} : rapport de progression écrit")
        return
    sys.stdout.write(ecrivain("comparaison", format.value)(comparaison, (str(avant), str(apres))))
