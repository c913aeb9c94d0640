"""``diagnum referentiel`` : les versions du référentiel, et le contenu de l'une d'elles.

La mise en forme est dans ``diagnum.sorties`` : ``commun.lignes_referentiel`` (les lignes),
``markdown.referentiel`` (tableaux GFM), ``tableau.referentiel`` (tableaux Rich).
"""

from __future__ import annotations

import sys
from enum import StrEnum

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.sorties import formats

#: tableau ou markdown : les écrivains du référentiel du registre ``diagnum.sorties``.
FormatReferentiel = StrEnum("FormatReferentiel", [(f, f) for f in formats("referentiel")])


@gerer_erreurs
def afficher_referentiel(
    version: str | None = typer.Argument(
        None, help="Version à montrer (par exemple 2011) ; sans version, la liste des versions.", show_default=False
    ),
    format: FormatReferentiel = typer.Option(
        FormatReferentiel("tableau"),
        "--format",
        help="Présentation : tableau (à l'écran) ou markdown (pour un document).",
    ),
) -> None:
    """Liste les versions du référentiel, ou montre les domaines et les questions de l'une d'elles.

    Codes de sortie : 0 affiché, 2 version inconnue ou référentiel illisible.
    """
    from diagnum.referentiel import charger_referentiel, version_recente, versions_disponibles
    from diagnum.sorties import ecrivain

    if version is None:
        recente = version_recente()
        versions = [
            (v, charger_referentiel(v).titre + (" (la plus récente)" if v == recente else ""))
            for v in versions_disponibles()
        ]
        sys.stdout.write(ecrivain("versions", format.value)(versions, recente))
        return
    texte = ecrivain("referentiel", format.value)(charger_referentiel(version))
    if texte is not None:
        sys.stdout.write(texte)
