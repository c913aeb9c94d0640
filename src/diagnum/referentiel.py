"""Le référentiel : modèle, chargement, vérification de cohérence et cache.

Le référentiel est une donnée (``referentiel/<version>.yaml``) : ce module ne
connaît aucun identifiant d'item. Il lit le fichier, vérifie qu'il est bien
formé (natures connues, identifiants uniques, renvois résolus) et en fait des
objets immuables. Le résultat est mis en cache, indexé par le contenu du
fichier, pour ne pas relire un gros YAML à chaque appel.
"""

# Annotations évaluées (sans « from __future__ import annotations ») : typing.NamedTuple
# compilerait sinon chaque annotation écrite en texte, 1 ms de plus au démarrage.

import marshal
import os
import re
import sys
import zlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from diagnum import __version__
from diagnum.erreurs import ErreurReferentiel

# Le vocabulaire des réponses vit dans son propre module (lu aussi par lecture_yaml et affichage) ;
# ses noms restent importables d'ici.
from diagnum.vocabulaire import MODALITES as MODALITES
from diagnum.vocabulaire import NON as NON
from diagnum.vocabulaire import OUI as OUI
from diagnum.vocabulaire import SANS_OBJET as SANS_OBJET

NATURES = ("affirmation", "nombre", "repartition", "proportion", "matrice")
ROLES = ("score", "usage", "moyens")
NATURES_DOMAINE = ("structurel", "usage")
#: Échelles de réponse d'une enquête, et agrégations permises pour chaque nature d'item.
ECHELLES = {"frequence": MODALITES, "oui_non": (OUI, NON)}
AGREGATIONS = {
    "repartition": ("repartition", "frequence"),
    "compte": ("nombre", "oui_non"),
    "proportion": ("proportion", "oui_non"),
}
#: Les sortes d'export que lit ``diagnum sources importer`` : chaque item dit lesquelles peuvent l'estimer.
MESURES_SOURCES = ("reservations", "emploi_du_temps", "ent")
_CODE_QUESTION = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Ligne(NamedTuple):
    """Une ligne ou une colonne de matrice (un service, une affirmation)."""

    id: str
    libelle: str


class Condition(NamedTuple):
    """Un item n'est posé que si une affirmation vaut ``valeur`` ou si une
    ligne de matrice est proposée (n'est pas « sans objet »)."""

    item: str | None = None
    valeur: str | None = None
    ligne: tuple[str, str] | None = None


class Cible(NamedTuple):
    """Cible de calcul d'un nombre sans total naturel : facteur × référence."""

    reference: str
    facteur: float


class Collecte(NamedTuple):
    """Comment un item se recueille auprès de chacun (``diagnum enquete``).

    ``question`` est la formulation de diagnum, pas celle du référentiel.
    """

    public: str
    code: str
    question: str
    echelle: str
    agregation: str


class SourceItem(NamedTuple):
    """Une sorte d'export qui peut estimer un item (``diagnum sources importer``) ; pour l'ENT, le service
    compté (« cahier de textes ») si l'item ne porte que sur lui."""

    mesure: str
    service: str | None = None


class Comptage(NamedTuple):
    """Ce que compte chaque colonne d'un export (section ``sources`` du référentiel) : la personne d'un planning
    ou d'un emploi du temps, sa classe, et pour l'ENT les profils (élément de référence → libellés)."""

    personne: str
    classe: str
    profils: dict[str, tuple[str, ...]]


class Public(NamedTuple):
    """Un public d'enquête : un élément de référence (son effectif) qui répond à un questionnaire."""

    id: str
    titre: str
    introduction: str = ""


class Item(NamedTuple):
    """Une question du référentiel."""

    id: str
    libelle: str
    nature: str
    section: str
    domaine: str
    role: str = "score"
    sans_objet: bool = False
    total: str | None = None
    depassement: str = "erreur"
    cible: Cible | None = None
    condition: Condition | None = None
    groupe: str | None = None
    contexte: str | None = None
    lignes: tuple[Ligne, ...] = ()
    colonnes: tuple[Ligne, ...] = ()
    #: Pour un élément de référence : ce qu'il dénombre (« enseignants »), et
    #: si ce mot est féminin (« 20 divisions comptées »).
    unite: str | None = None
    feminin: bool = False
    collecte: Collecte | None = None
    #: Les exports des outils de l'établissement qui peuvent estimer cet item.
    sources: tuple[SourceItem, ...] = ()

    @property
    def question(self) -> str:
        """Le libellé lisible hors de sa liste : « Services numériques accessibles aux familles : Actualité »."""
        return f"{self.groupe} {self.libelle}" if self.groupe else self.libelle


class Mesure(NamedTuple):
    """Plusieurs nombres qui équipent les mêmes salles de deux façons (TNI, ou
    vidéoprojecteur fixe « hors TNI ») : leur somme, rapportée à leur total
    commun, compte pour une seule valeur."""

    id: str
    libelle: str
    items: tuple[str, ...]


class Rubrique(NamedTuple):
    """Une sous-partie d'un domaine (3.3.1…, ou indicateurs / éléments d'analyse)."""

    titre: str
    role: str
    items: tuple[Item, ...]
    section: str | None = None


