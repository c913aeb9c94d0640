"""Mesures de vitesse de diagnum : des rapports de médianes de processus entiers.

Chaque rapport compare deux commandes lancées côte à côte, en alternance, au
moins 7 fois chacune (après deux tours d'échauffement qui écrivent les
fichiers .pyc et le cache du référentiel, comme chez un utilisateur dont
l'installation est faite). On ne compare que des médianes de la même machine,
mesurées dans la même minute : les durées absolues varient beaucoup sur une
machine partagée, leurs rapports bien moins.

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    pip install -e ".[bench]"          # yamllint, la référence externe
    python benchmarks/mesurer.py       # affiche les rapports ; code 1 si une cible est manquée
    python benchmarks/mesurer.py --resultats benchmarks/RESULTATS.md

Outils standard seulement : subprocess, time, statistics.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ICI = Path(__file__).resolve().parent
RACINE = ICI.parent
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
PYTHON = sys.executable


@dataclass
class Rapport:
    """Un rapport de médianes et sa cible."""

    nom: str
    mesure: str
    reference: str
    cible: float
    medianes: tuple[float, float]
    repetitions: int

    @property
    def valeur(self) -> float:
        return self.medianes[0] / self.medianes[1]

    @property
    def atteint(self) -> bool:
        return self.valeur <= self.cible


def executable(nom: str) -> list[str]:
    """La commande installée à côté de l'interpréteur, sinon ``python -m nom``."""
    candidat = Path(PYTHON).parent / nom
    return [str(candidat)] if candidat.exists() else [PYTHON, "-m", nom]


def environnement() -> dict[str, str]:
    """L'environnement des mesures : bytecode écrit et relu (comme une installation normale), sans couleurs."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")}
    env["NO_COLOR"] = "1"
    return env


def lancer(commande: list[str], env: dict[str, str]) -> float:
    debut = time.perf_counter()
    subprocess.run(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=RACINE, check=False)
    return time.perf_counter() - debut


def verifier(commande: list[str], env: dict[str, str], codes: tuple[int, ...] = (0,)) -> None:
    """Une commande mesurée doit d'abord réussir : on ne chronomètre pas un échec."""
    fin = subprocess.run(commande, capture_output=True, text=True, env=env, cwd=RACINE, check=False)
    if fin.returncode not in codes:
        sys.exit(
            f"échec de {' '.join(commande[:4])}… (code {fin.returncode}) :\n{fin.stdout[-800:]}{fin.stderr[-800:]}"
        )


def medianes(commandes: dict[str, list[str]], repetitions: int, env: dict[str, str], mesure=lancer) -> dict[str, float]:
    """Médianes (secondes) de commandes lancées en alternance, l'ordre tournant à chaque tour ; ``mesure`` :
    ce qu'on relève d'un processus (sa durée, par défaut)."""
    noms = list(commandes)
    for _ in range(2):
        for nom in noms:
            mesure(commandes[nom], env)
    durees: dict[str, list[float]] = {nom: [] for nom in noms}
    for tour in range(repetitions):
        decalage = tour % len(noms)
        for nom in noms[decalage:] + noms[:decalage]:
            durees[nom].append(mesure(commandes[nom], env))
    return {nom: statistics.median(valeurs) for nom, valeurs in durees.items()}


def rapport(nom: str, cible: float, commandes: dict[str, list[str]], repetitions: int, env) -> Rapport:
    mesure, reference = commandes
    m = medianes(commandes, repetitions, env)
    return Rapport(nom, mesure, reference, cible, (m[mesure], m[reference]), repetitions)


# --------------------------------------------------------------------------
# Les mesures


def mesures_un_fichier(repetitions: int, env: dict[str, str]) -> list[Rapport]:
    diagnum = executable("diagnum")
    valider = [*diagnum, "valider", str(EXEMPLE)]
    verifier(valider, env)
    nue = [PYTHON, str(ICI / "analyse_nue.py"), str(EXEMPLE)]
    yamllint = executable("yamllint")
    try:
        metadata.version("yamllint")
    except metadata.PackageNotFoundError:
        sys.exit('yamllint manque : pip install -e ".[bench]"')
    verifier([*yamllint, str(EXEMPLE)], env, codes=(0, 1))
    commandes = {"diagnum valider": valider, "yamllint": [*yamllint, str(EXEMPLE)], "analyse nue": nue}
    m = medianes(commandes, repetitions, env)
    return [
        Rapport(
            "valider / yamllint", "diagnum valider", "yamllint", 0.8, (m["diagnum valider"], m["yamllint"]), repetitions
        ),
        Rapport(
            "valider / analyse nue",
            "diagnum valider",
            "analyse nue",
            1.5,
            (m["diagnum valider"], m["analyse nue"]),
            repetitions,
        ),
    ]


