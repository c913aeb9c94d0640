"""``diagnum score`` : le profil d'une campagne, en tableau, JSON ou CSV."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from diagnum.cli.commun import gerer_erreurs

if TYPE_CHECKING:
    from diagnum.calculs.scores import Profil
    from diagnum.referentiel import Notation

ENTETES_CSV = ("identifiant", "section", "domaine", "score", "usage", "moyens", "complétude (%)", "provisoire")


class FormatScore(StrEnum):
    tableau = "tableau"
    json = "json"
    csv = "csv"


def format_json(profil: Profil) -> str:
    """Le document JSON du profil (voir ``scores.profil_en_dict``)."""
    import json

    from diagnum.calculs.scores import profil_en_dict

    return json.dumps(profil_en_dict(profil), ensure_ascii=False, indent=2) + "\n"


def format_csv(profil: Profil) -> bytes:
    """Une ligne par domaine, dans le dialecte CSV de diagnum (``diagnum.tableur`` : séparateur
    « ; », virgule décimale, UTF-8 avec BOM, fins de ligne CRLF)."""
    from diagnum.affichage import nombre_fr
    from diagnum.tableur import cellule_score, csv_octets

    return csv_octets(
        ENTETES_CSV,
        (
            (
                d.id,
                d.section,
                d.axe,
                cellule_score(d.score),
                cellule_score(d.usage),
                cellule_score(d.moyens),
                nombre_fr(100 * d.completude),
                "oui" if d.provisoire else "non",
            )
            for d in profil.domaines
        ),
    )


def afficher_tableau(profil: Profil, notation: Notation) -> None:
    """Le tableau des sept domaines puis les obligations, non respectées d'abord."""
    from rich.table import Table
    from rich.text import Text

    from diagnum.affichage import ABSENT, pourcent_fr, score_fr
    from diagnum.cli.commun import console_rich
    from diagnum.echappement import echapper_terminal

    console = console_rich()
    nom = echapper_terminal(profil.etablissement.nom) or "Établissement sans nom"
    campagne = echapper_terminal(profil.campagne)
    console.print(Text(f"{nom} — campagne {campagne} (référentiel {profil.referentiel})", style="bold"))
    tableau = Table(show_edge=False, pad_edge=False)
    tableau.add_column("Domaine")
    for colonne in ("Score", "Usage", "Moyens", "Complétude"):
        tableau.add_column(colonne, justify="right", no_wrap=True)
    for d in profil.domaines:
        if d.score is None:
            score = Text("sans score", style="dim")
        else:
            score = Text(score_fr(d.score) + (" *" if d.provisoire else ""), style="bold")
        usage_moyens = (
            [score_fr(d.usage), score_fr(d.moyens) + (" *" if d.moyens_provisoire else "")]
            if d.nature == "usage"
            else ["", ""]
        )
        tableau.add_row(Text(f"{d.section} {d.axe}"), score, *usage_moyens, pourcent_fr(d.completude))
    console.print(tableau)
    if any(d.provisoire or d.moyens_provisoire for d in profil.domaines):
        seuil = pourcent_fr(notation.seuil_provisoire)
        console.print(Text(f"* provisoire : questions de ce chiffre renseignées à moins de {seuil}.", style="dim"))
    if any(d.score is None for d in profil.domaines):
        console.print(
            Text("sans score : domaine non renseigné, rien n'y est calculable (ce n'est pas 0).", style="dim")
        )
    if any(d.nature == "usage" and None in (d.usage, d.moyens) for d in profil.domaines):
        console.print(Text(f"{ABSENT} : aucune réponse comptée pour ce chiffre.", style="dim"))
    for enquete in profil.enquetes:
        taux = f" ({pourcent_fr(enquete.taux)})" if enquete.taux is not None else ""
        console.print(Text(f"Enquête : {enquete.phrase}{taux}."))
    console.print()
    obligations = Table(show_edge=False, pad_edge=False, title="Obligations réglementaires", title_justify="left")
    obligations.add_column("Obligation")
    obligations.add_column("Réponse", no_wrap=True)
    for o in profil.obligations_triees:
        if o.respectee:
            etat = Text("respectée", style="green")
        elif o.reponse is None:
            etat = Text("sans réponse", style="bold yellow")
        else:
            etat = Text("non respectée", style="bold red")
        obligations.add_row(Text(o.libelle), etat)
    console.print(obligations)


@gerer_erreurs
def score(
    fichier: Path = typer.Argument(..., help="Fichier de campagne.", show_default=False),
    format: FormatScore = typer.Option(
        FormatScore.tableau, "--format", help="Présentation : tableau, json ou csv (tableur réglé en français)."
    ),
    sortie: Path | None = typer.Option(
        None, "--sortie", "-o", help="Écrit le JSON ou le CSV dans ce fichier plutôt qu'à l'écran."
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace le fichier de sortie s'il existe déjà."),
) -> None:
    """Calcule le profil d'une campagne : le score des sept domaines (de 0 à 100), l'usage
    et les moyens des domaines d'usage, la complétude, puis les obligations réglementaires.

    Codes de sortie : 0 profil calculé, 1 campagne invalide (corrigez-la avec diagnum
    valider) ou fichier de sortie existant, 2 impossible de travailler.
    """
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.fichiers import ecrire_atomique

    if sortie is not None and format is FormatScore.tableau:
        raise ErreurDiagnum("--sortie s'emploie avec --format json ou --format csv")
    campagne, referentiel = charger_campagne(fichier)
    profil = calculer_profil(campagne, referentiel)
    if format is FormatScore.tableau:
        afficher_tableau(profil, referentiel.notation)
        return
    contenu: bytes = format_json(profil).encode("utf-8") if format is FormatScore.json else format_csv(profil)
    if sortie is not None:
        ecrire_atomique(sortie, contenu, force=force)
        from diagnum.cli.commun import annoncer

        annoncer(f"{sortie} : profil écrit ({format.value}).")
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(contenu)
    sys.stdout.buffer.flush()
