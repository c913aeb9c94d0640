"""Le rapport d'une campagne : un fichier Markdown et ses images.

- ``construire_rapport(campagne, referentiel, profil)`` rend un ``Rapport`` :
  le texte de ``rapport.md`` et les octets de chaque image, par nom de
  fichier (liens relatifs : le dossier peut être déplacé) ;
- ``texte_rapport`` ne rend que le texte (les noms d'images se déduisent des
  réponses, sans dessiner) ;
- tout texte libre de la campagne (noms, commentaires, actions) passe par les
  filtres de ``diagnum.echappement`` avant d'entrer dans le Markdown ; aucun
  texte de l'utilisateur ne sert de gabarit.

Le gabarit Jinja2 est livré dans le paquet (``diagnum/modeles``). Jinja2 et
matplotlib ne sont importés que dans les fonctions qui mettent en page ou
dessinent.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from diagnum.affichage import ABSENT, date_fr, nombre_fr, pourcent_fr, score_fr
from diagnum.calculs.regles import CONDITION, PERSONNE, REFERENCE, Question, completude, condition_remplie, questions
from diagnum.calculs.scores import Contribution, Levier, Profil, ScoreDomaine, calculer_profil, lire_profil
from diagnum.calculs.seuils import atteint, montre
from diagnum.campagne.modele import Campagne
from diagnum.echappement import echapper_markdown, echapper_paragraphes
from diagnum.referentiel import NON, OUI, SANS_OBJET, Domaine, Item, Referentiel

if TYPE_CHECKING:
    import jinja2

    from diagnum.territoire.repere import Repere

DOSSIER_MODELES = Path(__file__).parent / "modeles"
MODELE_RAPPORT = "rapport.md.j2"
MODELE_CALCUL = "calcul.md.j2"
NOM_RAPPORT = "rapport.md"
NOM_RADAR = "radar.png"
ROLES = {"score": "score", "usage": "usage", "moyens": "moyens"}


def _nombre_filtre(valeur: float | None, decimales: int = 1) -> str:
    return nombre_fr(valeur, decimales)


@functools.cache
def environnement_jinja() -> jinja2.Environment:
    """L'environnement Jinja2 des gabarits livrés avec diagnum (créé une fois).

    Filtres : ``md`` (texte sur une ligne), ``md_paragraphes`` (texte sur
    plusieurs lignes), ``nombre`` (virgule décimale), ``pourcent`` (part de 0
    à 1), ``date_fr`` (JJ/MM/AAAA).
    """
    import jinja2

    environnement = jinja2.Environment(
        loader=jinja2.FileSystemLoader(DOSSIER_MODELES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environnement.filters.update(
        md=echapper_markdown,
        md_paragraphes=echapper_paragraphes,
        nombre=_nombre_filtre,
        score=score_fr,
        sans_deux_points=sans_deux_points,
        pourcent=pourcent_fr,
        date_fr=date_fr,
    )
    return environnement


# --------------------------------------------------------------------------
# Ce que le gabarit affiche


@dataclass(frozen=True, slots=True)
class LigneReponse:
    """Une ligne du tableau des réponses d'un domaine."""

    question: str
    reponse: str
    retenue: str
    rubrique: bool = False


@dataclass(frozen=True, slots=True)
class DetailDomaine:
    """Un domaine du rapport : ses chiffres, son graphique, ses réponses."""

    score: ScoreDomaine
    description: str | None
    image: str | None
    reponses: tuple[LigneReponse, ...]
    leviers: tuple[dict[str, object], ...]
    #: D'où viennent les comptages manquants (``comptages_manquants``).
    manquants: tuple[dict[str, object], ...] = ()


#: Natures d'un comptage (un nombre de personnes, de salles, de divisions…).
NATURES_COMPTAGE = ("repartition", "nombre")


