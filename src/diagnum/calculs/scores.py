"""Calcul des scores d'une campagne : une fonction pure, ``calculer_profil``.

Les règles viennent du référentiel (section ``notation``) :
- affirmation : « oui » vaut 1, « non » 0 ; « sans objet » et l'absence de
  réponse sont écartés ;
- répartition : (0 × jamais + ½ × occasionnellement + 1 × régulièrement) / somme,
  avec les poids déclarés ;
- nombre : valeur / total (ou cible déclarée), plafonné à 1 ;
- proportion : valeur / 100 ;
- un item posé sous condition (« Si oui ») ne compte que si la condition est
  remplie ;
- matrice (3.3.4) : chaque service proposé compte comme un item, de valeur la
  moyenne de ses affirmations ; un service « sans objet » est écarté.

Un domaine structurel a pour score la moyenne de ses items ; un domaine
d'usage a deux chiffres : l'usage (moyenne des indicateurs, c'est son score)
et les moyens (moyenne des éléments d'analyse). Scores de 0 à 100 ; ``None``
quand rien n'est calculable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from diagnum.affichage import modalite, nombre_fr
from diagnum.campagne.modele import Campagne, Etablissement
from diagnum.campagne.validation import condition_remplie
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Domaine, Item, Notation, Referentiel


@dataclass(frozen=True, slots=True)
class Contribution:
    """La part d'un item (ou d'un service de la matrice) dans un chiffre de domaine."""

    item: str
    libelle: str
    role: str
    valeur: float
    detail: str
    ligne: str | None = None

    @property
    def cle(self) -> str:
        return f"{self.item}.{self.ligne}" if self.ligne else self.item


@dataclass(frozen=True, slots=True)
class Levier:
    """Une réponse dont l'amélioration ferait le plus monter un chiffre du domaine."""

    item: str
    libelle: str
    role: str
    gain: float
    actuel: str
    ligne: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreDomaine:
    """Les chiffres d'un domaine du diagramme de synthèse."""

    id: str
    section: str
    titre: str
    axe: str
    nature: str
    score: float | None
    completude: float
    provisoire: bool
    repondus: int
    attendus: int
    usage: float | None = None
    moyens: float | None = None
    contributions: tuple[Contribution, ...] = ()
    leviers: tuple[Levier, ...] = ()
    sans_reponse: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EtatObligation:
    """Une obligation réglementaire et la réponse de l'établissement."""

    id: str
    libelle: str
    contexte: str | None
    reponse: str | None

    @property
    def respectee(self) -> bool:
        return self.reponse == OUI


@dataclass(frozen=True, slots=True)
class Profil:
    """Le profil d'un établissement pour une campagne."""

    referentiel: str
    etablissement: Etablissement
    campagne: str
    date: dt.date | None
    domaines: tuple[ScoreDomaine, ...]
    obligations: tuple[EtatObligation, ...]
    reference: dict[str, int | None] = field(default_factory=dict)

    @property
    def obligations_triees(self) -> tuple[EtatObligation, ...]:
        """Les obligations non respectées (ou sans réponse) d'abord."""
        return tuple(sorted(self.obligations, key=lambda o: o.respectee))

    def domaine(self, identifiant: str) -> ScoreDomaine | None:
        return next((d for d in self.domaines if d.id == identifiant), None)


def _moyenne(valeurs: list[float]) -> float | None:
    return sum(valeurs) / len(valeurs) if valeurs else None


def _pourcent(valeur: float | None) -> float | None:
    return None if valeur is None else round(100 * valeur, 1)


def _denominateur(item: Item, reference: dict[str, int | None]) -> float | None:
    if item.cible is not None:
        base = reference.get(item.cible.reference)
        return None if base is None else base * item.cible.facteur
    return None if item.total is None else reference.get(item.total)


