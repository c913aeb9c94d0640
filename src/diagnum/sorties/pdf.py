"""Le format PDF des documents écrits dans un dossier hors des rapports : le questionnaire papier.

La page HTML du document (``sorties/html.py``) imprimée par WeasyPrint (``rapports/pdf.py``,
extra ``pdf`` ; ``rapports.formats.verifier_formats`` le vérifie avant tout travail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.enquetes.questionnaire import Question
    from diagnum.referentiel import Public


def questionnaire(public: Public, liste: list[Question]) -> bytes:
    """Le questionnaire papier d'un public, en PDF."""
    from diagnum.rapports.pdf import html_en_pdf
    from diagnum.sorties import html

    return html_en_pdf(html.questionnaire(public, liste))
