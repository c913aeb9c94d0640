"""Ce qu'écrit ``init`` passe toujours ``valider`` et relit chaque valeur exactement (issue 15, point 8).

Reproducteurs : un caractère de contrôle dans le libellé de la campagne précédente était copié tel
quel dans un commentaire (le fichier écrit était refusé : « caractère de contrôle interdit ») ; un
NEL (U+0085) dans ``--etablissement`` revenait comme une espace.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_fichier, valider_texte
from diagnum.campagne.gabarit import construire_gabarit
from diagnum.cli import app
from diagnum.referentiel import charger_referentiel
from outils_progression import APRES, copie_modifiee
from strategies_hostiles import en_yaml, texte_hostile

runner = CliRunner()
REGLAGES = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def relire(texte: str):
    resultat = valider_texte(texte.encode("utf-8"))
    assert not [d for d in resultat.diagnostics if d.est_erreur], resultat.diagnostics
    return resultat.campagne


@settings(max_examples=300, **REGLAGES)
@given(nom=texte_hostile, commune=texte_hostile, libelle=texte_hostile)
def test_le_gabarit_relit_chaque_texte_exactement(nom, commune, libelle):
    texte = construire_gabarit(charger_referentiel(), etablissement=nom, commune=commune, campagne=libelle)
    campagne = relire(texte)
    assert (campagne.etablissement.nom, campagne.etablissement.commune, campagne.campagne) == (nom, commune, libelle)


def test_nel_dans_etablissement(tmp_path):
    """Reproducteur : « Coll\\x85ège » revenait « Coll ège »."""
    fichier = tmp_path / "2025.yaml"
    nom = "Coll\x85ège\u2028Jean\x1b[2J Moulin "
    resultat = runner.invoke(app, ["init", str(fichier), "--etablissement", nom, "--commune", "\tParis"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    relue = valider_fichier(fichier)
    assert not relue.a_des_erreurs, relue.diagnostics
    assert relue.campagne.etablissement.nom == nom
    assert relue.campagne.etablissement.commune == "\tParis"


@pytest.mark.parametrize("options", [[], ["--reprendre"]], ids=["depuis", "depuis-reprendre"])
@settings(max_examples=10, **REGLAGES)
@given(libelle=texte_hostile, nom=texte_hostile, action=texte_hostile)
def test_init_depuis_une_campagne_aux_textes_hostiles(tmp_path_factory, options, libelle, nom, action):
    """Reproducteur : le libellé de la campagne précédente, copié tel quel dans un commentaire."""
    dossier = tmp_path_factory.mktemp("depuis")

    def pieger(donnees) -> None:
        donnees["campagne"] = libelle
        donnees["etablissement"]["nom"] = nom
        for objectif in donnees.get("objectifs") or []:
            for a in objectif.get("actions") or []:
                a["libelle"] = action
                a["responsable"] = action

    precedente = copie_modifiee(APRES, dossier / "precedente.yaml", pieger)
    lue = valider_fichier(precedente)
    assert not lue.a_des_erreurs, lue.diagnostics
    nouvelle = dossier / "nouvelle.yaml"
    resultat = runner.invoke(app, ["init", str(nouvelle), "--depuis", str(precedente), *options])
    assert resultat.exit_code == 0, resultat.output
    assert "\x1b" not in resultat.stdout
    relue = valider_fichier(nouvelle)
    assert not relue.a_des_erreurs, relue.diagnostics
    assert relue.campagne.etablissement.nom == lue.campagne.etablissement.nom
    # Les actions reprises (celles qui ne sont ni réalisées ni abandonnées) relisent leurs textes exactement.
    reprises = {(a.libelle, a.responsable) for o in relue.campagne.objectifs for a in o.actions}
    assert reprises and reprises <= {(a.libelle, a.responsable) for o in lue.campagne.objectifs for a in o.actions}


def test_controle_dans_le_libelle_precedent(tmp_path):
    precedente = tmp_path / "precedente.yaml"
    texte = APRES.read_text(encoding="utf-8")
    libelle = "campagne: " + en_yaml("2024\a-\x1b[2J")
    precedente.write_text(
        "\n".join(libelle if ligne.startswith("campagne:") else ligne for ligne in texte.splitlines()) + "\n",
        encoding="utf-8",
    )
    assert not valider_fichier(precedente).a_des_erreurs
    nouvelle = tmp_path / "nouvelle.yaml"
    resultat = runner.invoke(app, ["init", str(nouvelle), "--depuis", str(precedente)])
    assert resultat.exit_code == 0, resultat.output
    ecrit = nouvelle.read_text(encoding="utf-8")
    assert "\a" not in ecrit and "\x1b" not in ecrit
    assert "Préparée à partir de la campagne 2024\\x07-\\x1b[2J" in ecrit
    assert not valider_fichier(nouvelle).a_des_erreurs


def test_init_refuse_un_texte_trop_long(tmp_path):
    fichier = tmp_path / "2025.yaml"
    resultat = runner.invoke(app, ["init", str(fichier), "--etablissement", "é" * 301])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert (
        resultat.stderr
        == "diagnum : --etablissement : texte trop long (301 caractères, au plus 300) ; rien n'a été écrit\n"
    )
    assert not fichier.exists()
