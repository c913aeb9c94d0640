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
from typing import TYPE_CHECKING

from diagnum.erreurs import ErreurDiagnum, ErreurFichier, ErreurProbleme
from diagnum.sorties.synthese import (
    BASE_SYNTHESE,
    NOM_BASE,
    NOM_MANQUANTS,
    NOM_REJETS,
    NOM_REPERE,
    NOM_REPONSES,
    NOM_SCORES,
    NOM_SYNTHESE,
)
from diagnum.territoire.collecte import (
    PARTIE_REFERENCE,
    Ecart,
    Fiche,
    Rejet,
    chercher_fichiers,
    collecter,
    normaliser_campagne,
)
from diagnum.territoire.synthese import SEUIL_ANONYMAT

if TYPE_CHECKING:
    from diagnum.territoire.attendus import Attendu, Manquant


@dataclass(slots=True)
class Bilan:
    """Ce que la commande dit à la fin : fichiers lus, retenus, rejetés, écrits."""

    fichiers: int
    retenus: int
    etablissements: int
    rejets: list[Rejet] = field(default_factory=list)
    ecartes: int = 0
    ecrits: list[Path] = field(default_factory=list)
    #: Les fichiers d'une autre campagne que celle demandée.
    ecarts: list[Ecart] = field(default_factory=list)
    #: Avec ``attendus`` : les établissements attendus sans campagne utilisable, et la campagne de référence.
    manquants: list[Manquant] | None = None
    attendus: int = 0
    campagne_attendue: str | None = None


def verifier_sorties(
    dossier: Path,
    anonyme: bool,
    force: bool,
    correspondance: Path | None,
    formats: Sequence[str] = ("md",),
    attendus: bool = False,
) -> None:
    """Tous les chemins de sortie vérifiés avant la moindre écriture : code 2 si un dossier est impossible
    (parent absent, lien symbolique, fichier à la place d'un dossier) ; code 1 si un fichier (ou un lien,
    même pendant) est déjà là sans ``force``."""
    import os

    parent = dossier.parent if str(dossier.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    if dossier.is_symlink() and not dossier.is_dir():
        raise ErreurFichier(
            f"{dossier} est un lien symbolique pendant (sa cible n'existe pas) : rien n'a été écrit ; donnez un dossier"
        )
    if os.path.lexists(dossier) and not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")
    if correspondance is not None:
        dossier_table = correspondance.parent if str(correspondance.parent) else Path(".")
        if not dossier_table.is_dir():
            raise ErreurFichier(
                f"{correspondance} : le dossier « {dossier_table} » n'existe pas ; créez-le d'abord "
                "(rien n'a été écrit)"
            )
        if correspondance.is_dir() and not correspondance.is_symlink():
            raise ErreurFichier(f"{correspondance} : c'est un dossier, un fichier est attendu (rien n'a été écrit)")
    rapports = [f"{BASE_SYNTHESE}.{f}" for f in formats]
    noms = [*rapports, NOM_SCORES, NOM_REPONSES, NOM_BASE, NOM_REPERE] + ([] if anonyme else [NOM_REJETS])
    noms += [NOM_MANQUANTS] if attendus and not anonyme else []
    cibles = [dossier / nom for nom in noms]
    if dossier.is_dir() and "md" in formats:
        cibles += sorted(dossier.glob("boites-*.png"))
    if correspondance is not None:
        cibles.append(correspondance)
    for cible in cibles:
        if cible.is_dir() and not cible.is_symlink():
            raise ErreurFichier(f"{cible} : c'est un dossier, un fichier est attendu (rien n'a été écrit)")
    if force:
        return
    existants = [c for c in cibles if os.path.lexists(c)]
    liens = [c for c in existants if c.is_symlink()]
    if liens:
        raise ErreurProbleme(
            f"{', '.join(map(str, liens))} : lien symbolique (peut-être pendant) : rien n'a été écrit "
            "(ajoutez --force pour remplacer le lien lui-même ; sa cible n'est jamais modifiée)"
        )
    if existants:
        noms_existants = [c.name if c.parent == dossier else str(c) for c in existants]
        raise ErreurProbleme(
            f"{dossier} contient déjà {', '.join(noms_existants)} : rien n'a été écrit (ajoutez --force pour remplacer)"
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
                    uai,
                )
            )
    return retires, rejets


