"""Le format Markdown des sorties à l'écran : le référentiel (``referentiel --format markdown``) ; et le
document de ``diagnum communiquer`` (``communication``, gabarit Jinja2, écrit dans un dossier).

Tableaux GFM entourés de lignes vides, textes échappés (``echapper_markdown``) : le rendu est le
même dans GitLab, GitHub et l'aperçu de VS Code. Les rapports Markdown écrits dans un dossier
(gabarits Jinja2) sont dans ``rapports/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagnum.rapports.communication import Communication
    from diagnum.referentiel import Referentiel


# Largeurs relatives des colonnes (nombre de tirets) : GitLab et GitHub les ignorent, pandoc s'en sert
# pour un PDF, où les identifiants en police fixe ne se coupent pas.
SEPARATEUR = f"| {'-' * 6} | {'-' * 42} | {'-' * 37} | {'-' * 15} |"


def referentiel(referentiel: Referentiel) -> str:
    """Le référentiel en Markdown : un titre et un tableau par partie.

    Tableaux GFM entourés de lignes vides, textes échappés (``|``, ``*``,
    ``_``…), identifiants en code : le rendu est le même dans GitLab, GitHub et
    l'aperçu Markdown de VS Code.
    """
    from diagnum.echappement import echapper_markdown
    from diagnum.sorties.commun import lignes_referentiel

    blocs = [f"# {echapper_markdown(referentiel.titre)} (version {echapper_markdown(referentiel.version)})"]
    if referentiel.source:
        blocs.append(f"Source : {echapper_markdown(referentiel.source)}")
    for partie in lignes_referentiel(referentiel):
        blocs.append(f"## {echapper_markdown(partie.titre)}")
        if partie.introduction:
            blocs.append(echapper_markdown(partie.introduction))
        if partie.textes:
            blocs.append("\n".join(f"- {echapper_markdown(texte)}" for texte in partie.textes))
        if not partie.lignes:
            continue  # un chapeau (3.6 Les usages) : son titre et son introduction
        tableau = ["| Section | Identifiant | Question | Réponse |", SEPARATEUR]
        for ligne in partie.lignes:
            question = echapper_markdown(ligne.question)
            if ligne.titre:
                question = f"**{question}**"
            identifiant = f"`{ligne.identifiant}`" if ligne.identifiant else ""
            cellules = (echapper_markdown(ligne.section), identifiant, question, echapper_markdown(ligne.reponse))
            tableau.append(f"| {' | '.join(cellules)} |")
        blocs.append("\n".join(tableau))
    return "\n\n".join(blocs) + "\n"


def versions(versions: Sequence[tuple[str, str]], recente: str) -> str:
    """Les versions du référentiel en tableau Markdown."""
    from diagnum.echappement import echapper_markdown

    lignes = ["| Version | Référentiel |", "| --- | --- |"]
    lignes += [f"| {echapper_markdown(v)} | {echapper_markdown(t)} |" for v, t in versions]
    return "\n".join(lignes) + "\n"


def communication(document: Communication) -> dict[str, bytes | str]:
    """Le document de ``diagnum communiquer`` en Markdown (``communication-PUBLIC.md``) et, si le radar est
    choisi, son image SVG à côté (gabarit ``communication.md.j2``)."""
    from diagnum.rapports.communication import nom_image
    from diagnum.rapports.rapport import environnement_jinja
    from diagnum.sorties.html import texte_radar

    fichiers: dict[str, bytes | str] = {}
    image = alt = None
    if document.radar is not None:
        image = nom_image(document.public)
        fichiers[image] = document.radar[0]
        alt = texte_radar(document.radar[1])
    texte = environnement_jinja().get_template("communication.md.j2").render(doc=document, image=image, alt=alt)
    fichiers[f"communication-{document.public}.md"] = texte
    return fichiers
