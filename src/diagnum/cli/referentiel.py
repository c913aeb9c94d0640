"""``diagnum referentiel`` : les versions du référentiel, et le contenu de l'une d'elles.

La mise en forme est pure : :func:`lignes_referentiel` tire du modèle les
parties et leurs lignes (section, identifiant, question, réponse attendue),
que :func:`referentiel_markdown` écrit en Markdown (tableaux GFM, lus de la
même façon par GitLab, GitHub et l'aperçu de VS Code) et ``_tableaux`` en
tableaux Rich.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

import typer

from diagnum.cli.commun import gerer_erreurs

if TYPE_CHECKING:
    from diagnum.referentiel import Item, Referentiel


class FormatReferentiel(StrEnum):
    tableau = "tableau"
    markdown = "markdown"


@gerer_erreurs
def afficher_referentiel(
    version: str | None = typer.Argument(
        None, help="Version à montrer (par exemple 2011) ; sans version, la liste des versions.", show_default=False
    ),
    format: FormatReferentiel = typer.Option(
        FormatReferentiel.tableau, "--format", help="Présentation : tableau (à l'écran) ou markdown (pour un document)."
    ),
) -> None:
    """Liste les versions du référentiel, ou montre les domaines et les questions de l'une d'elles.

    Codes de sortie : 0 affiché, 2 version inconnue ou référentiel illisible.
    """
    from diagnum.referentiel import charger_referentiel

    if version is None:
        sys.stdout.write(_liste(format))
        return
    modele = charger_referentiel(version)
    if format is FormatReferentiel.markdown:
        sys.stdout.write(referentiel_markdown(modele))
    else:
        _tableaux(modele)


# --------------------------------------------------------------------------
# Mise en forme pure


class Ligne(NamedTuple):
    """Une ligne de tableau : une question, ou le titre d'une rubrique (``titre`` vrai)."""

    section: str
    identifiant: str
    question: str
    reponse: str
    titre: bool = False


class PartieAffichee(NamedTuple):
    """Une partie du référentiel (3.1, 3.2, puis chaque domaine) et ses lignes."""

    titre: str
    introduction: str | None
    lignes: tuple[Ligne, ...]
    #: Les textes cités après l'introduction (les textes de loi de 3.2), en liste.
    textes: tuple[str, ...] = ()


def reponse_attendue(item: Item) -> str:
    """La forme de la réponse, en quelques mots (« oui | non », « effectif ≥ 0 »…)."""
    from diagnum.affichage import modalite
    from diagnum.referentiel import MODALITES

    if item.nature == "affirmation":
        return "oui | non | sans objet" if item.sans_objet else "oui | non"
    if item.nature == "nombre":
        borne = f", au plus reference.{item.total}" if item.total and item.depassement == "erreur" else ""
        return f"nombre entier ≥ 0{borne}"
    if item.nature == "proportion":
        return "pourcentage de 0 à 100"
    if item.nature == "repartition":
        modalites = " / ".join(modalite(m) for m in MODALITES)
        return f"trois effectifs ({modalites}), somme au plus reference.{item.total}"
    return f"oui | non | sans objet pour chaque service et chacune des {len(item.colonnes)} affirmations"


def lignes_referentiel(referentiel: Referentiel) -> list[PartieAffichee]:
    """Les parties du référentiel dans l'ordre du questionnaire, prêtes à mettre en tableau."""
    parties = []
    for partie in (referentiel.reference, referentiel.obligations):
        lignes = []
        for item in partie.items:
            question = f"{item.libelle} ({item.contexte})" if item.contexte else item.libelle
            lignes.append(Ligne(partie.section, item.id, question, reponse_attendue(item)))
        if partie.date_libelle:
            # « Date : » du questionnaire : la clé « date » de la campagne, au premier niveau.
            lignes.append(Ligne(partie.section, "date", partie.date_libelle, "date AAAA-MM-JJ"))
        parties.append(
            PartieAffichee(f"{partie.section} {partie.titre}", partie.introduction, tuple(lignes), partie.textes)
        )
    usages = referentiel.usages
    for domaine in referentiel.domaines:
        if usages and domaine.section.startswith(f"{usages.section}.") and usages.section not in _sections(parties):
            parties.append(PartieAffichee(f"{usages.section} {usages.titre}", usages.introduction, ()))
        lignes = []
        for rubrique in domaine.rubriques:
            section = rubrique.section or domaine.section
            lignes.append(Ligne(section, "", rubrique.titre, "", titre=True))
            for item in rubrique.items:
                lignes.extend(_lignes_item(item, section))
        nature = "domaine d'usage" if domaine.est_usage else "domaine structurel"
        parties.append(
            PartieAffichee(
                f"{domaine.section} {domaine.titre} ({nature}, reponses.{domaine.id})",
                domaine.description,
                tuple(lignes),
            )
        )
    return parties


