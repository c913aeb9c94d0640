"""Comparer des campagnes d'un même établissement : fonctions pures.

- ``comparer(avant, apres, referentiel)`` : l'écart domaine par domaine
  (score, et pour un domaine d'usage l'usage et les moyens), les réponses qui
  ont changé, les éléments de référence modifiés et le bilan des objectifs de
  la campagne ``avant`` ;
- ``evolution(campagnes, referentiel)`` : les scores de chaque domaine au fil
  de plusieurs campagnes, rangées par date ;
- ``verifier_comparables`` : refuse deux établissements différents (UAI) ou
  deux versions du référentiel.

Règles :
- l'écart (``delta``) est ``après − avant``, arrondi au dixième ; il est
  ``None`` si l'un des deux scores l'est ;
- une réponse a changé si la valeur écrite diffère (une case de la matrice
  3.3.4 est un changement à elle seule, de clé ``matrice.ligne.colonne``) ;
- son sens vient de la règle de calcul des scores (``scores.valeur_item``) :
  amélioration si la valeur de l'item monte, régression si elle baisse,
  neutre si elle ne compte pas d'un côté ou de l'autre (sans réponse,
  « sans objet », question non posée) ;
- un objectif de ``avant`` est atteint si le score du domaine dans ``apres``
  est au moins égal à la cible (au dixième affiché), non mesurable si ce
  domaine n'a pas de score ; ses actions non réalisées sont listées avec
  leur statut le plus récent (celui de ``apres`` si l'action y figure, sous le
  même domaine et le même libellé).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from diagnum.affichage import modalite, nombre_fr, score_fr
from diagnum.calculs.regles import condition_remplie
from diagnum.calculs.scores import Profil, ScoreDomaine, calculer_profil, valeur_item
from diagnum.calculs.seuils import atteint
from diagnum.campagne.modele import Action, Campagne, Objectif
from diagnum.erreurs import ErreurProbleme
from diagnum.referentiel import MODALITES, Item, Referentiel

AMELIORATION, REGRESSION, NEUTRE = "amelioration", "regression", "neutre"
#: Verdict d'un objectif : sans score dans son domaine, il ne peut être ni atteint ni manqué.
ATTEINT, NON_ATTEINT, NON_MESURABLE = "atteint", "non atteint", "non mesurable"
SENS = (AMELIORATION, REGRESSION, NEUTRE)
HAUSSE, BAISSE, STABLE = "hausse", "baisse", "stable"
FLECHES = {HAUSSE: "↑", BAISSE: "↓", STABLE: "→"}
OBLIGATIONS = "obligations"
REALISEE = "realisee"
ORDRE_DATE, ORDRE_DONNE = "date", "donne"


class CampagnesIncomparables(ErreurProbleme):
    """Deux campagnes ne peuvent pas être comparées (code de sortie 1)."""


# --------------------------------------------------------------------------
# Écarts


@dataclass(frozen=True, slots=True)
class Ecart:
    """Un chiffre avant et après ; ``delta`` vaut ``None`` si l'un manque.

    Un écart plus petit que ``seuil`` (``notation.seuil_stabilite`` du
    référentiel, en points) est stable : ni hausse, ni baisse."""

    avant: float | None
    apres: float | None
    seuil: float = 0.0
    #: Chiffre provisoire (questions renseignées sous ``notation.seuil_provisoire``), marqué comme dans le rapport.
    avant_provisoire: bool = False
    apres_provisoire: bool = False

    @property
    def delta(self) -> float | None:
        if self.avant is None or self.apres is None:
            return None
        return round(self.apres - self.avant, 1)

    @property
    def tendance(self) -> str | None:
        """« hausse », « baisse » ou « stable » ; ``None`` si l'écart n'existe pas."""
        delta = self.delta
        if delta is None:
            return None
        if abs(delta) < self.seuil or delta == 0:
            return STABLE
        return HAUSSE if delta > 0 else BAISSE

    @property
    def fleche(self) -> str:
        """↑ hausse, ↓ baisse, → stable ; une chaîne vide si l'écart n'existe pas."""
        return FLECHES.get(self.tendance, "")


@dataclass(frozen=True, slots=True)
class EcartDomaine:
    """L'écart d'un domaine entre deux campagnes."""

    id: str
    section: str
    titre: str
    axe: str
    nature: str
    score: Ecart
    usage: Ecart | None = None
    moyens: Ecart | None = None


@dataclass(frozen=True, slots=True)
class Changement:
    """Une réponse qui a changé (``domaine`` vaut « obligations » pour 3.2)."""

    domaine: str
    id: str
    libelle: str
    avant: object
    apres: object
    sens: str
    #: Faux quand la question n'était pas posée (condition « Si oui » non remplie) dans cette campagne.
    avant_posee: bool = True
    apres_posee: bool = True

    @property
    def avant_ecrit(self) -> str:
        return afficher_reponse(self.avant, self.avant_posee)

    @property
    def apres_ecrit(self) -> str:
        return afficher_reponse(self.apres, self.apres_posee)


@dataclass(frozen=True, slots=True)
class ChangementReference:
    """Un élément de référence (3.1) qui a changé."""

    id: str
    libelle: str
    avant: int | None
    apres: int | None


@dataclass(frozen=True, slots=True)
class BilanObjectif:
    """Un objectif de la campagne ``avant`` jugé sur le score de ``apres``."""

    objectif: Objectif
    titre: str
    score_initial: float | None
    score: float | None
    #: ``None`` quand le domaine n'a pas de score dans ``apres`` : l'objectif est non mesurable.
    atteint: bool | None
    echeance_passee: bool | None
    actions_non_realisees: tuple[Action, ...]
    seuil: float = 0.0
    #: Le score de ``apres`` est provisoire : le verdict l'est aussi.
    provisoire: bool = False

    @property
    def ecart(self) -> Ecart:
        return Ecart(self.score_initial, self.score, self.seuil, apres_provisoire=self.provisoire)

    @property
    def verdict(self) -> str:
        """« atteint », « non atteint » ou « non mesurable » (pas de score dans ce domaine)."""
        if self.atteint is None:
            return NON_MESURABLE
        return ATTEINT if self.atteint else NON_ATTEINT


@dataclass(frozen=True, slots=True)
class Comparaison:
    """Tout ce qui distingue deux campagnes d'un même établissement."""

    avant: Profil
    apres: Profil
    domaines: tuple[EcartDomaine, ...]
    changements: tuple[Changement, ...]
    reference: tuple[ChangementReference, ...]
    objectifs: tuple[BilanObjectif, ...]
    titres: dict[str, str] = field(default_factory=dict)
    #: ``notation.seuil_provisoire`` : sous cette complétude, un chiffre est provisoire.
    seuil_provisoire: float = 0.5

    @property
    def a_des_provisoires(self) -> bool:
        """Un chiffre (score ou moyens, avant ou après) est provisoire : une note le dit sous le tableau."""
        return any(
            e is not None and (e.avant_provisoire or e.apres_provisoire)
            for d in self.domaines
            for e in (d.score, d.moyens)
        )

    def par_sens(self, sens: str) -> tuple[Changement, ...]:
        return tuple(c for c in self.changements if c.sens == sens)

    def groupes(self, sens: str) -> list[tuple[str, list[Changement]]]:
        """Les changements d'un sens, groupés par domaine (titre court), dans l'ordre du questionnaire."""
        groupes: dict[str, list[Changement]] = {}
        for changement in self.par_sens(sens):
            groupes.setdefault(changement.domaine, []).append(changement)
        return [(self.titres.get(domaine, domaine), liste) for domaine, liste in groupes.items()]

    @property
    def ameliorations(self) -> tuple[Changement, ...]:
        return self.par_sens(AMELIORATION)

    @property
    def regressions(self) -> tuple[Changement, ...]:
        return self.par_sens(REGRESSION)

    @property
    def neutres(self) -> tuple[Changement, ...]:
        return self.par_sens(NEUTRE)


