"""Validation d'une campagne contre son référentiel : une fonction pure.

Entrée : l'arbre positionné lu par ``lecture_yaml`` et une fonction qui
fournit un référentiel par version. Sortie : la liste des constats et la
campagne nettoyée (``Campagne``), que le calcul des scores consomme.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable
from typing import NamedTuple

from diagnum.affichage import abreger
from diagnum.calculs.regles import (
    CONDITION,
    PERSONNE,
    REFERENCE,
    SANS_OBJET_PARTIEL,
    etat_service,
    questions,
    reference_manquante,
)
from diagnum.campagne.diagnostics import CONSTATS_MAX, DEBUT, Diagnostic, Position, avertissement, erreur, trier
from diagnum.campagne.modele import (
    STATUTS_ACTION,
    Action,
    Campagne,
    Enquete,
    Estimation,
    Etablissement,
    Objectif,
)
from diagnum.erreurs import ErreurReferentiel
from diagnum.lecture_yaml import Liste, Noeud, Scalaire, Tableau
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Item, Referentiel

CLES_RACINE = (
    "referentiel",
    "etablissement",
    "campagne",
    "date",
    "reference",
    "obligations",
    "reponses",
    "commentaires",
    "objectifs",
    "enquetes",
    "sources",
)
CLES_SOURCE = ("fichier", "outil", "debut", "fin", "regle", "date")
CLES_ENQUETE = ("repondants", "date", "sources")
CLES_ETABLISSEMENT = ("nom", "uai", "commune")
CLES_OBJECTIF = ("domaine", "cible", "echeance", "actions")
CLES_ACTION = ("libelle", "responsable", "echeance", "statut")
ALPHABET_UAI = "ABCDEFGHJKLMNPRSTUVWXYZ"
# Chiffres et lettres ASCII seulement (« \d » accepterait les chiffres arabes ou pleine chasse), texte entier.
_UAI = re.compile(r"([0-9]{7})([A-Za-z])")


class Resultat(NamedTuple):
    """Ce que la validation d'un fichier produit."""

    diagnostics: list[Diagnostic]
    campagne: Campagne | None = None
    referentiel: Referentiel | None = None

    @property
    def a_des_erreurs(self) -> bool:
        return any(d.est_erreur for d in self.diagnostics)


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


