"""Les scripts de benchmarks/ tournent et mesurent bien ce qu'ils disent (sans rien chronométrer ici)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
BANC = RACINE / "benchmarks"
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"


def lancer(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *arguments], capture_output=True, text=True, cwd=RACINE, timeout=120)


def test_l_analyse_nue_charge_le_fichier_avec_le_chargeur_par_defaut():
    sortie = lancer(str(BANC / "analyse_nue.py"), str(EXEMPLE), str(EXEMPLE))
    assert sortie.returncode == 0, sortie.stderr
    from ruamel.yaml import YAML

    cles = len(YAML().load(EXEMPLE.read_text(encoding="utf-8")))
    assert sortie.stdout.strip() == str(2 * cles)


def test_l_analyse_libyaml_lit_tous_les_evenements():
    pytest.importorskip("_ruamel_yaml")
    sortie = lancer(str(BANC / "analyse_nue.py"), "--libyaml", str(EXEMPLE))
    assert sortie.returncode == 0, sortie.stderr
    from diagnum.lecture_yaml import evenements

    assert sortie.stdout.strip() == str(len(list(evenements(EXEMPLE.read_text(encoding="utf-8")))))


def test_l_application_typer_minimale_tourne():
    pytest.importorskip("_ruamel_yaml")
    sortie = lancer(str(BANC / "typer_minimal.py"), str(EXEMPLE))
    assert (sortie.returncode, sortie.stderr) == (0, "")


def test_le_compte_rendu_markdown_porte_chaque_rapport_et_sa_cible(monkeypatch):
    spec = importlib.util.spec_from_file_location("mesurer", BANC / "mesurer.py")
    mesurer = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "mesurer", mesurer)
    spec.loader.exec_module(mesurer)
    rapports = [
        mesurer.Rapport("valider / yamllint", "diagnum valider", "yamllint", 0.8, (0.090, 0.120), 11),
        mesurer.Rapport("valider / analyse nue", "diagnum valider", "analyse nue", 1.5, (0.090, 0.050), 11),
    ]
    couts = {"yamllint": 120.0, "analyse nue": 50.0, mesurer.TYPER_MINIMAL: 75.0}
    texte = mesurer.markdown(rapports, couts, {"avec le cache sur disque": 0.4}, 500, 400.0)
    assert "| valider / yamllint | diagnum valider : 90 ms | yamllint : 120 ms | **0.75** | ≤ 0.80 ✓ |" in texte
    assert "| **1.80** | ≤ 1.50 ✗ manquée |" in texte
    assert "prend 400 ms (information, sans cible)" in texte
    assert "prend 75 ms, soit 1.50 × l'analyse nue et 0.62 × yamllint" in texte


def test_la_mesure_de_communiquer_compare_la_meme_page():
    """La référence de ``mesurer_communiquer.py`` imprime la page même que ``communiquer`` écrit."""
    pytest.importorskip("weasyprint")
    import tempfile

    spec = importlib.util.spec_from_file_location("mesurer_communiquer", BANC / "mesurer_communiquer.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BANC))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BANC))
    with tempfile.TemporaryDirectory() as dossier:
        commandes = module.commandes(Path(dossier))
        mesure, reference = commandes.values()
        page = Path(dossier) / "communication-academie.html"
        assert page.is_file() and str(page) in reference
        assert "--pdf-variant" in reference and "pdf/ua-1" in reference
        assert mesure[mesure.index("--format") + 1] == "pdf" and "--public" in mesure
    assert module.CIBLE == 1.3


def _module(nom: str, monkeypatch):
    spec = importlib.util.spec_from_file_location(nom, BANC / f"{nom}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, nom, module)
    spec.loader.exec_module(module)
    return module


def test_la_mesure_des_sources_importe_le_rapport_de_grr_qu_elle_genere(monkeypatch, tmp_path):
    mesure = _module("mesurer_sources", monkeypatch)
    export = tmp_path / "grr.csv"
    export.write_bytes(mesure.generer(500))
    assert mesure.lecture_csv(export) == 501
    texte = mesure.import_diagnum(export, mesure.campagne(tmp_path), mesure.CORRESPONDANCE)
    assert texte.count("# estimé d'après le planning de réservation GRR (grr.csv)") == 3
    assert "Prénom" not in texte and "Nom1" not in texte
    # (temps de calcul, durée) de la lecture puis de l'import, à chaque tour
    tours = [((0.2, 0.25), (0.5, 0.6)), ((0.2, 0.25), (0.3, 0.4))]
    section = mesure.markdown(500, 1000, tours, [0.3], [0.9])
    assert "| temps de calcul dans un processus (médiane) | 200 ms | 400 ms | **2,00** | ≤ 2 : atteinte |" in section
    assert "| durée dans un processus (médiane) | 250 ms | 500 ms | 2,00 | (information) |" in section
    assert "| 300 ms | 900 ms | 3,00 | (information) |" in section
    resultats = tmp_path / "RESULTATS.md"
    resultats.write_text(
        "# Mesures\n\n<!-- debut: sources -->\nancien\n<!-- fin: sources -->\nla suite\n", encoding="utf-8"
    )
    mesure.remplacer_section(resultats, section)
    assert resultats.read_text(encoding="utf-8") == "# Mesures\n\n" + section + "la suite\n"


def test_comparer_versions_lance_les_deux_copies_et_rapporte_leurs_medianes(tmp_path):
    """Comparée à elle-même, la copie d'ici : deux commandes vérifiées, un rapport de médianes (sans cible
    de temps ici : ``--cible`` très haute, seul le compte rendu est vérifié)."""
    sortie = lancer(str(BANC / "comparer_versions.py"), "--avant", str(RACINE), "--repetitions", "7", "--cible", "1000")
    assert (sortie.returncode, sortie.stderr) == (0, "")
    lignes = sortie.stdout.splitlines()
    assert [ligne.split(" ms ")[0].split("  ")[0] for ligne in lignes] == [
        "valider ici / avant (durée)",
        "valider ici / avant (temps de calcul)",
    ]
    assert all(ligne.endswith("(cible ≤ 1000.00 : atteinte)") for ligne in lignes)
    # Une copie qui n'est pas diagnum : refusée avant toute mesure.
    echec = lancer(str(BANC / "comparer_versions.py"), "--avant", str(tmp_path))
    assert echec.returncode != 0 and "n'est pas une copie du dépôt de diagnum" in echec.stderr


def test_la_mesure_des_classeurs_prepare_huit_classeurs_et_garde_les_autres_sections(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BANC))
    spec = importlib.util.spec_from_file_location("mesurer_classeurs", BANC / "mesurer_classeurs.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "mesurer_classeurs", module)
    spec.loader.exec_module(module)
    neuve, classeurs = module.preparer(tmp_path, module.environnement())
    assert neuve.is_file() and len(classeurs) == 8 and all(c.stat().st_size > 0 for c in classeurs)
    assert {c.suffix for c in classeurs} == {".ods", ".xlsx"}
    resultats = tmp_path / "RESULTATS.md"
    resultats.write_text("# Mesures\n\n<!-- debut: synthese -->\nsynthèse\n<!-- fin: synthese -->\n", encoding="utf-8")
    rapport = module.Rapport("fusionner 8 classeurs / valider", "fusionner", "valider", 3.0, (0.3, 0.1), 7)
    module.ecrire_resultats(resultats, module.markdown([rapport]))
    module.ecrire_resultats(resultats, module.markdown([rapport]))
    texte = resultats.read_text(encoding="utf-8")
    assert texte.count("<!-- debut: classeurs -->") == 1 and "synthèse\n<!-- fin: synthese -->" in texte
    assert "| **3.00** | ≤ 3.00 ✓ |" in texte


def test_la_mesure_des_enquetes_lit_le_meme_export_des_deux_facons():
    sortie = lancer(str(BANC / "mesurer_enquetes.py"), "--reponses", "40", "--repetitions", "1")
    assert sortie.returncode == 0, sortie.stderr
    assert sortie.stdout.startswith("export XLSX de 40 réponses") and "rapport " in sortie.stdout
