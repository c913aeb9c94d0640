"""``diagnum fusionner`` : les classeurs et fichiers remplis par les membres, de retour dans la campagne."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


def _affiche(valeur: object) -> str:
    """Une réponse dans un message : « oui », « 12 », « jamais 1, occasionnellement 2, régulièrement 3 »."""
    import datetime as dt

    from diagnum.affichage import abreger

    if valeur is None:
        return "(vide)"
    if isinstance(valeur, dict):
        from diagnum.classeurs.modele import MODALITES_LISIBLES

        return ", ".join(f"{MODALITES_LISIBLES.get(k, k)} {v}" for k, v in valeur.items())
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        return str(int(valeur)) if float(valeur).is_integer() else str(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return f"« {abreger(' '.join(str(valeur).split()))} »"


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

    from diagnum.classeurs.edition import appliquer
    from diagnum.classeurs.fusion import fusionner as fusion
    from diagnum.classeurs.reponses import chemins, libelle_chemin
    from diagnum.classeurs.sources import charger, charger_yaml, differences
    from diagnum.cli.commun import annoncer
    from diagnum.echappement import echapper_terminal
    from diagnum.erreurs import ErreurDiagnum, ErreurProbleme
    from diagnum.fichiers import ecrire_atomique

    cible = charger_yaml(campagne)
    if cible.erreurs or cible.campagne is None:
        sys.stderr.write("".join(echapper_terminal(e) + "\n" for e in cible.erreurs))
        raise ErreurProbleme(
            f"{campagne} : corrigez d'abord la campagne (diagnum valider {campagne}) ; rien n'a été fusionné"
        )
    lues = [charger(chemin) for chemin in sources]
    noms = [f.nom for f in lues]
    if len(set(noms)) < len(noms):
        double = next(n for n in noms if noms.count(n) > 1)
        raise ErreurDiagnum(
            f"deux sources s'appellent « {double} » : renommez-en une pour savoir d'où vient chaque réponse"
        )
    probleme = False
    for lue in lues:
        if lue.erreurs:
            probleme = True
            sys.stderr.write("".join(echapper_terminal(e) + "\n" for e in lue.erreurs))
            continue
        for ecart in differences(cible.campagne, lue.campagne):
            probleme = True
            annoncer(f"{lue.chemin} : source refusée, autre {ecart}", erreur=True)
    if probleme:
        raise ErreurProbleme("sources refusées : rien n'a été fusionné")
    if retenir is not None:
        choisie = next((f.nom for f in lues if retenir in (str(f.chemin), f.chemin.name, f.nom)), None)
        if choisie is None:
            raise ErreurDiagnum(f"--retenir : « {retenir} » n'est pas une des sources ({', '.join(noms)})")
        retenir = choisie
    ordre = chemins(cible.referentiel)
    resultat = fusion(
        cible.source.reponses, [f.source for f in lues], retenir=retenir, remplacer=remplacer, ordre=ordre
    )
    if resultat.conflits:
        for conflit in resultat.conflits:
            quoi = "la campagne et une source" if conflit.dans_campagne else "deux sources"
            annoncer(
                f"conflit sur {libelle_chemin(conflit.chemin)} entre {quoi} : {_affiche(conflit.premiere.valeur)} "
                f"({conflit.premiere.place}) et {_affiche(conflit.seconde.valeur)} ({conflit.seconde.place})",
                erreur=True,
            )
        nombre = len(resultat.conflits)
        raise ErreurProbleme(
            f"{nombre} conflit{'s' if nombre > 1 else ''} : rien n'a été écrit ; choisissez la réponse dans une source "
            "et relancez, ou tranchez avec --retenir SOURCE (cette source l'emporte) ou --remplacer (les sources "
            "l'emportent sur la campagne)"
        )
    if not resultat.changements:
        annoncer(f"{campagne} : rien à changer, les sources n'apportent aucune réponse nouvelle")
        return
    for changement in resultat.changements:
        annoncer(
            f"{libelle_chemin(changement.chemin)} : {_affiche(changement.avant)} → {_affiche(changement.apres)} "
            f"({changement.place})"
        )
    nombre = len(resultat.changements)
    pluriel = "s" if nombre > 1 else ""
    if essai:
        annoncer(
            f"{campagne} : {nombre} réponse{pluriel} changerai{'en' if nombre > 1 else ''}t (essai : rien n'a été écrit)"
        )
        return
    nouveau = appliquer(cible.texte, resultat.changements, cible.referentiel)
    from diagnum.campagne.chargement import valider_texte

    verification = valider_texte(nouveau.encode("utf-8"), str(campagne))
    erreurs = [d for d in verification.diagnostics if d.est_erreur]
    if erreurs:
        from diagnum.classeurs.edition import provenances

        venues = provenances(nouveau, resultat.changements)
        for d in erreurs:
            venue = f" ; réponse venue de {venues[d.ligne]}" if d.ligne in venues else ""
            annoncer(
                f"{campagne} (après fusion):{d.ligne}:{d.colonne}: [erreur] {d.message} ({d.code}){venue}", erreur=True
            )
        raise ErreurProbleme(f"{campagne} : la campagne fusionnée aurait des erreurs ; rien n'a été écrit")
    ecrire_atomique(campagne, nouveau, force=True)
    chacune = "chacune suivie" if nombre > 1 else "suivie"
    annoncer(f"{campagne} : {nombre} réponse{pluriel} fusionnée{pluriel}, {chacune} du nom de sa source")
