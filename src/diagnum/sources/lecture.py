"""Reconnaître les colonnes d'un export et en tirer des lignes typées : fonctions pures.

Trois sortes d'export, une ligne par :

- ``reservations`` : réservation d'un planning (ressource, date, qui a réservé ; la classe si l'export l'a) ;
- ``emploi_du_temps`` : cours hebdomadaire d'un emploi du temps (salle, classe, enseignant) ;
- ``ent`` : utilisateur de l'ENT, ou utilisateur et mois (profil, identifiant, nombre de connexions ; le mois
  et le service si l'export les a).

Le rapport des réservations de GRR est reconnu à ses en-têtes, tels que GRR les écrit (voir ``GRR``) ; toute
autre table se lit en nommant ses colonnes (``--colonne personne=Enseignant``), ou à des en-têtes courants
(``ENTETES``). Les cellules qui désignent une personne (nom, identifiant, adresse) ne servent qu'à distinguer
les personnes, en mémoire : aucun message ne les cite, seulement leur ligne et leur colonne.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from operator import itemgetter
from typing import NamedTuple

from diagnum.enquetes.correspondance import lettre_colonne, normaliser
from diagnum.enquetes.lecture import Constat, Feuille, Limites
from diagnum.sources.dates import lire_date, lire_mois

SORTES = ("reservations", "emploi_du_temps", "ent")
#: Les limites d'un export des outils : une année de réservations d'un grand lycée fait 100 000 lignes et 25 Mo
#: (le rapport de GRR met chaque cellule entre guillemets) ; dix fois plus laisse de la marge.
LIMITES_SOURCES = Limites(
    octets=256 * 1024 * 1024, decompresse=1024 * 1024 * 1024, lignes=1_000_000, colonnes=500, cellules=20_000_000
)
#: Les rôles des colonnes de chaque sorte d'export ; ceux qui sont obligatoires d'abord.
ROLES = {
    "reservations": (("ressource", "date", "personne"), ("classe",)),
    "emploi_du_temps": (("ressource",), ("classe", "personne")),
    "ent": (("profil", "personne", "nombre"), ("mois", "service")),
}
#: Les rôles dont les cellules désignent une personne : jamais cités dans un message.
ROLES_PERSONNELS = frozenset({"personne"})

#: Le rapport des réservations de GRR (JeromeDevome/GRR), en-têtes en français (langue/fr-fr.php).
#: GRR 4 (reservation/templates/report.twig) : le tableau du rapport, exporté par son bouton « CSV » ou
#: « Excel » (DataTables : virgule, chaque cellule entre guillemets) ; « Site » seulement en multisite, puis
#: un en-tête par champ additionnel. « Bénéficiaire (identifiant) » y est le prénom et le nom.
GRR_4 = (
    "Domaine",
    "Ressource",
    "Brève description",
    "Début de la réservation",
    "Heure",
    "Durée",
    "Fin de la réservation",
    "Heure",
    "Description complète",
    "Type",
    "Bénéficiaire (identifiant)",
    "Dernière mise à jour",
    "Modération",
)
#: GRR 3 (report.php, « Télécharger le fichier CSV des réservations » → rapport.csv : UTF-8 avec BOM,
#: point-virgule, un « ; » en fin de ligne) ; « Réservation au nom de » y est l'identifiant.
GRR_3 = (
    "Réservation au nom de",
    "Domaines :",
    "Ressource",
    "Description :",
    "Début de la réservation",
    "Heure",
    "Durée",
    "Brève description",
    "Description complète",
    "Type",
    "Dernière mise à jour",
)
GRR = {
    "GRR 4": {"ressource": "Ressource", "date": "Début de la réservation", "personne": "Bénéficiaire (identifiant)"},
    "GRR 3": {"ressource": "Ressource", "date": "Début de la réservation", "personne": "Réservation au nom de"},
}
#: Dans GRR, une réservation confidentielle montrée à qui n'en a pas les droits.
GRR_MASQUE = "*****"
#: La colonne « Modération » de GRR 4 : une demande refusée n'est pas une réservation.
GRR_REFUSEE = normaliser("La demande a été refusée.")

#: En-têtes reconnus sans être nommés (comparés sans casse, accents ni ponctuation).
ENTETES = {
    "reservations": {
        "ressource": ("ressource", "salle", "materiel", "room", "resource"),
        "date": ("date", "jour", "date de debut", "debut", "start date"),
        "personne": ("beneficiaire", "reserve par", "enseignant", "professeur", "utilisateur", "login"),
        "classe": ("classe", "division"),
    },
    "emploi_du_temps": {
        "ressource": ("salle", "salles", "ressource", "room"),
        "classe": ("classe", "classes", "division", "divisions"),
        "personne": ("enseignant", "enseignants", "professeur", "professeurs", "prof"),
    },
    "ent": {
        "profil": ("profil", "profile", "type de compte", "categorie"),
        "personne": ("identifiant", "login", "utilisateur", "uid", "compte"),
        "nombre": ("connexions", "nombre de connexions", "nb connexions", "visites", "acces", "nombre"),
        "mois": ("mois", "month"),
        "service": ("service", "application", "module"),
    },
}
NOMS_SORTES = {
    "reservations": "planning de réservation",
    "emploi_du_temps": "emploi du temps",
    "ent": "statistiques de l'ENT",
}


class Colonnes(NamedTuple):
    """Les colonnes d'un export : son outil et, pour chaque rôle, ses colonnes (0 = la première)."""

    sorte: str
    #: « planning de réservation GRR », « emploi du temps »… : ce qu'écrit le commentaire de la campagne
    outil: str
    roles: dict[str, tuple[int, ...]]
    #: la colonne « Modération » de GRR 4, ou None
    moderation: int | None = None


