"""Fabrique les exports d'enquête des tests et de l'exemple, selon la forme documentée de chaque outil.

Les fichiers sont déposés dans ``tests/fixtures/enquetes/`` (et l'exemple dans
``exemples/``) par ``python tests/outils_enquetes.py`` ; un test vérifie qu'ils
sont à jour. Les classeurs XLSX et ODS sont écrits ici avec ``zipfile`` (le
strict nécessaire de leur format), à date fixe : mêmes octets à chaque fois.

- LimeSurvey, export des réponses en CSV : colonnes ``id``, ``submitdate``,
  ``lastpage``, ``startlanguage``, ``seed`` puis une colonne par code de
  question ; « codes des réponses » ou « réponses complètes », en-têtes en
  codes ou en texte de question (interface en français).
- Google Forms : ``Horodateur`` puis le texte de chaque question, libellés des réponses.
- Microsoft Forms (XLSX) : ``ID``, ``Heure de début``, ``Heure de fin``,
  ``Adresse de messagerie``, ``Nom``, puis le texte de chaque question.
- Excel en français : CSV « ; », Windows-1252, réponses tapées à la main ; « Texte Unicode » (UTF-16,
  tabulations).
- LibreOffice Calc : classeur ODS.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

RACINE = Path(__file__).resolve().parents[1]
DOSSIER = RACINE / "tests" / "fixtures" / "enquetes"
DATE_ZIP = (2025, 5, 1, 0, 0, 0)


def _lettre(indice: int) -> str:
    lettres = ""
    indice += 1
    while indice:
        indice, reste = divmod(indice - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _zip(fichiers: list[tuple[str, str]], stocke_d_abord: str | None = None) -> bytes:
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w") as archive:
        for nom, texte in fichiers:
            info = zipfile.ZipInfo(nom, DATE_ZIP)
            info.compress_type = zipfile.ZIP_STORED if nom == stocke_d_abord else zipfile.ZIP_DEFLATED
            archive.writestr(info, texte)
    return flux.getvalue()


def xlsx(
    rangees: list[list[str]],
    feuille: str = "Sheet1",
    dimension: str | None = None,
    bourrage: int = 0,
    lointaine: str | None = None,
) -> bytes:
    """Un classeur XLSX d'une feuille (cellules en texte) ; ``dimension`` : la taille que la feuille annonce
    (« A1:XFD1048576 ») ; ``bourrage`` : autant d'espaces dans le XML de la feuille (une bombe ZIP) ;
    ``lointaine`` : une cellule de plus, à cette position (« XFD1048576 »)."""
    cellules = []
    for r, rangee in enumerate(rangees, start=1):
        cellules.append(f'<row r="{r}">')
        for c, valeur in enumerate(rangee):
            if valeur != "":
                cellules.append(f'<c r="{_lettre(c)}{r}" t="inlineStr"><is><t>{escape(valeur)}</t></is></c>')
        cellules.append("</row>")
    if lointaine:
        cellules.append(
            f'<row r="{lointaine.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{lointaine}"><v>1</v></c></row>'
        )
    principal = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    paquet = "http://schemas.openxmlformats.org/package/2006/relationships"
    return _zip(
        [
            (
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
            ),
            (
                "_rels/.rels",
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{paquet}"><Relationship Id="rId1" '
                f'Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            ),
            (
                "xl/workbook.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{principal}" xmlns:r="{relations}"><sheets>'
                f'<sheet name="{escape(feuille)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
            ),
            (
                "xl/_rels/workbook.xml.rels",
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{paquet}"><Relationship Id="rId1" '
                f'Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
            ),
            (
                "xl/worksheets/sheet1.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{principal}">'
                + (f'<dimension ref="{dimension}"/>' if dimension else "")
                + " " * bourrage
                + "<sheetData>"
                + "".join(cellules)
                + "</sheetData></worksheet>",
            ),
        ]
    )


def ods(rangees: list[list[str]], feuille: str = "Feuille1", repetitions: int = 1) -> bytes:
    """Un classeur ODS d'une feuille (cellules en texte) ; la dernière ligne répétée ``repetitions`` fois
    (``table:number-rows-repeated``), comme LibreOffice écrit des lignes identiques qui se suivent."""
    espaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
    )
    lignes = []
    for rangee in rangees:
        cellules = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
            if v != ""
            else "<table:table-cell/>"
            for v in rangee
        )
        lignes.append(f"<table:table-row>{cellules}</table:table-row>")
    if repetitions > 1:
        lignes[-1] = lignes[-1].replace(
            "<table:table-row>", f'<table:table-row table:number-rows-repeated="{repetitions}">'
        )
    contenu = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {espaces}><office:body>'
        f'<office:spreadsheet><table:table table:name="{escape(feuille)}">'
        + "".join(lignes)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifeste = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", manifeste),
            ("content.xml", contenu),
        ],
        stocke_d_abord="mimetype",
    )


def _csv(rangees: list[list[str]], separateur: str = ",", tout_entre_guillemets: bool = False) -> str:
    flux = io.StringIO()
    citation = csv.QUOTE_ALL if tout_entre_guillemets else csv.QUOTE_MINIMAL
    csv.writer(flux, delimiter=separateur, lineterminator="\r\n", quoting=citation).writerows(rangees)
    return flux.getvalue()


def repondants(questions: list, nombre: int, graine: int, blancs: float = 0.05) -> list[list[int | None]]:
    """Pour chaque répondant, l'indice de la réponse choisie à chaque question (None : pas de réponse)."""
    hasard = random.Random(graine)
    # Des réponses vraisemblables : « occasionnellement » le plus souvent, « oui » deux fois sur trois.
    poids = {3: (0.3, 0.45, 0.25), 2: (0.65, 0.35)}
    return [
        [
            None if hasard.random() < blancs else hasard.choices(range(len(q.reponses)), poids[len(q.reponses)])[0]
            for q in questions
        ]
        for _ in range(nombre)
    ]


