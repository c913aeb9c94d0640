"""Quelles ressources comptent pour quels items : table de correspondance (YAML ou options), fonctions pures.

Le fichier de correspondance associe à chaque item des motifs de noms de ressources (salles, matériels) :

.. code-block:: yaml

    enseignants_activites_eleves: ["Salle info*", "Classe mobile*"]
    divisions_usage_en_classe: ["Salle info*", "Classe mobile*"]
    enseignants_diffusion_collective: [Vidéoprojecteur*, "Salle visio*"]

Un motif se lit comme un nom de fichier du shell (``*`` : n'importe quelle suite de caractères, ``?`` : un
caractère), sans tenir compte de la casse, des accents ni de la ponctuation ; un motif sans joker retient les
noms qui le contiennent (« salle info » retient « Salle informatique 2 »). Seuls les items que le référentiel
déclare estimables par cette sorte d'export (clé ``sources`` de ``referentiel/2011.yaml``) sont permis.
"""

from __future__ import annotations

import fnmatch
import re

from diagnum.enquetes.correspondance import normaliser
from diagnum.enquetes.lecture import Constat
from diagnum.referentiel import Referentiel


def motif_regex(motif: str) -> re.Pattern[str]:
    """Le motif (``Salle info*``) en expression régulière sur les noms normalisés."""
    simple = " ".join(m if m in ("*", "?") else normaliser(m) for m in re.split(r"([*?])", motif))
    simple = re.sub(r" *([*?]) *", r"\1", simple).strip()
    if "*" not in simple and "?" not in simple:
        simple = f"*{simple}*"
    return re.compile(fnmatch.translate(simple))


class Correspondance:
    """Item → motifs ; dit pour chaque nom de ressource les items qu'elle compte (mémorisé par nom)."""

    def __init__(self, motifs: dict[str, list[str]]) -> None:
        self.motifs = motifs
        self._regex = {item: [motif_regex(m) for m in liste] for item, liste in motifs.items()}
        self._memoire: dict[str, tuple[str, ...]] = {}

    def items_de(self, ressource: str) -> tuple[str, ...]:
        """Les items pour lesquels une ressource compte (dans l'ordre de la correspondance)."""
        items = self._memoire.get(ressource)
        if items is None:
            nom = normaliser(ressource)
            items = tuple(item for item, regex in self._regex.items() if any(r.match(nom) for r in regex))
            self._memoire[ressource] = items
        return items


def verifier_items(
    referentiel: Referentiel, motifs: dict[str, tuple[str, int, int, list[str]]], sorte: str
) -> list[Constat]:
    """Chaque item nommé existe et s'estime par cette sorte d'export ; ``motifs`` : item → (fichier, ligne,
    colonne, motifs)."""
    permis = [item.id for item in referentiel.items_sources(sorte)]
    erreurs = []
    for item, (fichier, ligne, colonne, liste) in motifs.items():
        if item not in permis:
            quoi = "n'est pas un item du référentiel" if referentiel.item(item) is None else "ne s'estime pas"
            erreurs.append(
                Constat(
                    fichier,
                    ligne,
                    colonne,
                    "item-non-estimable",
                    f"« {item} » {quoi} d'après cette sorte d'export ; items permis : {', '.join(permis)}",
                )
            )
        elif not liste or not all(m.strip() for m in liste):
            erreurs.append(Constat(fichier, ligne, colonne, "motif-vide", f"« {item} » : un motif vide"))
    return erreurs


def lire_correspondance(texte: str, fichier: str) -> tuple[dict[str, tuple[str, int, int, list[str]]], list[Constat]]:
    """Le fichier YAML de correspondance : item → liste de motifs (ou un seul motif)."""
    from diagnum.lecture_yaml import ErreurLecture, Liste, Scalaire, Tableau, lire_yaml

    try:
        racine, constats = lire_yaml(texte, profondeur_max=4, valeurs_max=5000)
    except ErreurLecture as exc:
        d = exc.diagnostic
        return {}, [Constat(fichier, d.ligne, d.colonne, "correspondance-illisible", d.message)]
    erreurs = [Constat(fichier, d.ligne, d.colonne, d.code, d.message) for d in constats if d.est_erreur]
    if erreurs:
        return {}, erreurs
    if not isinstance(racine, Tableau):
        return {}, [
            Constat(
                fichier,
                1,
                1,
                "correspondance-illisible",
                "la correspondance associe à chaque item ses motifs : « item: [motif, motif] »",
            )
        ]
    resultat: dict[str, tuple[str, int, int, list[str]]] = {}
    for nom, (cle, noeud) in racine.entrees.items():
        position = (cle.position.ligne, cle.position.colonne)
        if isinstance(noeud, Scalaire) and noeud.valeur is not None:
            liste = [str(noeud.valeur)]
        elif isinstance(noeud, Liste) and all(isinstance(e, Scalaire) and e.valeur is not None for e in noeud.elements):
            liste = [str(e.valeur) for e in noeud.elements]
        else:
            erreurs.append(Constat(fichier, *position, "motif-vide", f"« {nom} » : une liste de motifs est attendue"))
            continue
        resultat[nom] = (fichier, *position, liste)
    return resultat, erreurs


def lire_options(options: list[str]) -> tuple[dict[str, tuple[str, int, int, list[str]]], list[Constat]]:
    """Les options ``--ressources ITEM=MOTIF,MOTIF`` (répétables)."""
    resultat: dict[str, tuple[str, int, int, list[str]]] = {}
    erreurs = []
    for option in options:
        item, egal, motifs = option.partition("=")
        if not egal or not item.strip():
            erreurs.append(
                Constat("--ressources", 1, 1, "option-illisible", f"« {option} » : écrivez ITEM=MOTIF,MOTIF")
            )
            continue
        precedent = resultat.get(item.strip(), ("--ressources", 1, 1, []))[3]
        resultat[item.strip()] = ("--ressources", 1, 1, precedent + [m.strip() for m in motifs.split(",")])
    return resultat, erreurs


def assembler(
    referentiel: Referentiel, sorte: str, texte: str | None, fichier: str, options: list[str]
) -> tuple[Correspondance | None, list[Constat]]:
    """La correspondance d'un import : le fichier YAML (``texte``, ou None) et les options ``--ressources``
    réunis, chaque item vérifié ; une correspondance vide est une erreur (rien ne serait compté)."""
    motifs: dict[str, tuple[str, int, int, list[str]]] = {}
    erreurs: list[Constat] = []
    if texte is not None:
        motifs, erreurs = lire_correspondance(texte, fichier)
    en_options, erreurs_options = lire_options(options)
    erreurs += erreurs_options
    for item, (source, ligne, colonne, liste) in en_options.items():
        precedent = motifs.get(item, (source, ligne, colonne, []))[3]
        motifs[item] = (source, ligne, colonne, precedent + liste)
    erreurs += verifier_items(referentiel, motifs, sorte)
    if not motifs and not erreurs:
        permis = ", ".join(i.id for i in referentiel.items_sources(sorte))
        erreurs.append(
            Constat(
                "--correspondance",
                1,
                1,
                "correspondance-vide",
                "dites quelles ressources comptent pour quels items : --correspondance FICHIER.yaml ou "
                f"--ressources ITEM=MOTIF (items : {permis})",
            )
        )
    if erreurs:
        return None, erreurs
    return Correspondance({item: valeur[3] for item, valeur in motifs.items()}), []
