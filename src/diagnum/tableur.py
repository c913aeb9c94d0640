"""Le dialecte des fichiers CSV de diagnum, pour un tableur réglé en français.

Séparateur « ; », virgule décimale, UTF-8 avec BOM (LibreOffice et Excel
reconnaissent l'encodage), fins de ligne CRLF, guillemets seulement là où il
en faut. ``score --format csv``, ``synthese`` (scores.csv, reponses.csv,
rejets.csv, manquants.csv, table de correspondance) et ``enquete
questionnaire`` (feuille de saisie) écrivent tous par ces fonctions.

Cellules neutralisées : un texte qui commence par « = », « + », « - », « @ »,
une tabulation ou un retour chariot serait pris par le tableur pour une
formule (``=HYPERLINK(…)`` dans le nom d'un établissement) ; il est écrit
précédé d'une apostrophe, comme LibreOffice et Excel l'attendent (``'=…``,
affiché tel quel). Un nombre (``-3,5``, ``-12 345``) n'est pas une formule :
il reste un nombre. Tout CSV que diagnum écrit passe par ``ecrivain`` ou
``csv_octets`` (``tests/test_tableur.py`` le vérifie) ; une requête qui
assemble des lignes elle-même applique ``SQL_NEUTRALISER``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from diagnum.affichage import nombre_fr, score_fr

BOM = "\ufeff"
#: Les premiers caractères qui font d'une cellule une formule (recommandation OWASP « CSV injection »).
DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
_NOMBRE: Any = None

#: Le même traitement dans une requête SQLite pour une colonne texte ``{0}`` dont la valeur numérique est
#: dans la colonne ``{1}`` (un nombre n'est pas neutralisé).
SQL_NEUTRALISER = (
    "CASE WHEN {1} IS NULL AND substr({0}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) "
    "THEN '''' || {0} ELSE {0} END"
)


def _est_nombre(texte: str) -> bool:
    global _NOMBRE
    if _NOMBRE is None:
        import re

        _NOMBRE = re.compile(r"[-+]?\d+(?:[.,]\d+)?", re.ASCII)
    return _NOMBRE.fullmatch(texte.replace("\u00a0", "").replace("\u202f", "")) is not None


def neutraliser(valeur: object) -> object:
    """Une cellule sûre : un texte qui commence comme une formule est précédé de « ' » ; un nombre écrit
    (``-3,5``) et toute autre valeur restent tels quels."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DANGEREUX) and not _est_nombre(valeur):
        return "'" + valeur
    return valeur


class _Ecrivain:
    """Un ``csv.writer`` dont chaque cellule passe par ``neutraliser``."""

    __slots__ = ("_sortie",)

    def __init__(self, sortie: Any) -> None:
        self._sortie = sortie

    def writerow(self, ligne: Iterable[object]) -> Any:
        return self._sortie.writerow([neutraliser(v) for v in ligne])

    def writerows(self, lignes: Iterable[Iterable[object]]) -> None:
        for ligne in lignes:
            self.writerow(ligne)


def ecrivain(flux: TextIO) -> Any:
    """Un écrivain CSV sur ``flux`` (texte) dans le dialecte de diagnum, chaque cellule neutralisée ; le BOM
    est à écrire avant."""
    return _Ecrivain(csv.writer(flux, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL))


def cellule(valeur: float | None, decimales: int = 1) -> str:
    """Un nombre à virgule décimale, ou une cellule vide pour ``None``."""
    return "" if valeur is None else nombre_fr(valeur, decimales)


def cellule_score(valeur: float | None) -> str:
    """Un score toujours au dixième (``62,0``), comme à l'écran, ou une cellule vide pour ``None``."""
    return "" if valeur is None else score_fr(valeur)


def csv_octets(entetes: Sequence[str], lignes: Iterable[Sequence[object]]) -> bytes:
    """Un fichier CSV complet, en octets."""
    import io

    tampon = io.StringIO()
    tampon.write(BOM)
    sortie = ecrivain(tampon)
    sortie.writerow(entetes)
    sortie.writerows(lignes)
    return tampon.getvalue().encode("utf-8")
