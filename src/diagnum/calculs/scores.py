"""Calcul des scores d'une campagne : une fonction pure, ``calculer_profil``.

Les règles viennent du référentiel (section ``notation``) et sont décrites
mot pour mot dans « Comment les scores sont calculés » (README et rapports,
gabarit ``rapports/modeles/calcul.md.j2``) ; ce qui compte comme posé,
répondu ou écarté vient de ``calculs.regles``, partagé avec ``valider``.

- affirmation : « oui » vaut 1, « non » 0 ; « sans objet » est écarté ;
- répartition : (0 × jamais + ½ × occasionnellement + 1 × régulièrement) /
  personnes comptées ; sa couverture (personnes comptées / nombre de
  référence) est son poids dans la complétude ;
- nombre : valeur / total (ou cible déclarée), plafonné à 1 ; incalculable
  sans nombre de référence ; les nombres d'une même « mesure » (TNI et
  vidéoprojecteur fixe) comptent ensemble, leur somme sur leur total ;
- proportion : valeur / 100 ;
- matrice (3.3.4) : chaque service proposé compte comme un item, de valeur la
  moyenne de ses affirmations.

Un domaine structurel a pour score la moyenne de ses valeurs ; un domaine
d'usage a deux chiffres : l'usage (moyenne des indicateurs, c'est son score)
et les moyens (moyenne des éléments d'analyse). Scores de 0 à 100 arrondis
au dixième ; ``None`` quand rien n'est calculable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from diagnum.affichage import modalite, nombre_fr
from diagnum.calculs.regles import (
    CONDITION,
    PERSONNE,
    REFERENCE,
    SANS_OBJET_PARTIEL,
    Question,
    completude,
    denominateur,
    questions,
    reference_manquante,
)
from diagnum.calculs.seuils import atteint, ecart_atteint, part_sous
from diagnum.campagne.modele import Campagne, Etablissement
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Domaine, Item, Mesure, Notation, Referentiel


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
class Couverture:
    """Les personnes (ou divisions) qu'une répartition compte, sur son nombre de référence."""

    item: str
    libelle: str
    comptes: int
    reference: int | None
    unite: str
    feminin: bool = False

    @property
    def part(self) -> float | None:
        """La couverture, de 0 à 1 (plafonnée), ou ``None`` sans nombre de référence."""
        return min(self.comptes / self.reference, 1.0) if self.reference else None

    @property
    def phrase(self) -> str:
        """« 48 enseignants comptés sur 110 »."""
        accord = "comptées" if self.feminin else "comptés"
        sur = f"sur {nombre_fr(self.reference)}" if self.reference else "(nombre de référence manquant)"
        return f"{nombre_fr(self.comptes)} {self.unite} {accord} {sur}"


@dataclass(frozen=True, slots=True)
class Incalculable:
    """Une réponse qui ne peut pas entrer dans son chiffre faute de nombre de référence."""

    item: str
    libelle: str
    reference: str
    role: str


@dataclass(frozen=True, slots=True)
class ScoreDomaine:
    """Les chiffres d'un domaine du diagramme de synthèse.

    ``completude`` porte sur toutes les questions du domaine ; ``provisoire``
    ne dépend que des questions qui font le score (les indicateurs d'un
    domaine d'usage), ``moyens_provisoire`` de ses éléments d'analyse.
    """

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
    completude_usage: float | None = None
    completude_moyens: float | None = None
    moyens_provisoire: bool = False
    couvertures: tuple[Couverture, ...] = ()
    incalculables: tuple[Incalculable, ...] = ()


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
class TauxReponse:
    """Une enquête importée : combien ont répondu, sur le nombre de référence de leur public."""

    public: str
    repondants: int
    reference: int | None
    unite: str
    date: dt.date | None = None

    @property
    def taux(self) -> float | None:
        return self.repondants / self.reference if self.reference else None

    @property
    def phrase(self) -> str:
        """« 38 enseignants sur 47 ont répondu »."""
        sur = f" sur {self.reference}" if self.reference else ""
        return f"{self.repondants} {self.unite}{sur} ont répondu"


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
    enquetes: tuple[TauxReponse, ...] = ()

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


