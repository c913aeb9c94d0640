"""Préparer l'import d'une enquête dans une campagne : une fonction pure.

Entrée : le contenu de la campagne, les feuilles lues, le public, les options.
Sortie : un ``Bilan`` qui dit ce qui change (avant → après), ce qui bloque
l'import et le nouveau texte de la campagne. La commande ``diagnum enquete
importer`` ne fait que lire les fichiers, afficher ce bilan et écrire le
texte (atomiquement) s'il n'y a rien de bloquant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from diagnum.echappement import echapper_terminal
from diagnum.enquetes.agregation import Depouillement, colonnes_non_reconnues, depouiller
from diagnum.enquetes.correspondance import reconnaitre_colonnes
from diagnum.enquetes.edition import Enquete, lire_enquete, modifier_campagne, position_cle, reponse_vide
from diagnum.enquetes.lecture import Constat, Feuille
from diagnum.enquetes.questionnaire import questions
from diagnum.referentiel import Referentiel

#: En dessous de ce nombre de répondants, les réponses permettraient de reconnaître qui les a données.
SEUIL_DEFAUT = 5


class Changement(NamedTuple):
    """Une réponse de la campagne que l'import modifie."""

    item: str
    libelle: str
    avant: object
    apres: object
    #: vrai si une réponse différente était déjà écrite (remplacée seulement avec --force)
    conflit: bool


class Bilan(NamedTuple):
    """Ce que l'import ferait, et pourquoi il ne se fait pas s'il y a des erreurs."""

    public: str
    depouillement: Depouillement
    reference: int | None
    changements: list[Changement]
    #: ce qui empêche l'écriture (code 1)
    erreurs: list[Constat]
    avertissements: list[str]
    #: le nouveau texte de la campagne, ou None s'il ne change pas
    texte: str | None

    @property
    def conflits(self) -> list[Changement]:
        return [c for c in self.changements if c.conflit]


def _public_probable(referentiel: Referentiel, feuille: Feuille, public: str) -> str | None:
    for autre in referentiel.publics:
        if autre.id != public and reconnaitre_colonnes(feuille.entetes, questions(referentiel, autre.id)).questions:
            return autre.id
    return None


