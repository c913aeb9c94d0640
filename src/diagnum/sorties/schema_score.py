"""Le schéma JSON (draft-07) de ``diagnum score --format json``, livré dans ``docs/score.schema.json``.

Le document porte ``version_format`` : elle change quand une clé disparaît ou change de sens, jamais pour
une clé ajoutée. Unités : scores de 0 à 100 (au dixième), complétude, couverture, taux de réponse et part
du territoire de 0 à 1 (arrondis à 4 décimales), comme dans toute sortie de diagnum faite pour les
programmes (JSON, CSV, SQLite) ; les pourcentages ne servent qu'aux textes lus par des personnes.

``diagnum schema --score -o docs/score.schema.json --force`` le régénère (un test vérifie qu'il est à jour,
et que la sortie réelle de ``diagnum score --format json`` le respecte).
"""

from __future__ import annotations

import json

# La version du format du document JSON de ``diagnum score`` vit avec le document (``calculs.scores``).
from diagnum.calculs.scores import VERSION_FORMAT_SCORE

META_SCHEMA = "http://json-schema.org/draft-07/schema#"

Schema = dict[str, object]


def _ou_nul(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _objet(proprietes: dict[str, Schema], description: str = "", facultatives: tuple[str, ...] = ()) -> Schema:
    schema: Schema = {
        "type": "object",
        "additionalProperties": False,
        "required": [cle for cle in proprietes if cle not in facultatives],
        "properties": proprietes,
    }
    return {"description": description, **schema} if description else schema


TEXTE: Schema = {"type": "string"}
ENTIER: Schema = {"type": "integer", "minimum": 0}
BOOLEEN: Schema = {"type": "boolean"}
SCORE: Schema = {"type": "number", "minimum": 0, "maximum": 100, "description": "Score de 0 à 100, au dixième."}
PART: Schema = {"type": "number", "minimum": 0, "maximum": 1, "description": "Part de 0 à 1 (4 décimales)."}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}


def construire_schema_score() -> Schema:
    """Le schéma du document JSON de ``diagnum score`` (``calculs.scores.profil_en_dict``, et ``repere``)."""
    couverture = _objet(
        {
            "item": TEXTE,
            "comptes": ENTIER,
            "reference": _ou_nul(ENTIER),
            "couverture": _ou_nul(PART),
            "texte": TEXTE,
        },
        "Une répartition : personnes comptées sur leur nombre de référence.",
    )
    levier = _objet(
        {
            "item": TEXTE,
            "ligne": _ou_nul(TEXTE),
            "libelle": TEXTE,
            "role": {"enum": ["score", "usage", "moyens"]},
            "gain": {"type": "number", "minimum": 0, "maximum": 100},
            "actuel": TEXTE,
        },
        "Une réponse dont l'amélioration ferait gagner jusqu'à « gain » points.",
    )
    domaine = _objet(
        {
            "id": TEXTE,
            "section": TEXTE,
            "titre": TEXTE,
            "axe": TEXTE,
            "nature": {"enum": ["structurel", "usage"]},
            "score": _ou_nul(SCORE),
            "usage": _ou_nul(SCORE),
            "moyens": _ou_nul(SCORE),
            "completude": PART,
            "provisoire": BOOLEEN,
            "completude_usage": _ou_nul(PART),
            "completude_moyens": _ou_nul(PART),
            "moyens_provisoire": BOOLEEN,
            "repondus": ENTIER,
            "attendus": ENTIER,
            "couvertures": {"type": "array", "items": couverture},
            "incalculables": {
                "type": "array",
                "items": _objet({"item": TEXTE, "reference": TEXTE, "role": {"enum": ["score", "usage", "moyens"]}}),
            },
            "leviers": {"type": "array", "items": levier},
            "sans_reponse": {"type": "array", "items": TEXTE},
        },
        "Les chiffres d'un domaine ; « score » vaut null quand rien n'y est calculable (non renseigné).",
    )
    enquete = _objet(
        {
            "public": TEXTE,
            "repondants": ENTIER,
            "reference": _ou_nul(ENTIER),
            "taux": _ou_nul({"type": "number", "minimum": 0}),
            "date": _ou_nul(DATE),
            "texte": TEXTE,
        },
        "Une enquête importée (diagnum enquete importer) ; « taux » : répondants / référence, de 0 à 1.",
    )
    obligation = _objet(
        {
            "id": TEXTE,
            "libelle": TEXTE,
            "reponse": _ou_nul({"enum": ["oui", "non"]}),
            "respectee": BOOLEEN,
        }
    )
    situation = _objet(
        {
            "id": TEXTE,
            "domaine": TEXTE,
            "score": _ou_nul(SCORE),
            "n": ENTIER,
            "q1": SCORE,
            "mediane": SCORE,
            "q3": SCORE,
            "part": _ou_nul(PART),
            "environ": {
                "type": "boolean",
                "description": "La part est estimée d'après des tranches de 10 points (repère anonyme).",
            },
        },
        "Un domaine situé parmi les établissements du territoire ; seul « id » quand il n'a pas de repère.",
        facultatives=("domaine", "score", "n", "q1", "mediane", "q3", "part", "environ"),
    )
    repere = _objet(
        {
            "campagne": TEXTE,
            "etablissements": ENTIER,
            "domaines": {"type": "array", "items": situation},
        },
        "Avec --repere : la situation de chaque domaine dans le territoire (repere.json de diagnum synthese).",
    )
    racine = _objet(
        {
            "version_format": {"const": VERSION_FORMAT_SCORE},
            "referentiel": TEXTE,
            "etablissement": _objet({"nom": _ou_nul(TEXTE), "uai": _ou_nul(TEXTE), "commune": _ou_nul(TEXTE)}),
            "campagne": _ou_nul(TEXTE),
            "date": _ou_nul(DATE),
            "domaines": {"type": "array", "items": domaine},
            "enquetes": {"type": "array", "items": enquete},
            "obligations": {"type": "array", "items": obligation, "description": "Non respectées d'abord."},
            "repere": repere,
        },
        facultatives=("repere",),
    )
    return {
        "$schema": META_SCHEMA,
        "$comment": "Généré par « diagnum schema --score » : ne pas modifier à la main.",
        "title": f"Profil d'une campagne (diagnum score --format json), format {VERSION_FORMAT_SCORE}",
        "description": (
            "Scores de 0 à 100 ; complétude, couverture, taux et part de 0 à 1. « version_format » change "
            "quand une clé disparaît ou change de sens."
        ),
        **racine,
    }


def texte_schema_score() -> str:
    """Le schéma tel qu'il est livré : JSON indenté, clés dans l'ordre, fin de ligne finale."""
    return json.dumps(construire_schema_score(), ensure_ascii=False, indent=2) + "\n"
