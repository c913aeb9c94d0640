"""Le format CSV : le profil d'une campagne, une ligne par domaine (``score --format csv``).

Dans le dialecte CSV de diagnum (``diagnum.tableur``), commun avec les tableaux de ``synthese``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.calculs.scores import Profil
    from diagnum.referentiel import Notation
    from diagnum.territoire.repere import Repere

#: La complétude est une part de 0 à 1, comme en JSON et dans la base de synthese (une seule unité).
ENTETES_CSV = ("identifiant", "section", "domaine", "score", "usage", "moyens", "complétude (0 à 1)", "provisoire")
#: Colonnes ajoutées par --repere.
ENTETES_REPERE = ("médiane du territoire", "1er quartile", "3e quartile", "établissements", "au-dessus de (%)")


def profil(profil: Profil, notation: Notation | None = None, repere: Repere | None = None) -> bytes:
    """Une ligne par domaine, dans le dialecte CSV de diagnum (``diagnum.tableur`` : séparateur
    « ; », virgule décimale, UTF-8 avec BOM, fins de ligne CRLF) ; avec un repère, cinq colonnes de plus."""
    from diagnum.tableur import cellule, cellule_score, csv_octets

    def situation(identifiant: str) -> tuple[str, ...]:
        if repere is None:
            return ()
        s = repere.situations.get(identifiant)
        if s is None:
            return ("",) * len(ENTETES_REPERE)
        part = "" if s.part is None else cellule(100 * s.part)
        return (cellule_score(s.mediane), cellule_score(s.q1), cellule_score(s.q3), str(s.n), part)

    return csv_octets(
        ENTETES_CSV + (ENTETES_REPERE if repere is not None else ()),
        (
            (
                d.id,
                d.section,
                d.axe,
                cellule_score(d.score),
                cellule_score(d.usage),
                cellule_score(d.moyens),
                cellule(d.completude, 4),
                "oui" if d.provisoire else "non",
                *situation(d.id),
            )
            for d in profil.domaines
        ),
    )