class Domaine(NamedTuple):
    """Une des sept parties du diagramme de synthèse."""

    id: str
    section: str
    titre: str
    axe: str
    nature: str
    rubriques: tuple[Rubrique, ...]
    description: str | None = None
    mesures: tuple[Mesure, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for rubrique in self.rubriques for item in rubrique.items)

    @property
    def est_usage(self) -> bool:
        return self.nature == "usage"

    def mesure_de(self, item: str) -> Mesure | None:
        """La mesure commune dont un item fait partie, s'il y en a une."""
        return next((m for m in self.mesures if item in m.items), None)


class Partie(NamedTuple):
    """Partie hors radar : éléments de référence (3.1) ou obligations (3.2)."""

    section: str
    titre: str
    items: tuple[Item, ...]
    introduction: str | None = None
    textes: tuple[str, ...] = ()
    date_libelle: str | None = None


class Chapitre(NamedTuple):
    """Un texte d'introduction numéroté (3.6 « Les usages »)."""

    section: str
    titre: str
    introduction: str


class Notation(NamedTuple):
    """Règles de calcul des scores, déclarées dans le référentiel."""

    affirmation: dict[str, float]
    repartition: dict[str, float]
    proportion_diviseur: float
    plafond: float
    seuil_provisoire: float
    point_fort: float
    point_faible: float
    ecart_moyens_usage: float
    leviers: int
    seuil_stabilite: float


class Bornes(NamedTuple):
    """Ce qu'une réponse ne peut dépasser, déclaré dans le référentiel (section « bornes »)."""

    #: Plus grand effectif accepté, par nature d'item (« nombre », « repartition ») ;
    #: les éléments de référence sont des nombres.
    effectifs: dict[str, int]
    #: Plus grande longueur, en caractères, d'un texte libre d'une ligne (nom, commune, campagne, action).
    texte: int
    #: Plus grande longueur, en caractères, des commentaires libres.
    commentaires: int


class Referentiel(NamedTuple):
    """Un référentiel chargé et vérifié."""

    version: str
    titre: str
    source: str
    notation: Notation
    bornes: Bornes
    reference: Partie
    obligations: Partie
    domaines: tuple[Domaine, ...]
    corrections: tuple[dict[str, str], ...] = ()
    usages: Chapitre | None = None
    chemin: str = ""
    #: Les publics des enquêtes (``diagnum enquete``), dans l'ordre du référentiel.
    publics: tuple[Public, ...] = ()
    #: Chaque item par son identifiant (construit au chargement).
    par_id: Mapping[str, Item] = MappingProxyType({})
    #: Ce que comptent les colonnes des exports (``diagnum sources``), ou None.
    comptage: Comptage | None = None

    def domaine(self, identifiant: str) -> Domaine | None:
        return next((d for d in self.domaines if d.id == identifiant), None)

    def public(self, identifiant: str) -> Public | None:
        return next((p for p in self.publics if p.id == identifiant), None)

    def questions_enquete(self, public: str) -> tuple[Item, ...]:
        """Les items qu'un public renseigne par enquête, dans l'ordre du référentiel."""
        return tuple(
            item for d in self.domaines for item in d.items if item.collecte and item.collecte.public == public
        )

    def item(self, identifiant: str) -> Item | None:
        return self.par_id.get(identifiant)

    def items_sources(self, mesure: str | None = None) -> tuple[Item, ...]:
        """Les items qu'un export (d'une sorte donnée, ou de n'importe laquelle) peut estimer."""
        return tuple(
            item
            for d in self.domaines
            for item in d.items
            if any(mesure is None or s.mesure == mesure for s in item.sources)
        )


def indexer(reference: Partie, obligations: Partie, domaines: tuple[Domaine, ...]) -> dict[str, Item]:
    """Chaque item du référentiel par son identifiant."""
    index: dict[str, Item] = {}
    for partie in (reference, obligations):
        for item in partie.items:
            index[item.id] = item
    for domaine in domaines:
        for item in domaine.items:
            index[item.id] = item
    return index


# --------------------------------------------------------------------------
# Où sont les référentiels


def dossier_referentiels() -> Path:
    """Le dossier des référentiels : celui du paquet installé, sinon celui du
    dépôt (installation en mode éditable), sinon ``$DIAGNUM_REFERENTIELS``."""
    env = os.environ.get("DIAGNUM_REFERENTIELS")
    if env:
        return Path(env)
    paquet = Path(__file__).parent / "referentiels"
    if paquet.is_dir():
        return paquet
    return Path(__file__).resolve().parents[2] / "referentiel"


def _cle_version(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.-]", version))


def versions_disponibles() -> list[str]:
    """Les versions disponibles, de la plus ancienne à la plus récente."""
    dossier = dossier_referentiels()
    try:
        noms = [p.stem for p in dossier.glob("*.yaml")]
    except OSError:
        noms = []
    return sorted(noms, key=_cle_version)


def version_recente() -> str:
    """La version la plus récente disponible."""
    versions = versions_disponibles()
    if not versions:
        raise ErreurReferentiel(f"aucun référentiel trouvé dans {dossier_referentiels()}")
    return versions[-1]


# --------------------------------------------------------------------------
# Chargement


