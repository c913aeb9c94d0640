"""``diagnum sources`` : les effectifs d'usage estimés d'après les outils de l'établissement."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from diagnum.cli.commun import afficher_erreur, annoncer, gerer_erreurs

if TYPE_CHECKING:
    import datetime as dt

    from diagnum.enquetes.lecture import Constat
    from diagnum.fichiers import Lu
    from diagnum.referentiel import Referentiel
    from diagnum.sources.estimation import Periode, Regles

sources = typer.Typer(
    help=(
        "Effectifs d'usage estimés d'après les outils de l'établissement : planning de réservation (GRR), "
        "emploi du temps, statistiques de l'ENT."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Sorte(StrEnum):
    reservations = "reservations"
    emploi_du_temps = "emploi-du-temps"
    ent = "ent"


_ERREURS_AFFICHEES = 30


def _date_option(texte: str | None, option: str) -> dt.date | None:
    import datetime as dt

    from diagnum.erreurs import ErreurDiagnum

    if texte is None:
        return None
    try:
        return dt.date.fromisoformat(texte)
    except ValueError:
        raise ErreurDiagnum(f"{option} : une date AAAA-MM-JJ est attendue (par exemple 2024-09-02)") from None


def _signaler(constats: list[Constat], campagne: Path | None = None) -> None:
    from diagnum.erreurs import SORTIE_PROBLEMES
    from diagnum.sorties.texte import autres_erreurs

    for constat in constats[:_ERREURS_AFFICHEES]:
        annoncer(str(constat), erreur=True)
    if len(constats) > _ERREURS_AFFICHEES:
        afficher_erreur(autres_erreurs(len(constats) - _ERREURS_AFFICHEES))
    afficher_erreur(f"{campagne} : rien n'a été écrit" if campagne else "rien n'a été écrit")
    raise typer.Exit(SORTIE_PROBLEMES)


@sources.command("importer", short_help="Estime des effectifs d'usage d'après un export et les écrit dans la campagne.")
@gerer_erreurs
def importer(
    export: Path = typer.Argument(
        ...,
        help="Export de l'outil (CSV, XLSX ou ODS) : rapport des réservations de GRR, emploi du temps, statistiques "
        "de l'ENT.",
        show_default=False,
    ),
    campagne: Path = typer.Option(
        ..., "--dans", help="Fichier de campagne où écrire les effectifs.", show_default=False
    ),
    sorte: Sorte | None = typer.Option(
        None,
        "--type",
        help="Sorte d'export : reservations (un planning, reconnu seul pour GRR), emploi-du-temps ou ent.",
        show_default=False,
    ),
    correspondance: Path | None = typer.Option(
        None,
        "--correspondance",
        "-c",
        help="Fichier YAML « item: [motif, motif] » : les ressources (noms à motifs) qui comptent pour chaque item.",
        show_default=False,
    ),
    ressources: list[str] = typer.Option(
        [],
        "--ressources",
        "-r",
        help="ITEM=MOTIF,MOTIF : les ressources qui comptent pour un item (répétable ; s'ajoute à --correspondance).",
        show_default=False,
    ),
    colonnes: list[str] = typer.Option(
        [],
        "--colonne",
        help="ROLE=EN-TÊTE : la colonne d'un rôle (ressource, date, personne, classe ; profil, nombre, mois, "
        "service pour l'ENT) ; « Nom+Prénom » réunit deux colonnes (répétable).",
        show_default=False,
    ),
    du: str | None = typer.Option(
        None,
        "--du",
        help="Début de la période (AAAA-MM-JJ) ; par défaut la première date de l'export.",
        show_default=False,
    ),
    au: str | None = typer.Option(
        None,
        "--au",
        help="Fin de la période (AAAA-MM-JJ) ; par défaut la dernière date de l'export.",
        show_default=False,
    ),
    regulier: int = typer.Option(
        50,
        "--regulier",
        help="Régulièrement : vu au moins ce pourcentage des semaines de cours (des mois d'activité pour l'ENT).",
    ),
    minimum: int = typer.Option(
        1, "--minimum", help="Occasionnellement : au moins ce nombre de réservations (de connexions) sur la période."
    ),
    semaines: int | None = typer.Option(
        None,
        "--semaines",
        help="Nombre de semaines de cours de la période (par défaut : les semaines où le planning a une réservation).",
        show_default=False,
    ),
    essai: bool = typer.Option(
        False, "--essai", help="Montre chaque ressource et ce qui changerait, sans rien écrire."
    ),
    remplacer: bool = typer.Option(False, "--remplacer", help="Remplace les réponses déjà écrites autrement."),
) -> None:
    """Estime les effectifs jamais / occasionnellement / régulièrement d'après l'export d'un outil de
    l'établissement, et les écrit dans la campagne, chacun suivi d'un commentaire qui nomme le fichier,
    la période et la règle (et dans la partie « sources: » que lit le rapport).

    Les noms, identifiants et adresses de l'export ne servent qu'à distinguer les personnes, en mémoire :
    rien n'en est écrit ni affiché.

    Codes de sortie : 0 campagne à jour (ou essai), 1 export ou estimation refusés (colonne inconnue, date
    illisible, période vide, nombre de référence manquant, réponse déjà écrite sans --remplacer, campagne
    changée sur le disque pendant l'import) et rien n'est écrit, 2 impossible de travailler (export trop grand,
    fichier introuvable…).
    """
    from diagnum.erreurs import ErreurDiagnum, ErreurProbleme
    from diagnum.fichiers import lire_pour_modifier
    from diagnum.lecture_yaml import TAILLE_MAX
    from diagnum.referentiel import charger_referentiel
    from diagnum.sources.estimation import Periode, Regles
    from diagnum.sources.lecture import sans_ramasse_miettes

    if not 1 <= regulier <= 100:
        raise ErreurDiagnum("--regulier : un pourcentage de 1 à 100")
    if minimum < 1:
        raise ErreurDiagnum("--minimum : au moins 1")
    if semaines is not None and semaines < 1:
        raise ErreurDiagnum("--semaines : au moins 1")
    periode = Periode(_date_option(du, "--du"), _date_option(au, "--au"))
    if periode.debut and periode.fin and periode.fin < periode.debut:
        raise ErreurDiagnum("--au précède --du : la période est vide")
    nommees: dict[str, str] = {}
    for option in colonnes:
        role, egal, entete = option.partition("=")
        if not egal or not role.strip() or not entete.strip():
            raise ErreurDiagnum(f"--colonne « {option} » : écrivez ROLE=EN-TÊTE (par exemple personne=Enseignant)")
        nommees[role.strip()] = entete.strip()
    if campagne.is_symlink():
        raise ErreurProbleme(
            f"{campagne} est un lien symbolique : diagnum n'écrit jamais à travers un lien ; donnez le chemin "
            f"du fichier lui-même ({os.path.realpath(campagne)})"
        )
    contenu, lu = lire_pour_modifier(campagne, TAILLE_MAX)
    referentiel = charger_referentiel()
    with sans_ramasse_miettes():
        _importer(
            export, campagne, contenu, referentiel, nom_sorte_de(sorte), nommees, correspondance, ressources,
            Regles(regulier, minimum, semaines), periode, essai=essai, remplacer=remplacer, lu=lu,
        )  # fmt: skip


def nom_sorte_de(sorte: Sorte | None) -> str | None:
    return None if sorte is None else sorte.value.replace("-", "_")


def _importer(
    export: Path,
    campagne: Path,
    contenu: bytes,
    referentiel: Referentiel,
    nom_sorte: str | None,
    nommees: dict[str, str],
    correspondance: Path | None,
    ressources: list[str],
    regles: Regles,
    periode: Periode,
    *,
    essai: bool,
    remplacer: bool,
    lu: Lu,
) -> None:
    from diagnum.enquetes.lecture import lire_export
    from diagnum.fichiers import ecrire_atomique, lire_octets
    from diagnum.lecture_yaml import TAILLE_MAX
    from diagnum.sorties import tableau
    from diagnum.sorties import texte as ecrit
    from diagnum.sources import correspondance as corr
    from diagnum.sources.estimation import estimer
    from diagnum.sources.importation import preparer_estimation
    from diagnum.sources.lecture import LIMITES_SOURCES, lire_lignes, reconnaitre

    feuille = lire_export(export, LIMITES_SOURCES)
    annoncer(ecrit.export_lu(feuille))
    reconnues, erreurs = reconnaitre(feuille, nom_sorte, nommees)
    if reconnues is None:
        _signaler(erreurs, campagne)
    table = None
    if reconnues.sorte != "ent":
        texte = None
        if correspondance is not None:
            texte = lire_octets(correspondance, TAILLE_MAX).decode("utf-8", errors="replace").removeprefix("\ufeff")
        table, erreurs = corr.assembler(referentiel, reconnues.sorte, texte, str(correspondance), ressources)
        if erreurs:
            _signaler(erreurs, campagne)
    elif correspondance is not None or ressources:
        annoncer(
            "attention : un export de l'ENT ne compte pas de ressources ; --correspondance et --ressources "
            "sont ignorés",
            erreur=True,
        )
    lignes, erreurs = lire_lignes(feuille, reconnues)
    if erreurs:
        _signaler(erreurs, campagne)
    estimation = estimer(lignes, referentiel, table, regles, periode, feuille.chemin)
    bilan = preparer_estimation(contenu, str(campagne), estimation, feuille.chemin, remplacer=remplacer)
    for ligne, erreur in ecrit.entete_estimation(bilan, regles, lignes.refusees):
        annoncer(ligne, erreur=erreur)
    tableau.estimation_sources(bilan)
    for ligne in ecrit.regles_estimation(bilan):
        annoncer(ligne)
    if bilan.erreurs:
        _signaler(bilan.erreurs, campagne)
    if bilan.texte is not None and not essai:
        # Entre la lecture et ici, quelqu'un a pu enregistrer la campagne : rien n'est écrasé dans ce cas.
        ecrire_atomique(campagne, bilan.texte, force=True, attendu=lu)
    annoncer(ecrit.fin_estimation(campagne, bilan, essai=essai))