def sans_accents(texte: str) -> str:
    """« régulièrement » → « regulierement »."""
    import unicodedata

    decompose = unicodedata.normalize("NFD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c))


def suggestion(nom: str, possibles: list[str] | tuple[str, ...]) -> str:
    """« (vouliez-vous dire « x » ?) », ou rien si aucune clé n'est proche.

    Les identifiants s'écrivent sans accent : « régulièrement » reçoit
    « (écrivez « regulierement », sans accent) ».
    """
    if len(nom) > LONGUEUR_SUGGESTION:
        return ""  # un texte très long ne ressemble à aucune clé (et difflib y passerait du temps)
    if nom != sans_accents(nom) and sans_accents(nom) in possibles:
        return f" (écrivez « {sans_accents(nom)} », sans accent)"
    proches = difflib.get_close_matches(nom, list(possibles), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""


#: Au-delà de cette longueur, un texte ne reçoit pas de suggestion « vouliez-vous dire ».
LONGUEUR_SUGGESTION = 100


def _affiche(noeud: Noeud | None) -> str:
    """Ce qui a été trouvé, pour un message : « texte » entre guillemets, ou la forme du bloc."""
    if isinstance(noeud, Scalaire):
        return f"« {abreger(noeud.texte)} »" if noeud.texte != "" else "une valeur vide"
    if isinstance(noeud, Tableau):
        return "des clés « nom: valeur » sur les lignes suivantes"
    return "une liste"


def _vide(noeud: Noeud | None) -> bool:
    return noeud is None or (isinstance(noeud, Scalaire) and noeud.valeur is None)


def _illisible(noeud: Noeud | None) -> bool:
    """Vrai pour une valeur que la lecture a déjà signalée (date impossible, nombre illisible)."""
    return isinstance(noeud, Scalaire) and noeud.illisible


def _contient_illisible(noeud: Noeud | None) -> bool:
    """Vrai si la lecture a déjà signalé une valeur de ce nœud ou de ses enfants (nombre mal écrit…)."""
    if isinstance(noeud, Tableau):
        return any(_contient_illisible(valeur) for _, valeur in noeud.entrees.values())
    if isinstance(noeud, Liste):
        return any(_contient_illisible(element) for element in noeud.elements)
    return _illisible(noeud)


def enumerer(mots: list[str] | tuple[str, ...], conjonction: str = "et") -> str:
    """« « a » », « « a » et « b » », « « a », « b » ou « c » » (avec ``conjonction="ou"``)."""
    entre = [f"« {m} »" for m in mots]
    return entre[0] if len(entre) == 1 else ", ".join(entre[:-1]) + f" {conjonction} " + entre[-1]


def _milliers(nombre: int) -> str:
    """``100000`` → ``100 000``."""
    return f"{nombre:,}".replace(",", " ")


def _conseil_nombre(noeud: Scalaire) -> str:
    """Ce qu'il faut écrire pour un nombre écrit comme du texte : « 1 000 », « "1200" », « 18 enseignants »."""
    valeur = noeud.valeur
    if not isinstance(valeur, str):
        return ""
    chiffres = re.sub(r"[\s\u00a0\u202f]", "", valeur)
    if re.fullmatch(r"\d+", chiffres):
        retirer = [
            *(["les guillemets"] if noeud.entre_guillemets else []),
            *(["les espaces"] if chiffres != valeur else []),
        ]
        return f" (retirez {' et '.join(retirer)} : {abreger(chiffres)})" if retirer else ""
    m = re.fullmatch(r"\s*(\d+)\s+[^\d\s].*", valeur)
    if m and not noeud.entre_guillemets:
        return f" (écrivez seulement le nombre : {abreger(m.group(1))})"
    return _conseil_ecriture(noeud)


def _conseil_ecriture(noeud: Noeud) -> str:
    """Un commentaire collé à la valeur, un guillemet égaré : ce qu'il faut écrire."""
    if not isinstance(noeud, Scalaire) or not isinstance(noeud.valeur, str):
        return ""
    texte = noeud.texte
    diese = texte.find("#")
    if diese > 0 and not texte[diese - 1].isspace():
        return f" (pour ajouter un commentaire, laissez une espace avant « # » : {texte[:diese]} {texte[diese:]})"
    if not noeud.entre_guillemets and texte.strip("\"'") != texte and texte.strip("\"'"):
        return f" (retirez le guillemet : {texte.strip(chr(34) + chr(39))})"
    return ""


def _date_ecrite(texte: str) -> dt.date | None:
    """La date d'un texte AAAA-MM-JJ (guillemets compris), ou ``None`` si elle n'existe pas."""
    annee, mois, jour = (int(p) for p in texte.split("-"))
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        return None


_DATE_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATE_FRANCAISE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class _Validateur:
    """Parcourt l'arbre d'un fichier et relève les constats (un par fichier validé)."""

    def __init__(self, referentiel: Referentiel, complet: bool) -> None:
        self.referentiel = referentiel
        self.complet = complet
        self.constats: list[Diagnostic] = []
        self.sans_reponse: dict[str, list[tuple[str, Position]]] = {}
        # Position de chaque case de matrice (sa clé, sinon celle de sa ligne) pour situer une case vide.
        self.cellules: dict[tuple[str, str, str], Position] = {}
        # Réponses écrites mais refusées (déjà signalées) : elles ne sont pas comptées « sans réponse ».
        self.fautives: set[tuple[str, ...]] = set()
        # Modalités d'une répartition écrites au niveau du domaine (retrait) : déjà signalées.
        self.deplacees: set[str] = set()
        self._places: dict[str, tuple[str, int]] | None = None

    # -- utilitaires ------------------------------------------------------
    def err(self, position: Position, code: str, message: str) -> None:
        self.constats.append(erreur(position, code, message))

    def avert(self, position: Position, code: str, message: str) -> None:
        self.constats.append(avertissement(position, code, message))

    def tableau(
        self,
        noeud: Noeud | None,
        quoi: str,
        attendu: str = "des clés « nom: valeur » sont attendues, en retrait sur les lignes suivantes",
    ) -> Tableau | None:
        if _vide(noeud):
            return None
        if not isinstance(noeud, Tableau):
            conseil = ""
            m = re.fullmatch(r"(\w+):(\S.*)", noeud.texte) if isinstance(noeud, Scalaire) else None
            if m:
                conseil = f" (ajoutez une espace après « : » : {m.group(1)}: {m.group(2)})"
            self.err(noeud.position, "type", f"{quoi} : {attendu}, trouvé {_affiche(noeud)}{conseil}")
            return None
        return noeud

    def cles_inconnues(self, tableau: Tableau, connues: list[str] | tuple[str, ...], ou: str) -> None:
        for nom, (cle, _) in tableau.entrees.items():
            if nom not in connues:
                # Au-delà de CONSTATS_MAX constats, ceux-ci ne seront que comptés : pas de conseil à chercher.
                conseil = (
                    (self.conseil_cle(nom, cle.position, connues) or suggestion(nom, connues))
                    if len(self.constats) < CONSTATS_MAX
                    else ""
                )
                self.err(
                    cle.position,
                    "cle-inconnue",
                    f"clé « {abreger(nom)} » inconnue {ou}{conseil}" if nom else f"clé vide {ou}",
                )

    def conseil_cle(self, nom: str, position: Position, connues: list[str] | tuple[str, ...]) -> str:
        """Une clé connue ailleurs (mal alignée), un « : » en trop, un tiret collé : ce qu'il faut écrire."""
        if nom.rstrip(":") in connues:
            return f" (retirez le « : » en trop : {nom.rstrip(':')}:)"
        if nom.startswith("-") and nom.lstrip("-") in connues:
            return f" (ajoutez une espace après « - » : - {nom.lstrip('-')}:)"
        place = self.places().get(nom)
        if place is not None and place[1] != position.colonne - 1:
            sous, retrait = place
            if sous.startswith("du domaine"):
                self.fautives.add((nom,))  # signalée ici : pas aussi « sans réponse »
            return (
                f" (retrait incorrect : « {nom} » est une clé {sous} ; écrivez-la à {retrait} espace"
                f"{'s' if retrait > 1 else ''} du bord, alignée sur ses voisines)"
            )
        return ""

    def places(self) -> dict[str, tuple[str, int]]:
        """Chaque clé du format : la partie où elle s'écrit et son retrait (le gabarit : 2 espaces par niveau)."""
        if self._places is None:
            r = self.referentiel
            places: dict[str, tuple[str, int]] = dict.fromkeys(CLES_RACINE, ("de premier niveau", 0))
            places |= dict.fromkeys(CLES_ETABLISSEMENT, ("de « etablissement »", 2))
            places |= {i.id: ("de « reference »", 2) for i in r.reference.items}
            places |= {i.id: ("de « obligations »", 2) for i in r.obligations.items}
            places |= dict.fromkeys(MODALITES, ("d'une répartition", 6))
            for domaine in r.domaines:
                places[domaine.id] = ("de « reponses »", 2)
                for item in domaine.items:
                    places[item.id] = (f"du domaine « {domaine.id} »", 4)
                    for ligne in item.lignes or ():
                        places[ligne.id] = (f"de « {item.id} »", 6)
            self._places = places
        return self._places

    def manque(self, domaine: str, item: str, position: Position) -> None:
        self.sans_reponse.setdefault(domaine, []).append((item, position))

    # -- valeurs ------------------------------------------------------------
    def texte(self, noeud: Noeud | None, quoi: str, longueur_max: int | None = None) -> str | None:
        if _vide(noeud):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : un texte sur une ligne est attendu, trouvé {_affiche(noeud)}")
            return None
        texte = noeud.valeur if isinstance(noeud.valeur, str) else noeud.texte
        longueur_max = longueur_max or self.referentiel.bornes.texte
        if len(texte) > longueur_max:
            self.err(
                noeud.position,
                "texte-trop-long",
                f"{quoi} : texte trop long ({_milliers(len(texte))} caractères, au plus "
                f"{_milliers(longueur_max)}) ; raccourcissez-le",
            )
            return None
        return texte

    def date(self, noeud: Noeud | None, quoi: str) -> dt.date | None:
        if _vide(noeud) or _illisible(noeud):
            return None  # vide, ou déjà signalée par la lecture (date impossible)
        valeur = noeud.valeur if isinstance(noeud, Scalaire) else None
        if isinstance(valeur, dt.datetime):
            return valeur.date()
        if isinstance(valeur, dt.date):
            return valeur
        if isinstance(valeur, str) and _DATE_ISO.match(valeur.strip()):
            # Une date entre guillemets, ou à un seul chiffre (2024-5-3) : acceptée si elle existe.
            date = _date_ecrite(valeur.strip())
            if date is None:
                self.err(
                    noeud.position,
                    "date-impossible",
                    f"{quoi} : date impossible : « {abreger(valeur)} » n'existe pas dans le calendrier",
                )
            return date
        conseil = ""
        m = _DATE_FRANCAISE.match(valeur.strip()) if isinstance(valeur, str) else None
        if m:
            jour, mois, annee = (int(p) for p in m.groups())
            if _date_ecrite(f"{annee}-{mois}-{jour}") is not None:
                conseil = f" (écrivez {annee:04d}-{mois:02d}-{jour:02d})"
        self.err(
            noeud.position,
            "type",
            f"{quoi} : une date AAAA-MM-JJ est attendue, trouvé {_affiche(noeud)}{conseil}",
        )
        return None

    def mal_placee(self, noeud: Noeud, quoi: str) -> bool:
        """Une réponse simple attendue, mais en dessous une clé connue, en retrait ou après un tiret : la question
        suivante a glissé sous celle-ci (laissée vide). Le dit à la clé qui a glissé ; vrai si c'est le cas."""
        element = noeud.elements[0] if isinstance(noeud, Liste) and noeud.elements else noeud
        if not isinstance(element, Tableau) or not element.entrees:
            return False
        nom, (cle, _) = next(iter(element.entrees.items()))
        place = self.places().get(nom)
        if place is None:
            return False
        sous, retrait = place
        if sous.startswith("du domaine"):
            self.fautives.add((nom,))  # signalée ici : pas aussi « sans réponse »
        if isinstance(noeud, Liste):
            self.err(
                noeud.position,
                "type",
                f"tiret « - » en trop devant « {nom} » : ce n'est pas un élément de liste ; retirez « - » et "
                f"l'espace qui le suit, « {nom} » alignée sur « {quoi} » ({retrait} espaces)",
            )
        else:
            self.err(
                cle.position,
                "type",
                f"retrait incorrect : « {nom} » est en retrait sous « {quoi} », qui reste ainsi sans réponse ; "
                f"alignez-la sur « {quoi} » : {retrait} espaces",
            )
        return True

    def entier(self, noeud: Noeud, quoi: str, nature: str = "nombre") -> int | None:
        if _illisible(noeud) or self.mal_placee(noeud, quoi):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : un nombre entier est attendu, trouvé {_affiche(noeud)}")
            return None
        valeur = noeud.valeur
        if isinstance(valeur, bool) or not isinstance(valeur, (int, float)):
            self.err(
                noeud.position,
                "type",
                f"{quoi} : un nombre entier est attendu, trouvé {_affiche(noeud)}{_conseil_nombre(noeud)}",
            )
            return None
        if isinstance(valeur, float):
            if not math.isfinite(valeur):
                self.err(noeud.position, "type", f"{quoi} : un nombre fini est attendu, trouvé {_affiche(noeud)}")
            else:
                self.err(
                    noeud.position,
                    "type",
                    f"{quoi} : un nombre entier est attendu, trouvé {_affiche(noeud)} (un effectif n'a pas de décimales)",
                )
            return None
        if valeur < 0:
            self.err(
                noeud.position, "negatif", f"{quoi} : un effectif ne peut pas être négatif ({abreger(noeud.texte)})"
            )
            return None
        borne = self.referentiel.bornes.effectifs[nature]
        if valeur > borne:
            self.err(
                noeud.position,
                "hors-bornes",
                f"{quoi} : « {abreger(noeud.texte)} » dépasse {_milliers(borne)}, le plus grand effectif accepté "
                "(vérifiez ce nombre)",
            )
            return None
        return valeur

    def affirmation(self, noeud: Noeud, quoi: str, sans_objet: bool) -> str | None:
        permis = (OUI, NON, SANS_OBJET) if sans_objet else (OUI, NON)
        liste = enumerer(permis, "ou")
        if _illisible(noeud) or self.mal_placee(noeud, quoi):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : une réponse {liste} est attendue, trouvé {_affiche(noeud)}")
            return None
        if isinstance(noeud, Scalaire) and isinstance(noeud.valeur, str):
            valeur = noeud.valeur
            if valeur in permis:
                return valeur
            if valeur == SANS_OBJET:
                self.err(
                    noeud.position,
                    "sans-objet-interdit",
                    f"{quoi} : « sans objet » n'est pas permis ici ; répondez {liste}",
                )
                return None
            ecriture = _conseil_ecriture(noeud)
            if ecriture:
                self.err(
                    noeud.position,
                    "affirmation",
                    f"{quoi} : réponse « {valeur} » non reconnue ; répondez {liste}{ecriture}",
                )
                return None
            proche = " ".join(valeur.lower().replace("_", " ").split())
            proche = {"yes": OUI, "y": OUI, "o": OUI, "no": NON, "n": NON, "sans-objet": SANS_OBJET}.get(proche, proche)
            if proche not in permis:
                proche = (
                    next(iter(difflib.get_close_matches(proche, permis, n=1, cutoff=0.75)), "")
                    if len(proche) <= LONGUEUR_SUGGESTION
                    else ""
                )
            conseil = f" (vouliez-vous dire « {proche} » ?)" if proche else ""
            self.err(
                noeud.position,
                "affirmation",
                f"{quoi} : réponse « {abreger(valeur)} » non reconnue ; répondez {liste}{conseil}",
            )
            return None
        conseil = ""
        if isinstance(noeud.valeur, bool):
            conseil = f" (vouliez-vous dire « {OUI if noeud.valeur else NON} » ?)"
        self.err(noeud.position, "affirmation", f"{quoi} : répondez {liste}, trouvé {_affiche(noeud)}{conseil}")
        return None

    def proportion(self, noeud: Noeud, quoi: str, nature: str = "un pourcentage") -> float | None:
        """Un nombre de 0 à 100 : pourcentage d'un item, ou score visé par un objectif."""
        if _illisible(noeud) or self.mal_placee(noeud, quoi):
            return None
        valeur = noeud.valeur if isinstance(noeud, Scalaire) else None
        if isinstance(valeur, bool) or not isinstance(valeur, (int, float)) or not math.isfinite(valeur):
            conseil = ""
            m = re.match(r"^\s*(\d+(?:[.,]\d+)?)\s*(%?)\s*$", valeur) if isinstance(valeur, str) else None
            if m:
                nombre = abreger(m.group(1).replace(",", "."))
                if m.group(2):
                    conseil = f" (écrivez {nombre}, sans « % »)"
                elif nombre != m.group(1):
                    conseil = f" (écrivez {nombre}, avec un point décimal)"
                elif noeud.entre_guillemets:
                    conseil = f" (écrivez {nombre} sans guillemets)"
            else:
                conseil = _conseil_ecriture(noeud)
            self.err(
                noeud.position,
                "type",
                f"{quoi} : {nature} de 0 à 100 est attendu, trouvé {_affiche(noeud)}{conseil}",
            )
            return None
        if not 0 <= valeur <= 100:
            self.err(
                noeud.position,
                "hors-bornes",
                f"{quoi} : {nature} est compris entre 0 et 100, trouvé {_affiche(noeud)}",
            )
            return None
        return valeur

    # -- parties --------------------------------------------------------------
    def etablissement(self, noeud: Noeud | None) -> Etablissement:
        tableau = self.tableau(noeud, "etablissement")
        if tableau is None:
            return Etablissement()
        self.cles_inconnues(tableau, CLES_ETABLISSEMENT, "dans « etablissement »")
        uai = self.texte(tableau.get("uai"), "etablissement.uai")
        probleme = probleme_uai(uai) if uai is not None else None
        if probleme is not None:
            self.err(tableau.get("uai").position, "uai-invalide", probleme)
            uai = None
        return Etablissement(
            nom=self.texte(tableau.get("nom"), "etablissement.nom"),
            uai=uai,
            commune=self.texte(tableau.get("commune"), "etablissement.commune"),
        )

    def reference(self, noeud: Noeud | None, position: Position) -> dict[str, int | None]:
        tableau = self.tableau(noeud, "reference")
        items = self.referentiel.reference.items
        valeurs: dict[str, int | None] = {}
        if tableau is not None:
            self.cles_inconnues(tableau, [i.id for i in items], "dans « reference »")
        for item in items:
            fils = tableau.get(item.id) if tableau else None
            if _vide(fils):
                valeurs[item.id] = None
                self.manque("reference", item.id, self._position_cle(tableau, item.id, position))
            else:
                valeurs[item.id] = self.entier(fils, item.libelle)
                if valeurs[item.id] is None:
                    self.fautives.add(("reference", item.id))  # déjà signalé : pas aussi « sans réponse » plus bas
        return valeurs

    def obligations(self, noeud: Noeud | None, position: Position) -> dict[str, str | None]:
        tableau = self.tableau(noeud, "obligations")
        items = self.referentiel.obligations.items
        valeurs: dict[str, str | None] = {}
        if tableau is not None:
            self.cles_inconnues(tableau, [i.id for i in items], "dans « obligations »")
        for item in items:
            fils = tableau.get(item.id) if tableau else None
            if _vide(fils):
                valeurs[item.id] = None
                self.manque("obligations", item.id, self._position_cle(tableau, item.id, position))
            else:
                valeurs[item.id] = self.affirmation(fils, item.id, item.sans_objet)
        return valeurs

    @staticmethod
    def _position_cle(tableau: Tableau | None, nom: str, defaut: Position) -> Position:
        if tableau is not None and nom in tableau.entrees:
            return tableau.entrees[nom][0].position
        return tableau.position if tableau is not None else defaut

    def reponses(
        self, noeud: Noeud | None, position: Position, reference: dict[str, int | None]
    ) -> dict[str, dict[str, object]]:
        tableau = self.tableau(noeud, "reponses")
        domaines = self.referentiel.domaines
        if tableau is not None:
            self.cles_inconnues(tableau, [d.id for d in domaines], "parmi les domaines de « reponses »")
        reponses: dict[str, dict[str, object]] = {}
        positions: dict[str, dict[str, Position]] = {}
        for domaine in domaines:
            fils = self.tableau(tableau.get(domaine.id) if tableau else None, f"reponses.{domaine.id}")
            pos_domaine = self._position_cle(tableau, domaine.id, position)
            if fils is not None:
                self.deplacees = {nom for nom in fils.entrees if nom in MODALITES}
                self.cles_inconnues(fils, [i.id for i in domaine.items], f"dans le domaine « {domaine.id} »")
            valeurs: dict[str, object] = {}
            positions[domaine.id] = {}
            for item in domaine.items:
                noeud_item = fils.get(item.id) if fils else None
                positions[domaine.id][item.id] = self._position_cle(fils, item.id, pos_domaine)
                if _vide(noeud_item):
                    valeurs[item.id] = None
                    continue
                avant = len(self.constats)
                valeurs[item.id] = self.valeur(item, noeud_item, reference)
                signalee = _contient_illisible(noeud_item) or any(d.est_erreur for d in self.constats[avant:])
                if valeurs[item.id] is None and signalee:
                    self.fautives.add((item.id,))
            reponses[domaine.id] = valeurs
        self.conditions(reponses, positions, reference)
        self.mesures(reponses, positions, reference)
        return reponses

    def valeur(self, item: Item, noeud: Noeud, reference: dict[str, int | None]) -> object:
        if item.nature == "affirmation":
            return self.affirmation(noeud, item.id, item.sans_objet)
        if item.nature == "proportion":
            return self.proportion(noeud, item.id)
        if item.nature == "nombre":
            valeur = self.entier(noeud, item.id)
            if valeur is not None and item.total:
                total = reference.get(item.total)
                if total is not None and valeur > total:
                    message = f"{item.id} : {valeur} dépasse le nombre de référence « {item.total} » ({total})"
                    if item.depassement == "erreur":
                        self.err(noeud.position, "depasse-total", message)
                    else:
                        self.avert(noeud.position, "depasse-total", message + " ; vérifiez ce nombre")
            return valeur
        if item.nature == "repartition":
            return self.repartition(item, noeud, reference)
        return self.matrice(item, noeud)

    def repartition(self, item: Item, noeud: Noeud, reference: dict[str, int | None]) -> dict[str, int] | None:
        modalites = ", ".join(f"{m}:" for m in MODALITES)
        attendu = f"une répartition est attendue, trois effectifs sur trois lignes ({modalites})"
        tableau = self.tableau(noeud, item.id, attendu)
        if tableau is None:
            return None
        self.cles_inconnues(tableau, MODALITES, f"dans la répartition « {item.id} »")
        valeurs: dict[str, int] = {}
        manquantes = []
        for modalite in MODALITES:
            fils = tableau.get(modalite)
            if _vide(fils):
                manquantes.append(modalite)
                continue
            valeur = self.entier(fils, f"{item.id}.{modalite}", item.nature)
            if valeur is None:
                return None
            valeurs[modalite] = valeur
        if len(manquantes) == len(MODALITES):
            return None
        if manquantes:
            if any(nom not in MODALITES for nom in tableau.entrees) or set(manquantes) <= self.deplacees:
                return None  # une clé mal écrite ou mal alignée, déjà signalée, explique le manque
            self.err(
                tableau.position,
                "repartition-incomplete",
                f"{item.id} : répartition incomplète, il manque {enumerer(manquantes)} (écrivez 0 s'il n'y en a pas)",
            )
            return None
        somme = sum(valeurs.values())
        total = reference.get(item.total or "")
        if total is not None:
            if somme > total:
                self.err(
                    tableau.position,
                    "repartition-excede",
                    f"{item.id} : la répartition compte {somme} {item.total}, plus que le nombre de référence ({total})",
                )
            elif somme < total:
                base = self.referentiel.item(item.total or "")
                unite = (base.unite if base is not None else None) or item.total
                accord = "comptées" if base is not None and base.feminin else "comptés"
                self.avert(
                    tableau.position,
                    "repartition-incomplete",
                    f"{item.id} : {total - somme} {unite} ne sont pas {accord} ({somme} sur {total})",
                )
        return valeurs

    def matrice(self, item: Item, noeud: Noeud) -> dict[str, dict[str, str | None]] | None:
        tableau = self.tableau(noeud, item.id, "une clé par service est attendue, en retrait sur les lignes suivantes")
        if tableau is None:
            return None
        ids_lignes = [ligne.id for ligne in item.lignes]
        ids_colonnes = [colonne.id for colonne in item.colonnes]
        self.cles_inconnues(tableau, ids_lignes, f"dans « {item.id} »")
        resultat: dict[str, dict[str, str | None]] = {}
        for ligne in item.lignes:
            fils = tableau.get(ligne.id)
            position_ligne = self._position_cle(tableau, ligne.id, tableau.position)
            for colonne in ids_colonnes:
                cle = fils.entrees.get(colonne) if isinstance(fils, Tableau) else None
                self.cellules[(item.id, ligne.id, colonne)] = cle[0].position if cle else position_ligne
            if _vide(fils):
                resultat[ligne.id] = {c: None for c in ids_colonnes}
                continue
            if isinstance(fils, Scalaire):
                # « oui » pour une ligne entière : les trois affirmations.
                valeur = self.affirmation(fils, f"{item.id}.{ligne.id}", sans_objet=True)
                if valeur is None:
                    self.fautives.update((item.id, ligne.id, c) for c in ids_colonnes)
                resultat[ligne.id] = {c: valeur for c in ids_colonnes}
                continue
            sous = self.tableau(fils, f"{item.id}.{ligne.id}")
            if sous is None:
                self.fautives.update((item.id, ligne.id, c) for c in ids_colonnes)
                resultat[ligne.id] = {c: None for c in ids_colonnes}
                continue
            self.cles_inconnues(sous, ids_colonnes, f"dans « {item.id}.{ligne.id} »")
            resultat[ligne.id] = {}
            for c in ids_colonnes:
                cellule = sous.get(c)
                valeur = None if _vide(cellule) else self.affirmation(cellule, f"{item.id}.{ligne.id}.{c}", True)
                if valeur is None and not _vide(cellule):
                    self.fautives.add((item.id, ligne.id, c))
                resultat[ligne.id][c] = valeur
        return resultat

    def conditions(
        self,
        reponses: dict[str, dict[str, object]],
        positions: dict[str, dict[str, Position]],
        reference: dict[str, int | None],
    ) -> None:
        """Les réponses manquantes et les réponses écartées du score, comptées
        par la règle commune à ``score`` (``calculs.regles.questions``)."""
        for question in questions(self.referentiel, reponses, reference):
            item = question.item
            position = positions[question.domaine][item.id]
            if question.colonne is not None:
                position = self.cellules.get((item.id, question.ligne, question.colonne), position)
            fautive = (item.id,) if question.colonne is None else (item.id, question.ligne, question.colonne)
            if question.attendue and not question.repondue and fautive not in self.fautives:
                self.manque(question.domaine, question.cle, position)
            if question.ecartee == CONDITION:
                cond = item.condition
                if cond.item:
                    raison = f"« {cond.item} » vaut « {reponses[question.domaine].get(cond.item)} »"
                else:
                    raison = f"le service « {cond.ligne[1]} » est « sans objet »"
                self.avert(
                    position,
                    "condition-non-remplie",
                    f"{item.id} : cette question ne se pose que sous condition, or {raison} ; la réponse n'est pas comptée",
                )
            elif question.ecartee == REFERENCE and ("reference", reference_manquante(item)) not in self.fautives:
                nom = reference_manquante(item)
                etat = "vaut 0" if reference.get(nom) == 0 else "est sans réponse"
                if item.nature == "repartition":
                    suite = "on ne sait pas quelle part elle couvre : elle ne compte pas dans la complétude"
                else:
                    suite = "ce nombre ne peut pas être calculé et n'est pas compté dans le score"
                message = f"{item.id} : le nombre de référence « {nom} » {etat} ; {suite}"
                if self.complet:
                    self.err(position, "reference-manquante", message)
                else:
                    self.avert(position, "reference-manquante", message)
            elif question.ecartee == PERSONNE:
                self.avert(
                    position,
                    "repartition-vide",
                    f"{item.id} : personne n'est compté (0 partout) ; la répartition n'entre pas dans le score",
                )
            elif question.ecartee == SANS_OBJET_PARTIEL:
                cellules = (reponses[question.domaine].get(item.id) or {}).get(question.ligne) or {}
                if etat_service(cellules, len(item.colonnes)):
                    etat = "le service est compté comme proposé et cette case n'entre pas dans le score"
                else:
                    etat = "on ne sait pas encore si le service est proposé (aucune case « oui » ou « non »)"
                self.avert(
                    position,
                    "sans-objet-partiel",
                    f"{question.cle} : « sans objet » sur une partie du service seulement ; {etat}. S'il n'est pas "
                    "proposé, écrivez « sans objet » pour toute la ligne",
                )

    def mesures(
        self,
        reponses: dict[str, dict[str, object]],
        positions: dict[str, dict[str, Position]],
        reference: dict[str, int | None],
    ) -> None:
        """Les nombres d'une même mesure (TNI et vidéoprojecteur fixe) équipent les mêmes salles : leur
        somme au-delà du total est un avertissement."""
        for domaine in self.referentiel.domaines:
            for mesure in domaine.mesures:
                valeurs = [(nom, reponses[domaine.id].get(nom)) for nom in mesure.items]
                ecrits = [(nom, v) for nom, v in valeurs if isinstance(v, int)]
                total_nom = self.referentiel.item(mesure.items[0]).total or ""
                total = reference.get(total_nom)
                somme = sum(v for _, v in ecrits)
                if total is None or len(ecrits) < 2 or somme <= total:
                    continue
                self.avert(
                    positions[domaine.id][ecrits[-1][0]],
                    "mesure-depasse-total",
                    f"{enumerer([nom for nom, _ in ecrits])} comptent ensemble {somme} {total_nom}, plus que le "
                    f"nombre de référence ({total}) : une salle équipée des deux ne se compte qu'une fois",
                )

    def rapporter_sans_reponse(self, racine_position: Position) -> None:
        titres = {d.id: d.axe for d in self.referentiel.domaines}
        titres["reference"] = self.referentiel.reference.titre
        titres["obligations"] = self.referentiel.obligations.titre
        for partie, manquants in self.sans_reponse.items():
            if partie == "date":
                ecrire = self.err if self.complet else self.avert
                ecrire(
                    manquants[0][1], "sans-reponse", "date du diagnostic sans réponse (écrivez-la ainsi : 2025-05-20)"
                )
                continue
            if self.complet:
                for ident, position in manquants:
                    self.err(position, "sans-reponse", f"{ident} : sans réponse")
            else:
                position = min(p for _, p in manquants)
                exemples = ", ".join(ident for ident, _ in manquants[:3])
                suite = ", …" if len(manquants) > 3 else ""
                nombre = f"{len(manquants)} item{'s' if len(manquants) > 1 else ''}"
                self.avert(
                    position,
                    "sans-reponse",
                    f"{nombre} sans réponse dans « {titres.get(partie, partie)} » ({exemples}{suite})",
                )

    def objectifs(self, noeud: Noeud | None) -> tuple[Objectif, ...]:
        if _vide(noeud):
            return ()
        if not isinstance(noeud, Liste):
            tiret = " (chaque objectif commence par « - » : - domaine: …)" if isinstance(noeud, Tableau) else ""
            self.err(noeud.position, "type", f"objectifs : une liste est attendue, trouvé {_affiche(noeud)}{tiret}")
            return ()
        ids_domaines = [d.id for d in self.referentiel.domaines]
        resultat = []
        vus: set[str | None] = set()
        for element in noeud.elements:
            tableau = self.tableau(element, "un objectif")
            if tableau is None:
                if _vide(element):
                    self.err(element.position, "type", "objectif vide")
                continue
            self.cles_inconnues(tableau, CLES_OBJECTIF, "dans un objectif")
            domaine = self.texte(tableau.get("domaine"), "objectif.domaine")
            if domaine is None:
                self.err(tableau.position, "objectif-incomplet", "objectif sans « domaine »")
            elif domaine not in ids_domaines:
                self.err(
                    tableau.get("domaine").position,
                    "domaine-inconnu",
                    f"domaine « {abreger(domaine)} » inconnu{suggestion(domaine, ids_domaines)}",
                )
                domaine = None
            cible = None
            noeud_cible = tableau.get("cible")
            if _vide(noeud_cible):
                self.err(
                    tableau.position, "objectif-incomplet", "objectif sans « cible » (score à atteindre, de 0 à 100)"
                )
            else:
                cible = self.proportion(noeud_cible, "objectif.cible", "un score")
            echeance = self.date(tableau.get("echeance"), "objectif.echeance")
            actions = self.actions(tableau.get("actions"))
            if domaine is not None and domaine in vus:
                # compare juge chaque objectif : deux cibles pour un domaine se contredisent.
                self.avert(
                    tableau.get("domaine").position,
                    "objectif-double",
                    f"deux objectifs portent sur le domaine « {domaine} » ; gardez-en un seul (une cible par domaine)",
                )
            vus.add(domaine)
            if domaine is not None and cible is not None:
                resultat.append(Objectif(domaine, float(cible), echeance, actions))
        return tuple(resultat)

    def actions(self, noeud: Noeud | None) -> tuple[Action, ...]:
        if _vide(noeud):
            return ()
        if not isinstance(noeud, Liste):
            tiret = " (chaque action commence par « - » : - libelle: …)" if isinstance(noeud, Tableau) else ""
            self.err(noeud.position, "type", f"actions : une liste est attendue, trouvé {_affiche(noeud)}{tiret}")
            return ()
        resultat = []
        for element in noeud.elements:
            tableau = self.tableau(element, "une action")
            if tableau is None:
                continue
            self.cles_inconnues(tableau, CLES_ACTION, "dans une action")
            libelle = self.texte(tableau.get("libelle"), "action.libelle")
            if not libelle:
                self.err(tableau.position, "action-incomplete", "action sans « libelle »")
                continue
            statut = self.texte(tableau.get("statut"), "action.statut")
            if statut is not None and statut not in STATUTS_ACTION:
                permis = ", ".join(f"« {s} »" for s in STATUTS_ACTION)
                self.err(
                    tableau.get("statut").position,
                    "statut-inconnu",
                    f"statut « {abreger(statut)} » inconnu (attendu : {permis}){suggestion(statut, STATUTS_ACTION)}",
                )
                statut = None
            resultat.append(
                Action(
                    libelle=libelle,
                    responsable=self.texte(tableau.get("responsable"), "action.responsable"),
                    echeance=self.date(tableau.get("echeance"), "action.echeance"),
                    statut=statut,
                )
            )
        return tuple(resultat)


def _enquetes(v: _Validateur, noeud: Noeud | None, reference: dict[str, int | None]) -> dict[str, Enquete]:
    """Le bloc ``enquetes:`` écrit par ``diagnum enquete importer`` : par public, répondants ≤ nombre de référence."""
    tableau = v.tableau(noeud, "enquetes")
    if tableau is None:
        return {}
    publics = [p.id for p in v.referentiel.publics]
    v.cles_inconnues(tableau, publics, "dans « enquetes » (public)")
    resultat: dict[str, Enquete] = {}
    for public in publics:
        bloc = v.tableau(tableau.get(public), f"enquetes.{public}")
        if bloc is None:
            continue
        v.cles_inconnues(bloc, CLES_ENQUETE, f"dans « enquetes.{public} »")
        quoi = f"enquetes.{public}.repondants"
        noeud_repondants = bloc.get("repondants")
        if _vide(noeud_repondants):
            v.err(tableau.entrees[public][0].position, "enquete-incomplete", f"{quoi} : le nombre de répondants manque")
            continue
        repondants = v.entier(noeud_repondants, quoi)
        if repondants is None:
            continue
        total = reference.get(public)
        if total is not None and repondants > total:
            v.err(
                noeud_repondants.position,
                "repondants-trop-nombreux",
                f"{quoi} : {repondants} répondants, plus que le nombre de référence « {public} » ({total})",
            )
        sources: list[str] = []
        noeud_sources = bloc.get("sources")
        if isinstance(noeud_sources, Liste):
            sources = [s for s in (v.texte(e, f"enquetes.{public}.sources") for e in noeud_sources.elements) if s]
        elif not _vide(noeud_sources):
            v.err(
                noeud_sources.position,
                "type",
                f"enquetes.{public}.sources : une liste de noms de fichiers est attendue",
            )
        resultat[public] = Enquete(repondants, v.date(bloc.get("date"), f"enquetes.{public}.date"), tuple(sources))
    return resultat


def _sources(v: _Validateur, noeud: Noeud | None) -> dict[str, Estimation]:
    """Le bloc ``sources:`` écrit par ``diagnum sources importer`` : par item estimé, fichier, outil, période,
    règle et date de l'import."""
    tableau = v.tableau(noeud, "sources")
    if tableau is None:
        return {}
    items = [item.id for item in v.referentiel.items_sources()]
    for nom, (cle, _) in tableau.entrees.items():
        if nom not in items:
            v.err(
                cle.position,
                "cle-inconnue",
                f"clé « {abreger(nom)} » inconnue dans « sources » : seuls y figurent les items qu'un export peut "
                f"estimer ({', '.join(items)})",
            )
    resultat: dict[str, Estimation] = {}
    for item in items:
        bloc = v.tableau(tableau.get(item), f"sources.{item}")
        if bloc is None:
            continue
        v.cles_inconnues(bloc, CLES_SOURCE, f"dans « sources.{item} »")
        textes = {cle: v.texte(bloc.get(cle), f"sources.{item}.{cle}") for cle in ("fichier", "outil", "regle")}
        dates = {cle: v.date(bloc.get(cle), f"sources.{item}.{cle}") for cle in ("debut", "fin", "date")}
        if dates["debut"] and dates["fin"] and dates["fin"] < dates["debut"]:
            v.err(
                bloc.get("fin").position,
                "periode-inversee",
                f"sources.{item}.fin : la fin de la période précède son début",
            )
        resultat[item] = Estimation(**textes, **dates)
    return resultat


def _date_campagne(v: _Validateur, racine: Tableau) -> dt.date | None:
    noeud = racine.get("date")
    if _vide(noeud):
        position = racine.entrees["date"][0].position if "date" in racine.entrees else racine.position
        v.manque("date", "date", position)
        return None
    return v.date(noeud, "date")


def valider_arbre(
    racine: Noeud | None,
    referentiels: Callable[[str], Referentiel],
    *,
    complet: bool = False,
    chemin: str = "",
) -> Resultat:
    """Valide l'arbre d'un fichier de campagne ; ne lève pas d'exception pour
    un contenu fautif (un référentiel introuvable devient un constat)."""
    if racine is None:
        return Resultat(
            [erreur(DEBUT, "vide", "le fichier est vide : lancez « diagnum init » pour créer une campagne")]
        )
    if not isinstance(racine, Tableau):
        return Resultat(
            [
                erreur(
                    racine.position,
                    "racine",
                    f"une campagne commence par des clés (referentiel:, etablissement:, …), trouvé {_affiche(racine)}",
                )
            ]
        )
    noeud_version = racine.get("referentiel")
    if _vide(noeud_version):
        present = "referentiel" in racine.entrees
        position = racine.entrees["referentiel"][0].position if present else DEBUT
        etat = "vide" if present else "manquante"
        return Resultat(
            [
                erreur(
                    position,
                    "referentiel-absent",
                    f'clé « referentiel » {etat} : indiquez la version du référentiel, par exemple referentiel: "2011"',
                )
            ]
        )
    if not isinstance(noeud_version, Scalaire):
        return Resultat(
            [
                erreur(
                    noeud_version.position,
                    "type",
                    f'referentiel : une version est attendue, par exemple "2011", trouvé {_affiche(noeud_version)}',
                )
            ]
        )
    version = noeud_version.texte
    try:
        referentiel = referentiels(version)
    except ErreurReferentiel as exc:
        return Resultat([erreur(noeud_version.position, "referentiel-inconnu", exc.message)])
    v = _Validateur(referentiel, complet)
    v.cles_inconnues(racine, CLES_RACINE, "à la racine")

    def position(cle: str) -> Position:
        return racine.entrees[cle][0].position if cle in racine.entrees else DEBUT

    etablissement = v.etablissement(racine.get("etablissement"))
    noeud_campagne = racine.get("campagne")
    reference = v.reference(racine.get("reference"), position("reference"))
    campagne = Campagne(
        referentiel=referentiel.version,
        chemin=chemin,
        etablissement=etablissement,
        campagne=v.texte(noeud_campagne, "campagne"),
        date=_date_campagne(v, racine),
        reference=reference,
        obligations=v.obligations(racine.get("obligations"), position("obligations")),
        reponses=v.reponses(racine.get("reponses"), position("reponses"), reference),
        commentaires=v.texte(racine.get("commentaires"), "commentaires", referentiel.bornes.commentaires),
        objectifs=v.objectifs(racine.get("objectifs")),
        enquetes=_enquetes(v, racine.get("enquetes"), reference),
        sources=_sources(v, racine.get("sources")),
    )
    v.rapporter_sans_reponse(racine.position)
    return Resultat(trier(v.constats), campagne, referentiel)