class Planning(NamedTuple):
    """Les lignes d'un planning ou d'un emploi du temps, colonne par colonne (listes parallèles)."""

    ressources: list[str]
    #: le jour de chaque ligne, ou None (emploi du temps sans dates)
    jours: list[dt.date | None]
    personnes: list[str]
    classes: list[str]


class Lignes(NamedTuple):
    """Les lignes utiles d'un export, une entrée par ligne gardée.

    Les personnes et les classes ne quittent jamais la mémoire : seuls leurs effectifs sortent d'ici.
    """

    colonnes: Colonnes
    #: planning et emploi du temps
    planning: Planning
    #: ENT : (profil, personne, nombre de connexions, mois (année, mois) ou None, service)
    activites: list[tuple[str, str, int, tuple[int, int] | None, str]]
    #: lignes écartées sans erreur (demande refusée dans GRR)
    refusees: int = 0


@contextlib.contextmanager
def sans_ramasse_miettes() -> Iterator[None]:
    """Le ramasse-miettes de Python suspendu le temps de lire et d'estimer un gros export.

    Il repasserait sinon, à chaque collecte, sur chacune des centaines de milliers de listes de cellules (aucune
    ne forme de cycle : la mémoire est rendue par le comptage des références), ce qui triple la durée de
    l'import. En sortant, les objets encore vivants sont rangés d'un geste dans la plus vieille génération
    (``gc.freeze`` puis ``gc.unfreeze``) : ses premières collectes ne les parcourent pas tous, et ils restent
    collectables.
    """
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if actif:
            gc.enable()


def _indice(entetes: list[str], nom: str) -> list[int]:
    cible = normaliser(nom)
    return [i for i, e in enumerate(entetes) if normaliser(e) == cible]


