"""Le format PDF : la page HTML d'un document (``sorties.html``) imprimée par WeasyPrint.

WeasyPrint est une dépendance facultative (``pip install "diagnum[pdf]"``),
importée seulement ici, au moment d'imprimer ; ``formats.verifier_formats``
vérifie qu'il est là avant tout travail. La feuille de style d'impression du
gabarit HTML fait le reste : pages A4, marges, numéros de page, en-tête
courant (établissement et campagne). Le PDF est balisé PDF/UA-1 : arbre de
structure (titres, tableaux, figures et leur texte de remplacement), langue
(``<html lang="fr">``), titre (``<title>``) affiché comme titre de la fenêtre,
polices incorporées ; l'en-tête et le pied de page sont des artefacts.
Aucune ressource extérieure n'est lue : les images sont dans la page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.enquetes.questionnaire import Question
    from diagnum.referentiel import Public


#: PDF balisé PDF/UA-1 (ISO 14289-1) : arbre de structure, langue, titre affiché comme titre de la fenêtre,
#: métadonnées XMP ; ce que demandent les règles d'accessibilité (RGAA) des organismes publics.
VARIANTE_PDF = "pdf/ua-1"


def _lecteur_sans_reseau() -> object:
    """Le lecteur de ressources de WeasyPrint limité aux adresses ``data:`` (les images de la page) :
    aucun fichier ni aucune adresse du réseau n'est jamais lu."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint d'avant la classe URLFetcher : l'ancienne forme, une fonction
        from weasyprint import default_url_fetcher

        def lecteur(url: str, *args: object, **kwargs: object) -> dict:
            if not url.startswith("data:"):
                raise ValueError(f"ressource extérieure refusée : {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return lecteur
    return URLFetcher(allowed_protocols={"data"})


def html_en_pdf(page: str) -> bytes:
    """Les octets du PDF de ``page`` (une page HTML complète et autonome)."""
    import logging

    from weasyprint import HTML

    # WeasyPrint signale sur son journal ce qu'il ignore de la feuille de style : rien pour l'utilisateur.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=page, url_fetcher=_lecteur_sans_reseau(), base_url=None).write_pdf(
        pdf_variant=VARIANTE_PDF, optimize_images=False
    )


def questionnaire(public: Public, liste: list[Question]) -> bytes:
    """Le questionnaire papier d'un public, en PDF."""
    from diagnum.sorties import html

    return html_en_pdf(html.questionnaire(public, liste))