def comptages_manquants(domaine: Domaine, sd: ScoreDomaine, referentiel: Referentiel) -> list[dict[str, object]]:
    """D'où viennent les comptages qui manquent à un domaine d'usage (sans réponse, ou couverture
    incomplète) : l'enquête d'un public pour un item qui a une « collecte » (``diagnum enquete``),
    sinon les outils de l'établissement (``diagnum sources importer``) ; vide hors domaine d'usage."""
    if not domaine.est_usage:
        return []
    incomplets = set(sd.sans_reponse) | {c.item for c in sd.couvertures if c.part is not None and c.part < 1}
    par_public: dict[str, list[str]] = {}
    outils: list[str] = []
    for item in domaine.items:
        if item.id not in incomplets or item.nature not in NATURES_COMPTAGE:
            continue
        libelle = sans_deux_points(item.libelle)
        if item.collecte is not None:
            par_public.setdefault(item.collecte.public, []).append(libelle)
        else:
            outils.append(libelle)
    provenances: list[dict[str, object]] = [
        {
            "source": "enquete",
            "public": public,
            "titre": getattr(referentiel.public(public), "titre", None) or public,
            "items": libelles,
        }
        for public, libelles in par_public.items()
    ]
    if outils:
        provenances.append({"source": "outils", "public": None, "titre": None, "items": outils})
    return provenances


@dataclass(slots=True)
class Rapport:
    """Le texte de ``rapport.md`` et ses images (nom de fichier → octets PNG)."""

    texte: str
    images: dict[str, bytes] = field(default_factory=dict)


def sans_deux_points(libelle: str) -> str:
    """Un libellé sans le « : » final qui annonce la réponse dans le questionnaire."""
    return libelle.rstrip().removesuffix(":").rstrip()


def nom_image_repartition(domaine: str) -> str:
    """Le nom du graphique des répartitions d'un domaine d'usage."""
    return f"repartition-{domaine}.png"


def repartitions(domaine: Domaine, campagne: Campagne) -> list[tuple[str, dict[str, int]]]:
    """Les répartitions renseignées (somme non nulle) d'un domaine : (libellé, effectifs)."""
    barres = []
    for item in domaine.items:
        valeur = campagne.reponse(domaine.id, item.id)
        if item.nature == "repartition" and isinstance(valeur, dict) and sum(valeur.values()) > 0:
            barres.append((item.libelle, dict(valeur)))
    return barres


def _reponse_ecrite(item: Item, valeur: object, posee: bool | None = True) -> str:
    if valeur is None:
        # Une question « Si oui » écartée par la réponse dont elle dépend n'a pas été posée.
        return "non posée" if posee is False else "sans réponse"
    if item.nature == "proportion":
        return f"{nombre_fr(valeur, 2)}\u00a0%"
    if item.nature in ("repartition", "nombre"):
        from diagnum.calculs.comparaison import afficher_reponse

        return afficher_reponse(valeur)
    return str(valeur)


def cible_diagnum(item: Item, referentiel: Referentiel) -> str | None:
    """« cible retenue par diagnum : 1 pour 10 divisions », pour un nombre dont le
    référentiel de 2011 ne fixe pas la cible ; ``None`` pour un nombre rapporté à son total."""
    if item.cible is None:
        return None
    base = referentiel.item(item.cible.reference)
    unite = (base.unite if base is not None else None) or item.cible.reference
    return f"cible retenue par diagnum : 1 pour {nombre_fr(1 / item.cible.facteur, 1)} {unite}"


def _retenue(question: Question | None, contribution: Contribution | None, sd: ScoreDomaine) -> str:
    if question is None or question.valeur is None:
        return ABSENT
    if question.ecartee == CONDITION:
        return "non comptée (question non posée)"
    if question.ecartee == REFERENCE and question.item.nature != "repartition":
        incalculable = next((i for i in sd.incalculables if i.item == question.item.id), None)
        nom = incalculable.reference if incalculable else ""
        return f"non calculée (nombre de référence « {nom} » sans réponse)"
    if question.ecartee == PERSONNE:
        return "non comptée (personne n'est compté)"
    if contribution is None:
        return "écartée (sans objet)" if question.valeur == SANS_OBJET else ABSENT
    texte = pourcent_fr(contribution.valeur)
    if question.comptes is not None:
        couverture = next((c for c in sd.couvertures if c.item == question.item.id), None)
        if couverture is not None:
            part = f", {pourcent_fr(couverture.part)}" if couverture.part is not None else ""
            texte += f" ; {couverture.phrase}{part}"
    return texte


