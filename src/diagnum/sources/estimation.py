"""Des lignes d'un export aux effectifs du référentiel : fonctions pures.

Pour chaque item estimé, chaque personne (ou classe, ou compte de l'ENT) est comptée une fois, dans une
des trois modalités :

- **planning de réservation** : sur la période, les réservations des ressources qui comptent pour l'item ;
  *régulièrement* si elles touchent au moins ``regulier`` % des semaines de cours (par défaut la moitié),
  *occasionnellement* s'il y en a au moins ``minimum`` (par défaut 1) ; les semaines de cours sont celles
  de la période où le planning a au moins une réservation, quelle que soit la ressource (les vacances n'en
  ont pas), ou le nombre donné par ``--semaines`` ;
- **emploi du temps** : un cours hebdomadaire dans une salle qui compte suffit pour *régulièrement* ;
- **statistiques de l'ENT** : *régulièrement* si le compte est actif au moins ``regulier`` % des mois
  d'activité de la période (les mois où l'ENT a au moins une connexion), ou, sans colonne de mois, s'il a au
  moins autant de connexions que ``regulier`` % des semaines de la période (une semaine sur deux en moyenne) ;
  *occasionnellement* s'il a au moins ``minimum`` connexion ; un nombre (élèves qui consultent le cahier de
  textes) compte les comptes vus.

*Jamais* est le nombre de référence moins ceux qui sont vus (``importation``). Rien d'une personne ne sort
d'ici : seulement des effectifs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from itertools import compress, repeat
from operator import and_, is_not, itemgetter
from typing import NamedTuple

from diagnum.enquetes.correspondance import normaliser
from diagnum.enquetes.lecture import Constat
from diagnum.referentiel import Referentiel
from diagnum.sources.correspondance import Correspondance
from diagnum.sources.dates import dernier_jour, semaine, semaines_entre
from diagnum.sources.lecture import Lignes

#: La « semaine » d'une ligne sans date (emploi du temps) : ni une semaine de cours, ni hors de la période.
_SANS_DATE = (0, 0)
#: Les seuils par défaut, documentés dans le README et imprimés avec chaque résultat.
REGULIER_DEFAUT = 50
MINIMUM_DEFAUT = 1


class Regles(NamedTuple):
    """Les seuils entre jamais, occasionnellement et régulièrement."""

    #: pour cent des semaines de cours (des mois d'activité pour l'ENT) où il faut être vu pour « régulièrement »
    regulier: int = REGULIER_DEFAUT
    #: réservations (connexions) qu'il faut au moins sur la période pour ne pas être « jamais »
    minimum: int = MINIMUM_DEFAUT
    #: nombre de semaines de cours imposé (sinon tiré des données)
    semaines: int | None = None


class Periode(NamedTuple):
    debut: dt.date | None = None
    fin: dt.date | None = None


class Detail(NamedTuple):
    """Une ressource (ou un profil de l'ENT) trouvée dans l'export : ses lignes et les items qu'elle compte."""

    nom: str
    lignes: int
    items: tuple[str, ...]


class ItemEstime(NamedTuple):
    item: str
    #: personnes (classes, comptes) vues ; occasionnellement et régulièrement parmi elles
    vus: int
    occasionnellement: int
    regulierement: int
    #: la règle appliquée, en une phrase (« régulièrement = au moins 17 semaines de cours sur 34 »)
    regle: str


class Estimation(NamedTuple):
    sorte: str
    outil: str
    periode: Periode
    #: ce que la période compte (« 34 semaines de cours », « 10 mois d'activité ») ou « » pour un emploi du temps
    unites: str
    items: list[ItemEstime]
    details: list[Detail]
    hors_periode: int
    avertissements: list[str]
    erreurs: list[Constat]


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 and not mot.endswith('s') else ''}"


def estimer(
    lignes: Lignes,
    referentiel: Referentiel,
    correspondance: Correspondance | None,
    regles: Regles,
    periode: Periode,
    fichier: str,
) -> Estimation:
    """Les effectifs de chaque item estimable d'après ces lignes."""
    sorte = lignes.colonnes.sorte
    if sorte == "ent":
        return _estimer_ent(lignes, referentiel, regles, periode, fichier)
    return _estimer_planning(lignes, referentiel, correspondance or Correspondance({}), regles, periode, fichier)


def _unite(referentiel: Referentiel, item: str) -> str:
    """« personne » ou « classe » : la colonne qui distingue ce que compte l'item."""
    total = referentiel.item(item).total
    return "personne" if total == referentiel.comptage.personne else "classe"


