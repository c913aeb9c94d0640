"""Le document de ``diagnum communiquer`` : tout ou partie des progrès, pour un public (§ 2.1).

``contenu_communication`` (pur, sauf le dessin du radar) rassemble ce que
l'établissement a choisi de montrer à ce public (``Campagne.communication``),
éventuellement restreint pour une exécution ; rien d'autre n'y entre. Les
chiffres sont ceux de ``calculs/`` (profil, lecture par les seuils, écarts entre
deux campagnes), écrits par les mêmes fonctions que le résumé pour le conseil
d'administration : les deux documents ne peuvent pas se contredire.

Deux registres : ``technique`` (personnels, académie, collectivité : scores sur
100 et écarts en points) et ``simple`` (familles, grand public : des mots, aucun
score). Un effectif de moins de 5 s'écrit « moins de 5 ».

Les écrivains de chaque format sont dans ``sorties/`` : ``markdown.communication``
(le Markdown et son image), ``html.communication`` (page HTML autonome, source du
PDF), ``pdf.communication``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from diagnum.affichage import date_fr, score_fr
from diagnum.campagne.communication import PARTIES, PUBLICS
from diagnum.erreurs import ErreurDiagnum, ErreurProbleme

if TYPE_CHECKING:
    from diagnum.calculs.scores import Profil
    from diagnum.campagne.modele import Campagne, ChoixCommunication
    from diagnum.referentiel import Referentiel

#: Publics à qui l'on parle sans vocabulaire de score.
PUBLICS_SIMPLES = ("familles", "grand-public")
#: Sous ce nombre, un effectif n'est pas écrit : « moins de 5 » (un petit groupe serait reconnu).
EFFECTIF_MINIMAL = 5
REFERENTIEL_EN_UNE_LIGNE = (
    "Le référentiel « collège/lycée numérique » est un outil de diagnostic proposé par le ministère de "
    "l'Éducation nationale : il aide l'établissement à faire le point sur la place du numérique et à "
    "mesurer ses progrès ; il ne fixe pas d'objectifs, c'est l'établissement qui fixe les siens."
)


def effectif(nombre: int) -> str:
    """Un effectif tel qu'on peut le publier : « moins de 5 » sous le seuil, le nombre sinon."""
    return f"moins de {EFFECTIF_MINIMAL}" if nombre < EFFECTIF_MINIMAL else str(nombre)


@dataclass(frozen=True, slots=True)
class LigneDomaine:
    """Un domaine choisi : son score (ou son niveau en mots) et son évolution."""

    nom: str
    score: str
    evolution: str | None
    niveau: str


@dataclass(frozen=True, slots=True)
class ActionPubliee:
    libelle: str
    echeance: str | None
    statut: str


@dataclass(frozen=True, slots=True)
class ObjectifPublie:
    domaine: str
    cible: str
    echeance: str | None
    actions: tuple[ActionPubliee, ...]
    realisees: int = 0


@dataclass(frozen=True, slots=True)
class Communication:
    """Ce que montre le document pour un public : chaque partie vaut ``None`` si elle n'est pas choisie."""

    public: str
    destinataires: str
    simple: bool
    etablissement: str
    campagne: str
    date: str | None
    precedente: str | None
    parties: tuple[str, ...]
    #: Le diagramme (octets SVG) et son texte de remplacement.
    radar: tuple[bytes, tuple[Profil, ...]] | None = None
    domaines: tuple[LigneDomaine, ...] | None = None
    participation: tuple[str, ...] = ()
    points_forts: tuple[str, ...] | None = None
    obligations: tuple[str, ...] | None = None
    objectifs: tuple[ObjectifPublie, ...] | None = None
    commentaires: str | None = None
    referentiel: str = REFERENTIEL_EN_UNE_LIGNE
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def titre(self) -> str:
        return f"{self.etablissement} : le numérique, où en sommes-nous ?"


# --------------------------------------------------------------------------
# Les choix


