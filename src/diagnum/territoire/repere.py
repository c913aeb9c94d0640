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
    #: La part est estimée d'après des tranches (repère anonyme), pas d'après les scores eux-mêmes.
    environ: bool = False


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
        environ = "d'environ " if situation.environ else "de "
        return f"au-dessus {environ}{pourcent_fr(situation.part)} des {situation.n} établissements"


def _refuser_constante(nom: str) -> float:
    raise ValueError(nom)


def charger_repere(chemin: Path) -> dict:
    """Le contenu d'un repere.json, vérifié dans sa forme ; ``ErreurFichier`` (code 2) s'il est illisible
    ou mal formé (types, quartiles manquants, NaN, imbrication trop profonde), avec l'endroit fautif."""
    import json

    from diagnum.fichiers import lire_octets

    octets = lire_octets(Path(chemin), limite=64 * 1024 * 1024)
    try:
        donnees = json.loads(octets.decode("utf-8-sig"), parse_constant=_refuser_constante)
    except UnicodeDecodeError:
        raise ErreurFichier(f"{chemin} : ce n'est pas un fichier texte (UTF-8) ; un repere.json est attendu") from None
    except json.JSONDecodeError as exc:
        raise ErreurFichier(
            f"{chemin}:{exc.lineno}:{exc.colno}: JSON illisible ; donnez le repere.json écrit par diagnum synthese"
        ) from None
    except ValueError as exc:
        raise ErreurFichier(
            f"{chemin} : « {exc} » n'est pas un nombre ; donnez le repere.json écrit par diagnum synthese"
        ) from None
    except RecursionError:
        raise ErreurFichier(
            f"{chemin} : JSON imbriqué trop profondément ; donnez le repere.json écrit par diagnum synthese"
        ) from None
    if not isinstance(donnees, dict) or donnees.get("format") != FORMAT_REPERE:
        raise ErreurFichier(f"{chemin} : ce n'est pas un repère de diagnum (écrit par diagnum synthese)")
    if donnees.get("version") != VERSION_REPERE or not isinstance(donnees.get("campagnes"), dict):
        raise ErreurFichier(f"{chemin} : version de repère inconnue ; refaites-le avec cette version de diagnum")
    _verifier(donnees, str(chemin))
    return donnees


def _mal_forme(chemin: str, lieu: list[str], attendu: str) -> ErreurFichier:
    from diagnum.affichage import abreger

    return ErreurFichier(
        f"{chemin} : repère mal formé en « {abreger('.'.join(lieu), 120)} » : {attendu} est attendu ; "
        "donnez le repere.json écrit par diagnum synthese, sans le modifier"
    )


def _est_entier(valeur: object) -> bool:
    return isinstance(valeur, int) and not isinstance(valeur, bool) and valeur >= 0


def _est_nombre(valeur: object) -> bool:
    import math

    return isinstance(valeur, int | float) and not isinstance(valeur, bool) and math.isfinite(valeur)


def _verifier(donnees: dict, chemin: str) -> None:
    """Chaque campagne, chaque domaine, chaque statistique : les types qu'écrit ``diagnum synthese``."""
    if not isinstance(donnees.get("referentiel"), str):
        raise _mal_forme(chemin, ["referentiel"], "un texte (la version du référentiel)")
    for nom, campagne in donnees["campagnes"].items():
        lieu = ["campagnes", nom]
        if not isinstance(campagne, dict):
            raise _mal_forme(chemin, lieu, "un objet")
        if not _est_entier(campagne.get("etablissements")):
            raise _mal_forme(chemin, [*lieu, "etablissements"], "un nombre entier")
        domaines = campagne.get("domaines")
        if not isinstance(domaines, dict):
            raise _mal_forme(chemin, [*lieu, "domaines"], "un objet")
        for domaine, chiffres in domaines.items():
            if not isinstance(chiffres, dict):
                raise _mal_forme(chemin, [*lieu, "domaines", domaine], "un objet")
            for cle, stat in chiffres.items():
                _verifier_stat(stat, chemin, [*lieu, "domaines", domaine, cle])


def _verifier_stat(stat: object, chemin: str, lieu: list[str]) -> None:
    if not isinstance(stat, dict):
        raise _mal_forme(chemin, lieu, "un objet")
    n = stat.get("n")
    if n is None:
        return  # statistique non publiée (moins de 5 établissements)
    if not _est_entier(n):
        raise _mal_forme(chemin, [*lieu, "n"], "un nombre entier")
    for cle in ("q1", "mediane", "q3"):
        if not _est_nombre(stat.get(cle)):
            raise _mal_forme(chemin, [*lieu, cle], "un nombre")
    if not stat.get("q1") <= stat.get("mediane") <= stat.get("q3"):
        raise _mal_forme(chemin, lieu, "des quartiles rangés (q1 ≤ médiane ≤ q3)")
    for cle in ("effectifs", "tranches"):
        if cle not in stat:
            continue
        serie = stat[cle]
        if not isinstance(serie, list) or not all(
            isinstance(paire, list) and len(paire) == 2 and _est_nombre(paire[0]) and _est_entier(paire[1])
            for paire in serie
        ):
            raise _mal_forme(chemin, [*lieu, cle], "une liste de paires [valeur, nombre d'établissements]")


def situer(profil, donnees: dict, chemin: str = "repere.json") -> Repere:
    """La situation de chaque domaine de ``profil`` dans le repère (pure) ; ``ErreurProbleme`` si refusé."""
    from diagnum.territoire.statistiques import part_en_dessous, part_en_dessous_tranches

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
        environ = "effectifs" not in stat and "tranches" in stat
        serie = [(float(v), int(n)) for v, n in stat.get("tranches" if environ else "effectifs", [])]
        if d.score is None or not any(n for _, n in serie):
            part = None
        else:
            part = part_en_dessous_tranches(d.score, serie) if environ else part_en_dessous(d.score, serie)
        situations[d.id] = Situation(
            d.id, d.score, stat["n"], float(stat["q1"]), float(stat["mediane"]), float(stat["q3"]), part, environ
        )
    return Repere(profil.campagne, etablissements, situations)


def lire_repere(chemin: Path, profil) -> Repere:
    """``charger_repere`` puis ``situer`` : ce qu'appellent ``score``, ``rapport`` et ``radar``."""
    return situer(profil, charger_repere(chemin), str(chemin))