def charger_referentiel(version: str | None = None) -> Referentiel:
    """Charge la version demandée (par défaut la plus récente)."""
    version = version or version_recente()
    if version not in versions_disponibles():
        disponibles = ", ".join(versions_disponibles()) or "aucune"
        raise ErreurReferentiel(f"référentiel « {version} » inconnu (versions disponibles : {disponibles})")
    return charger_fichier_referentiel(dossier_referentiels() / f"{version}.yaml")


@cache
def charger_fichier_referentiel(chemin: Path) -> Referentiel:
    """Charge et vérifie un fichier de référentiel, via le cache sur disque.

    Le cache est indexé par le contenu du fichier : il garde le texte lu et ne
    sert que si le fichier est resté identique, octet pour octet. Son nom
    porte aussi la version de diagnum, celle de Python et la date de ce
    module, pour qu'un modèle modifié ne relise jamais un ancien cache.
    """
    try:
        contenu = chemin.read_bytes()
    except OSError as exc:
        raise ErreurReferentiel(f"{chemin} : lecture impossible ({exc.strerror})") from None
    cache_fichier = _dossier_cache() / _nom_cache(contenu)
    referentiel = _lire_cache(cache_fichier, contenu)
    if referentiel is not None:
        return referentiel
    referentiel = construire_referentiel(contenu, str(chemin))
    _ecrire_cache(cache_fichier, contenu, referentiel)
    return referentiel


def _nom_cache(contenu: bytes) -> str:
    try:
        modele = os.stat(__file__).st_mtime_ns
    except OSError:
        modele = 0
    python = sys.implementation.cache_tag
    return f"referentiel-{zlib.crc32(contenu):08x}-{len(contenu)}-{__version__}-{python}-{modele}.marshal"


def _dossier_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "diagnum"


#: En-tête d'un cache : ce texte, puis l'empreinte BLAKE2b (32 octets) de ce qui suit.
ENTETE_CACHE = b"diagnum-referentiel\n"
TAILLE_EMPREINTE = 32
#: Un cache plus gros n'est pas le nôtre (celui du référentiel 2011 fait 70 Kio).
TAILLE_CACHE_MAX = 16 * 1024 * 1024
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _empreinte(charge: bytes) -> bytes:
    try:
        from _blake2 import blake2b  # 0,2 ms à l'import, contre 17 ms pour hashlib (OpenSSL)
    except ImportError:  # pragma: no cover - Python sans le module _blake2
        from hashlib import blake2b

    return blake2b(charge, digest_size=TAILLE_EMPREINTE, person=b"diagnum-cache").digest()


def _a_nous(etat: os.stat_result) -> bool:
    """Un fichier ou un dossier de cache n'est cru que s'il est à l'utilisateur et que nul autre n'y écrit."""
    proprietaire = os.getuid() if hasattr(os, "getuid") else etat.st_uid
    return etat.st_uid == proprietaire and not etat.st_mode & 0o022


def _lire_cache(chemin: Path, contenu: bytes) -> Referentiel | None:
    """Le référentiel gardé dans ``chemin``, ou ``None`` s'il ne convient pas.

    Rien n'y est cru sur parole : un lien symbolique n'est pas suivi ; le dossier et le fichier doivent
    être à l'utilisateur, sans droit d'écriture pour d'autres ; l'empreinte doit correspondre à la charge
    (un cache retouché est reconstruit) ; le texte gardé doit être celui du référentiel, octet pour octet ;
    et la charge doit se reconstruire en modèle (classes connues, nombre de champs exact)."""
    try:
        if not _a_nous(os.lstat(chemin.parent)):
            return None
        descripteur = os.open(chemin, os.O_RDONLY | _O_NOFOLLOW)
    except OSError:
        return None  # cache absent (ou lien planté) : on relit le référentiel
    try:
        import stat

        etat = os.fstat(descripteur)
        if not stat.S_ISREG(etat.st_mode) or not _a_nous(etat) or etat.st_size > TAILLE_CACHE_MAX:
            return None
        with os.fdopen(descripteur, "rb", closefd=False) as fichier:
            octets = fichier.read(TAILLE_CACHE_MAX + 1)
    except OSError:
        return None
    finally:
        os.close(descripteur)
    debut = len(ENTETE_CACHE) + TAILLE_EMPREINTE
    if not octets.startswith(ENTETE_CACHE) or _empreinte(octets[debut:]) != octets[len(ENTETE_CACHE) : debut]:
        return None  # ancien format, fichier tronqué ou retouché
    try:
        contenu_lu, donnees = marshal.loads(octets[debut:])
        if contenu_lu == contenu:
            return _depuis_donnees(donnees)
    except Exception:
        pass  # cache abîmé : on relit le référentiel
    return None


