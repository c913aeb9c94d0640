"""Les chiffres du territoire : des données lues dans la base, un objet simple pour les gabarits.

``construire_synthese`` est pure : elle reçoit les séries déjà extraites
(``DonneesTerritoire``, voir ``lire_donnees`` pour la lecture dans la base) et
rend une ``Synthese`` que rend le gabarit Markdown (et demain un gabarit HTML)
sans autre calcul. En mode anonyme, toute statistique portant sur moins de
``SEUIL_ANONYMAT`` établissements est remplacée par le texte ``MASQUE``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Item, Referentiel
from diagnum.territoire.collecte import PARTIE_OBLIGATIONS, PARTIE_REFERENCE, Rejet
from diagnum.territoire.statistiques import Resume, mediane, resumer

SEUIL_ANONYMAT = 5
MASQUE = f"moins de {SEUIL_ANONYMAT} établissements"
METHODE_QUANTILES = (
    "quartiles par interpolation linéaire entre les deux valeurs de rang voisin (type 7 de Hyndman et Fan, "
    "celle de QUARTILE.INCLURE dans LibreOffice et Excel)"
)

Stat = Resume | str | None


@dataclass(slots=True)
class DonneesTerritoire:
    """Les séries du territoire, par campagne (extraites de la base par ``lire_donnees``)."""

    #: campagne → complétude de chaque établissement (0 à 1)
    completudes: dict[str, list[float]] = field(default_factory=dict)
    #: (campagne, domaine) → listes des scores, usages et moyens (``None`` : sans chiffre)
    scores: dict[tuple[str, str], tuple[list, list, list]] = field(default_factory=dict)
    #: (campagne, domaine, item) → nombre de « oui », de « non », de « sans objet »
    affirmations: dict[tuple[str, str, str], tuple[int, int, int]] = field(default_factory=dict)
    #: (campagne, domaine, item.modalite) → (somme des effectifs, nombre d'établissements)
    sommes: dict[tuple[str, str, str], tuple[float, int]] = field(default_factory=dict)
    #: (campagne, domaine, item) → rapports valeur / total de chaque établissement
    ratios: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LigneDomaine:
    id: str
    section: str
    axe: str
    nature: str
    score: Stat
    usage: Stat = None
    moyens: Stat = None


@dataclass(frozen=True, slots=True)
class PartOui:
    libelle: str
    section: str
    oui: int
    repondants: int
    sans_objet: int
    part: float | str | None


@dataclass(frozen=True, slots=True)
class ObligationNonTenue:
    libelle: str
    non: int
    sans_reponse: int
    masque: bool


@dataclass(frozen=True, slots=True)
class SommeRepartition:
    libelle: str
    section: str
    total: str
    effectifs: dict[str, int] | str
    etablissements: int


@dataclass(frozen=True, slots=True)
class Ratio:
    libelle: str
    section: str
    total: str
    mediane: float | str | None
    etablissements: int


@dataclass(slots=True)
class StatCampagne:
    campagne: str
    etablissements: int
    completude: Stat
    completes: int | str
    domaines: list[LigneDomaine]
    affirmations: list[PartOui]
    obligations: list[ObligationNonTenue]
    repartitions: list[SommeRepartition]
    ratios: list[Ratio]
    image: str


@dataclass(slots=True)
class Synthese:
    """Tout ce qu'affiche le rapport de synthèse, prêt à rendre."""

    referentiel: str
    titre_referentiel: str
    anonyme: bool
    campagnes: list[StatCampagne]
    #: (domaine, {campagne: médiane du score}) quand il y a plusieurs campagnes
    medianes: list[tuple[LigneDomaine, dict[str, float | str | None]]]
    fichiers: int
    rejets: list[Rejet]
    ecartes: int
    methode: str = METHODE_QUANTILES
    seuil: int = SEUIL_ANONYMAT
    masque: str = MASQUE


def nom_image_boites(rang: int) -> str:
    """Le nom du graphique en boîtes de la rang-ième campagne (1, 2…)."""
    return f"boites-{rang}.png"


def _publier(resume: Resume | None, anonyme: bool) -> Stat:
    if resume is not None and anonyme and resume.n < SEUIL_ANONYMAT:
        return MASQUE
    return resume


