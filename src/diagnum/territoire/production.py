"""Le déroulé de ``diagnum synthese`` : lire au fil de l'eau, écarter, pseudonymiser, écrire.

Étapes : vérifier que rien ne sera écrasé sans ``--force`` ; lire chaque
fichier (``collecte``) et verser sa fiche dans la base au fur et à mesure ;
retirer les doublons (même UAI, même campagne : les deux sont écartés) ;
nommer les établissements (UAI, ou pseudonyme E001… tiré au hasard en mode
anonyme) ; calculer la synthèse ; écrire les fichiers, synthese.md en dernier
(un synthese.md présent est une synthèse complète).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from diagnum.erreurs import ErreurDiagnum, ErreurFichier, ErreurProbleme
from diagnum.territoire.collecte import Ecart, Fiche, Rejet, chercher_fichiers, collecter
from diagnum.territoire.sorties import (
    BASE_SYNTHESE,
    NOM_BASE,
    NOM_REJETS,
    NOM_REPERE,
    NOM_REPONSES,
    NOM_SCORES,
    NOM_SYNTHESE,
)


@dataclass(slots=True)
class Bilan:
    """Ce que la commande dit à la fin : fichiers lus, retenus, rejetés, écrits."""

    fichiers: int
    retenus: int
    etablissements: int
    rejets: list[Rejet] = field(default_factory=list)
    ecartes: int = 0
    ecrits: list[Path] = field(default_factory=list)


def verifier_sorties(
    dossier: Path, anonyme: bool, force: bool, correspondance: Path | None, formats: Sequence[str] = ("md",)
) -> None:
    """Refuse (code 1) si un fichier de sortie existe déjà sans ``force`` ; code 2 si le dossier est impossible."""
    parent = dossier.parent if str(dossier.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    if dossier.exists() and not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")
    if force:
        return
    rapports = [f"{BASE_SYNTHESE}.{f}" for f in formats]
    noms = [*rapports, NOM_SCORES, NOM_REPONSES, NOM_BASE, NOM_REPERE] + ([] if anonyme else [NOM_REJETS])
    existants = [nom for nom in noms if (dossier / nom).exists()]
    if dossier.is_dir() and "md" in formats:
        existants += sorted(p.name for p in dossier.glob("boites-*.png"))
    if correspondance is not None and correspondance.exists():
        existants.append(str(correspondance))
    if existants:
        raise ErreurProbleme(
            f"{dossier} contient déjà {', '.join(existants)} : rien n'a été écrit (ajoutez --force pour remplacer)"
        )


def _doublons(
    vus: dict[tuple[str, str], list[tuple[int, str]]],
) -> tuple[list[int], list[Rejet]]:
    retires: list[int] = []
    rejets: list[Rejet] = []
    for (uai, campagne), fichiers in vus.items():
        if len(fichiers) < 2:
            continue
        for numero, chemin in fichiers:
            autres = ", ".join(c for _, c in fichiers if c != chemin)
            retires.append(numero)
            rejets.append(
                Rejet(
                    chemin,
                    None,
                    None,
                    "doublon",
                    f"même établissement (UAI {uai}) et même campagne ({campagne}) que {autres} : "
                    "les deux fichiers sont laissés de côté ; gardez le bon et relancez",
                )
            )
    return retires, rejets


def produire(
    chemins: Sequence[Path],
    dossier: Path,
    *,
    campagne: str | None = None,
    anonyme: bool = False,
    force: bool = False,
    correspondance: Path | None = None,
    avancer: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    formats: Sequence[str] = ("md",),
) -> Bilan:
    """Toute la synthèse ; lève ``ErreurDiagnum`` (code 2) si aucune campagne n'est utilisable."""
    import random

    from diagnum.fichiers import ecrire_atomique, ecriture_atomique, preparer_dossier
    from diagnum.referentiel import charger_referentiel
    from diagnum.territoire import sorties
    from diagnum.territoire.base import BaseSynthese
    from diagnum.territoire.synthese import Accumulateur, construire_synthese

    fichiers = chercher_fichiers(chemins)
    if not fichiers:
        raise ErreurFichier("aucun fichier de campagne (.yaml ou .yml) trouvé dans " + ", ".join(map(str, chemins)))
    verifier_sorties(dossier, anonyme, force, correspondance, formats)
    if total:
        total(len(fichiers))
    preparer_dossier(dossier)

    numeros = list(range(1, len(fichiers) + 1))
    if anonyme:
        random.SystemRandom().shuffle(numeros)  # les numéros ne trahissent pas l'ordre des fichiers
    rejets: list[Rejet] = []
    ecartes = 0
    etablissements: dict[str, int] = {}  # UAI → numéro provisoire
    identites: dict[str, tuple[str, str | None, str | None]] = {}  # UAI → (campagne, nom, commune) la plus récente
    vus: dict[tuple[str, str], list[tuple[int, str]]] = {}
    version: str | None = None
    accumulateur = None
    bilan = Bilan(fichiers=len(fichiers), retenus=0, etablissements=0)

    with ecriture_atomique(dossier / sorties.NOM_BASE, force=force) as chemin_base:
        base = BaseSynthese(chemin_base, iter(numeros))
        try:
            for issue in collecter(fichiers, campagne=campagne, avancer=avancer):
                if isinstance(issue, Ecart):
                    ecartes += 1
                    continue
                if isinstance(issue, Rejet):
                    rejets.append(issue)
                    continue
                assert isinstance(issue, Fiche)
                version = version or issue.referentiel
                if issue.referentiel != version:
                    rejets.append(
                        Rejet(
                            issue.chemin,
                            None,
                            None,
                            "referentiel-different",
                            f"référentiel {issue.referentiel}, alors que la synthèse porte sur le "
                            f"référentiel {version} : faites une synthèse par version",
                        )
                    )
                    continue
                provisoire = etablissements.setdefault(issue.uai, len(etablissements) + 1)
                numero = base.ajouter(issue, provisoire)
                if accumulateur is None:
                    accumulateur = Accumulateur(charger_referentiel(version))
                accumulateur.ajouter(issue)
                vus.setdefault((issue.uai, issue.campagne), []).append((numero, issue.chemin))
                ancienne = identites.get(issue.uai)
                if ancienne is None or issue.campagne >= ancienne[0]:
                    identites[issue.uai] = (issue.campagne, issue.nom, issue.commune)
            retires, doublons = _doublons(vus)
            rejets.extend(doublons)
            rejets.sort(key=lambda r: r.fichier)
            for numero in retires:
                accumulateur.retirer(base.fiche(numero))
            base.retirer(retires)
            restants = sorted({uai for (uai, _), f in vus.items() if len(f) == 1})
            if not restants or version is None or accumulateur is None:
                pluriel = "s" if len(fichiers) > 1 else ""
                quoi = f"aucune campagne {campagne}" if campagne else "aucune campagne utilisable"
                raise ErreurDiagnum(f"{quoi} parmi {len(fichiers)} fichier{pluriel} : rien n'a été écrit")
            referentiel = charger_referentiel(version)
            ordre = list(restants)
            if anonyme:
                random.SystemRandom().shuffle(ordre)
            largeur = max(3, len(str(len(ordre))))
            lignes_etablissements = []
            renumerotation = {}
            table = []
            for rang, uai in enumerate(ordre, 1):
                _, nom, commune = identites[uai]
                renumerotation[etablissements[uai]] = rang
                if anonyme:
                    pseudonyme = f"E{rang:0{largeur}d}"
                    lignes_etablissements.append((rang, pseudonyme, None, None))
                    table.append((pseudonyme, uai, nom, commune))
                else:
                    lignes_etablissements.append((rang, uai, nom, commune))
            base.terminer(
                lignes_etablissements,
                renumerotation,
                [(d.id, d.section, d.axe, d.nature, rang) for rang, d in enumerate(referentiel.domaines, 1)],
                {
                    "referentiel": referentiel.version,
                    "anonyme": "oui" if anonyme else "non",
                    "campagne": campagne or "toutes",
                },
            )
            connexion = base.connexion
            synthese = construire_synthese(
                referentiel,
                accumulateur.donnees,
                anonyme=anonyme,
                fichiers=len(fichiers),
                rejets=rejets,
                ecartes=ecartes,
            )
            bilan.retenus = connexion.execute("SELECT COUNT(*) FROM campagnes").fetchone()[0]
            bilan.etablissements = len(ordre)
            ecrits = [dossier / NOM_BASE]
            sorties.ecrire_scores(connexion, dossier / NOM_SCORES, force)
            sorties.ecrire_reponses(connexion, dossier / NOM_REPONSES, force)
            ecrits += [dossier / NOM_SCORES, dossier / NOM_REPONSES]
            ecrire_atomique(
                dossier / NOM_REPERE,
                sorties.octets_repere(sorties.donnees_repere(connexion, referentiel.version, anonyme)),
                force=force,
            )
            ecrits.append(dossier / NOM_REPERE)
        finally:
            base.fermer()
    if not anonyme:
        ecrire_atomique(dossier / NOM_REJETS, sorties.octets_rejets(rejets), force=force)
        ecrits.append(dossier / NOM_REJETS)
    if anonyme and correspondance is not None:
        ecrire_atomique(correspondance, sorties.octets_correspondance(sorted(table)), force=force)
    rapports: dict[str, bytes | str] = {}
    if "html" in formats or "pdf" in formats:
        page = sorties.page_synthese(synthese)
        if "html" in formats:
            rapports[f"{BASE_SYNTHESE}.html"] = page
        if "pdf" in formats:
            from diagnum.sorties.pdf import html_en_pdf

            rapports[f"{BASE_SYNTHESE}.pdf"] = html_en_pdf(page)
    if "md" in formats:
        for nom, octets in sorties.images_synthese(synthese).items():
            ecrire_atomique(dossier / nom, octets, force=force)
            ecrits.append(dossier / nom)
        rapports[NOM_SYNTHESE] = sorties.texte_synthese(synthese)
    # Les rapports en dernier : un synthese.md (ou .html, .pdf) présent est une synthèse complète.
    for nom, contenu in rapports.items():
        ecrire_atomique(dossier / nom, contenu, force=force)
        ecrits.append(dossier / nom)
    bilan.rejets = rejets
    bilan.ecartes = ecartes
    bilan.ecrits = ecrits
    return bilan
