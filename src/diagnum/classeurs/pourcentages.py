"""Les cellules qu'un tableur a enregistrées comme pourcentages (« 89 % » saisi devient 0,89).

LibreOffice et Excel convertissent la saisie « 89 % » en 0,89 et lui appliquent le format pourcentage ;
python-calamine ne rend que 0,89. Ce module relit le XML des feuilles (l'archive déjà vérifiée par
``enquetes.lecture.verifier_classeur`` : parties comptées, tailles bornées, aucune DTD) avec expat, en
flux, sans construire d'arbre, pour savoir quelles cellules portent une valeur de type pourcentage :
ODS, ``office:value-type="percentage"`` ; XLSX, un style dont le format de nombre affiche « % ».
Les places rendues sont (feuille, ligne comptée depuis 1, colonne comptée depuis 0), comme les lit calamine.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable

Place = tuple[str, int, int]

#: Au-delà, rien à chercher : ``verifier_classeur`` a déjà refusé un classeur plus grand.
_LIGNES_MAX = 10_000
_COLONNES_MAX = 200

_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_XLSX = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PAQUET = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Formats intégrés d'Excel qui affichent un pourcentage (« 0% », « 0.00% »).
_FORMATS_POURCENT = {9, 10}
#: Dans un format de nombre, ce qui n'est pas un symbole : texte entre guillemets, caractère échappé, [couleur].
_LITTERAUX = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _analyser(donnees: bytes, debut: Callable[[str, dict[str, str]], None]) -> None:
    from xml.parsers import expat

    analyseur = expat.ParserCreate(namespace_separator=" ")
    analyseur.StartElementHandler = debut
    analyseur.Parse(donnees, True)


def _repetition(attributs: dict[str, str], nom: str) -> int:
    try:
        return max(1, int(attributs.get(f"{_ODS_TABLE} {nom}", "1")))
    except ValueError:
        return 1


def _ods(contenu: bytes) -> set[Place]:
    trouvees: set[Place] = set()
    etat = {"feuille": "", "ligne": 0, "repete": 1, "suivante": 1, "colonne": 0}

    def debut(nom: str, attributs: dict[str, str]) -> None:
        if nom == f"{_ODS_TABLE} table":
            etat.update(feuille=attributs.get(f"{_ODS_TABLE} name", ""), suivante=1)
        elif nom == f"{_ODS_TABLE} table-row":
            repete = _repetition(attributs, "number-rows-repeated")
            etat.update(ligne=etat["suivante"], repete=repete, suivante=etat["suivante"] + repete, colonne=0)
        elif nom in (f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell"):
            colonnes = _repetition(attributs, "number-columns-repeated")
            premiere, ligne = etat["colonne"], etat["ligne"]
            if attributs.get(f"{_ODS_OFFICE} value-type") == "percentage" and ligne <= _LIGNES_MAX:
                for colonne in range(premiere, min(premiere + colonnes, _COLONNES_MAX)):
                    for rang in range(ligne, min(ligne + etat["repete"], _LIGNES_MAX + 1)):
                        trouvees.add((etat["feuille"], rang, colonne))
            etat["colonne"] = premiere + colonnes

    _analyser(contenu, debut)
    return trouvees


def _colonne(lettres: str) -> int:
    numero = 0
    for lettre in lettres:
        numero = numero * 26 + ord(lettre) - ord("A") + 1
    return numero - 1


def _styles_pourcent(styles: bytes) -> set[int]:
    """Les indices des styles de cellule (``cellXfs``) dont le format de nombre affiche « % »."""
    formats: set[int] = set(_FORMATS_POURCENT)
    indices: set[int] = set()
    etat = {"dans_xfs": False, "rang": 0}

    def debut(nom: str, attributs: dict[str, str]) -> None:
        if nom == f"{_XLSX} numFmt":
            code = _LITTERAUX.sub("", attributs.get("formatCode", ""))
            if "%" in code and attributs.get("numFmtId", "").isdigit():
                formats.add(int(attributs["numFmtId"]))
        elif nom == f"{_XLSX} cellXfs":
            etat["dans_xfs"] = True
        elif nom == f"{_XLSX} cellStyleXfs":
            etat["dans_xfs"] = False
        elif nom == f"{_XLSX} xf" and etat["dans_xfs"]:
            identifiant = attributs.get("numFmtId", "0")
            if identifiant.isdigit() and int(identifiant) in formats:
                indices.add(etat["rang"])
            etat["rang"] += 1

    _analyser(styles, debut)
    return indices


def _xlsx(archive: zipfile.ZipFile) -> set[Place]:
    noms = set(archive.namelist())
    if "xl/styles.xml" not in noms:
        return set()
    pourcent = _styles_pourcent(archive.read("xl/styles.xml"))
    if not pourcent:
        return set()
    cibles: dict[str, str] = {}
    feuilles: list[tuple[str, str]] = []

    def relation(nom: str, attributs: dict[str, str]) -> None:
        if nom == f"{_PAQUET} Relationship":
            cibles[attributs.get("Id", "")] = attributs.get("Target", "")

    def feuille(nom: str, attributs: dict[str, str]) -> None:
        if nom == f"{_XLSX} sheet":
            feuilles.append((attributs.get("name", ""), attributs.get(f"{_RELATIONS} id", "")))

    if "xl/_rels/workbook.xml.rels" in noms and "xl/workbook.xml" in noms:
        _analyser(archive.read("xl/_rels/workbook.xml.rels"), relation)
        _analyser(archive.read("xl/workbook.xml"), feuille)
    trouvees: set[Place] = set()
    for nom_feuille, relation_id in feuilles:
        cible = cibles.get(relation_id, "")
        chemin = cible.lstrip("/") if cible.startswith("/") else posixpath.normpath(posixpath.join("xl", cible))
        if chemin not in noms:
            continue
        etat = {"ligne": 0, "colonne": -1}

        def cellule(nom: str, attributs: dict[str, str], nom_feuille: str = nom_feuille, etat: dict = etat) -> None:
            if nom == f"{_XLSX} row":
                ligne = attributs.get("r", "")
                etat.update(ligne=int(ligne) if ligne.isdigit() else etat["ligne"] + 1, colonne=-1)
            elif nom == f"{_XLSX} c":
                place = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", attributs.get("r", ""))
                if place:
                    etat.update(colonne=_colonne(place.group(1)), ligne=int(place.group(2)))
                else:
                    etat["colonne"] += 1
                style = attributs.get("s", "0")
                if (
                    attributs.get("t", "n") == "n"
                    and style.isdigit()
                    and int(style) in pourcent
                    and etat["ligne"] <= _LIGNES_MAX
                    and etat["colonne"] < _COLONNES_MAX
                ):
                    trouvees.add((nom_feuille, etat["ligne"], etat["colonne"]))

        _analyser(archive.read(chemin), cellule)
    return trouvees


def cellules_pourcentage(contenu: bytes) -> set[Place]:
    """Les cellules d'un classeur (archive ODS ou XLSX déjà vérifiée) enregistrées comme pourcentages."""
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        if "content.xml" in archive.namelist():
            return _ods(archive.read("content.xml"))
        return _xlsx(archive)
