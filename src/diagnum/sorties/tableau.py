"""Les tableaux Rich à l'écran : le profil de ``score``, le référentiel de ``referentiel VERSION``, les
changements d'une enquête importée, les estimations de ``sources importer``.

Rich est importé dans chaque fonction (30 à 50 ms) ; sans couleur ni gras avec NO_COLOR ou hors
d'un terminal (``console_rich``). Ces écrivains affichent eux-mêmes et ne rendent rien.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from diagnum.calculs.scores import Profil
    from diagnum.enquetes.importation import Bilan
    from diagnum.referentiel import Item, Notation, Referentiel
    from diagnum.sources.importation import Bilan as BilanSources
    from diagnum.territoire.repere import Repere


def console_rich() -> Console:
    """La console Rich des tableaux à l'écran : styles seulement sur un terminal, aucun avec NO_COLOR.

    Rich retire lui-même les couleurs avec NO_COLOR mais garde le gras et le
    grisé ; ici NO_COLOR retire toute séquence ANSI, comme la sortie texte de
    ``valider``.
    """
    from rich.console import Console

    sans_style = bool(os.environ.get("NO_COLOR"))
    return Console(highlight=False, emoji=False, markup=False, color_system=None if sans_style else "auto")


def profil(profil: Profil, notation: Notation, repere: Repere | None = None) -> None:
    """Le tableau des sept domaines puis les obligations, non respectées d'abord ; avec un repère,
    la médiane et les quartiles du territoire, et la position de l'établissement."""
    from rich.table import Table
    from rich.text import Text

    from diagnum.affichage import ABSENT, pourcent_fr, score_fr
    from diagnum.echappement import echapper_terminal

    console = console_rich()
    nom = echapper_terminal(profil.etablissement.nom) or "Établissement sans nom"
    campagne = echapper_terminal(profil.campagne)
    console.print(Text(f"{nom} — campagne {campagne} (référentiel {profil.referentiel})", style="bold"))
    tableau = Table(show_edge=False, pad_edge=False)
    tableau.add_column("Domaine")
    for colonne in ("Score", "Usage", "Moyens", "Complétude"):
        tableau.add_column(colonne, justify="right", no_wrap=True)
    for d in profil.domaines:
        if d.score is None:
            score = Text("sans score", style="dim")
        else:
            score = Text(score_fr(d.score) + (" *" if d.provisoire else ""), style="bold")
        usage_moyens = (
            [score_fr(d.usage), score_fr(d.moyens) + (" *" if d.moyens_provisoire else "")]
            if d.nature == "usage"
            else ["", ""]
        )
        tableau.add_row(Text(f"{d.section} {d.axe}"), score, *usage_moyens, pourcent_fr(d.completude))
    console.print(tableau)
    if any(d.provisoire or d.moyens_provisoire for d in profil.domaines):
        seuil = pourcent_fr(notation.seuil_provisoire)
        console.print(Text(f"* provisoire : questions de ce chiffre renseignées à moins de {seuil}.", style="dim"))
    if any(d.score is None for d in profil.domaines):
        console.print(
            Text("sans score : domaine non renseigné, rien n'y est calculable (ce n'est pas 0).", style="dim")
        )
    if any(d.nature == "usage" and None in (d.usage, d.moyens) for d in profil.domaines):
        console.print(Text(f"{ABSENT} : aucune réponse comptée pour ce chiffre.", style="dim"))
    for enquete in profil.enquetes:
        taux = f" ({pourcent_fr(enquete.taux)})" if enquete.taux is not None else ""
        console.print(Text(f"Enquête : {enquete.phrase}{taux}."))
    console.print()
    if repere is not None:
        _repere(profil, repere)
    obligations = Table(show_edge=False, pad_edge=False, title="Obligations réglementaires", title_justify="left")
    obligations.add_column("Obligation")
    obligations.add_column("Réponse", no_wrap=True)
    for o in profil.obligations_triees:
        if o.respectee:
            etat = Text("respectée", style="green")
        elif o.reponse is None:
            etat = Text("sans réponse", style="bold yellow")
        else:
            etat = Text("non respectée", style="bold red")
        obligations.add_row(Text(o.libelle), etat)
    console.print(obligations)


def _repere(profil: Profil, repere: Repere) -> None:
    """Le tableau « parmi les établissements du territoire » : médiane, quartiles, position."""
    from rich.table import Table
    from rich.text import Text

    from diagnum.affichage import nombre_fr
    from diagnum.echappement import echapper_terminal

    console = console_rich()
    campagne = echapper_terminal(repere.campagne)
    titre = f"Parmi les {repere.etablissements} établissements du territoire (campagne {campagne})"
    tableau = Table(show_edge=False, pad_edge=False, title=titre, title_justify="left")
    for colonne, alignement in (("Domaine", "left"), ("Score", "right"), ("Médiane", "right")):
        tableau.add_column(colonne, justify=alignement, no_wrap=colonne != "Domaine")
    tableau.add_column("1er – 3e quartile", justify="right", no_wrap=True)
    tableau.add_column("Position")
    for d in profil.domaines:
        s = repere.situations.get(d.id)
        quartiles = ["—", "—"] if s is None else [nombre_fr(s.mediane), f"{nombre_fr(s.q1)} – {nombre_fr(s.q3)}"]
        tableau.add_row(Text(f"{d.section} {d.axe}"), nombre_fr(d.score), *quartiles, repere.phrase(d.id))
    console.print(tableau)
    console.print()


