"""Le schéma JSON (draft-07) d'une campagne, tiré du référentiel.

Un éditeur (VS Code et son extension YAML, tout client de
yaml-language-server) s'en sert pour vérifier le fichier pendant la saisie,
compléter les clés et afficher la question au survol (``description`` en
texte, ``markdownDescription`` en Markdown). Le schéma reprend les règles de
forme de ``diagnum valider`` (clés connues, réponses permises, effectifs
positifs, pourcentages de 0 à 100) ; les règles qui croisent plusieurs
réponses (totaux, conditions) restent l'affaire de ``diagnum valider``.

Draft-07 plutôt qu'une version plus récente : c'est la dernière que les
anciens éditeurs comprennent tous. Chaque valeur accepte ``null`` : un item
sans réponse est permis (``valider --complet`` le refuse).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from diagnum.campagne.modele import STATUTS_ACTION
from diagnum.referentiel import (
    MODALITES,
    NON,
    OUI,
    SANS_OBJET,
    Domaine,
    Item,
    Partie,
    Referentiel,
    dossier_referentiels,
)

META_SCHEMA = "http://json-schema.org/draft-07/schema#"
SUFFIXE = ".schema.json"
# Date AAAA-MM-JJ (un ou deux chiffres pour le mois et le jour, comme valider) qui existe au calendrier : jours
# de chaque mois, 29 février des seules années bissextiles ; heure éventuelle (ignorée) de 0:00:00 à 23:59:59.
_JOUR_31 = r"(0?[13578]|1[02])-(0?[1-9]|[12][0-9]|3[01])"
_JOUR_30 = r"(0?[469]|11)-(0?[1-9]|[12][0-9]|30)"
_FEVRIER = r"0?2-(0?[1-9]|1[0-9]|2[0-8])"
_BISSEXTILE = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
_HEURE = r"([Tt]|[ \t]+)([01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?"
MOTIF_DATE = rf"^(?!0000)([0-9]{{4}}-({_JOUR_31}|{_JOUR_30}|{_FEVRIER})|{_BISSEXTILE}-0?2-29)({_HEURE})?$"

Schema = dict[str, Any]


def chemin_schema(version: str) -> Path:
    """Où le schéma d'une version est rangé : à côté de son référentiel (``referentiel/2011.schema.json``)."""
    return dossier_referentiels() / f"{version}{SUFFIXE}"


def uri_schema(version: str) -> str | None:
    """L'URI ``file://`` absolue du schéma installé, ou ``None`` s'il n'y en a pas pour cette version."""
    chemin = chemin_schema(version)
    return chemin.resolve().as_uri() if chemin.is_file() else None


def ligne_modele(version: str) -> str | None:
    """Le commentaire de tête d'une campagne qui désigne son schéma aux éditeurs (yaml-language-server)."""
    uri = uri_schema(version)
    return f"yaml-language-server: $schema={uri}" if uri else None


def texte_schema(referentiel: Referentiel) -> str:
    """Le schéma en JSON, toujours écrit de la même façon (le fichier livré est comparé à ce texte)."""
    return json.dumps(construire_schema(referentiel), ensure_ascii=False, indent=2) + "\n"


