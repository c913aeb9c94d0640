"""``diagnum score --format json`` : version de format, schéma JSON livré à jour, sortie réelle conforme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.sorties.schema_score import VERSION_FORMAT_SCORE, construire_schema_score, texte_schema_score
from test_schema import check_jsonschema, erreurs_par_fichier

RACINE = Path(__file__).resolve().parents[1]
LIVRE = RACINE / "docs" / "score.schema.json"
FIXTURES = Path(__file__).parent / "fixtures"
BONS = FIXTURES / "territoire" / "bons"
runner = CliRunner()

# Des campagnes complètes, partielles (domaines sans score, chiffres provisoires, couvertures, incalculables,
# matrice) et un établissement du territoire de test.
CAMPAGNES = [
    *sorted((RACINE / "exemples").glob("*.yaml")),
    *sorted((FIXTURES / "scores").glob("*.yaml")),
    BONS / "etablissement-07.yaml",
]


def test_le_schema_livre_est_a_jour():
    assert LIVRE.is_file(), "schéma absent : diagnum schema --score -o docs/score.schema.json"
    assert LIVRE.read_text(encoding="utf-8") == texte_schema_score(), (
        "docs/score.schema.json est périmé : diagnum schema --score -o docs/score.schema.json --force"
    )


def test_diagnum_schema_score_ecrit_le_schema_livre(tmp_path):
    resultat = runner.invoke(app, ["schema", "--score"])
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert resultat.stdout == LIVRE.read_text(encoding="utf-8")
    sortie = tmp_path / "score.schema.json"
    resultat = runner.invoke(app, ["schema", "--score", "-o", str(sortie)])
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert resultat.stdout == f"{sortie} : schéma du format {VERSION_FORMAT_SCORE} de diagnum score écrit.\n"
    assert sortie.read_text(encoding="utf-8") == LIVRE.read_text(encoding="utf-8")


def test_le_schema_est_un_draft_07_valide():
    from jsonschema import Draft7Validator

    Draft7Validator.check_schema(construire_schema_score())


def _score_json(campagne: Path, *options: str) -> dict:
    resultat = runner.invoke(app, ["score", str(campagne), "--format", "json", *options])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    return json.loads(resultat.stdout)


@pytest.fixture(scope="module")
def sorties(tmp_path_factory) -> list[Path]:
    """La sortie réelle de ``diagnum score --format json`` pour chaque campagne, et une avec --repere."""
    dossier = tmp_path_factory.mktemp("score-json")
    synthese = dossier / "synthese"
    resultat = runner.invoke(app, ["synthese", str(BONS), "-o", str(synthese)])
    assert resultat.exit_code == 0, resultat.output
    chemins = []
    for i, campagne in enumerate(CAMPAGNES):
        chemin = dossier / f"{i:02d}-{campagne.stem}.json"
        chemin.write_text(json.dumps(_score_json(campagne), ensure_ascii=False), encoding="utf-8")
        chemins.append(chemin)
    avec_repere = dossier / "avec-repere.json"
    document = _score_json(BONS / "etablissement-07.yaml", "--repere", str(synthese / "repere.json"))
    assert "repere" in document
    avec_repere.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return [*chemins, avec_repere]


def test_la_sortie_reelle_respecte_le_schema_livre(sorties):
    processus = check_jsonschema(LIVRE, *sorties)
    assert processus.returncode == 0, processus.stdout + processus.stderr
    assert json.loads(processus.stdout) == {"status": "ok", "errors": []}
    documents = [json.loads(chemin.read_text(encoding="utf-8")) for chemin in sorties]
    assert all(document["version_format"] == VERSION_FORMAT_SCORE for document in documents)
    # les cas que le schéma doit couvrir sont bien là
    domaines = [d for document in documents for d in document["domaines"]]
    assert any(d["score"] is None for d in domaines) and any(d["provisoire"] for d in domaines)
    assert any(d["couvertures"] for d in domaines) and any(d["incalculables"] for d in domaines)


def test_le_schema_refuse_une_cle_inconnue_une_autre_version_ou_une_completude_en_pourcentage(sorties, tmp_path):
    document = json.loads(sorties[0].read_text(encoding="utf-8"))
    fautifs = {
        "cle.json": {**document, "nouvelle": 1},
        "version.json": {**document, "version_format": VERSION_FORMAT_SCORE + 1},
        "pourcentage.json": {**document, "domaines": [{**document["domaines"][0], "completude": 85.7}]},
        "sans-version.json": {k: v for k, v in document.items() if k != "version_format"},
    }
    for nom, contenu in fautifs.items():
        (tmp_path / nom).write_text(json.dumps(contenu), encoding="utf-8")
    processus = check_jsonschema(LIVRE, *(tmp_path / nom for nom in fautifs))
    assert processus.returncode == 1
    assert set(erreurs_par_fichier(processus)) == set(fautifs)


def test_la_completude_est_une_part_de_0_a_1_partout(sorties):
    """JSON, CSV de score et scores.csv de synthese : la même complétude, de 0 à 1 (4 décimales)."""
    import csv
    import io

    from diagnum.affichage import nombre_fr

    def completudes(campagne: Path) -> tuple[dict, dict[str, str]]:
        document = _score_json(campagne)
        return document, {d["id"]: nombre_fr(d["completude"], 4) for d in document["domaines"]}

    partielle = FIXTURES / "scores" / "regle1-couverture.yaml"
    document, attendu = completudes(partielle)
    assert any(0 < d["completude"] < 1 for d in document["domaines"])
    octets = runner.invoke(app, ["score", str(partielle), "--format", "csv"]).stdout_bytes
    lignes = list(csv.DictReader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {ligne["identifiant"]: ligne["complétude (0 à 1)"] for ligne in lignes} == attendu

    document, attendu = completudes(BONS / "etablissement-07.yaml")
    assert "1" in attendu.values()
    scores = sorties[0].parent / "synthese" / "scores.csv"
    lignes = list(csv.DictReader(io.StringIO(scores.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    uai = document["etablissement"]["uai"]
    assert {ligne["domaine"]: ligne["completude"] for ligne in lignes if ligne["uai"] == uai} == attendu