def construire_synthese(
    referentiel: Referentiel,
    donnees: DonneesTerritoire,
    *,
    anonyme: bool,
    fichiers: int = 0,
    rejets: list[Rejet] | None = None,
    ecartes: int = 0,
) -> Synthese:
    """La synthèse du territoire (pure)."""
    campagnes = []
    for rang, campagne in enumerate(sorted(donnees.completudes), 1):
        completudes = donnees.completudes[campagne]
        n = len(completudes)
        petit = anonyme and n < SEUIL_ANONYMAT
        domaines = []
        for d in referentiel.domaines:
            series = donnees.scores.get((campagne, d.id), ([], [], []))
            score, usage, moyens = (_publier(resumer(s), anonyme) for s in series)
            domaines.append(LigneDomaine(d.id, d.section, d.axe, d.nature, score, usage, moyens))
        campagnes.append(
            StatCampagne(
                campagne=campagne,
                etablissements=n,
                completude=_publier(resumer(completudes), anonyme),
                completes=MASQUE if petit else sum(1 for c in completudes if c >= 1),
                domaines=domaines,
                affirmations=_affirmations(referentiel, donnees, campagne, anonyme),
                obligations=[
                    ObligationNonTenue(
                        item.libelle,
                        (compte := donnees.affirmations.get((campagne, PARTIE_OBLIGATIONS, item.id), (0, 0, 0)))[1],
                        n - sum(compte),
                        petit,
                    )
                    for item in referentiel.obligations.items
                ],
                repartitions=_repartitions(referentiel, donnees, campagne, anonyme),
                ratios=_ratios(referentiel, donnees, campagne, anonyme),
                image=nom_image_boites(rang),
            )
        )
    medianes = []
    if len(campagnes) > 1:
        for i in range(len(referentiel.domaines)):
            valeurs: dict[str, float | str | None] = {}
            for c in campagnes:
                score = c.domaines[i].score
                valeurs[c.campagne] = score.mediane if isinstance(score, Resume) else score
            medianes.append((campagnes[0].domaines[i], valeurs))
    return Synthese(
        referentiel=referentiel.version,
        titre_referentiel=referentiel.titre,
        anonyme=anonyme,
        campagnes=campagnes,
        medianes=medianes,
        fichiers=fichiers,
        rejets=list(rejets or []),
        ecartes=ecartes,
    )


def _affirmations(referentiel: Referentiel, donnees: DonneesTerritoire, campagne: str, anonyme: bool) -> list[PartOui]:
    parts = []
    for d in referentiel.domaines:
        for item in d.items:
            if item.nature == "affirmation":
                cles = [(item.id, item.question, item.section)]
            elif item.nature == "matrice":
                cles = [
                    (f"{item.id}.{ligne.id}.{colonne.id}", f"{ligne.libelle} : {colonne.libelle}", item.section)
                    for ligne in item.lignes
                    for colonne in item.colonnes
                ]
            else:
                continue
            for cle, libelle, section in cles:
                oui, non, sans_objet = donnees.affirmations.get((campagne, d.id, cle), (0, 0, 0))
                repondants = oui + non
                if repondants == 0:
                    part: float | str | None = None
                elif anonyme and repondants < SEUIL_ANONYMAT:
                    part = MASQUE
                else:
                    part = oui / repondants
                parts.append(PartOui(libelle, section, oui, repondants, sans_objet, part))
    # Triées par part de « oui » décroissante ; les parts non publiées ou sans réponse à la fin.
    return sorted(parts, key=lambda p: (not isinstance(p.part, float), -(p.part if isinstance(p.part, float) else 0)))


def _decrire(item: Item, referentiel: Referentiel) -> tuple[str, str, str]:
    """Libellé, section et libellé de l'effectif de référence d'un item."""
    total = referentiel.item(item.total) if item.total else None
    return (
        item.libelle.rstrip(" :\u00a0"),
        item.section,
        total.libelle.rstrip(" :\u00a0") if total is not None else "",
    )


