"""Les chiffres du territoire : des données lues dans la base, un objet simple pour les gabarits.

``construire_synthese`` est pure : elle reçoit les séries déjà réunies
(``DonneesTerritoire``, remplies fiche après fiche par ``Accumulateur``) et
rend une ``Synthese`` que rend le gabarit Markdown (et demain un gabarit HTML)
sans autre calcul. En mode anonyme, toute statistique portant sur moins de
``SEUIL_ANONYMAT`` établissements est remplacée par le texte ``MASQUE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Item, Referentiel
from diagnum.territoire.collecte import PARTIE_OBLIGATIONS, PARTIE_REFERENCE, Fiche, Rejet
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
    """Les séries du territoire, par campagne (remplies par ``Accumulateur``)."""

    #: campagne → complétude de chaque établissement (0 à 1)
    completudes: dict[str, list[float]] = field(default_factory=dict)
    #: (campagne, domaine) → listes des scores, usages et moyens (``None`` : sans chiffre)
    scores: dict[tuple[str, str], tuple[list, list, list]] = field(default_factory=dict)
    #: (campagne, domaine, item) → nombre de « oui », de « non », de « sans objet »
    affirmations: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    #: (campagne, domaine, item.modalite) → (somme des effectifs, nombre d'établissements)
    sommes: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
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
    #: Les fichiers d'une autre campagne (``Ecart``), nommés dans le rapport sans --anonyme.
    ecarts: list = field(default_factory=list)
    #: Avec --attendus : les établissements attendus sans campagne utilisable (``attendus.Manquant``).
    manquants: list | None = None
    attendus: int = 0
    campagne_attendue: str | None = None
    methode: str = METHODE_QUANTILES
    seuil: int = SEUIL_ANONYMAT
    masque: str = MASQUE


def nom_image_boites(rang: int) -> str:
    """Le nom du graphique en boîtes de la rang-ième campagne (1, 2…)."""
    return f"boites-{rang}.png"


def _publier(resume: Resume | None, anonyme: bool) -> Stat:
    """Un résumé tel qu'il peut être publié : en mode anonyme, masqué sous ``SEUIL_ANONYMAT``
    établissements, et sans minimum ni maximum (chacun est le chiffre d'un établissement)."""
    if resume is None or not anonyme:
        return resume
    if resume.n < SEUIL_ANONYMAT:
        return MASQUE
    return resume._replace(minimum=None, maximum=None)


def construire_synthese(
    referentiel: Referentiel,
    donnees: DonneesTerritoire,
    *,
    anonyme: bool,
    fichiers: int = 0,
    rejets: list[Rejet] | None = None,
    ecarts: list | None = None,
    manquants: list | None = None,
    attendus: int = 0,
    campagne_attendue: str | None = None,
) -> Synthese:
    """La synthèse du territoire (pure)."""
    campagnes = []
    retenues = sorted(c for c, completudes in donnees.completudes.items() if completudes)
    for rang, campagne in enumerate(retenues, 1):
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
        ecartes=len(ecarts or ()),
        ecarts=list(ecarts or ()),
        manquants=manquants,
        attendus=attendus,
        campagne_attendue=campagne_attendue,
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
# Les séries, accumulées fiche après fiche


class Accumulateur:
    """Construit ``DonneesTerritoire`` au fil de la lecture : ``ajouter(fiche)`` pour chaque campagne
    retenue, ``retirer(fiche)`` pour une campagne écartée après coup (doublon). Rien n'est gardé des
    fiches elles-mêmes : des compteurs, et une valeur par établissement pour les séries à quantiles."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.donnees = DonneesTerritoire()
        self._sommes = {
            (d.id, f"{item.id}.{m}") for d in referentiel.domaines for item in d.items if item.nature == "repartition"
            for m in MODALITES
        }  # fmt: skip
        self._equipements = {(d, item.id): item.total for d, item in items_equipement(referentiel)}
        self._rang = {OUI: 0, NON: 1, SANS_OBJET: 2}

    def ajouter(self, fiche: Fiche) -> None:
        self._compter(fiche, 1)

    def retirer(self, fiche: Fiche) -> None:
        self._compter(fiche, -1)

    @staticmethod
    def _serie(liste: list, valeur: object, signe: int) -> None:
        if signe > 0:
            liste.append(valeur)
        else:
            liste.remove(valeur)

    def _compter(self, fiche: Fiche, signe: int) -> None:
        d = self.donnees
        campagne = fiche.campagne
        self._serie(d.completudes.setdefault(campagne, []), fiche.completude, signe)
        for domaine, score, usage, moyens, *_ in fiche.scores:
            series = d.scores.setdefault((campagne, domaine), ([], [], []))
            for liste, valeur in zip(series, (score, usage, moyens), strict=True):
                self._serie(liste, valeur, signe)
        reference = {item: nombre for domaine, item, _, nombre in fiche.reponses if domaine == PARTIE_REFERENCE}
        affirmations, sommes, ratios = d.affirmations, d.sommes, d.ratios
        for domaine, item, valeur, nombre in fiche.reponses:
            if nombre is None:
                rang = self._rang.get(valeur)
                if rang is not None:
                    compte = affirmations.setdefault((campagne, domaine, item), [0, 0, 0])
                    compte[rang] += signe
            elif (domaine, item) in self._sommes:
                somme = sommes.setdefault((campagne, domaine, item), [0, 0])
                somme[0] += signe * nombre
                somme[1] += signe
            elif (domaine, item) in self._equipements:
                total = reference.get(self._equipements[(domaine, item)])
                if total:
                    self._serie(ratios.setdefault((campagne, domaine, item), []), nombre / total, signe)
