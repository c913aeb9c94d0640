"""``diagnum compare AVANT APRES`` : mesurer les progrès entre deux campagnes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from diagnum.cli.commun import gerer_erreurs

if TYPE_CHECKING:
    from diagnum.calculs.comparaison import Comparaison


class FormatComparaison(StrEnum):
    texte = "texte"
    json = "json"


# --------------------------------------------------------------------------
# Présentation (pure)


def tableau_texte(lignes: Sequence[Sequence[str]]) -> list[str]:
    """Un tableau aligné : première colonne à gauche, les autres à droite."""
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(len(lignes[0]))]
    resultat = []
    for ligne in lignes:
        cellules = [ligne[0].ljust(largeurs[0])] + [c.rjust(n) for c, n in zip(ligne[1:], largeurs[1:], strict=True)]
        resultat.append("  ".join(cellules).rstrip())
    return resultat


def nom_etablissement(etablissement) -> str:
    """« Collège Jean Moulin (UAI 0750654D) », ou ce qu'on en sait (pour un terminal : contrôles échappés)."""
    from diagnum.echappement import echapper_terminal

    nom = echapper_terminal(etablissement.nom) or "l'établissement"
    return f"{nom} (UAI {etablissement.uai})" if etablissement.uai else nom


def campagne_datee(profil) -> str:
    """« 2024-2025 (20/05/2025) » (pour un terminal : contrôles échappés)."""
    from diagnum.affichage import date_fr
    from diagnum.echappement import echapper_terminal

    campagne = echapper_terminal(profil.campagne)
    return f"{campagne} ({date_fr(profil.date)})" if profil.date else campagne


def chiffre_marque(valeur: float | None, provisoire: bool) -> str:
    """« 62,0 », ou « 62,0 (provisoire) » comme dans le rapport ; « — » sans chiffre."""
    from diagnum.affichage import score_fr

    return f"{score_fr(valeur)} (provisoire)" if provisoire and valeur is not None else score_fr(valeur)


def _ligne_ecart(titre: str, ecart) -> list[str]:
    from diagnum.calculs.comparaison import delta_fr

    return [
        titre,
        chiffre_marque(ecart.avant, ecart.avant_provisoire),
        chiffre_marque(ecart.apres, ecart.apres_provisoire),
        f"{delta_fr(ecart.delta)} {ecart.fleche}".rstrip(),
    ]


def _pluriel(n: int, mot: str) -> str:
    """« 2 régressions », « 3 autres changements » : chaque mot du groupe prend la marque du pluriel."""
    return f"{n} {' '.join(m + 's' for m in mot.split()) if n > 1 else mot}"


