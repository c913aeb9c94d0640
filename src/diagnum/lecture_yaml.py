"""Lecture prudente d'un texte YAML en un arbre de nœuds positionnés.

On ne construit pas d'objets Python avec le constructeur de ruamel.yaml : on
lit le flux d'événements de son analyseur et on bâtit soi-même un arbre dont
chaque nœud connaît sa position. Cela permet de refuser, avant toute
expansion, ce qu'un fichier de campagne n'a pas à contenir (ancres, alias,
étiquettes explicites, clés dupliquées, imbrication excessive) et de
transformer chaque problème en constat localisé plutôt qu'en exception.
"""

# Annotations évaluées (sans « from __future__ import annotations ») : typing.NamedTuple
# compilerait sinon chaque annotation écrite en texte, 1 ms de plus au démarrage.

import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterator
from typing import NamedTuple

from diagnum.affichage import abreger
from diagnum.campagne.diagnostics import DEBUT, Diagnostic, Position, erreur

TAILLE_MAX = 1024 * 1024
PROFONDEUR_MAX = 8
#: Une campagne complète compte quelques centaines de valeurs : au-delà, la lecture s'arrête
#: (60 000 clés coûteraient des secondes, surtout avec l'analyseur pur Python).
VALEURS_MAX = 5000

_TAG = "tag:yaml.org,2002:"
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class Scalaire(NamedTuple):
    """Une valeur simple : texte, nombre, booléen, date ou vide (None)."""

    valeur: object
    position: Position
    texte: str = ""
    #: Vrai si la valeur n'a pas pu être convertie (constat déjà émis à la lecture).
    illisible: bool = False
    #: Vrai si la valeur est écrite entre guillemets (pour conseiller de les retirer).
    entre_guillemets: bool = False


class Cle(NamedTuple):
    """Une clé de tableau associatif et sa position."""

    nom: str
    position: Position


class Tableau(NamedTuple):
    """Un tableau associatif : clés (texte) vers nœuds, dans l'ordre du fichier."""

    position: Position
    #: Rempli à la lecture : toujours passer un dictionnaire neuf.
    entrees: dict[str, tuple[Cle, "Noeud"]]

    def get(self, nom: str) -> "Noeud | None":
        entree = self.entrees.get(nom)
        return entree[1] if entree else None


class Liste(NamedTuple):
    """Une séquence de nœuds."""

    position: Position
    #: Rempli à la lecture : toujours passer une liste neuve.
    elements: list["Noeud"]


Noeud = Scalaire | Tableau | Liste


class ErreurLecture(Exception):
    """Le texte ne peut pas être lu : porte le constat qui le dit."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _position(mark: object) -> Position:
    ligne = getattr(mark, "line", 0)
    colonne = getattr(mark, "column", 0)
    return Position(int(ligne) + 1, int(colonne) + 1)


def decoder(contenu: bytes) -> str:
    """Décode un fichier UTF-8 (avec ou sans BOM), ou lève ``ErreurLecture``."""
    if len(contenu) > TAILLE_MAX:
        raise ErreurLecture(
            erreur(
                DEBUT,
                "fichier-trop-gros",
                f"le fichier dépasse {TAILLE_MAX} octets (1 Mio), la taille maximale d'un fichier de campagne",
            )
        )
    try:
        texte = contenu.decode("utf-8")
    except UnicodeDecodeError as exc:
        avant = contenu[: exc.start]
        ligne = avant.count(b"\n") + 1
        debut_ligne = avant.rfind(b"\n") + 1
        colonne = len(avant[debut_ligne:].decode("utf-8", errors="replace")) + 1
        raise ErreurLecture(
            erreur(
                Position(ligne, colonne),
                "encodage",
                f"octet 0x{contenu[exc.start]:02x} invalide : le fichier doit être enregistré en UTF-8"
                f"{_encodage_probable(contenu)}",
            )
        ) from None
    return texte.removeprefix("\ufeff")


def _encodage_probable(contenu: bytes) -> str:
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        return " (il est enregistré en UTF-16)"
    try:
        contenu.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return " (il semble enregistré en Windows-1252 ou Latin-1)"


def _tabulations(texte: str) -> list[Diagnostic]:
    constats = []
    for numero, ligne in enumerate(texte.split("\n"), start=1):
        retrait = len(ligne) - len(ligne.lstrip(" \t"))
        colonne = ligne.find("\t", 0, retrait)
        if colonne >= 0 and ligne.strip(" \t\r"):
            constats.append(
                erreur(
                    Position(numero, colonne + 1),
                    "tabulation",
                    "tabulation dans le retrait : remplacez-la par des espaces (YAML n'accepte que des espaces)",
                )
            )
    return constats


class _NombreMalEcrit(ValueError):
    """Un nombre écrit autrement qu'en chiffres décimaux (0x10, 0o17, 0b11, 5_98)."""


