"""Ce que chaque commande importe : ``diagnum valider`` doit démarrer vite.

On lance un vrai processus avec ``python -X importtime`` et on lit la liste des
modules importés (sur stderr) : c'est ce que paie chaque appel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"

# Lourds et inutiles pour vérifier une campagne : dessin, mise en page, et pydantic
# (Typer 0.29 le construit pour chaque paramètre, voir pyproject.toml).
INTERDITS_VALIDER = ("matplotlib", "jinja2", "pydantic", "PIL", "numpy")
# L'enregistrement des sous-commandes ne charge que Typer et les modules de la CLI.
INTERDITS_ENREGISTREMENT = (
    *INTERDITS_VALIDER,
    "rich",
    "ruamel",
    "diagnum.comparaison",
    "diagnum.scores",
    "diagnum.validation",
    "diagnum.graphiques",
    "diagnum.rapport",
)


def modules_importes(*arguments: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """Lance ``python -X importtime ARGUMENTS`` et renvoie les modules importés."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    env["NO_COLOR"] = "1"
    processus = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        capture_output=True,
        text=True,
        cwd=RACINE,
        env=env,
        timeout=120,
    )
    modules = set()
    for ligne in processus.stderr.splitlines():
        if ligne.startswith("import time:") and "|" in ligne:
            nom = ligne.rsplit("|", 1)[1].strip()
            if nom != "imported package":
                modules.add(nom)
    return modules, processus


def famille(modules: set[str], prefixe: str) -> list[str]:
    return sorted(m for m in modules if m == prefixe or m.startswith(prefixe + "."))


@pytest.mark.parametrize("format_", ["texte", "parsable", "json", "github"])
def test_valider_n_importe_ni_matplotlib_ni_jinja2(format_):
    modules, processus = modules_importes("-m", "diagnum", "valider", "--format", format_, str(EXEMPLE))
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert "diagnum.validation" in modules and "ruamel.yaml" in modules  # la mesure a bien vu la validation
    for interdit in INTERDITS_VALIDER:
        assert famille(modules, interdit) == [], f"valider importe {interdit}"


def test_enregistrer_les_commandes_reste_leger():
    modules, processus = modules_importes("-c", "import diagnum.cli")
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert "typer" in modules and "diagnum.cli.compare" in modules
    for interdit in INTERDITS_ENREGISTREMENT:
        assert famille(modules, interdit) == [], f"l'enregistrement des commandes importe {interdit}"


def test_rapport_importe_bien_ce_qu_il_dessine(tmp_path):
    """Garde-fou de la mesure : la même lecture voit matplotlib quand on dessine."""
    modules, processus = modules_importes("-m", "diagnum", "radar", str(EXEMPLE), "-o", str(tmp_path / "radar.png"))
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert famille(modules, "matplotlib")
