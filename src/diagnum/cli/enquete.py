"""``diagnum enquete`` : questionnaires par public, et import de leurs réponses dans une campagne."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from diagnum.affichage import pluriel
from diagnum.cli.commun import afficher_erreur, annoncer, gerer_erreurs

if TYPE_CHECKING:
    from diagnum.enquetes.importation import Bilan
    from diagnum.referentiel import Public, Referentiel

enquete = typer.Typer(
    help="Questionnaires anonymes pour les enseignants, les familles et les classes, et import de leurs réponses.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class FormatQuestionnaire(StrEnum):
    fichiers = "fichiers"
    json = "json"


def _public(referentiel: Referentiel, nom: str) -> Public:
    from diagnum.erreurs import ErreurDiagnum

    public = referentiel.public(nom)
    if public is None:
        from diagnum.campagne.validation import enumerer

        publics = enumerer([p.id for p in referentiel.publics], "ou")
        raise ErreurDiagnum(f"public « {nom} » inconnu : {publics}")
    return public


@enquete.command(
    "questionnaire", short_help="Écrit le questionnaire anonyme d'un public (papier, saisie CSV, LimeSurvey)."
)
@gerer_erreurs
def questionnaire(
    public: str = typer.Argument(..., help="Qui répond : enseignants, familles ou divisions.", show_default=False),
    dossier: Path | None = typer.Option(
        None, "--sortie", "-o", help="Dossier où écrire les questionnaires, créé s'il manque.", show_default=False
    ),
    format_: FormatQuestionnaire = typer.Option(
        FormatQuestionnaire.fichiers,
        "--format",
        help="fichiers : PUBLIC.md, PUBLIC.html, PUBLIC.csv et PUBLIC.txt dans DOSSIER ; json : le questionnaire à "
        "l'écran.",
    ),
    pdf: bool = typer.Option(
        False, "--pdf", help='Écrit aussi PUBLIC.pdf, le questionnaire papier (demande pip install "diagnum[pdf]").'
    ),
    referentiel: str | None = typer.Option(
        None, "--referentiel", "-r", help="Version du référentiel (par défaut la plus récente)."
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace les questionnaires existants."),
) -> None:
    """Écrit le questionnaire anonyme d'un public : PUBLIC.html (à imprimer depuis le navigateur ;
    PUBLIC.pdf avec --pdf), PUBLIC.md (le même en Markdown), PUBLIC.csv (feuille de saisie des
    réponses papier) et PUBLIC.txt (enquête à importer dans LimeSurvey).

    Codes de sortie : 0 questionnaires écrits, 1 fichier existant (sans --force), 2 impossible de
    travailler (public inconnu, dossier parent introuvable…).
    """
    from diagnum.enquetes.questionnaire import en_csv, en_json, en_limesurvey, en_markdown, questions
    from diagnum.erreurs import ErreurDiagnum, ErreurFichier, ErreurProbleme
    from diagnum.fichiers import ecrire_dossier
    from diagnum.referentiel import charger_referentiel

    modele = charger_referentiel(referentiel)
    cible = _public(modele, public)
    liste = questions(modele, cible.id)
    if format_ is FormatQuestionnaire.json:
        import json

        sys.stdout.write(json.dumps(en_json(cible.id, liste), ensure_ascii=False, indent=2) + "\n")
        return
    if dossier is None:
        raise ErreurDiagnum("indiquez le dossier des questionnaires : -o DOSSIER (ou --format json pour l'écran)")
    if pdf:
        from diagnum.rapports.formats import PDF, verifier_formats

        verifier_formats([PDF])
    parent = dossier.parent if str(dossier.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    from diagnum.sorties import html

    fichiers: dict[str, str | bytes] = {
        f"{cible.id}.md": en_markdown(cible, liste),
        f"{cible.id}.html": html.questionnaire(cible, liste),
        f"{cible.id}.csv": en_csv(liste),
        f"{cible.id}.txt": en_limesurvey(cible, liste),
    }
    noms = [*fichiers, *([f"{cible.id}.pdf"] if pdf else [])]
    # Un lien symbolique (même cassé) compte comme un fichier présent ; le dossier est écrit d'un seul geste.
    existants = [nom for nom in noms if os.path.lexists(dossier / nom)]
    if existants and not force:
        raise ErreurProbleme(
            f"{dossier} contient déjà {', '.join(existants)} : rien n'a été écrit (ajoutez --force pour les remplacer)"
        )
    if pdf:
        from diagnum.sorties import pdf as ecrivain_pdf

        fichiers[f"{cible.id}.pdf"] = ecrivain_pdf.questionnaire(cible, liste)
    ecrire_dossier(dossier, fichiers, force=force)
    annoncer(
        f"{dossier} : questionnaire des {cible.id} écrit ({len(liste)} questions) : "
        f"{cible.id}.html{f' et {cible.id}.pdf' if pdf else ''} à imprimer ({cible.id}.md, le même en Markdown), "
        f"{cible.id}.csv pour saisir les réponses papier, {cible.id}.txt à importer dans LimeSurvey."
    )


@enquete.command("importer", short_help="Additionne les réponses d'une enquête dans la campagne.")
@gerer_erreurs
def importer(
    export: list[Path] = typer.Argument(
        ..., help="Exports des réponses (CSV, XLSX ou ODS), une ligne par répondant.", show_default=False
    ),
    public: str = typer.Option(
        ..., "--public", "-p", help="Qui a répondu : enseignants, familles ou divisions.", show_default=False
    ),
    campagne: Path = typer.Option(
        ..., "--dans", help="Fichier de campagne où écrire les réponses additionnées.", show_default=False
    ),
    force: bool = typer.Option(
        False,
        "--force",
        "-f",
        help="Remplace les réponses déjà écrites autrement, et les totaux d'une enquête déjà importée de ce public "
        "(ils sont remplacés, pas additionnés : donnez tous les exports en une seule fois).",
    ),
    essai: bool = typer.Option(False, "--essai", help="Montre ce qui changerait, sans rien écrire."),
    seuil: int = typer.Option(
        5,
        "--seuil",
        help="Nombre minimum de répondants, et de réponses à chaque question : en dessous, on pourrait reconnaître "
        "qui a répondu quoi.",
    ),
) -> None:
    """Additionne les réponses d'une enquête et les écrit dans la campagne, sans toucher au reste du fichier.

    Seuls les totaux sont écrits (aucune réponse individuelle), avec le nombre de répondants, la date
    et le nom des fichiers comptés (partie « enquetes: » de la campagne). Un même export donné deux
    fois, ou copié sous un autre nom, n'est compté qu'une fois. Pour ajouter un second lot de
    réponses, relancez avec tous les exports, anciens et nouveaux : un import remplace les totaux
    précédents du même public (avec --force), il ne les additionne pas.

    Codes de sortie : 0 campagne à jour, 1 réponses refusées (réponse ou colonne non reconnue, trop
    ou trop peu de répondants, réponse ou enquête déjà écrite sans --force, campagne changée sur le
    disque pendant l'import) et rien n'est écrit, 2 impossible de travailler (export trop grand,
    fichier introuvable…).
    """
    from diagnum.enquetes.importation import preparer_import
    from diagnum.enquetes.lecture import lire_export
    from diagnum.erreurs import SORTIE_PROBLEMES, ErreurDiagnum
    from diagnum.fichiers import ecrire_atomique, lire_pour_modifier
    from diagnum.lecture_yaml import TAILLE_MAX

    if seuil < 1:
        raise ErreurDiagnum("--seuil : au moins 1 répondant")
    if campagne.is_symlink():
        from diagnum.erreurs import ErreurProbleme

        raise ErreurProbleme(
            f"{campagne} est un lien symbolique : diagnum n'écrit jamais à travers un lien ; donnez le chemin "
            f"du fichier lui-même ({os.path.realpath(campagne)})"
        )
    contenu, lu = lire_pour_modifier(campagne, TAILLE_MAX)
    feuilles = [lire_export(chemin) for chemin in export]
    for feuille in feuilles:
        annoncer(f"{feuille.chemin} : {feuille.format}, {pluriel(len(feuille.lignes), 'ligne')} de réponses")
    bilan = preparer_import(contenu, str(campagne), feuilles, public, force=force, seuil=seuil)
    _afficher_bilan(bilan)
    if bilan.erreurs:
        for constat in bilan.erreurs[:_ERREURS_AFFICHEES]:
            annoncer(str(constat), erreur=True)
        if len(bilan.erreurs) > _ERREURS_AFFICHEES:
            afficher_erreur(
                f"… et {pluriel(len(bilan.erreurs) - _ERREURS_AFFICHEES, 'autre erreur', 'autres erreurs')}"
            )
        afficher_erreur(f"{campagne} : rien n'a été écrit")
        raise typer.Exit(SORTIE_PROBLEMES)
    if bilan.texte is None:
        annoncer(f"{campagne} : déjà à jour, rien à changer.")
        return
    nombre = len(bilan.changements)
    if essai:
        verbe = "changeraient" if nombre > 1 else "changerait"
        annoncer(f"{campagne} : essai, rien n'a été écrit ({pluriel(nombre, 'réponse')} {verbe}).")
        return
    # Entre la lecture et ici, quelqu'un a pu enregistrer la campagne : rien n'est écrasé dans ce cas.
    ecrire_atomique(campagne, bilan.texte, force=True, attendu=lu)
    mises = pluriel(nombre, "réponse mise", "réponses mises")
    annoncer(f"{campagne} : {mises} à jour, enquête des {bilan.public} enregistrée.")


_ERREURS_AFFICHEES = 30


def _afficher_bilan(bilan: Bilan) -> None:
    from diagnum.sorties import texte as ecrit
    from diagnum.sorties.tableau import changements_enquete

    for ligne, erreur in ecrit.entete_enquete(bilan):
        annoncer(ligne, erreur=erreur)
    if bilan.changements:
        changements_enquete(bilan)
    annoncer(ecrit.repondants_enquete(bilan))
