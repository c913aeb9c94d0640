"""Préparer l'écriture d'une estimation dans une campagne : une fonction pure.

Entrée : le contenu de la campagne et l'estimation tirée d'un export. Sortie : un ``Bilan`` qui dit ce qui
change (avant → après), ce qui bloque (nombre de référence absent ou trop petit, réponse déjà écrite sans
``--remplacer``) et le nouveau texte de la campagne : chaque réponse estimée suivie d'un commentaire qui nomme
le fichier, la période et la règle, et son entrée dans le bloc ``sources:`` que lit le rapport.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from diagnum.enquetes.edition import modifier_reponses, noeud_reponse, position_cle, reponse_vide
from diagnum.enquetes.lecture import Constat
from diagnum.referentiel import MODALITES
from diagnum.sources.estimation import Estimation

#: Le commentaire qui précède le bloc ``sources:`` quand l'import le crée.
ENTETE_SOURCES = (
    "# Réponses estimées par « diagnum sources importer » d'après les outils de l'établissement : "
    "fichier, période, règle."
)


class Changement(NamedTuple):
    item: str
    avant: object
    apres: object
    #: vrai si une autre réponse était déjà écrite (remplacée seulement avec --remplacer)
    conflit: bool


class Bilan(NamedTuple):
    estimation: Estimation
    #: item → (nombre de référence, effectif vu) pour chaque item estimé
    references: dict[str, tuple[int | None, int]]
    changements: list[Changement]
    erreurs: list[Constat]
    avertissements: list[str]
    #: le nouveau texte de la campagne, ou None s'il ne change pas (ou si une erreur l'empêche)
    texte: str | None

    @property
    def conflits(self) -> list[Changement]:
        return [c for c in self.changements if c.conflit]


def phrase_periode(estimation: Estimation) -> str:
    """« 2024-09-02 → 2025-06-27 », ou ce qui en tient lieu pour un emploi du temps sans dates."""
    debut, fin = estimation.periode
    if debut is None and fin is None:
        return "semaine type de l'emploi du temps"
    return f"{debut.isoformat() if debut else '…'} → {fin.isoformat() if fin else '…'}"


def commentaire(estimation: Estimation, fichier: str, regle: str) -> str:
    """Le commentaire écrit au bout de la ligne d'une réponse estimée."""
    return f"estimé d'après le {estimation.outil} ({fichier}), {phrase_periode(estimation)}, {regle}"


