"""Mesure ``diagnum synthese`` sur un grand territoire, à côté de ``diagnum valider`` des mêmes fichiers.

Un territoire est généré avec une graine fixe (``generer_territoire.py``), puis
les deux commandes sont lancées en alternance, processus entiers, sorties vers
/dev/null (après un tour d'échauffement chacune). On rapporte les médianes, leur
rapport (cible : ≤ 1,5) et la mémoire : le plus gros processus
(``getrusage(RUSAGE_CHILDREN)``) et la somme des processus de la commande
(principal et processus de calcul), relevée dans /proc toutes les 20 ms (cible :
≤ 1 Gio).

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_synthese.py --nombre 10000 --repetitions 5
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ICI = Path(__file__).resolve().parent
DIAGNUM = str(Path(sys.executable).with_name("diagnum"))


def _descendants(racine: int) -> list[int]:
    enfants: dict[int, list[int]] = {}
    for entree in os.listdir("/proc"):
        if not entree.isdigit():
            continue
        try:
            with open(f"/proc/{entree}/stat", encoding="ascii", errors="replace") as flux:
                parent = int(flux.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        enfants.setdefault(parent, []).append(int(entree))
    pile, trouves = [racine], []
    while pile:
        pid = pile.pop()
        trouves.append(pid)
        pile.extend(enfants.get(pid, []))
    return trouves


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as flux:
            for ligne in flux:
                if ligne.startswith("VmRSS:"):
                    return int(ligne.split()[1]) * 1024
    except OSError:
        pass
    return 0


def lancer(commande: list[str], dossier: Path) -> tuple[float, float, int]:
    """Durée (s), temps de calcul (s, processus et descendants) et pic de la somme des mémoires
    résidentes du processus et de ses descendants (octets)."""
    pic = 0
    debut = time.perf_counter()
    processus = subprocess.Popen(commande, cwd=dossier, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fini = threading.Event()

    def surveiller() -> None:
        nonlocal pic
        while not fini.is_set():
            pic = max(pic, sum(_rss(pid) for pid in _descendants(processus.pid)))
            fini.wait(0.02)

    veilleur = threading.Thread(target=surveiller, daemon=True)
    veilleur.start()
    _, statut, usage = os.wait4(processus.pid, 0)
    duree = time.perf_counter() - debut
    code = processus.returncode = os.waitstatus_to_exitcode(statut)
    fini.set()
    veilleur.join()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(commande[:3])}… : code de sortie {code}")
    return duree, usage.ru_utime + usage.ru_stime, pic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nombre", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--graine", type=int, default=2026)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ICI))
    from generer_territoire import generer

    with tempfile.TemporaryDirectory(prefix="diagnum-territoire-") as temporaire:
        racine = Path(temporaire)
        fichiers = generer(racine / "campagnes", arguments.nombre, arguments.graine)
        noms = [str(f.relative_to(racine)) for f in fichiers]
        taille = sum(f.stat().st_size for f in fichiers)
        valider = [DIAGNUM, "valider", *noms]
        synthese = [DIAGNUM, "synthese", "campagnes", "-o", "sortie", "--force"]
        for commande in (valider, synthese):  # échauffement : .pyc, cache du référentiel
            lancer(commande, racine)
        durees: dict[str, list[float]] = {"valider": [], "synthese": []}
        calcul: dict[str, list[float]] = {"valider": [], "synthese": []}
        pics: dict[str, list[int]] = {"valider": [], "synthese": []}
        for _ in range(arguments.repetitions):
            for nom, commande in (("valider", valider), ("synthese", synthese)):
                duree, cpu, pic = lancer(commande, racine)
                durees[nom].append(duree)
                calcul[nom].append(cpu)
                pics[nom].append(pic)
        plus_gros = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        base = (racine / "sortie" / "synthese.sqlite").stat().st_size
        reponses = (racine / "sortie" / "reponses.csv").stat().st_size
        shutil.rmtree(racine / "sortie")
    v, s = statistics.median(durees["valider"]), statistics.median(durees["synthese"])
    print(f"{arguments.nombre} fichiers ({taille / 1e6:.1f} Mo), graine {arguments.graine}, "
          f"{arguments.repetitions} répétitions, {os.cpu_count()} cœurs")  # fmt: skip
    print(f"diagnum valider  : médiane {v:.2f} s ({', '.join(f'{d:.2f}' for d in durees['valider'])})")
    print(f"diagnum synthese : médiane {s:.2f} s ({', '.join(f'{d:.2f}' for d in durees['synthese'])})")
    print(f"rapport synthese / valider : {s / v:.2f} (cible ≤ 1,5)")
    cv, cs = statistics.median(calcul["valider"]), statistics.median(calcul["synthese"])
    print(
        f"temps de calcul (tous processus), médianes : valider {cv:.2f} s, synthese {cs:.2f} s, rapport {cs / cv:.2f}"
    )
    print(f"mémoire, somme des processus de synthese : pic {max(pics['synthese']) / 2**20:.0f} Mio "
          f"(valider : {max(pics['valider']) / 2**20:.0f} Mio) ; plus gros processus : {plus_gros / 2**20:.0f} Mio")  # fmt: skip
    print(f"synthese.sqlite : {base / 1e6:.1f} Mo ; reponses.csv : {reponses / 1e6:.1f} Mo")
    sys.exit(0 if s / v <= 1.5 and max(pics["synthese"]) <= 2**30 else 1)


if __name__ == "__main__":
    main()
