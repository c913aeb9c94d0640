"""``diagnum evolution A B C…`` : les scores d'un établissement au fil de ses campagnes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from diagnum.cli.commun import gerer_erreurs
from diagnum.cli.compare import OPTION_FORMAT, FormatComparaison, option_force, option_sortie

if TYPE_CHECKING:
    from diagnum.calculs.comparaison import Evolution


def phrase_ordre(evo: Evolution) -> str:
    """Comment les campagnes ont été rangées, en une phrase."""
    from diagnum.calculs.comparaison import ORDRE_DATE

    if evo.ordre == ORDRE_DATE:
        return "Campagnes rangées par date."
    return "Campagnes dans l'ordre donné : au moins une n'a pas de date (clé « date »)."


def entetes_campagnes(evo: Evolution, largeur: int = 12) -> list[str]:
    """Les noms des campagnes s'ils sont courts et distincts, sinon leurs numéros (contrôles échappés)."""
    from diagnum.echappement import echapper_terminal

    libelles = [echapper_terminal(libelle) for libelle in evo.libelles]
    if len(set(libelles)) == len(libelles) and all(len(lib) <= largeur for lib in libelles):
        return libelles
    return [str(i) for i in range(1, len(libelles) + 1)]


def texte_evolution(evo: Evolution) -> str:
    """La sortie ``texte`` : un tableau domaine × campagne et l'écart de la première à la dernière."""
    from diagnum.affichage import nombre_fr, score_fr
    from diagnum.calculs.comparaison import Ecart, delta_fr
    from diagnum.cli.compare import campagne_datee, nom_etablissement, tableau_texte
    from diagnum.echappement import echapper_lignes

    def tendance(ecart: Ecart) -> str:
        return f"{delta_fr(ecart.delta)} {ecart.fleche}".rstrip()

    dernier = evo.profils[-1]
    lignes = [
        f"Évolution — {nom_etablissement(dernier.etablissement)} sur {len(evo.profils)} campagnes",
        phrase_ordre(evo),
        *(f"  {i}. {campagne_datee(p)}" for i, p in enumerate(evo.profils, start=1)),
        "",
    ]
    rangees = [["Domaine", *entetes_campagnes(evo), "Évolution"]]
    for serie in evo.domaines:
        rangees.append([serie.axe, *(score_fr(s) for s in serie.scores), tendance(serie.ecart)])
        if serie.moyens is not None:
            rangees.append(["  moyens", *(score_fr(s) for s in serie.moyens), tendance(serie.ecart_moyens)])
    lignes += tableau_texte(rangees)
    lignes += [
        "Scores de 0 à 100 ; « Évolution » : de la première à la dernière campagne",
        f"(↑ hausse, ↓ baisse, → stable : écart de moins de {nombre_fr(evo.domaines[0].seuil)} point).",
    ]
    return echapper_lignes("\n".join(lignes)) + "\n"


@gerer_erreurs
def evolution(
    fichiers: list[Path] = typer.Argument(
        ..., help="Deux campagnes ou plus d'un même établissement.", show_default=False
    ),
    formats: list[str] | None = OPTION_FORMAT,
    sortie: Path | None = option_sortie("d'évolution (evolution.md et son graphique, .html, .pdf)"),
    force: bool = option_force("Accepte des établissements différents (UAI)"),
) -> None:
    """Suit les scores d'un établissement sur plusieurs campagnes : tableau par domaine et graphique.

    Les campagnes sont rangées par date (clé « date ») ; si l'une d'elles n'a
    pas de date, l'ordre donné sur la ligne de commande est gardé. Toutes
    doivent suivre la même version du référentiel.
    """
    from diagnum.calculs.comparaison import evolution as calculer_evolution
    from diagnum.calculs.comparaison import evolution_json
    from diagnum.cli.compare import charger_comparables, choisir_formats, ecrire_json
    from diagnum.erreurs import ErreurDiagnum
    from diagnum.rapports.formats import verifier_formats

    format, formats_rapport = choisir_formats(formats, sortie)
    verifier_formats(formats_rapport)

    if len(fichiers) < 2:
        raise ErreurDiagnum("il faut au moins deux campagnes pour suivre une évolution (diagnum evolution A B C…)")
    campagnes, referentiel = charger_comparables(fichiers, force)
    evo = calculer_evolution(campagnes, referentiel)
    if sortie is not None:
        from diagnum.rapports.progression import ecrire_rapport_evolution

        chemins = ecrire_rapport_evolution(
            evo, sortie, force=force, referentiel_titre=referentiel.titre, formats=formats_rapport
        )
        from diagnum.cli.commun import annoncer

        for chemin in chemins:
            annoncer(f"{chemin} : rapport d'évolution écrit")
        return
    if format is FormatComparaison.json:
        ecrire_json(evolution_json(evo))
    else:
        sys.stdout.write(texte_evolution(evo))
