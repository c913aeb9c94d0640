"""Écrivain XLSX d'un classeur à remplir (``diagnum classeur -o X.xlsx``), par XlsxWriter.

XlsxWriter écrit des fichiers tels qu'Excel les attend (validations de données, messages de saisie,
protection de feuille sans mot de passe) et s'importe en trois fois moins de temps qu'openpyxl ; il
n'est importé qu'ici.
"""

from __future__ import annotations

import io

from diagnum.classeurs.modele import (
    ENTETE,
    ENTETES,
    RUBRIQUE,
    SOUS_ENTETE,
    SOUS_ITEM,
    TEXTE,
    TITRE,
    Classeur,
    Saisie,
)

_LARGEURS = (24, 10, 70, 22, 22, 22, 50)
#: Limites d'Excel pour un message de saisie (titre 32 caractères, message 255).
_TITRE_MAX, _MESSAGE_MAX = 32, 255


def _validation(saisie: Saisie) -> dict:
    options: dict = {
        "ignore_blank": True,
        "input_title": saisie.titre_aide[:_TITRE_MAX],
        "input_message": saisie.aide[:_MESSAGE_MAX],
        "error_title": "Réponse refusée",
    }
    if saisie.genre == "liste":
        options |= {
            "validate": "list",
            "source": list(saisie.permis),
            "error_message": "Choisissez une réponse de la liste.",
        }
    elif saisie.genre == "entier":
        options |= {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": saisie.maximum,
            "error_message": f"Un nombre entier de 0 à {saisie.maximum} est attendu.",
        }
    elif saisie.genre == "pourcentage":
        options |= {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_message": "Un pourcentage de 0 à 100 est attendu : 89 pour 89 %, sans le signe %.",
        }
    elif saisie.genre == "texte":
        options |= {
            "validate": "length",
            "criteria": "<=",
            "value": min(saisie.maximum, 32767),
            "error_message": f"Texte trop long ({saisie.maximum} caractères au plus).",
        }
    else:
        options |= {"validate": "any"}
        options.pop("error_title")
    return options


def classeur_xlsx(classeur: Classeur) -> bytes:
    """Les octets du fichier XLSX d'un classeur."""
    import xlsxwriter

    tampon = io.BytesIO()
    livre = xlsxwriter.Workbook(tampon, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    formats = {
        "titre": livre.add_format({"bold": True, "font_size": 14}),
        "entete": livre.add_format({"bold": True, "bg_color": "#D9D9D9", "text_wrap": True, "valign": "top"}),
        "rubrique": livre.add_format({"bold": True, "bg_color": "#EEEEEE"}),
        "texte": livre.add_format({"text_wrap": True, "valign": "top"}),
        "ident": livre.add_format({"text_wrap": True, "valign": "top", "font_color": "#666666", "font_size": 8}),
        "retrait": livre.add_format({"text_wrap": True, "valign": "top", "indent": 2, "italic": True}),
        # Format de nombre standard, exprès : voir ``sorties.ods._cellule_saisie`` (« 89 % » tapé).
        "saisie": livre.add_format(
            {
                "locked": False,
                "border": 1,
                "border_color": "#808080",
                "bg_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
            }
        ),
        "verrou": livre.add_format({"text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"}),
    }
    for feuille in classeur.feuilles:
        ws = livre.add_worksheet(feuille.nom)
        for colonne, largeur in enumerate(_LARGEURS):
            ws.set_column(colonne, colonne, largeur)
        for ligne, rangee in enumerate(feuille.rangees):
            if rangee.style == TITRE:
                ws.write_string(ligne, 2, rangee.texte, formats["titre"])
            elif rangee.style == ENTETE:
                for colonne, texte in enumerate(ENTETES):
                    ws.write_string(ligne, colonne, texte, formats["entete"])
            elif rangee.style in (RUBRIQUE, SOUS_ENTETE):
                style = formats["rubrique" if rangee.style == RUBRIQUE else "entete"]
                for colonne, texte in enumerate(("", "", rangee.texte, *rangee.intitules)):
                    ws.write_string(ligne, colonne, texte, style)
            elif rangee.style == TEXTE:
                ws.write_string(ligne, 2, rangee.texte, formats["texte"])
            else:
                ws.write_string(ligne, 0, rangee.identifiant, formats["ident"])
                ws.write_string(ligne, 1, rangee.section, formats["texte"])
                ws.write_string(ligne, 2, rangee.texte, formats["retrait" if rangee.style == SOUS_ITEM else "texte"])
                for colonne, saisie in enumerate(rangee.saisies, 3):
                    valeur = saisie.valeur
                    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
                        ws.write_number(ligne, colonne, valeur, formats["saisie"])
                    elif valeur not in (None, ""):
                        ws.write_string(ligne, colonne, str(valeur), formats["saisie"])
                    else:
                        ws.write_blank(ligne, colonne, None, formats["saisie"])
                    ws.data_validation(ligne, colonne, ligne, colonne, _validation(saisie))
                for colonne, texte in enumerate(rangee.intitules, 3 + len(rangee.saisies)):
                    ws.write_string(ligne, colonne, texte, formats["verrou"])
                if rangee.consigne:
                    ws.write_string(ligne, 6, rangee.consigne, formats["texte"])
        # À l'impression : A4 en paysage, toutes les colonnes sur la largeur d'une page.
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        # Protégée sans mot de passe : on peut la déprotéger, mais pas casser la mise en page par mégarde.
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    livre.close()
    return tampon.getvalue()