def choisir_parties(
    campagne: Campagne,
    public: str,
    seulement: Sequence[str] = (),
    sans: Sequence[str] = (),
    domaines: Sequence[str] = (),
) -> ChoixCommunication:
    """Les parties enregistrées pour ``public`` dans la campagne, restreintes par les options d'une
    exécution (``seulement``, ``sans``, ``domaines``). Rien d'enregistré : ``ErreurProbleme`` (code 1) qui
    dit quoi écrire ; une option qui élargirait le choix : ``ErreurDiagnum`` (code 2)."""
    from diagnum.campagne.modele import ChoixCommunication

    if public not in PUBLICS:
        raise ErreurDiagnum(f"public « {public} » inconnu : choisissez {', '.join(PUBLICS)}")
    choix = campagne.communication.get(public)
    if choix is None or not choix.parties:
        raise RienDeChoisi(
            f"{campagne.chemin or 'la campagne'} : rien n'est choisi pour le public « {public} » : rien n'a été "
            "écrit (ajoutez-le au bloc communication: de la campagne, voir ci-dessus)",
            aide_choix(campagne, public),
        )
    for partie in (*seulement, *sans):
        if partie not in PARTIES:
            raise ErreurDiagnum(f"partie « {partie} » inconnue : choisissez parmi {', '.join(PARTIES)}")
    hors_choix = [p for p in seulement if p not in choix.parties]
    if hors_choix:
        raise ErreurDiagnum(
            f"{', '.join(hors_choix)} : pas dans ce que la campagne choisit de communiquer à « {public} » "
            f"({', '.join(choix.parties)}) ; ajoutez-le dans le bloc communication: de la campagne"
        )
    parties = tuple(p for p in choix.parties if (not seulement or p in seulement) and p not in sans)
    if not parties:
        raise ErreurDiagnum("ces options ne laissent rien à communiquer : rien n'a été écrit")
    permis = choix.domaines
    if domaines:
        refuses = [d for d in domaines if permis is not None and d not in permis]
        if refuses:
            raise ErreurDiagnum(
                f"domaine{'s' if len(refuses) > 1 else ''} {', '.join(refuses)} : pas dans les domaines choisis "
                f"pour « {public} » ({', '.join(permis)})"
            )
        permis = tuple(domaines)
    return ChoixCommunication(parties, permis)


class RienDeChoisi(ErreurProbleme):
    """Aucun choix enregistré pour ce public (code 1) ; ``aide`` : ce qui peut être choisi, ligne à ligne."""

    def __init__(self, message: str, aide: list[str]) -> None:
        super().__init__(message)
        self.aide = aide


def aide_choix(campagne: Campagne, public: str) -> list[str]:
    """Ce qui peut être choisi pour ce public, et comment l'écrire dans la campagne (lignes à afficher)."""
    lignes = [
        f"Pour communiquer au public « {public} » ({PUBLICS[public]}), ajoutez à la campagne un bloc "
        "communication: qui liste les parties à montrer, par exemple :",
        "  communication:",
        f"    {public}:",
        "      parties: [points_forts, objectifs]",
        "Parties possibles :",
        *(f"  {nom} : {texte}" for nom, texte in PARTIES.items()),
        "Avec « scores », la clé domaines: [identifiant, …] limite les domaines montrés (tous sinon).",
    ]
    if campagne.communication:
        lignes.append(f"Publics déjà choisis dans cette campagne : {', '.join(campagne.communication)}.")
    return lignes


# --------------------------------------------------------------------------
# Le contenu


def _niveau(score: float | None, notation: object) -> str:
    if score is None:
        return "pas encore évalué"
    if score >= notation.point_fort:
        return "un point fort"
    if score < notation.point_faible:
        return "à développer"
    return "en bonne voie"


def objectifs_a_venir(campagne: Campagne, referentiel: Referentiel, simple: bool) -> tuple[ObjectifPublie, ...]:
    """Les objectifs de l'année à venir : ceux dont l'échéance n'est pas passée à la date du diagnostic (ou
    sans échéance), avec leurs actions prévues ou en cours ; les réalisées sont comptées, les abandonnées tues."""
    from diagnum.calculs.comparaison import statut_fr

    axes = {d.id: d.axe for d in referentiel.domaines}
    objectifs = []
    for o in campagne.objectifs:
        if o.echeance is not None and campagne.date is not None and o.echeance < campagne.date:
            continue
        actions = tuple(
            ActionPubliee(a.libelle, date_fr(a.echeance) if a.echeance else None, statut_fr(a.statut or "prevue"))
            for a in o.actions
            if a.statut not in ("realisee", "abandonnee")
        )
        realisees = sum(1 for a in o.actions if a.statut == "realisee")
        objectifs.append(
            ObjectifPublie(
                axes.get(o.domaine, o.domaine),
                "" if simple else f"{score_fr(o.cible)} / 100",
                date_fr(o.echeance) if o.echeance else None,
                actions,
                realisees,
            )
        )
    return tuple(objectifs)