def _estimer_planning(
    lignes: Lignes,
    referentiel: Referentiel,
    correspondance: Correspondance,
    regles: Regles,
    periode: Periode,
    fichier: str,
) -> Estimation:
    colonnes = lignes.colonnes
    sorte = colonnes.sorte
    avertissements: list[str] = []
    erreurs: list[Constat] = []
    items = list(correspondance.motifs)
    unites = {item: _unite(referentiel, item) for item in items}
    for item, unite in list(unites.items()):
        if unite not in colonnes.roles:
            quoi = "de classe" if unite == "classe" else "de personne"
            avertissements.append(f"« {item} » n'est pas estimé : l'export n'a pas de colonne {quoi}")
            items.remove(item)
    planning = lignes.planning
    datees = sorte == "reservations"
    debut, fin = periode
    # Tout se compte colonne par colonne, en C (Counter, set, zip, compress sur map) : chaque jour distinct
    # est vu une fois (sa semaine, ou None hors de la période), chaque ressource une fois (ses items).
    presents = set(planning.jours) - {None}
    if datees and presents:
        debut = debut or min(presents)
        fin = fin or max(presents)
    semaines_de: dict[dt.date | None, tuple[int, int] | None] = {None: _SANS_DATE}
    for jour in presents:
        semaines_de[jour] = None if (debut and jour < debut) or (fin and jour > fin) else semaine(jour)
    semaines = list(map(semaines_de.__getitem__, planning.jours))
    dans_periode = list(map(is_not, semaines, repeat(None)))
    hors_periode = len(dans_periode) - sum(dans_periode)
    semaines_cours = {semaines_de[jour] for jour in presents} - {None}
    par_ressource: dict[str, int] = Counter(compress(planning.ressources, dans_periode))
    sans_classe = 0
    par_item: dict[str, dict[str, list]] = {}
    for item in items:
        retenues = {ressource for ressource in par_ressource if item in correspondance.items_de(ressource)}
        masque = list(map(retenues.__contains__, planning.ressources))
        if hors_periode:
            masque = list(map(and_, masque, dans_periode))
        cles = planning.personnes if unites[item] == "personne" else planning.classes
        nombres = Counter(compress(cles, masque))
        sans_classe = max(sans_classe, nombres.pop("", 0))
        paires = set(zip(compress(cles, masque), compress(semaines, masque), strict=True))
        semaines_par = Counter(map(itemgetter(0), paires)) if datees else {}
        par_item[item] = {cle: [n, semaines_par.get(cle, 0)] for cle, n in nombres.items()}
    if not par_ressource:
        quoi = "réservation" if datees else "ligne"
        erreurs.append(_constat_periode(fichier, quoi, Periode(debut, fin) if datees else periode))
    if sans_classe:
        avertissements.append(
            f"{_pluriel(sans_classe, 'ligne')} sans classe, comptée(s) pour les enseignants seulement"
        )
    resultats = []
    if datees:
        nombre = regles.semaines or len(semaines_cours)
        seuil = max(1, math.ceil(regles.regulier * nombre / 100))
        texte_unites = f"{_pluriel(nombre, 'semaine')} de cours"
        for item in items:
            vus = [v for v in par_item[item].values() if v[0] >= regles.minimum]
            regulier = sum(1 for v in vus if v[1] >= seuil)
            regle = (
                f"régulièrement = des réservations au moins {_pluriel(seuil, 'semaine')} sur {nombre} "
                f"({regles.regulier} %), occasionnellement = au moins {_pluriel(regles.minimum, 'réservation')}"
            )
            resultats.append(ItemEstime(item, len(vus), len(vus) - regulier, regulier, regle))
    else:
        texte_unites = ""
        for item in items:
            vus = len(par_item[item])
            regle = "régulièrement = au moins un cours par semaine dans une salle retenue"
            resultats.append(ItemEstime(item, vus, 0, vus, regle))
    details = [
        Detail(nom, n, correspondance.items_de(nom))
        for nom, n in sorted(par_ressource.items(), key=lambda p: normaliser(p[0]))
    ]
    return Estimation(
        sorte,
        colonnes.outil,
        Periode(debut, fin),
        texte_unites,
        resultats,
        details,
        hors_periode,
        avertissements,
        erreurs,
    )


def _constat_periode(fichier: str, quoi: str, periode: Periode) -> Constat:
    bornes = ""
    if periode.debut or periode.fin:
        bornes = f" du {periode.debut or '…'} au {periode.fin or '…'}"
    return Constat(
        fichier, 1, 1, "periode-vide", f"période vide : aucune {quoi}{bornes} ; vérifiez --du et --au, ou l'export"
    )


def profil_de(referentiel: Referentiel, libelle: str) -> str | None:
    """L'élément de référence que compte un profil de l'ENT (« Élève » → eleves), ou None."""
    simple = normaliser(libelle)
    for reference, libelles in referentiel.comptage.profils.items():
        if any(simple.startswith(normaliser(x)) for x in libelles):
            return reference
    return None