def reconnaitre(feuille: Feuille, sorte: str | None, nommees: dict[str, str]) -> tuple[Colonnes | None, list[Constat]]:
    """Les colonnes de l'export : celles que l'utilisateur nomme (``rôle → en-tête``, plusieurs en-têtes
    réunis par « + » pour une personne), sinon celles de GRR, sinon les en-têtes courants."""
    fichier = feuille.chemin
    entetes = feuille.entetes
    outil = None
    roles: dict[str, tuple[int, ...]] = {}
    for nom_grr, colonnes_grr in GRR.items():
        trouvees = {role: _indice(entetes, entete) for role, entete in colonnes_grr.items()}
        if all(trouvees.values()) and sorte in (None, "reservations"):
            outil = f"planning de réservation {nom_grr.split()[0]}"
            sorte = "reservations"
            roles = {role: (indices[0],) for role, indices in trouvees.items()}
            break
    if sorte is None:
        return None, [
            Constat(
                fichier,
                1,
                1,
                "sorte-inconnue",
                "ce n'est pas le rapport des réservations de GRR : dites quelle sorte d'export c'est "
                "(--type reservations, emploi-du-temps ou ent) et nommez ses colonnes (--colonne)",
            )
        ]
    obligatoires, facultatifs = ROLES[sorte]
    erreurs: list[Constat] = []
    for role, entete in nommees.items():
        if role not in obligatoires + facultatifs:
            permis = ", ".join(obligatoires + facultatifs)
            erreurs.append(
                Constat(fichier, 1, 1, "role-inconnu", f"--colonne {role}=… : rôle inconnu ici (rôles : {permis})")
            )
            continue
        indices: list[int] = []
        for morceau in entete.split("+"):
            trouves = _indice(entetes, morceau)
            if not trouves:
                erreurs.append(
                    Constat(
                        fichier,
                        1,
                        1,
                        "colonne-inconnue",
                        f"--colonne {role}={entete} : aucune colonne « {morceau.strip()} » à la ligne 1 "
                        f"(en-têtes : {_liste_entetes(entetes)})",
                    )
                )
            indices += trouves[:1]
        roles[role] = tuple(indices)
    for role in obligatoires + facultatifs:
        if role not in roles:
            for entete in ENTETES[sorte][role]:
                trouves = _indice(entetes, entete)
                if trouves:
                    roles[role] = (trouves[0],)
                    break
    manquants = [role for role in obligatoires if not roles.get(role)]
    if sorte == "emploi_du_temps" and not any(roles.get(r) for r in facultatifs):
        manquants.append("classe ou personne")
    if manquants and not erreurs:
        erreurs.append(
            Constat(
                fichier,
                1,
                1,
                "colonne-manquante",
                f"colonne{'s' if len(manquants) > 1 else ''} introuvable{'s' if len(manquants) > 1 else ''} : "
                f"{', '.join(manquants)} ; nommez-la avec --colonne ROLE=EN-TÊTE (en-têtes : {_liste_entetes(entetes)})",
            )
        )
    if erreurs:
        return None, erreurs
    moderation = None
    if outil is not None:
        trouvees = _indice(entetes, "Modération")
        moderation = trouvees[0] if trouvees else None
    return Colonnes(sorte, outil or NOMS_SORTES[sorte], {r: i for r, i in roles.items() if i}, moderation), []


def _liste_entetes(entetes: list[str]) -> str:
    from diagnum.affichage import abreger

    return ", ".join(f"« {abreger(e, 40)} »" for e in entetes if e) or "aucun"


def _position(colonne: int) -> str:
    return f"colonne {lettre_colonne(colonne)}"


def _planning_en_colonnes(feuille: Feuille, colonnes: Colonnes) -> Lignes | None:
    """Les lignes d'un planning ou d'un emploi du temps lues colonne par colonne (``map`` : en C), chaque
    valeur distincte (date, modération) lue une fois ; None s'il y a une faute à situer, que la lecture ligne à
    ligne de ``lire_lignes`` dira."""
    roles = colonnes.roles
    personne = roles.get("personne", ())
    if len(personne) > 1:
        return None
    rangees = [cellules for _, cellules in feuille.lignes]
    largeur = 1 + max([i for indices in roles.values() for i in indices] + [colonnes.moderation or 0])
    if rangees and min(map(len, rangees)) < largeur:
        vide = [""] * largeur
        rangees = [r if len(r) >= largeur else r + vide[len(r) :] for r in rangees]
    refusees = 0
    if colonnes.moderation is not None:
        moderations = list(map(itemgetter(colonnes.moderation), rangees))
        refus = {m for m in set(moderations) if normaliser(m) == GRR_REFUSEE}
        if refus:
            rangees = [r for r, m in zip(rangees, moderations, strict=True) if m not in refus]
            refusees = len(moderations) - len(rangees)

    def colonne(role: str) -> list[str]:
        if role not in roles:
            return [""] * len(rangees)
        return list(map(str.strip, map(itemgetter(roles[role][0]), rangees)))

    personnes = colonne("personne")
    if personne and ("" in set(personnes) or GRR_MASQUE in personnes):
        return None
    if "date" in roles:
        brutes = list(map(itemgetter(roles["date"][0]), rangees))
        lues = {brut: lire_date(brut) for brut in set(brutes)}
        if None in lues.values():
            return None
        jours: list[dt.date | None] = list(map(lues.__getitem__, brutes))
    else:
        jours = [None] * len(rangees)
    return Lignes(colonnes, Planning(colonne("ressource"), jours, personnes, colonne("classe")), [], refusees)


