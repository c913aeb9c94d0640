"""benchmarks/generer_territoire.py : des campagnes valides, variées, les mêmes pour la même graine (rien n'est chronométré)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.lot import valider_lot

BANC = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def generateur(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("generer_territoire", BANC / "generer_territoire.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generer_territoire"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["generer_territoire"]


def test_fichiers_valides_varies_et_reproductibles(generateur, tmp_path):
    chemins = generateur.generer(tmp_path / "a", 25, graine=7, campagnes=("2023-2024", "2024-2025"))
    assert len(chemins) == 50
    verdicts = valider_lot(chemins, processus=1)
    assert [v.chemin for v in verdicts if v.illisible or any(d.est_erreur for d in v.constats)] == []
    profils = [calculer_profil(*charger_campagne(c)) for c in chemins]
    for i in range(len(profils[0].domaines)):
        scores = {p.domaines[i].score for p in profils}
        assert len(scores) >= 6, profils[0].domaines[i].id  # des établissements différents
    assert len({p.etablissement.uai for p in profils}) == 25
    assert {p.campagne for p in profils} == {"2023-2024", "2024-2025"}
    completudes = {round(sum(d.repondus for d in p.domaines) / sum(d.attendus for d in p.domaines), 2) for p in profils}
    assert len(completudes) > 3 and min(completudes) < 1  # des questionnaires plus ou moins complets
    autres = generateur.generer(tmp_path / "b", 25, graine=7, campagnes=("2023-2024", "2024-2025"))
    assert [c.read_bytes() for c in chemins] == [c.read_bytes() for c in autres]
    differents = generateur.generer(tmp_path / "c", 25, graine=8, campagnes=("2023-2024", "2024-2025"))
    assert [c.read_bytes() for c in chemins] != [c.read_bytes() for c in differents]


def test_la_section_synthese_de_resultats_remplace_la_precedente(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mesurer_synthese", BANC / "mesurer_synthese.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "mesurer_synthese", module)
    spec.loader.exec_module(module)
    mesures = module.Mesures(
        10_000, 41_600_000, 2026, 3, 2,
        {"valider": [10.0, 12.0, 11.0], "synthese": [15.0, 16.5, 17.0]},
        {"valider": [18.0, 19.0, 20.0], "synthese": [29.0, 30.0, 31.0]},
        200 * 2**20, 120 * 2**20, 220 * 2**20, 140_000_000, 77_000_000,
    )  # fmt: skip
    # Durée dans la cible, mais temps de calcul au-delà (30 / 19) : une machine chargée a pu aider.
    assert mesures.rapport == 1.5 and not mesures.atteint
    assert (
        "| durée (médiane) | 11,00 s | 16,50 s | **1,50** | ≤ 1,5 : atteinte en durée, pas en temps de calcul "
        "(1,58) : non sûre |" in mesures.markdown()
    )
    mesures.calcul["synthese"] = [27.0, 28.5, 29.0]
    assert mesures.atteint
    bloc = mesures.markdown()
    assert "| durée (médiane) | 11,00 s | 16,50 s | **1,50** | ≤ 1,5 : atteinte |" in bloc
    assert "| pic de mémoire, somme des processus | 120 Mio | 200 Mio | | ≤ 1 Gio : atteinte |" in bloc
    resultats = tmp_path / "RESULTATS.md"
    resultats.write_text("# Mesures\n\navant\n", encoding="utf-8")
    module.ecrire_resultats(resultats, bloc)
    module.ecrire_resultats(resultats, bloc.replace("11,00 s", "12,00 s"))
    texte = resultats.read_text(encoding="utf-8")
    assert texte.startswith("# Mesures\n\navant\n\n<!-- debut: synthese -->")
    assert texte.count("<!-- debut: synthese -->") == 1 and "12,00 s" in texte and "11,00 s" not in texte
