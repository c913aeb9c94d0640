"""Lire les dates des exports : fonctions pures.

Les outils écrivent leurs dates de bien des façons : ISO (``2024-09-02``, et
``2024-09-02 08:00:00`` d'une cellule de classeur), à la française
(``02/09/2024``), ou en toutes lettres comme le rapport de GRR
(``lundi 02 septembre 2024``, ``Créneau 1, lundi 02 septembre 2024``, en
anglais ``Monday, September 02, 2024``). Un mois de statistiques s'écrit
``2024-09``, ``09/2024`` ou ``septembre 2024``.
"""

from __future__ import annotations

import datetime as dt
import re

from diagnum.enquetes.correspondance import normaliser

MOIS = {
    nom: numero
    for numero, noms in enumerate(
        (
            ("janvier", "january", "janv", "jan"),
            ("fevrier", "february", "fevr", "fev", "feb"),
            ("mars", "march", "mar"),
            ("avril", "april", "avr", "apr"),
            ("mai", "may"),
            ("juin", "june", "jun"),
            ("juillet", "july", "juil", "jul"),
            ("aout", "august", "aug"),
            ("septembre", "september", "sept", "sep"),
            ("octobre", "october", "oct"),
            ("novembre", "november", "nov"),
            ("decembre", "december", "dec"),
        ),
        start=1,
    )
    for nom in noms
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FRANCAISE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")
_LETTRES_JOUR_MOIS = re.compile(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})")
_LETTRES_MOIS_JOUR = re.compile(r"([a-z]+) (\d{1,2}) (\d{4})")
_MOIS_ISO = re.compile(r"(\d{4})[-/](\d{1,2})")
_MOIS_FRANCAIS = re.compile(r"(\d{1,2})[/.-](\d{4})")
_MOIS_LETTRES = re.compile(r"([a-z]+) (\d{4})")


def _date(annee: int, mois: int, jour: int) -> dt.date | None:
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        return None


def lire_date(texte: str) -> dt.date | None:
    """La date d'une cellule, ou None si elle ne se lit pas (ou n'existe pas, comme le 31 juin)."""
    texte = texte.strip()
    m = _ISO.match(texte)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _FRANCAISE.match(texte)
    if m:
        annee = int(m.group(3))
        return _date(annee + 2000 if annee < 100 else annee, int(m.group(2)), int(m.group(1)))
    simple = normaliser(texte)
    for motif, ordre in ((_LETTRES_JOUR_MOIS, (1, 2, 3)), (_LETTRES_MOIS_JOUR, (2, 1, 3))):
        m = motif.search(simple)
        if m and m.group(ordre[1]) in MOIS:
            return _date(int(m.group(ordre[2])), MOIS[m.group(ordre[1])], int(m.group(ordre[0])))
    return None


def lire_mois(texte: str) -> tuple[int, int] | None:
    """Le mois (année, mois) d'une cellule : ``2024-09``, ``09/2024``, ``septembre 2024`` ou une date entière."""
    jour = lire_date(texte)
    if jour is not None:
        return jour.year, jour.month
    texte = texte.strip()
    for motif, ordre in ((_MOIS_ISO, (1, 2)), (_MOIS_FRANCAIS, (2, 1))):
        m = motif.fullmatch(texte)
        if m and 1 <= int(m.group(ordre[1])) <= 12:
            return int(m.group(ordre[0])), int(m.group(ordre[1]))
    m = _MOIS_LETTRES.fullmatch(normaliser(texte))
    if m and m.group(1) in MOIS:
        return int(m.group(2)), MOIS[m.group(1)]
    return None


def semaine(jour: dt.date) -> tuple[int, int]:
    """La semaine ISO (année, numéro) d'un jour : deux jours de la même semaine de cours ont la même."""
    annee, numero, _ = jour.isocalendar()
    return annee, numero


def semaines_entre(debut: dt.date, fin: dt.date) -> int:
    """Le nombre de semaines ISO que touche la période, bornes comprises."""
    lundi_debut = debut - dt.timedelta(days=debut.weekday())
    lundi_fin = fin - dt.timedelta(days=fin.weekday())
    return (lundi_fin - lundi_debut).days // 7 + 1


def mois_entre(debut: dt.date, fin: dt.date) -> list[tuple[int, int]]:
    """Les mois (année, mois) que touche la période, bornes comprises."""
    resultat = []
    annee, mois = debut.year, debut.month
    while (annee, mois) <= (fin.year, fin.month):
        resultat.append((annee, mois))
        annee, mois = (annee + 1, 1) if mois == 12 else (annee, mois + 1)
    return resultat


def dernier_jour(annee: int, mois: int) -> dt.date:
    """Le dernier jour d'un mois."""
    suivant = dt.date(annee + 1, 1, 1) if mois == 12 else dt.date(annee, mois + 1, 1)
    return suivant - dt.timedelta(days=1)