_TENDANCES_SIMPLES = {"hausse": "en progrès", "baisse": "en recul", "stable": "stable"}


def contenu_communication(
    campagne: Campagne,
    referentiel: Referentiel,
    public: str,
    choix: ChoixCommunication,
    profil: Profil | None = None,
    avant: Campagne | None = None,
    *,
    dessiner: bool = True,
) -> Communication:
    """Le document pour ``public`` : seules les parties de ``choix`` y sont (``dessiner=False`` : pas
    d'image, pour le Markdown sans radar ou les tests)."""
    from diagnum.calculs.comparaison import comparer, delta_fr
    from diagnum.calculs.scores import calculer_profil, lire_profil

    profil = profil or calculer_profil(campagne, referentiel)
    notation = referentiel.notation
    simple = public in PUBLICS_SIMPLES
    comparaison = comparer(avant, campagne, referentiel) if avant is not None else None
    parties = choix.parties
    valeurs: dict[str, object] = {}

    if "radar" in parties:
        profils = [comparaison.avant, profil] if comparaison else [profil]
        octets = b""
        if dessiner:
            from diagnum.rapports.graphiques import radar_svg

            octets = radar_svg(profils)
        valeurs["radar"] = (octets, tuple(profils))

    if "scores" in parties:
        ecarts = {e.id: e for e in comparaison.domaines} if comparaison else {}
        lignes = []
        for d in profil.domaines:
            if choix.domaines is not None and d.id not in choix.domaines:
                continue
            ecart = ecarts.get(d.id)
            if simple:
                score = _niveau(d.score, notation)
                evolution = _TENDANCES_SIMPLES.get(ecart.score.tendance) if ecart else None
            else:
                score = "sans score" if d.score is None else f"{score_fr(d.score)} / 100"
                if d.provisoire and d.score is not None:
                    score += " (provisoire)"
                evolution = None
                if ecart and ecart.score.delta is not None:
                    evolution = f"{delta_fr(ecart.score.delta)} points depuis {comparaison.avant.campagne}"
            lignes.append(LigneDomaine(f"{d.section} {d.axe}" if not simple else d.axe, score, evolution, ""))
        valeurs["domaines"] = tuple(lignes)
        valeurs["participation"] = tuple(
            phrase_participation(referentiel, p.id, e.repondants)
            for p in referentiel.publics
            if (e := campagne.enquetes.get(p.id)) is not None
        )

    lecture = lire_profil(profil, notation)
    if "points_forts" in parties:
        valeurs["points_forts"] = tuple(
            d.axe if simple else f"{d.section} {d.axe} ({score_fr(d.score)} / 100)" for d in lecture.forts
        )
    if "obligations" in parties:
        valeurs["obligations"] = tuple(o.libelle for o in profil.obligations_triees if o.respectee)
    if "objectifs" in parties:
        valeurs["objectifs"] = objectifs_a_venir(campagne, referentiel, simple)
    if "commentaires" in parties:
        valeurs["commentaires"] = campagne.commentaires or ""

    return Communication(
        public=public,
        destinataires=PUBLICS[public],
        simple=simple,
        etablissement=campagne.etablissement.nom or "l'établissement",
        campagne=profil.campagne,
        date=date_fr(campagne.date) if campagne.date else None,
        precedente=comparaison.avant.campagne if comparaison else None,
        parties=parties,
        **valeurs,
    )


def phrase_participation(referentiel: Referentiel, public: str, repondants: int) -> str:
    """« 38 enseignants ont répondu à l'enquête » ; « moins de 5 familles … » sous le seuil."""
    item = referentiel.item(public)
    unite = (item.unite if item is not None and item.unite else public).strip()
    return f"{effectif(repondants)} {unite} ont répondu à l'enquête de l'établissement"


def nom_image(public: str) -> str:
    """Le fichier du diagramme des progrès, à côté du Markdown (SVG : net à toute taille, dessiné sans
    matplotlib)."""
    return f"progres-{public}.svg"