def lire_lignes(feuille: Feuille, colonnes: Colonnes) -> tuple[Lignes, list[Constat]]:
    """Les lignes de l'export, typées ; une cellule illisible ou vide là où il faut une valeur est un constat
    (ligne, colonne), sans jamais citer une cellule qui désigne une personne."""
    if colonnes.sorte != "ent":
        rapide = _planning_en_colonnes(feuille, colonnes)
        if rapide is not None:
            return rapide, []
    roles = colonnes.roles
    fichier = feuille.chemin
    erreurs: list[Constat] = []
    planning = Planning([], [], [], [])
    activites: list[tuple[str, str, int, tuple[int, int] | None, str]] = []
    refusees = 0
    dates_lues: dict[str, dt.date | None] = {}
    mois_lus: dict[str, tuple[int, int] | None] = {}
    un = {role: indices[0] for role, indices in roles.items()}
    personne = roles.get("personne", ())
    sorte = colonnes.sorte

    largeur = 1 + max([i for indices in roles.values() for i in indices] + [colonnes.moderation or 0])
    vide = [""] * largeur
    i_ressource = un.get("ressource")
    i_date = un.get("date")
    i_classe = un.get("classe")
    i_personne = personne[0] if len(personne) == 1 else None
    refus_lus: dict[str, bool] = {}
    for numero, cellules in feuille.lignes:
        if len(cellules) < largeur:
            cellules = cellules + vide[len(cellules) :]
        if colonnes.moderation is not None:
            brut = cellules[colonnes.moderation]
            refus = refus_lus.get(brut)
            if refus is None:
                refus = refus_lus[brut] = normaliser(brut) == GRR_REFUSEE
            if refus:
                refusees += 1
                continue
        if i_personne is not None:
            qui = cellules[i_personne].strip()
        elif personne:
            qui = "\x1f".join(cellules[i].strip() for i in personne).strip("\x1f")
        else:
            qui = ""
        if personne:
            if not qui:
                erreurs.append(
                    Constat(
                        fichier,
                        numero,
                        personne[0] + 1,
                        "sans-personne",
                        f"{'réservation' if sorte == 'reservations' else 'ligne'} sans personne "
                        f"({_position(personne[0])}) : chaque ligne doit dire qui ; complétez l'export",
                    )
                )
                continue
            if qui == GRR_MASQUE and colonnes.outil.endswith("GRR"):
                erreurs.append(
                    Constat(
                        fichier,
                        numero,
                        personne[0] + 1,
                        "personne-masquee",
                        f"réservation confidentielle, bénéficiaire masqué ({_position(personne[0])}) : exportez le "
                        "rapport avec un compte administrateur de GRR",
                    )
                )
                continue
        jour = None
        if i_date is not None:
            brut = cellules[i_date]
            jour = dates_lues.get(brut, False)
            if jour is False:
                jour = dates_lues[brut] = lire_date(brut)
            if jour is None:
                erreurs.append(_illisible(fichier, numero, i_date, brut.strip(), "date", "AAAA-MM-JJ ou JJ/MM/AAAA"))
                continue
        if sorte == "ent":
            profil = cellules[un["profil"]].strip()
            brut = cellules[un["nombre"]].strip()
            nombre = _entier(brut)
            if nombre is None:
                erreurs.append(_illisible(fichier, numero, un["nombre"], brut, "nombre", "un entier positif ou nul"))
                continue
            mois = None
            if "mois" in un:
                brut = cellules[un["mois"]].strip()
                mois = mois_lus.get(brut, False)
                if mois is False:
                    mois = mois_lus[brut] = lire_mois(brut)
                if mois is None:
                    erreurs.append(_illisible(fichier, numero, un["mois"], brut, "mois", "AAAA-MM ou MM/AAAA"))
                    continue
            activites.append((profil, qui, nombre, mois, cellules[un["service"]].strip() if "service" in un else ""))
            continue
        planning.ressources.append(cellules[i_ressource].strip() if i_ressource is not None else "")
        planning.jours.append(jour)
        planning.personnes.append(qui)
        planning.classes.append(cellules[i_classe].strip() if i_classe is not None else "")
    return Lignes(colonnes, planning, activites, refusees), erreurs


def _entier(texte: str) -> int | None:
    texte = texte.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if texte.endswith(".0"):
        texte = texte[:-2]
    return int(texte) if texte.isascii() and texte.isdigit() else None


def _illisible(fichier: str, numero: int, colonne: int, brut: str, quoi: str, attendu: str) -> Constat:
    from diagnum.affichage import abreger

    cite = f"« {abreger(brut, 40)} »" if brut else "vide"
    return Constat(
        fichier,
        numero,
        colonne + 1,
        f"{quoi}-illisible",
        f"{quoi} illisible ({_position(colonne)}) : {cite} ; attendu {attendu}",
    )
