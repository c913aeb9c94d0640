"""Sans réponse : les questions attendues restées vides, dites une à une (``--complet``) ou par partie.

Les manques sont relevés par ``structure`` (nombres de référence, obligations, date) et par
``conditions`` (questions des domaines, selon la règle de ``score``).
"""

from __future__ import annotations

from diagnum.campagne.verifications.contexte import Contexte

CODES = ("sans-reponse",)
REQUIERT = ("structure", "conditions")


def fin(ctx: Contexte) -> None:
    titres = {d.id: d.axe for d in ctx.referentiel.domaines}
    titres["reference"] = ctx.referentiel.reference.titre
    titres["obligations"] = ctx.referentiel.obligations.titre
    for partie, manquants in ctx.sans_reponse.items():
        if partie == "date":
            ecrire = ctx.err if ctx.complet else ctx.avert
            ecrire(manquants[0][1], "sans-reponse", "date du diagnostic sans réponse (écrivez-la ainsi : 2025-05-20)")
            continue
        if ctx.complet:
            for ident, position in manquants:
                ctx.err(position, "sans-reponse", f"{ident} : sans réponse")
        else:
            position = min(p for _, p in manquants)
            exemples = ", ".join(ident for ident, _ in manquants[:3])
            suite = ", …" if len(manquants) > 3 else ""
            nombre = f"{len(manquants)} item{'s' if len(manquants) > 1 else ''}"
            ctx.avert(
                position,
                "sans-reponse",
                f"{nombre} sans réponse dans « {titres.get(partie, partie)} » ({exemples}{suite})",
            )
