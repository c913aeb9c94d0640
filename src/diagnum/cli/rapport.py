"""``diagnum rapport`` : le rapport complet d'une campagne (Markdown et images)."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def rapport(
    fichier: Path = typer.Argument(..., help="Fichier de campagne.", show_default=False),
    dossier: Path | None = typer.Option(
        None,
        "--sortie",
        "-o",
        help="Dossier du rapport, créé s'il manque (par défaut : rapport-<nom du fichier>).",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace un rapport existant dans ce dossier."),
) -> None:
    """Écrit le rapport d'une campagne : DOSSIER/rapport.md, le diagramme de synthèse
    (radar.png) et les répartitions des domaines d'usage (repartition-<domaine>.png).

    Le dossier peut être déplacé : les images y sont liées par des chemins relatifs.

    Codes de sortie : 0 rapport écrit, 1 campagne invalide ou rapport existant (sans
    --force), 2 impossible de travailler (dossier parent introuvable…).
    """
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.erreurs import ErreurFichier, ErreurProbleme
    from diagnum.fichiers import ecrire_atomique, preparer_dossier
    from diagnum.rapports.rapport import NOM_RAPPORT, construire_rapport, noms_images

    dossier = dossier if dossier is not None else Path(f"rapport-{fichier.stem}")
    parent = dossier.parent if str(dossier.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    if dossier.exists() and not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")
    if (dossier / NOM_RAPPORT).exists() and not force:
        raise ErreurProbleme(
            f"{dossier / NOM_RAPPORT} existe déjà : rien n'a été écrit (ajoutez --force pour le remplacer)"
        )
    campagne, referentiel = charger_campagne(fichier)
    existants = [nom for nom in noms_images(campagne, referentiel) if (dossier / nom).exists()]
    if existants and not force:
        raise ErreurProbleme(
            f"{dossier} contient déjà {', '.join(existants)} : rien n'a été écrit (ajoutez --force pour les remplacer)"
        )
    profil = calculer_profil(campagne, referentiel)
    resultat = construire_rapport(campagne, referentiel, profil)
    preparer_dossier(dossier)
    for nom, octets in resultat.images.items():
        ecrire_atomique(dossier / nom, octets, force=force)
    # Le texte en dernier : un rapport.md présent est un rapport complet.
    ecrire_atomique(dossier / NOM_RAPPORT, resultat.texte, force=force)
    nombre = len(resultat.images)
    print(f"{dossier / NOM_RAPPORT} : rapport écrit ({nombre} image{'s' if nombre > 1 else ''}).")
