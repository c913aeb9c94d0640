"""Outils communs aux tests."""

from __future__ import annotations

import pytest

from diagnum import lecture_yaml

ANALYSEURS = ["libyaml", "pur"]


@pytest.fixture(params=ANALYSEURS)
def analyseur(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Fait tourner le test avec chacun des deux analyseurs YAML (libyaml, puis pur Python)."""
    if request.param == "libyaml":
        pytest.importorskip("_ruamel_yaml", reason="ruamel.yaml.clib n'est pas installé")
    monkeypatch.setattr(lecture_yaml, "_ANALYSEUR", request.param)
    return request.param
