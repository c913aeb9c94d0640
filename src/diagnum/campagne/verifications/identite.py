"""Identité et UAI : le bloc ``etablissement`` (nom, UAI, commune).

L'UAI a sept chiffres et une lettre de contrôle (le reste de la division par 23, dans un alphabet
sans I, O ni Q) : une lettre fausse est dite avec la bonne.
"""

from __future__ import annotations

import re

from diagnum.affichage import abreger
from diagnum.campagne.modele import Etablissement
from diagnum.campagne.verifications.contexte import CLES_ETABLISSEMENT, Contexte

CODES = ("uai-invalide", "type", "cle-inconnue", "texte-trop-long")
REQUIERT = ()

ALPHABET_UAI = "ABCDEFGHJKLMNPRSTUVWXYZ"
# Chiffres et lettres ASCII seulement (« \d » accepterait les chiffres arabes ou pleine chasse), texte entier.
_UAI = re.compile(r"([0-9]{7})([A-Za-z])")


def uai_valide(uai: str) -> bool:
    """Vrai si l'UAI a 7 chiffres et la bonne lettre de contrôle (modulo 23)."""
    m = _UAI.fullmatch(uai)
    return bool(m) and ALPHABET_UAI[int(m.group(1)) % 23] == m.group(2)


def lettre_uai(chiffres: str) -> str:
    """La lettre de contrôle attendue pour 7 chiffres d'UAI."""
    return ALPHABET_UAI[int(chiffres) % 23]


def probleme_uai(uai: str) -> str | None:
    """Pourquoi un UAI est invalide (message français), ou ``None`` s'il est valide."""
    m = _UAI.fullmatch(uai)
    if m is None:
        return f"UAI « {abreger(uai)} » invalide : 7 chiffres puis une lettre de contrôle sont attendus (par exemple 0750654D)"
    if uai_valide(uai):
        return None
    attendue = lettre_uai(m.group(1))
    casse = " (en majuscule)" if m.group(2).upper() == attendue else ""
    return f"UAI « {uai} » invalide : la lettre de contrôle de {m.group(1)} est « {attendue} »{casse}"


def etablissement(ctx: Contexte) -> None:
    """L'établissement : nom, UAI (lettre de contrôle vérifiée), commune."""
    noeud = ctx.racine.get("etablissement")
    tableau = ctx.tableau(noeud, "etablissement")
    if tableau is None:
        return
    ctx.cles_inconnues(tableau, CLES_ETABLISSEMENT, "dans « etablissement »")
    uai = ctx.texte(tableau.get("uai"), "etablissement.uai")
    probleme = probleme_uai(uai) if uai is not None else None
    if probleme is not None:
        ctx.err(tableau.get("uai").position, "uai-invalide", probleme)
        uai = None
    ctx.lu["etablissement"] = Etablissement(
        nom=ctx.texte(tableau.get("nom"), "etablissement.nom"),
        uai=uai,
        commune=ctx.texte(tableau.get("commune"), "etablissement.commune"),
    )