# --------------------------------------------------------------------------
# Établissement et version


def verifier_comparables(campagnes: Sequence[Campagne], *, force: bool = False) -> list[str]:
    """Lève ``CampagnesIncomparables`` si les campagnes ne relèvent pas de la
    même version du référentiel (toujours) ou d'établissements différents
    (sauf ``force``) ; renvoie les mises en garde à afficher."""
    versions = sorted({c.referentiel for c in campagnes})
    if len(versions) > 1:
        raise CampagnesIncomparables(
            "les campagnes ne suivent pas la même version du référentiel ("
            + ", ".join(f"{_nom(c)} : {c.referentiel}" for c in campagnes)
            + ") ; comparer des versions différentes n'est pas encore possible"
        )
    uais = {c.etablissement.uai for c in campagnes if c.etablissement.uai}
    if len(uais) > 1 and not force:
        raise CampagnesIncomparables(
            "ces campagnes ne concernent pas le même établissement ("
            + ", ".join(f"{_nom(c)} : UAI {c.etablissement.uai or 'absent'}" for c in campagnes)
            + ") ; ajoutez --force pour les comparer quand même"
        )
    avertissements = []
    if len(uais) > 1:
        avertissements.append("attention : les campagnes concernent des établissements différents (--force)")
    sans_uai = [_nom(c) for c in campagnes if not c.etablissement.uai]
    if sans_uai:
        avertissements.append(
            f"attention : UAI absent ({', '.join(sans_uai)}) ; "
            "impossible de vérifier qu'il s'agit du même établissement"
        )
    return avertissements


