"""Les vérifications d'une campagne, une chose chacune, à la manière des règles de yamllint.

Une vérification est un module qui déclare :

- ``CODES`` : les codes des constats qu'elle peut produire ;
- ``REQUIERT`` : les vérifications dont elle lit le travail (``structure`` lit les valeurs) ;
- une fonction ``etape(ctx)`` pour chaque étape du parcours où elle a quelque chose à dire
  (``ETAPES`` : les parties du fichier dans l'ordre, puis ``fin``) ;
- au besoin, un crochet pour un événement annoncé pendant la lecture : ``reponse_lue(ctx, item,
  noeud, valeur)`` après chaque réponse lue, ``repondants_lus(ctx, public, noeud, nombre)``.

``executer`` parcourt les étapes et, à chacune, appelle les vérifications dans l'ordre de
``VERIFICATIONS`` ; toutes écrivent leurs constats dans le même ``Contexte``. Ajouter une
vérification : un module ici, une ligne dans ``VERIFICATIONS``.
"""

from __future__ import annotations

from types import ModuleType

from diagnum.campagne.verifications import (
    communication,
    conditions,
    identite,
    libelle_campagne,
    objectifs,
    sans_reponse,
    structure,
    totaux,
)
from diagnum.campagne.verifications.contexte import Contexte

#: Les étapes du parcours : les parties du fichier, dans l'ordre où elles sont lues, puis la fin.
ETAPES = (
    "racine",
    "etablissement",
    "reference",
    "campagne",
    "obligations",
    "reponses",
    "commentaires",
    "objectifs",
    "enquetes",
    "communication",
    "sources",
    "fin",
)

#: Les vérifications, dans l'ordre où elles parlent à chaque étape.
VERIFICATIONS: tuple[ModuleType, ...] = (
    structure,  # structure et types (et bornes, voir ``bornes``)
    identite,  # établissement et UAI
    libelle_campagne,  # le libellé de campagne, AAAA-AAAA
    conditions,  # conditions « Si oui » et réponses écartées du score
    totaux,  # totaux et cohérence des effectifs
    objectifs,  # objectifs et actions
    communication,  # ce qui est communiqué à chaque public (diagnum communiquer)
    sans_reponse,  # les questions attendues restées vides
)


def executer(ctx: Contexte) -> None:
    """Chaque étape, chaque vérification de ``ctx.verifications`` qui y prend part : les constats
    s'ajoutent à ``ctx.constats``."""
    for etape in ETAPES:
        for verification in ctx.verifications:
            fonction = getattr(verification, etape, None)
            if fonction is not None:
                fonction(ctx)
