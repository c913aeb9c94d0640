"""Le dialecte des fichiers CSV de diagnum, pour un tableur réglé en français.

Séparateur « ; », virgule décimale, UTF-8 avec BOM (LibreOffice et Excel
reconnaissent l'encodage), fins de ligne CRLF, guillemets seulement là où il
en faut. ``score --format csv`` et ``synthese`` (scores.csv, reponses.csv,
rejets.csv) écrivent tous par ces fonctions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from diagnum.affichage import nombre_fr, score_fr

BOM = "\ufeff"


def ecrivain(flux: TextIO) -> Any:
    """Un ``csv.writer`` sur ``flux`` (texte) dans le dialecte de diagnum ; le BOM est à écrire avant."""
    return csv.writer(flux, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


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
