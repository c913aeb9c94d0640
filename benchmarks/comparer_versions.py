"""Le démarrage de ``diagnum valider`` d'ici, rapporté à celui d'une autre copie du dépôt (avant un changement).

Les deux copies sont lancées en alternance dans la même exécution, avec le même interpréteur et les
mêmes bibliothèques (le ``src/`` de chacune en tête de ``sys.path``) ; seule change la version de
diagnum. Deux rapports de médianes disent ce que le changement coûte au démarrage (1,00 : rien) :
la durée, comme ``mesurer.py``, et le temps de calcul (utilisateur et système), qui dépend moins de la
charge d'une machine partagée. Code 1 si les deux dépassent la cible.

Usage, depuis la racine du dépôt :

    git worktree add --detach /tmp/avant main      # la version de référence
    python benchmarks/comparer_versions.py --avant /tmp/avant
    git worktree remove /tmp/avant

Outils de ``benchmarks/mesurer.py`` (``medianes``, ``rapport``, ``Rapport``) et bibliothèque standard.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
from pathlib import Path

from mesurer import EXEMPLE, PYTHON, RACINE, Rapport, environnement, ligne, medianes, rapport, verifier


def commande(racine: Path, *arguments: str) -> list[str]:
    """``diagnum …`` pris dans ``racine/src`` (avant la copie installée)."""
    code = f"import sys; sys.path.insert(0, {str(racine / 'src')!r}); from diagnum.cli import main; sys.exit(main())"
    return [PYTHON, "-c", code, *arguments]


def temps_calcul(commande: list[str], env: dict[str, str]) -> float:
    """Le temps de calcul (utilisateur et système, secondes) d'un processus entier : sur une machine
    partagée, il dépend moins de la charge que la durée."""
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=RACINE, check=False)
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (apres.ru_utime - avant.ru_utime) + (apres.ru_stime - avant.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--avant", type=Path, required=True, help="racine de la copie de référence")
    parser.add_argument("--repetitions", type=int, default=21, help="tours par mesure (au moins 7)")
    parser.add_argument("--cible", type=float, default=1.02, help="rapport au plus permis")
    arguments = parser.parse_args()
    if not (arguments.avant / "src" / "diagnum" / "__init__.py").is_file():
        sys.exit(f"{arguments.avant} n'est pas une copie du dépôt de diagnum (src/diagnum/ manque)")
    env = environnement()
    commandes = {
        "valider (ici)": commande(RACINE, "valider", str(EXEMPLE)),
        "valider (avant)": commande(arguments.avant.resolve(), "valider", str(EXEMPLE)),
    }
    for c in commandes.values():
        verifier(c, env)
    repetitions = max(7, arguments.repetitions)
    duree = rapport("valider ici / avant (durée)", arguments.cible, commandes, repetitions, env)
    print(ligne(duree), flush=True)
    m = medianes(commandes, repetitions, env, mesure=temps_calcul)
    calcul = Rapport(
        "valider ici / avant (temps de calcul)", *commandes, arguments.cible, tuple(m.values()), repetitions
    )
    print(ligne(calcul))
    return 0 if duree.atteint or calcul.atteint else 1


if __name__ == "__main__":
    sys.exit(main())