def valeur_item(
    item: Item, reponse: object, referentiel: Referentiel, reference: dict[str, int | None], detail: bool = True
) -> tuple[float, str] | None:
    """Valeur (0 à 1) et description d'une réponse, ou ``None`` si elle ne compte pas (``detail`` faux :
    description vide, pour qui ne veut que les chiffres)."""
    notation = referentiel.notation
    if reponse is None:
        return None
    if item.nature == "affirmation":
        if reponse == SANS_OBJET or reponse not in notation.affirmation:
            return None
        return notation.affirmation[reponse], str(reponse)
    if item.nature == "proportion":
        valeur = min(float(reponse) / notation.proportion_diviseur, notation.plafond)
        return valeur, f"{nombre_fr(reponse, 2)}\u00a0%" if detail else ""
    if item.nature == "nombre":
        base = denominateur(item, reference)
        if base is None:
            return None
        valeur = min(reponse / base, notation.plafond)
        if not detail:
            return valeur, ""
        if item.cible is not None:
            return valeur, f"{nombre_fr(reponse)} (cible {nombre_fr(base, 2)})"
        return valeur, f"{nombre_fr(reponse)} sur {nombre_fr(base, 2)}"
    if item.nature == "repartition":
        somme = sum(reponse[m] for m in MODALITES)
        if somme <= 0:
            return None
        valeur = sum(notation.repartition[m] * reponse[m] for m in MODALITES) / somme
        if not detail:
            return valeur, ""
        return valeur, ", ".join(f"{modalite(m)} {nombre_fr(reponse[m])}" for m in MODALITES)
    return None


def _compte(question: Question) -> bool:
    """Une réponse entre-t-elle dans le score ? (une répartition sans nombre de
    référence y entre : sa valeur ne dépend que des personnes comptées)."""
    if question.valeur is None or question.ecartee in (CONDITION, PERSONNE, SANS_OBJET_PARTIEL):
        return False
    return question.ecartee != REFERENCE or question.item.nature == "repartition"


def _contribution_mesure(
    mesure: Mesure,
    membres: list[Question],
    referentiel: Referentiel,
    reference: dict[str, int | None],
    detail: bool = True,
) -> Contribution | None:
    comptes = [q for q in membres if _compte(q)]
    base = denominateur(membres[0].item, reference)
    if not comptes or base is None:
        return None
    somme = sum(int(q.valeur) for q in comptes)
    valeur = min(somme / base, referentiel.notation.plafond)
    if not detail:
        return Contribution(mesure.id, mesure.libelle, membres[0].item.role, valeur, "")
    parties = " + ".join(str(q.valeur) if _compte(q) else "sans réponse" for q in membres)
    sur = f"cible {nombre_fr(base, 2)}" if membres[0].item.cible is not None else f"sur {nombre_fr(base, 2)}"
    return Contribution(mesure.id, mesure.libelle, membres[0].item.role, valeur, f"{parties} = {somme} ({sur})")


def _contributions(
    domaine: Domaine, campagne: Campagne, referentiel: Referentiel, liste: list[Question], detail: bool = True
):
    contributions: list[Contribution] = []
    notation = referentiel.notation
    vues: set[str] = set()
    for question in liste:
        item = question.item
        if item.nature == "matrice":
            if question.colonne != item.colonnes[0].id:
                continue  # une contribution par service, construite sur sa première case
            cases = [q for q in liste if q.item.id == item.id and q.ligne == question.ligne]
            valeurs = [notation.affirmation[q.valeur] for q in cases if q.valeur in (OUI, NON)]
            if valeurs:
                libelle = next(ligne.libelle for ligne in item.lignes if ligne.id == question.ligne)
                oui = sum(1 for q in cases if q.valeur == OUI)
                detail = f"{oui} « oui » sur {len(valeurs)}"
                contributions.append(
                    Contribution(item.id, libelle, item.role, sum(valeurs) / len(valeurs), detail, question.ligne)
                )
            continue
        mesure = domaine.mesure_de(item.id)
        if mesure is not None:
            if mesure.id not in vues:
                vues.add(mesure.id)
                membres = [q for q in liste if q.item.id in mesure.items]
                contribution = _contribution_mesure(mesure, membres, referentiel, campagne.reference, detail)
                if contribution is not None:
                    contributions.append(contribution)
            continue
        if not _compte(question):
            continue
        resultat = valeur_item(item, question.valeur, referentiel, campagne.reference, detail)
        if resultat is not None:
            contributions.append(Contribution(item.id, item.libelle, item.role, *resultat))
    return contributions


