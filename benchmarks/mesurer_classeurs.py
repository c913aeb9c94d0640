"""Mesure ``diagnum classeur`` et ``diagnum fusionner`` à côté de ``diagnum valider`` de la même campagne.

Trois rapports de médianes de processus entiers, lancés en alternance dans la même exécution
(outils de ``mesurer.py``) : écrire le classeur complet en ODS, puis en XLSX (cible : ≤ 3 ×
valider) ; fusionner huit classeurs partiels (référence et obligations, puis un par domaine ; quatre
ODS, quatre XLSX) dans une campagne neuve de ``diagnum init`` (cible : ≤ 3 × valider). La fusion
écrit la campagne : chaque tour repart d'une copie neuve (la copie est comptée dans la mesure).

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_classeurs.py --resultats benchmarks/RESULTATS.md

La section « classeurs » de RESULTATS.md est remplacée, le reste du fichier gardé.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ICI = Path(__file__).resolve().parent
sys.path.insert(0, str(ICI))

from mesurer import EXEMPLE, Rapport, environnement, executable, ligne, machine, medianes, verifier  # noqa: E402

DEBUT, FIN = "<!-- debut: classeurs -->", "<!-- fin: classeurs -->"
CIBLE = 3.0


def preparer(dossier: Path, env: dict[str, str]) -> tuple[Path, list[Path]]:
    """Une campagne neuve du même établissement, et les huit classeurs partiels de l'exemple."""
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.classeurs.modele import parties_connues

    diagnum = executable("diagnum")
    donnees, referentiel = charger_campagne(EXEMPLE)
    neuve = dossier / "neuve.yaml"
    etab = donnees.etablissement
    identite = ["--etablissement", etab.nom, "--uai", etab.uai, "--commune", etab.commune]
    verifier([*diagnum, "init", str(neuve), *identite, "--campagne", donnees.campagne], env)
    parties = parties_connues(referentiel)
    groupes = [parties[:2], *([p] for p in parties[2:])]
    classeurs = []
    for rang, groupe in enumerate(groupes):
        chemin = dossier / f"membre-{rang}{'.ods' if rang % 2 else '.xlsx'}"
        options = [x for p in groupe for x in ("--partie", p)]
        verifier([*diagnum, "classeur", str(EXEMPLE), "-o", str(chemin), *options], env)
        classeurs.append(chemin)
    return neuve, classeurs


def mesurer(repetitions: int, env: dict[str, str]) -> list[Rapport]:
    diagnum = executable("diagnum")
    valider = [*diagnum, "valider", str(EXEMPLE)]
    verifier(valider, env)
    with tempfile.TemporaryDirectory(prefix="diagnum-classeurs-") as nom:
        dossier = Path(nom)
        neuve, classeurs = preparer(dossier, env)
        assert len(classeurs) == 8
        cible = dossier / "cible.yaml"
        # sh -c '…' neuve cible diagnum… : $0 et $1 sont la copie à faire, « exec "$@" » lance diagnum.
        fusion = ["sh", "-c", 'cp "$0" "$1" && shift && exec "$@"', str(neuve), str(cible)]
        fusion += [*diagnum, "fusionner", str(cible), *map(str, classeurs)]
        verifier(fusion, env)
        fin = subprocess.run([*diagnum, "valider", str(cible)], capture_output=True, text=True, env=env, check=False)
        assert fin.returncode == 0, fin.stdout + fin.stderr
        commandes = {
            "diagnum valider": valider,
            "classeur complet ODS": [*diagnum, "classeur", str(EXEMPLE), "-o", str(dossier / "c.ods"), "--force"],
            "classeur complet XLSX": [*diagnum, "classeur", str(EXEMPLE), "-o", str(dossier / "c.xlsx"), "--force"],
            "fusionner 8 classeurs": fusion,
        }
        for commande in commandes.values():
            verifier(commande, env)
        m = medianes(commandes, repetitions, env)
    return [
        Rapport(f"{nom} / valider", nom, "diagnum valider", CIBLE, (m[nom], m["diagnum valider"]), repetitions)
        for nom in ("classeur complet ODS", "classeur complet XLSX", "fusionner 8 classeurs")
    ]


def markdown(rapports: list[Rapport], charge: tuple[float, float] | None = None) -> str:
    lignes = [
        DEBUT,
        "## Classeurs : écrire et fusionner",
        "",
        f"Mesuré le {dt.date.today().isoformat()} sur {machine()} (`python benchmarks/mesurer_classeurs.py`), "
        f"campagne `exemples/{EXEMPLE.name}`."
        + (
            f" Charge de la machine (moyenne sur une minute) : {charge[0]:.1f} avant, {charge[1]:.1f} après ; "
            "les durées absolues en dépendent, leurs rapports bien moins."
            if charge
            else ""
        ),
        "",
        "| rapport | mesure | référence | valeur | cible |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rapports:
        lignes.append(
            f"| {r.nom} | {r.mesure} : {1000 * r.medianes[0]:.0f} ms | {r.reference} : {1000 * r.medianes[1]:.0f} ms "
            f"| **{r.valeur:.2f}** | ≤ {r.cible:.2f} {'✓' if r.atteint else '✗ manquée'} |"
        )
    lignes += [
        "",
        f"Répétitions : {rapports[0].repetitions} par commande. Les huit classeurs : référence et obligations, puis "
        "un par domaine, quatre ODS et quatre XLSX ; la fusion repart chaque fois d'une copie de la campagne neuve "
        "(`cp` compris dans la mesure) et l'écrit.",
        "",
        "- Le classeur ODS est écrit directement en XML (zipfile de la bibliothèque standard) : odfpy coûterait "
        "plus de 200 ms à l'import. Le XLSX est écrit par XlsxWriter (70 ms à l'import, contre 180 pour openpyxl).",
        "- La lecture passe par python-calamine (extension Rust, déjà une dépendance), qui ne calcule rien.",
        FIN,
    ]
    return "\n".join(lignes)


def ecrire_resultats(chemin: Path, bloc: str) -> None:
    """Remplace la section « classeurs » de RESULTATS.md (ou l'ajoute à la fin), sans toucher au reste."""
    texte = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    if DEBUT in texte and FIN in texte:
        avant, reste = texte.split(DEBUT, 1)
        texte = avant + bloc + reste.split(FIN, 1)[1]
    else:
        texte = texte.rstrip("\n") + "\n\n" + bloc + "\n"
    chemin.write_text(texte, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=11, help="tours par mesure (au moins 7)")
    parser.add_argument("--resultats", type=Path, help="écrit la section « classeurs » de ce fichier Markdown")
    arguments = parser.parse_args()
    avant = os.getloadavg()[0]
    rapports = mesurer(max(7, arguments.repetitions), environnement())
    charge = (avant, os.getloadavg()[0])
    for r in rapports:
        print(ligne(r), flush=True)
    if arguments.resultats:
        ecrire_resultats(arguments.resultats, markdown(rapports, charge))
        print(f"{arguments.resultats} : section « classeurs » écrite")
    return 0 if all(r.atteint for r in rapports) else 1


if __name__ == "__main__":
    sys.exit(main())