def construire_schema(referentiel: Referentiel) -> Schema:
    """Le schéma JSON d'une campagne suivant ce référentiel (fonction pure)."""
    version: list[object] = [referentiel.version]
    if referentiel.version.isdigit():
        version.append(int(referentiel.version))  # referentiel: 2011 sans guillemets est accepté par valider
    proprietes: dict[str, Schema] = {
        "referentiel": _decrit(
            {"type": ["string", "integer"], "enum": version},
            f"Version du référentiel suivie par cette campagne : « {referentiel.version} ».",
        ),
        "etablissement": _objet(
            {
                "nom": _decrit(_texte(referentiel.bornes.texte), "Nom de l'établissement."),
                "uai": _decrit(
                    {"type": ["string", "null"], "pattern": _motif_uai()},
                    "Code UAI de l'établissement : 7 chiffres et une lettre de contrôle (par exemple 0750654D). "
                    "La lettre se calcule sur les 7 chiffres (reste de la division par 23) : un schéma JSON ne "
                    "peut pas le vérifier, seul « diagnum valider » signale une lettre fausse.",
                ),
                "commune": _decrit(_texte(referentiel.bornes.texte), "Commune de l'établissement."),
            },
            "L'établissement : nom, code UAI et commune.",
        ),
        "campagne": _decrit(
            _texte(referentiel.bornes.texte),
            "L'année scolaire de la campagne, AAAA-AAAA : deux années consécutives, par exemple 2024-2025.",
        ),
        "date": _decrit(_date(), "Date du diagnostic, au format AAAA-MM-JJ (par exemple 2025-05-20)."),
        "reference": _partie(referentiel.reference, referentiel),
        "obligations": _partie(referentiel.obligations, referentiel),
        "reponses": _objet(
            {domaine.id: _domaine(domaine, referentiel) for domaine in referentiel.domaines},
            "Réponses au questionnaire, domaine par domaine.",
        ),
        "commentaires": _decrit(_texte(referentiel.bornes.commentaires), "Commentaires libres du groupe de pilotage."),
        "objectifs": _objectifs(referentiel),
        "enquetes": _enquetes(referentiel),
        "communication": _communication(referentiel),
        "sources": _sources(referentiel),
    }
    return {
        "$schema": META_SCHEMA,
        "$comment": (
            f"Généré par « diagnum schema --referentiel {referentiel.version} » à partir du référentiel : "
            "ne pas modifier à la main."
        ),
        "title": f"Campagne diagnum : {referentiel.titre} (version {referentiel.version})",
        "description": (
            f"Une campagne de diagnostic selon le {referentiel.titre} ({referentiel.version}). "
            "Un item laissé vide est sans réponse ; vérifiez le fichier avec « diagnum valider ». Ce schéma "
            "vérifie la forme de chaque réponse ; il ne voit pas comment un nombre est écrit (0x2F, 4_7 ou 1e3 "
            "sont lus comme des nombres) ni si la lettre de contrôle d'un UAI est juste : « diagnum valider » "
            "les refuse."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["referentiel"],
        "properties": proprietes,
    }


# --------------------------------------------------------------------------
# Briques


def _decrit(schema: Schema, texte: str, markdown: str | None = None) -> Schema:
    """Ajoute la description (texte) et sa version Markdown (affichée au survol par VS Code)."""
    from diagnum.echappement import echapper_markdown

    return {
        **schema,
        "description": " ".join(texte.split()),
        "markdownDescription": markdown if markdown is not None else echapper_markdown(texte),
    }


def _texte(longueur_max: int) -> Schema:
    # Un texte libre : valider accepte aussi un nombre (campagne: 2025).
    return {"type": ["string", "number", "null"], "maxLength": longueur_max}


def _date() -> Schema:
    return {"type": ["string", "null"], "pattern": MOTIF_DATE}


def _effectif(maximum: int) -> Schema:
    return {"type": ["integer", "null"], "minimum": 0, "maximum": maximum}


def _affirmation(sans_objet: bool) -> Schema:
    reponses: list[str | None] = [OUI, NON, SANS_OBJET] if sans_objet else [OUI, NON]
    return {"type": ["string", "null"], "enum": [*reponses, None]}


def _objet(proprietes: dict[str, Schema], description: str, markdown: str | None = None) -> Schema:
    return _decrit(
        {"type": ["object", "null"], "additionalProperties": False, "properties": proprietes},
        description,
        markdown,
    )


def _motif_uai() -> str:
    from diagnum.campagne.validation import ALPHABET_UAI

    return f"^[0-9]{{7}}[{ALPHABET_UAI}]$"


def _item(item: Item, referentiel: Referentiel, titre: str) -> Schema:
    """Le schéma d'une question : sa forme selon sa nature, et la question au survol."""
    from diagnum.affichage import modalite
    from diagnum.campagne.consignes import consigne_condition, reponses_permises
    from diagnum.echappement import echapper_markdown

    if item.nature == "affirmation":
        schema = _affirmation(item.sans_objet)
    elif item.nature == "nombre":
        schema = _effectif(referentiel.bornes.effectifs[item.nature])
    elif item.nature == "proportion":
        schema = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
    elif item.nature == "repartition":
        schema = {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                m: _decrit(
                    _effectif(referentiel.bornes.effectifs[item.nature]), f"Combien le font {modalite(m)} (un effectif)"
                )
                for m in MODALITES
            },
        }
    else:
        schema = _matrice(item)
    consignes = [p for p in (item.contexte and f"({item.contexte})", consigne_condition(item, referentiel)) if p]
    reponse = reponses_permises(item, referentiel)
    colonnes = [f"[{c.id}] {c.libelle}" for c in item.colonnes]
    texte = " ".join([f"{titre}.", _phrase(item.libelle), *colonnes, *consignes, _phrase(reponse)])
    markdown = "\n\n".join(
        [
            f"**{echapper_markdown(titre)}**",
            echapper_markdown(item.libelle),
            *(["\n".join(f"- `{c.id}` : {echapper_markdown(c.libelle)}" for c in item.colonnes)] if colonnes else []),
            *(f"*{echapper_markdown(c)}*" for c in consignes),
            f"`{item.id}` — {echapper_markdown(reponse)}",
        ]
    )
    return _decrit(schema, texte, markdown)