def _repartitions(
    referentiel: Referentiel, donnees: DonneesTerritoire, campagne: str, anonyme: bool
) -> list[SommeRepartition]:
    lignes = []
    for d in referentiel.domaines:
        for item in d.items:
            if item.nature != "repartition":
                continue
            sommes = {m: donnees.sommes.get((campagne, d.id, f"{item.id}.{m}"), (0, 0)) for m in MODALITES}
            etablissements = max(n for _, n in sommes.values())
            if etablissements == 0:
                continue
            effectifs: dict[str, int] | str = {m: int(s) for m, (s, _) in sommes.items()}
            if anonyme and etablissements < SEUIL_ANONYMAT:
                effectifs = MASQUE
            lignes.append(SommeRepartition(*_decrire(item, referentiel), effectifs, etablissements))
    return lignes


def _ratios(referentiel: Referentiel, donnees: DonneesTerritoire, campagne: str, anonyme: bool) -> list[Ratio]:
    lignes = []
    for d, item in items_equipement(referentiel):
        valeurs = donnees.ratios.get((campagne, d, item.id), [])
        if not valeurs:
            continue
        valeur: float | str | None = MASQUE if anonyme and len(valeurs) < SEUIL_ANONYMAT else mediane(valeurs)
        lignes.append(Ratio(*_decrire(item, referentiel), valeur, len(valeurs)))
    return lignes


def items_equipement(referentiel: Referentiel):
    """Les équipements dénombrés : items « nombre » des éléments d'analyse (moyens) rapportés à un total."""
    return [
        (d.id, item)
        for d in referentiel.domaines
        for item in d.items
        if item.nature == "nombre" and item.role == "moyens" and item.total
    ]


# --------------------------------------------------------------------------
# Lecture dans la base (bord I/O)


def lire_donnees(connexion: sqlite3.Connection, referentiel: Referentiel) -> DonneesTerritoire:
    """Les séries de ``DonneesTerritoire``, lues dans une base de synthèse."""
    donnees = DonneesTerritoire()
    for campagne, completude in connexion.execute("SELECT campagne, completude FROM campagnes ORDER BY id"):
        donnees.completudes.setdefault(campagne, []).append(completude)
    series: dict[tuple[str, str], tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for campagne, domaine, score, usage, moyens in connexion.execute(
        "SELECT c.campagne, s.domaine, s.score, s.usage, s.moyens FROM scores s JOIN campagnes c ON c.id = s.campagne_id"
    ):
        liste = series[(campagne, domaine)]
        liste[0].append(score)
        liste[1].append(usage)
        liste[2].append(moyens)
    donnees.scores = dict(series)
    for campagne, domaine, item, oui, non, sans_objet in connexion.execute(
        "SELECT c.campagne, r.domaine, r.item, SUM(r.valeur = ?), SUM(r.valeur = ?), SUM(r.valeur = ?) "
        "FROM reponses r JOIN campagnes c ON c.id = r.campagne_id WHERE r.nombre IS NULL "
        "GROUP BY c.campagne, r.domaine, r.item",
        (OUI, NON, SANS_OBJET),
    ):
        donnees.affirmations[(campagne, domaine, item)] = (oui, non, sans_objet)
    for d in referentiel.domaines:
        for item in d.items:
            if item.nature != "repartition":
                continue
            for m in MODALITES:
                for campagne, somme, nombre in connexion.execute(
                    "SELECT c.campagne, SUM(r.nombre), COUNT(*) FROM reponses r JOIN campagnes c "
                    "ON c.id = r.campagne_id WHERE r.domaine = ? AND r.item = ? GROUP BY c.campagne",
                    (d.id, f"{item.id}.{m}"),
                ):
                    donnees.sommes[(campagne, d.id, f"{item.id}.{m}")] = (somme, nombre)
    for domaine, item in items_equipement(referentiel):
        for campagne, valeur, total in connexion.execute(
            "SELECT c.campagne, r.nombre, t.nombre FROM reponses r JOIN campagnes c ON c.id = r.campagne_id "
            "JOIN reponses t ON t.campagne_id = r.campagne_id AND t.domaine = ? AND t.item = ? "
            "WHERE r.domaine = ? AND r.item = ? AND t.nombre > 0",
            (PARTIE_REFERENCE, item.total, domaine, item.id),
        ):
            donnees.ratios.setdefault((campagne, domaine, item.id), []).append(valeur / total)
    return donnees