def preparer_lot(dossier: Path, nombre: int) -> list[str]:
    """``nombre`` copies de l'exemple, chacune un peu différente (un commentaire final)."""
    texte = EXEMPLE.read_text(encoding="utf-8")
    chemins = []
    for i in range(nombre):
        chemin = dossier / f"campagne-{i:04d}.yaml"
        chemin.write_text(f"{texte}\n# copie {i}\n", encoding="utf-8")
        chemins.append(str(chemin))
    return chemins


def mesure_lot(repetitions: int, nombre: int, env: dict[str, str]) -> tuple[Rapport, float]:
    """Le lot contre le script nu ; et, à titre d'information, la durée de la seule lecture libyaml (ms)."""
    with tempfile.TemporaryDirectory(prefix="diagnum-lot-") as dossier:
        chemins = preparer_lot(Path(dossier), nombre)
        valider = [*executable("diagnum"), "valider", *chemins]
        verifier(valider, env)
        nue = [PYTHON, str(ICI / "analyse_nue.py"), *chemins]
        libyaml = [PYTHON, str(ICI / "analyse_nue.py"), "--libyaml", *chemins]
        mesure, reference = f"diagnum valider ({nombre} fichiers)", f"analyse nue ({nombre} fichiers)"
        m = medianes({mesure: valider, reference: nue, "libyaml": libyaml}, repetitions, env)
        rapport_lot = Rapport(
            f"{nombre} fichiers / analyse nue", mesure, reference, 1.5, (m[mesure], m[reference]), repetitions
        )
        return rapport_lot, 1000 * m["libyaml"]


def donnees_graphiques(chemin: Path) -> dict:
    """Les données des graphiques du rapport de l'exemple, calculées une fois, hors mesure."""
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne
    from diagnum.rapports.rapport import repartitions

    campagne, referentiel = charger_campagne(chemin)
    profil = calculer_profil(campagne, referentiel)
    return {
        "profil": {
            "campagne": profil.campagne,
            "etablissement": profil.etablissement.nom if profil.etablissement else None,
            "domaines": [
                {"id": d.id, "axe": d.axe, "score": d.score, "provisoire": d.provisoire} for d in profil.domaines
            ],
        },
        "repartitions": [
            {"titre": f"{d.section} {d.axe} : fréquence d'usage", "barres": repartitions(d, campagne)}
            for d in referentiel.domaines
            if d.est_usage and repartitions(d, campagne)
        ],
    }


def mesure_rapport(repetitions: int, env: dict[str, str]) -> Rapport:
    with tempfile.TemporaryDirectory(prefix="diagnum-rapport-") as dossier:
        donnees = Path(dossier) / "graphiques.json"
        donnees.write_text(json.dumps(donnees_graphiques(EXEMPLE), ensure_ascii=False), encoding="utf-8")
        ecrire = [*executable("diagnum"), "rapport", str(EXEMPLE), "-o", str(Path(dossier) / "rapport"), "--force"]
        verifier(ecrire, env)
        dessins = [PYTHON, str(ICI / "dessins_nus.py"), str(donnees)]
        verifier(dessins, env)
        commandes = {"diagnum rapport": ecrire, "matplotlib seul (mêmes graphiques)": dessins}
        return rapport("rapport / import de matplotlib et dessins", 1.5, commandes, repetitions, env)


def couts_connus(repetitions: int, env: dict[str, str]) -> dict[str, float]:
    """Ce que coûte chaque étage du démarrage, en processus entiers (médianes, ms)."""
    commandes = {
        "interpréteur seul": [PYTHON, "-c", "pass"],
        "import ruamel.yaml": [PYTHON, "-c", "import ruamel.yaml"],
        "import typer": [PYTHON, "-c", "import typer"],
        "import ruamel.yaml, typer": [PYTHON, "-c", "import ruamel.yaml, typer"],
        "import diagnum.cli (Typer et les sous-commandes)": [PYTHON, "-c", "import diagnum.cli"],
        "diagnum --version": [*executable("diagnum"), "--version"],
        "diagnum valider --format parsable": [*executable("diagnum"), "valider", "--format", "parsable", str(EXEMPLE)],
        "diagnum valider": [*executable("diagnum"), "valider", str(EXEMPLE)],
        "analyse nue": [PYTHON, str(ICI / "analyse_nue.py"), str(EXEMPLE)],
        "analyse nue, événements libyaml seuls": [PYTHON, str(ICI / "analyse_nue.py"), "--libyaml", str(EXEMPLE)],
        TYPER_MINIMAL: [PYTHON, str(ICI / "typer_minimal.py"), str(EXEMPLE)],
        "yamllint": [*executable("yamllint"), str(EXEMPLE)],
    }
    return {nom: 1000 * valeur for nom, valeur in medianes(commandes, repetitions, env).items()}


