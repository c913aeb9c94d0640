"""``diagnum init`` : écrire le gabarit d'une campagne."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs


@gerer_erreurs
def init(
    fichier: Path = typer.Argument(
        ..., help="Fichier de campagne à créer (par exemple 2025.yaml).", show_default=False
    ),
    referentiel: str | None = typer.Option(
        None, "--referentiel", "-r", help="Version du référentiel (par défaut la plus récente)."
    ),
    etablissement: str | None = typer.Option(None, "--etablissement", help="Nom de l'établissement."),
    uai: str | None = typer.Option(None, "--uai", help="Code UAI (7 chiffres et une lettre)."),
    commune: str | None = typer.Option(None, "--commune", help="Commune de l'établissement."),
    campagne: str | None = typer.Option(None, "--campagne", help="Nom de la campagne, par exemple 2024-2025."),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace le fichier s'il existe déjà."),
    parties: list[str] = typer.Option(
        [],
        "--partie",
        help=(
            "N'écrit que cette partie (reference, obligations, ou un domaine) ; répétable. La part d'un membre "
            "du groupe de pilotage, qui reviendra par « diagnum fusionner »."
        ),
        show_default=False,
    ),
    depuis: Path | None = typer.Option(
        None,
        "--depuis",
        help=(
            "Campagne précédente (sans erreur) dont reprendre l'établissement, les éléments de référence "
            "(à mettre à jour) et les objectifs ; ses réponses sont rappelées en commentaire."
        ),
        show_default=False,
    ),
    reprendre: bool = typer.Option(
        False,
        "--reprendre",
        help=(
            "Avec --depuis : recopie les réponses précédentes comme réponses, chacune marquée « repris de …, "
            "à vérifier », et ne reprend que les actions ni réalisées ni abandonnées."
        ),
    ),
) -> None:
    """Crée une campagne à remplir : chaque question en commentaire, chaque réponse vide."""
    from diagnum.campagne.gabarit import construire_gabarit
    from diagnum.fichiers import ecrire_atomique
    from diagnum.referentiel import charger_referentiel

    if uai is not None:
        from diagnum.campagne.validation import probleme_uai
        from diagnum.erreurs import ErreurDiagnum

        # Un gabarit neuf doit passer « diagnum valider » : un UAI faux est refusé tout de suite.
        probleme = probleme_uai(uai)
        if probleme is not None:
            raise ErreurDiagnum(f"--uai : {probleme} ; rien n'a été écrit")
    if reprendre and depuis is None:
        from diagnum.erreurs import ErreurDiagnum

        raise ErreurDiagnum("--reprendre va avec --depuis : indiquez la campagne précédente (--depuis ANCIENNE.yaml)")
    precedente = None
    if depuis is not None:
        from diagnum.cli.depuis import charger_precedente

        precedente = charger_precedente(depuis, fichier, referentiel)
        referentiel = precedente.referentiel
    modele = charger_referentiel(referentiel)
    for option, valeur in (("--etablissement", etablissement), ("--commune", commune), ("--campagne", campagne)):
        if valeur is not None and len(valeur) > modele.bornes.texte:
            from diagnum.erreurs import ErreurDiagnum

            # Ce qu'init écrit doit passer « diagnum valider » : un texte trop long est refusé tout de suite.
            longueur, maximum = (f"{n:,}".replace(",", " ") for n in (len(valeur), modele.bornes.texte))
            raise ErreurDiagnum(
                f"{option} : texte trop long ({longueur} caractères, au plus {maximum}) ; rien n'a été écrit"
            )
    choisies: tuple[str, ...] = ()
    if parties:
        from diagnum.classeurs.modele import verifier_parties

        choisies = verifier_parties(modele, parties)
    identite = {"etablissement": etablissement, "uai": uai, "commune": commune, "campagne": campagne}
    texte = construire_gabarit(modele, precedente=precedente, reprendre=reprendre, parties=choisies, **identite)
    ecrire_atomique(fichier, texte, force=force)
    from diagnum.cli.commun import annoncer

    annoncer(
        f"{fichier} : campagne créée (référentiel {modele.version}). Remplissez-la, puis : diagnum valider {fichier}"
    )
    if precedente is not None and reprendre:
        annoncer(
            f"Reprise de {depuis} : établissement, éléments de référence, réponses et objectifs recopiés, "
            f"chacun marqué « repris de {precedente.libelle}, à vérifier » ; vérifiez-les un à un."
        )
    elif precedente is not None:
        annoncer(
            f"Reprise de {depuis} : établissement, éléments de référence (à mettre à jour) et objectifs ; "
            "réponses précédentes rappelées en commentaire."
        )
