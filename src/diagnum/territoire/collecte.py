"""Lire les campagnes d'un territoire : chaque fichier validé comme ``valider``, puis résumé.

Un fichier donne une ``Fiche`` (les chiffres et les réponses d'un
établissement pour une campagne, en tuples simples : rien de l'arbre YAML),
un ``Rejet`` (sa première erreur) ou un ``Ecart`` (une autre campagne que
celle demandée). Au-delà de ``SEUIL_PARALLELE`` fichiers, le travail est
réparti sur tous les cœurs par paquets, comme ``campagne.lot``, avec au plus
quelques paquets d'avance : le processus principal ne garde jamais plus de
quelques centaines de fiches à la fois, quel que soit le nombre de fichiers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from diagnum.campagne.lot import SEUIL_PARALLELE, TAILLE_PAQUET, nombre_de_processus
from diagnum.campagne.verifications.libelle_campagne import normaliser_campagne

#: Identifiant de « domaine » des éléments de référence et des obligations dans les réponses
#: (ce sont les clés du fichier de campagne qui les portent).
PARTIE_REFERENCE = "reference"
PARTIE_OBLIGATIONS = "obligations"
SUFFIXES = (".yaml", ".yml")


class Fiche(NamedTuple):
    """Un établissement pour une campagne : identification, scores, réponses, objectifs."""

    chemin: str
    referentiel: str
    uai: str
    nom: str | None
    commune: str | None
    campagne: str
    date: str | None
    repondus: int
    attendus: int
    #: (domaine, score, usage, moyens, complétude de 0 à 1, provisoire, répondus, attendus)
    scores: tuple[tuple[str, float | None, float | None, float | None, float, bool, int, int], ...]
    #: (domaine, item, valeur écrite, valeur numérique ou None) ; une répartition donne trois
    #: lignes « item.modalite », une case de matrice « item.ligne.colonne ».
    reponses: tuple[tuple[str, str, str, float | None], ...]
    #: (domaine, cible, échéance, nombre d'actions, actions réalisées)
    objectifs: tuple[tuple[str, float, str | None, int, int], ...]

    @property
    def completude(self) -> float:
        return self.repondus / self.attendus if self.attendus else 0.0


class Rejet(NamedTuple):
    """Un fichier laissé de côté, avec la position et le code de sa première erreur."""

    fichier: str
    ligne: int | None
    colonne: int | None
    code: str
    message: str
    #: L'UAI du fichier s'il a pu être lu (ou s'il est dans le nom du fichier) : pour ``--attendus``.
    uai: str | None = None


class Ecart(NamedTuple):
    """Un fichier valide d'une autre campagne que celle demandée (``--campagne``)."""

    fichier: str
    campagne: str | None
    uai: str | None = None


Issue = Fiche | Rejet | Ecart


def chercher_fichiers(chemins: Iterable[Path]) -> list[Path]:
    """Les fichiers de campagne : ceux donnés, et les ``.yaml`` / ``.yml`` des dossiers
    (cherchés dans les sous-dossiers), par ordre de chemin, sans doublon.

    Un chemin absent est gardé tel quel : sa lecture donnera le message d'erreur. Dans un dossier,
    un lien symbolique vers un dossier n'est pas parcouru ; un lien vers un fichier est gardé, pour
    être nommé parmi les fichiers laissés de côté (``lire_un`` ne le suit pas).
    """
    import os

    trouves: list[Path] = []
    for chemin in chemins:
        if chemin.is_dir():
            dedans = []
            for racine, dossiers, noms in os.walk(chemin):  # ne suit pas les liens vers des dossiers
                dossiers[:] = [d for d in dossiers if not d.startswith(".")]
                for nom in noms:
                    p = Path(racine, nom)
                    if p.suffix.lower() in SUFFIXES and not nom.startswith(".") and (p.is_symlink() or p.is_file()):
                        dedans.append(p)
            trouves.extend(sorted(dedans))
        else:
            trouves.append(chemin)
    return list(dict.fromkeys(trouves))


_PLANS: dict[tuple[str, str], tuple] = {}


def _plan(referentiel) -> tuple[tuple[str, str, str, tuple[tuple[str, ...], ...]], ...]:
    """Où lire chaque réponse d'une campagne : (partie, domaine, item, chemins vers les valeurs)
    et la clé écrite de chacune ; calculé une fois par référentiel (10 000 fichiers, un seul plan)."""
    cle = (referentiel.version, referentiel.chemin)
    if cle not in _PLANS:
        _PLANS[cle] = _construire_plan(referentiel)
    return _PLANS[cle]


