"""``diagnum evolution A B C…`` : tableau par domaine, JSON, ordre des campagnes, refus."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from diagnum.affichage import score_fr
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.validation import lettre_uai
from diagnum.cli import app
from outils_progression import APRES, AVANT, PLUS_ANCIENNE, charger, copie_modifiee, verifier_images

runner = CliRunner()
CHRONOLOGIE = (PLUS_ANCIENNE, AVANT, APRES)


def evolution(*args: object):
    return runner.invoke(app, ["evolution", *map(str, args)])


def evolution_json(*args: object) -> dict:
    resultat = evolution(*args, "--format", "json")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    return json.loads(resultat.stdout)


@pytest.fixture(scope="module")
def profils():
    referentiel = charger(AVANT)[1]
    return [calculer_profil(charger(chemin)[0], referentiel) for chemin in CHRONOLOGIE]


def test_les_campagnes_sont_rangees_par_date(profils):
    document = evolution_json(APRES, PLUS_ANCIENNE, AVANT)
    assert document["ordre"] == "date"
    assert [c["fichier"] for c in document["campagnes"]] == [str(c) for c in CHRONOLOGIE]
    assert [c["campagne"] for c in document["campagnes"]] == [p.campagne for p in profils]
    assert [c["date"] for c in document["campagnes"]] == [p.date.isoformat() for p in profils]


def test_chaque_serie_reprend_les_scores_et_l_ecart_de_bout_en_bout(profils):
    document = evolution_json(*CHRONOLOGIE)
    assert [d["id"] for d in document["domaines"]] == [d.id for d in profils[0].domaines]
    for i, entree in enumerate(document["domaines"]):
        scores = [p.domaines[i].score for p in profils]
        assert entree["scores"] == scores
        assert entree["delta"] == pytest.approx(scores[-1] - scores[0], abs=0.05)
        if profils[0].domaines[i].nature == "usage":
            assert entree["moyens"] == [p.domaines[i].moyens for p in profils]
        else:
            assert entree["moyens"] is None


def test_sans_date_l_ordre_donne_est_garde(tmp_path):
    sans_date = copie_modifiee(AVANT, tmp_path / "sans-date.yaml", lambda d: d.__setitem__("date", None))
    document = evolution_json(APRES, sans_date, PLUS_ANCIENNE)
    assert document["ordre"] == "donne"
    assert [c["fichier"] for c in document["campagnes"]] == [str(APRES), str(sans_date), str(PLUS_ANCIENNE)]
    resultat = evolution(APRES, sans_date, PLUS_ANCIENNE)
    assert resultat.exit_code == 0
    assert "ordre donné" in resultat.stdout


def test_le_texte_donne_un_tableau_par_domaine(profils):
    resultat = evolution(*CHRONOLOGIE)
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    sortie = resultat.stdout
    assert f"sur {len(CHRONOLOGIE)} campagnes" in sortie and "rangées par date" in sortie
    entete = next(ligne for ligne in sortie.splitlines() if ligne.startswith("Domaine"))
    assert entete.split() == ["Domaine", *(p.campagne for p in profils), "Évolution"]
    for i, domaine in enumerate(profils[0].domaines):
        premier, dernier = profils[0].domaines[i].score, profils[-1].domaines[i].score
        fleche = "↑" if dernier > premier else "↓" if dernier < premier else "→"
        assert re.search(rf"^{re.escape(domaine.axe)}\s.*{fleche}$", sortie, re.M), domaine.axe


def test_des_noms_de_campagne_longs_deviennent_des_numeros(tmp_path):
    longue = copie_modifiee(
        AVANT, tmp_path / "longue.yaml", lambda d: d.__setitem__("campagne", "Deuxième diagnostic complet")
    )
    sortie = evolution(PLUS_ANCIENNE, longue, APRES).stdout
    entete = next(ligne for ligne in sortie.splitlines() if ligne.startswith("Domaine"))
    assert entete.split() == ["Domaine", "1", "2", "3", "Évolution"]
    assert "  2. Deuxième diagnostic complet" in sortie


def test_une_seule_campagne_ne_suffit_pas():
    resultat = evolution(AVANT)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "au moins deux campagnes" in resultat.stderr


def test_un_autre_etablissement_est_refuse_sans_force(tmp_path):
    uai = "0691234" + lettre_uai("0691234")
    autre = copie_modifiee(AVANT, tmp_path / "autre.yaml", lambda d: d["etablissement"].__setitem__("uai", uai))
    resultat = evolution(PLUS_ANCIENNE, autre, APRES)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "ne concernent pas le même établissement" in resultat.stderr and uai in resultat.stderr
    force = evolution(PLUS_ANCIENNE, autre, APRES, "--force")
    assert force.exit_code == 0
    assert "établissements différents" in force.stderr


def test_une_campagne_en_erreur_arrete_tout(tmp_path):
    fautive = copie_modifiee(APRES, tmp_path / "fautive.yaml", lambda d: d["reference"].__setitem__("eleves", -1))
    resultat = evolution(PLUS_ANCIENNE, AVANT, fautive)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert re.search(rf"^{re.escape(str(fautive))}:\d+:\d+: \[erreur\] ", resultat.stderr, re.M)


# --------------------------------------------------------------------------
# Rapport d'évolution (-o)


def test_le_rapport_d_evolution_et_son_graphique(tmp_path, profils):
    dossier = tmp_path / "evolution"
    resultat = evolution(APRES, AVANT, PLUS_ANCIENNE, "-o", dossier)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    rapport = dossier / "evolution.md"
    assert resultat.stdout == f"{rapport} : rapport d'évolution écrit\n"
    assert [i.name for i in verifier_images(rapport)] == ["evolution.png"]
    texte = rapport.read_text(encoding="utf-8")
    entete = f"| Domaine | {' | '.join(p.campagne for p in profils)} | Évolution |"
    assert entete in texte
    for i, domaine in enumerate(profils[0].domaines):
        valeurs = " | ".join(score_fr(p.domaines[i].score) for p in profils)
        assert f"| {domaine.axe} | {valeurs} | " in texte
    assert "rangées par date" in texte


def test_le_rapport_d_evolution_n_ecrase_rien_sans_force(tmp_path):
    dossier = tmp_path / "evolution"
    dossier.mkdir()
    (dossier / "evolution.png").write_bytes(b"ancien")
    resultat = evolution(*CHRONOLOGIE, "-o", dossier)
    assert resultat.exit_code == 1
    assert "existe déjà" in resultat.stderr
    assert (dossier / "evolution.png").read_bytes() == b"ancien"
    assert not (dossier / "evolution.md").exists()
    assert evolution(*CHRONOLOGIE, "-o", dossier, "--force").exit_code == 0
    verifier_images(dossier / "evolution.md")


def test_le_graphique_est_reproductible_et_supporte_un_domaine_sans_score():
    from diagnum.calculs.comparaison import evolution as calculer_evolution
    from diagnum.rapports.graphiques_evolution import courbes_evolution_png

    campagnes = [charger(chemin)[0] for chemin in CHRONOLOGIE]
    referentiel = charger(AVANT)[1]
    domaine = referentiel.domaines[0]
    campagnes[1].reponses[domaine.id] = {}
    evo = calculer_evolution(campagnes, referentiel)
    assert evo.domaines[0].scores[1] is None and evo.domaines[0].ecart.delta is not None
    image = courbes_evolution_png(evo)
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    assert courbes_evolution_png(evo) == image
