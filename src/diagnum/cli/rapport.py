"""``diagnum rapport`` : le rapport complet d'une campagne (Markdown, HTML, PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from diagnum.cli.commun import gerer_erreurs

AIDE_FORMAT = (
    "md (Markdown et ses images, par défaut), html (une seule page à ouvrir dans un navigateur), "
    'pdf (à imprimer ; demande pip install "diagnum[pdf]") ou tout ; se répète : --format md --format html.'
)


def option_formats() -> object:
    """L'option ``--format`` répétable d'une commande qui écrit un rapport dans un dossier."""
    return typer.Option(
        None, "--format", help=f"Format du rapport : {AIDE_FORMAT}", metavar="<md|html|pdf|tout>", show_default=False
    )


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
    formats: list[str] | None = option_formats(),
    resume: bool = typer.Option(
        False,
        "--resume",
        help="N'écrit que le résumé pour le conseil d'administration (deux pages) : resume.md, resume.html "
        "ou resume.pdf.",
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Remplace un rapport existant dans ce dossier."),
    repere: Path | None = typer.Option(
        None,
        "--repere",
        help="repere.json écrit par diagnum synthese : situe l'établissement parmi ceux du territoire.",
        show_default=False,
    ),
) -> None:
    """Écrit le rapport d'une campagne : DOSSIER/rapport.md, le diagramme de synthèse
    (radar.png) et les répartitions des domaines d'usage (repartition-<domaine>.png) ;
    avec --format html, DOSSIER/rapport.html ; avec --format pdf, DOSSIER/rapport.pdf.

    Le HTML et le PDF commencent par un résumé de deux pages pour le conseil
    d'administration ; la page HTML contient ses images et s'ouvre sans réseau. Le
    dossier peut être déplacé : les images du Markdown y sont liées par des chemins relatifs.

    Avec --repere, le rapport Markdown situe chaque domaine parmi les établissements du
    territoire (médiane, quartiles, position) et le diagramme les montre derrière
    l'établissement.

    Codes de sortie : 0 rapport écrit, 1 campagne invalide, rapport existant (sans
    --force) ou repère refusé, 2 impossible de travailler (dossier parent introuvable,
    WeasyPrint absent pour le PDF…).
    """
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.cli.commun import annoncer
    from diagnum.rapports import formats as fmt
    from diagnum.rapports.rapport import NOM_RADAR, construire_rapport, contexte_rapport, noms_images

    demandes = fmt.lire_formats(formats)
    fmt.verifier_formats(demandes)
    dossier = dossier if dossier is not None else Path(f"rapport-{fichier.stem}")
    fmt.verifier_dossier(dossier)
    base = "resume" if resume else "rapport"
    principaux = fmt.noms_fichiers(base, demandes)
    fmt.refuser_existants(dossier, principaux, force)
    campagne, referentiel = charger_campagne(fichier)
    images_md = [NOM_RADAR] if resume else noms_images(campagne, referentiel)
    fmt.refuser_existants(dossier, fmt.noms_fichiers(base, demandes, images_md), force)
    profil = calculer_profil(campagne, referentiel)
    situation = None
    if repere is not None:
        from diagnum.territoire.repere import lire_repere

        situation = lire_repere(repere, profil)
    # Les données du rapport, construites une fois et données à chaque format (Markdown, HTML, PDF).
    contexte = contexte_rapport(campagne, referentiel, profil, situation)

    def markdown() -> dict[str, bytes | str]:
        if resume:
            from diagnum.rapports.resume import images_resume, texte_resume

            return {**images_resume(profil), "resume.md": texte_resume(campagne, referentiel, profil, contexte)}
        resultat = construire_rapport(campagne, referentiel, profil, situation, contexte)
        return {**resultat.images, "rapport.md": resultat.texte}

    def html() -> str:
        from diagnum.sorties.html import page_rapport

        return page_rapport(campagne, referentiel, profil, resume_seul=resume, repere=situation, contexte=contexte)

    fichiers = fmt.produire(base, demandes, markdown=markdown, html=html)
    fmt.ecrire(dossier, fichiers, force=force, principaux=principaux)
    quoi = "résumé écrit" if resume else "rapport écrit"
    for nom in principaux:
        if nom.endswith(".md"):
            nombre = len(fichiers) - len(principaux)
            annoncer(f"{dossier / nom} : {quoi} ({nombre} image{'s' if nombre > 1 else ''}).")
        else:
            annoncer(f"{dossier / nom} : {quoi}.")