#: Un entier de plus de chiffres que cela est lu comme 10 ** CHIFFRES_MAX : plus grand que toute
#: borne du référentiel, sans jamais convertir un texte de milliers de chiffres (limite de Python).
CHIFFRES_MAX = 100


def _entier(texte: str) -> int:
    brut = texte.lstrip("+-")
    if "_" in texte or not (brut.isascii() and brut.isdigit()):
        raise _NombreMalEcrit(texte)
    signe = -1 if texte.startswith("-") else 1
    if len(brut.lstrip("0")) > CHIFFRES_MAX:
        return signe * 10**CHIFFRES_MAX
    return signe * int(brut, 10)


def _flottant(texte: str) -> float:
    if "_" in texte:
        raise _NombreMalEcrit(texte)
    brut = texte.lower()
    if brut in (".inf", "+.inf"):
        return math.inf
    if brut == "-.inf":
        return -math.inf
    if brut == ".nan":
        return math.nan
    return float(brut)


class _DateImpossible(ValueError):
    pass


def _horodatage(texte: str) -> dt.date | dt.datetime:
    if _DATE.match(texte):
        annee, mois, jour = (int(p) for p in texte.split("-"))
        try:
            return dt.date(annee, mois, jour)
        except ValueError:
            raise _DateImpossible(texte) from None
    normalise = texte.replace("t", "T").replace(" ", "T", 1).rstrip("Zz")
    try:
        return dt.datetime.fromisoformat(normalise)
    except ValueError:
        raise _DateImpossible(texte) from None


_CONVERSIONS = {
    _TAG + "null": lambda t: None,
    _TAG + "bool": lambda t: t.lower() == "true",
    _TAG + "int": _entier,
    _TAG + "float": _flottant,
    _TAG + "timestamp": _horodatage,
}


_CONVERSION_DE: dict[tuple[str, object], object] = {}
_INCONNUE = object()


class _Constructeur:
    """Bâtit l'arbre à partir des événements, en relevant les problèmes."""

    def __init__(self, resolveur: object) -> None:
        self.resolveur = resolveur
        self.constats: list[Diagnostic] = []
        from ruamel.yaml.nodes import ScalarNode

        self._scalar_node = ScalarNode

    def scalaire(self, evenement: object) -> Scalaire:
        position = _position(evenement.start_mark)
        texte = evenement.value
        cle = (texte, evenement.implicit)
        conversion = _CONVERSION_DE.get(cle, _INCONNUE)
        if conversion is _INCONNUE:
            # Le type d'un scalaire ne dépend que de son texte et de son style :
            # on ne demande qu'une fois au résolveur YAML 1.2 (il y a peu de textes distincts).
            etiquette = self.resolveur.resolve(self._scalar_node, texte, evenement.implicit)
            conversion = _CONVERSIONS.get(str(etiquette))
            if len(texte) <= 64 and len(_CONVERSION_DE) < 10_000:
                _CONVERSION_DE[cle] = conversion
        if conversion is None:
            return Scalaire(texte, position, texte, entre_guillemets=evenement.style in ('"', "'"))
        try:
            return Scalaire(conversion(texte), position, texte)
        except _DateImpossible:
            self.constats.append(
                erreur(
                    position,
                    "date-impossible",
                    f"date impossible : « {abreger(texte)} » n'existe pas dans le calendrier",
                )
            )
        except (ValueError, OverflowError):  # _NombreMalEcrit, ou tout autre nombre que Python ne lirait pas
            self.constats.append(
                erreur(
                    position,
                    "nombre-mal-ecrit",
                    f"« {abreger(texte)} » : écrivez le nombre en chiffres, sans préfixe ni « _ »",
                )
            )
        return Scalaire(texte, position, texte, illisible=True)

    def refuser_extras(self, evenement: object, implicite: bool) -> None:
        tag = getattr(evenement, "tag", None)
        if not getattr(evenement, "anchor", None) and (implicite or not tag):
            return  # le cas de presque tous les nœuds : rien à refuser
        position = _position(evenement.start_mark)
        if getattr(evenement, "anchor", None):
            self.constats.append(
                erreur(
                    position,
                    "ancre",
                    f"ancre « &{abreger(str(evenement.anchor))} » : les ancres et les alias ne sont "
                    "pas acceptés dans un fichier de campagne",
                )
            )
        if tag and not implicite:
            ecrite = "!!" + str(tag)[len(_TAG) :] if str(tag).startswith(_TAG) else str(tag)
            self.constats.append(
                erreur(
                    position,
                    "etiquette",
                    f"étiquette explicite « {abreger(ecrite)} » : elle n'est pas acceptée dans un fichier de campagne",
                )
            )


