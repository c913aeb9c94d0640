"""Écrivain ODS d'un classeur à remplir (``diagnum classeur -o X.ods``).

Le document OpenDocument est écrit directement en XML dans une archive zip (bibliothèque standard) :
odfpy coûte plus de 200 ms à l'import et n'aide pas pour les validations ni la protection, qui sont
ici quelques attributs. Chaque cellule à remplir porte une validation de contenu (liste déroulante des
réponses permises, entier ou pourcentage borné, message de saisie) et un style non protégé ; chaque
feuille est protégée sans mot de passe.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

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

_HORS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LARGEURS = ("4.2cm", "1.9cm", "11cm", "4cm", "4cm", "4cm", "9cm")

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'office:version="1.2"'
)
_STYLES_CELLULES = {
    "titre": '<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>',
    "entete": '<style:table-cell-properties fo:background-color="#d9d9d9" fo:wrap-option="wrap"/>'
    '<style:text-properties fo:font-weight="bold"/>',
    "rubrique": '<style:table-cell-properties fo:background-color="#eeeeee"/><style:text-properties fo:font-weight="bold"/>',
    "texte": '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>',
    "ident": '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    '<style:text-properties fo:color="#666666" fo:font-size="8pt"/>',
    "retrait": '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    '<style:paragraph-properties fo:margin-left="0.6cm"/><style:text-properties fo:font-style="italic"/>',
    "saisie": '<style:table-cell-properties style:cell-protect="none" fo:background-color="#ffffff" '
    'fo:border="0.06pt solid #808080" fo:wrap-option="wrap" style:vertical-align="top"/>',
    "verrou": '<style:table-cell-properties fo:background-color="#f2f2f2" fo:wrap-option="wrap" '
    'style:vertical-align="top"/>',
}


def _texte(valeur: object) -> str:
    return _HORS_XML.sub("\ufffd", str(valeur))


def _paragraphes(texte: str) -> str:
    """Un paragraphe par ligne (toute fin de ligne : « \\r » brut deviendrait « \\n » à la relecture du XML)."""
    lignes = str(texte).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "".join(f"<text:p>{_blancs(escape(_texte(ligne)))}</text:p>" for ligne in lignes)


def _blancs(texte: str) -> str:
    """Les espaces répétées ou en tête et les tabulations, que le XML d'ODF replierait, écrites en éléments."""
    texte = texte.replace("\t", "<text:tab/>")
    texte = re.sub(r"(?<= ) +", lambda m: f'<text:s text:c="{len(m.group(0))}"/>', texte)
    return re.sub(r"^ ", "<text:s/>", texte)


def _cellule_texte(texte: str, style: str) -> str:
    if texte == "":
        return f'<table:table-cell table:style-name="{style}"/>'
    return f'<table:table-cell table:style-name="{style}" office:value-type="string">{_paragraphes(texte)}</table:table-cell>'


def _condition(saisie: Saisie) -> str:
    """La condition de validation, dans la syntaxe qu'écrit et relit LibreOffice Calc."""
    if saisie.genre == "liste":
        return "of:cell-content-is-in-list(" + ";".join(f'"{p}"' for p in saisie.permis) + ")"
    if saisie.genre == "entier":
        return f"of:cell-content-is-whole-number() and cell-content-is-between(0,{saisie.maximum})"
    if saisie.genre == "pourcentage":
        return "of:cell-content-is-decimal-number() and cell-content-is-between(0,100)"
    if saisie.genre == "texte":
        return f"of:cell-content-text-length()<={saisie.maximum}"
    return ""


def _erreur(saisie: Saisie) -> str:
    return {
        "liste": "Choisissez une réponse de la liste.",
        "entier": f"Un nombre entier de 0 à {saisie.maximum} est attendu.",
        "pourcentage": "Un pourcentage de 0 à 100 est attendu : 89 pour 89 %, sans le signe %.",
        "texte": f"Texte trop long ({saisie.maximum} caractères au plus).",
    }.get(saisie.genre, "")


def _validation(nom: str, saisie: Saisie) -> str:
    condition = _condition(saisie)
    attributs = f'table:name={quoteattr(nom)} table:allow-empty-cell="true"'
    if condition:
        attributs += f" table:condition={quoteattr(condition)}"
    if saisie.genre == "liste":
        attributs += ' table:display-list="unsorted"'
    aide = (
        f'<table:help-message table:title={quoteattr(saisie.titre_aide)} table:display="true">'
        f"{_paragraphes(saisie.aide)}</table:help-message>"
    )
    erreur = ""
    if condition:
        erreur = (
            f'<table:error-message table:title="Réponse refusée" table:message-type="stop" table:display="true">'
            f"{_paragraphes(_erreur(saisie))}</table:error-message>"
        )
    return f"<table:content-validation {attributs}>{aide}{erreur}</table:content-validation>"


