"""La fusion des réponses revenues dans la campagne (pure : réponses et sources → changements, conflits).

Une réponse vide d'une source ne change rien. Deux sources qui donnent deux réponses différentes au
même item, ou une source qui contredit une réponse déjà écrite dans la campagne, font un conflit :
jamais tranché en silence. ``retenir`` (le nom d'une source) fait gagner cette source sur les autres
et sur la campagne ; ``remplacer`` fait gagner les sources sur la campagne.
"""

from __future__ import annotations

from typing import NamedTuple

from diagnum.classeurs.reponses import egales


class Reponse(NamedTuple):
    """Une réponse et sa place (« marie.yaml:112:7 », « classeur.ods:Usages 3.6.1!D8 »)."""

    valeur: object
    place: str


class Source(NamedTuple):
    """Un fichier rempli : son nom (jamais celui d'une personne) et ses réponses par chemin."""

    nom: str
    reponses: dict[tuple[str, ...], Reponse]


class Changement(NamedTuple):
    chemin: tuple[str, ...]
    avant: object
    apres: object
    source: str
    place: str


class Conflit(NamedTuple):
    """Deux réponses différentes au même item : chacune avec sa place."""

    chemin: tuple[str, ...]
    premiere: Reponse
    seconde: Reponse
    #: Vrai si la première est celle de la campagne (sinon deux sources se contredisent).
    dans_campagne: bool


class Fusion(NamedTuple):
    changements: list[Changement]
    conflits: list[Conflit]


def fusionner(
    campagne: dict[tuple[str, ...], Reponse],
    sources: list[Source],
    *,
    retenir: str | None = None,
    remplacer: bool = False,
    ordre: list[tuple[str, ...]] | None = None,
) -> Fusion:
    """Ce que les sources changent dans la campagne, et les conflits qui empêchent de l'écrire.

    Le résultat ne dépend pas de l'ordre des sources : les changements suivent ``ordre`` (celui du
    référentiel) ou, à défaut, l'ordre trié des chemins.
    """
    proposees: dict[tuple[str, ...], list[tuple[str, Reponse]]] = {}
    for source in sorted(sources, key=lambda s: s.nom):
        for chemin, reponse in source.reponses.items():
            proposees.setdefault(chemin, []).append((source.nom, reponse))
    rang = {chemin: i for i, chemin in enumerate(ordre or [])}
    changements: list[Changement] = []
    conflits: list[Conflit] = []
    for chemin in sorted(proposees, key=lambda c: (rang.get(c, len(rang)), c)):
        candidates = proposees[chemin]
        gagnante = next(((n, r) for n, r in candidates if n == retenir), None)
        if gagnante is None:
            nom, reponse = candidates[0]
            desaccord = next(((n, r) for n, r in candidates[1:] if not egales(r.valeur, reponse.valeur)), None)
            if desaccord is not None:
                conflits.append(Conflit(chemin, reponse, desaccord[1], False))
                continue
            gagnante = (nom, reponse)
        nom, reponse = gagnante
        existante = campagne.get(chemin)
        if existante is not None and egales(existante.valeur, reponse.valeur):
            continue
        if existante is not None and not (remplacer or nom == retenir):
            conflits.append(Conflit(chemin, existante, reponse, True))
            continue
        changements.append(
            Changement(chemin, existante.valeur if existante else None, reponse.valeur, nom, reponse.place)
        )
    return Fusion(changements, conflits)