def texte_comparaison(comparaison: Comparaison) -> str:
    """La sortie ``texte`` : écarts par domaine, réponses changées, objectifs ; tout texte de
    l'utilisateur y passe par ``echapper_terminal`` (caractères de contrôle rendus visibles)."""
    from diagnum.affichage import date_fr, nombre_fr, pourcent_fr, score_fr
    from diagnum.calculs.comparaison import (
        AMELIORATION,
        EXPLICATIONS_SENS,
        LIBELLES_SENS,
        NEUTRE,
        REGRESSION,
        statut_fr,
    )
    from diagnum.echappement import echapper_lignes, echapper_terminal

    avant, apres = comparaison.avant, comparaison.apres
    lignes = [
        f"Progrès — {nom_etablissement(apres.etablissement)} : {campagne_datee(avant)} → {campagne_datee(apres)}",
        "",
    ]
    rangees = [["Domaine", "Avant", "Après", "Écart"]]
    for d in comparaison.domaines:
        rangees.append(_ligne_ecart(d.axe, d.score))
        if d.moyens is not None:
            rangees.append(_ligne_ecart("  moyens", d.moyens))
    lignes += tableau_texte(rangees)
    lignes += [
        "Scores de 0 à 100 ; pour un domaine d'usage, le score est celui de l'usage,",
        "la ligne « moyens » suit les éléments d'analyse. ↑ hausse, ↓ baisse,",
        f"→ stable (écart de moins de {nombre_fr(comparaison.domaines[0].score.seuil)} point).",
    ]
    if any(
        e is not None and (e.avant_provisoire or e.apres_provisoire)
        for d in comparaison.domaines
        for e in (d.score, d.moyens)
    ):
        lignes.append(
            f"(provisoire) : questions de ce chiffre renseignées à moins de {pourcent_fr(comparaison.seuil_provisoire)}."
        )

    if comparaison.reference:
        lignes += ["", "Éléments de référence modifiés"]
        lignes += [f"  {r.libelle} : {nombre_fr(r.avant)} → {nombre_fr(r.apres)}" for r in comparaison.reference]

    lignes.append("")
    nombre = len(comparaison.changements)
    if not nombre:
        lignes.append("Aucune réponse n'a changé.")
    else:
        lignes.append(
            f"Réponses qui ont changé : {nombre} ("
            f"{_pluriel(len(comparaison.ameliorations), 'amélioration')}, "
            f"{_pluriel(len(comparaison.regressions), 'régression')}, "
            f"{_pluriel(len(comparaison.neutres), 'autre changement')})"
        )
    for sens in (AMELIORATION, REGRESSION, NEUTRE):
        groupes = comparaison.groupes(sens)
        if not groupes:
            continue
        explication = f" : {EXPLICATIONS_SENS[sens]}" if sens in EXPLICATIONS_SENS else ""
        lignes += ["", f"{LIBELLES_SENS[sens]} ({len(comparaison.par_sens(sens))}){explication}"]
        for titre, changements in groupes:
            lignes.append(f"  {titre}")
            for c in changements:
                lignes.append(f"    - {' '.join(c.libelle.split()).rstrip(' :')}")
                lignes.append(f"      {c.id} : {c.avant_ecrit} → {c.apres_ecrit}")

    lignes.append("")
    if not comparaison.objectifs:
        lignes.append(f"Aucun objectif n'était fixé dans la campagne {echapper_terminal(avant.campagne)}.")
    else:
        lignes.append(
            f"Objectifs fixés en {echapper_terminal(avant.campagne)}, "
            f"jugés sur les scores de {echapper_terminal(apres.campagne)}"
        )
        for b in comparaison.objectifs:
            verdict = b.verdict
            if b.atteint is None:
                verdict += f" (aucun score en {echapper_terminal(apres.campagne)} dans ce domaine)"
            score = f"score {chiffre_marque(b.score, b.provisoire)}"
            if b.score_initial is not None:
                score += f" ({score_fr(b.score_initial)} en {echapper_terminal(avant.campagne)})"
            details = [f"cible {score_fr(b.objectif.cible)}", score]
            if b.objectif.echeance:
                suite = " (pas encore échue à la date de la campagne)" if b.echeance_passee is False else ""
                details.append(f"échéance {date_fr(b.objectif.echeance)}{suite}")
            lignes.append(f"  {b.titre} : {verdict} — {', '.join(details)}")
            if b.actions_non_realisees:
                lignes.append("    Actions non réalisées :")
                for a in b.actions_non_realisees:
                    qui = ", ".join(
                        echapper_terminal(p)
                        for p in (a.responsable, f"échéance {date_fr(a.echeance)}" if a.echeance else None)
                        if p
                    )
                    libelle = echapper_terminal(a.libelle)
                    lignes.append(f"      - {libelle}{f' ({qui})' if qui else ''} : {statut_fr(a.statut)}")
            elif b.objectif.actions:
                lignes.append("    Toutes les actions sont réalisées.")
    return echapper_lignes("\n".join(lignes)) + "\n"


# --------------------------------------------------------------------------
# Bords : chargement, écriture


def charger_comparables(chemins: Sequence[Path], force: bool):
    """Charge des campagnes valides du même référentiel (et du même
    établissement, sauf ``force``) ; affiche les mises en garde sur stderr."""
    from diagnum.calculs.comparaison import verifier_comparables
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.cli.commun import afficher_erreur

    charges = [charger_campagne(Path(c)) for c in chemins]
    campagnes = [c for c, _ in charges]
    for avertissement in verifier_comparables(campagnes, force=force):
        afficher_erreur(avertissement)
    return campagnes, charges[0][1]


OPTION_FORMAT = typer.Option(
    None,
    "--format",
    help="Sans -o : présentation à l'écran, texte (par défaut) ou json. Avec -o : format du rapport, md "
    '(par défaut), html, pdf (demande pip install "diagnum[pdf]") ou tout ; se répète : --format md --format html.',
    metavar="<texte|json|md|html|pdf|tout>",
    show_default=False,
)


