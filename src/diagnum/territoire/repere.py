"""Situer un établissement parmi ses pairs : lire un repere.json (écrit par ``diagnum synthese``).

``charger_repere`` lit et vérifie le fichier (bord I/O) ; ``situer`` est pure :
pour chaque domaine du profil, la médiane et les quartiles du territoire pour
la même campagne, et la part des établissements dont le score est strictement
inférieur (« au-dessus de 62 % des 143 établissements »). Un repère d'une autre
version du référentiel, sans la campagne du profil, ou qui porte sur moins de
5 établissements, est refusé (code 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from diagnum.erreurs import ErreurFichier, ErreurProbleme
from diagnum.territoire.synthese import SEUIL_ANONYMAT as SEUIL_REPERE

FORMAT_REPERE = "diagnum-repere"
VERSION_REPERE = 1


class Situation(NamedTuple):
    """Un domaine du profil situé dans le territoire (``part`` : de 0 à 1, ``None`` sans score)."""

    domaine: str
    score: float | None
    n: int
    q1: float
    mediane: float
    q3: float
    part: float | None


class Repere(NamedTuple):
    """Le repère d'une campagne : nombre d'établissements et situation de chaque domaine."""

    campagne: str
    etablissements: int
    situations: dict[str, Situation | None]

    def phrase(self, domaine: str) -> str:
        """« au-dessus de 62 % des 143 établissements », ou la raison de l'absence de repère."""
        from diagnum.affichage import pourcent_fr

        situation = self.situations.get(domaine)
        if situation is None:
            return "pas de repère pour ce domaine"
        if situation.part is None:
            return f"sans score (repère sur {situation.n} établissements)"
        return f"au-dessus de {pourcent_fr(situation.part)} des {situation.n} établissements"


def charger_repere(chemin: Path) -> dict:
    """Le contenu d'un repere.json, vérifié dans sa forme ; ``ErreurFichier`` (code 2) s'il est illisible."""
    import json

    from diagnum.fichiers import lire_octets

    octets = lire_octets(Path(chemin), limite=64 * 1024 * 1024)
    try:
        donnees = json.loads(octets.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ErreurFichier(f"{chemin} : ce n'est pas un fichier texte (UTF-8) ; un repere.json est attendu") from None
    except json.JSONDecodeError as exc:
        raise ErreurFichier(
            f"{chemin}:{exc.lineno}:{exc.colno}: JSON illisible ; donnez le repere.json écrit par diagnum synthese"
        ) from None
    if not isinstance(donnees, dict) or donnees.get("format") != FORMAT_REPERE:
        raise ErreurFichier(f"{chemin} : ce n'est pas un repère de diagnum (écrit par diagnum synthese)")
    if donnees.get("version") != VERSION_REPERE or not isinstance(donnees.get("campagnes"), dict):
        raise ErreurFichier(f"{chemin} : version de repère inconnue ; refaites-le avec cette version de diagnum")
    return donnees


def situer(profil, donnees: dict, chemin: str = "repere.json") -> Repere:
    """La situation de chaque domaine de ``profil`` dans le repère (pure) ; ``ErreurProbleme`` si refusé."""
    from diagnum.territoire.statistiques import part_en_dessous

    if donnees.get("referentiel") != profil.referentiel:
        raise ErreurProbleme(
            f"{chemin} : repère du référentiel {donnees.get('referentiel')}, campagne du référentiel "
            f"{profil.referentiel} : ils ne se comparent pas"
        )
    campagnes = donnees["campagnes"]
    campagne = campagnes.get(profil.campagne)
    if not isinstance(campagne, dict):
        connues = ", ".join(sorted(campagnes)) or "aucune"
        raise ErreurProbleme(
            f"{chemin} : pas de repère pour la campagne {profil.campagne} (campagnes du repère : {connues})"
        )
    etablissements = campagne.get("etablissements")
    if not isinstance(etablissements, int) or etablissements < SEUIL_REPERE:
        raise ErreurProbleme(
            f"{chemin} : le repère de la campagne {profil.campagne} porte sur moins de {SEUIL_REPERE} "
            "établissements : il ne situerait rien et pourrait désigner un établissement"
        )
    situations: dict[str, Situation | None] = {}
    domaines = campagne.get("domaines") or {}
    for d in profil.domaines:
        stat = (domaines.get(d.id) or {}).get("score")
        if not isinstance(stat, dict) or not isinstance(stat.get("n"), int) or stat["n"] < SEUIL_REPERE:
            situations[d.id] = None
            continue
        serie = [(float(v), int(n)) for v, n in stat.get("effectifs", [])]
        part = None if d.score is None or not serie else part_en_dessous(d.score, serie)
        situations[d.id] = Situation(
            d.id, d.score, stat["n"], float(stat["q1"]), float(stat["mediane"]), float(stat["q3"]), part
        )
    return Repere(profil.campagne, etablissements, situations)


def lire_repere(chemin: Path, profil) -> Repere:
    """``charger_repere`` puis ``situer`` : ce qu'appellent ``score``, ``rapport`` et ``radar``."""
    return situer(profil, charger_repere(chemin), str(chemin))
