"""``diagnum classeur`` : le classeur (ODS ou XLSX) qu'un membre du groupe de pilotage remplit."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def classeur(
    campagne: Path = typer.Argument(..., help="La campagne (sans erreur) dont faire un classeur.", show_default=False),
    sortie: Path = typer.Option(
        ..., "--sortie", "-o", help="Classeur à écrire : .ods (LibreOffice) ou .xlsx (Excel).", show_default=False
    ),
    parties: list[str] = typer.Option(
        [],
        "--partie",
        help="Partie à mettre dans le classeur (reference, obligations, ou un domaine) ; répétable. Toutes par défaut.",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace le classeur s'il existe déjà."),
) -> None:
    """Écrit un classeur à remplir : une feuille par partie, listes déroulantes et cellules protégées.

    Les réponses déjà dans la campagne sont pré-remplies. Le classeur rempli revient par
    « diagnum fusionner ».
    """
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.classeurs.modele import construire_classeur, verifier_parties
    from diagnum.cli.commun import annoncer
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.fichiers import ecrire_atomique
    from diagnum.sorties import ecrivain, formats
    from diagnum.sorties.texte import classeur_ecrit

    # Le format est celui de l'extension (.ods ou .xlsx), parmi les écrivains du registre.
    extension = sortie.suffix.lower().removeprefix(".")
    if extension not in formats("classeur"):
        raise ErreurDiagnum(f"{sortie} : extension inconnue ; écrivez un classeur .ods ou .xlsx")
    donnees, referentiel = charger_campagne(campagne)
    verifier_parties(referentiel, parties)
    modele = construire_classeur(referentiel, donnees, parties, sortie.name)
    ecrire_atomique(sortie, ecrivain("classeur", extension)(modele), force=force)
    annoncer(classeur_ecrit(sortie, campagne, [f.nom for f in modele.feuilles[1:]]))