def _couverture(question: Question, referentiel: Referentiel) -> Couverture:
    total = referentiel.item(question.item.total or "")
    unite = (total.unite if total is not None else None) or question.item.total or ""
    return Couverture(
        question.item.id,
        question.item.libelle,
        question.comptes or 0,
        question.reference,
        unite,
        bool(total is not None and total.feminin),
    )


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


def score_domaine(domaine: Domaine, campagne: Campagne, referentiel: Referentiel, leger: bool = False) -> ScoreDomaine:
    """Les chiffres d'un domaine pour une campagne ; ``leger`` : seulement les chiffres (scores,
    complétudes, répondus), sans leviers, couvertures ni descriptions des contributions (la synthèse
    d'un territoire, qui n'en affiche rien, calcule ainsi des milliers de profils)."""
    liste = list(questions(referentiel, campagne.reponses, campagne.reference, domaine.id))
    contributions = _contributions(domaine, campagne, referentiel, liste, not leger)
    notation = referentiel.notation
    attendues = [q for q in liste if q.attendue]

    def chiffre(role: str) -> float | None:
        return _pourcent(_moyenne([c.valeur for c in contributions if c.role == role]))

    def completude_role(role: str) -> float:
        return completude([q for q in liste if q.item.role == role])

    if domaine.est_usage:
        usage, moyens = chiffre("usage"), chiffre("moyens")
        completude_usage, completude_moyens = completude_role("usage"), completude_role("moyens")
        score, completude_score = usage, completude_usage
    else:
        usage = moyens = completude_usage = completude_moyens = None
        score = chiffre("score")
        completude_score = completude(liste)
    return ScoreDomaine(
        id=domaine.id,
        section=domaine.section,
        titre=domaine.titre,
        axe=domaine.axe,
        nature=domaine.nature,
        score=score,
        completude=round(completude(liste), 4),
        provisoire=score is not None and part_sous(completude_score, notation.seuil_provisoire),
        repondus=sum(1 for q in attendues if q.repondue),
        attendus=len(attendues),
        usage=usage,
        moyens=moyens,
        contributions=tuple(contributions),
        leviers=() if leger else _leviers(contributions, notation.plafond, notation.leviers),
        sans_reponse=() if leger else tuple(q.cle for q in attendues if not q.repondue),
        completude_usage=None if completude_usage is None else round(completude_usage, 4),
        completude_moyens=None if completude_moyens is None else round(completude_moyens, 4),
        moyens_provisoire=moyens is not None and part_sous(completude_moyens, notation.seuil_provisoire),
        couvertures=() if leger else tuple(_couverture(q, referentiel) for q in liste if q.comptes is not None),
        incalculables=()
        if leger
        else tuple(
            Incalculable(q.item.id, q.item.libelle, reference_manquante(q.item), q.item.role)
            for q in liste
            if q.ecartee == REFERENCE
        ),
    )


def calculer_profil(campagne: Campagne, referentiel: Referentiel, *, leger: bool = False) -> Profil:
    """Le profil complet : un ``ScoreDomaine`` par domaine, et les obligations (``leger`` : les chiffres
    seulement, voir ``score_domaine``)."""
    return Profil(
        referentiel=referentiel.version,
        etablissement=campagne.etablissement,
        campagne=campagne.libelle,
        date=campagne.date,
        domaines=tuple(score_domaine(d, campagne, referentiel, leger) for d in referentiel.domaines),
        obligations=tuple(
            EtatObligation(item.id, item.libelle, item.contexte, campagne.obligations.get(item.id))
            for item in referentiel.obligations.items
        ),
        reference=dict(campagne.reference),
        enquetes=tuple(
            TauxReponse(
                public,
                enquete.repondants,
                campagne.reference.get(public),
                getattr(referentiel.item(public), "unite", None) or public,
                enquete.date,
            )
            for public, enquete in campagne.enquetes.items()
        ),
    )