TYPER_MINIMAL = "application Typer minimale, même lecture libyaml que diagnum"


def plancher(couts: dict[str, float]) -> list[str]:
    """Ce que Typer seul impose : une application minimale qui ne fait que lire le fichier comme diagnum."""
    minimal = couts[TYPER_MINIMAL]
    return [
        f"Plancher mesuré : une application Typer d'une seule commande qui ne fait que lire les événements "
        f"YAML du fichier avec libyaml prend "
        f"{minimal:.0f} ms, soit {minimal / couts['analyse nue']:.2f} × l'analyse nue et "
        f"{minimal / couts['yamllint']:.2f} × yamllint, avant tout travail de diagnum.",
    ]


def cout_referentiel(env: dict[str, str]) -> dict[str, float]:
    """Charger le référentiel : lu et vérifié depuis le YAML, ou relu depuis le cache (ms, meilleur de 5)."""
    code = """
import json, time
from diagnum import referentiel as r
chemin = r.dossier_referentiels() / f"{r.version_recente()}.yaml"
contenu = chemin.read_bytes()
def meilleur(f):
    durees = []
    for _ in range(5):
        debut = time.perf_counter(); f(); durees.append(time.perf_counter() - debut)
    return 1000 * min(durees)
def depuis_le_cache():
    r.charger_fichier_referentiel.cache_clear(); r.charger_fichier_referentiel(chemin)
print(json.dumps({"sans cache (lecture YAML et vérification)": meilleur(lambda: r.construire_referentiel(contenu)),
                  "avec le cache sur disque": meilleur(depuis_le_cache)}))
"""
    sortie = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=env, cwd=RACINE, check=True)
    return json.loads(sortie.stdout)


# --------------------------------------------------------------------------
# Présentation


def ligne(r: Rapport) -> str:
    etat = "atteinte" if r.atteint else "MANQUÉE"
    return (
        f"{r.nom:45} {1000 * r.medianes[0]:8.1f} ms / {1000 * r.medianes[1]:8.1f} ms = {r.valeur:5.2f}"
        f"  (cible ≤ {r.cible:.2f} : {etat})"
    )


def machine() -> str:
    modele = platform.processor() or platform.machine()
    try:
        for texte in Path("/proc/cpuinfo").read_text().splitlines():
            if texte.startswith("model name"):
                modele = texte.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{modele}, {os.cpu_count()} cœurs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def versions() -> str:
    noms = ("typer", "ruamel.yaml", "rich", "matplotlib", "jinja2", "yamllint")
    trouves = []
    for nom in noms:
        with contextlib.suppress(metadata.PackageNotFoundError):
            trouves.append(f"{nom} {metadata.version(nom)}")
    return ", ".join(trouves)