def _construire_plan(referentiel) -> tuple[tuple[str, str, str, tuple[tuple[str, ...], ...]], ...]:
    from diagnum.referentiel import MODALITES

    plan = [(PARTIE_REFERENCE, PARTIE_REFERENCE, item.id, ((item.id,),)) for item in referentiel.reference.items]
    plan += [(PARTIE_OBLIGATIONS, PARTIE_OBLIGATIONS, item.id, ((item.id,),)) for item in referentiel.obligations.items]
    for domaine in referentiel.domaines:
        for item in domaine.items:
            if item.nature == "repartition":
                chemins = tuple((f"{item.id}.{m}", m) for m in MODALITES)
            elif item.nature == "matrice":
                chemins = tuple(
                    (f"{item.id}.{ligne.id}.{colonne.id}", ligne.id, colonne.id)
                    for ligne in item.lignes
                    for colonne in item.colonnes
                )
            else:
                chemins = ((item.id,),)
            plan.append(("reponses", domaine.id, item.id, chemins))
    return tuple(plan)


def lignes_reponses(campagne, referentiel) -> tuple[tuple[str, str, str, float | None], ...]:
    """Les réponses données d'une campagne, une ligne par réponse (voir ``Fiche.reponses``)."""
    lignes: list[tuple[str, str, str, float | None]] = []
    parties = {PARTIE_REFERENCE: campagne.reference, PARTIE_OBLIGATIONS: campagne.obligations}
    for partie, domaine, item, chemins in _plan(referentiel):
        source = parties[partie] if partie in parties else campagne.reponses.get(domaine, {})
        valeur = source.get(item)
        if valeur is None:
            continue
        for cle, *chemin in chemins:
            v = valeur
            for pas in chemin:
                v = v.get(pas) if isinstance(v, dict) else None
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int | float):
                lignes.append((domaine, cle, str(v), None))
            else:
                lignes.append((domaine, cle, str(v), float(v)))
    return tuple(lignes)


def ficher(campagne, referentiel, chemin: str) -> Fiche:
    """La fiche d'une campagne valide (pure : le profil est calculé par ``calculer_profil``)."""
    from diagnum.calculs.scores import calculer_profil

    profil = calculer_profil(campagne, referentiel, leger=True)
    etablissement = campagne.etablissement
    return Fiche(
        chemin=chemin,
        referentiel=referentiel.version,
        uai=(etablissement.uai or "").upper(),
        nom=etablissement.nom,
        commune=etablissement.commune,
        campagne=campagne.campagne or "",
        date=campagne.date.isoformat() if campagne.date else None,
        repondus=sum(d.repondus for d in profil.domaines),
        attendus=sum(d.attendus for d in profil.domaines),
        scores=tuple(
            (d.id, d.score, d.usage, d.moyens, d.completude, d.provisoire, d.repondus, d.attendus)
            for d in profil.domaines
        ),
        reponses=lignes_reponses(campagne, referentiel),
        objectifs=tuple(
            (
                o.domaine,
                float(o.cible),
                o.echeance.isoformat() if o.echeance else None,
                len(o.actions),
                sum(1 for a in o.actions if a.statut == "realisee"),
            )
            for o in campagne.objectifs
        ),
    )


def lire_un(chemin: str, campagne_voulue: str | None = None, anonyme: bool = False) -> Issue:
    """Valide un fichier et en fait une fiche, un rejet ou un écart ; ne lève pas d'exception attendue.

    Le libellé de campagne est ramené à ``AAAA-AAAA`` quand il s'y prête (« 2024/2025 ») ; en mode
    anonyme, un autre texte (qui pourrait nommer l'établissement) fait refuser le fichier."""
    import os

    from diagnum.campagne.chargement import valider_fichier
    from diagnum.erreurs import ErreurFichier

    du_nom = _uai_du_nom(chemin)
    if os.path.islink(chemin):  # jamais suivi : rien de sa cible n'est lu, ni cité
        return Rejet(
            chemin,
            None,
            None,
            "lien-symbolique",
            "lien symbolique : il n'est pas suivi (sa cible pourrait être n'importe quel fichier) ; "
            "mettez ici le fichier de campagne lui-même",
            du_nom,
        )
    try:
        resultat = valider_fichier(Path(chemin))
    except ErreurFichier as exc:
        return Rejet(chemin, None, None, "illisible", exc.message, du_nom)
    campagne = resultat.campagne
    uai = (campagne.etablissement.uai or "").upper() or du_nom if campagne is not None else du_nom
    libelle = None if campagne is None else campagne.campagne
    normalise = normaliser_campagne(libelle) or libelle
    # Un fichier d'une autre campagne est écarté, même fautif ; sans campagne lisible, il est jugé.
    if (
        campagne_voulue is not None
        and campagne is not None
        and normalise != (normaliser_campagne(campagne_voulue) or campagne_voulue)
        and (libelle is not None or not resultat.a_des_erreurs)
    ):
        return Ecart(chemin, libelle, uai)
    erreurs = [d for d in resultat.diagnostics if d.est_erreur]
    if erreurs:
        d = erreurs[0]
        return Rejet(chemin, d.ligne, d.colonne, d.code, d.message, uai)
    if campagne is None or resultat.referentiel is None:  # pragma: no cover - une campagne sans erreur est lue
        return Rejet(chemin, 1, 1, "illisible", "campagne illisible")
    if not campagne.campagne:
        return Rejet(
            chemin,
            1,
            1,
            "campagne-absente",
            "campagne non indiquée (par exemple campagne: « 2024-2025 ») : "
            "la synthèse range les établissements par campagne",
            uai,
        )
    if not campagne.etablissement.uai:
        return Rejet(
            chemin,
            1,
            1,
            "uai-absent",
            "UAI de l'établissement non indiqué : la synthèse reconnaît chaque établissement à son UAI",
            du_nom,
        )
    if anonyme and normaliser_campagne(libelle) is None:
        return Rejet(
            chemin,
            None,
            None,
            "campagne-libelle",
            "libellé de campagne qui n'est pas de la forme AAAA-AAAA (par exemple « 2024-2025 ») : "
            "en mode anonyme, il n'est pas recopié (il pourrait nommer l'établissement) ; corrigez-le et relancez",
            uai,
        )
    fiche = ficher(campagne, resultat.referentiel, chemin)
    return fiche if normalise == libelle else fiche._replace(campagne=normalise)