def _nom(campagne: Campagne) -> str:
    return campagne.chemin or campagne.libelle


# --------------------------------------------------------------------------
# Réponses


def _valeur(
    item: Item, reponse: object, campagne: Campagne, referentiel: Referentiel, ligne: str | None = None
) -> float | None:
    """La valeur (0 à 1) qu'une réponse apporte au score, ou ``None``."""
    if reponse is None or condition_remplie(referentiel, campagne.reponses, item) is not True:
        return None
    if ligne is not None:  # une case de matrice : une affirmation
        return referentiel.notation.affirmation.get(reponse) if isinstance(reponse, str) else None
    resultat = valeur_item(item, reponse, referentiel, campagne.reference)
    return None if resultat is None else resultat[0]


def _sens(avant: float | None, apres: float | None) -> str:
    if avant is None or apres is None or avant == apres:
        return NEUTRE
    return AMELIORATION if apres > avant else REGRESSION


def _cellules(reponse: object, item: Item) -> dict[tuple[str, str], object]:
    lignes = reponse if isinstance(reponse, dict) else {}
    return {
        (ligne.id, colonne.id): (lignes.get(ligne.id) or {}).get(colonne.id)
        for ligne in item.lignes
        for colonne in item.colonnes
    }


def _changements_item(
    domaine: str, item: Item, avant: Campagne, apres: Campagne, referentiel: Referentiel, v1: object, v2: object
) -> list[Changement]:
    if item.nature != "matrice":
        if v1 == v2:
            return []
        sens = _sens(_valeur(item, v1, avant, referentiel), _valeur(item, v2, apres, referentiel))
        posees = (
            condition_remplie(referentiel, avant.reponses, item) is not False,
            condition_remplie(referentiel, apres.reponses, item) is not False,
        )
        return [Changement(domaine, item.id, item.question, v1, v2, sens, *posees)]
    cellules_avant, cellules_apres = _cellules(v1, item), _cellules(v2, item)
    libelles_lignes = {ligne.id: ligne.libelle.rstrip(" .") for ligne in item.lignes}
    libelles_colonnes = {colonne.id: colonne.libelle for colonne in item.colonnes}
    resultat = []
    for (ligne, colonne), c1 in cellules_avant.items():
        c2 = cellules_apres[(ligne, colonne)]
        if c1 == c2:
            continue
        sens = _sens(
            _valeur(item, c1, avant, referentiel, ligne),
            _valeur(item, c2, apres, referentiel, ligne),
        )
        libelle = f"{libelles_lignes[ligne]} — {libelles_colonnes[colonne]}"
        resultat.append(Changement(domaine, f"{item.id}.{ligne}.{colonne}", libelle, c1, c2, sens))
    return resultat


