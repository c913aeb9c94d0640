"""Valider beaucoup de fichiers d'un coup : en série, ou sur tous les cœurs au-delà d'un seuil.

Le résultat est toujours dans l'ordre des fichiers donnés, quel que soit le
nombre de processus. Un fichier illisible, ou qui déclencherait une erreur
imprévue, ne fait pas échouer le lot : son message est rendu à sa place et
les constats de tous les autres fichiers sont rapportés.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from diagnum.campagne.diagnostics import Diagnostic

# En dessous, démarrer des processus coûte plus qu'il ne rapporte (mesuré : benchmarks/).
SEUIL_PARALLELE = 50
TAILLE_PAQUET = 8


class Verdict(NamedTuple):
    """Les constats d'un fichier, ou la raison pour laquelle il n'a pu être lu."""

    chemin: str
    constats: list[Diagnostic] | None
    illisible: str | None = None


def valider_un(chemin: str | Path, complet: bool = False) -> Verdict:
    """Valide un fichier ; un fichier illisible donne un ``Verdict`` avec son message."""
    from diagnum.campagne.chargement import valider_fichier
    from diagnum.erreurs import ErreurFichier

    try:
        return Verdict(str(chemin), valider_fichier(Path(chemin), complet=complet).diagnostics)
    except ErreurFichier as exc:
        return Verdict(str(chemin), None, exc.message)
    except Exception as exc:  # un fichier imprévu ne doit pas taire les constats des autres
        if os.environ.get("DIAGNUM_DEBUG"):
            raise
        return Verdict(
            str(chemin),
            None,
            f"{chemin} : erreur interne en vérifiant ce fichier ({type(exc).__name__}) ; les autres fichiers "
            "sont vérifiés quand même ; relancez avec DIAGNUM_DEBUG=1 pour le détail et signalez-la",
        )


def _valider_paquet(chemins: Sequence[str], complet: bool) -> list[Verdict]:
    return [valider_un(chemin, complet) for chemin in chemins]


def nombre_de_processus(fichiers: int) -> int:
    """Combien de processus pour ``fichiers`` fichiers : un seul sous le seuil, sinon un par cœur disponible."""
    if fichiers <= SEUIL_PARALLELE:
        return 1
    try:
        coeurs = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        coeurs = os.cpu_count() or 1
    return max(1, min(coeurs, fichiers // SEUIL_PARALLELE + 1))


def valider_lot(
    chemins: Sequence[str | Path],
    *,
    complet: bool = False,
    avancer: Callable[[int], None] | None = None,
    processus: int | None = None,
) -> list[Verdict]:
    """Valide ``chemins`` dans leur ordre ; ``avancer(n)`` est appelé quand n fichiers de plus sont faits."""
    chemins = [str(c) for c in chemins]
    processus = nombre_de_processus(len(chemins)) if processus is None else processus
    if processus > 1:
        verdicts = _en_parallele(chemins, complet, processus, avancer)
        if verdicts is not None:
            return verdicts
    verdicts = []
    for chemin in chemins:
        verdicts.append(valider_un(chemin, complet))
        if avancer:
            avancer(1)
    return verdicts


def _en_parallele(
    chemins: list[str], complet: bool, processus: int, avancer: Callable[[int], None] | None
) -> list[Verdict] | None:
    """Par paquets, sur ``processus`` processus ; ``None`` si le système ne permet pas d'en démarrer."""
    from concurrent.futures import ProcessPoolExecutor

    from diagnum.referentiel import charger_referentiel

    charger_referentiel()  # lu une fois ici : les processus fils en héritent (fork) ou relisent le cache
    paquets = [chemins[i : i + TAILLE_PAQUET] for i in range(0, len(chemins), TAILLE_PAQUET)]
    try:
        executeur = ProcessPoolExecutor(max_workers=processus)
    except (OSError, NotImplementedError, ImportError):
        return None  # pas de processus possibles (sémaphores absentes…) : on fera en série
    verdicts: list[Verdict] = []
    with executeur:
        try:
            for resultat in executeur.map(_valider_paquet, paquets, [complet] * len(paquets)):
                verdicts.extend(resultat)
                if avancer:
                    avancer(len(resultat))
        except BaseException:
            executeur.shutdown(wait=False, cancel_futures=True)
            raise
    return verdicts
