"""Lire un export de réponses (une ligne par répondant) : CSV, XLSX ou ODS.

Bord d'entrée : un fichier devient une ``Feuille`` (en-têtes et lignes de
textes, chaque ligne avec son numéro dans le fichier). Le CSV est lu par la
bibliothèque standard : encodage (UTF-8, UTF-8 avec BOM, Windows-1252)
reconnu sur le contenu, séparateur (« , », « ; » ou tabulation) reconnu sur
la ligne d'en-tête. Les classeurs XLSX et ODS sont lus par python-calamine,
importé seulement ici (``diagnum valider`` n'en paie jamais le coût).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from diagnum.erreurs import ErreurProbleme
from diagnum.fichiers import lire_octets

#: Un export plus gros n'est pas celui d'un établissement (100 000 répondants tiennent en bien moins).
TAILLE_EXPORT_MAX = 50 * 1024 * 1024
SEPARATEURS = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
_ZIP = b"PK\x03\x04"


class Constat(NamedTuple):
    """Un problème d'un export ou d'un import : fichier, ligne, colonne (1 = la première), code, message."""

    fichier: str
    ligne: int
    colonne: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.fichier}:{self.ligne}:{self.colonne}: {self.message} ({self.code})"


class ErreurExport(ErreurProbleme):
    """Un export illisible (code de sortie 1) : le constat dit où et pourquoi."""

    def __init__(self, chemin: object, code: str, message: str, ligne: int = 1, colonne: int = 1) -> None:
        self.constat = Constat(str(chemin), ligne, colonne, code, message)
        super().__init__(str(self.constat))


class Feuille(NamedTuple):
    """Le contenu d'un export : ses en-têtes et ses lignes de réponses."""

    chemin: str
    entetes: list[str]
    #: (numéro de ligne dans le fichier, cellules) ; l'en-tête est la ligne 1.
    lignes: list[tuple[int, list[str]]]
    #: Comment le fichier a été lu (« CSV UTF-8, séparateur point-virgule », « classeur XLSX »).
    format: str


def lire_export(chemin: Path) -> Feuille:
    """Lit un export ; lève ``ErreurProbleme`` (code 1) pour un contenu illisible, ``ErreurFichier`` (2) sinon."""
    contenu = lire_octets(chemin, TAILLE_EXPORT_MAX)
    if len(contenu) > TAILLE_EXPORT_MAX:
        raise ErreurExport(chemin, "export-trop-gros", "fichier trop gros pour un export de réponses (plus de 50 Mo)")
    if not contenu.removeprefix(b"\xef\xbb\xbf").strip():
        raise ErreurExport(chemin, "export-vide", "le fichier est vide (aucune ligne d'en-tête, aucune réponse)")
    if contenu.startswith(_ZIP):
        return _lire_classeur(chemin, contenu)
    if b"\x00" in contenu[:4096]:
        raise ErreurExport(
            chemin,
            "export-illisible",
            "ce n'est ni un fichier CSV ni un classeur XLSX ou ODS ; "
            "exportez les réponses de l'outil d'enquête au format CSV, XLSX ou ODS",
        )
    return _lire_csv(chemin, contenu)


def _decoder(chemin: Path, contenu: bytes) -> tuple[str, str]:
    """Le texte et le nom de son encodage : UTF-8 (avec ou sans BOM), sinon Windows-1252, reconnu sur le contenu."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8", errors="strict"), "UTF-8 avec BOM"
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ErreurExport(chemin, "encodage", "fichier en UTF-16 ; enregistrez-le en « CSV UTF-8 »")
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        texte = contenu.decode("cp1252")
    except UnicodeDecodeError as exc:
        ligne = contenu[: exc.start].count(b"\n") + 1
        raise ErreurExport(
            chemin,
            "encodage",
            "encodage inconnu (ni UTF-8 ni Windows-1252) ; enregistrez le fichier en « CSV UTF-8 »",
            ligne,
        ) from None
    return texte, "Windows-1252"


def _separateur(chemin: Path, entete: str) -> str:
    """Le séparateur le plus présent dans la ligne d'en-tête (hors guillemets)."""
    comptes = {sep: 0 for sep in SEPARATEURS}
    entre_guillemets = False
    for caractere in entete:
        if caractere == '"':
            entre_guillemets = not entre_guillemets
        elif not entre_guillemets and caractere in comptes:
            comptes[caractere] += 1
    separateur = max(comptes, key=lambda s: comptes[s])
    if comptes[separateur] == 0:
        raise ErreurExport(
            chemin,
            "export-une-colonne",
            "une seule colonne : aucun séparateur (virgule, point-virgule ou tabulation) dans la ligne d'en-tête",
        )
    return separateur


def _rangees_csv(chemin: Path, texte: str, separateur: str) -> Iterator[tuple[int, list[str]]]:
    """Chaque enregistrement du CSV et le numéro de la ligne où il commence."""
    lecteur = csv.reader(texte.splitlines(keepends=True), delimiter=separateur, strict=False)
    debut = 1
    try:
        for cellules in lecteur:
            yield debut, cellules
            debut = lecteur.line_num + 1
    except csv.Error as exc:
        raise ErreurExport(chemin, "export-illisible", f"CSV illisible ({exc})", lecteur.line_num) from None


def _feuille(chemin: Path, rangees: Iterable[tuple[int, list[str]]], format_: str) -> Feuille:
    """La première ligne non vide est l'en-tête ; les lignes vides sont sautées."""
    entetes: list[str] | None = None
    lignes: list[tuple[int, list[str]]] = []
    for numero, cellules in rangees:
        if not "".join(cellules).strip():
            continue
        if entetes is None:
            entetes = [c.strip() for c in cellules]
        else:
            lignes.append((numero, cellules))
    if entetes is None:
        raise ErreurExport(chemin, "export-vide", "le fichier est vide (aucune ligne d'en-tête, aucune réponse)")
    return Feuille(str(chemin), entetes, lignes, format_)


def _lire_csv(chemin: Path, contenu: bytes) -> Feuille:
    texte, encodage = _decoder(chemin, contenu)
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = _separateur(chemin, premiere)
    format_ = f"CSV {encodage}, séparateur {SEPARATEURS[separateur]}"
    return _feuille(chemin, _rangees_csv(chemin, texte, separateur), format_)


def _texte_cellule(valeur: object) -> str:
    """Une cellule de classeur en texte (un nombre entier sans « .0 »)."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)


def _lire_classeur(chemin: Path, contenu: bytes) -> Feuille:
    """La première feuille d'un classeur XLSX ou ODS (python-calamine)."""
    import io

    from python_calamine import CalamineWorkbook

    try:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        if not classeur.sheet_names:
            raise ValueError("aucune feuille")
        rangees = classeur.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ErreurExport(
            chemin, "export-illisible", f"classeur illisible ({exc}) ; exportez les réponses au format CSV, XLSX ou ODS"
        ) from None
    sorte = "ODS" if b"opendocument" in contenu[:200] else "XLSX"
    numerotees = ((numero, [_texte_cellule(v) for v in rangee]) for numero, rangee in enumerate(rangees, start=1))
    return _feuille(chemin, numerotees, f"classeur {sorte}, première feuille « {classeur.sheet_names[0]} »")