def changements(avant: Campagne, apres: Campagne, referentiel: Referentiel) -> tuple[Changement, ...]:
    """Les réponses qui diffèrent, dans l'ordre du questionnaire (3.2 puis 3.3 à 3.6.4)."""
    resultat: list[Changement] = []
    for item in referentiel.obligations.items:
        resultat += _changements_item(
            OBLIGATIONS, item, avant, apres, referentiel, avant.obligations.get(item.id), apres.obligations.get(item.id)
        )
    for domaine in referentiel.domaines:
        for item in domaine.items:
            resultat += _changements_item(
                domaine.id,
                item,
                avant,
                apres,
                referentiel,
                avant.reponse(domaine.id, item.id),
                apres.reponse(domaine.id, item.id),
            )
    return tuple(resultat)


def changements_reference(
    avant: Campagne, apres: Campagne, referentiel: Referentiel
) -> tuple[ChangementReference, ...]:
    """Les éléments de référence (effectifs) qui ont changé."""
    return tuple(
        ChangementReference(
            item.id, item.libelle.rstrip(" :"), avant.reference.get(item.id), apres.reference.get(item.id)
        )
        for item in referentiel.reference.items
        if avant.reference.get(item.id) != apres.reference.get(item.id)
    )


# --------------------------------------------------------------------------
# Domaines et objectifs


def _ecart_domaine(d1: ScoreDomaine, d2: ScoreDomaine, seuil: float) -> EcartDomaine:
    usage = Ecart(d1.usage, d2.usage, seuil, d1.provisoire, d2.provisoire) if d1.nature == "usage" else None
    moyens = (
        Ecart(d1.moyens, d2.moyens, seuil, d1.moyens_provisoire, d2.moyens_provisoire) if d1.nature == "usage" else None
    )
    score = Ecart(d1.score, d2.score, seuil, d1.provisoire, d2.provisoire)
    return EcartDomaine(d1.id, d1.section, d1.titre, d1.axe, d1.nature, score, usage, moyens)


def _action_a_jour(action: Action, domaine: str, apres: Campagne) -> Action:
    for objectif in apres.objectifs:
        if objectif.domaine != domaine:
            continue
        for suivante in objectif.actions:
            if " ".join(suivante.libelle.split()) == " ".join(action.libelle.split()):
                return suivante
    return action


def juger_objectifs(
    avant: Campagne, profil_avant: Profil, apres: Campagne, profil_apres: Profil, seuil: float = 0.0
) -> tuple[BilanObjectif, ...]:
    """Chaque objectif de ``avant`` jugé sur le score atteint dans ``apres``."""
    bilans = []
    for objectif in avant.objectifs:
        d1, d2 = profil_avant.domaine(objectif.domaine), profil_apres.domaine(objectif.domaine)
        if d2 is None:  # domaine inconnu : la validation l'a déjà écarté
            continue
        echeance_passee = None
        if objectif.echeance is not None and apres.date is not None:
            echeance_passee = apres.date >= objectif.echeance
        actions = tuple(_action_a_jour(a, objectif.domaine, apres) for a in objectif.actions)
        bilans.append(
            BilanObjectif(
                objectif=objectif,
                titre=d2.axe,
                score_initial=d1.score if d1 else None,
                score=d2.score,
                atteint=None if d2.score is None else atteint(d2.score, objectif.cible),
                echeance_passee=echeance_passee,
                actions_non_realisees=tuple(a for a in actions if a.statut != REALISEE),
                seuil=seuil,
                provisoire=d2.provisoire,
            )
        )
    return tuple(bilans)


def comparer(avant: Campagne, apres: Campagne, referentiel: Referentiel) -> Comparaison:
    """Compare deux campagnes (``avant`` est la plus ancienne) du même référentiel."""
    if {avant.referentiel, apres.referentiel} != {referentiel.version}:
        verifier_comparables([avant, apres], force=True)  # versions différentes : message explicite
        raise CampagnesIncomparables(
            f"les campagnes suivent le référentiel {avant.referentiel}, pas le référentiel {referentiel.version}"
        )
    profil_avant, profil_apres = calculer_profil(avant, referentiel), calculer_profil(apres, referentiel)
    seuil = referentiel.notation.seuil_stabilite
    return Comparaison(
        avant=profil_avant,
        apres=profil_apres,
        domaines=tuple(
            _ecart_domaine(d1, d2, seuil) for d1, d2 in zip(profil_avant.domaines, profil_apres.domaines, strict=True)
        ),
        changements=changements(avant, apres, referentiel),
        reference=changements_reference(avant, apres, referentiel),
        objectifs=juger_objectifs(avant, profil_avant, apres, profil_apres, seuil),
        titres={OBLIGATIONS: referentiel.obligations.titre} | {d.id: d.axe for d in referentiel.domaines},
        seuil_provisoire=referentiel.notation.seuil_provisoire,
    )