def analyseur() -> str:
    """L'analyseur YAML employé : ``libyaml`` (C, par ruamel.yaml.clib) ou ``pur`` (Python).

    libyaml lit un fichier de campagne une vingtaine de fois plus vite que
    l'analyseur pur Python de ruamel.yaml, avec les mêmes événements et les
    mêmes positions ; l'analyseur pur sert là où ruamel.yaml.clib manque
    (autre implémentation de Python) ou si ``DIAGNUM_ANALYSEUR=pur``.
    """
    global _ANALYSEUR
    if _ANALYSEUR is None:
        _ANALYSEUR = "pur"
        if os.environ.get("DIAGNUM_ANALYSEUR", "") != "pur":
            try:
                import _ruamel_yaml  # noqa: F401
            except ImportError:
                pass
            else:
                _ANALYSEUR = "libyaml"
    return _ANALYSEUR


_ANALYSEUR: str | None = None


# Caractères que libyaml ne traite pas comme l'analyseur pur : une tabulation
# comme séparateur (« a:<tab>1 », que le format refuse et que l'analyseur pur
# signale), et NEL, U+2028, U+2029, que libyaml (YAML 1.1) compte comme des fins
# de ligne, contrairement à l'analyseur pur et aux éditeurs. Un texte qui en
# contient est lu par l'analyseur pur : les positions restent celles de l'éditeur.
_POUR_ANALYSEUR_PUR = ("\t", "\x85", "\u2028", "\u2029")


def par_libyaml(texte: str) -> bool:
    """Vrai si ``texte`` est lu par libyaml plutôt que par l'analyseur pur."""
    return analyseur() == "libyaml" and not any(c in texte for c in _POUR_ANALYSEUR_PUR)


def evenements(texte: str) -> Iterator[object]:
    """Les événements de l'analyseur YAML (sans construction d'objets) pour ``texte``."""
    if par_libyaml(texte):
        from _ruamel_yaml import CParser

        parseur = CParser(io.StringIO(texte))
        try:
            while parseur.check_event():
                yield parseur.get_event()
        finally:
            parseur.dispose()
    else:
        from ruamel.yaml import YAML

        yield from YAML(typ="safe", pure=True).parse(io.StringIO(texte))