def valeur_item(
    item: Item, reponse: object, referentiel: Referentiel, reference: dict[str, int | None]
) -> tuple[float, str] | None:
    """Valeur (0 à 1) et description d'une réponse, ou ``None`` si elle ne compte pas."""
    notation = referentiel.notation
    if reponse is None:
        return None
    if item.nature == "affirmation":
        if reponse == SANS_OBJET or reponse not in notation.affirmation:
            return None
        return notation.affirmation[reponse], str(reponse)
    if item.nature == "proportion":
        return min(float(reponse) / notation.proportion_diviseur, notation.plafond), f"{nombre_fr(reponse, 2)}\u00a0%"
    if item.nature == "nombre":
        denominateur = _denominateur(item, reference)
        if not denominateur or denominateur <= 0:
            return None
        valeur = min(reponse / denominateur, notation.plafond)
        if item.cible is not None:
            return valeur, f"{reponse} (cible {nombre_fr(denominateur, 2)})"
        return valeur, f"{reponse} sur {nombre_fr(denominateur, 2)}"
    if item.nature == "repartition":
        somme = sum(reponse[m] for m in MODALITES)
        if somme <= 0:
            return None
        valeur = sum(notation.repartition[m] * reponse[m] for m in MODALITES) / somme
        detail = ", ".join(f"{modalite(m)} {reponse[m]}" for m in MODALITES)
        return valeur, detail
    return None


def _contributions(
    domaine: Domaine, campagne: Campagne, referentiel: Referentiel
) -> tuple[list[Contribution], int, int, list[str]]:
    reponses = campagne.reponses.get(domaine.id, {})
    contributions: list[Contribution] = []
    repondus = attendus = 0
    manquants: list[str] = []
    notation = referentiel.notation
    for item in domaine.items:
        if condition_remplie(referentiel, campagne.reponses, item) is not True:
            continue
        reponse = reponses.get(item.id)
        if item.nature == "matrice":
            lignes = reponse if isinstance(reponse, dict) else {}
            for ligne in item.lignes:
                cellules = lignes.get(ligne.id) or {}
                valeurs = []
                for colonne in item.colonnes:
                    attendus += 1
                    cellule = cellules.get(colonne.id)
                    if cellule is None:
                        manquants.append(f"{item.id}.{ligne.id}.{colonne.id}")
                        continue
                    repondus += 1
                    if cellule in (OUI, NON):
                        valeurs.append(notation.affirmation[cellule])
                if valeurs:
                    oui = sum(1 for c in cellules.values() if c == OUI)
                    contributions.append(
                        Contribution(
                            item.id,
                            ligne.libelle,
                            item.role,
                            sum(valeurs) / len(valeurs),
                            f"{oui} « oui » sur {len(valeurs)}",
                            ligne.id,
                        )
                    )
            continue
        attendus += 1
        if reponse is None:
            manquants.append(item.id)
            continue
        repondus += 1
        resultat = valeur_item(item, reponse, referentiel, campagne.reference)
        if resultat is not None:
            contributions.append(Contribution(item.id, item.libelle, item.role, resultat[0], resultat[1]))
    return contributions, repondus, attendus, manquants


def _leviers(contributions: list[Contribution], plafond: float, nombre: int) -> tuple[Levier, ...]:
    par_role: dict[str, list[Contribution]] = {}
    for c in contributions:
        par_role.setdefault(c.role, []).append(c)
    leviers = []
    for role, groupe in par_role.items():
        for c in groupe:
            if c.valeur >= plafond:
                continue
            gain = 100 * (plafond - c.valeur) / len(groupe)
            leviers.append(Levier(c.item, c.libelle, role, round(gain, 1), c.detail, c.ligne))
    leviers.sort(key=lambda levier: (-levier.gain, levier.item, levier.ligne or ""))
    return tuple(leviers[:nombre])


def score_domaine(domaine: Domaine, campagne: Campagne, referentiel: Referentiel) -> ScoreDomaine:
    """Les chiffres d'un domaine pour une campagne."""
    contributions, repondus, attendus, manquants = _contributions(domaine, campagne, referentiel)
    completude = repondus / attendus if attendus else 0.0
    notation = referentiel.notation

    def chiffre(role: str) -> float | None:
        return _pourcent(_moyenne([c.valeur for c in contributions if c.role == role]))

    if domaine.est_usage:
        usage, moyens = chiffre("usage"), chiffre("moyens")
        score = usage
    else:
        usage = moyens = None
        score = chiffre("score")
    return ScoreDomaine(
        id=domaine.id,
        section=domaine.section,
        titre=domaine.titre,
        axe=domaine.axe,
        nature=domaine.nature,
        score=score,
        completude=round(completude, 4),
        provisoire=score is not None and completude < notation.seuil_provisoire,
        repondus=repondus,
        attendus=attendus,
        usage=usage,
        moyens=moyens,
        contributions=tuple(contributions),
        leviers=_leviers(contributions, notation.plafond, notation.leviers),
        sans_reponse=tuple(manquants),
    )