def preparer_import(
    contenu: bytes,
    chemin: str,
    feuilles: list[Feuille],
    public: str,
    *,
    force: bool = False,
    seuil: int = SEUIL_DEFAUT,
    date: dt.date | None = None,
) -> Bilan:
    """Dépouille les feuilles et prépare le nouveau texte de la campagne (sans rien écrire)."""
    from diagnum.calculs.regles import condition_remplie
    from diagnum.campagne.validation import enumerer
    from diagnum.enquetes.edition import campagne_a_modifier
    from diagnum.erreurs import ErreurDiagnum, ErreurProbleme
    from diagnum.lecture_yaml import Tableau

    resultat, texte, racine = campagne_a_modifier(contenu, chemin)
    referentiel = resultat.referentiel
    campagne = resultat.campagne
    if referentiel.public(public) is None:
        publics = enumerer([p.id for p in referentiel.publics], "ou")
        raise ErreurDiagnum(f"public « {public} » inconnu : {publics}")
    liste = questions(referentiel, public)
    avertissements: list[str] = []
    feuilles = _sans_copies(feuilles, avertissements)
    depouillement = depouiller(feuilles, liste)
    erreurs = list(depouillement.erreurs)
    for fichier in depouillement.sans_question:
        feuille = next(f for f in feuilles if f.chemin == fichier)
        autre = _public_probable(referentiel, feuille, public)
        if autre is None:
            # Aucune colonne reconnue, mais certaines sont peut-être nos questions reformulées.
            reformulees = colonnes_non_reconnues(feuille, liste, reconnaitre_colonnes(feuille.entetes, liste))
            if reformulees:
                erreurs += reformulees
                continue
        conseil = f" ; ce fichier semble être celui des {autre} (--public {autre})" if autre else ""
        erreurs.append(
            Constat(
                fichier,
                1,
                1,
                "mauvais-public",
                f"aucune colonne n'est une question du questionnaire des {public}{conseil}",
            )
        )
    reference = campagne.reference.get(public)
    ligne_ref, colonne_ref = position_cle(racine, "reference", public)
    n = depouillement.repondants
    if reference is None:
        erreurs.append(
            Constat(
                chemin,
                ligne_ref,
                colonne_ref,
                "reference-vide",
                f"le nombre de référence « {public} » est vide ou invalide ; écrivez-le d'abord dans « reference: »",
            )
        )
    elif n > reference:
        erreurs.append(
            Constat(
                chemin,
                ligne_ref,
                colonne_ref,
                "trop-de-repondants",
                f"{n} {public} ont répondu, plus que les {reference} de la campagne (reference: {public}) ; "
                "vérifiez ce nombre, ou qu'un même export n'a pas été donné deux fois",
            )
        )
    if not depouillement.sans_question and n < seuil:
        erreurs.append(
            Constat(
                feuilles[0].chemin if feuilles else chemin,
                1,
                1,
                "trop-peu-de-repondants",
                f"{n} répondant{'s' if n > 1 else ''} seulement : il en faut au moins {seuil}, sinon on pourrait "
                "reconnaître qui a répondu quoi ; rien n'est importé (--seuil pour changer ce minimum)",
            )
        )
    if depouillement.doublons:
        avertissements.append(
            f"{depouillement.doublons} réponse{'s' if depouillement.doublons > 1 else ''} en double (même identifiant "
            f"de réponse) comptée{'s' if depouillement.doublons > 1 else ''} une seule fois"
        )
    for fichier, entete in depouillement.doubles:
        avertissements.append(
            f"{fichier} : la colonne « {entete} » répète une question déjà lue dans ce fichier ; elle est ignorée"
        )
    for fichier, entete in depouillement.personnelles:
        avertissements.append(
            f"{fichier} : la colonne « {entete} » ressemble à une donnée personnelle ; elle n'est pas lue ni "
            "gardée, mais une enquête anonyme ne devrait pas la demander"
        )
    changements: list[Changement] = []
    for question in liste:
        item = question.item
        if item.id not in depouillement.valeurs:
            continue
        if depouillement.reponses_par_item.get(item.id, 0) < seuil:
            # Le seuil vaut pour chaque question : 5 répondants dont 1 seul a répondu à une question
            # livreraient la réponse de cette personne.
            avertissements.append(
                f"« {item.id} » n'est pas reporté : moins de {seuil} réponses à cette question (« {question.code} »), "
                "on pourrait reconnaître qui a répondu quoi"
            )
            continue
        if condition_remplie(referentiel, campagne.reponses, item) is False:
            avertissements.append(
                f"« {item.id} » n'est pas reporté : la campagne écarte cette question (« Si oui » à « non », ou "
                "service non proposé)"
            )
            continue
        apres = depouillement.valeurs[item.id]
        avant = campagne.reponse(item.domaine, item.id)
        noeud_reponses = racine.get("reponses")
        noeud_domaine = noeud_reponses.get(item.domaine) if isinstance(noeud_reponses, Tableau) else None
        noeud = noeud_domaine.get(item.id) if isinstance(noeud_domaine, Tableau) else None
        if avant == apres:
            continue
        conflit = not reponse_vide(noeud)
        changements.append(Changement(item.id, item.question, avant, apres, conflit))
        if conflit and not force:
            ligne, colonne = position_cle(racine, "reponses", item.domaine, item.id)
            erreurs.append(
                Constat(
                    chemin,
                    ligne,
                    colonne,
                    "reponse-deja-ecrite",
                    f"« {item.id} » a déjà une autre réponse : elle n'est pas remplacée sans --force",
                )
            )
    sources = _sources(feuilles)
    enquete = Enquete(n, date or dt.date.today(), sources)
    deja = lire_enquete(racine, public)
    if deja is not None and (deja.repondants, deja.sources) != (n, sources):
        precedente = (
            f"l'enquête des {public} déjà importée ({deja.repondants} répondants, le {deja.date:%d/%m/%Y}, "
            f"{', '.join(deja.sources) or 'sans source'})"
        )
        if force:
            avertissements.append(
                f"--force : les totaux de {precedente} sont remplacés par ceux-ci, pas additionnés ; pour ajouter un "
                "second lot de réponses, donnez tous les exports, anciens et nouveaux, en une seule exécution"
            )
        else:
            ligne, colonne = position_cle(racine, "enquetes", public)
            erreurs.append(
                Constat(
                    chemin,
                    ligne,
                    colonne,
                    "enquete-deja-importee",
                    f"{precedente} serait remplacée, pas complétée : pour ajouter un second lot, donnez tous les "
                    "exports, anciens et nouveaux, en une seule exécution ; --force remplace ses totaux",
                )
            )
    nouveau: str | None = None
    if not erreurs and (changements or deja is None or (deja.repondants, deja.sources) != (n, sources)):
        from diagnum.enquetes.edition import CleIntrouvable

        try:
            nouveau = modifier_campagne(
                texte, racine, referentiel, {c.item: c.apres for c in changements}, public, enquete
            )
        except CleIntrouvable as exc:
            raise ErreurProbleme(f"{chemin}:{exc.message}") from None
        _verifier(nouveau, chemin, referentiel, {c.item: c.apres for c in changements}, public, n)
        if contenu.startswith(b"\xef\xbb\xbf"):
            nouveau = "\ufeff" + nouveau  # le BOM qu'un éditeur (Bloc-notes) a mis en tête reste en tête
    return Bilan(public, depouillement, reference, changements, erreurs, avertissements, nouveau)