def _phrase(texte: str) -> str:
    """Une phrase finie par un point (« … disponibles : » devient « … disponibles. »)."""
    texte = texte.strip().rstrip(" :")
    return texte if texte.endswith((".", "!", "?", "…")) else f"{texte}."


def _matrice(item: Item) -> Schema:
    """Une ligne de matrice : ses affirmations une à une, ou une seule réponse pour toute la ligne."""
    colonnes = {c.id: _decrit(_affirmation(True), c.libelle) for c in item.colonnes}
    lignes = {
        ligne.id: _decrit(
            {
                "anyOf": [
                    {"type": "object", "additionalProperties": False, "properties": colonnes},
                    _affirmation(True),
                ]
            },
            f"{ligne.libelle} : oui | non | sans objet à chaque affirmation, ou « sans objet » si le service "
            "n'est pas proposé.",
        )
        for ligne in item.lignes
    }
    return {"type": ["object", "null"], "additionalProperties": False, "properties": lignes}


def _partie(partie: Partie, referentiel: Referentiel) -> Schema:
    titre = f"{partie.section} {partie.titre}"
    return _objet(
        {item.id: _item(item, referentiel, titre) for item in partie.items},
        f"{titre}. {partie.introduction or ''}".strip(),
    )


def _domaine(domaine: Domaine, referentiel: Referentiel) -> Schema:
    proprietes = {}
    for rubrique in domaine.rubriques:
        titre = " ".join(p for p in (rubrique.section or domaine.section, rubrique.titre) if p)
        for item in rubrique.items:
            proprietes[item.id] = _item(item, referentiel, titre)
    return _objet(proprietes, f"{domaine.section} {domaine.titre} {domaine.description or ''}".strip())


def _objectifs(referentiel: Referentiel) -> Schema:
    ids = [d.id for d in referentiel.domaines]
    action = _decrit(
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["libelle"],
            "properties": {
                "libelle": _decrit(_texte(referentiel.bornes.texte), "Ce qui sera fait."),
                "responsable": _decrit(
                    _texte(referentiel.bornes.texte), "Qui s'en charge (une fonction, pas un nom de personne)."
                ),
                "echeance": _decrit(_date(), "Date prévue, au format AAAA-MM-JJ."),
                "statut": _decrit(
                    {"type": ["string", "null"], "enum": [*STATUTS_ACTION, None]},
                    f"Où en est l'action : {' | '.join(STATUTS_ACTION)}.",
                ),
            },
        },
        "Une action : libellé, responsable, échéance, statut.",
    )
    objectif = _decrit(
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["domaine", "cible"],
            "properties": {
                "domaine": _decrit({"type": "string", "enum": ids}, f"Domaine visé : {', '.join(ids)}."),
                "cible": _decrit(
                    {"type": "number", "minimum": 0, "maximum": 100}, "Score à atteindre dans ce domaine, de 0 à 100."
                ),
                "echeance": _decrit(_date(), "Date visée, au format AAAA-MM-JJ."),
                "actions": _decrit({"type": ["array", "null"], "items": action}, "Les actions prévues."),
            },
        },
        "Un objectif : un domaine, un score cible, une échéance, des actions.",
    )
    return _decrit(
        {"type": ["array", "null"], "items": objectif},
        "Objectifs fixés par domaine : score à atteindre (cible, de 0 à 100), échéance et actions.",
    )


