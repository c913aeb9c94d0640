"""Écrire les réponses fusionnées dans le texte d'une campagne (ruamel.yaml, aller-retour ; pure).

Le texte est relu par ruamel.yaml en mode aller-retour, qui garde les commentaires, l'ordre, les
guillemets et la mise en page ; seules les réponses changées le sont, chacune suivie d'un court
commentaire qui nomme le fichier d'où elle vient (jamais une personne). Les commentaires qui
suivent une réponse (la question suivante, dans un fichier écrit par ``diagnum init``) restent à
leur place.
"""

from __future__ import annotations

import datetime as dt
import io

from diagnum.classeurs.fusion import Changement
from diagnum.classeurs.modele import ID_COMMENTAIRES
from diagnum.referentiel import Referentiel


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _detacher_suite(carte, cle: str) -> str:
    """Retire et rend les lignes de commentaire qui suivent la valeur de ``cle`` (sans son commentaire de fin de ligne)."""
    entree = carte.ca.items.get(cle)
    if not entree or len(entree) < 3 or entree[2] is None:
        return ""
    valeur = entree[2].value
    coupure = valeur.find("\n")
    entree[2] = None
    return valeur[coupure:] if coupure >= 0 else ""


def _derniere(carte, cle: str):
    """La carte et la clé de la dernière ligne écrite sous ``cle`` (elle-même si sa valeur est simple)."""
    from ruamel.yaml.comments import CommentedMap

    valeur = carte.get(cle)
    while isinstance(valeur, CommentedMap) and len(valeur):
        carte, cle = valeur, list(valeur)[-1]
        valeur = carte.get(cle)
    return carte, cle


def _rattacher_suite(carte, cle: str, suite: str) -> None:
    if not suite:
        return
    from ruamel.yaml.tokens import CommentToken

    carte, cle = _derniere(carte, cle)
    entree = carte.ca.items.setdefault(cle, [None, None, None, None])
    while len(entree) < 4:
        entree.append(None)
    if entree[2] is None:
        from ruamel.yaml.error import CommentMark

        entree[2] = CommentToken(suite, CommentMark(0))
    else:
        entree[2].value = entree[2].value.split("\n", 1)[0] + suite


def _noter(carte, cle: str, source: str) -> None:
    """« # source » en fin de ligne de ``cle`` (remplace un commentaire de fin de ligne, garde les lignes suivantes)."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entree = carte.ca.items.get(cle)
    suite = ""
    if entree and len(entree) > 2 and entree[2] is not None:
        valeur = entree[2].value
        suite = valeur[valeur.find("\n") :] if "\n" in valeur else ""
    if not isinstance(carte.get(cle), CommentedMap) and not suite:
        suite = "\n"
    entree = carte.ca.items.setdefault(cle, [None, None, None, None])
    while len(entree) < 4:
        entree.append(None)
    # Deux espaces avant « # » (comme le veut yamllint, règle comments).
    entree[2] = CommentToken(f" # {source}{suite}", CommentMark(0))


def _valeur_yaml(cle: str, valeur: object) -> object:
    from ruamel.yaml.scalarstring import LiteralScalarString

    if cle == ID_COMMENTAIRES and isinstance(valeur, str):
        return LiteralScalarString(valeur.rstrip("\n") + "\n")
    if isinstance(valeur, float) and valeur.is_integer():
        return int(valeur)
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    return valeur


def _remplacer(carte, cle: str, valeur: object) -> None:
    """Met ``valeur`` sous ``cle`` en gardant les commentaires qui suivent l'ancienne valeur."""
    from ruamel.yaml.comments import CommentedMap

    ancienne = carte.get(cle)
    if isinstance(valeur, dict):
        if isinstance(ancienne, CommentedMap):
            for sous, v in valeur.items():
                _remplacer(ancienne, sous, v)
            return
        suite = _detacher_suite(carte, cle)
        nouvelle = CommentedMap()
        for sous, v in valeur.items():
            nouvelle[sous] = v
        carte[cle] = nouvelle
        _rattacher_suite(carte, cle, suite)
        return
    if isinstance(ancienne, CommentedMap):
        suite = _detacher_suite(*_derniere(carte, cle))
        carte[cle] = valeur
        _rattacher_suite(carte, cle, suite)
        return
    carte[cle] = valeur


def _carte(parent, cle: str):
    from ruamel.yaml.comments import CommentedMap

    valeur = parent.get(cle)
    if not isinstance(valeur, CommentedMap):
        suite = _detacher_suite(parent, cle) if cle in parent else ""
        valeur = CommentedMap()
        parent[cle] = valeur
        _rattacher_suite(parent, cle, suite)
    return valeur


def appliquer(texte: str, changements: list[Changement], referentiel: Referentiel) -> str:
    """Le texte de la campagne avec les changements, chacun suivi du nom de sa source."""
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    racine = yaml.load(texte)
    for changement in changements:
        *parents, cle = changement.chemin
        carte = racine
        for nom in parents[:-1] if len(parents) == 4 else parents:
            carte = _carte(carte, nom)
        if len(parents) == 4:
            # Une case de matrice : une ligne écrite d'un mot (« sans objet ») devient ses trois cases.
            item = referentiel.item(parents[2])
            ligne = parents[3]
            existante = carte.get(ligne)
            if not isinstance(existante, CommentedMap):
                _remplacer(carte, ligne, {c.id: existante for c in item.colonnes})
            carte = carte[ligne]
        _remplacer(carte, cle, _valeur_yaml(cle, changement.apres))
        _noter(carte, cle, changement.source)
    flux = io.StringIO()
    yaml.dump(racine, flux)
    return flux.getvalue()


def provenances(texte: str, changements: list[Changement]) -> dict[int, str]:
    """Dans le texte fusionné, la ligne de chaque réponse changée → la place d'où elle vient (pour situer une
    erreur que seule la campagne entière fait voir, comme une répartition qui dépasse son total)."""
    from diagnum.classeurs.reponses import position
    from diagnum.lecture_yaml import lire_yaml

    racine, _ = lire_yaml(texte)
    lignes: dict[int, str] = {}
    for changement in changements:
        trouvee = position(racine, changement.chemin)
        if trouvee is not None:
            # Une répartition occupe sa ligne et celles de ses trois effectifs.
            etendue = len(changement.apres) if isinstance(changement.apres, dict) else 0
            for ligne in range(trouvee.ligne, trouvee.ligne + etendue + 1):
                lignes.setdefault(ligne, changement.place)
    return lignes
