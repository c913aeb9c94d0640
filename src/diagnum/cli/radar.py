"""``diagnum radar`` : le diagramme de synthèse d'une ou de plusieurs campagnes (PNG)."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def radar(
    fichiers: list[Path] = typer.Argument(
        ..., help="Un ou plusieurs fichiers de campagne (superposés sur le même diagramme).", show_default=False
    ),
    sortie: Path = typer.Option(Path("radar.png"), "--sortie", "-o", help="Image PNG à écrire."),
    titre: str | None = typer.Option(
        None,
        "--titre",
        help="Titre du diagramme (par défaut : « Diagramme de synthèse » et le nom de l'établissement).",
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace l'image si elle existe déjà."),
    repere: Path | None = typer.Option(
        None,
        "--repere",
        help="repere.json écrit par diagnum synthese : dessine la médiane et les quartiles du territoire.",
        show_default=False,
    ),
) -> None:
    """Dessine le diagramme de synthèse : sept axes de 0 à 100, un polygone par campagne.

    Codes de sortie : 0 image écrite, 1 campagne invalide ou image existante (sans
    --force), 2 impossible de travailler.
    """
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.erreurs import ErreurDiagnum, ErreurProbleme
    from diagnum.fichiers import ecrire_atomique
    from diagnum.rapports.graphiques import radar_png

    if sortie.suffix.lower() != ".png":
        raise ErreurDiagnum(f"{sortie} : le diagramme est une image PNG, donnez un nom qui finit par .png")
    parent = sortie.parent if str(sortie.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurDiagnum(f"{sortie} : le dossier « {parent} » n'existe pas ; créez-le d'abord")
    if sortie.exists() and not force:
        raise ErreurProbleme(f"{sortie} existe déjà : rien n'a été écrit (ajoutez --force pour le remplacer)")
    profils = [calculer_profil(*charger_campagne(fichier)) for fichier in fichiers]
    situation = None
    if repere is not None:
        from diagnum.territoire.repere import lire_repere

        situation = lire_repere(repere, profils[-1])
    ecrire_atomique(sortie, radar_png(profils, titre, repere=situation), force=force)
    nombre = len(profils)
    from diagnum.cli.commun import annoncer

    annoncer(f"{sortie} : diagramme de synthèse écrit ({nombre} campagne{'s' if nombre > 1 else ''}).")