def _enquetes(referentiel: Referentiel) -> Schema:
    """Le bloc écrit par « diagnum enquete importer » : par public, répondants, date et fichiers."""
    enquete = {
        "repondants": _decrit(
            {"type": "integer", "minimum": 0}, "Nombre de répondants (au plus le nombre de référence de ce public)."
        ),
        "date": _decrit(_date(), "Date de l'import, au format AAAA-MM-JJ."),
        "sources": _decrit(
            {"type": ["array", "null"], "items": {"type": "string"}}, "Noms des fichiers d'export importés."
        ),
    }
    return _objet(
        {
            public.id: _objet(enquete, f"{public.titre} : répondants, date de l'import, fichiers importés.")
            for public in referentiel.publics
        },
        "Enquêtes importées par « diagnum enquete importer » (des effectifs seulement, aucune réponse individuelle).",
    )


def _communication(referentiel: Referentiel) -> Schema:
    """Le bloc « communication: » : par public, les parties du document de « diagnum communiquer »."""
    from diagnum.campagne.communication import PARTIES, PUBLICS

    choix = {
        "parties": _decrit(
            {"type": ["array", "null"], "items": {"type": "string", "enum": list(PARTIES)}, "uniqueItems": True},
            "Les parties montrées à ce public : " + " ; ".join(f"{nom} : {texte}" for nom, texte in PARTIES.items()),
        ),
        "domaines": _decrit(
            {
                "type": ["array", "null"],
                "items": {"type": "string", "enum": [d.id for d in referentiel.domaines]},
                "uniqueItems": True,
            },
            "Avec la partie « scores » : les domaines dont les scores sont montrés (tous si la clé est absente).",
        ),
    }
    return _objet(
        {public: _objet(choix, f"Ce qui est communiqué à {texte}.") for public, texte in PUBLICS.items()},
        "Ce que l'établissement choisit de communiquer à chaque public (diagnum communiquer) : rien d'autre "
        "n'est montré.",
    )


def _sources(referentiel: Referentiel) -> Schema:
    """Le bloc écrit par « diagnum sources importer » : par item estimé, fichier, outil, période, règle, date."""
    texte = _texte(referentiel.bornes.texte)
    estimation = {
        "fichier": _decrit(texte, "Nom du fichier d'export d'où vient l'estimation."),
        "outil": _decrit(texte, "L'outil et la sorte d'export (planning de réservation GRR, emploi du temps, ENT)."),
        "debut": _decrit(_date(), "Premier jour de la période comptée, au format AAAA-MM-JJ."),
        "fin": _decrit(_date(), "Dernier jour de la période comptée, au format AAAA-MM-JJ."),
        "regle": _decrit(texte, "La règle qui classe jamais / occasionnellement / régulièrement (seuils)."),
        "date": _decrit(_date(), "Date de l'import, au format AAAA-MM-JJ."),
    }
    return _objet(
        {
            item.id: _objet(estimation, f"Estimation de « {item.id} » : fichier, outil, période, règle, date.")
            for item in referentiel.items_sources()
        },
        "Réponses estimées par « diagnum sources importer » d'après les exports des outils de l'établissement "
        "(des effectifs seulement, aucune donnée de personne).",
    )
