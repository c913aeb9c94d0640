"""Le démarrage de ``diagnum valider`` d'ici, rapporté à celui d'une autre copie du dépôt (avant un changement).

Les deux copies sont lancées en alternance dans la même exécution, avec le même interpréteur et les
mêmes bibliothèques (``PYTHONPATH`` désigne le ``src/`` de chacune) ; seule change la version de
diagnum. Le rapport des médianes dit ce que le changement coûte au démarrage (1,00 : rien).

Usage, depuis la racine du dépôt :

    git worktree add --detach /tmp/avant main      # la version de référence
    python benchmarks/comparer_versions.py --avant /tmp/avant
    git worktree remove /tmp/avant

Outils de ``benchmarks/mesurer.py`` seulement.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mesurer import EXEMPLE, PYTHON, RACINE, environnement, ligne, rapport, verifier


def commande(racine: Path, *arguments: str) -> list[str]:
    """``diagnum …`` pris dans ``racine/src`` (avant la copie installée)."""
    code = f"import sys; sys.path.insert(0, {str(racine / 'src')!r}); from diagnum.cli import main; sys.exit(main())"
    return [PYTHON, "-c", code, *arguments]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--avant", type=Path, required=True, help="racine de la copie de référence")
    parser.add_argument("--repetitions", type=int, default=21, help="tours par mesure (au moins 7)")
    parser.add_argument("--cible", type=float, default=1.02, help="rapport au plus permis")
    arguments = parser.parse_args()
    env = environnement()
    commandes = {
        "valider (ici)": commande(RACINE, "valider", str(EXEMPLE)),
        "valider (avant)": commande(arguments.avant.resolve(), "valider", str(EXEMPLE)),
    }
    for c in commandes.values():
        verifier(c, env)
    r = rapport("valider ici / avant", arguments.cible, commandes, max(7, arguments.repetitions), env)
    print(ligne(r))
    return 0 if r.atteint else 1


if __name__ == "__main__":
    sys.exit(main())