def _manquants(
    bilan: Bilan,
    attendus: Sequence[Attendu],
    uniques: dict[tuple[str, str], int],
    rejets: Sequence[Rejet],
    ecarts: Sequence[Ecart],
    campagne: str | None,
) -> None:
    """Remplit ``bilan.manquants`` : chaque établissement attendu sans campagne de référence retenue."""
    from diagnum.sorties.synthese import message_ecart
    from diagnum.territoire.attendus import AUTRE_CAMPAGNE, REJETE, manquants

    retenus: dict[str, set[str]] = {}
    for uai, libelle in uniques:
        retenus.setdefault(uai, set()).add(libelle)
    reference = campagne or max((libelle for _, libelle in uniques), default=None)
    laisses: dict[str, list[tuple[str, str, str]]] = {}
    for r in rejets:
        if r.uai:
            lieu = f" (ligne {r.ligne}, colonne {r.colonne})" if r.ligne else ""
            laisses.setdefault(r.uai, []).append((REJETE, f"{r.message}{lieu} ({r.code})", r.fichier))
    for e in ecarts:
        if e.uai:
            laisses.setdefault(e.uai, []).append((AUTRE_CAMPAGNE, message_ecart(e, reference), e.fichier))
    bilan.attendus = len(attendus)
    bilan.campagne_attendue = reference
    bilan.manquants = manquants(attendus, retenus, laisses, reference)


def _images_en_fond(synthese) -> Callable[[], dict[str, bytes]]:
    """Les images en boîtes de ``synthese`` dessinées dans un processus à part (matplotlib y est importé),
    en même temps que le reste s'écrit ; rend la fonction qui les attend. Sans processus possible (pas
    de ``fork`` sur ce système), elles sont dessinées ici, au moment de les demander."""
    from diagnum.sorties import synthese as sorties

    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executeur = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        futur = executeur.submit(sorties.images_synthese, synthese)
    except (OSError, ValueError, ImportError, NotImplementedError):
        return lambda: sorties.images_synthese(synthese)

    def attendre() -> dict[str, bytes]:
        try:
            return futur.result()
        finally:
            executeur.shutdown(wait=False, cancel_futures=True)

    return attendre