def _lignes_reponses(domaine: Domaine, sd: ScoreDomaine, campagne: Campagne, referentiel: Referentiel):
    contributions = {c.cle: c for c in sd.contributions}
    par_item = {q.cle: q for q in questions(referentiel, campagne.reponses, campagne.reference, domaine.id)}
    lignes: list[LigneReponse] = []
    for rubrique in domaine.rubriques:
        titre = f"{rubrique.section} {rubrique.titre}" if rubrique.section else rubrique.titre
        lignes.append(LigneReponse(titre, "", "", rubrique=True))
        for item in rubrique.items:
            valeur = campagne.reponse(domaine.id, item.id)
            if item.nature == "matrice":
                cellules_lignes = valeur if isinstance(valeur, dict) else {}
                for ligne in item.lignes:
                    cellules = cellules_lignes.get(ligne.id) or {}
                    ecrites = [cellules.get(c.id) or "sans réponse" for c in item.colonnes]
                    ecrite = ecrites[0] if len(set(ecrites)) == 1 else " / ".join(ecrites)
                    contribution = contributions.get(f"{item.id}.{ligne.id}")
                    if contribution is not None:
                        retenue = pourcent_fr(contribution.valeur)
                    elif ecrites == [SANS_OBJET] * len(item.colonnes):
                        retenue = "écartée (service non proposé)"
                    else:
                        retenue = ABSENT
                    lignes.append(LigneReponse(ligne.libelle, ecrite, retenue))
                continue
            question = par_item.get(item.id)
            mesure = domaine.mesure_de(item.id)
            if mesure is not None and question is not None and question.valeur is not None and not question.ecartee:
                contribution = contributions.get(mesure.id)
                retenue = ABSENT if contribution is None else f"{pourcent_fr(contribution.valeur)} ({mesure.libelle})"
            else:
                retenue = _retenue(question, contributions.get(item.id), sd)
            cible = cible_diagnum(item, referentiel)
            if cible and question is not None and question.valeur is not None:
                retenue += f" ; {cible}"
            posee = condition_remplie(referentiel, campagne.reponses, item)
            ecrite = _reponse_ecrite(item, valeur, posee)
            estimation = campagne.sources.get(item.id)
            if estimation is not None and valeur is not None:
                ecrite += f" (estimation : {estimation.outil or 'export'})"
            lignes.append(LigneReponse(item.question, ecrite, retenue))
    return tuple(lignes)


def _levier(levier: Levier, referentiel: Referentiel) -> dict[str, object]:
    item = referentiel.item(levier.item)
    if levier.ligne and item is not None:
        question = f"{item.section} — {levier.libelle}"
    elif item is not None:
        question = item.question
    else:
        question = levier.libelle
    if item is not None and item.nature == "matrice" and levier.ligne:
        vers = f"« {OUI} » aux {len(item.colonnes)} affirmations"
    elif item is not None and item.nature in ("affirmation", "matrice"):
        vers = f"« {OUI} »"
    elif item is not None and item.nature == "repartition":
        vers = "davantage de « régulièrement »"
    else:
        vers = "un nombre plus élevé"
    actuel = levier.actuel if levier.actuel != NON else f"« {NON} »"
    return {
        "question": sans_deux_points(question),
        "actuel": actuel,
        "vers": vers,
        "gain": levier.gain,
        "role": ROLES.get(levier.role, levier.role),
    }


def _sans_reponse(campagne: Campagne, referentiel: Referentiel, profil: Profil) -> list[dict[str, object]]:
    parties: list[dict[str, object]] = []
    manquants = [item.libelle for item in referentiel.reference.items if campagne.reference.get(item.id) is None]
    if campagne.date is None:
        manquants.append(referentiel.reference.date_libelle or "Date")
    if manquants:
        parties.append({"titre": f"{referentiel.reference.section} {referentiel.reference.titre}", "items": manquants})
    obligations = [o.libelle for o in profil.obligations if o.reponse is None]
    if obligations:
        parties.append(
            {"titre": f"{referentiel.obligations.section} {referentiel.obligations.titre}", "items": obligations}
        )
    for sd in profil.domaines:
        items = []
        for cle in sd.sans_reponse:
            morceaux = cle.split(".")
            item = referentiel.item(morceaux[0])
            if item is None:
                items.append(cle)
            elif len(morceaux) == 3:
                ligne = next((x.libelle for x in item.lignes if x.id == morceaux[1]), morceaux[1])
                colonne = next((x.libelle for x in item.colonnes if x.id == morceaux[2]), morceaux[2])
                items.append(f"{ligne.rstrip(' .:')} : {colonne}")  # pas de « collectif. : »
            else:
                items.append(item.question)
        if items:
            parties.append({"titre": f"{sd.section} {sd.axe}", "items": items})
    return parties