def _ecrire_cache(chemin: Path, contenu: bytes, referentiel: Referentiel) -> None:
    """Écrit le cache dans un fichier neuf et exclusif (``O_EXCL``, nom tiré au hasard, aucun lien suivi),
    puis lui donne son nom d'un seul geste ; dans un dossier qui n'est pas à l'utilisateur, rien n'est écrit."""
    temporaire = None
    try:
        chemin.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _a_nous(os.lstat(chemin.parent)):
            return
        charge = marshal.dumps((contenu, _en_donnees(referentiel._replace(par_id={}))))
        nom = chemin.with_name(f".{chemin.name}.{os.urandom(8).hex()}.tmp")
        drapeaux = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | getattr(os, "O_BINARY", 0)
        descripteur = os.open(nom, drapeaux, 0o600)  # échoue sur tout nom déjà pris, lien compris
        temporaire = nom
        with os.fdopen(descripteur, "wb") as fichier:
            fichier.write(ENTETE_CACHE + _empreinte(charge) + charge)
        os.replace(temporaire, chemin)  # remplace un lien planté à ce nom, jamais sa cible
        temporaire = None
        _oublier_vieux_caches(chemin)
    except (OSError, ValueError):
        pass  # sans cache, diagnum fonctionne, simplement plus lentement
    finally:
        if temporaire is not None:
            from contextlib import suppress

            with suppress(OSError):
                temporaire.unlink()


#: Un cache que personne n'a récrit depuis ce délai (ancienne version, ancien référentiel) est effacé.
DUREE_CACHE = 30 * 24 * 3600


def _oublier_vieux_caches(garde: Path) -> None:
    """Efface les caches de référentiel de plus de 30 jours (seulement quand un cache est écrit)."""
    import time

    limite = time.time() - DUREE_CACHE
    for ancien in garde.parent.glob("referentiel-*"):
        try:
            if ancien != garde and ancien.stat().st_mtime < limite:
                ancien.unlink()
        except OSError:
            pass


# Le cache est écrit avec marshal (déjà chargé par Python, sans import ni exécution de code à la
# relecture) : chaque objet du modèle y devient un tuple (nom de classe, champs…), les autres
# tuples (nom vide, éléments…).
_MODELES: dict[str, type] = {
    c.__name__: c
    for c in (
        Ligne,
        Condition,
        Cible,
        Collecte,
        SourceItem,
        Comptage,
        Public,
        Item,
        Mesure,
        Rubrique,
        Domaine,
        Partie,
        Chapitre,
        Notation,
        Bornes,
        Referentiel,
    )
}


def _en_donnees(objet: object) -> object:
    if isinstance(objet, tuple):
        nom = type(objet).__name__ if type(objet) in _MODELES.values() else ""
        return (nom, *map(_en_donnees, objet))
    if isinstance(objet, Mapping):
        return {cle: _en_donnees(valeur) for cle, valeur in objet.items()}
    return objet


def _reconstruire(donnees: object) -> object:
    if type(donnees) is tuple:
        nom, *elements = donnees
        valeurs = [_reconstruire(e) for e in elements]
        return _MODELES[nom](*valeurs) if nom else tuple(valeurs)
    if type(donnees) is dict:
        return {cle: _reconstruire(valeur) for cle, valeur in donnees.items()}
    return donnees


def _depuis_donnees(donnees: object) -> Referentiel:
    referentiel = _reconstruire(donnees)
    if not isinstance(referentiel, Referentiel):
        raise TypeError("cache de référentiel inattendu")
    return referentiel._replace(par_id=indexer(referentiel.reference, referentiel.obligations, referentiel.domaines))


def construire_referentiel(contenu: bytes, chemin: str = "<référentiel>") -> Referentiel:
    """Lit le texte d'un référentiel et le vérifie ; lève ``ErreurReferentiel``."""
    from diagnum.lecture_yaml import ErreurLecture, decoder, lire_yaml

    try:
        racine, constats = lire_yaml(decoder(contenu), profondeur_max=16, valeurs_max=100_000)
    except ErreurLecture as exc:
        constats, racine = [exc.diagnostic], None
    erreurs = [d for d in constats if d.est_erreur]
    if erreurs:
        d = erreurs[0]
        raise ErreurReferentiel(f"{chemin}:{d.ligne}:{d.colonne}: référentiel illisible : {d.message}")
    return _Constructeur(chemin).referentiel(racine)