def referentiel(referentiel: Referentiel) -> None:
    """Un tableau Rich par partie ; sans couleur ni gras avec NO_COLOR ou hors d'un terminal.

    Deux colonnes pour tenir dans 80 caractères : l'identifiant à écrire dans
    la campagne, puis la question et, en dessous, la réponse attendue.
    """
    from rich.table import Table
    from rich.text import Text

    console = console_rich()
    console.print(f"{referentiel.titre} (version {referentiel.version})", style="bold")
    from diagnum.sorties.commun import lignes_referentiel

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


def _valeur(item: Item, valeur: object) -> str:
    """Une réponse dans le tableau des changements : « — », « 3/5/12 », « 40 % »."""
    from diagnum.affichage import ABSENT, nombre_fr
    from diagnum.referentiel import MODALITES

    if valeur is None:
        return ABSENT
    if isinstance(valeur, dict):
        return "/".join(str(valeur.get(m, ABSENT)) for m in MODALITES)
    if item.nature == "proportion":
        return f"{nombre_fr(valeur)} %"
    return str(valeur)


def changements_enquete(bilan: Bilan) -> None:
    """Le tableau des réponses qu'une enquête importée change (``enquete importer``) : avant, après, et
    combien de répondants ont répondu à chaque question."""
    from rich.table import Table

    from diagnum.affichage import modalite
    from diagnum.referentiel import MODALITES, charger_referentiel

    d = bilan.depouillement
    referentiel = charger_referentiel()
    legende = ["réponses : combien de répondants ont répondu à la question."]
    if any(isinstance(c.apres, dict) for c in bilan.changements):
        legende.insert(0, f"Répartitions : {' / '.join(modalite(m) for m in MODALITES)}.")
    if bilan.conflits:
        legende.append("* : une réponse est déjà écrite ; elle n'est remplacée qu'avec --force.")
    tableau = Table(
        title="Réponses de la campagne", title_justify="left", caption="\n".join(legende), caption_justify="left"
    )
    tableau.add_column("item", no_wrap=True)
    tableau.add_column("avant", no_wrap=True)
    tableau.add_column("après", no_wrap=True)
    tableau.add_column("réponses", justify="right")
    for c in bilan.changements:
        item = referentiel.item(c.item)
        repondu = str(d.reponses_par_item.get(c.item, 0))
        tableau.add_row(f"{c.item}{' *' if c.conflit else ''}", _valeur(item, c.avant), _valeur(item, c.apres), repondu)
    console_rich().print(tableau)


def estimation_sources(bilan: BilanSources) -> None:
    """Les tableaux de ``sources importer`` : ressources (salles, profils) trouvées et ce qu'elles comptent,
    puis les réponses estimées (avant, estimation, vus / référence)."""
    from rich.table import Table
    from rich.text import Text

    from diagnum.affichage import ABSENT, modalite
    from diagnum.echappement import echapper_terminal
    from diagnum.referentiel import MODALITES
    from diagnum.sorties.texte import effectif_affiche

    estimation = bilan.estimation
    console = console_rich()
    if estimation.details:
        titre = {"ent": "Profils trouvés", "emploi_du_temps": "Salles trouvées"}.get(
            estimation.sorte, "Ressources trouvées"
        )
        tableau = Table(title=titre, title_justify="left")
        tableau.add_column("ressource" if estimation.sorte != "ent" else "profil")
        tableau.add_column("lignes", justify="right")
        tableau.add_column("compte pour")
        for detail in estimation.details:
            tableau.add_row(
                Text(echapper_terminal(detail.nom) or "(sans nom)"),
                effectif_affiche(detail.lignes),
                ", ".join(detail.items) if detail.items else "non comptée",
            )
        console.print(tableau)
    if estimation.items:
        tableau = Table(
            title="Réponses estimées",
            title_justify="left",
            caption=(
                f"Répartitions : {' / '.join(modalite(m) for m in MODALITES)}. Vus : personnes, classes ou comptes "
                "trouvés dans l'export."
                + (
                    "\n* : une autre réponse est déjà écrite ; remplacée seulement avec --remplacer."
                    if bilan.conflits
                    else ""
                )
            ),
            caption_justify="left",
        )
        tableau.add_column("item", no_wrap=True)
        tableau.add_column("avant", no_wrap=True)
        tableau.add_column("estimation", no_wrap=True)
        tableau.add_column("vus / référence", justify="right")
        changes = {c.item: c for c in bilan.changements}
        for estime in estimation.items:
            reference, vus = bilan.references.get(estime.item, (None, estime.vus))
            change = changes.get(estime.item)
            tableau.add_row(
                f"{estime.item}{' *' if change and change.conflit else ''}",
                _valeur_estimee(change.avant) if change else "inchangée",
                _valeur_estimee(change.apres) if change else "—",
                f"{vus} / {ABSENT if reference is None else reference}",
            )
        console.print(tableau)


def _valeur_estimee(valeur: object) -> str:
    from diagnum.affichage import ABSENT
    from diagnum.referentiel import MODALITES

    if valeur is None:
        return ABSENT
    if isinstance(valeur, dict):
        return "/".join(str(valeur.get(m, ABSENT)) for m in MODALITES)
    return str(valeur)