def _cibles(referentiel: Referentiel) -> list[dict[str, str]]:
    return [
        {"libelle": sans_deux_points(item.libelle), "cible": cible_diagnum(item, referentiel) or ""}
        for domaine in referentiel.domaines
        for item in domaine.items
        if item.cible is not None
    ]


def _mesures(referentiel: Referentiel) -> list[dict[str, object]]:
    mesures = []
    for domaine in referentiel.domaines:
        for mesure in domaine.mesures:
            premier = referentiel.item(mesure.items[0])
            base = referentiel.item(premier.total or "")
            sur = cible_diagnum(premier, referentiel) or f"sur les {(base.unite if base else None) or premier.total}"
            mesures.append(
                {
                    "libelle": mesure.libelle,
                    "parties": [sans_deux_points(referentiel.item(i).libelle) for i in mesure.items],
                    "sur": sur,
                }
            )
    return mesures


def contexte_calcul(referentiel: Referentiel) -> dict[str, object]:
    """Ce que la section « Comment les scores sont calculés » affiche (README et rapports)."""
    return {
        "referentiel": referentiel,
        "notation": referentiel.notation,
        "cibles": _cibles(referentiel),
        "mesures": _mesures(referentiel),
        "oui": OUI,
        "non": NON,
        "sans_objet": SANS_OBJET,
    }


def texte_calcul(referentiel: Referentiel) -> str:
    """La section « Comment les scores sont calculés », telle que le README la reproduit."""
    return environnement_jinja().get_template(MODELE_CALCUL).render(contexte_calcul(referentiel))


def enquetes_par_domaine(campagne: Campagne, referentiel: Referentiel) -> dict[str, list[dict[str, object]]]:
    """Pour chaque domaine, les enquêtes importées qui ont nourri ses réponses (``diagnum enquete importer``)."""
    resultat: dict[str, list[dict[str, object]]] = {}
    for public, enquete in campagne.enquetes.items():
        total = campagne.reference.get(public)
        for domaine in referentiel.domaines:
            items = [
                item.collecte.question
                for item in domaine.items
                if item.collecte is not None
                and item.collecte.public == public
                and campagne.reponse(domaine.id, item.id) is not None
            ]
            if items:
                resultat.setdefault(domaine.id, []).append(
                    {
                        "public": public,
                        "repondants": enquete.repondants,
                        "reference": total,
                        "taux": enquete.repondants / total if total else None,
                        "date": enquete.date,
                        "sources": enquete.sources,
                        "items": items,
                    }
                )
    return resultat


def sources_par_domaine(campagne: Campagne, referentiel: Referentiel) -> dict[str, list[dict[str, object]]]:
    """Pour chaque domaine, ses réponses estimées d'après un export (``diagnum sources importer``) : d'où,
    sur quelle période, selon quelle règle."""
    resultat: dict[str, list[dict[str, object]]] = {}
    for item_id, estimation in campagne.sources.items():
        item = referentiel.item(item_id)
        if item is None or campagne.reponse(item.domaine, item.id) is None:
            continue
        resultat.setdefault(item.domaine, []).append(
            {
                "question": sans_deux_points(item.question),
                "outil": estimation.outil or "export d'un outil de l'établissement",
                "fichier": estimation.fichier,
                "debut": estimation.debut,
                "fin": estimation.fin,
                "regle": estimation.regle,
            }
        )
    return resultat


