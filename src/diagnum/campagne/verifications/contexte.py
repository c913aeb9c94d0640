"""Le contexte d'une vérification : l'arbre, le référentiel, les constats, et la lecture des valeurs.

Chaque vérification (voir ``diagnum.campagne.verifications``) reçoit le même ``Contexte`` : elle y lit
l'arbre et les valeurs déjà lues, y ajoute ses constats (``err``, ``avert``) et ce qu'elle a lu
(``lu``, qui devient la ``Campagne``). Les lectures de valeurs (``texte``, ``date``, ``entier``,
``affirmation``, ``proportion``, ``tableau``, ``cles_inconnues``) disent les fautes de type et de
forme ; les bornes sont dans ``bornes``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Sequence

from diagnum.affichage import abreger
from diagnum.campagne.diagnostics import CONSTATS_MAX, DEBUT, Diagnostic, Position, avertissement, erreur
from diagnum.campagne.verifications import bornes
from diagnum.lecture_yaml import Liste, Noeud, Scalaire, Tableau
from diagnum.referentiel import Referentiel
from diagnum.vocabulaire import MODALITES, NON, OUI, SANS_OBJET

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
    "communication",
    "sources",
)
CLES_ENQUETE = ("repondants", "date", "sources")
#: Une estimation écrite par « diagnum sources importer » (bloc ``sources:``, par item).
CLES_SOURCE = ("fichier", "outil", "debut", "fin", "regle", "date")
CLES_ETABLISSEMENT = ("nom", "uai", "commune")
CLES_OBJECTIF = ("domaine", "cible", "echeance", "actions")
CLES_ACTION = ("libelle", "responsable", "echeance", "statut")


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


def affiche(noeud: Noeud | None) -> str:
    """Ce qui a été trouvé, pour un message : « texte » entre guillemets, ou la forme du bloc."""
    if isinstance(noeud, Scalaire):
        return f"« {abreger(noeud.texte)} »" if noeud.texte != "" else "une valeur vide"
    if isinstance(noeud, Tableau):
        return "des clés « nom: valeur » sur les lignes suivantes"
    return "une liste"


def vide(noeud: Noeud | None) -> bool:
    return noeud is None or (isinstance(noeud, Scalaire) and noeud.valeur is None)


def illisible(noeud: Noeud | None) -> bool:
    """Vrai pour une valeur que la lecture a déjà signalée (date impossible, nombre illisible)."""
    return isinstance(noeud, Scalaire) and noeud.illisible


def contient_illisible(noeud: Noeud | None) -> bool:
    """Vrai si la lecture a déjà signalé une valeur de ce nœud ou de ses enfants (nombre mal écrit…)."""
    if isinstance(noeud, Tableau):
        return any(contient_illisible(valeur) for _, valeur in noeud.entrees.values())
    if isinstance(noeud, Liste):
        return any(contient_illisible(element) for element in noeud.elements)
    return illisible(noeud)


def enumerer(mots: list[str] | tuple[str, ...], conjonction: str = "et") -> str:
    """« « a » », « « a » et « b » », « « a », « b » ou « c » » (avec ``conjonction="ou"``)."""
    entre = [f"« {m} »" for m in mots]
    return entre[0] if len(entre) == 1 else ", ".join(entre[:-1]) + f" {conjonction} " + entre[-1]


def conseil_nombre(noeud: Scalaire) -> str:
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
    return conseil_ecriture(noeud)


def conseil_ecriture(noeud: Noeud) -> str:
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


def date_ecrite(texte: str) -> dt.date | None:
    """La date d'un texte AAAA-MM-JJ (guillemets compris), ou ``None`` si elle n'existe pas."""
    annee, mois, jour = (int(p) for p in texte.split("-"))
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        return None


_DATE_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATE_FRANCAISE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def position_cle(tableau: Tableau | None, nom: str, defaut: Position) -> Position:
    """La position de la clé ``nom`` du tableau, sinon celle du tableau, sinon ``defaut``."""
    if tableau is not None and nom in tableau.entrees:
        return tableau.entrees[nom][0].position
    return tableau.position if tableau is not None else defaut


class Contexte:
    """Ce que partagent les vérifications d'un fichier : l'arbre, les constats, les valeurs lues."""

    def __init__(self, racine: Tableau, referentiel: Referentiel, complet: bool, verifications: Sequence) -> None:
        self.racine = racine
        self.referentiel = referentiel
        self.complet = complet
        self.verifications = verifications
        self.constats: list[Diagnostic] = []
        #: Les champs de la ``Campagne`` lus jusqu'ici (etablissement, reference, reponses…).
        self.lu: dict[str, object] = {}
        #: Position de chaque item des réponses (sa clé, sinon celle de son domaine), par domaine.
        self.positions: dict[str, dict[str, Position]] = {}
        self.sans_reponse: dict[str, list[tuple[str, Position]]] = {}
        # Position de chaque case de matrice (sa clé, sinon celle de sa ligne) pour situer une case vide.
        self.cellules: dict[tuple[str, str, str], Position] = {}
        # Réponses écrites mais refusées (déjà signalées) : elles ne sont pas comptées « sans réponse ».
        self.fautives: set[tuple[str, ...]] = set()
        # Modalités d'une répartition écrites au niveau du domaine (retrait) : déjà signalées.
        self.deplacees: set[str] = set()
        self._places: dict[str, tuple[str, int]] | None = None

    def annoncer(self, evenement: str, *arguments: object) -> None:
        """Appelle ``evenement(contexte, *arguments)`` de chaque vérification qui s'y intéresse
        (``reponse_lue`` après chaque réponse lue, ``repondants_lus`` après chaque nombre de répondants)."""
        for verification in self.verifications:
            crochet = getattr(verification, evenement, None)
            if crochet is not None:
                crochet(self, *arguments)

    def position(self, cle: str) -> Position:
        """La position d'une clé de premier niveau, ou le début du fichier si elle manque."""
        return self.racine.entrees[cle][0].position if cle in self.racine.entrees else DEBUT

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
        if vide(noeud):
            return None
        if not isinstance(noeud, Tableau):
            conseil = ""
            m = re.fullmatch(r"(\w+):(\S.*)", noeud.texte) if isinstance(noeud, Scalaire) else None
            if m:
                conseil = f" (ajoutez une espace après « : » : {m.group(1)}: {m.group(2)})"
            self.err(noeud.position, "type", f"{quoi} : {attendu}, trouvé {affiche(noeud)}{conseil}")
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
        if vide(noeud):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : un texte sur une ligne est attendu, trouvé {affiche(noeud)}")
            return None
        texte = noeud.valeur if isinstance(noeud.valeur, str) else noeud.texte
        constat = bornes.texte(noeud.position, texte, quoi, longueur_max or self.referentiel.bornes.texte)
        if constat is not None:
            self.constats.append(constat)
            return None
        return texte

    def date(self, noeud: Noeud | None, quoi: str) -> dt.date | None:
        if vide(noeud) or illisible(noeud):
            return None  # vide, ou déjà signalée par la lecture (date impossible)
        valeur = noeud.valeur if isinstance(noeud, Scalaire) else None
        if isinstance(valeur, dt.datetime):
            return valeur.date()
        if isinstance(valeur, dt.date):
            return valeur
        if isinstance(valeur, str) and _DATE_ISO.match(valeur.strip()):
            # Une date entre guillemets, ou à un seul chiffre (2024-5-3) : acceptée si elle existe.
            date = date_ecrite(valeur.strip())
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
            if date_ecrite(f"{annee}-{mois}-{jour}") is not None:
                conseil = f" (écrivez {annee:04d}-{mois:02d}-{jour:02d})"
        self.err(
            noeud.position,
            "type",
            f"{quoi} : une date AAAA-MM-JJ est attendue, trouvé {affiche(noeud)}{conseil}",
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
        if illisible(noeud) or self.mal_placee(noeud, quoi):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : un nombre entier est attendu, trouvé {affiche(noeud)}")
            return None
        valeur = noeud.valeur
        if isinstance(valeur, bool) or not isinstance(valeur, (int, float)):
            self.err(
                noeud.position,
                "type",
                f"{quoi} : un nombre entier est attendu, trouvé {affiche(noeud)}{conseil_nombre(noeud)}",
            )
            return None
        if isinstance(valeur, float):
            if not math.isfinite(valeur):
                self.err(noeud.position, "type", f"{quoi} : un nombre fini est attendu, trouvé {affiche(noeud)}")
            else:
                self.err(
                    noeud.position,
                    "type",
                    f"{quoi} : un nombre entier est attendu, trouvé {affiche(noeud)} (un effectif n'a pas de décimales)",
                )
            return None
        constat = bornes.effectif(noeud.position, valeur, noeud.texte, quoi, self.referentiel.bornes.effectifs[nature])
        if constat is not None:
            self.constats.append(constat)
            return None
        return valeur

    def affirmation(self, noeud: Noeud, quoi: str, sans_objet: bool) -> str | None:
        permis = (OUI, NON, SANS_OBJET) if sans_objet else (OUI, NON)
        liste = enumerer(permis, "ou")
        if illisible(noeud) or self.mal_placee(noeud, quoi):
            return None
        if not isinstance(noeud, Scalaire):
            self.err(noeud.position, "type", f"{quoi} : une réponse {liste} est attendue, trouvé {affiche(noeud)}")
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
            ecriture = conseil_ecriture(noeud)
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
        self.err(noeud.position, "affirmation", f"{quoi} : répondez {liste}, trouvé {affiche(noeud)}{conseil}")
        return None

    def proportion(self, noeud: Noeud, quoi: str, nature: str = "un pourcentage") -> float | None:
        """Un nombre de 0 à 100 : pourcentage d'un item, ou score visé par un objectif."""
        if illisible(noeud) or self.mal_placee(noeud, quoi):
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
                conseil = conseil_ecriture(noeud)
            self.err(
                noeud.position,
                "type",
                f"{quoi} : {nature} de 0 à 100 est attendu, trouvé {affiche(noeud)}{conseil}",
            )
            return None
        constat = bornes.proportion(noeud.position, valeur, affiche(noeud), quoi, nature)
        if constat is not None:
            self.constats.append(constat)
            return None
        return valeur