def lire_yaml(
    texte: str, profondeur_max: int = PROFONDEUR_MAX, valeurs_max: int = VALEURS_MAX
) -> tuple[Noeud | None, list[Diagnostic]]:
    """Lit un texte YAML d'un seul document.

    Renvoie la racine (``None`` si le texte ne peut être lu ou est vide) et
    les constats. Ne lève aucune exception sur un texte, quel qu'il soit.
    """
    constats = _tabulations(texte)
    if constats:
        return None, constats
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError
    from ruamel.yaml.resolver import VersionedResolver

    constructeur = _Constructeur(VersionedResolver(version=(1, 2)))
    pile: list[Tableau | Liste] = []
    cles_en_attente: list[Cle | None] = []
    racine: Noeud | None = None
    documents = 0
    valeurs = 0
    dernier: object = None  # le dernier événement lu, pour situer une erreur inattendue

    def placer(noeud: Noeud) -> bool:
        """Place un nœud dans son parent ; faux si c'est une clé lue."""
        nonlocal racine
        if not pile:
            racine = noeud
            return True
        parent = pile[-1]
        if isinstance(parent, Liste):
            parent.elements.append(noeud)
            return True
        cle = cles_en_attente[-1]
        if cle is None:
            if not isinstance(noeud, Scalaire) or isinstance(noeud.valeur, (Tableau, Liste)):
                constructeur.constats.append(
                    erreur(noeud.position, "cle-complexe", "une clé doit être un simple texte")
                )
                cles_en_attente[-1] = Cle("\0", noeud.position)
                return False
            nom = noeud.texte if isinstance(noeud.valeur, str) else str(noeud.texte)
            if noeud.valeur is None and noeud.texte == "":
                nom = ""
            cles_en_attente[-1] = Cle(nom, noeud.position)
            return False
        cles_en_attente[-1] = None
        if cle.nom in parent.entrees:
            premiere = parent.entrees[cle.nom][0].position
            constructeur.constats.append(
                erreur(
                    cle.position,
                    "cle-dupliquee",
                    f"clé « {abreger(cle.nom)} » en double (déjà présente ligne {premiere.ligne})",
                )
            )
        elif cle.nom != "\0":
            parent.entrees[cle.nom] = (cle, noeud)
        return True

    try:
        for evenement in evenements(texte):
            dernier = evenement
            if isinstance(evenement, ev.ScalarEvent):
                valeurs += 1
                if valeurs > valeurs_max:
                    constructeur.constats.append(
                        erreur(
                            _position(evenement.start_mark),
                            "trop-de-valeurs",
                            f"plus de {valeurs_max:,} clés et valeurs : un fichier de campagne en compte "
                            "quelques centaines ; la lecture s'arrête ici".replace(",", " "),
                        )
                    )
                    return None, constructeur.constats
                constructeur.refuser_extras(evenement, any(evenement.implicit))
                placer(constructeur.scalaire(evenement))
                continue
            derniere_position = _position(evenement.start_mark)
            if isinstance(evenement, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    constructeur.constats.append(
                        erreur(
                            derniere_position,
                            "documents-multiples",
                            "un fichier de campagne ne contient qu'un seul document YAML",
                        )
                    )
                    break
            elif isinstance(evenement, ev.AliasEvent):
                constructeur.constats.append(
                    erreur(
                        derniere_position,
                        "alias",
                        f"alias « *{abreger(str(evenement.anchor))} » : les ancres et les alias ne sont "
                        "pas acceptés dans un fichier de campagne",
                    )
                )
                placer(Scalaire(None, derniere_position, ""))
            elif isinstance(evenement, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                constructeur.refuser_extras(evenement, bool(evenement.implicit))
                if len(pile) >= profondeur_max:
                    constructeur.constats.append(
                        erreur(
                            derniere_position,
                            "imbrication",
                            f"imbrication trop profonde (plus de {profondeur_max} niveaux) pour ce format",
                        )
                    )
                    return None, constructeur.constats
                conteneur: Tableau | Liste
                if isinstance(evenement, ev.MappingStartEvent):
                    conteneur = Tableau(derniere_position, {})
                else:
                    conteneur = Liste(derniere_position, [])
                est_valeur = placer(conteneur)
                if not est_valeur:
                    # Une clé complexe : on lit son contenu sans le garder.
                    conteneur = Liste(derniere_position, [])
                pile.append(conteneur)
                cles_en_attente.append(None)
            elif isinstance(evenement, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                pile.pop()
                cles_en_attente.pop()
    except MarkedYAMLError as exc:
        derniere_position = _position(getattr(dernier, "start_mark", None)) if dernier is not None else DEBUT
        mark = exc.problem_mark or exc.context_mark
        probleme = (exc.problem or exc.context or "syntaxe invalide").strip()
        position = _position(mark) if mark else derniere_position
        apres_fin = isinstance(dernier, ev.DocumentEndEvent) and getattr(dernier, "explicit", False)
        if probleme.startswith("did not find expected <document start>") and apres_fin:
            # libyaml refuse ce que l'analyseur pur lit comme un second document.
            constructeur.constats.append(
                erreur(
                    position,
                    "documents-multiples",
                    "un fichier de campagne ne contient qu'un seul document YAML",
                )
            )
        elif "'\\t'" in probleme or "tab character" in probleme:
            constructeur.constats.append(
                erreur(position, "tabulation", "tabulation inattendue : YAML n'accepte que des espaces")
            )
        else:
            from diagnum.mise_en_page import expliquer

            # La faute de mise en page qui explique l'échec, là où elle est faite, sinon ce que dit l'analyseur.
            try:
                explication = expliquer(texte, position.ligne)
            except (ValueError, TypeError, IndexError, AttributeError, KeyError):  # pragma: no cover - garde-fou
                explication = None  # une relecture en défaut ne doit jamais cacher le message de l'analyseur
            caractere = _caractere_a(texte, mark)
            constructeur.constats.append(
                explication or erreur(position, "syntaxe", f"YAML illisible : {_traduire(probleme, caractere)}")
            )
        return None, constructeur.constats
    except ReaderError as exc:
        if par_libyaml(texte):  # libyaml compte la position en octets UTF-8
            avant = texte.encode("utf-8")[: max(exc.position, 0)].decode("utf-8", "ignore")
        else:
            avant = texte[: max(exc.position, 0)]
        position = Position(avant.count("\n") + 1, len(avant) - (avant.rfind("\n") + 1) + 1)
        constructeur.constats.append(
            erreur(
                position,
                "caractere-interdit",
                f"caractère de contrôle interdit (U+{exc.character:04X}) dans le fichier"
                if isinstance(exc.character, int)
                else f"caractère interdit ({exc.character!r}) dans le fichier",
            )
        )
        return None, constructeur.constats
    except (
        YAMLError,
        NotImplementedError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        AssertionError,
        RecursionError,
    ) as exc:
        # ruamel.yaml lève parfois autre chose qu'une YAMLError sur une simple
        # coquille : on en fait un constat situé au dernier élément lu.
        derniere_position = _position(getattr(dernier, "start_mark", None)) if dernier is not None else DEBUT
        constructeur.constats.append(
            erreur(
                derniere_position,
                "syntaxe",
                "YAML illisible près d'ici : construction que diagnum ne sait pas lire "
                f"({type(exc).__name__}) ; simplifiez cette partie du fichier",
            )
        )
        return None, constructeur.constats
    return racine, constructeur.constats


_TRADUCTIONS = {
    "mapping values are not allowed here": (
        "« : » inattendu à cet endroit (retrait incorrect, ou valeur contenant « : » à écrire entre guillemets)"
    ),
    "could not find expected ':'": "« : » attendu",
    "found unexpected end of stream": "fin de fichier inattendue (un guillemet ou un crochet n'est pas fermé ?)",
    "found undefined alias": "alias non défini",
    "found unexpected ':'": "« : » inattendu",
    "found unknown escape character": "séquence d'échappement inconnue",
    "expected ',' or ']', but got": "« , » ou « ] » attendu, trouvé",
    "expected ',' or '}', but got": "« , » ou « } » attendu, trouvé",
    "expected a comment or a line break, but found": "commentaire ou fin de ligne attendu, trouvé",
    "expected <block end>, but found '<block sequence start>'": (
        "retrait incohérent : un élément de liste « - » est mal aligné"
    ),
    "expected <block end>, but found '<block mapping start>'": "retrait incohérent : une clé est mal alignée",
    "expected <block end>, but found '?'": "retrait incohérent : une clé est mal alignée",
    "expected <block end>, but found '<scalar>'": (
        "texte inattendu : une valeur est mal alignée ou suit un guillemet fermant"
    ),
    "expected <block end>, but found": "retrait incohérent : fin de bloc attendue, trouvé",
    "expected the node content, but found": "valeur attendue, trouvé",
    "while scanning a quoted scalar": "guillemet fermant introuvable",
    "while scanning a simple key": "clé incomplète",
    "while scanning a block scalar": "bloc de texte « | » ou « > » mal formé",
    "while scanning an anchor": "ancre mal formée",
    "while scanning an alias": "alias mal formé",
    "while scanning a directive": "directive « % » mal formée",
    "while scanning a tag": "étiquette « ! » mal formée",
    "while parsing a block mapping": "suite de clés « nom: valeur » mal formée",
    "while parsing a block collection": "liste mal formée",
    "while parsing a flow sequence": "liste entre crochets mal formée",
    "while parsing a flow mapping": "tableau entre accolades mal formé",
}
_APRES_LA_FIN = (
    "texte inattendu après la fin des données (retrait incohérent, ou ligne qui ne commence pas par une clé)"
)
_TRADUCTIONS |= {
    # Messages de libyaml (ruamel.yaml.clib), là où ils diffèrent de ceux de l'analyseur pur.
    "mapping values are not allowed in this context": _TRADUCTIONS["mapping values are not allowed here"],
    "did not find expected node content": "valeur attendue à cet endroit",
    "did not find expected key": "clé attendue : retrait incohérent, ou texte après une valeur",
    "did not find expected '-' indicator": "« - » attendu : un élément de liste ou une clé est mal aligné",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu",
    "did not find expected ',' or '}'": "« , » ou « } » attendu",
    "did not find expected comment or line break": "commentaire ou fin de ligne attendu après la valeur",
    "did not find expected whitespace or line break": "espace ou fin de ligne attendu",
    "did not find expected alphabetic or numeric character": "lettre ou chiffre attendu (ancre ou alias mal formé)",
    "did not find expected hexdecimal number": "chiffre hexadécimal attendu dans la séquence d'échappement",
    "did not find expected '!'": "étiquette « ! » mal formée",
    "did not find expected tag URI": "étiquette « ! » mal formée",
    "did not find URI escaped octet": "étiquette « ! » mal formée",
    "found invalid Unicode character escape code": "séquence d'échappement Unicode invalide",
    "found undefined tag handle": "étiquette « ! » inconnue",
    "block sequence entries are not allowed in this context": "élément de liste « - » interdit à cet endroit",
    "found unexpected document indicator": "« --- » ou « ... » inattendu dans un texte entre guillemets",
    "found incompatible YAML document": "version de YAML non prise en charge",
    "did not find expected <document start>": _APRES_LA_FIN,
    "expected '<document start>', but found": _APRES_LA_FIN,
    "found duplicate %YAML directive": "directive « %YAML » en double",
    "found duplicate %TAG directive": "directive « %TAG » en double",
    "found unknown directive name": "directive « % » inconnue",
    "while parsing a node": "valeur mal formée",
    "while parsing a tag": "étiquette « ! » mal formée",
    "while scanning a plain scalar": "valeur mal formée",
    "while scanning a %YAML directive": "directive « %YAML » mal formée",
    "while scanning a %TAG directive": "directive « %TAG » mal formée",
}
_GUILLEMETS = re.compile(r"'([^'\s]{1,3})'")
_CARACTERE = re.compile(r"^found character (.+?) that cannot start any token")
_JETONS = {
    "'<stream end>'": "la fin du fichier",
    "'<scalar>'": "une valeur",
    "'<block mapping start>'": "une clé",
    "'<block sequence start>'": "un élément de liste « - »",
    "'<block end>'": "la fin d'un bloc",
    "'<document start>'": "« --- »",
    "'<document end>'": "« ... »",
    "'<alias>'": "un alias",
    "'<anchor>'": "une ancre",
    "'<tag>'": "une étiquette",
    "'<flow sequence start>'": "« [ »",
    "'<flow sequence end>'": "« ] »",
    "'<flow mapping start>'": "« { »",
    "'<flow mapping end>'": "« } »",
    "'<block entry>'": "« - »",
    "'<flow entry>'": "« , »",
    "'<key>'": "une clé",
    "'<value>'": "« : »",
}


def _caractere_a(texte: str, mark: object) -> str:
    """Le caractère du texte à la position d'une marque de l'analyseur (vide si hors du texte)."""
    indice = getattr(mark, "index", -1)
    return texte[indice] if isinstance(indice, int) and 0 <= indice < len(texte) else ""


def _traduire(probleme: str, caractere: str = "") -> str:
    """Le problème signalé par l'analyseur (pur ou libyaml), en français."""
    m = _CARACTERE.match(probleme)
    if m or (probleme.startswith("found character that cannot start any token") and caractere.strip()):
        caractere = m.group(1).strip("'\"") if m else caractere
        return f"le caractère « {caractere} » ne peut pas commencer une valeur (écrivez-la entre guillemets)"
    debut, suite = "", probleme
    for anglais, francais in _TRADUCTIONS.items():
        if probleme.startswith(anglais):
            debut, suite = francais, probleme[len(anglais) :]
            if francais == _APRES_LA_FIN:
                suite = ""  # la traduction dit tout ; la suite n'est qu'un jeton entre parenthèses
            break
    else:
        return f"construction invalide à cet endroit (l'analyseur dit : « {probleme} »)"
    for jeton, francais in _JETONS.items():
        suite = suite.replace(jeton, francais)
    return debut + _GUILLEMETS.sub(r"« \1 »", suite)


def texte_de(noeud: Noeud | None) -> str:
    """Texte d'un nœud scalaire tel qu'écrit dans le fichier."""
    return noeud.texte if isinstance(noeud, Scalaire) else ""