def _estimer_ent(
    lignes: Lignes, referentiel: Referentiel, regles: Regles, periode: Periode, fichier: str
) -> Estimation:
    colonnes = lignes.colonnes
    avertissements: list[str] = []
    erreurs: list[Constat] = []
    mensuel = "mois" in colonnes.roles
    debut, fin = periode
    if mensuel:
        presents = [mois for _, _, _, mois, _ in lignes.activites if mois is not None]
        if presents:
            debut = debut or dt.date(*min(presents), 1)
            fin = fin or dernier_jour(*max(presents))
    elif debut is None or fin is None:
        erreurs.append(
            Constat(
                fichier,
                1,
                1,
                "periode-inconnue",
                "l'export n'a pas de colonne de mois : donnez la période qu'il couvre (--du AAAA-MM-JJ --au AAAA-MM-JJ)",
            )
        )
        return Estimation("ent", colonnes.outil, Periode(debut, fin), "", [], [], 0, avertissements, erreurs)
    items = []
    for item in referentiel.items_sources("ent"):
        source = next(s for s in item.sources if s.mesure == "ent")
        if source.service is not None and "service" not in colonnes.roles:
            avertissements.append(
                f"« {item.id} » n'est pas estimé : il ne compte que le service « {source.service} », et l'export "
                "n'a pas de colonne de service"
            )
            continue
        items.append((item, None if source.service is None else normaliser(source.service)))
    profils: dict[str, str | None] = {}
    par_profil: dict[str, int] = {}
    mois_actifs: set[tuple[int, int]] = set()
    comptes: dict[str, dict[str, list]] = {item.id: {} for item, _ in items}
    services: dict[str, str] = {}
    hors_periode = 0
    premier = (debut.year, debut.month) if debut else None
    dernier = (fin.year, fin.month) if fin else None
    for libelle, cle, nombre, mois, service in lignes.activites:
        if mensuel and ((premier and mois < premier) or (dernier and mois > dernier)):
            hors_periode += 1
            continue
        reference = profils.get(libelle, "")
        if reference == "":
            reference = profils[libelle] = profil_de(referentiel, libelle)
        par_profil[libelle] = par_profil.get(libelle, 0) + 1
        if nombre and mois is not None:
            mois_actifs.add(mois)
        if reference is None:
            continue
        service_simple = services.get(service)
        if service_simple is None:
            service_simple = services[service] = normaliser(service)
        for item, filtre in items:
            if item.total != reference or (filtre is not None and filtre not in service_simple):
                continue
            compte = comptes[item.id]
            vu = compte.get(cle)
            if vu is None:
                vu = compte[cle] = [0, set()]
            vu[0] += nombre
            if nombre and mois is not None:
                vu[1].add(mois)
    if not par_profil:
        erreurs.append(_constat_periode(fichier, "ligne", Periode(debut, fin)))
    if mensuel:
        nombre_unites = len(mois_actifs)
        texte_unites = f"{nombre_unites} mois d'activité"
    else:
        nombre_unites = semaines_entre(debut, fin)
        texte_unites = _pluriel(nombre_unites, "semaine")
    seuil = max(1, math.ceil(regles.regulier * nombre_unites / 100))
    resultats = []
    for item, _ in items:
        vus = [v for v in comptes[item.id].values() if v[0] >= regles.minimum]
        if mensuel:
            regulier = sum(1 for v in vus if len(v[1]) >= seuil)
            regle = f"régulièrement = actif au moins {seuil} mois sur {nombre_unites} ({regles.regulier} %)"
        else:
            regulier = sum(1 for v in vus if v[0] >= seuil)
            regle = (
                f"régulièrement = au moins {_pluriel(seuil, 'connexion')} sur {_pluriel(nombre_unites, 'semaine')} "
                f"({regles.regulier} % des semaines)"
            )
        regle += f", occasionnellement = au moins {_pluriel(regles.minimum, 'connexion')}"
        if item.nature == "nombre":
            regle = f"compté = au moins {_pluriel(regles.minimum, 'connexion')}"
        resultats.append(ItemEstime(item.id, len(vus), len(vus) - regulier, regulier, regle))
    details = [
        Detail(libelle, n, tuple(item.id for item, _ in items if item.total == profils.get(libelle)))
        for libelle, n in sorted(par_profil.items(), key=lambda p: normaliser(p[0]))
    ]
    return Estimation(
        "ent",
        colonnes.outil,
        Periode(debut, fin),
        texte_unites,
        resultats,
        details,
        hors_periode,
        avertissements,
        erreurs,
    )
