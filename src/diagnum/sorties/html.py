"""Le format HTML des documents écrits dans un dossier hors des rapports : le questionnaire papier, le document de ``diagnum communiquer``.

Une page autonome tirée d'un gabarit de ``rapports/modeles/`` (le même ``base.html.j2`` que les
rapports : aucune ressource extérieure, échappement automatique, feuille de style d'impression).
Les pages des rapports eux-mêmes sont dans ``rapports/html.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.enquetes.questionnaire import Question
    from diagnum.rapports.communication import Communication
    from diagnum.referentiel import Public

MODELE_QUESTIONNAIRE = "questionnaire.html.j2"


def questionnaire(public: Public, liste: list[Question]) -> str:
    """Le questionnaire papier d'un public : avis d'anonymat, questions numérotées, une case par réponse."""
    from diagnum.enquetes.questionnaire import AVIS_ANONYMAT
    from diagnum.rapports.html import rendre_html

    return rendre_html(MODELE_QUESTIONNAIRE, {"public": public, "questions": liste, "avis": AVIS_ANONYMAT})


def communication(document: Communication) -> str:
    """Le document de ``diagnum communiquer`` : une page autonome (le radar en SVG dans la page, avec son
    texte de remplacement), source aussi du PDF (gabarit ``communication.html.j2``)."""
    import base64

    from diagnum.rapports.graphiques import taille_svg
    from diagnum.rapports.html import rendre_html

    radar = None
    if document.radar is not None:
        octets, alt = document.radar
        largeur, hauteur = taille_svg(octets)
        radar = {
            "src": "data:image/svg+xml;base64," + base64.b64encode(octets).decode("ascii"),
            "alt": alt,
            "largeur": largeur,
            "hauteur": hauteur,
        }
    return rendre_html("communication.html.j2", {"doc": document, "radar": radar})
