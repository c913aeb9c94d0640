"""``diagnum synthese`` : la synthèse d'un territoire sur les campagnes de nombreux établissements."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def synthese(
    chemins: list[Path] = typer.Argument(
        ...,
        help="Fichiers de campagne, ou dossiers où les chercher (.yaml et .yml, sous-dossiers compris).",
        show_default=False,
    ),
    dossier: Path = typer.Option(
        ..., "--sortie", "-o", help="Dossier de la synthèse, créé s'il manque.", show_default=False
    ),
    campagne: str | None = typer.Option(
        None, "--campagne", help="Ne retient que cette campagne (par exemple 2024-2025).", show_default=False
    ),
    anonyme: bool = typer.Option(
        False,
        "--anonyme",
        help="Aucun nom, UAI ni commune dans les fichiers écrits : pseudonymes E001…, aucune statistique "
        "ni ligne sur moins de 5 établissements, ni minimum ni maximum, ni effectif de référence d'un "
        "établissement ; libellé de campagne AAAA-AAAA, ou fichier laissé de côté.",
    ),
    correspondance: Path | None = typer.Option(
        None,
        "--correspondance",
        help="Avec --anonyme : écrit dans ce fichier (CSV) la table pseudonyme → UAI, nom, commune. "
        "À garder pour soi, hors du dossier publié.",
        show_default=False,
    ),
    formats: list[str] | None = typer.Option(
        None,
        "--format",
        help="Format du rapport : md (synthese.md et ses images, par défaut), html (une seule page à ouvrir dans "
        'un navigateur), pdf (demande pip install "diagnum[pdf]") ou tout ; se répète : --format md --format html. '
        "Les CSV, la base et repere.json sont écrits dans tous les cas.",
        metavar="<md|html|pdf|tout>",
        show_default=False,
    ),
    attendus: Path | None = typer.Option(
        None,
        "--attendus",
        help="Liste des établissements attendus (CSV : une colonne UAI, et si l'on veut nom et commune ; "
        "« ; », « , » ou tabulation ; UTF-8 ou Windows-1252) : la synthèse nomme ceux qui n'ont pas de "
        "campagne utilisable (absents, fichier laissé de côté et pourquoi, autre campagne), à l'écran et dans "
        "manquants.csv (sans --anonyme).",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace une synthèse existante dans ce dossier."),
) -> None:
    """Fait la synthèse des campagnes de nombreux établissements (département, région,
    académie) : DOSSIER/synthese.md et ses graphiques, scores.csv, reponses.csv, la base
    synthese.sqlite, repere.json (pour diagnum score et diagnum rapport --repere) et
    rejets.csv (les fichiers laissés de côté, avec leur première erreur ; avec --anonyme,
    ils ne sont listés que sur la sortie d'erreur).

    Sans --anonyme, les fichiers écrits nomment les établissements (nom, UAI, commune).

    Chaque fichier est vérifié comme par diagnum valider ; un fichier avec une erreur, ou
    deux fichiers du même établissement pour la même campagne, sont laissés de côté.

    Codes de sortie : 0 synthèse écrite, 1 synthèse écrite mais des fichiers laissés de
    côté ou des établissements attendus sans campagne (ou synthèse existante sans --force),
    2 impossible de travailler (aucune campagne utilisable, dossier introuvable, liste des
    établissements attendus illisible…).
    """
    from diagnum.cli.commun import afficher_erreur
    from diagnum.erreurs import SORTIE_OK, SORTIE_PROBLEMES, ErreurDiagnum
    from diagnum.rapports import formats as fmt
    from diagnum.territoire.production import produire

    demandes = fmt.lire_formats(formats)
    fmt.verifier_formats(demandes)
    if correspondance is not None and not anonyme:
        raise ErreurDiagnum(
            "--correspondance s'emploie avec --anonyme (sans lui, les fichiers nomment déjà les établissements)"
        )
    if correspondance is not None and dossier.resolve() in correspondance.resolve().parents:
        raise ErreurDiagnum(
            f"{correspondance} : la table de correspondance nomme les établissements ; écrivez-la hors du "
            f"dossier publié {dossier}"
        )
    from diagnum.territoire.attendus import lire_attendus

    options = {
        "attendus": lire_attendus(attendus) if attendus is not None else None,
        "campagne": campagne,
        "anonyme": anonyme,
        "force": force,
        "correspondance": correspondance,
        "formats": demandes,
    }
    bilan = _avec_barre(chemins, dossier, options) if sys.stderr.isatty() else produire(chemins, dossier, **options)
    for rejet in bilan.rejets:
        lieu = f"{rejet.fichier}:{rejet.ligne}:{rejet.colonne}" if rejet.ligne else rejet.fichier
        afficher_erreur(f"{lieu}: laissé de côté : {rejet.message} ({rejet.code})")
    if anonyme:  # aucun fichier ne les nomme : seule la sortie d'erreur le fait
        from diagnum.sorties.synthese import message_ecart

        for ecart in bilan.ecarts:
            afficher_erreur(f"{ecart.fichier}: d'une autre campagne : {message_ecart(ecart, campagne)}")
    pluriel = "s" if bilan.retenus > 1 else ""
    from diagnum.echappement import echapper_terminal

    rapports = ", ".join(echapper_terminal(p) for p in bilan.ecrits if p.suffix in (".md", ".html", ".pdf"))
    print(
        f"{rapports} : synthèse écrite ({bilan.retenus} campagne{pluriel} retenue{pluriel}, "
        f"{bilan.etablissements} établissement{'s' if bilan.etablissements > 1 else ''}"
        + (
            f", {len(bilan.rejets)} fichier{'s' if len(bilan.rejets) > 1 else ''} laissé{'s' if len(bilan.rejets) > 1 else ''} de côté"
            if bilan.rejets
            else ""
        )
        + (f", {bilan.ecartes} d'une autre campagne" if bilan.ecartes else "")
        + ")."
    )
    if bilan.manquants is not None:
        _afficher_manquants(bilan)
    raise typer.Exit(SORTIE_PROBLEMES if bilan.rejets or bilan.manquants else SORTIE_OK)


def _afficher_manquants(bilan) -> None:
    """La liste des établissements attendus sans campagne utilisable, sur la sortie standard."""
    from diagnum.sorties.texte import manquants_synthese

    for ligne in manquants_synthese(bilan):
        print(ligne)


def _avec_barre(chemins: list[Path], dossier: Path, options: dict):
    """Sur un terminal : une barre de progression Rich sur la sortie d'erreur, effacée à la fin."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from diagnum.territoire.production import produire

    colonnes = (TextColumn("Synthèse"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*colonnes, console=Console(stderr=True), transient=True) as barre:
        tache = barre.add_task("synthese", total=None)
        return produire(
            chemins,
            dossier,
            avancer=lambda n: barre.advance(tache, n),
            total=lambda n: barre.update(tache, total=n),
            **options,
        )
