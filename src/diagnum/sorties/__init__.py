"""Les écrivains de chaque format de sortie (texte, JSON, CSV, Markdown, tableaux Rich ; HTML et PDF des rapports).

Un module par format (``texte``, ``json``, ``csv``, ``markdown``, ``tableau``…), une petite fonction
par document. ``ECRIVAINS`` est le registre : une ligne par (document, format), que lit l'option
``--format`` de chaque commande (``formats``) et où elle prend son écrivain (``ecrivain``). Le module
d'un écrivain n'est importé que si on le choisit : ``diagnum valider`` ne paie que le sien.

Ajouter un format ou un document : écrire la fonction dans le module de son format, puis une ligne ici.
Tous les écrivains d'un même document ont la même signature (voir chaque document ci-dessous).
"""

from __future__ import annotations

from collections.abc import Callable

#: (document, format) → « module:fonction » (module de ``diagnum.sorties``), dans l'ordre où ``--format``
#: les propose (le premier est le format par défaut).
ECRIVAINS: dict[tuple[str, str], str] = {
    # constats de ``valider`` : (fichiers, non_lus) → texte à écrire (ou None s'il est déjà écrit)
    ("constats", "texte"): "texte:ecrire_constats",
    ("constats", "parsable"): "texte:format_parsable",
    ("constats", "json"): "json:format_constats",
    ("constats", "github"): "texte:format_github",
    # profil de ``score`` : (profil, notation, repere) → texte, octets, ou None s'il est déjà affiché
    ("profil", "tableau"): "tableau:profil",
    ("profil", "json"): "json:profil",
    ("profil", "csv"): "csv:profil",
    # comparaison de ``compare`` : (comparaison, chemins) → texte
    ("comparaison", "texte"): "texte:comparaison",
    ("comparaison", "json"): "json:comparaison",
    # évolution de ``evolution`` : (evolution, chemins) → texte
    ("evolution", "texte"): "texte:evolution",
    ("evolution", "json"): "json:evolution",
    # une version du référentiel (``referentiel VERSION``) : (referentiel) → texte, ou None s'il est déjà affiché
    ("referentiel", "tableau"): "tableau:referentiel",
    ("referentiel", "markdown"): "markdown:referentiel",
    # la liste des versions (``referentiel``) : (versions, recente) → texte
    ("versions", "tableau"): "texte:versions",
    ("versions", "markdown"): "markdown:versions",
    # classeur à remplir de ``classeur`` (format choisi par l'extension de -o) : (classeur) → octets
    ("classeur", "ods"): "ods:classeur_ods",
    ("classeur", "xlsx"): "xlsx:classeur_xlsx",
}


def formats(document: str) -> tuple[str, ...]:
    """Les formats d'un document, dans l'ordre du registre (le premier est celui par défaut)."""
    return tuple(format_ for doc, format_ in ECRIVAINS if doc == document)


def ecrivain(document: str, format_: str) -> Callable:
    """L'écrivain d'un document dans un format (son module importé à ce moment seulement)."""
    import importlib

    module, _, fonction = ECRIVAINS[document, format_].partition(":")
    return getattr(importlib.import_module(f"diagnum.sorties.{module}"), fonction)