def choisir_formats(valeurs: list[str] | None, sortie: Path | None) -> tuple[FormatComparaison, tuple[str, ...]]:
    """Les valeurs de ``--format`` : la présentation à l'écran (sans ``-o``) ou les formats du rapport (avec).

    Une valeur qui ne convient pas au cas lève ``ErreurDiagnum`` (code 2, usage incorrect).
    """
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.rapports.formats import FORMATS, TOUT, lire_formats

    valeurs = [v.strip().lower() for v in valeurs or ()]
    ecran = {f.value for f in FormatComparaison}
    if sortie is not None:
        if ecran & set(valeurs):
            raise ErreurDiagnum(
                "avec -o DOSSIER, --format choisit le format du rapport : md, html, pdf ou tout "
                "(texte et json s'affichent à l'écran, sans -o)"
            )
        return FormatComparaison.texte, lire_formats(valeurs)
    if not valeurs:
        return FormatComparaison.texte, ()
    if len(set(valeurs)) > 1:
        raise ErreurDiagnum("à l'écran, un seul --format : texte ou json")
    if valeurs[0] in ecran:
        return FormatComparaison(valeurs[0]), ()
    if valeurs[0] in (*FORMATS, TOUT):
        raise ErreurDiagnum(f"--format {valeurs[0]} écrit un rapport dans un dossier : ajoutez -o DOSSIER")
    raise ErreurDiagnum(
        f"format « {valeurs[0]} » inconnu : texte ou json à l'écran, ou avec -o DOSSIER md, html, pdf ou tout"
    )


def option_sortie(rapport: str):
    """L'option ``-o DOSSIER`` d'une commande qui écrit un rapport."""
    return typer.Option(
        None,
        "--sortie",
        "-o",
        help=f"Dossier où écrire le rapport {rapport} ; créé s'il manque.",
        show_default=False,
    )


def option_force(ce_qui_est_permis: str):
    """L'option ``--force`` : un refus levé, et les fichiers existants remplacés."""
    return typer.Option(False, "--force", "-f", help=f"{ce_qui_est_permis} et remplace les fichiers existants.")


def ecrire_json(document: dict) -> None:
    import json

    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


@gerer_erreurs
def compare(
    avant: Path = typer.Argument(..., help="La campagne la plus ancienne.", show_default=False),
    apres: Path = typer.Argument(..., help="La campagne la plus récente.", show_default=False),
    formats: list[str] | None = OPTION_FORMAT,
    sortie: Path | None = option_sortie("de progression (progression.md et son diagramme, .html, .pdf)"),
    force: bool = option_force("Compare même deux établissements différents (UAI)"),
) -> None:
    """Mesure les progrès entre deux campagnes d'un établissement.

    AVANT est la campagne la plus ancienne. Montre l'écart de chaque domaine,
    les réponses qui ont changé (améliorations et régressions à part) et le
    bilan des objectifs fixés dans AVANT, jugés sur les scores de la campagne APRES.
    Les deux campagnes doivent suivre la même version du référentiel.
    """
    from diagnum.calculs.comparaison import comparaison_json, comparer
    from diagnum.cli.commun import afficher_erreur, annoncer
    from diagnum.rapports.formats import verifier_formats

    format, formats_rapport = choisir_formats(formats, sortie)
    verifier_formats(formats_rapport)
    (campagne_avant, campagne_apres), referentiel = charger_comparables([avant, apres], force)
    if campagne_avant.date and campagne_apres.date and campagne_avant.date > campagne_apres.date:
        afficher_erreur(
            f"attention : {avant} est datée après {apres} ; la campagne la plus ancienne vient en premier "
            "(diagnum compare AVANT APRES)"
        )
    comparaison = comparer(campagne_avant, campagne_apres, referentiel)
    if sortie is not None:
        from diagnum.rapports.progression import ecrire_rapport_progression

        chemins = ecrire_rapport_progression(
            comparaison, sortie, force=force, referentiel_titre=referentiel.titre, formats=formats_rapport
        )
        for chemin in chemins:
            annoncer(f"{chemin} : rapport de progression écrit")
        return
    if format is FormatComparaison.json:
        ecrire_json(comparaison_json(comparaison, (str(avant), str(apres))))
    else:
        sys.stdout.write(texte_comparaison(comparaison))
