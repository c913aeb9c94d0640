"""Outils communs aux tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from diagnum import lecture_yaml

# En intégration continue (CI=true), hypothesis tire ses exemples d'une graine fixe : un passage de .ci/run
# sur un clone neuf se rejoue à l'identique. Ailleurs, chaque lancement explore de nouveaux exemples ; un
# échec trouvé ainsi se rejoue avec la graine que pytest affiche (--hypothesis-seed).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ANALYSEURS = ["libyaml", "pur"]


@pytest.fixture(params=ANALYSEURS)
def analyseur(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Fait tourner le test avec chacun des deux analyseurs YAML (libyaml, puis pur Python)."""
    if request.param == "libyaml":
        pytest.importorskip("_ruamel_yaml", reason="ruamel.yaml.clib n'est pas installé")
    monkeypatch.setattr(lecture_yaml, "_ANALYSEUR", request.param)
    return request.param