@dataclass(frozen=True, slots=True)
class Lecture:
    """Ce que les seuils du référentiel (``notation``) font dire à un profil."""

    forts: tuple[ScoreDomaine, ...]
    faibles: tuple[ScoreDomaine, ...]
    sous_utilises: tuple[ScoreDomaine, ...]
    freines: tuple[ScoreDomaine, ...]
    #: Domaines sans score : non renseignés (jamais comptés parmi les points faibles).
    non_renseignes: tuple[ScoreDomaine, ...]
    obligations_non_respectees: tuple[EtatObligation, ...]


def lire_profil(profil: Profil, notation: Notation) -> Lecture:
    """Points forts (score ≥ ``point_fort``), points faibles (score < ``point_faible``),
    domaines d'usage dont les moyens dépassent l'usage d'au moins ``ecart_moyens_usage``
    (équipement sous-utilisé) ou l'inverse (pratique freinée par l'équipement).

    Chaque seuil est comparé aux chiffres tels qu'ils sont affichés, au dixième (``calculs.seuils``)."""
    notes = [d for d in profil.domaines if d.score is not None]
    ecarts = [d for d in profil.domaines if d.usage is not None and d.moyens is not None]
    ecart = notation.ecart_moyens_usage
    return Lecture(
        forts=tuple(sorted((d for d in notes if atteint(d.score, notation.point_fort)), key=lambda d: -d.score)),
        faibles=tuple(sorted((d for d in notes if not atteint(d.score, notation.point_faible)), key=lambda d: d.score)),
        sous_utilises=tuple(d for d in ecarts if ecart_atteint(d.moyens, d.usage, ecart)),
        freines=tuple(d for d in ecarts if ecart_atteint(d.usage, d.moyens, ecart)),
        non_renseignes=tuple(d for d in profil.domaines if d.score is None),
        obligations_non_respectees=tuple(o for o in profil.obligations_triees if not o.respectee),
    )


#: La version du format JSON de ``score`` (``profil_en_dict``), que porte aussi son schéma (``sorties.schema_score``).
VERSION_FORMAT_SCORE = 1


def profil_en_dict(profil: Profil) -> dict:
    """Le profil en données JSON (schéma : ``sorties.schema_score``, livré dans ``docs/score.schema.json``) :
    ``version_format`` d'abord, scores de 0 à 100 (ou ``None``), complétude de 0 à 1, obligations non
    respectées d'abord."""
    etablissement = profil.etablissement
    return {
        "version_format": VERSION_FORMAT_SCORE,
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
                "completude_usage": d.completude_usage,
                "completude_moyens": d.completude_moyens,
                "moyens_provisoire": d.moyens_provisoire,
                "repondus": d.repondus,
                "attendus": d.attendus,
                "couvertures": [
                    {
                        "item": c.item,
                        "comptes": c.comptes,
                        "reference": c.reference,
                        "couverture": None if c.part is None else round(c.part, 4),
                        "texte": c.phrase,
                    }
                    for c in d.couvertures
                ],
                "incalculables": [{"item": i.item, "reference": i.reference, "role": i.role} for i in d.incalculables],
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
        "enquetes": [
            {
                "public": e.public,
                "repondants": e.repondants,
                "reference": e.reference,
                "taux": None if e.taux is None else round(e.taux, 4),
                "date": e.date.isoformat() if e.date else None,
                "texte": e.phrase,
            }
            for e in profil.enquetes
        ],
        "obligations": [
            {"id": o.id, "libelle": o.libelle, "reponse": o.reponse, "respectee": o.respectee}
            for o in profil.obligations_triees
        ],
    }