def _reponses_reconnaissables(referentiel) -> list[tuple[str, str]]:
    """Les réponses d'un établissement qui redonnent un effectif de référence : chaque effectif d'une
    répartition (leur somme est le nombre d'enseignants, de divisions…)."""
    from diagnum.referentiel import MODALITES

    return [
        (d.id, f"{item.id}.{m}")
        for d in referentiel.domaines
        for item in d.items
        if item.nature == "repartition"
        for m in MODALITES
    ]


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
    attendus: Sequence[Attendu] | None = None,
) -> Bilan:
    """Toute la synthèse ; lève ``ErreurDiagnum`` (code 2) si aucune campagne n'est utilisable.

    Avec ``attendus`` (la liste lue par ``attendus.lire_attendus``), le bilan et les fichiers nomment
    les établissements attendus sans campagne utilisable (``--campagne``, ou sinon la plus récente)."""
    import random

    from diagnum.fichiers import ecrire_atomique, ecriture_atomique, preparer_dossier
    from diagnum.referentiel import charger_referentiel
    from diagnum.sorties import synthese as sorties
    from diagnum.territoire.base import BaseSynthese
    from diagnum.territoire.synthese import Accumulateur, construire_synthese

    if campagne is not None:
        if anonyme and normaliser_campagne(campagne) is None:
            raise ErreurDiagnum(
                f"--campagne « {campagne} » : en mode anonyme, donnez une campagne AAAA-AAAA (2024-2025)"
            )
        campagne = normaliser_campagne(campagne) or campagne
    fichiers = chercher_fichiers(chemins)
    if not fichiers:
        raise ErreurFichier("aucun fichier de campagne (.yaml ou .yml) trouvé dans " + ", ".join(map(str, chemins)))
    verifier_sorties(dossier, anonyme, force, correspondance, formats, attendus is not None)
    if total:
        total(len(fichiers))
    preparer_dossier(dossier)

    numeros = list(range(1, len(fichiers) + 1))
    if anonyme:
        random.SystemRandom().shuffle(numeros)  # les numéros ne trahissent pas l'ordre des fichiers
    rejets: list[Rejet] = []
    ecarts: list[Ecart] = []
    etablissements: dict[str, int] = {}  # UAI → numéro provisoire
    identites: dict[str, tuple[str, str | None, str | None]] = {}  # UAI → (campagne, nom, commune) la plus récente
    vus: dict[tuple[str, str], list[tuple[int, str]]] = {}
    version: str | None = None
    accumulateur = None
    petites: dict[str, int] = {}
    bilan = Bilan(fichiers=len(fichiers), retenus=0, etablissements=0)

    with ecriture_atomique(dossier / sorties.NOM_BASE, force=force) as chemin_base:
        base = BaseSynthese(chemin_base, iter(numeros))
        try:
            for issue in collecter(fichiers, campagne=campagne, anonyme=anonyme, avancer=avancer):
                if isinstance(issue, Ecart):
                    ecarts.append(issue)
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
                            issue.uai,
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
            uniques = {cle: f[0][0] for cle, f in vus.items() if len(f) == 1}
            restants = sorted({uai for uai, _ in uniques})
            if attendus is not None:
                _manquants(bilan, attendus, uniques, rejets, ecarts, campagne)
            if anonyme and version is not None:
                # Aucune ligne par établissement d'une campagne de moins de SEUIL_ANONYMAT établissements, et
                # rien de ce qui ferait reconnaître un établissement (effectifs de référence, répartitions).
                par_campagne: dict[str, list[int]] = {}
                for (_, libelle), numero in uniques.items():
                    par_campagne.setdefault(libelle, []).append(numero)
                petites = {c: len(numeros) for c, numeros in par_campagne.items() if len(numeros) < SEUIL_ANONYMAT}
                base.retirer([n for c in petites for n in par_campagne[c]])
                base.anonymiser(_reponses_reconnaissables(charger_referentiel(version)), [PARTIE_REFERENCE])
            if not restants or version is None or accumulateur is None:
                pluriel = "s" if len(fichiers) > 1 else ""
                quoi = f"aucune campagne {campagne}" if campagne else "aucune campagne utilisable"
                raise ErreurDiagnum(f"{quoi} parmi {len(fichiers)} fichier{pluriel} : rien n'a été écrit")
            referentiel = charger_referentiel(version)
            synthese = construire_synthese(
                referentiel,
                accumulateur.donnees,
                anonyme=anonyme,
                fichiers=len(fichiers),
                rejets=rejets,
                ecarts=ecarts,
                manquants=bilan.manquants,
                attendus=len(attendus or ()),
                campagne_attendue=bilan.campagne_attendue,
            )
            # Les graphiques sont dessinés par un autre processus pendant que la base et les CSV s'écrivent.
            images = _images_en_fond(synthese) if "md" in formats else None
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
            bilan.retenus = len(uniques)
            bilan.etablissements = len(ordre)
            ecrits = [dossier / NOM_BASE]
            sorties.ecrire_scores(connexion, dossier / NOM_SCORES, force)
            sorties.ecrire_reponses(connexion, dossier / NOM_REPONSES, force)
            ecrits += [dossier / NOM_SCORES, dossier / NOM_REPONSES]
            ecrire_atomique(
                dossier / NOM_REPERE,
                sorties.octets_repere(
                    sorties.donnees_repere(connexion, referentiel.version, anonyme, petites if anonyme else {})
                ),
                force=force,
            )
            ecrits.append(dossier / NOM_REPERE)
        finally:
            base.fermer()
    if not anonyme:
        ecrire_atomique(dossier / NOM_REJETS, sorties.octets_rejets(rejets, ecarts, campagne), force=force)
        ecrits.append(dossier / NOM_REJETS)
        if bilan.manquants is not None:
            ecrire_atomique(dossier / NOM_MANQUANTS, sorties.octets_manquants(bilan.manquants), force=force)
            ecrits.append(dossier / NOM_MANQUANTS)
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
    if images is not None:
        for nom, octets in images().items():
            ecrire_atomique(dossier / nom, octets, force=force)
            ecrits.append(dossier / nom)
        rapports[NOM_SYNTHESE] = sorties.texte_synthese(synthese)
    # Les rapports en dernier : un synthese.md (ou .html, .pdf) présent est une synthèse complète.
    for nom, contenu in rapports.items():
        ecrire_atomique(dossier / nom, contenu, force=force)
        ecrits.append(dossier / nom)
    bilan.rejets = rejets
    bilan.ecartes = len(ecarts)
    bilan.ecarts = ecarts
    bilan.ecrits = ecrits
    return bilan
