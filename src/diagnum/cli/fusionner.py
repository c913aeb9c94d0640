"""``diagnum fusionner`` : les classeurs et fichiers remplis par les membres, de retour dans la campagne."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def fusionner(
    campagne: Path = typer.Argument(..., help="La campagne où reporter les réponses.", show_default=False),
    sources: list[Path] = typer.Argument(
        ..., help="Classeurs remplis (.ods, .xlsx) ou campagnes YAML remplies.", show_default=False
    ),
    retenir: str | None = typer.Option(
        None,
        "--retenir",
        help="En cas de conflit, la réponse de cette source l'emporte (sur les autres et sur la campagne).",
    ),
    remplacer: bool = typer.Option(
        False, "--remplacer", help="En cas de conflit avec la campagne, la réponse des sources l'emporte."
    ),
    essai: bool = typer.Option(
        False, "--essai", help="Montre ce qui changerait (avant → après, source), sans rien écrire."
    ),
) -> None:
    """Reporte dans la campagne les réponses des sources, chacune suivie du nom de son fichier.

    Chaque source est vérifiée comme par « diagnum valider ». Un conflit (deux réponses différentes
    au même item) n'est jamais tranché en silence : rien n'est écrit, sauf avec --retenir ou
    --remplacer. Codes de sortie : 0 fusion faite (ou rien à changer), 1 erreurs ou conflits,
    2 impossible de travailler.
    """
    import sys

    from diagnum.classeurs.preparation import preparer_fusion
    from diagnum.cli.commun import annoncer
    from diagnum.echappement import echapper_terminal
    from diagnum.erreurs import ErreurProbleme
    from diagnum.fichiers import ecrire_atomique
    from diagnum.sorties import texte as ecrit

    preparation = preparer_fusion(campagne, sources, retenir=retenir, remplacer=remplacer)
    bloquantes = preparation.refus + [ecrit.conflit_fusion(c) for c in preparation.conflits]
    sys.stderr.write("".join(echapper_terminal(ligne) + "\n" for ligne in bloquantes))
    if preparation.campagne_invalide:
        raise ErreurProbleme(
            f"{campagne} : corrigez d'abord la campagne (diagnum valider {campagne}) ; rien n'a été fusionné"
        )
    if preparation.refus:
        raise ErreurProbleme("sources refusées : rien n'a été fusionné")
    if preparation.conflits:
        raise ErreurProbleme(ecrit.conflits_fusion(len(preparation.conflits)))
    nombre = len(preparation.changements)
    if not nombre:
        annoncer(ecrit.fin_fusion(campagne, nombre, essai=essai))
        return
    for changement in preparation.changements:
        annoncer(ecrit.changement_fusion(changement))
    if preparation.erreurs_apres:
        for diagnostic, venue in preparation.erreurs_apres:
            annoncer(ecrit.erreur_apres_fusion(campagne, diagnostic, venue), erreur=True)
        raise ErreurProbleme(f"{campagne} : la campagne fusionnée aurait des erreurs ; rien n'a été écrit")
    if not essai:
        ecrire_atomique(campagne, preparation.texte, force=True)
    annoncer(ecrit.fin_fusion(campagne, nombre, essai=essai))
