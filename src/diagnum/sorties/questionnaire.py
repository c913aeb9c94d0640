"""Le questionnaire papier d'un public : une page HTML autonome, et son PDF.

La page reprend le gabarit commun des rapports (``rapports/modeles/base.html.j2``,
sans ressource extérieure, échappement automatique) ; le PDF est cette page
imprimée par WeasyPrint (``rapports/pdf.py``, extra ``pdf``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.enquetes.questionnaire import Question
    from diagnum.referentiel import Public

MODELE_QUESTIONNAIRE_HTML = "questionnaire.html.j2"


def questionnaire_html(public: Public, liste: list[Question]) -> str:
    """La page HTML du questionnaire à imprimer : avis d'anonymat, questions numérotées, une case par réponse."""
    from diagnum.enquetes.questionnaire import AVIS_ANONYMAT
    from diagnum.rapports.html import rendre_html

    return rendre_html(MODELE_QUESTIONNAIRE_HTML, {"public": public, "questions": liste, "avis": AVIS_ANONYMAT})


def questionnaire_pdf(public: Public, liste: list[Question]) -> bytes:
    """Le questionnaire imprimé en PDF (demande WeasyPrint : ``formats.verifier_formats`` avant)."""
    from diagnum.rapports.pdf import html_en_pdf

    return html_en_pdf(questionnaire_html(public, liste))
