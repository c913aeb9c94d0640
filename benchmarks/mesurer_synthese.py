"""Mesure ``diagnum synthese`` sur un grand territoire, à côté de ``diagnum valider`` des mêmes fichiers.

Un territoire est généré avec une graine fixe (``generer_territoire.py``), puis
les deux commandes sont lancées en alternance, processus entiers, sorties vers
/dev/null (après un tour d'échauffement chacune). On rapporte les médianes, leur
rapport (cible : ≤ 1,5) et la mémoire : le plus gros processus
(``getrusage(RUSAGE_CHILDREN)``) et la somme des processus de la commande
(principal et processus de calcul), relevée dans /proc toutes les 20 ms (cible :
≤ 1 Gio).

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_synthese.py --nombre 10000 --repetitions 5 --resultats benchmarks/RESULTATS.md

La section « synthese » de RESULTATS.md est remplacée, le reste du fichier gardé.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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
    parser.add_argument("--resultats", type=Path, help="écrit la section « synthese » de ce fichier Markdown")
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
        charge_avant = os.getloadavg()
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
        charge = (charge_avant[0], os.getloadavg()[0])
        base = (racine / "sortie" / "synthese.sqlite").stat().st_size
        reponses = (racine / "sortie" / "reponses.csv").stat().st_size
        shutil.rmtree(racine / "sortie")
    mesures = Mesures(
        arguments.nombre, taille, arguments.graine, arguments.repetitions, os.cpu_count() or 1,
        durees, calcul, max(pics["synthese"]), max(pics["valider"]), plus_gros, base, reponses, charge,
    )  # fmt: skip
    print(mesures.texte())
    if arguments.resultats:
        ecrire_resultats(arguments.resultats, mesures.markdown())
        print(f"{arguments.resultats} : section « synthese » écrite")
    sys.exit(0 if mesures.atteint else 1)


@dataclass
class Mesures:
    nombre: int
    taille: int
    graine: int
    repetitions: int
    coeurs: int
    durees: dict[str, list[float]]
    calcul: dict[str, list[float]]
    pic: int
    pic_valider: int
    plus_gros: int
    base: int
    reponses: int
    #: Charge moyenne de la machine (sur une minute) avant et après les mesures : une machine partagée.
    charge: tuple[float, float] = (0.0, 0.0)

    def mediane(self, quoi: str, nom: str) -> float:
        return statistics.median(getattr(self, quoi)[nom])

    @property
    def rapport(self) -> float:
        return self.mediane("durees", "synthese") / self.mediane("durees", "valider")

    @property
    def rapport_calcul(self) -> float:
        return self.mediane("calcul", "synthese") / self.mediane("calcul", "valider")

    @property
    def atteint(self) -> bool:
        """La durée, le temps de calcul (ce que serait la durée sur une machine libre) et la mémoire."""
        return self.rapport <= 1.5 and self.rapport_calcul <= 1.5 and self.pic <= 2**30

    def texte(self) -> str:
        def serie(nom: str) -> str:
            return ", ".join(f"{d:.2f}" for d in self.durees[nom])

        return "\n".join(
            [
                f"{self.nombre} fichiers ({self.taille / 1e6:.1f} Mo), graine {self.graine}, "
                f"{self.repetitions} répétitions, {self.coeurs} cœurs",
                f"diagnum valider  : médiane {self.mediane('durees', 'valider'):.2f} s ({serie('valider')})",
                f"diagnum synthese : médiane {self.mediane('durees', 'synthese'):.2f} s ({serie('synthese')})",
                f"rapport synthese / valider : {self.rapport:.2f} (cible ≤ 1,5)",
                f"temps de calcul (tous processus), médianes : valider {self.mediane('calcul', 'valider'):.2f} s, "
                f"synthese {self.mediane('calcul', 'synthese'):.2f} s, rapport {self.rapport_calcul:.2f}",
                f"mémoire, somme des processus de synthese : pic {self.pic / 2**20:.0f} Mio (valider : "
                f"{self.pic_valider / 2**20:.0f} Mio) ; plus gros processus : {self.plus_gros / 2**20:.0f} Mio",
                f"synthese.sqlite : {self.base / 1e6:.1f} Mo ; reponses.csv : {self.reponses / 1e6:.1f} Mo",
                f"charge de la machine (moyenne sur une minute) : {self.charge[0]:.1f} avant, "
                f"{self.charge[1]:.1f} après",
            ]
        )

    def markdown(self) -> str:
        def fr(x: float) -> str:
            return f"{x:.2f}".replace(".", ",")

        jour = dt.date.today().isoformat()
        # Sur une machine chargée, la durée dépend des autres : la cible n'est dite atteinte que si le temps
        # de calcul (qui est celui d'une machine libre, divisé par les cœurs) l'atteint aussi.
        if self.rapport > 1.5:
            cible = "manquée"
        elif self.rapport_calcul > 1.5:
            cible = f"atteinte en durée, pas en temps de calcul ({fr(self.rapport_calcul)}) : non sûre"
        else:
            cible = "atteinte"
        return "\n".join(
            [
                DEBUT,
                f"## Synthèse d'un territoire : {self.nombre} fichiers",
                "",
                f"Mesuré le {jour} (`python benchmarks/mesurer_synthese.py --nombre {self.nombre} "
                f"--repetitions {self.repetitions}`), {self.coeurs} cœurs, Python {platform.python_version()} : "
                f"{self.nombre} campagnes générées (graine {self.graine}, {self.taille / 1e6:.1f} Mo), "
                "`diagnum synthese` du dossier et `diagnum valider` des mêmes fichiers lancés en alternance.",
                "",
                "| mesure | valider | synthese | rapport | cible |",
                "| --- | --- | --- | --- | --- |",
                f"| durée (médiane) | {fr(self.mediane('durees', 'valider'))} s | "
                f"{fr(self.mediane('durees', 'synthese'))} s | **{fr(self.rapport)}** | ≤ 1,5 : {cible} |",
                f"| temps de calcul, tous processus (médiane) | {fr(self.mediane('calcul', 'valider'))} s | "
                f"{fr(self.mediane('calcul', 'synthese'))} s | {fr(self.rapport_calcul)} | (information) |",
                f"| pic de mémoire, somme des processus | {self.pic_valider / 2**20:.0f} Mio | "
                f"{self.pic / 2**20:.0f} Mio | | ≤ 1 Gio : {'atteinte' if self.pic <= 2**30 else 'manquée'} |",
                "",
                "Durées de chaque tour : valider "
                + ", ".join(fr(d) for d in self.durees["valider"])
                + " s ; synthese "
                + ", ".join(fr(d) for d in self.durees["synthese"])
                + f" s. Fichiers écrits : synthese.sqlite {self.base / 1e6:.0f} Mo, reponses.csv "
                f"{self.reponses / 1e6:.0f} Mo. Charge de la machine ({self.coeurs} cœurs, moyenne sur une minute) : "
                f"{fr(self.charge[0])} avant les mesures, {fr(self.charge[1])} après.",
                FIN,
            ]
        )


DEBUT, FIN = "<!-- debut: synthese -->", "<!-- fin: synthese -->"


def ecrire_resultats(chemin: Path, bloc: str) -> None:
    """Remplace la section « synthese » de RESULTATS.md (ou l'ajoute à la fin), sans toucher au reste."""
    texte = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    if DEBUT in texte and FIN in texte:
        avant, reste = texte.split(DEBUT, 1)
        texte = avant + bloc + reste.split(FIN, 1)[1]
    else:
        texte = texte.rstrip("\n") + "\n\n" + bloc + "\n"
    chemin.write_text(texte, encoding="utf-8")


if __name__ == "__main__":
    main()
