"""Le schéma JSON des campagnes : fidèle au référentiel, livré à jour, compris par un validateur standard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.campagne.schema import META_SCHEMA, MOTIF_DATE, construire_schema, texte_schema, uri_schema
from diagnum.cli import app
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, charger_referentiel, versions_disponibles

RACINE = Path(__file__).resolve().parents[1]
LIVRES = RACINE / "referentiel"
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
VALIDES = sorted((RACINE / "tests" / "fixtures" / "valides").glob("*.yaml"))
INVALIDES = RACINE / "tests" / "fixtures" / "invalides"

runner = CliRunner()


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel()


@pytest.fixture(scope="module")
def schema(referentiel):
    return construire_schema(referentiel)


def check_jsonschema(schema: Path | str, *fichiers: Path) -> subprocess.CompletedProcess:
    """Le validateur standard, tel qu'un utilisateur ou une CI le lance."""
    programme = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    assert programme, "check-jsonschema introuvable : pip install -e '.[test]'"
    return subprocess.run(
        [programme, "--output-format", "json", "--schemafile", str(schema), *map(str, fichiers)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def erreurs_par_fichier(processus: subprocess.CompletedProcess) -> dict[str, list[str]]:
    document = json.loads(processus.stdout)
    assert document["parse_errors"] == []
    erreurs: dict[str, list[str]] = {}
    for erreur in document["errors"]:
        erreurs.setdefault(Path(erreur["filename"]).name, []).append(f"{erreur['path']}: {erreur['message']}")
    return erreurs


def nouvelle_campagne(dossier: Path) -> Path:
    chemin = dossier / "campagne.yaml"
    resultat = runner.invoke(app, ["init", str(chemin)])
    assert resultat.exit_code == 0, resultat.output
    return chemin


# --------------------------------------------------------------------------
# Le fichier livré est à jour


@pytest.mark.parametrize("version", sorted(p.name.removesuffix(".yaml") for p in LIVRES.glob("*.yaml")))
def test_le_schema_livre_est_a_jour(version):
    livre = LIVRES / f"{version}.schema.json"
    attendu = texte_schema(charger_referentiel(version))
    assert livre.is_file(), f"schéma absent : diagnum schema --referentiel {version} -o {livre}"
    assert livre.read_text(encoding="utf-8") == attendu, (
        f"{livre} est périmé : diagnum schema --referentiel {version} -o referentiel/{version}.schema.json --force"
    )


def test_chaque_version_disponible_a_son_schema():
    for version in versions_disponibles():
        assert uri_schema(version) is not None, version


# --------------------------------------------------------------------------
# Fidèle au référentiel


def test_schema_draft_07_valide(schema):
    from jsonschema import Draft7Validator

    assert schema["$schema"] == META_SCHEMA
    Draft7Validator.check_schema(schema)


def _objets(noeud: object, chemin: str = "$"):
    """Chaque sous-schéma qui déclare des propriétés, avec son chemin."""
    if isinstance(noeud, dict):
        if "properties" in noeud:
            yield chemin, noeud
        for cle, valeur in noeud.items():
            yield from _objets(valeur, f"{chemin}.{cle}")
    elif isinstance(noeud, list):
        for i, valeur in enumerate(noeud):
            yield from _objets(valeur, f"{chemin}[{i}]")


def test_aucune_cle_inconnue_nulle_part(schema):
    objets = list(_objets(schema))
    assert len(objets) > 20
    for chemin, objet in objets:
        assert objet.get("additionalProperties") is False, chemin


def _accepte_null(propriete: dict) -> bool:
    return None in propriete.get("enum", [None]) and ("null" in propriete.get("type", ["null"]))


def _verifier_item(item, propriete: dict) -> None:
    assert " ".join(item.libelle.rstrip(" :").split()) in propriete["description"], item.id
    assert f"`{item.id}`" in propriete["markdownDescription"], item.id
    if item.nature == "affirmation":
        permis = [OUI, NON, SANS_OBJET] if item.sans_objet else [OUI, NON]
        assert propriete["enum"] == [*permis, None], item.id
    elif item.nature == "nombre":
        assert (propriete["type"], propriete["minimum"]) == (["integer", "null"], 0), item.id
    elif item.nature == "proportion":
        assert (propriete["minimum"], propriete["maximum"]) == (0, 100), item.id
        assert "null" in propriete["type"]
    elif item.nature == "repartition":
        assert list(propriete["properties"]) == list(MODALITES), item.id
        for modalite in propriete["properties"].values():
            assert (modalite["type"], modalite["minimum"]) == (["integer", "null"], 0), item.id
    else:
        assert list(propriete["properties"]) == [ligne.id for ligne in item.lignes], item.id
        for ligne in propriete["properties"].values():
            detail, toute_la_ligne = ligne["anyOf"]
            assert list(detail["properties"]) == [c.id for c in item.colonnes], item.id
            assert toute_la_ligne["enum"] == [OUI, NON, SANS_OBJET, None]
    assert _accepte_null(propriete), item.id


def test_chaque_item_du_referentiel_est_decrit(referentiel, schema):
    proprietes = schema["properties"]
    assert list(proprietes["reference"]["properties"]) == [i.id for i in referentiel.reference.items]
    assert list(proprietes["obligations"]["properties"]) == [i.id for i in referentiel.obligations.items]
    assert list(proprietes["reponses"]["properties"]) == [d.id for d in referentiel.domaines]
    vus = 0
    for partie in ("reference", "obligations"):
        for item in getattr(referentiel, partie).items:
            _verifier_item(item, proprietes[partie]["properties"][item.id])
            vus += 1
    for domaine in referentiel.domaines:
        domaine_schema = proprietes["reponses"]["properties"][domaine.id]
        assert domaine.titre in domaine_schema["description"]
        assert list(domaine_schema["properties"]) == [i.id for i in domaine.items]
        for item in domaine.items:
            _verifier_item(item, domaine_schema["properties"][item.id])
            vus += 1
    assert vus == len(referentiel.par_id)


def test_objectifs_et_version(referentiel, schema):
    proprietes = schema["properties"]
    assert referentiel.version in proprietes["referentiel"]["enum"]
    objectif = proprietes["objectifs"]["items"]
    assert objectif["properties"]["domaine"]["enum"] == [d.id for d in referentiel.domaines]
    assert objectif["required"] == ["domaine", "cible"]
    for propriete in (proprietes["date"], objectif["properties"]["echeance"]):
        assert propriete["pattern"] == MOTIF_DATE


def test_le_texte_est_stable(referentiel):
    assert texte_schema(referentiel) == texte_schema(referentiel)
    assert texte_schema(referentiel).endswith("}\n")
    assert "\\u00e9" not in texte_schema(referentiel)  # accents écrits tels quels


# --------------------------------------------------------------------------
# Un validateur standard (check-jsonschema) comme le lancerait une CI


def test_check_jsonschema_accepte_les_exemples_et_une_campagne_neuve(tmp_path):
    neuve = nouvelle_campagne(tmp_path)
    processus = check_jsonschema(LIVRES / "2011.schema.json", *EXEMPLES, neuve, *VALIDES)
    assert processus.returncode == 0, processus.stdout + processus.stderr
    assert json.loads(processus.stdout)["status"] == "ok"


def test_check_jsonschema_refuse_un_effectif_negatif(tmp_path, referentiel):
    neuve = nouvelle_campagne(tmp_path)
    premier = referentiel.reference.items[0].id
    texte = neuve.read_text(encoding="utf-8")
    assert f"\n  {premier}:\n" in texte
    neuve.write_text(texte.replace(f"\n  {premier}:\n", f"\n  {premier}: -3\n"), encoding="utf-8")
    processus = check_jsonschema(LIVRES / "2011.schema.json", neuve)
    assert processus.returncode == 1
    assert erreurs_par_fichier(processus) == {
        "campagne.yaml": [f"$.reference.{premier}: -3 is less than the minimum of 0"]
    }


def test_check_jsonschema_refuse_les_fautes_de_forme():
    # Fautes que le schéma peut voir seul (celles qui croisent deux réponses restent à valider).
    fautes = [
        "negatif",
        "cle-inconnue",
        "affirmation",
        "hors-bornes",
        "statut-inconnu",
        "uai-format",
        "domaine-inconnu",
        "date-impossible",
    ]
    fichiers = [INVALIDES / f"{nom}.yaml" for nom in fautes]
    processus = check_jsonschema(LIVRES / "2011.schema.json", *fichiers)
    assert processus.returncode == 1
    assert sorted(erreurs_par_fichier(processus)) == sorted(f.name for f in fichiers)


DATES = [
    *(
        f"{a}-{m}-{j}"
        for a in ("2023", "2024", "1900", "2000")
        for m in ("2", "02", "4", "12", "13", "00")
        for j in ("1", "01", "28", "29", "30", "31", "32", "00", "45")
    ),
    "2025-13-45",
    "0000-01-01",
]


def test_le_schema_et_valider_s_accordent_sur_chaque_date(analyseur):
    """Une date que valider refuse (« 2025-13-45 », un 29 février hors année bissextile) l'est aussi par le schéma."""
    import re

    from diagnum.campagne.chargement import valider_texte

    motif = re.compile(MOTIF_DATE)
    for date in DATES:
        for ecrite in (date, f'"{date}"'):
            texte = f'referentiel: "2011"\ndate: {ecrite}\n'.encode()
            constats = valider_texte(texte, "date.yaml").diagnostics
            refusee = any(d.ligne == 2 and d.est_erreur for d in constats)
            assert refusee is (motif.match(date) is None), (ecrite, [d.message for d in constats])


def test_l_editeur_trouve_le_schema_par_la_premiere_ligne(tmp_path, referentiel):
    neuve = nouvelle_campagne(tmp_path)
    premiere = neuve.read_text(encoding="utf-8").splitlines()[0]
    assert premiere == f"# yaml-language-server: $schema={uri_schema(referentiel.version)}"
    uri = premiere.split("$schema=", 1)[1]
    assert uri.startswith("file:///")  # absolue : la campagne peut changer de dossier
    from urllib.parse import unquote, urlparse

    chemin = Path(unquote(urlparse(uri).path))
    assert chemin.read_text(encoding="utf-8") == texte_schema(referentiel)
    processus = check_jsonschema(uri, neuve)  # check-jsonschema lit aussi les URI file://
    assert processus.returncode == 0, processus.stdout + processus.stderr


def test_sans_schema_livre_pas_de_premiere_ligne(tmp_path, monkeypatch, referentiel):
    dossier = tmp_path / "referentiels"
    dossier.mkdir()
    shutil.copy(LIVRES / f"{referentiel.version}.yaml", dossier)
    monkeypatch.setenv("DIAGNUM_REFERENTIELS", str(dossier))
    assert uri_schema(referentiel.version) is None
    texte = nouvelle_campagne(tmp_path).read_text(encoding="utf-8")
    assert texte.startswith("# Campagne de diagnostic")
    assert "yaml-language-server" not in texte


# --------------------------------------------------------------------------
# diagnum schema


def test_diagnum_schema_a_l_ecran(referentiel):
    resultat = runner.invoke(app, ["schema"])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    assert resultat.stdout == texte_schema(referentiel)


def test_diagnum_schema_dans_un_fichier_sans_ecraser(tmp_path, referentiel):
    sortie = tmp_path / "campagne.schema.json"
    premier = runner.invoke(app, ["schema", "--referentiel", referentiel.version, "-o", str(sortie)])
    assert premier.exit_code == 0
    assert (premier.stdout, premier.stderr) == (f"{sortie} : schéma du référentiel {referentiel.version} écrit.\n", "")
    assert sortie.read_text(encoding="utf-8") == texte_schema(referentiel)

    sortie.write_text("ancien\n", encoding="utf-8")
    refus = runner.invoke(app, ["schema", "-o", str(sortie)])
    assert refus.exit_code == 1
    assert refus.stdout == ""
    assert "existe déjà" in refus.stderr and "--force" in refus.stderr
    assert sortie.read_text(encoding="utf-8") == "ancien\n"

    force = runner.invoke(app, ["schema", "-o", str(sortie), "--force"])
    assert force.exit_code == 0
    assert sortie.read_text(encoding="utf-8") == texte_schema(referentiel)


def test_diagnum_schema_version_inconnue():
    resultat = runner.invoke(app, ["schema", "--referentiel", "1999"])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr.startswith("diagnum : référentiel « 1999 » inconnu")