def _questions(public: str) -> list:
    from diagnum.enquetes.questionnaire import questions
    from diagnum.referentiel import charger_referentiel

    return questions(charger_referentiel("2011"), public)


def fichiers() -> dict[Path, bytes]:
    """Chaque fichier fabriqué et son contenu."""
    ens = _questions("enseignants")
    fam = _questions("familles")
    reponses = repondants(ens, 38, 2025)
    codes = [[("" if i is None else q.reponses[i].code) for q, i in zip(ens, r, strict=True)] for r in reponses]
    libelles = [[("" if i is None else q.reponses[i].libelle) for q, i in zip(ens, r, strict=True)] for r in reponses]
    tetes_ls = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    debut_ls = [
        [str(n), f"2025-05-{5 + n % 10:02d} 10:{n % 60:02d}:00", "1", "fr", str(1000 + n * 7)] for n in range(1, 39)
    ]
    sortie: dict[Path, bytes] = {}

    # LimeSurvey, codes des questions et des réponses ; une réponse commencée jamais remplie (ignorée).
    lignes = [tetes_ls + [q.code for q in ens]]
    lignes += [d + c for d, c in zip(debut_ls, codes, strict=True)]
    lignes.append(["39", "", "0", "fr", "1273"] + [""] * len(ens))
    sortie[RACINE / "exemples" / "enquete-enseignants-limesurvey.csv"] = _csv(lignes, ",", True).encode("utf-8")
    sortie[DOSSIER / "limesurvey-codes.csv"] = _csv(lignes, ",", True).encode("utf-8")

    # LimeSurvey, textes des questions et réponses complètes (interface en français, BOM UTF-8), les questions
    # sans réponse exportées « N/A » (réglage « valeurs NULL exportées comme N/A »).
    tetes_completes = ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Tête de série"]
    lignes = [tetes_completes + [q.texte for q in ens]]
    lignes += [d + [v or "N/A" for v in c] for d, c in zip(debut_ls, libelles, strict=True)]
    sortie[DOSSIER / "limesurvey-reponses-completes.csv"] = ("\ufeff" + _csv(lignes, ",", True)).encode("utf-8")

    # Google Forms : horodateur, textes des questions, libellés.
    lignes = [["Horodateur"] + [q.texte for q in ens]]
    lignes += [[f"05/05/2025 10:{n:02d}:00", *c] for n, c in enumerate(libelles)]
    sortie[DOSSIER / "google-forms.csv"] = _csv(lignes).encode("utf-8")

    # Microsoft Forms (XLSX) : ID, heures, adresse de messagerie « anonymous », nom vide.
    tetes_ms = ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom"]
    lignes = [tetes_ms + [q.texte.rstrip(" ?") for q in ens]]
    lignes += [[str(n), "5/5/25 10:00:00", "5/5/25 10:04:00", "anonymous", "", *c] for n, c in enumerate(libelles, 1)]
    sortie[DOSSIER / "microsoft-forms.xlsx"] = xlsx(lignes)

    # Saisie des réponses papier dans Excel en français : « ; », Windows-1252, majuscules et accents au hasard.
    hasard = random.Random(7)
    tapees = [[hasard.choice((v, v.upper(), v.lower(), v.replace("é", "e"))) for v in c] for c in libelles]
    lignes = [[q.code for q in ens], *tapees]
    sortie[DOSSIER / "excel-fr-windows1252.csv"] = _csv(lignes, ";").encode("cp1252")

    # Excel, « Enregistrer sous › Texte Unicode » : UTF-16 avec BOM, tabulations, CRLF.
    lignes = [[q.texte for q in ens], *libelles]
    sortie[DOSSIER / "excel-texte-unicode.txt"] = _csv(lignes, "\t").encode("utf-16")

    # Google Forms, une question reformulée dans le formulaire (« Utilisez-vous l'ENT en classe ? ») : ses
    # réponses ne doivent pas disparaître en silence (question-non-reconnue, colonne C).
    lignes = [["Horodateur"] + [q.texte for q in ens]]
    lignes[0][2] = "Utilisez-vous l'ENT en classe ?"
    lignes += [[f"05/05/2025 10:{n:02d}:00", *c] for n, c in enumerate(libelles)]
    sortie[DOSSIER / "mauvais-question-reformulee.csv"] = _csv(lignes).encode("utf-8")

    # LimeSurvey, en-têtes « texte de question abrégé » (15 caractères et « .. ») : deux questions des
    # enseignants commencent par « Utilisez-vous d » (entetes-abreges, colonne H).
    lignes = [tetes_ls + [q.texte[:15] + ".. " for q in ens]]
    lignes += [d + c for d, c in zip(debut_ls, codes, strict=True)]
    sortie[DOSSIER / "mauvais-entetes-abreges.csv"] = _csv(lignes, ",", True).encode("utf-8")

    # LibreOffice Calc (ODS) : questionnaire des familles, codes des questions, libellés.
    rep_fam = repondants(fam, 120, 11)
    lignes = [[q.code for q in fam]]
    lignes += [[("" if i is None else q.reponses[i].libelle) for q, i in zip(fam, r, strict=True)] for r in rep_fam]
    sortie[DOSSIER / "familles.ods"] = ods(lignes)

    # Les mêmes familles dans LimeSurvey : en-têtes abrégés (aucun n'est ambigu chez les familles), questions
    # oui/non de type « Oui/Non » de LimeSurvey (réponses Y et N).
    lignes = [[q.texte[:15] + ".. " for q in fam]]
    lignes += [
        [
            ("" if i is None else {"oui": "Y", "non": "N"}.get(q.reponses[i].code, q.reponses[i].code))
            for q, i in zip(fam, r, strict=True)
        ]
        for r in rep_fam
    ]
    sortie[DOSSIER / "familles-limesurvey-abrege.csv"] = _csv(lignes, ",", True).encode("utf-8")

    # --- Mauvais exports : le constat attendu est dans le nom du test qui s'en sert.
    lignes = [[q.code for q in ens]] + [list(c) for c in codes[:8]]
    lignes[3][6] = "souvent"  # ligne 4, colonne 7 (G) : reponse-inconnue
    sortie[DOSSIER / "mauvais-reponse-inconnue.csv"] = _csv(lignes).encode("utf-8")
    sortie[DOSSIER / "mauvais-vide.csv"] = b""
    sortie[DOSSIER / "mauvais-binaire.csv"] = bytes(range(256)) * 4
    sortie[DOSSIER / "mauvais-trop-peu.csv"] = _csv([[q.code for q in ens], *codes[:3]]).encode("utf-8")
    trop = repondants(ens, 50, 3, blancs=0)
    lignes = [[q.code for q in ens]] + [[q.reponses[i].code for q, i in zip(ens, r, strict=True)] for r in trop]
    sortie[DOSSIER / "mauvais-trop-nombreux.csv"] = _csv(lignes).encode("utf-8")
    # Exports qui annoncent plus qu'ils ne contiennent : refusés avant d'être lus (export-trop-grand, code 2).
    petit = [[q.code for q in ens]] + [list(c) for c in codes[:6]]
    sortie[DOSSIER / "mauvais-dimension-geante.xlsx"] = xlsx(petit, dimension="A1:XFD1048576")
    # Une seule cellule en XFD1048576, sans dimension : python-calamine voulait 512 Go et avortait (code 134).
    sortie[DOSSIER / "mauvais-cellule-lointaine.xlsx"] = xlsx(petit, lointaine="XFD1048576")
    sortie[DOSSIER / "mauvais-lignes-repetees.ods"] = ods(petit, repetitions=1_000_000)
    return sortie


if __name__ == "__main__":
    DOSSIER.mkdir(parents=True, exist_ok=True)
    for chemin, contenu in fichiers().items():
        chemin.write_bytes(contenu)
        print(chemin.relative_to(RACINE))