def contexte_rapport(
    campagne: Campagne, referentiel: Referentiel, profil: Profil, repere: Repere | None = None
) -> dict[str, object]:
    """Les données du gabarit (textes bruts : c'est le gabarit qui les échappe) ; ``repere`` :
    la situation de l'établissement dans son territoire (``--repere``), ou ``None``."""
    from diagnum.calculs.comparaison import statut_fr

    notation = referentiel.notation
    details = []
    images = set(noms_images(campagne, referentiel))
    for domaine, sd in zip(referentiel.domaines, profil.domaines, strict=True):
        image = nom_image_repartition(domaine.id) if nom_image_repartition(domaine.id) in images else None
        details.append(
            DetailDomaine(
                score=sd,
                description=domaine.description,
                image=image,
                reponses=_lignes_reponses(domaine, sd, campagne, referentiel),
                leviers=tuple(_levier(levier, referentiel) for levier in sd.leviers),
                manquants=tuple(comptages_manquants(domaine, sd, referentiel)),
            )
        )
    repondus = sum(d.repondus for d in profil.domaines)
    attendus = sum(d.attendus for d in profil.domaines)
    premiers_leviers = sorted(
        ((d, _levier(d.leviers[0], referentiel)) for d in profil.domaines if d.leviers),
        key=lambda paire: -paire[0].leviers[0].gain,
    )
    objectifs = []
    for objectif in campagne.objectifs:
        sd = profil.domaine(objectif.domaine)
        actuel = sd.score if sd else None
        objectifs.append(
            {
                "domaine": f"{sd.section} {sd.axe}" if sd else objectif.domaine,
                "actuel": actuel,
                "cible": objectif.cible,
                "ecart": None if actuel is None else float(max(0, montre(objectif.cible) - montre(actuel))),
                "atteint": actuel is not None and atteint(actuel, objectif.cible),
                "echeance": objectif.echeance,
                "actions": [
                    {
                        "libelle": action.libelle,
                        "responsable": action.responsable,
                        "echeance": action.echeance,
                        "statut": statut_fr(action.statut),
                    }
                    for action in objectif.actions
                ],
            }
        )
    return contexte_calcul(referentiel) | {
        "campagne": campagne,
        "fichier": Path(campagne.chemin).name if campagne.chemin else None,
        "profil": profil,
        "lecture": lire_profil(profil, notation),
        "reference": [(item.libelle, campagne.reference.get(item.id)) for item in referentiel.reference.items],
        "repondus": repondus,
        "attendus": attendus,
        "completude": completude(list(questions(referentiel, campagne.reponses, campagne.reference))),
        "radar": NOM_RADAR,
        "details": details,
        "premiers_leviers": premiers_leviers,
        "sans_reponse": _sans_reponse(campagne, referentiel, profil),
        "objectifs": objectifs,
        "enquetes": enquetes_par_domaine(campagne, referentiel),
        "sources": sources_par_domaine(campagne, referentiel),
        "repere": repere,
    }


def texte_rapport(
    campagne: Campagne,
    referentiel: Referentiel,
    profil: Profil | None = None,
    repere: Repere | None = None,
    contexte: Mapping[str, object] | None = None,
) -> str:
    """Le texte Markdown du rapport (sans dessiner les images) ; ``contexte`` : celui de
    ``contexte_rapport``, s'il est déjà construit pour un autre format."""
    profil = profil or calculer_profil(campagne, referentiel)
    modele = environnement_jinja().get_template(MODELE_RAPPORT)
    return modele.render(contexte if contexte is not None else contexte_rapport(campagne, referentiel, profil, repere))


def noms_images(campagne: Campagne, referentiel: Referentiel) -> list[str]:
    """Les noms des images du rapport, sans les dessiner."""
    return [NOM_RADAR] + [
        nom_image_repartition(d.id) for d in referentiel.domaines if d.est_usage and repartitions(d, campagne)
    ]


def images_rapport(
    campagne: Campagne, referentiel: Referentiel, profil: Profil, repere: Repere | None = None
) -> dict[str, bytes]:
    """Les images du rapport : le diagramme de synthèse et une répartition par domaine d'usage renseigné."""
    from diagnum.rapports.graphiques import radar_png, repartition_png

    images = {NOM_RADAR: radar_png([profil], repere=repere)}
    for domaine in referentiel.domaines:
        barres = repartitions(domaine, campagne) if domaine.est_usage else []
        if barres:
            titre = f"{domaine.section} {domaine.axe} : fréquence d'usage"
            images[nom_image_repartition(domaine.id)] = repartition_png(barres, titre)
    return images


def construire_rapport(
    campagne: Campagne,
    referentiel: Referentiel,
    profil: Profil | None = None,
    repere: Repere | None = None,
    contexte: Mapping[str, object] | None = None,
) -> Rapport:
    """Le rapport complet : texte et images (le profil n'est calculé qu'une fois, le contexte aussi)."""
    profil = profil or calculer_profil(campagne, referentiel)
    return Rapport(
        texte_rapport(campagne, referentiel, profil, repere, contexte),
        images_rapport(campagne, referentiel, profil, repere),
    )