# --------------------------------------------------------------------------
# Évolution sur plusieurs campagnes


@dataclass(frozen=True, slots=True)
class SerieDomaine:
    """Les chiffres d'un domaine, campagne après campagne."""

    id: str
    section: str
    titre: str
    axe: str
    nature: str
    scores: tuple[float | None, ...]
    moyens: tuple[float | None, ...] | None = None
    seuil: float = 0.0

    @property
    def ecart(self) -> Ecart:
        """De la première à la dernière campagne."""
        return Ecart(self.scores[0], self.scores[-1], self.seuil)

    @property
    def ecart_moyens(self) -> Ecart | None:
        """Les moyens, de la première à la dernière campagne (domaines d'usage)."""
        return None if self.moyens is None else Ecart(self.moyens[0], self.moyens[-1], self.seuil)


@dataclass(frozen=True, slots=True)
class Evolution:
    """Les scores de plusieurs campagnes d'un établissement, dans l'ordre."""

    profils: tuple[Profil, ...]
    chemins: tuple[str, ...]
    ordre: str
    domaines: tuple[SerieDomaine, ...]

    @property
    def libelles(self) -> tuple[str, ...]:
        return tuple(p.campagne for p in self.profils)


def ordonner(campagnes: Sequence[Campagne]) -> tuple[list[Campagne], str]:
    """Range les campagnes par date si toutes en ont une (à date égale, l'ordre
    donné est gardé) ; sinon garde l'ordre donné. Renvoie aussi le critère."""
    if campagnes and all(c.date is not None for c in campagnes):
        return sorted(campagnes, key=lambda c: c.date or dt.date.min), ORDRE_DATE
    return list(campagnes), ORDRE_DONNE


def evolution(campagnes: Sequence[Campagne], referentiel: Referentiel) -> Evolution:
    """Les séries de scores, campagnes rangées par ``ordonner``."""
    if {c.referentiel for c in campagnes} - {referentiel.version}:
        verifier_comparables(campagnes, force=True)  # versions différentes : message explicite
        raise CampagnesIncomparables(f"les campagnes ne suivent pas le référentiel {referentiel.version}")
    rangees, ordre = ordonner(campagnes)
    profils = tuple(calculer_profil(c, referentiel) for c in rangees)
    series = []
    for i, domaine in enumerate(referentiel.domaines):
        chiffres = [p.domaines[i] for p in profils]
        series.append(
            SerieDomaine(
                id=domaine.id,
                section=domaine.section,
                titre=domaine.titre,
                axe=domaine.axe,
                nature=domaine.nature,
                scores=tuple(d.score for d in chiffres),
                moyens=tuple(d.moyens for d in chiffres) if domaine.est_usage else None,
                seuil=referentiel.notation.seuil_stabilite,
            )
        )
    return Evolution(profils, tuple(c.chemin for c in rangees), ordre, tuple(series))


# --------------------------------------------------------------------------
# Présentation commune (texte, JSON, Markdown)


def delta_fr(valeur: float | None) -> str:
    """Un écart signé, au dixième : « +12,5 », « −3,0 », « 0,0 », « — » s'il n'existe pas."""
    if valeur is None or valeur == 0:
        return score_fr(valeur)
    return ("+" if valeur > 0 else "−") + score_fr(abs(valeur))


LIBELLES_STATUTS = {"prevue": "prévue", "en cours": "en cours", "realisee": "réalisée", "abandonnee": "abandonnée"}
LIBELLES_SENS = {
    AMELIORATION: "Améliorations",
    REGRESSION: "Régressions",
    NEUTRE: "Autres changements",
}
#: Ce que recouvre un groupe de changements, quand son titre ne suffit pas.
EXPLICATIONS_SENS = {NEUTRE: "réponse ajoutée ou retirée, « sans objet », question posée sous condition"}


def statut_fr(statut: str | None) -> str:
    """Le statut d'une action, accentué (« sans statut » s'il manque)."""
    return LIBELLES_STATUTS.get(statut, statut) if statut else "sans statut"