def _sections(parties: list[PartieAffichee]) -> set[str]:
    return {p.titre.split(" ", 1)[0] for p in parties}


def _lignes_item(item: Item, section: str) -> list[Ligne]:
    if item.nature != "matrice":
        return [Ligne(section, item.id, item.question, reponse_attendue(item))]
    affirmations = " ".join(f"[{c.id}] {c.libelle}" for c in item.colonnes)
    lignes = [Ligne(section, item.id, f"{item.libelle} {affirmations}", reponse_attendue(item))]
    for ligne in item.lignes:
        lignes.append(
            Ligne(section, f"{item.id}.{ligne.id}", ligne.libelle, "oui | non | sans objet à chaque affirmation")
        )
    return lignes


# Largeurs relatives des colonnes (nombre de tirets) : GitLab et GitHub les ignorent, pandoc s'en sert
# pour un PDF, où les identifiants en police fixe ne se coupent pas.
SEPARATEUR = f"| {'-' * 6} | {'-' * 42} | {'-' * 37} | {'-' * 15} |"


def referentiel_markdown(referentiel: Referentiel) -> str:
    """Le référentiel en Markdown : un titre et un tableau par partie.

    Tableaux GFM entourés de lignes vides, textes échappés (``|``, ``*``,
    ``_``…), identifiants en code : le rendu est le même dans GitLab, GitHub et
    l'aperçu Markdown de VS Code.
    """
    from diagnum.echappement import echapper_markdown

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


def _liste(format: FormatReferentiel) -> str:
    from diagnum.echappement import echapper_markdown
    from diagnum.referentiel import charger_referentiel, version_recente, versions_disponibles

    recente = version_recente()
    versions = [
        (v, charger_referentiel(v).titre + (" (la plus récente)" if v == recente else ""))
        for v in versions_disponibles()
    ]
    if format is FormatReferentiel.markdown:
        lignes = ["| Version | Référentiel |", "| --- | --- |"]
        lignes += [f"| {echapper_markdown(v)} | {echapper_markdown(t)} |" for v, t in versions]
        return "\n".join(lignes) + "\n"
    largeur = max(len(v) for v, _ in versions)
    lignes = [f"{v:<{largeur}}  {t}" for v, t in versions]
    return "\n".join([*lignes, "", f"Pour le détail d'une version : diagnum referentiel {recente}"]) + "\n"


# --------------------------------------------------------------------------
# Affichage Rich


def _tableaux(referentiel: Referentiel) -> None:
    """Un tableau Rich par partie ; sans couleur ni gras avec NO_COLOR ou hors d'un terminal.

    Deux colonnes pour tenir dans 80 caractères : l'identifiant à écrire dans
    la campagne, puis la question et, en dessous, la réponse attendue.
    """
    from rich.table import Table
    from rich.text import Text

    from diagnum.cli.commun import console_rich

    console = console_rich()
    console.print(f"{referentiel.titre} (version {referentiel.version})", style="bold")
    for partie in lignes_referentiel(referentiel):
        table = Table(expand=True, show_lines=True)
        table.add_column("Identifiant", overflow="fold", max_width=34)
        table.add_column("Question et réponse attendue")
        for ligne in partie.lignes:
            if ligne.titre:
                table.add_row("", Text(f"{ligne.section} {ligne.question}", style="bold"))
                continue
            question = Text(ligne.question)
            question.append(f"\nRéponse : {ligne.reponse}", style="italic")
            table.add_row(ligne.identifiant, question)
        console.print()
        console.print(Text(partie.titre, style="bold"))
        if partie.introduction:
            console.print(Text(partie.introduction, style="italic"))
        for texte in partie.textes:
            console.print(Text(f"  • {texte}"))
        if partie.lignes:
            console.print(table)
