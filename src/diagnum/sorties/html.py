"""Le format HTML des documents écrits dans un dossier hors des rapports : le questionnaire papier.

Une page autonome tirée d'un gabarit de ``rapports/modeles/`` (le même ``base.html.j2`` que les
rapports : aucune ressource extérieure, échappement automatique, feuille de style d'impression).
Les pages des rapports eux-mêmes sont dans ``rapports/html.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.enquetes.questionnaire import Question
    from diagnum.referentiel import Public

MODELE_QUESTIONNAIRE = "questionnaire.html.j2"


def questionnaire(public: Public, liste: list[Question]) -> str:
    """Le questionnaire papier d'un public : avis d'anonymat, questions numérotées, une case par réponse."""
    from diagnum.enquetes.questionnaire import AVIS_ANONYMAT
    from diagnum.rapports.html import rendre_html

    return rendre_html(MODELE_QUESTIONNAIRE, {"public": public, "questions": liste, "avis": AVIS_ANONYMAT})
