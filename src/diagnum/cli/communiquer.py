"""``diagnum communiquer`` : tout ou partie des progrès, pour un public (référentiel, § 2.1)."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.cli.rapport import option_formats


@gerer_erreurs
def communiquer(
    fichier: Path = typer.Argument(..., help="Fichier de campagne (celle dont on communique).", show_default=False),
    avant: Path | None = typer.Argument(
        None,
        help="Campagne précédente du même établissement : le diagramme des progrès et l'évolution des scores.",
        show_default=False,
    ),
    public: str = typer.Option(
        ...,
        "--public",
        help="À qui : personnels, academie (inspection académique, rectorat), collectivite, familles "
        "(élèves et parents) ou grand-public.",
        metavar="<public>",
        show_default=False,
    ),
    dossier: Path = typer.Option(
        ..., "--sortie", "-o", help="Dossier du document, créé s'il manque.", show_default=False
    ),
    formats: list[str] | None = option_formats(),
    seulement: list[str] | None = typer.Option(
        None,
        "--partie",
        help="Ne montre que cette partie, parmi celles que la campagne choisit pour ce public (se répète).",
        metavar="<partie>",
        show_default=False,
    ),
    sans: list[str] | None = typer.Option(
        None, "--sans", help="Retire cette partie pour cette fois (se répète).", metavar="<partie>", show_default=False
    ),
    domaines: list[str] | None = typer.Option(
        None,
        "--domaine",
        help="Ne montre que les scores de ce domaine (identifiant, se répète), parmi ceux choisis.",
        metavar="<domaine>",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace un document existant dans ce dossier."),
) -> None:
    """Écrit un document court (une ou deux pages) pour un public : DOSSIER/communication-PUBLIC.md
    (et son image), .html (une page autonome, à mettre sur le site ou l'ENT) ou .pdf (PDF/UA).

    N'y entre que ce que la campagne choisit de montrer à ce public, dans son bloc
    communication: (parties radar, scores, points_forts, obligations, objectifs,
    commentaires) ; --partie, --sans et --domaine restreignent encore ce choix pour une
    fois, sans jamais l'élargir. Aux familles et au grand public, le document parle sans
    score ; un effectif de moins de 5 s'écrit « moins de 5 ».

    Codes de sortie : 0 document écrit, 1 campagne invalide, rien de choisi pour ce
    public (le message dit quoi écrire) ou document existant sans --force, 2 impossible
    de travailler (public ou partie inconnus, option qui élargirait le choix, WeasyPrint
    absent pour le PDF…).
    """
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.cli.commun import annoncer
    from diagnum.rapports import formats as fmt
    from diagnum.rapports.communication import RienDeChoisi, choisir_parties, contenu_communication, nom_image
    from diagnum.sorties import html, markdown

    demandes = fmt.lire_formats(formats)
    fmt.verifier_formats(demandes)
    fmt.verifier_dossier(dossier)
    campagne, referentiel = charger_campagne(fichier)
    try:
        choix = choisir_parties(campagne, public, seulement or (), sans or (), domaines or ())
    except RienDeChoisi as exc:
        for ligne in exc.aide:
            annoncer(ligne)
        raise
    precedente = None
    if avant is not None:
        from diagnum.cli.compare import charger_comparables

        precedente = charger_comparables([avant, fichier], force=False)[0][0]
    base = f"communication-{public}"
    images_md = [nom_image(public)] if "radar" in choix.parties else []
    principaux = fmt.noms_fichiers(base, demandes)
    fmt.refuser_existants(dossier, fmt.noms_fichiers(base, demandes, images_md), force)
    document = contenu_communication(campagne, referentiel, public, choix, avant=precedente)
    fichiers = fmt.produire(
        base, demandes, markdown=lambda: markdown.communication(document), html=lambda: html.communication(document)
    )
    fmt.ecrire(dossier, fichiers, force=force, principaux=principaux)
    annoncer(fmt.annonce(dossier, principaux, f"document pour « {public} » écrit ({', '.join(choix.parties)})"))