def calculer_profil(campagne: Campagne, referentiel: Referentiel) -> Profil:
    """Le profil complet : un ``ScoreDomaine`` par domaine, et les obligations."""
    return Profil(
        referentiel=referentiel.version,
        etablissement=campagne.etablissement,
        campagne=campagne.libelle,
        date=campagne.date,
        domaines=tuple(score_domaine(d, campagne, referentiel) for d in referentiel.domaines),
        obligations=tuple(
            EtatObligation(item.id, item.libelle, item.contexte, campagne.obligations.get(item.id))
            for item in referentiel.obligations.items
        ),
        reference=dict(campagne.reference),
    )


@dataclass(frozen=True, slots=True)
class Lecture:
    """Ce que les seuils du référentiel (``notation``) font dire à un profil."""

    forts: tuple[ScoreDomaine, ...]
    faibles: tuple[ScoreDomaine, ...]
    sous_utilises: tuple[ScoreDomaine, ...]
    freines: tuple[ScoreDomaine, ...]
    sans_score: tuple[ScoreDomaine, ...]
    obligations_non_respectees: tuple[EtatObligation, ...]


def lire_profil(profil: Profil, notation: Notation) -> Lecture:
    """Points forts (score ≥ ``point_fort``), points faibles (score < ``point_faible``),
    domaines d'usage dont les moyens dépassent l'usage d'au moins ``ecart_moyens_usage``
    (équipement sous-utilisé) ou l'inverse (pratique freinée par l'équipement)."""
    notes = [d for d in profil.domaines if d.score is not None]
    ecarts = [d for d in profil.domaines if d.usage is not None and d.moyens is not None]
    return Lecture(
        forts=tuple(sorted((d for d in notes if d.score >= notation.point_fort), key=lambda d: -d.score)),
        faibles=tuple(sorted((d for d in notes if d.score < notation.point_faible), key=lambda d: d.score)),
        sous_utilises=tuple(d for d in ecarts if d.moyens - d.usage >= notation.ecart_moyens_usage),
        freines=tuple(d for d in ecarts if d.usage - d.moyens >= notation.ecart_moyens_usage),
        sans_score=tuple(d for d in profil.domaines if d.score is None),
        obligations_non_respectees=tuple(o for o in profil.obligations_triees if not o.respectee),
    )


def profil_en_dict(profil: Profil) -> dict:
    """Le profil en données JSON : scores de 0 à 100 (ou ``None``), complétude de 0 à 1,
    obligations non respectées d'abord."""
    etablissement = profil.etablissement
    return {
        "referentiel": profil.referentiel,
        "etablissement": {
            "nom": etablissement.nom,
            "uai": etablissement.uai,
            "commune": etablissement.commune,
        },
        "campagne": profil.campagne,
        "date": profil.date.isoformat() if profil.date else None,
        "domaines": [
            {
                "id": d.id,
                "section": d.section,
                "titre": d.titre,
                "axe": d.axe,
                "nature": d.nature,
                "score": d.score,
                "usage": d.usage,
                "moyens": d.moyens,
                "completude": d.completude,
                "provisoire": d.provisoire,
                "repondus": d.repondus,
                "attendus": d.attendus,
                "leviers": [
                    {
                        "item": levier.item,
                        "ligne": levier.ligne,
                        "libelle": levier.libelle,
                        "role": levier.role,
                        "gain": levier.gain,
                        "actuel": levier.actuel,
                    }
                    for levier in d.leviers
                ],
                "sans_reponse": list(d.sans_reponse),
            }
            for d in profil.domaines
        ],
        "obligations": [
            {"id": o.id, "libelle": o.libelle, "reponse": o.reponse, "respectee": o.respectee}
            for o in profil.obligations_triees
        ],
    }
