"""Mesure ``diagnum sources importer`` sur une année de réservations d'un grand lycée, à côté d'une simple lecture
du même fichier par le module csv.

Un rapport de GRR 4 de 100 000 réservations (graine fixe : 160 enseignants, 40 classes, 30 ressources, du
2 septembre 2024 au 27 juin 2025) est écrit dans un dossier temporaire. Dans un même processus, en alternance
(après un tour d'échauffement chacun), on chronomètre :

Chaque mesure est le temps de calcul du processus (``time.process_time``), plus stable que la durée sur une
machine partagée :

- la référence : lire le fichier et le parcourir avec ``csv.reader`` (décodage compris), rien de plus ;
- diagnum : tout l'import, du fichier au nouveau texte de la campagne (lecture de l'export, colonnes,
  dates, estimation, écriture ligne à ligne et relecture de la campagne), sans l'écriture sur le disque.

On rapporte les médianes et leur rapport (cible : ≤ 2), et, pour information, la commande entière (un
processus ``diagnum sources importer --essai``) face à un processus Python qui ne fait que la lecture csv.

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_sources.py --lignes 100000 --repetitions 7 --resultats benchmarks/RESULTATS.md

La section « sources » de RESULTATS.md est remplacée, le reste du fichier gardé.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ICI = Path(__file__).resolve().parent
DIAGNUM = str(Path(sys.executable).with_name("diagnum"))
CORRESPONDANCE = """\
enseignants_activites_eleves: ["Salle informatique*", "Classe mobile*"]
divisions_usage_en_classe: ["Salle informatique*", "Classe mobile*"]
enseignants_diffusion_collective: ["Vidéoprojecteur*", "Salle de visio*"]
"""
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def generer(lignes: int, graine: int = 2025) -> bytes:
    """Le bouton « CSV » du rapport de GRR 4 : une année de réservations d'un grand lycée."""
    alea = random.Random(graine)
    ressources = (
        [f"Salle informatique {n}" for n in range(1, 9)]
        + [f"Classe mobile {n}" for n in range(1, 7)]
        + [f"Vidéoprojecteur mobile {n}" for n in range(1, 9)]
        + ["Salle de visioconférence", "Amphithéâtre", "Salle polyvalente", "Minibus", "Gymnase", "CDI"]
    )
    enseignants = [f"Prénom{n} Nom{n}" for n in range(160)]
    classes = [f"{niveau}{n}" for niveau in ("2nde", "1re", "Tle") for n in range(1, 14)] + ["BTS1"]
    jours = []
    jour = dt.date(2024, 9, 2)
    while jour <= dt.date(2025, 6, 27):
        if jour.weekday() < 5:
            jours.append(jour)
        jour += dt.timedelta(days=1)
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, quoting=csv.QUOTE_ALL, lineterminator="\n")
    ecrivain.writerow(
        [
            "Domaine", "Ressource", "Brève description", "Début de la réservation", "Heure", "Durée",
            "Fin de la réservation", "Heure", "Description complète", "Type", "Bénéficiaire (identifiant)",
            "Dernière mise à jour", "Modération", "Classe",
        ]
    )  # fmt: skip
    for _ in range(lignes):
        jour = alea.choice(jours)
        texte = f"{JOURS[jour.weekday()]} {jour.day:02d} {MOIS[jour.month - 1]} {jour.year}"
        heure = alea.randint(8, 17)
        classe = alea.choice(classes)
        ecrivain.writerow(
            [
                "Réservations", alea.choice(ressources), f"{classe} - séance", texte, f"{heure:02d}:00:00", "1",
                texte, f"{heure + 1:02d}:00:00", "Séance en demi-groupe", "Cours", alea.choice(enseignants),
                f"{texte} 18:12:40", "", classe,
            ]
        )  # fmt: skip
    return sortie.getvalue().encode("utf-8")


def lecture_csv(chemin: Path) -> int:
    """La référence : lire le fichier et parcourir ses lignes avec le module csv."""
    texte = chemin.read_bytes().decode("utf-8")
    return sum(1 for _ in csv.reader(io.StringIO(texte)))


def import_diagnum(export: Path, campagne: Path, correspondance: str) -> str:
    """Tout l'import de diagnum, du fichier au nouveau texte de la campagne (sans l'écrire), comme le fait
    ``cli/sources.py``."""
    from diagnum.enquetes.lecture import lire_export
    from diagnum.referentiel import charger_referentiel
    from diagnum.sources.correspondance import assembler
    from diagnum.sources.estimation import Periode, Regles, estimer
    from diagnum.sources.importation import preparer_estimation
    from diagnum.sources.lecture import LIMITES_SOURCES, lire_lignes, reconnaitre, sans_ramasse_miettes

    referentiel = charger_referentiel()
    with sans_ramasse_miettes():
        feuille = lire_export(export, LIMITES_SOURCES)
        colonnes, erreurs = reconnaitre(feuille, None, {})
        table, erreurs = assembler(referentiel, colonnes.sorte, correspondance, "correspondance.yaml", [])
        lignes, erreurs = lire_lignes(feuille, colonnes)
        assert not erreurs
        estimation = estimer(lignes, referentiel, table, Regles(), Periode(), str(export))
        bilan = preparer_estimation(campagne.read_bytes(), str(campagne), estimation, str(export))
    assert not bilan.erreurs and bilan.texte
    return bilan.texte


