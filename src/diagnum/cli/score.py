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
    from diagnum.territoire.repere import Repere

#: La complétude est une part de 0 à 1, comme en JSON et dans la base de synthese (une seule unité).
ENTETES_CSV = ("identifiant", "section", "domaine", "score", "usage", "moyens", "complétude (0 à 1)", "provisoire")
#: Colonnes ajoutées par --repere.
ENTETES_REPERE = ("médiane du territoire", "1er quartile", "3e quartile", "établissements", "au-dessus de (%)")


class FormatScore(StrEnum):
    tableau = "tableau"
    json = "json"
    csv = "csv"


def format_json(profil: Profil, repere: Repere | None = None) -> str:
    """Le document JSON du profil (voir ``scores.profil_en_dict``) ; avec un repère, la clé « repere »."""
    import json

    from diagnum.calculs.scores import profil_en_dict

    document = profil_en_dict(profil)
    if repere is not None:
        document["repere"] = {
            "campagne": repere.campagne,
            "etablissements": repere.etablissements,
            "domaines": [
                {"id": d.id, **({} if (s := repere.situations.get(d.id)) is None else s._asdict())}
                for d in profil.domaines
            ],
        }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_csv(profil: Profil, repere: Repere | None = None) -> bytes:
    """Une ligne par domaine, dans le dialecte CSV de diagnum (``diagnum.tableur`` : séparateur
    « ; », virgule décimale, UTF-8 avec BOM, fins de ligne CRLF) ; avec un repère, cinq colonnes de plus."""
    from diagnum.tableur import cellule, cellule_score, csv_octets

    def situation(identifiant: str) -> tuple[str, ...]:
        if repere is None:
            return ()
        s = repere.situations.get(identifiant)
        if s is None:
            return ("",) * len(ENTETES_REPERE)
        part = "" if s.part is None else cellule(100 * s.part)
        return (cellule_score(s.mediane), cellule_score(s.q1), cellule_score(s.q3), str(s.n), part)

    return csv_octets(
        ENTETES_CSV + (ENTETES_REPERE if repere is not None else ()),
        (
            (
                d.id,
                d.section,
                d.axe,
                cellule_score(d.score),
                cellule_score(d.usage),
                cellule_score(d.moyens),
                cellule(d.completude, 4),
                "oui" if d.provisoire else "non",
                *situation(d.id),
            )
            for d in profil.domaines
        ),
    )


def afficher_tableau(profil: Profil, notation: Notation, repere: Repere | None = None) -> None:
    """Le tableau des sept domaines puis les obligations, non respectées d'abord ; avec un repère,
    la médiane et les quartiles du territoire, et la position de l'établissement."""
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
    if repere is not None:
        afficher_repere(profil, repere)
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


def afficher_repere(profil: Profil, repere: Repere) -> None:
    """Le tableau « parmi les établissements du territoire » : médiane, quartiles, position."""
    from rich.table import Table
    from rich.text import Text

    from diagnum.affichage import nombre_fr
    from diagnum.cli.commun import console_rich
    from diagnum.echappement import echapper_terminal

    console = console_rich()
    campagne = echapper_terminal(repere.campagne)
    titre = f"Parmi les {repere.etablissements} établissements du territoire (campagne {campagne})"
    tableau = Table(show_edge=False, pad_edge=False, title=titre, title_justify="left")
    for colonne, alignement in (("Domaine", "left"), ("Score", "right"), ("Médiane", "right")):
        tableau.add_column(colonne, justify=alignement, no_wrap=colonne != "Domaine")
    tableau.add_column("1er – 3e quartile", justify="right", no_wrap=True)
    tableau.add_column("Position")
    for d in profil.domaines:
        s = repere.situations.get(d.id)
        quartiles = ["—", "—"] if s is None else [nombre_fr(s.mediane), f"{nombre_fr(s.q1)} – {nombre_fr(s.q3)}"]
        tableau.add_row(Text(f"{d.section} {d.axe}"), nombre_fr(d.score), *quartiles, repere.phrase(d.id))
    console.print(tableau)
    console.print()


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

    if sortie is not None and format is FormatScore.tableau:
        raise ErreurDiagnum("--sortie s'emploie avec --format json ou --format csv")
    campagne, referentiel = charger_campagne(fichier)
    profil = calculer_profil(campagne, referentiel)
    situation = None
    if repere is not None:
        from diagnum.territoire.repere import lire_repere

        situation = lire_repere(repere, profil)
    if format is FormatScore.tableau:
        afficher_tableau(profil, referentiel.notation, situation)
        return
    if format is FormatScore.json:
        contenu = format_json(profil, situation).encode("utf-8")
    else:
        contenu = format_csv(profil, situation)
    if sortie is not None:
        ecrire_atomique(sortie, contenu, force=force)
        from diagnum.cli.commun import annoncer

        annoncer(f"{sortie} : profil écrit ({format.value}).")
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(contenu)
    sys.stdout.buffer.flush()
