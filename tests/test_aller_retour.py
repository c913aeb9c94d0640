"""Ce que diagnum écrit se relit à l'identique : gabarits de ``init`` et ``init --depuis``.

Les textes de l'utilisateur (nom d'établissement, UAI, commune, campagne) sont
tirés par hypothesis parmi des caractères qui ont un sens en YAML (guillemets,
``#``, ``:``, crochets…), des accents, ``$``, ``\\`` et des espaces variés.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.gabarit import construire_gabarit
from diagnum.cli import app
from diagnum.lecture_yaml import Scalaire, Tableau, lire_yaml
from diagnum.referentiel import charger_referentiel

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
runner = CliRunner()

PIEGES = list("'\"#:-?[]{},&*!|>%@`~$\\ éèêàçÉÔœ«»’\u00a0\t")
texte_libre = st.text(
    alphabet=st.sampled_from(PIEGES) | st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=40,
)
# Un texte tel qu'on le passe sur la ligne de commande : ni caractère nul ni contrôle.
argument = texte_libre.filter(lambda t: t.strip() == t and t != "")
REGLAGES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def valeur(racine: Tableau, *chemin: str) -> object:
    noeud = racine
    for cle in chemin:
        assert isinstance(noeud, Tableau), chemin
        noeud = noeud.get(cle)
    assert isinstance(noeud, Scalaire), chemin
    return noeud.valeur


def relire(texte: str) -> Tableau:
    racine, constats = lire_yaml(texte)
    assert [d for d in constats if d.est_erreur] == [], (constats, texte[:2000])
    assert isinstance(racine, Tableau)
    return racine


@REGLAGES
@given(nom=texte_libre, uai=texte_libre, commune=texte_libre, campagne=texte_libre)
def test_gabarit_relu_a_l_identique(nom, uai, commune, campagne):
    texte = construire_gabarit(charger_referentiel(), etablissement=nom, uai=uai, commune=commune, campagne=campagne)
    racine = relire(texte)
    assert valeur(racine, "etablissement", "nom") == nom
    assert valeur(racine, "etablissement", "uai") == uai
    assert valeur(racine, "etablissement", "commune") == commune
    assert valeur(racine, "campagne") == campagne


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nom=argument, campagne=argument)
def test_init_par_la_ligne_de_commande(tmp_path, nom, campagne):
    cible = tmp_path / "campagne.yaml"
    resultat = runner.invoke(
        app, ["init", str(cible), "--etablissement", nom, "--campagne", campagne, "--uai", "0750654D", "--force"]
    )
    assert resultat.exit_code == 0, resultat.output
    racine = relire(cible.read_text(encoding="utf-8"))
    assert valeur(racine, "etablissement", "nom") == nom
    assert valeur(racine, "campagne") == campagne
    valide = runner.invoke(app, ["valider", "--format", "parsable", str(cible)])
    assert valide.exit_code == 0, valide.output  # un gabarit vide n'a que des avertissements
    assert "[erreur]" not in valide.stdout


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nom=texte_libre, commune=texte_libre)
def test_init_depuis_reprend_l_etablissement_et_les_objectifs(tmp_path, nom, commune):
    """La campagne précédente porte des textes piégés ; la nouvelle les reprend tels quels."""
    source = EXEMPLE.read_text(encoding="utf-8")
    precedente, _ = charger_campagne(EXEMPLE)
    ancien = precedente.etablissement
    # Une chaîne JSON est un scalaire YAML entre guillemets valide : on remplace les deux valeurs.
    modifie = source.replace(f"nom: {ancien.nom}", f"nom: {json.dumps(nom, ensure_ascii=False)}", 1)
    modifie = modifie.replace(f"commune: {ancien.commune}", f"commune: {json.dumps(commune, ensure_ascii=False)}", 1)
    assert modifie != source
    avant = tmp_path / "avant.yaml"
    avant.write_text(modifie, encoding="utf-8")
    apres = tmp_path / "apres.yaml"
    resultat = runner.invoke(app, ["init", str(apres), "--depuis", str(avant), "--force"])
    assert resultat.exit_code == 0, resultat.output
    racine = relire(apres.read_text(encoding="utf-8"))
    assert valeur(racine, "etablissement", "nom") == nom
    assert valeur(racine, "etablissement", "commune") == commune
    assert valeur(racine, "etablissement", "uai") == ancien.uai
    for identifiant, nombre in precedente.reference.items():
        assert valeur(racine, "reference", identifiant) == nombre
    objectifs = racine.get("objectifs")
    assert objectifs is not None and len(objectifs.elements) == len(precedente.objectifs)
