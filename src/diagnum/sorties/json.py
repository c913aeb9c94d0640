"""Le format JSON : un document par sortie (constats, profil, comparaison, évolution).

Tous écrits de la même façon (``document_json``) : UTF-8 sans échappement des accents, indentation
de deux espaces, une fin de ligne. Les documents eux-mêmes (clés, valeurs) sont construits par le
cœur quand d'autres s'en servent (``calculs.scores.profil_en_dict``, ``calculs.comparaison``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.calculs.comparaison import Comparaison, Evolution
    from diagnum.calculs.scores import Profil
    from diagnum.referentiel import Notation
    from diagnum.sorties.texte import FichierConstats
    from diagnum.territoire.repere import Repere


def document_json(document: object) -> str:
    """Un document JSON tel que diagnum les écrit."""
    import json

    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_constats(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> str:
    """Le document JSON ``{"fichiers": [...]}``."""
    document = {
        "fichiers": [
            {
                "fichier": chemin,
                "diagnostics": [
                    {
                        "ligne": d.ligne,
                        "colonne": d.colonne,
                        "gravite": d.gravite.value,
                        "code": d.code,
                        "message": d.message,
                    }
                    for d in constats
                ],
            }
            for chemin, constats in fichiers
        ]
    }
    return document_json(document)


def profil(profil: Profil, notation: Notation | None = None, repere: Repere | None = None) -> str:
    """Le document JSON du profil (voir ``scores.profil_en_dict``) ; avec un repère, la clé « repere »."""
    from diagnum.calculs.scores import profil_en_dict

    document = profil_en_dict(profil)
    if repere is not None:
        document["repere"] = {
            "campagne": repere.campagne,
            "etablissements": repere.etablissements,
            "domaines": [
                {"id": d.id, **({} if (s := repere.situations.get(d.id)) is None else s._asdict())}
                for d in profil.domaines
            ],
        }
    return document_json(document)


def comparaison(comparaison: Comparaison, chemins: Sequence[str] = ()) -> str:
    """Le document JSON d'une comparaison (``calculs.comparaison.comparaison_json``)."""
    from diagnum.calculs.comparaison import comparaison_json

    return document_json(comparaison_json(comparaison, tuple(chemins)))


def evolution(evo: Evolution, chemins: Sequence[str] = ()) -> str:
    """Le document JSON d'une évolution (``calculs.comparaison.evolution_json``)."""
    from diagnum.calculs.comparaison import evolution_json

    return document_json(evolution_json(evo))
