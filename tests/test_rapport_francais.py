"""Les rapports écrits à la française : 1 200, « non posée », pas de ponctuation doublée."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnum.affichage import MILLIERS, nombre_fr
from diagnum.calculs.comparaison import afficher_reponse
from diagnum.calculs.regles import condition_remplie
from diagnum.campagne.chargement import charger_campagne
from diagnum.rapports.rapport import texte_rapport
from outils_progression import copie_modifiee

EXEMPLES = Path(__file__).resolve().parents[1] / "exemples"
LYCEE = EXEMPLES / "lycee-victor-hugo-2024-2025.yaml"


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (1200, 1, "1\u00a0200"),
        (1234567.891, 2, "1\u00a0234\u00a0567,89"),
        (-1200.0, 1, "-1\u00a0200"),
        (999, 1, "999"),
        (59.6, 1, "59,6"),
        (60.0, 1, "60"),
        (-0.04, 1, "0"),
    ],
)
def test_nombre_fr_groupe_les_milliers(valeur, decimales, attendu):
    assert nombre_fr(valeur, decimales) == attendu


@given(st.integers(-(10**12), 10**12))
def test_un_entier_se_relit_une_fois_les_espaces_otees(n):
    texte = nombre_fr(n)
    assert texte.replace(MILLIERS, "") == str(n)
    groupes = texte.lstrip("-").split(MILLIERS)
    assert 1 <= len(groupes[0]) <= 3 and all(len(g) == 3 for g in groupes[1:])


def test_afficher_reponse_groupe_les_milliers_des_effectifs():
    assert afficher_reponse(1080) == "1\u00a0080"
    assert afficher_reponse({"jamais": 1200, "occasionnellement": 5, "regulierement": 0}) == (
        "jamais 1\u00a0200, occasionnellement 5, régulièrement 0"
    )
    assert afficher_reponse(True) == "True"  # un booléen n'est pas un nombre


@pytest.fixture(scope="module")
def lycee():
    campagne, referentiel = charger_campagne(LYCEE)
    return campagne, referentiel, texte_rapport(campagne, referentiel)


def test_les_nombres_de_reference_et_les_effectifs_sont_groupes(lycee):
    campagne, referentiel, texte = lycee
    grands = [(i.libelle, v) for i in referentiel.reference.items if (v := campagne.reference.get(i.id)) and v >= 1000]
    assert grands, "l'exemple du lycée a des effectifs de plus de 1 000"
    for libelle, valeur in grands:
        assert f"| {libelle} | {nombre_fr(valeur)} |" in texte
        assert f"| {valeur} |" not in texte
    # Aucun nombre de quatre chiffres ou plus écrit d'un bloc, hors décimales, dates, années, UAI et textes de loi.
    sans_exceptions = re.sub(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{4}|\d{4}-\d{3}|n° [\d-]+|\d{7}[A-Z]|\(\d{4}\)", "", texte)
    sans_exceptions = re.sub(r"\b(19|20)\d{2}\b", "", sans_exceptions)
    assert not re.findall(r"(?<![\d\u00a0,])\d{4,}\b", sans_exceptions)


def test_une_question_si_oui_non_posee_le_dit(lycee):
    campagne, referentiel, texte = lycee
    non_posees = [
        item
        for d in referentiel.domaines
        for item in d.items
        if item.nature != "matrice" and condition_remplie(referentiel, campagne.reponses, item) is False
    ]
    assert non_posees, "l'exemple du lycée a des questions « Si oui » non posées"
    for item in non_posees:
        assert f"| {item.question} | non posée |" in texte
    assert not re.search(r"\| Si oui[^|]*\| sans réponse \|", texte)


def test_pas_de_ponctuation_doublee_dans_un_rapport(tmp_path, lycee):
    _, referentiel, _ = lycee
    # Une ligne du tableau 3.3.4 dont le libellé finit par « . », sans réponse : elle est nommée dans
    # « Items sans réponse » sous la forme « ligne : affirmation ».
    matrice = next(i for d in referentiel.domaines for i in d.items if i.nature == "matrice")
    ligne = next(x for x in matrice.lignes if x.libelle.endswith("."))

    def vider(donnees):
        cellules = donnees["reponses"][matrice.domaine][matrice.id][ligne.id]
        for colonne in matrice.colonnes:
            cellules[colonne.id] = None

    campagne, _ = charger_campagne(copie_modifiee(LYCEE, tmp_path / "lycee.yaml", vider))
    texte = texte_rapport(campagne, referentiel)
    assert f"{ligne.libelle.rstrip('.')} : {matrice.colonnes[0].libelle}" in texte
    doublees = re.findall(r"[.:;!?][ \u00a0]+[:;]|[^.]\.[ \u00a0]*\.(?!\.)", texte)
    assert not doublees, doublees