def nom_de_source(chemin: str) -> str:
    """Le nom d'un export tel qu'il s'écrit dans ``sources:`` : son nom de fichier, un octet qui n'est pas de
    l'UTF-8 écrit ``\\xff``, un caractère de contrôle échappé (jamais une erreur d'encodage)."""
    return echapper_terminal(Path(chemin).name)


def _sources(feuilles: list[Feuille]) -> tuple[str, ...]:
    """Les fichiers comptés, par leur nom ; deux fichiers de même nom (dans deux dossiers) par leur chemin."""
    from collections import Counter

    noms = Counter(nom_de_source(f.chemin) for f in feuilles)
    return tuple(
        sorted(
            {
                nom_de_source(f.chemin) if noms[nom_de_source(f.chemin)] == 1 else echapper_terminal(f.chemin)
                for f in feuilles
            }
        )
    )


def _sans_copies(feuilles: list[Feuille], avertissements: list[str]) -> list[Feuille]:
    """Un même export (même contenu, quel que soit son nom) n'est compté qu'une fois : la première fois."""
    vues: dict[str, Feuille] = {}
    gardees = []
    for feuille in feuilles:
        premiere = vues.get(feuille.empreinte) if feuille.empreinte else None
        if premiere is None:
            vues[feuille.empreinte] = feuille
            gardees.append(feuille)
        elif premiere.chemin == feuille.chemin:
            avertissements.append(f"{feuille.chemin} est donné deux fois : compté une seule fois")
        else:
            avertissements.append(
                f"{feuille.chemin} a exactement le même contenu que {premiere.chemin} : c'est le même export, "
                "compté une seule fois"
            )
    return gardees


def _verifier(
    texte: str, chemin: str, referentiel: Referentiel, valeurs: dict[str, object], public: str, n: int
) -> None:
    """Relit le texte produit : chaque valeur importée doit s'y lire telle quelle (sinon rien n'est écrit)."""
    from diagnum.campagne.chargement import valider_texte
    from diagnum.erreurs import ErreurProbleme

    resultat = valider_texte(texte.encode("utf-8"), chemin)
    campagne = resultat.campagne
    relus = campagne is not None and all(
        campagne.reponse(referentiel.item(item).domaine, item) == valeur for item, valeur in valeurs.items()
    )
    enquete = campagne.enquetes.get(public) if campagne is not None else None
    if not relus or enquete is None or enquete.repondants != n:
        raise ErreurProbleme(
            f"{chemin} : la forme inhabituelle de ce fichier empêche d'y écrire les totaux à coup sûr ; rien n'a "
            "été écrit (corrigez-le avec « diagnum valider », ou recopiez les totaux affichés ci-dessus à la main)"
        )