class _Constructeur:
    def __init__(self, chemin: str) -> None:
        self.chemin = chemin
        self.ids: dict[str, str] = {}

    def erreur(self, noeud: object, message: str) -> ErreurReferentiel:
        position = getattr(noeud, "position", None)
        lieu = f"{self.chemin}:{position.ligne}:{position.colonne}" if position else self.chemin
        return ErreurReferentiel(f"{lieu}: référentiel défectueux : {message}")

    def tableau(self, noeud: object, quoi: str):
        from diagnum.lecture_yaml import Tableau

        if not isinstance(noeud, Tableau):
            raise self.erreur(noeud, f"{quoi} doit être un tableau associatif")
        return noeud

    def liste(self, noeud: object, quoi: str) -> list:
        from diagnum.lecture_yaml import Liste

        if not isinstance(noeud, Liste):
            raise self.erreur(noeud, f"{quoi} doit être une liste")
        return noeud.elements

    def texte(self, tableau, cle: str, obligatoire: bool = True) -> str | None:
        from diagnum.lecture_yaml import Scalaire

        noeud = tableau.get(cle)
        if noeud is None:
            if obligatoire:
                raise self.erreur(tableau, f"clé « {cle} » manquante")
            return None
        if not isinstance(noeud, Scalaire) or noeud.valeur is None:
            raise self.erreur(noeud, f"« {cle} » doit être un texte")
        return str(noeud.texte if not isinstance(noeud.valeur, str) else noeud.valeur)

    def nombre(self, tableau, cle: str) -> float:
        from diagnum.lecture_yaml import Scalaire

        noeud = tableau.get(cle)
        if (
            not isinstance(noeud, Scalaire)
            or isinstance(noeud.valeur, bool)
            or not isinstance(noeud.valeur, (int, float))
        ):
            raise self.erreur(noeud or tableau, f"« {cle} » doit être un nombre")
        return float(noeud.valeur)

    def identifiant(self, tableau, quoi: str) -> str:
        ident = self.texte(tableau, "id")
        if not _ID.match(ident):
            raise self.erreur(tableau.get("id"), f"identifiant « {ident} » invalide (snake_case ASCII)")
        if ident in self.ids:
            raise self.erreur(
                tableau.get("id"), f"identifiant « {ident} » en double (déjà utilisé par {self.ids[ident]})"
            )
        self.ids[ident] = quoi
        return ident

    def referentiel(self, racine) -> Referentiel:
        racine = self.tableau(racine, "le référentiel")
        version = self.texte(racine, "version")
        notation = self.notation(self.tableau(racine.get("notation"), "« notation »"))
        bornes = self.bornes(self.tableau(racine.get("bornes"), "« bornes »"))
        reference = self.partie(self.tableau(racine.get("reference"), "« reference »"), "reference")
        obligations = self.partie(self.tableau(racine.get("obligations"), "« obligations »"), "obligations")
        domaines = tuple(
            self.domaine(self.tableau(n, "un domaine")) for n in self.liste(racine.get("domaines"), "« domaines »")
        )
        if not domaines:
            raise self.erreur(racine, "aucun domaine")
        corrections = tuple(
            {cle: self.texte(self.tableau(n, "une correction"), cle) for cle in ("section", "avant", "apres")}
            for n in (self.liste(racine.get("corrections"), "« corrections »") if racine.get("corrections") else [])
        )
        usages = None
        if racine.get("usages") is not None:
            noeud_usages = self.tableau(racine.get("usages"), "« usages »")
            usages = Chapitre(
                self.texte(noeud_usages, "section"),
                self.texte(noeud_usages, "titre"),
                self.texte(noeud_usages, "introduction"),
            )
        publics = self.publics(racine.get("enquetes"))
        index = indexer(reference, obligations, domaines)
        referentiel = Referentiel(
            version=version,
            titre=self.texte(racine, "titre"),
            source=self.texte(racine, "source", obligatoire=False) or "",
            notation=notation,
            bornes=bornes,
            reference=reference,
            obligations=obligations,
            domaines=domaines,
            corrections=corrections,
            usages=usages,
            chemin=self.chemin,
            publics=publics,
            par_id=index,
            comptage=self.comptage(racine.get("sources")),
        )
        self.verifier_renvois(referentiel, racine)
        return referentiel

    def notation(self, noeud) -> Notation:
        affirmation = self.tableau(noeud.get("affirmation"), "« notation.affirmation »")
        repartition = self.tableau(noeud.get("repartition"), "« notation.repartition »")
        for cle in MODALITES:
            if repartition.get(cle) is None:
                raise self.erreur(repartition, f"poids « {cle} » manquant")
        return Notation(
            affirmation={OUI: self.nombre(affirmation, OUI), NON: self.nombre(affirmation, NON)},
            repartition={cle: self.nombre(repartition, cle) for cle in MODALITES},
            proportion_diviseur=self.nombre(noeud, "proportion_diviseur"),
            plafond=self.nombre(noeud, "plafond"),
            seuil_provisoire=self.nombre(noeud, "seuil_provisoire"),
            point_fort=self.nombre(noeud, "point_fort"),
            point_faible=self.nombre(noeud, "point_faible"),
            ecart_moyens_usage=self.nombre(noeud, "ecart_moyens_usage"),
            leviers=int(self.nombre(noeud, "leviers")),
            seuil_stabilite=self.nombre(noeud, "seuil_stabilite"),
        )

    def bornes(self, noeud) -> Bornes:
        def entier_positif(tableau, cle: str) -> int:
            valeur = self.nombre(tableau, cle)
            if valeur < 1 or not valeur.is_integer():
                raise self.erreur(tableau.get(cle), f"« {cle} » doit être un entier positif")
            return int(valeur)

        return Bornes(
            effectifs={nature: entier_positif(noeud, nature) for nature in ("nombre", "repartition")},
            texte=entier_positif(noeud, "texte"),
            commentaires=entier_positif(noeud, "commentaires"),
        )

    def partie(self, noeud, nom: str) -> Partie:
        section = self.texte(noeud, "section")
        items = tuple(
            self.item(self.tableau(n, "un item"), section, nom, "score")
            for n in self.liste(noeud.get("items"), f"« {nom}.items »")
        )
        textes = noeud.get("textes")
        date = noeud.get("date")
        return Partie(
            section=section,
            titre=self.texte(noeud, "titre"),
            items=items,
            introduction=self.texte(noeud, "introduction", obligatoire=False),
            textes=tuple(str(t.valeur) for t in self.liste(textes, "« textes »")) if textes else (),
            date_libelle=self.texte(self.tableau(date, "« date »"), "libelle") if date else None,
        )

    def domaine(self, noeud) -> Domaine:
        ident = self.identifiant(noeud, "un domaine")
        nature = self.texte(noeud, "nature")
        if nature not in NATURES_DOMAINE:
            raise self.erreur(noeud.get("nature"), f"nature de domaine « {nature} » inconnue")
        section = self.texte(noeud, "section")
        rubriques = []
        for n in self.liste(noeud.get("rubriques"), "« rubriques »"):
            n = self.tableau(n, "une rubrique")
            role = self.texte(n, "role", obligatoire=False) or "score"
            if role not in ROLES:
                raise self.erreur(n.get("role"), f"rôle « {role} » inconnu")
            sous_section = self.texte(n, "section", obligatoire=False)
            items = tuple(
                self.item(self.tableau(i, "un item"), sous_section or section, ident, role)
                for i in self.liste(n.get("items"), "« items »")
            )
            rubriques.append(Rubrique(self.texte(n, "titre"), role, items, sous_section))
        roles = {r.role for r in rubriques}
        if nature == "usage" and roles != {"usage", "moyens"}:
            raise self.erreur(noeud, f"le domaine d'usage « {ident} » doit avoir des rubriques usage et moyens")
        if nature == "structurel" and roles != {"score"}:
            raise self.erreur(noeud, f"le domaine structurel « {ident} » n'a que des rubriques de rôle score")
        domaine = Domaine(
            id=ident,
            section=section,
            titre=self.texte(noeud, "titre"),
            axe=self.texte(noeud, "axe"),
            nature=nature,
            rubriques=tuple(rubriques),
            description=self.texte(noeud, "description", obligatoire=False),
        )
        if noeud.get("mesures") is not None:
            for n in self.liste(noeud.get("mesures"), "« mesures »"):
                domaine = domaine._replace(
                    mesures=(*domaine.mesures, self.mesure(self.tableau(n, "une mesure"), domaine))
                )
        return domaine

    def mesure(self, noeud, domaine: Domaine) -> Mesure:
        """Une mesure commune : des nombres du même domaine, de même rôle, même total et même cible."""
        ident = self.identifiant(noeud, f"une mesure de « {domaine.id} »")
        noms = tuple(str(n.valeur) for n in self.liste(noeud.get("items"), "« items » d'une mesure"))
        items = {item.id: item for item in domaine.items}
        membres = [items.get(nom) for nom in noms]
        if len(noms) < 2 or any(m is None or m.nature != "nombre" for m in membres):
            raise self.erreur(noeud, f"la mesure « {ident} » réunit au moins deux nombres du domaine « {domaine.id} »")
        if len({(m.role, m.total, m.cible) for m in membres}) != 1:
            raise self.erreur(
                noeud, f"les nombres de la mesure « {ident} » ont le même rôle, le même total et la même cible"
            )
        for nom in noms:
            deja = domaine.mesure_de(nom)
            if deja is not None or noms.count(nom) > 1:
                raise self.erreur(noeud, f"« {nom} » appartient déjà à une mesure")
        return Mesure(ident, self.texte(noeud, "libelle"), noms)

    def item(self, noeud, section: str, domaine: str, role: str) -> Item:
        ident = self.identifiant(noeud, f"un item de « {domaine} »")
        nature = self.texte(noeud, "nature")
        if nature not in NATURES:
            raise self.erreur(noeud.get("nature"), f"nature « {nature} » inconnue (attendu : {', '.join(NATURES)})")
        connues = {
            "id",
            "libelle",
            "nature",
            "total",
            "depassement",
            "cible",
            "condition",
            "sans_objet",
            "groupe",
            "contexte",
            "lignes",
            "colonnes",
            "unite",
            "feminin",
            "collecte",
            "sources",
        }
        for cle, (position_cle, _) in noeud.entrees.items():
            if cle not in connues:
                raise self.erreur(position_cle, f"clé d'item « {cle} » inconnue")
        depassement = self.texte(noeud, "depassement", obligatoire=False) or "erreur"
        if depassement not in ("erreur", "avertissement"):
            raise self.erreur(noeud.get("depassement"), "« depassement » vaut erreur ou avertissement")
        cible = None
        if noeud.get("cible") is not None:
            c = self.tableau(noeud.get("cible"), "« cible »")
            cible = Cible(self.texte(c, "reference"), self.nombre(c, "facteur"))
        condition = None
        if noeud.get("condition") is not None:
            c = self.tableau(noeud.get("condition"), "« condition »")
            if c.get("ligne") is not None:
                ligne = [str(e.valeur) for e in self.liste(c.get("ligne"), "« ligne »")]
                if len(ligne) != 2:
                    raise self.erreur(c.get("ligne"), "« ligne » : [matrice, ligne] attendu")
                condition = Condition(ligne=(ligne[0], ligne[1]))
            else:
                condition = Condition(item=self.texte(c, "item"), valeur=self.texte(c, "valeur"))
        sans_objet = noeud.get("sans_objet")
        lignes: tuple[Ligne, ...] = ()
        colonnes: tuple[Ligne, ...] = ()
        if nature == "matrice":
            lignes = self.lignes(noeud, "lignes")
            colonnes = self.lignes(noeud, "colonnes")
        if (nature in ("nombre", "repartition") and role != "score") or nature == "repartition":
            pass
        if nature == "repartition" and not self.texte(noeud, "total", obligatoire=False):
            raise self.erreur(noeud, f"la répartition « {ident} » doit nommer son total")
        return Item(
            id=ident,
            libelle=self.texte(noeud, "libelle"),
            nature=nature,
            section=section,
            domaine=domaine,
            role=role,
            sans_objet=bool(getattr(sans_objet, "valeur", False)) or nature == "matrice",
            total=self.texte(noeud, "total", obligatoire=False),
            depassement=depassement,
            cible=cible,
            condition=condition,
            groupe=self.texte(noeud, "groupe", obligatoire=False),
            contexte=self.texte(noeud, "contexte", obligatoire=False),
            lignes=lignes,
            colonnes=colonnes,
            unite=self.texte(noeud, "unite", obligatoire=False),
            feminin=bool(getattr(noeud.get("feminin"), "valeur", False)),
            collecte=self.collecte(noeud.get("collecte"), ident, nature) if noeud.get("collecte") is not None else None,
            sources=self.sources_item(noeud.get("sources"), ident, nature) if noeud.get("sources") is not None else (),
        )

    def publics(self, noeud) -> tuple[Public, ...]:
        if noeud is None:
            return ()
        noeud = self.tableau(noeud, "« enquetes »")
        resultat = []
        for n in self.liste(noeud.get("publics"), "« enquetes.publics »"):
            n = self.tableau(n, "un public")
            ident = self.texte(n, "id")
            if any(p.id == ident for p in resultat):
                raise self.erreur(n.get("id"), f"public « {ident} » en double")
            resultat.append(
                Public(ident, self.texte(n, "titre"), self.texte(n, "introduction", obligatoire=False) or "")
            )
        return tuple(resultat)

    def collecte(self, noeud, ident: str, nature: str) -> Collecte:
        noeud = self.tableau(noeud, "« collecte »")
        for cle, (position_cle, _) in noeud.entrees.items():
            if cle not in Collecte._fields:
                raise self.erreur(position_cle, f"clé de collecte « {cle} » inconnue")
        collecte = Collecte(*(self.texte(noeud, cle) for cle in Collecte._fields))
        if not _CODE_QUESTION.match(collecte.code):
            raise self.erreur(
                noeud.get("code"),
                f"code de question « {collecte.code} » invalide (une lettre, puis 19 lettres ou chiffres au plus)",
            )
        if collecte.echelle not in ECHELLES:
            raise self.erreur(noeud.get("echelle"), f"échelle « {collecte.echelle} » inconnue ({', '.join(ECHELLES)})")
        if collecte.agregation not in AGREGATIONS:
            raise self.erreur(
                noeud.get("agregation"), f"agrégation « {collecte.agregation} » inconnue ({', '.join(AGREGATIONS)})"
            )
        nature_attendue, echelle_attendue = AGREGATIONS[collecte.agregation]
        if (nature, collecte.echelle) != (nature_attendue, echelle_attendue):
            raise self.erreur(
                noeud,
                f"« {ident} » : l'agrégation {collecte.agregation} demande un item de nature {nature_attendue} "
                f"et l'échelle {echelle_attendue}",
            )
        return collecte

    def comptage(self, noeud) -> Comptage | None:
        """La section ``sources`` : ce que compte la personne, la classe, chaque profil de l'ENT."""
        if noeud is None:
            return None
        noeud = self.tableau(noeud, "« sources »")
        profils = self.tableau(noeud.get("profils"), "« sources.profils »")
        return Comptage(
            self.texte(noeud, "personne"),
            self.texte(noeud, "classe"),
            {
                cle: tuple(str(e.valeur) for e in self.liste(valeur, f"« sources.profils.{cle} »"))
                for cle, (_, valeur) in profils.entrees.items()
            },
        )

    def sources_item(self, noeud, ident: str, nature: str) -> tuple[SourceItem, ...]:
        """Les sortes d'export qui estiment un item : « reservations », ou « {mesure: ent, service: …} »."""
        from diagnum.lecture_yaml import Scalaire

        resultat = []
        for n in self.liste(noeud, "« sources » d'un item"):
            if isinstance(n, Scalaire):
                source = SourceItem(str(n.valeur))
            else:
                t = self.tableau(n, "une source d'item")
                for cle, (position_cle, _) in t.entrees.items():
                    if cle not in SourceItem._fields:
                        raise self.erreur(position_cle, f"clé de source « {cle} » inconnue")
                source = SourceItem(self.texte(t, "mesure"), self.texte(t, "service", obligatoire=False))
            if source.mesure not in MESURES_SOURCES:
                raise self.erreur(
                    n, f"« {ident} » : sorte d'export « {source.mesure} » inconnue ({', '.join(MESURES_SOURCES)})"
                )
            resultat.append(source)
        if nature not in ("repartition", "nombre"):
            raise self.erreur(noeud, f"« {ident} » : seule une répartition ou un nombre s'estime d'après un export")
        return tuple(resultat)

    def lignes(self, noeud, cle: str) -> tuple[Ligne, ...]:
        resultat = []
        vus: set[str] = set()
        for n in self.liste(noeud.get(cle), f"« {cle} »"):
            n = self.tableau(n, f"une entrée de « {cle} »")
            ident = self.texte(n, "id")
            if not _ID.match(ident) or ident in vus:
                raise self.erreur(n.get("id"), f"identifiant « {ident} » invalide ou en double")
            vus.add(ident)
            resultat.append(Ligne(ident, self.texte(n, "libelle")))
        if not resultat:
            raise self.erreur(noeud, f"« {cle} » est vide")
        return tuple(resultat)

    def verifier_renvois(self, referentiel: Referentiel, racine) -> None:
        references = {item.id for item in referentiel.reference.items}
        for item in referentiel.reference.items + referentiel.obligations.items:
            attendue = "nombre" if item in referentiel.reference.items else "affirmation"
            if item.nature != attendue:
                raise self.erreur(racine, f"l'item « {item.id} » doit être de nature {attendue}")
        for domaine in referentiel.domaines:
            ids_domaine = {item.id: item for item in domaine.items}
            for item in domaine.items:
                if item.total is not None and item.total not in references:
                    raise self.erreur(racine, f"« {item.id} » : total « {item.total} » inconnu")
                if item.cible is not None and item.cible.reference not in references:
                    raise self.erreur(racine, f"« {item.id} » : cible « {item.cible.reference} » inconnue")
                if item.nature in ("nombre",) and item.total is None and item.cible is None:
                    raise self.erreur(racine, f"le nombre « {item.id} » n'a ni total ni cible")
                condition = item.condition
                if condition is None:
                    continue
                if condition.ligne is not None:
                    matrice = ids_domaine.get(condition.ligne[0])
                    if (
                        matrice is None
                        or matrice.nature != "matrice"
                        or condition.ligne[1] not in {ligne.id for ligne in matrice.lignes}
                    ):
                        # La matrice peut appartenir à un autre domaine.
                        matrice = referentiel.item(condition.ligne[0])
                        if (
                            matrice is None
                            or matrice.nature != "matrice"
                            or condition.ligne[1] not in {ligne.id for ligne in matrice.lignes}
                        ):
                            raise self.erreur(racine, f"« {item.id} » : condition sur une ligne inconnue")
                else:
                    cible = ids_domaine.get(condition.item or "")
                    if cible is None or cible.nature != "affirmation":
                        raise self.erreur(
                            racine, f"« {item.id} » : la condition doit viser une affirmation du même domaine"
                        )
                    if condition.valeur not in (OUI, NON):
                        raise self.erreur(racine, f"« {item.id} » : valeur de condition « {condition.valeur} »")
        self.verifier_collectes(referentiel, racine, references)
        self.verifier_sources(referentiel, racine, references)

    def verifier_sources(self, referentiel: Referentiel, racine, references: set[str]) -> None:
        """Chaque item estimé d'après un export compte ce qu'une colonne de cet export distingue : la personne
        ou la classe d'un planning ou d'un emploi du temps, un profil de l'ENT."""
        comptage = referentiel.comptage
        items = referentiel.items_sources()
        if comptage is None:
            if items:
                raise self.erreur(racine, f"« {items[0].id} » a des sources, mais la section « sources » manque")
            return
        for nom in (comptage.personne, comptage.classe, *comptage.profils):
            if nom not in references:
                raise self.erreur(racine, f"sources : « {nom} » n'est pas un élément de référence")
        for item in items:
            for source in item.sources:
                permis = comptage.profils if source.mesure == "ent" else (comptage.personne, comptage.classe)
                if item.total not in permis:
                    raise self.erreur(
                        racine,
                        f"« {item.id} » : un export « {source.mesure} » ne compte pas « {item.total} » "
                        f"(seulement {', '.join(permis)})",
                    )
                if source.service is not None and source.mesure != "ent":
                    raise self.erreur(racine, f"« {item.id} » : seul un export de l'ENT distingue les services")

    def verifier_collectes(self, referentiel: Referentiel, racine, references: set[str]) -> None:
        """Chaque public est un élément de référence ; chaque collecte vise un public connu, avec un code unique
        et, pour un effectif, le public qui lui sert de total."""
        for public in referentiel.publics:
            if public.id not in references:
                raise self.erreur(racine, f"le public « {public.id} » n'est pas un élément de référence")
        codes: dict[tuple[str, str], str] = {}
        for domaine in referentiel.domaines:
            for item in domaine.items:
                collecte = item.collecte
                if collecte is None:
                    continue
                if referentiel.public(collecte.public) is None:
                    raise self.erreur(racine, f"« {item.id} » : public d'enquête « {collecte.public} » inconnu")
                if item.role == "score" or (item.total is not None and item.total != collecte.public):
                    raise self.erreur(
                        racine,
                        f"« {item.id} » : seul un indicateur d'usage compté sur son public se recueille par enquête",
                    )
                cle = (collecte.public, collecte.code.lower())
                if cle in codes:
                    raise self.erreur(
                        racine, f"« {item.id} » : code « {collecte.code} » déjà pris par « {codes[cle]} »"
                    )
                codes[cle] = item.id
