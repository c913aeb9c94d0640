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

    preparation = preparer_fusion(campagne, sources, retenir=retenir, remplacer=remplacer)
    sys.stderr.write("".join(echapper_terminal(ligne) + "\n" for ligne in preparation.refus + preparation.conflits))
    if preparation.campagne_invalide:
        raise ErreurProbleme(
            f"{campagne} : corrigez d'abord la campagne (diagnum valider {campagne}) ; rien n'a été fusionné"
        )
    if preparation.refus:
        raise ErreurProbleme("sources refusées : rien n'a été fusionné")
    if preparation.conflits:
        nombre = len(preparation.conflits)
        raise ErreurProbleme(
            f"{nombre} conflit{'s' if nombre > 1 else ''} : rien n'a été écrit ; choisissez la réponse dans une source "
            "et relancez, ou tranchez avec --retenir SOURCE (cette source l'emporte) ou --remplacer (les sources "
            "l'emportent sur la campagne)"
        )
    if not preparation.changements:
        annoncer(f"{campagne} : rien à changer, les sources n'apportent aucune réponse nouvelle")
        return
    for ligne in preparation.changements:
        annoncer(ligne)
    nombre = len(preparation.changements)
    pluriel = "s" if nombre > 1 else ""
    if preparation.erreurs_apres:
        for ligne in preparation.erreurs_apres:
            annoncer(ligne, erreur=True)
        raise ErreurProbleme(f"{campagne} : la campagne fusionnée aurait des erreurs ; rien n'a été écrit")
    if essai:
        annoncer(
            f"{campagne} : {nombre} réponse{pluriel} changerai{'en' if nombre > 1 else ''}t (essai : rien n'a été écrit)"
        )
        return
    ecrire_atomique(campagne, preparation.texte, force=True)
    chacune = "chacune suivie" if nombre > 1 else "suivie"
    annoncer(f"{campagne} : {nombre} réponse{pluriel} fusionnée{pluriel}, {chacune} du nom de sa source")