def _uai_du_nom(chemin: str) -> str | None:
    """Un UAI écrit dans le nom du fichier (« 0390001P.yaml », « college-0390001P-2025.yml »), s'il y en a un
    et un seul : le seul moyen de rattacher à son établissement un fichier illisible."""
    import re

    trouves = set(re.findall(r"(?<![0-9A-Za-z])(\d{7}[A-Za-z])(?![0-9A-Za-z])", Path(chemin).stem))
    return trouves.pop().upper() if len(trouves) == 1 else None


def _lire_paquet(chemins: Sequence[str], campagne_voulue: str | None, anonyme: bool = False) -> list[Issue]:
    return [lire_un(chemin, campagne_voulue, anonyme) for chemin in chemins]


def collecter(
    chemins: Sequence[str | Path],
    *,
    campagne: str | None = None,
    anonyme: bool = False,
    avancer: Callable[[int], None] | None = None,
    processus: int | None = None,
) -> Iterator[Issue]:
    """Une issue par fichier, dans l'ordre des fichiers, au fil de la lecture (générateur)."""
    chemins = [str(c) for c in chemins]
    processus = nombre_de_processus(len(chemins)) if processus is None else processus
    if processus > 1:
        executeur = _executeur(processus)
        if executeur is not None:
            yield from _en_parallele(executeur, chemins, campagne, anonyme, processus, avancer)
            return
    for chemin in chemins:
        yield lire_un(chemin, campagne, anonyme)
        if avancer:
            avancer(1)


def _executeur(processus: int):
    from concurrent.futures import ProcessPoolExecutor

    from diagnum.referentiel import charger_referentiel

    charger_referentiel()  # lu une fois ici : les processus fils en héritent (fork) ou relisent le cache
    try:
        return ProcessPoolExecutor(max_workers=processus)
    except (OSError, NotImplementedError, ImportError):
        return None  # pas de processus possibles : on fera en série


def _en_parallele(
    executeur,
    chemins: list[str],
    campagne: str | None,
    anonyme: bool,
    processus: int,
    avancer: Callable[[int], None] | None,
) -> Iterator[Issue]:
    """Par paquets, avec au plus ``4 × processus`` paquets soumis d'avance (mémoire bornée)."""
    paquets = iter([chemins[i : i + TAILLE_PAQUET] for i in range(0, len(chemins), TAILLE_PAQUET)])
    en_vol: deque = deque()
    avance = 4 * processus
    with executeur:
        try:
            for paquet in paquets:
                en_vol.append(executeur.submit(_lire_paquet, paquet, campagne, anonyme))
                if len(en_vol) >= avance:
                    break
            while en_vol:
                resultat = en_vol.popleft().result()
                suivant = next(paquets, None)
                if suivant is not None:
                    en_vol.append(executeur.submit(_lire_paquet, suivant, campagne, anonyme))
                if avancer:
                    avancer(len(resultat))
                yield from resultat
        except BaseException:
            executeur.shutdown(wait=False, cancel_futures=True)
            raise


__all__ = [
    "PARTIE_OBLIGATIONS",
    "PARTIE_REFERENCE",
    "SEUIL_PARALLELE",
    "Ecart",
    "Fiche",
    "Rejet",
    "chercher_fichiers",
    "collecter",
    "ficher",
    "lignes_reponses",
    "lire_un",
    "normaliser_campagne",
]
