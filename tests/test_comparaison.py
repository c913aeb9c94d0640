"""Le cœur de la comparaison : écarts, réponses changées, objectifs, évolution."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnum.calculs.comparaison import (
    AMELIORATION,
    NEUTRE,
    ORDRE_DATE,
    ORDRE_DONNE,
    REALISEE,
    REGRESSION,
    CampagnesIncomparables,
    Ecart,
    afficher_reponse,
    comparaison_json,
    comparer,
    delta_fr,
    evolution,
    evolution_json,
    ordonner,
    statut_fr,
    verifier_comparables,
)
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import valider_fichier
from diagnum.campagne.modele import Action, Etablissement, Objectif
from outils_progression import APRES, AVANT, PLUS_ANCIENNE, autre_reponse, charger, copie_modifiee, items_de_nature


@pytest.fixture(scope="module")
def avant():
    return charger(AVANT)


@pytest.fixture(scope="module")
def apres():
    return charger(APRES)[0]


def test_comparer_une_campagne_a_elle_meme_ne_montre_aucun_changement(avant):
    campagne, referentiel = avant
    comparaison = comparer(campagne, copy.deepcopy(campagne), referentiel)
    assert comparaison.changements == ()
    assert comparaison.reference == ()
    profil = calculer_profil(campagne, referentiel)
    for ecart, domaine in zip(comparaison.domaines, profil.domaines, strict=True):
        assert ecart.score.delta == (None if domaine.score is None else 0)
        assert ecart.score.fleche in ("→", "")
    assert comparaison_json(comparaison)["items"] == []


def test_chaque_ecart_est_la_difference_des_deux_scores(avant, apres):
    campagne, referentiel = avant
    comparaison = comparer(campagne, apres, referentiel)
    p1, p2 = calculer_profil(campagne, referentiel), calculer_profil(apres, referentiel)
    assert [d.id for d in comparaison.domaines] == [d.id for d in referentiel.domaines]
    for ecart, d1, d2 in zip(comparaison.domaines, p1.domaines, p2.domaines, strict=True):
        assert (ecart.score.avant, ecart.score.apres) == (d1.score, d2.score)
        assert ecart.score.delta == pytest.approx(d2.score - d1.score, abs=0.05)
        if d1.nature == "usage":
            assert ecart.moyens.delta == pytest.approx(d2.moyens - d1.moyens, abs=0.05)
            assert ecart.usage.delta == pytest.approx(d2.usage - d1.usage, abs=0.05)
        else:
            assert ecart.moyens is None and ecart.usage is None
    document = comparaison_json(comparaison)
    for entree, d1, d2 in zip(document["domaines"], p1.domaines, p2.domaines, strict=True):
        assert entree["delta"] == pytest.approx(d2.score - d1.score, abs=0.05)
        assert entree["titre"] == d1.titre


def test_les_exemples_montrent_des_progres_et_une_regression(avant, apres):
    campagne, referentiel = avant
    comparaison = comparer(campagne, apres, referentiel)
    assert comparaison.ameliorations and comparaison.regressions
    baisses = {d.id for d in comparaison.domaines if d.score.fleche == "↓"}
    regressions = {c.domaine for c in comparaison.regressions}
    assert baisses <= regressions  # un domaine qui baisse a au moins une réponse en régression
    assert {c.sens for c in comparaison.changements} <= {AMELIORATION, REGRESSION, NEUTRE}


def test_un_ecart_sans_score_est_nul():
    assert Ecart(None, 40.0).delta is None
    assert Ecart(40.0, None).delta is None
    assert Ecart(None, None).fleche == ""
    assert (Ecart(40.0, 52.5).delta, Ecart(40.0, 52.5).fleche) == (12.5, "↑")
    assert (Ecart(52.5, 40.0).delta, Ecart(52.5, 40.0).fleche) == (-12.5, "↓")
    assert Ecart(40.0, 40.0).fleche == "→"


def test_un_domaine_vide_a_un_ecart_nul(avant):
    campagne, referentiel = avant
    domaine = referentiel.domaines[0]
    vide = copy.deepcopy(campagne)
    vide.reponses[domaine.id] = {item.id: None for item in domaine.items}
    comparaison = comparer(campagne, vide, referentiel)
    ecart = comparaison.domaines[0]
    assert ecart.score.apres is None and ecart.score.delta is None
    assert comparaison_json(comparaison)["domaines"][0]["delta"] is None
    # Une réponse qui disparaît est un changement sans effet calculable : neutre.
    assert comparaison.changements and all(c.sens == NEUTRE for c in comparaison.changements)


def test_une_reponse_changee_donne_exactement_un_changement(avant):
    campagne, referentiel = avant
    item = items_de_nature(referentiel, "affirmation")[0]
    copie = copy.deepcopy(campagne)
    ancienne = campagne.reponse(item.domaine, item.id)
    copie.reponses[item.domaine][item.id] = autre_reponse(ancienne)
    changements = comparer(campagne, copie, referentiel).changements
    assert len(changements) == 1
    (changement,) = changements
    assert (changement.domaine, changement.id, changement.avant, changement.apres) == (
        item.domaine,
        item.id,
        ancienne,
        autre_reponse(ancienne),
    )
    assert changement.libelle == item.libelle
    assert changement.sens == (AMELIORATION if ancienne == "non" else REGRESSION)


def test_une_case_de_matrice_est_un_changement_a_elle_seule(avant):
    campagne, referentiel = avant
    matrice = items_de_nature(referentiel, "matrice")[0]
    ligne, colonne = matrice.lignes[-1], matrice.colonnes[0]
    copie = copy.deepcopy(campagne)
    cellules = copie.reponses[matrice.domaine][matrice.id][ligne.id]
    ancienne = cellules[colonne.id]
    nouvelle = "sans objet" if ancienne != "sans objet" else "oui"
    cellules[colonne.id] = nouvelle
    (changement,) = comparer(campagne, copie, referentiel).changements
    assert changement.id == f"{matrice.id}.{ligne.id}.{colonne.id}"
    assert (changement.avant, changement.apres) == (ancienne, nouvelle)
    assert changement.sens == NEUTRE  # « sans objet » ne compte pas : pas de sens
    assert ligne.libelle.rstrip(" .") in changement.libelle and colonne.libelle in changement.libelle


def test_une_repartition_changee_est_jugee_par_sa_valeur(avant):
    campagne, referentiel = avant
    item = items_de_nature(referentiel, "repartition")[0]
    copie = copy.deepcopy(campagne)
    ancienne = dict(campagne.reponse(item.domaine, item.id))
    nouvelle = dict(ancienne)
    deplaces = min(nouvelle["jamais"], 3)
    assert deplaces > 0
    nouvelle["jamais"] -= deplaces
    nouvelle["regulierement"] += deplaces
    copie.reponses[item.domaine][item.id] = nouvelle
    (changement,) = comparer(campagne, copie, referentiel).changements
    assert changement.sens == AMELIORATION
    assert comparer(copie, campagne, referentiel).changements[0].sens == REGRESSION
    document = comparaison_json(comparer(campagne, copie, referentiel))
    assert document["items"] == [
        {
            "domaine": item.domaine,
            "id": item.id,
            "libelle": item.libelle,
            "avant": ancienne,
            "apres": nouvelle,
            "sens": AMELIORATION,
        }
    ]


def test_une_obligation_changee_est_rangee_sous_obligations(avant):
    campagne, referentiel = avant
    item = referentiel.obligations.items[0]
    copie = copy.deepcopy(campagne)
    copie.obligations[item.id] = autre_reponse(campagne.obligations[item.id])
    (changement,) = comparer(campagne, copie, referentiel).changements
    assert (changement.domaine, changement.id) == ("obligations", item.id)


def test_un_element_de_reference_change_n_est_pas_une_reponse(avant):
    campagne, referentiel = avant
    item = referentiel.reference.items[0]
    copie = copy.deepcopy(campagne)
    copie.reference[item.id] = campagne.reference[item.id] + 10
    comparaison = comparer(campagne, copie, referentiel)
    assert comparaison.changements == ()
    assert [(r.id, r.avant, r.apres) for r in comparaison.reference] == [
        (item.id, campagne.reference[item.id], campagne.reference[item.id] + 10)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(indice=st.integers(min_value=0, max_value=200))
def test_le_sens_d_une_affirmation_suit_le_chiffre_du_domaine(avant, indice):
    campagne, referentiel = avant
    affirmations = items_de_nature(referentiel, "affirmation")
    item = affirmations[indice % len(affirmations)]
    ancienne = campagne.reponse(item.domaine, item.id)
    if ancienne not in ("oui", "non"):
        return
    copie = copy.deepcopy(campagne)
    copie.reponses[item.domaine][item.id] = autre_reponse(ancienne)
    comparaison = comparer(campagne, copie, referentiel)
    (changement,) = comparaison.changements
    ecart = next(d for d in comparaison.domaines if d.id == item.domaine)
    chiffre = {"score": ecart.score, "usage": ecart.usage, "moyens": ecart.moyens}[item.role]
    attendu = {AMELIORATION: "↑", REGRESSION: "↓"}[changement.sens]
    assert chiffre.fleche == attendu
    autres = [d for d in comparaison.domaines if d.id != item.domaine]
    assert all(d.score.delta in (0, None) for d in autres)


# --------------------------------------------------------------------------
# Objectifs


def test_objectifs_atteints_apres_un_an(avant, apres):
    campagne, referentiel = avant
    bilans = comparer(campagne, apres, referentiel).objectifs
    assert [b.objectif for b in bilans] == list(campagne.objectifs)
    profil = calculer_profil(apres, referentiel)
    for bilan in bilans:
        score = profil.domaine(bilan.objectif.domaine).score
        assert bilan.score == score
        assert bilan.atteint is (score >= bilan.objectif.cible)
    assert any(b.atteint for b in bilans)


def test_objectifs_non_atteints_sans_progres(avant):
    campagne, referentiel = avant
    bilans = comparer(campagne, campagne, referentiel).objectifs
    profil = calculer_profil(campagne, referentiel)
    assert any(not b.atteint for b in bilans)
    for bilan in bilans:
        assert bilan.atteint is (profil.domaine(bilan.objectif.domaine).score >= bilan.objectif.cible)
    document = comparaison_json(comparer(campagne, campagne, referentiel))
    assert [o["atteint"] for o in document["objectifs"]] == [b.atteint for b in bilans]


def test_une_cible_tout_juste_atteinte_compte_et_un_score_absent_non(avant, apres):
    campagne, referentiel = avant
    profil = calculer_profil(apres, referentiel)
    domaine = next(d for d in profil.domaines if d.score is not None)
    juste = Objectif(domaine.id, domaine.score)
    trop = Objectif(domaine.id, min(domaine.score + 0.1, 100))
    modifiee = dataclasses.replace(campagne, objectifs=(juste, trop))
    bilans = comparer(modifiee, apres, referentiel).objectifs
    assert [b.atteint for b in bilans] == [True, domaine.score == 100]
    vide = copy.deepcopy(apres)
    vide.reponses[domaine.id] = {}
    bilan = comparer(modifiee, vide, referentiel).objectifs[0]
    # Sans score dans ce domaine, l'objectif n'est ni atteint ni manqué : il est non mesurable.
    assert (bilan.score, bilan.atteint, bilan.verdict) == (None, None, "non mesurable")


def test_actions_non_realisees_avec_le_statut_le_plus_recent(avant, apres):
    campagne, referentiel = avant
    bilans = comparer(campagne, apres, referentiel).objectifs
    statuts_recents = {(o.domaine, a.libelle): a.statut for o in apres.objectifs for a in o.actions}
    for objectif, bilan in zip(campagne.objectifs, bilans, strict=True):
        attendues = [
            (a.libelle, statuts_recents.get((objectif.domaine, a.libelle), a.statut))
            for a in objectif.actions
            if statuts_recents.get((objectif.domaine, a.libelle), a.statut) != REALISEE
        ]
        assert [(a.libelle, a.statut) for a in bilan.actions_non_realisees] == attendues
    # Dans les exemples, au moins une action reste à faire et au moins une a été réalisée.
    assert any(b.actions_non_realisees for b in bilans)
    assert sum(len(b.actions_non_realisees) for b in bilans) < sum(len(o.actions) for o in campagne.objectifs)


def test_une_action_absente_de_la_campagne_suivante_garde_son_statut(avant, apres):
    campagne, referentiel = avant
    action = Action(
        "Une action que la campagne suivante ne mentionne plus", "Principal", dt.date(2025, 1, 1), "en cours"
    )
    objectif = Objectif(referentiel.domaines[0].id, 50, dt.date(2025, 6, 30), (action,))
    modifiee = dataclasses.replace(campagne, objectifs=(objectif,))
    (bilan,) = comparer(modifiee, apres, referentiel).objectifs
    assert bilan.actions_non_realisees == (action,)
    assert bilan.echeance_passee is (apres.date >= objectif.echeance)


# --------------------------------------------------------------------------
# Établissement, version, ordre


def test_deux_etablissements_sont_refuses_sauf_force(avant, apres):
    campagne, _ = avant
    autre = dataclasses.replace(apres, etablissement=Etablissement("Autre collège", "0751234F", "Paris"))
    with pytest.raises(CampagnesIncomparables) as erreur:
        verifier_comparables([campagne, autre])
    assert "même établissement" in erreur.value.message and "--force" in erreur.value.message
    assert erreur.value.code_sortie == 1
    avertissements = verifier_comparables([campagne, autre], force=True)
    assert any("différents" in a for a in avertissements)
    assert verifier_comparables([campagne, apres]) == []


def test_un_uai_absent_est_signale_sans_refus(avant, apres):
    campagne, _ = avant
    sans_uai = dataclasses.replace(apres, etablissement=Etablissement("Collège Jean Moulin"))
    (avertissement,) = verifier_comparables([campagne, sans_uai])
    assert "UAI absent" in avertissement


def test_deux_versions_du_referentiel_sont_refusees_meme_avec_force(avant, apres):
    campagne, referentiel = avant
    future = dataclasses.replace(apres, referentiel="2099")
    for force in (False, True):
        with pytest.raises(CampagnesIncomparables, match="pas encore possible"):
            verifier_comparables([campagne, future], force=force)
    with pytest.raises(CampagnesIncomparables, match="pas encore possible"):
        comparer(campagne, future, referentiel)


def test_ordonner_par_date_sinon_ordre_donne(avant, apres):
    campagne, _ = avant
    ancienne = charger(PLUS_ANCIENNE)[0]
    rangees, ordre = ordonner([apres, ancienne, campagne])
    assert ordre == ORDRE_DATE
    assert [c.date for c in rangees] == sorted(c.date for c in (apres, ancienne, campagne))
    sans_date = dataclasses.replace(campagne, date=None)
    rangees, ordre = ordonner([apres, ancienne, sans_date])
    assert ordre == ORDRE_DONNE and rangees == [apres, ancienne, sans_date]


def test_evolution_reprend_les_scores_de_chaque_campagne(avant, apres):
    campagne, referentiel = avant
    ancienne = charger(PLUS_ANCIENNE)[0]
    evo = evolution([apres, campagne, ancienne], referentiel)
    assert evo.ordre == ORDRE_DATE
    assert evo.libelles == (ancienne.libelle, campagne.libelle, apres.libelle)
    profils = [calculer_profil(c, referentiel) for c in (ancienne, campagne, apres)]
    for i, serie in enumerate(evo.domaines):
        assert serie.scores == tuple(p.domaines[i].score for p in profils)
        assert serie.ecart.delta == pytest.approx(
            profils[-1].domaines[i].score - profils[0].domaines[i].score, abs=0.05
        )
        assert (serie.moyens is not None) == (serie.nature == "usage")
    document = evolution_json(evo)
    assert [c["campagne"] for c in document["campagnes"]] == list(evo.libelles)
    assert [d["scores"] for d in document["domaines"]] == [list(s.scores) for s in evo.domaines]


# --------------------------------------------------------------------------
# Présentation


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [(None, "—"), (12.0, "+12,0"), (-3.3, "−3,3"), (0.0, "0,0"), (66.6, "+66,6")],
)
def test_delta_fr(valeur, attendu):
    assert delta_fr(valeur) == attendu


def test_afficher_reponse():
    assert afficher_reponse(None) == "sans réponse"
    assert afficher_reponse({"jamais": 1, "occasionnellement": 2, "regulierement": 3}) == (
        "jamais 1, occasionnellement 2, régulièrement 3"
    )
    assert afficher_reponse(12.5) == "12,5"
    assert afficher_reponse("oui") == "oui"


def test_statut_fr():
    assert [statut_fr(s) for s in ("prevue", "en cours", "realisee", "abandonnee", None)] == [
        "prévue",
        "en cours",
        "réalisée",
        "abandonnée",
        "sans statut",
    ]


def test_valider_signale_deux_objectifs_sur_un_meme_domaine(tmp_path):
    def doubler(donnees):
        donnees["objectifs"].append(copy.deepcopy(donnees["objectifs"][0]))

    chemin = copie_modifiee(AVANT, tmp_path / "double.yaml", doubler)
    diagnostics = valider_fichier(chemin).diagnostics
    doubles = [d for d in diagnostics if d.code == "objectif-double"]
    assert len(doubles) == 1 and not doubles[0].est_erreur
    assert not [d for d in diagnostics if d.est_erreur]
    assert not [d for d in valider_fichier(AVANT).diagnostics if d.code == "objectif-double"]