def _cellule_saisie(saisie: Saisie, validation: str) -> str:
    # Aucun format de nombre propre, exprès, même pour un pourcentage : « 89 % » tapé dans une cellule au
    # format standard est enregistré 0,89 au format pourcentage, ce que relit la fusion (89) ; dans une cellule
    # au format « 0.## », LibreOffice garderait 0,89 sans marque (tests/test_classeurs_libreoffice.py).
    debut = f'<table:table-cell table:style-name="saisie" table:content-validation-name="{validation}"'
    valeur = saisie.valeur
    if valeur is None or valeur == "":
        return debut + "/>"
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        return (
            f'{debut} office:value-type="float" office:value="{valeur!r}"><text:p>{valeur}</text:p></table:table-cell>'
        )
    return f'{debut} office:value-type="string">{_paragraphes(str(valeur))}</table:table-cell>'


def classeur_ods(classeur: Classeur) -> bytes:
    """Les octets du fichier ODS d'un classeur."""
    validations: dict[tuple, str] = {}
    tables = []
    for feuille in classeur.feuilles:
        lignes = [f'<table:table table:name={quoteattr(feuille.nom)} table:protected="true">']
        lignes += [f'<table:table-column table:style-name="co{i}"/>' for i in range(len(_LARGEURS))]
        for rangee in feuille.rangees:
            cellules = []
            if rangee.style == TITRE:
                cellules = ["<table:table-cell/>", "<table:table-cell/>", _cellule_texte(rangee.texte, "titre")]
            elif rangee.style == ENTETE:
                cellules = [_cellule_texte(t, "entete") for t in ENTETES]
            elif rangee.style in (RUBRIQUE, SOUS_ENTETE):
                style = "rubrique" if rangee.style == RUBRIQUE else "entete"
                cellules = [_cellule_texte("", style), _cellule_texte("", style), _cellule_texte(rangee.texte, style)]
                cellules += [_cellule_texte(t, style) for t in rangee.intitules]
            elif rangee.style == TEXTE:
                cellules = ["<table:table-cell/>", "<table:table-cell/>", _cellule_texte(rangee.texte, "texte")]
            else:
                cellules = [
                    _cellule_texte(rangee.identifiant, "ident"),
                    _cellule_texte(rangee.section, "texte"),
                    _cellule_texte(rangee.texte, "retrait" if rangee.style == SOUS_ITEM else "texte"),
                ]
                for saisie in rangee.saisies:
                    cle = (saisie.genre, saisie.permis, saisie.maximum, saisie.titre_aide, saisie.aide)
                    nom = validations.setdefault(cle, f"val{len(validations) + 1}")
                    cellules.append(_cellule_saisie(saisie, nom))
                cellules += [_cellule_texte(t, "verrou") for t in rangee.intitules]
                if rangee.consigne:
                    cellules += ["<table:table-cell/>"] * (3 - len(rangee.saisies) - len(rangee.intitules))
                    cellules.append(_cellule_texte(rangee.consigne, "texte"))
            lignes.append("<table:table-row>" + "".join(cellules) + "</table:table-row>")
        lignes.append("</table:table>")
        tables.append("".join(lignes))
    definitions = {nom: cle for cle, nom in validations.items()}
    saisies = {(s.genre, s.permis, s.maximum, s.titre_aide, s.aide): s for _, _, _, s in classeur.saisies()}
    colonnes = "".join(
        f'<style:style style:name="co{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{largeur}"/></style:style>'
        for i, largeur in enumerate(_LARGEURS)
    )
    styles = "".join(
        f'<style:style style:name="{nom}" style:family="table-cell" style:parent-style-name="Default">{corps}</style:style>'
        for nom, corps in _STYLES_CELLULES.items()
    )
    contenu = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {_NS}><office:automatic-styles>{colonnes}{styles}</office:automatic-styles>"
        "<office:body><office:spreadsheet><table:content-validations>"
        + "".join(_validation(nom, saisies[cle]) for nom, cle in definitions.items())
        + "</table:content-validations>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    styles_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-styles {_NS}><office:styles>"
        '<style:style style:name="Default" style:family="table-cell"/>'
        "</office:styles><office:automatic-styles>"
        # À l'impression : A4 en paysage, toutes les colonnes sur la largeur d'une page.
        '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="29.7cm" '
        'fo:page-height="21cm" style:print-orientation="landscape" fo:margin="1cm" style:scale-to-X="1" '
        'style:scale-to-Y="0"/></style:page-layout></office:automatic-styles><office:master-styles>'
        '<style:master-page style:name="Default" style:page-layout-name="pm1"/></office:master-styles>'
        "</office:document-styles>"
    )
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-meta {_NS}><office:meta><meta:generator>diagnum</meta:generator></office:meta>"
        "</office:document-meta>"
    )
    manifeste = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        # Le type MIME en premier et non compressé : c'est ainsi qu'un lecteur reconnaît un document ODF.
        archive.writestr(
            zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet"
        )
        for nom, texte in (
            ("content.xml", contenu),
            ("styles.xml", styles_xml),
            ("meta.xml", meta),
            ("META-INF/manifest.xml", manifeste),
        ):
            archive.writestr(zipfile.ZipInfo(nom, (1980, 1, 1, 0, 0, 0)), texte.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return tampon.getvalue()
