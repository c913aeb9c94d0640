"""``diagnum schema`` : le schéma JSON d'une campagne, pour les éditeurs."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def schema(
    referentiel: str | None = typer.Option(
        None, "--referentiel", "-r", help="Version du référentiel (par défaut la plus récente)."
    ),
    sortie: Path | None = typer.Option(
        None, "--sortie", "-o", help="Écrit le schéma dans ce fichier plutôt qu'à l'écran.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace le fichier s'il existe déjà."),
    score: bool = typer.Option(
        False, "--score", help="Le schéma du document de « diagnum score --format json », plutôt que d'une campagne."
    ),
) -> None:
    """Écrit le schéma JSON (draft-07) d'une campagne, tiré du référentiel.

    Un éditeur qui le connaît (VS Code avec l'extension YAML, par exemple)
    vérifie la campagne pendant la saisie, propose les clés et affiche la
    question au survol. « diagnum init » y renvoie déjà dans la première ligne
    de chaque campagne.

    Avec --score : le schéma du profil que « diagnum score --format json » écrit
    (version_format, scores de 0 à 100, complétude de 0 à 1).

    Codes de sortie : 0 schéma écrit, 1 fichier existant (sans --force),
    2 impossible de travailler (référentiel inconnu, dossier introuvable).
    """
    if score:
        from diagnum.sorties.schema_score import VERSION_FORMAT_SCORE, texte_schema_score

        texte, quoi = texte_schema_score(), f"schéma du format {VERSION_FORMAT_SCORE} de diagnum score"
    else:
        from diagnum.campagne.schema import texte_schema
        from diagnum.referentiel import charger_referentiel

        modele = charger_referentiel(referentiel)
        texte, quoi = texte_schema(modele), f"schéma du référentiel {modele.version}"
    if sortie is None:
        sys.stdout.write(texte)
        return
    from diagnum.fichiers import ecrire_atomique

    ecrire_atomique(sortie, texte, force=force)
    from diagnum.cli.commun import annoncer

    annoncer(f"{sortie} : {quoi} écrit.")