def markdown(
    rapports: list[Rapport], couts: dict[str, float], referentiel: dict[str, float], lot: int, lot_libyaml: float | None
) -> str:
    lignes = [
        "# Mesures de vitesse",
        "",
        f"Mesuré le {dt.date.today().isoformat()} sur {machine()}.",
        f"Versions : {versions()}.",
        "",
        "Rapports de médianes de processus entiers, mesurés côte à côte en alternance "
        "(`python benchmarks/mesurer.py`).",
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
        f"Répétitions : {', '.join(f'{r.nom} {r.repetitions}' for r in rapports)}. Lot : {lot} copies de "
        f"`exemples/{EXEMPLE.name}`."
        + (
            f" La seule lecture libyaml de ces {lot} fichiers, en un processus, prend {lot_libyaml:.0f} ms "
            "(information, sans cible)."
            if lot_libyaml is not None
            else ""
        ),
        "",
        "## Ce qui a été fait, ce qui reste",
        "",
        "- La référence « analyse nue » est le script nu de la demande : `YAML().load` de ruamel.yaml (chargeur "
        "aller-retour, par défaut). La lecture libyaml seule et une application Typer minimale qui lit le fichier "
        "comme diagnum sont mesurées à part, comme planchers.",
        "- diagnum lit le flux d'événements YAML avec libyaml (ruamel.yaml.clib) : 0,7 ms au lieu de 21 ms pour "
        "l'analyseur pur Python de ruamel.yaml ; les types des scalaires sont résolus une fois par texte distinct.",
        "- Typer est borné à `< 0.29` : la 0.29 construit un adaptateur pydantic pour chaque paramètre à chaque "
        "commande (application minimale : 172 ms en 0.28, 364 ms en 0.29) et n'offre aucune option pour l'éviter.",
        "- Le groupe `diagnum` charge ses sous-commandes à la demande (motif « lazy loading » de Click) : `valider` "
        "n'importe ni ne fait convertir par Typer les huit autres. C'est toujours Typer qui lit les arguments.",
        "- Le modèle immuable est fait de NamedTuple (0,15 ms chacun à l'import contre 0,6 à 0,9 ms pour une "
        "dataclass : 23 dataclasses coûtaient 11 ms).",
        "- `valider` n'importe ni matplotlib, ni Jinja2, ni pydantic, ni Rich hors d'un terminal, ni pickle, ni "
        "hashlib, ni `json` sans `--format json` (`tests/test_imports.py` le garde).",
        "- Le référentiel est lu une fois et mis en cache sur disque (marshal), servi seulement si son texte est "
        "identique octet pour octet (tableau ci-dessous).",
        "- Au-delà de 50 fichiers, `valider` répartit le lot sur tous les cœurs, dans l'ordre des fichiers.",
        "- Ce qui reste au-dessus du plancher Typer : les modules de diagnum (8 ms environ), la lecture et la "
        "validation (3 à 4 ms). Sur cette machine partagée, le rapport à yamllint a varié le 2026-11-30 de 0,76 "
        "(machine calme) à 0,88 (machine chargée) : la marge est mince, relancer la mesure avant de conclure.",
        "",
        "## Où passe le temps d'un appel",
        "",
        "| processus | médiane |",
        "| --- | --- |",
        *(f"| {nom} | {valeur:.0f} ms |" for nom, valeur in couts.items()),
        "",
        *plancher(couts),
        "",
        "## Le référentiel",
        "",
        "| chargement | meilleur de 5 |",
        "| --- | --- |",
        *(f"| {nom} | {valeur:.1f} ms |" for nom, valeur in referentiel.items()),
        "",
    ]
    return "\n".join(lignes)


MARQUE_SYNTHESE = "<!-- debut: synthese -->"


def section_synthese(chemin: Path) -> str:
    """La section de ``mesurer_synthese.py`` (de sa marque à la fin du fichier), gardée telle quelle."""
    ancien = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    debut = ancien.find(MARQUE_SYNTHESE)
    return "" if debut < 0 else "\n" + ancien[debut:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=11, help="tours par mesure (au moins 7)")
    parser.add_argument("--lot", type=int, default=500, help="nombre de fichiers du lot")
    parser.add_argument("--resultats", type=Path, help="écrit aussi les résultats en Markdown dans ce fichier")
    parser.add_argument(
        "--seulement",
        default="valider,lot,rapport",
        help="mesures à faire, parmi valider, lot, rapport (séparées par des virgules)",
    )
    arguments = parser.parse_args()
    repetitions = max(7, arguments.repetitions)
    choix = set(arguments.seulement.split(","))
    env = environnement()

    rapports: list[Rapport] = []
    lot_libyaml: float | None = None
    if "valider" in choix:
        rapports += mesures_un_fichier(repetitions, env)
        for r in rapports:
            print(ligne(r), flush=True)
    if "lot" in choix:
        rapport_lot, lot_libyaml = mesure_lot(7, arguments.lot, env)
        rapports.append(rapport_lot)
        print(ligne(rapport_lot), flush=True)
        print(f"  (lecture libyaml seule des {arguments.lot} fichiers, en un processus : {lot_libyaml:.0f} ms)")
    if "rapport" in choix:
        rapports.append(mesure_rapport(7, env))
        print(ligne(rapports[-1]), flush=True)

    couts = couts_connus(repetitions, env)
    referentiel = cout_referentiel(env)
    print("\nOù passe le temps (médianes de processus entiers) :")
    for nom, valeur in couts.items():
        print(f"  {nom:50} {valeur:7.1f} ms")
    print(*plancher(couts))
    print("Référentiel :")
    for nom, valeur in referentiel.items():
        print(f"  {nom:50} {valeur:7.1f} ms")

    if arguments.resultats:
        texte = markdown(rapports, couts, referentiel, arguments.lot, lot_libyaml)
        arguments.resultats.write_text(texte + section_synthese(arguments.resultats), encoding="utf-8")
        print(f"\n{arguments.resultats} écrit")
    return 0 if all(r.atteint for r in rapports) else 1


if __name__ == "__main__":
    sys.exit(main())