def campagne(dossier: Path) -> Path:
    chemin = dossier / "campagne.yaml"
    subprocess.run(
        [DIAGNUM, "init", str(chemin), "--etablissement", "Lycée", "--uai", "0750654D", "--campagne", "2024-2025"],
        check=True,
        capture_output=True,
    )
    texte = chemin.read_text(encoding="utf-8")
    texte = re.sub(r"(?m)^  enseignants:$", "  enseignants: 180", texte)
    texte = re.sub(r"(?m)^  divisions:$", "  divisions: 45", texte)
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def chronometre(fonction, *arguments) -> tuple[float, float]:
    """Le temps de calcul du processus (``time.process_time``) et la durée (``time.perf_counter``) : sur une
    machine partagée, la durée mesure aussi la charge des autres ; le temps de calcul, le travail fait."""
    debut, mur = time.process_time(), time.perf_counter()
    fonction(*arguments)
    return time.process_time() - debut, time.perf_counter() - mur


def processus(commande: list[str]) -> float:
    """Le temps de calcul (utilisateur et système) d'un processus lancé jusqu'au bout."""
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(commande, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (apres.ru_utime - avant.ru_utime) + (apres.ru_stime - avant.ru_stime)


def virgule(nombre: float, chiffres: int = 2) -> str:
    return f"{nombre:.{chiffres}f}".replace(".", ",")


def markdown(
    lignes: int,
    taille: int,
    mesures: list[tuple[tuple[float, float], tuple[float, float]]],
    proc_ref: list[float],
    proc_dia: list[float],
) -> str:
    ref = [r[0] for r, _ in mesures]
    dia = [d[0] for _, d in mesures]
    mur_ref = statistics.median(r[1] for r, _ in mesures)
    mur_dia = statistics.median(d[1] for _, d in mesures)
    charge = virgule(os.getloadavg()[0])
    rapport = statistics.median(dia) / statistics.median(ref)
    rapport_proc = statistics.median(proc_dia) / statistics.median(proc_ref)
    etat = "atteinte" if rapport <= 2 else "manquée"
    date = dt.date.today().isoformat()
    return f"""<!-- debut: sources -->
## Import d'une année de réservations : {lignes} lignes

Mesuré le {date} (`python benchmarks/mesurer_sources.py --lignes {lignes} --repetitions {len(ref)}`), {platform.python_implementation()} {platform.python_version()}, machine partagée (charge moyenne sur une minute à la fin : {charge}) : un rapport de GRR 4 de {lignes} réservations ({virgule(taille / 1e6, 1)} Mo, graine 2025), dans un même processus, en alternance.

| mesure | lecture csv seule | diagnum sources importer | rapport | cible |
| --- | --- | --- | --- | --- |
| temps de calcul dans un processus (médiane) | {virgule(statistics.median(ref) * 1000, 0)} ms | {virgule(statistics.median(dia) * 1000, 0)} ms | **{virgule(rapport)}** | ≤ 2 : {etat} |
| durée dans un processus (médiane) | {virgule(mur_ref * 1000, 0)} ms | {virgule(mur_dia * 1000, 0)} ms | {virgule(mur_dia / mur_ref)} | (information) |
| temps de calcul de la commande entière, `--essai` (médiane) | {virgule(statistics.median(proc_ref) * 1000, 0)} ms | {virgule(statistics.median(proc_dia) * 1000, 0)} ms | {virgule(rapport_proc)} | (information) |

La lecture csv seule : lire le fichier, le décoder, parcourir ses lignes avec `csv.reader`. L'import : tout ce que fait `diagnum sources importer` du fichier au nouveau texte de la campagne (lecture de l'export par `enquetes/lecture.py`, colonnes de GRR, {lignes} dates en toutes lettres, estimation de trois items, écriture ligne à ligne et relecture de la campagne), sans l'écriture sur le disque. Tours : lecture {", ".join(virgule(t * 1000, 0) for t in ref)} ms ; import {", ".join(virgule(t * 1000, 0) for t in dia)} ms.
<!-- fin: sources -->
"""


def remplacer_section(chemin: Path, section: str) -> None:
    texte = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    motif = re.compile(r"<!-- debut: sources -->.*?<!-- fin: sources -->\n", re.DOTALL)
    texte = motif.sub(lambda _: section, texte) if motif.search(texte) else texte.rstrip("\n") + "\n\n" + section
    chemin.write_text(texte, encoding="utf-8")


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    analyseur.add_argument("--lignes", type=int, default=100_000)
    analyseur.add_argument("--repetitions", type=int, default=7)
    analyseur.add_argument("--resultats", type=Path)
    options = analyseur.parse_args()
    with tempfile.TemporaryDirectory() as nom:
        dossier = Path(nom)
        export = dossier / "grr.csv"
        export.write_bytes(generer(options.lignes))
        (dossier / "corr.yaml").write_text(CORRESPONDANCE, encoding="utf-8")
        chemin = campagne(dossier)
        lecture_csv(export)
        import_diagnum(export, chemin, CORRESPONDANCE)
        mesures = [
            (chronometre(lecture_csv, export), chronometre(import_diagnum, export, chemin, CORRESPONDANCE))
            for _ in range(options.repetitions)
        ]
        lire = [
            sys.executable,
            "-c",
            f"import csv, io; sum(1 for _ in csv.reader(io.StringIO(open({str(export)!r}, 'rb').read().decode())))",
        ]
        importe = [
            DIAGNUM,
            "sources",
            "importer",
            str(export),
            "--dans",
            str(chemin),
            "-c",
            str(dossier / "corr.yaml"),
            "--essai",
        ]
        processus(lire), processus(importe)
        proc_ref, proc_dia = [], []
        for _ in range(max(3, options.repetitions // 2)):
            proc_ref.append(processus(lire))
            proc_dia.append(processus(importe))
        section = markdown(options.lignes, export.stat().st_size, mesures, proc_ref, proc_dia)
    print(section)
    if options.resultats:
        remplacer_section(options.resultats, section)


if __name__ == "__main__":
    main()