def preparer_estimation(
    contenu: bytes,
    chemin: str,
    estimation: Estimation,
    export: str,
    *,
    remplacer: bool = False,
    date: dt.date | None = None,
) -> Bilan:
    """Le bilan et le nouveau texte de la campagne (sans rien écrire)."""
    from diagnum.calculs.regles import condition_remplie
    from diagnum.enquetes.edition import campagne_a_modifier
    from diagnum.erreurs import ErreurProbleme

    resultat, texte, racine = campagne_a_modifier(contenu, chemin)
    referentiel = resultat.referentiel
    campagne = resultat.campagne
    erreurs = list(estimation.erreurs)
    avertissements = list(estimation.avertissements)
    fichier = Path(export).name
    references: dict[str, tuple[int | None, int]] = {}
    valeurs: dict[str, object] = {}
    commentaires: dict[str, str] = {}
    blocs: dict[str, dict[str, object]] = {}
    changements: list[Changement] = []
    for estime in estimation.items:
        item = referentiel.item(estime.item)
        reference = campagne.reference.get(item.total)
        references[item.id] = (reference, estime.vus)
        ligne_ref, colonne_ref = position_cle(racine, "reference", item.total)
        if reference is None:
            erreurs.append(
                Constat(
                    chemin,
                    ligne_ref,
                    colonne_ref,
                    "reference-vide",
                    f"le nombre de référence « {item.total} » est vide : écrivez-le d'abord dans « reference: » "
                    f"(il faut le connaître pour compter ceux qui n'ont jamais utilisé ; « {item.id} » en dépend)",
                )
            )
            continue
        if estime.vus > reference:
            erreurs.append(
                Constat(
                    chemin,
                    ligne_ref,
                    colonne_ref,
                    "reference-trop-petite",
                    f"l'export compte {estime.vus} {item.total} pour « {item.id} », plus que les {reference} de la "
                    f"campagne (reference: {item.total}) : vérifiez ce nombre, la période ou les ressources retenues",
                )
            )
            continue
        if condition_remplie(referentiel, campagne.reponses, item) is False:
            avertissements.append(
                f"« {item.id} » n'est pas reporté : la campagne écarte cette question (« Si oui » à « non », ou "
                "service non proposé)"
            )
            continue
        if item.nature == "repartition":
            apres: object = {
                MODALITES[0]: reference - estime.vus,
                MODALITES[1]: estime.occasionnellement,
                MODALITES[2]: estime.regulierement,
            }
        else:
            apres = estime.vus
        avant = campagne.reponse(item.domaine, item.id)
        conflit = avant != apres and not reponse_vide(noeud_reponse(racine, item.domaine, item.id))
        if avant != apres:
            changements.append(Changement(item.id, avant, apres, conflit))
        if conflit and not remplacer:
            ligne, colonne = position_cle(racine, "reponses", item.domaine, item.id)
            erreurs.append(
                Constat(
                    chemin,
                    ligne,
                    colonne,
                    "reponse-deja-ecrite",
                    f"« {item.id} » a déjà une réponse ({_valeur(avant)}) ; l'estimation donne {_valeur(apres)} : "
                    "elle ne la remplace qu'avec --remplacer",
                )
            )
            continue
        valeurs[item.id] = apres
        commentaires[item.id] = commentaire(estimation, fichier, estime.regle)
        blocs[item.id] = {
            "fichier": fichier,
            "outil": estimation.outil,
            **({"debut": estimation.periode.debut} if estimation.periode.debut else {}),
            **({"fin": estimation.periode.fin} if estimation.periode.fin else {}),
            "regle": estime.regle,
            "date": date or dt.date.today(),
        }
    nouveau = None
    if not erreurs and valeurs:
        from diagnum.enquetes.edition import CleIntrouvable

        try:
            nouveau = modifier_reponses(
                texte, racine, referentiel, valeurs, commentaires, "sources", blocs, ENTETE_SOURCES
            )
        except CleIntrouvable as exc:
            raise ErreurProbleme(f"{chemin}:{exc.message}") from None
        _verifier(nouveau, chemin, valeurs)
        if contenu.startswith(b"\xef\xbb\xbf"):
            nouveau = "\ufeff" + nouveau
        if nouveau.encode("utf-8") == contenu:
            nouveau = None
    return Bilan(estimation, references, changements, erreurs, avertissements, nouveau)


def _valeur(valeur: object) -> str:
    from diagnum.affichage import ABSENT, modalite

    if valeur is None:
        return ABSENT
    if isinstance(valeur, dict):
        return " / ".join(f"{modalite(m)} {valeur.get(m, ABSENT)}" for m in MODALITES)
    return str(valeur)


def _verifier(texte: str, chemin: str, valeurs: dict[str, object]) -> None:
    """Relit le texte produit : chaque valeur estimée et son entrée de ``sources:`` doivent s'y lire."""
    from diagnum.campagne.chargement import valider_texte
    from diagnum.erreurs import ErreurProbleme

    resultat = valider_texte(texte.encode("utf-8"), chemin)
    campagne, referentiel = resultat.campagne, resultat.referentiel
    relus = campagne is not None and all(
        campagne.reponse(referentiel.item(item).domaine, item) == valeur and item in campagne.sources
        for item, valeur in valeurs.items()
    )
    if not relus:
        raise ErreurProbleme(
            f"{chemin} : la forme inhabituelle de ce fichier empêche d'y écrire les estimations à coup sûr ; rien "
            "n'a été écrit (corrigez-le avec « diagnum valider », ou recopiez les effectifs affichés à la main)"
        )
