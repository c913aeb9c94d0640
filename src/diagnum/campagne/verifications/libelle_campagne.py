"""Le libellé de campagne : une année scolaire ``AAAA-AAAA``, deux années consécutives.

``diagnum synthese`` range les établissements par ce libellé : un « 2024/2025 » ou un « 2024-2025 collège
Jean Moulin » y ferait une campagne à part (ou, en mode anonyme, serait laissé de côté). Un avertissement
(code ``campagne-libelle``) le dit dès ``valider``, avec le libellé à écrire quand il se devine.
"""

from __future__ import annotations

import re

from diagnum.affichage import abreger
from diagnum.campagne.verifications.contexte import Contexte

CODES = ("campagne-libelle",)
REQUIERT = ("structure",)

# Des motifs en texte, compilés au premier usage (et gardés par le cache de ``re``) : ``valider`` démarre
# à chaque enregistrement dans un éditeur, et la plupart des campagnes ont déjà la bonne forme.
#: La forme attendue, exactement : deux années de quatre chiffres ASCII, un tiret.
_ANNEE_SCOLAIRE = r"([0-9]{4})-([0-9]{4})"
#: Les écritures qui se ramènent à ``AAAA-AAAA`` : « 2024/2025 », « 2024 – 2025 », « 2024-25 ».
_LIBELLE = r"(?a)\s*(\d{4})\s*[-/\u2010-\u2015]\s*(\d{4}|\d{2})\s*"


def normaliser_campagne(libelle: str | None) -> str | None:
    """Le libellé ``AAAA-AAAA`` d'une campagne écrite « 2024-2025 », « 2024/2025 », « 2024 – 2025 »
    ou « 2024-25 » (deux années qui se suivent) ; ``None`` pour tout autre texte."""
    if libelle is None:
        return None
    trouve = re.fullmatch(_LIBELLE, libelle)
    if trouve is None:
        return None
    debut, fin = int(trouve.group(1)), trouve.group(2)
    suivante = debut + 1
    if (len(fin) == 4 and int(fin) != suivante) or (len(fin) == 2 and int(fin) != suivante % 100):
        return None
    return f"{debut:04d}-{suivante:04d}"


def campagne(ctx: Contexte) -> None:
    """Avertit d'un libellé qui n'est pas exactement ``AAAA-AAAA`` (deux années consécutives)."""
    libelle = ctx.lu.get("campagne")
    if libelle is None:
        return
    position = ctx.racine.get("campagne").position
    forme = re.fullmatch(_ANNEE_SCOLAIRE, libelle)
    if forme is not None and int(forme[2]) == int(forme[1]) + 1:
        return
    normalise = normaliser_campagne(libelle)
    if normalise is not None:
        message = f'campagne « {abreger(libelle)} » : écrivez campagne: "{normalise}" (une année scolaire, AAAA-AAAA)'
    elif forme is not None:
        message = (
            f"campagne « {libelle} » : les deux années d'une année scolaire se suivent, "
            f'par exemple campagne: "{forme[1]}-{int(forme[1]) + 1}"'
        )
    else:
        message = (
            f"campagne « {abreger(libelle)} » : une année scolaire est attendue, deux années consécutives "
            'séparées par un tiret, par exemple campagne: "2024-2025"'
        )
    ctx.avert(position, "campagne-libelle", message)
