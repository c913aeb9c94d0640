"""Nombres, dates et modalités écrits à la française, pour tout ce que lit l'utilisateur.

Fonctions pures, partagées par le tableau des scores, les rapports et les
graphiques : virgule décimale, milliers séparés par une espace insécable
(1 200), espace insécable avant « % », dates JJ/MM/AAAA, libellés accentués
des modalités de répartition.
"""

from __future__ import annotations

import datetime as dt

from diagnum.vocabulaire import MODALITES

# Les modalités sont des clés ASCII dans les fichiers ; voici comment les lire.
LIBELLES_MODALITES = dict(zip(MODALITES, ("jamais", "occasionnellement", "régulièrement"), strict=True))
ABSENT = "—"
#: Le séparateur des milliers : une espace insécable, comme avant « % ».
MILLIERS = "\u00a0"


def nombre_fr(valeur: float | None, decimales: int = 1) -> str:
    """``59.6`` → ``59,6`` ; ``60.0`` → ``60`` ; ``1200`` → ``1 200`` (espace insécable) ; ``None`` → ``—``."""
    if valeur is None:
        return ABSENT
    texte = f"{abs(valeur):.{decimales}f}"
    if not texte[0].isdigit():  # nan, inf : rien à grouper
        return f"{valeur:.{decimales}f}"
    entier, _, decimal = texte.partition(".")
    decimal = decimal.rstrip("0")
    resultat = f"{int(entier):,}".replace(",", MILLIERS) + (f",{decimal}" if decimal else "")
    return f"-{resultat}" if valeur < 0 and resultat != "0" else resultat


def score_fr(valeur: float | None) -> str:
    """Un score ou un écart de score, toujours au dixième : ``62.0`` → ``62,0`` ; ``None`` → ``—``."""
    if valeur is None:
        return ABSENT
    texte = f"{valeur:.1f}"
    return ("0.0" if texte == "-0.0" else texte).replace(".", ",")


def pourcent_fr(part: float | None, decimales: int = 0) -> str:
    """Une part de 0 à 1 en pourcentage : ``0.855`` → ``86 %`` (espace insécable)."""
    if part is None:
        return ABSENT
    return f"{nombre_fr(100 * part, decimales)}\u00a0%"


def date_fr(date: dt.date | None) -> str:
    """``2025-05-20`` → ``20/05/2025``."""
    return ABSENT if date is None else date.strftime("%d/%m/%Y")


#: Longueur au-delà de laquelle un texte cité dans un message est abrégé.
LONGUEUR_CITATION = 60


def abreger(texte: str, longueur: int = LONGUEUR_CITATION) -> str:
    """Un texte de l'utilisateur cité dans un message : caractères de contrôle et fins de ligne
    rendus visibles (``echapper_terminal``), coupé à ``longueur`` caractères (« … » à la fin)."""
    from diagnum.echappement import echapper_terminal

    texte = echapper_terminal(texte[: longueur * 4])
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def pluriel(nombre: int, singulier: str, pluriel: str | None = None) -> str:
    """« 1 ligne », « 2 lignes » ; « 0 ligne » (0 prend le singulier, comme en français) ;
    un pluriel irrégulier en troisième argument (« 2 réponses mises »)."""
    return f"{nombre} {singulier if nombre <= 1 else (pluriel or singulier + 's')}"


def modalite(cle: str) -> str:
    """Le libellé accentué d'une modalité de répartition."""
    return LIBELLES_MODALITES.get(cle, cle)