def afficher_reponse(valeur: object, posee: bool = True) -> str:
    """Une réponse telle qu'on l'écrit dans le fichier, « sans réponse », ou « non posée » pour une
    question « Si oui » dont la condition n'est pas remplie."""
    if valeur is None:
        return "sans réponse" if posee else "non posée"
    if isinstance(valeur, dict) and set(valeur) == set(MODALITES):
        return ", ".join(f"{modalite(m)} {nombre_fr(valeur[m])}" for m in MODALITES)
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        return nombre_fr(valeur)
    return str(valeur)


def _action_json(action: Action) -> dict[str, object]:
    return {
        "libelle": action.libelle,
        "responsable": action.responsable,
        "echeance": action.echeance.isoformat() if action.echeance else None,
        "statut": action.statut,
    }


def _json_valeur(valeur: object) -> object:
    return dict(valeur) if isinstance(valeur, dict) else valeur


def _campagne_json(profil: Profil, chemin: str) -> dict[str, object]:
    return {
        "fichier": chemin,
        "campagne": profil.campagne,
        "date": profil.date.isoformat() if profil.date else None,
    }


def comparaison_json(comparaison: Comparaison, chemins: tuple[str, str] = ("", "")) -> dict[str, object]:
    """Le document JSON de ``diagnum compare`` (``items`` : exactement les réponses qui diffèrent)."""

    def ecart_json(ecart: Ecart | None) -> dict[str, float | None] | None:
        if ecart is None:
            return None
        return {
            "avant": ecart.avant,
            "apres": ecart.apres,
            "delta": ecart.delta,
            "tendance": ecart.tendance,
            "avant_provisoire": ecart.avant_provisoire,
            "apres_provisoire": ecart.apres_provisoire,
        }

    return {
        "referentiel": comparaison.avant.referentiel,
        "etablissement": {
            "nom": comparaison.apres.etablissement.nom,
            "uai": comparaison.apres.etablissement.uai,
        },
        "avant": _campagne_json(comparaison.avant, chemins[0]),
        "apres": _campagne_json(comparaison.apres, chemins[1]),
        "domaines": [
            {
                "id": d.id,
                "titre": d.titre,
                "avant": d.score.avant,
                "apres": d.score.apres,
                "delta": d.score.delta,
                "tendance": d.score.tendance,
                "avant_provisoire": d.score.avant_provisoire,
                "apres_provisoire": d.score.apres_provisoire,
                "moyens": ecart_json(d.moyens),
            }
            for d in comparaison.domaines
        ],
        "items": [
            {
                "domaine": c.domaine,
                "id": c.id,
                "libelle": c.libelle,
                "avant": _json_valeur(c.avant),
                "apres": _json_valeur(c.apres),
                "sens": c.sens,
            }
            for c in comparaison.changements
        ],
        "reference": [
            {"id": r.id, "libelle": r.libelle, "avant": r.avant, "apres": r.apres} for r in comparaison.reference
        ],
        "objectifs": [
            {
                "domaine": b.objectif.domaine,
                "titre": b.titre,
                "cible": b.objectif.cible,
                "echeance": b.objectif.echeance.isoformat() if b.objectif.echeance else None,
                "score_initial": b.score_initial,
                "score": b.score,
                "atteint": b.atteint,
                "verdict": b.verdict,
                "provisoire": b.provisoire,
                "echeance_passee": b.echeance_passee,
                "actions_non_realisees": [_action_json(a) for a in b.actions_non_realisees],
            }
            for b in comparaison.objectifs
        ],
    }


def evolution_json(evo: Evolution) -> dict[str, object]:
    """Le document JSON de ``diagnum evolution``."""
    return {
        "referentiel": evo.profils[0].referentiel if evo.profils else None,
        "ordre": evo.ordre,
        "campagnes": [_campagne_json(p, c) for p, c in zip(evo.profils, evo.chemins, strict=True)],
        "domaines": [
            {
                "id": s.id,
                "titre": s.titre,
                "scores": list(s.scores),
                "moyens": list(s.moyens) if s.moyens is not None else None,
                "delta": s.ecart.delta,
                "tendance": s.ecart.tendance,
            }
            for s in evo.domaines
        ],
    }
