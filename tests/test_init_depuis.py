"""``diagnum init FICHIER --depuis PRECEDENTE.yaml`` : repartir de la campagne précédente."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from diagnum.calculs.comparaison import afficher_reponse
from diagnum.campagne.chargement import valider_fichier
from diagnum.cli import app
from outils_progression import APRES, AVANT, charger, copie_modifiee, items_de_nature

runner = CliRunner()


def init(*args: str):
    return runner.invoke(app, ["init", *map(str, args)])


def ligne_de(texte: str, cle: str) -> str:
    """La ligne du gabarit qui porte la clé ``cle`` (la première)."""
    return next(ligne for ligne in texte.splitlines() if ligne.strip().startswith(f"{cle}:"))


@pytest.fixture(scope="module")
def precedente():
    return charger(APRES)


@pytest.fixture
def gabarit(tmp_path):
    chemin = tmp_path / "2025-2026.yaml"
    resultat = init(chemin, "--depuis", APRES, "--campagne", "2025-2026")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert f"{chemin} : campagne créée" in resultat.stdout
    assert f"Reprise de {APRES}" in resultat.stdout
    return chemin


def test_le_gabarit_repris_est_valide_et_garde_etablissement_reference_objectifs(gabarit, precedente):
    ancienne, _ = precedente
    resultat = valider_fichier(gabarit)
    assert [d for d in resultat.diagnostics if d.est_erreur] == []
    nouvelle = resultat.campagne
    assert nouvelle.etablissement == ancienne.etablissement
    assert nouvelle.reference == ancienne.reference
    assert nouvelle.objectifs == ancienne.objectifs
    assert nouvelle.referentiel == ancienne.referentiel
    assert nouvelle.campagne == "2025-2026"
    assert nouvelle.date is None


def test_toutes_les_reponses_sont_vides(gabarit):
    nouvelle = valider_fichier(gabarit).campagne
    assert set(nouvelle.obligations.values()) == {None}
    for domaine, reponses in nouvelle.reponses.items():
        for item, valeur in reponses.items():
            if isinstance(valeur, dict):  # matrice : des cases, toutes vides
                assert all(v is None for cellules in valeur.values() for v in cellules.values()), (domaine, item)
            else:
                assert valeur is None, (domaine, item)


def test_la_reponse_precedente_est_rappelee_en_commentaire(gabarit, precedente):
    ancienne, referentiel = precedente
    texte = gabarit.read_text(encoding="utf-8")
    etiquette = ancienne.libelle
    for item in items_de_nature(referentiel, "affirmation")[:5] + items_de_nature(referentiel, "nombre")[:3]:
        valeur = ancienne.reponse(item.domaine, item.id)
        assert valeur is not None
        assert ligne_de(texte, item.id).strip() == f"{item.id}: # {etiquette} : {afficher_reponse(valeur)}"
    repartition = items_de_nature(referentiel, "repartition")[0]
    valeurs = ancienne.reponse(repartition.domaine, repartition.id)
    bloc = texte.split(f"{repartition.id}:", 1)[1]
    for modalite, effectif in valeurs.items():
        assert ligne_de(bloc, modalite).strip() == f"{modalite}: # {etiquette} : {effectif}"
    obligation = referentiel.obligations.items[0]
    assert ligne_de(texte, obligation.id).strip() == (
        f"{obligation.id}: # {etiquette} : {ancienne.obligations[obligation.id]}"
    )


def test_les_elements_de_reference_sont_signales_a_mettre_a_jour(gabarit, precedente):
    ancienne, referentiel = precedente
    texte = gabarit.read_text(encoding="utf-8")
    section = texte.split("\nreference:", 1)[1].split("\nobligations:", 1)[0]
    commentaires = " ".join(ligne.strip(" #") for ligne in section.splitlines() if ligne.strip().startswith("#"))
    assert commentaires.count(f"valeur de {ancienne.libelle}, à mettre à jour") == len(referentiel.reference.items)
    assert "les éléments de référence sont repris" in texte


def test_les_options_restent_prioritaires(tmp_path, precedente):
    ancienne, _ = precedente
    chemin = tmp_path / "n.yaml"
    resultat = init(chemin, "--depuis", APRES, "--etablissement", "Collège Lucie Aubrac", "--commune", "Lyon")
    assert resultat.exit_code == 0, resultat.output
    nouvelle = valider_fichier(chemin).campagne
    assert (nouvelle.etablissement.nom, nouvelle.etablissement.commune) == ("Collège Lucie Aubrac", "Lyon")
    assert nouvelle.etablissement.uai == ancienne.etablissement.uai


def test_une_campagne_precedente_en_erreur_est_refusee_avec_ses_constats(tmp_path):
    fautive = copie_modifiee(AVANT, tmp_path / "fautive.yaml", lambda d: d["reference"].__setitem__("eleves", -3))
    chemin = tmp_path / "n.yaml"
    resultat = init(chemin, "--depuis", fautive)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert re.search(rf"^{re.escape(str(fautive))}:\d+:\d+: \[erreur\] .*\(negatif\)$", resultat.stderr, re.M)
    assert "1 erreur ; corrigez-la d'abord" in resultat.stderr
    assert not chemin.exists()


def test_une_campagne_precedente_absente_empeche_de_travailler(tmp_path):
    resultat = init(tmp_path / "n.yaml", "--depuis", tmp_path / "absente.yaml")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "absente.yaml : fichier ou dossier introuvable" in resultat.stderr
    assert not (tmp_path / "n.yaml").exists()


def test_on_n_ecrit_jamais_par_dessus_la_campagne_precedente(tmp_path):
    precedente = tmp_path / "2024.yaml"
    precedente.write_bytes(APRES.read_bytes())
    for options in ([], ["--force"]):
        resultat = init(precedente, "--depuis", precedente, *options)
        assert resultat.exit_code == 1
        assert "est la campagne précédente elle-même" in resultat.stderr
    assert precedente.read_bytes() == APRES.read_bytes()


def test_un_fichier_existant_n_est_pas_remplace_sans_force(tmp_path):
    chemin = tmp_path / "n.yaml"
    chemin.write_text("à garder\n", encoding="utf-8")
    resultat = init(chemin, "--depuis", APRES)
    assert resultat.exit_code == 1
    assert "existe déjà" in resultat.stderr and "--force" in resultat.stderr
    assert chemin.read_text(encoding="utf-8") == "à garder\n"
    assert init(chemin, "--depuis", APRES, "--force").exit_code == 0
    assert valider_fichier(chemin).campagne.reference == charger(APRES)[0].reference


def test_une_autre_version_du_referentiel_est_refusee(tmp_path):
    resultat = init(tmp_path / "n.yaml", "--depuis", APRES, "--referentiel", "2099")
    assert resultat.exit_code == 1
    assert "n'est pas encore possible" in resultat.stderr
    assert not (tmp_path / "n.yaml").exists()


def test_un_nom_de_campagne_sur_deux_lignes_ne_casse_pas_le_gabarit(tmp_path):
    source = copie_modifiee(AVANT, tmp_path / "a.yaml", lambda d: d.__setitem__("campagne", "2023\n2024"))
    chemin = tmp_path / "n.yaml"
    assert init(chemin, "--depuis", source).exit_code == 0
    resultat = valider_fichier(chemin)
    assert not resultat.a_des_erreurs
    assert "# 2023 2024 : " in chemin.read_text(encoding="utf-8")


def test_sans_objectifs_le_gabarit_n_en_a_pas(tmp_path):
    source = copie_modifiee(AVANT, tmp_path / "a.yaml", lambda d: d.pop("objectifs"))
    chemin = tmp_path / "n.yaml"
    assert init(chemin, "--depuis", source).exit_code == 0
    resultat = valider_fichier(chemin)
    assert not resultat.a_des_erreurs
    assert resultat.campagne.objectifs == ()
