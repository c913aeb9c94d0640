"""Des scores qui ne trompent pas : chaque règle sur une mini-campagne calculée à la main.

Chaque fichier ``tests/fixtures/scores/regleN-*.yaml`` dit en commentaire ce
que l'ancienne règle donnait (« avant ») et ce que donne la nouvelle
(« après ») ; les assertions ci-dessous reprennent le calcul à la main.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diagnum.calculs.regles import questions
from diagnum.calculs.scores import Profil, calculer_profil, lire_profil, profil_en_dict
from diagnum.campagne.chargement import charger_campagne, valider_fichier

FIXTURES = Path(__file__).parent / "fixtures" / "scores"


def profil(nom: str) -> Profil:
    campagne, referentiel = charger_campagne(FIXTURES / nom)
    return calculer_profil(campagne, referentiel)


def codes(nom: str, complet: bool = False) -> list[tuple[int, str, str]]:
    return [(d.ligne, d.code, d.gravite.value) for d in valider_fichier(FIXTURES / nom, complet=complet).diagnostics]


# --------------------------------------------------------------------------
# Règle 1 : une répartition compte les personnes qu'elle couvre


def test_regle1_cinq_enseignants_sur_110_donnent_un_score_provisoire():
    d = profil("regle1-couverture.yaml").domaine("enseignant_en_classe")
    # (0 × 0 + ½ × 0 + 1 × 5) / 5 = 1 : la valeur reste la moyenne des personnes comptées
    assert d.usage == d.score == 100.0
    # couverture 5 / 110 = 0,04545… : c'est le poids de la répartition dans la complétude
    assert d.completude_usage == pytest.approx(5 / 110, abs=1e-4)
    assert d.provisoire is True
    (couverture,) = d.couvertures
    assert couverture.phrase == "5 enseignants comptés sur 110"
    assert couverture.part == pytest.approx(5 / 110)


def test_regle1_couverture_de_chaque_indicateur_et_accord():
    d = profil("regle1-couverture.yaml").domaine("eleves_en_classe")
    # divisions (0 + 10 + 20) / 60 = 0,5 ; enseignants (0 + 5 + 10) / 30 = 0,5 : usage 50
    assert d.usage == 50.0
    # complétude des indicateurs : (60/60 + 30/110) / 2 = 0,6364 ≥ 0,5 : non provisoire
    assert d.completude_usage == pytest.approx((1 + 30 / 110) / 2, abs=1e-4)
    assert d.provisoire is False
    assert [c.phrase for c in d.couvertures] == [
        "60 divisions comptées sur 60",
        "30 enseignants comptés sur 110",
    ]


def test_regle1_couverture_dans_le_json():
    domaines = {d["id"]: d for d in profil_en_dict(profil("regle1-couverture.yaml"))["domaines"]}
    assert domaines["enseignant_en_classe"]["couvertures"] == [
        {
            "item": "enseignants_diffusion_collective",
            "comptes": 5,
            "reference": 110,
            "couverture": 0.0455,
            "texte": "5 enseignants comptés sur 110",
        }
    ]
    assert domaines["enseignant_en_classe"]["provisoire"] is True


# --------------------------------------------------------------------------
# Règle 2 : un nombre de référence manquant


def test_regle2_reference_manquante_compte_comme_sans_reponse():
    d = profil("regle2-reference-manquante.yaml").domaine("eleves_en_classe")
    # B2I 40 / 40 = 1 ; réseau nomade « oui » = 1 ; les deux nombres rapportés aux divisions ne se calculent pas
    assert d.moyens == 100.0
    # 9 éléments d'analyse attendus, 2 seulement calculés : 2 / 9
    assert d.completude_moyens == pytest.approx(2 / 9, abs=1e-4)
    assert d.moyens_provisoire is True
    assert [(i.item, i.reference) for i in d.incalculables] == [
        ("divisions_manuel_numerique", "divisions"),
        ("classes_mobiles", "divisions"),
    ]
    # les deux répartitions (indicateurs) sont sans réponse : pas de score
    assert d.score is None


def test_regle2_valider_nomme_les_items_incalculables():
    trouves = codes("regle2-reference-manquante.yaml")
    # lignes 14 et 15 : les deux nombres rapportés aux divisions ; avertissement, erreur avec --complet
    assert (14, "reference-manquante", "avertissement") in trouves
    assert (15, "reference-manquante", "avertissement") in trouves
    assert (14, "reference-manquante", "erreur") in codes("regle2-reference-manquante.yaml", complet=True)


# --------------------------------------------------------------------------
# Règle 3 : provisoire selon les questions qui font le chiffre


def test_regle3_indicateur_complet_sans_moyens_n_est_pas_provisoire():
    d = profil("regle3-provisoire.yaml").domaine("enseignant_en_classe")
    # (0 × 10 + ½ × 20 + 1 × 10) / 40 = 0,5 ; 40 enseignants sur 40 : complétude de l'usage 1
    assert (d.usage, d.completude_usage, d.provisoire) == (50.0, 1.0, False)
    assert d.moyens is None and d.moyens_provisoire is False
    # tout le domaine : seule la répartition sur les 8 questions attendues (les « Si oui »
    # et la question ENT attendent leur condition) : 1 / 9
    assert d.completude == pytest.approx(1 / 9, abs=1e-4)


def test_regle3_indicateur_mince_rend_l_usage_provisoire_meme_si_tout_est_repondu():
    d = profil("regle3-provisoire.yaml").domaine("information_echanges")
    # (0 + ½ × 20 + 20) / 50 = 0,6 ; 50 familles sur 500 : couverture 0,1
    assert (d.usage, d.completude_usage, d.provisoire) == (60.0, 0.1, True)
    # 7 « oui » sur 11 éléments d'analyse, tous répondus
    assert d.moyens == 63.6
    assert (d.completude_moyens, d.moyens_provisoire) == (1.0, False)


# --------------------------------------------------------------------------
# Règle 4 : conditions sur une ligne de la grille 3.3.4


def test_regle4_ligne_ent_vide_la_reponse_ent_compte():
    d = profil("regle4-ligne-vide.yaml").domaine("enseignant_en_classe")
    # 20 / 40 enseignants = 0,5
    assert d.moyens == 50.0
    assert {c.item for c in d.contributions} == {"enseignants_ent_devant_eleves"}
    pilotage = profil("regle4-ligne-vide.yaml").domaine("pilotage")
    assert {"services.ent.regles_administration", "services.ent.utilisateurs_informes"} <= set(pilotage.sans_reponse)


def test_regle4_une_case_sans_objet_ne_retire_pas_le_service():
    p = profil("regle4-sans-objet-partiel.yaml")
    # ligne ENT : oui, non (la case « sans objet » écartée) = 0,5 ; publication non proposée, écartée
    assert p.domaine("pilotage").score == 50.0
    # la question ENT compte : 30 / 40 = 0,75
    assert p.domaine("enseignant_en_classe").moyens == 75.0
    # valider le dit à la ligne de la case écartée (ligne 15)
    assert (15, "sans-objet-partiel", "avertissement") in codes("regle4-sans-objet-partiel.yaml")


# --------------------------------------------------------------------------
# Règle 5 : deux façons d'équiper les mêmes salles


def test_regle5_tni_et_videoprojecteur_fixe_forment_une_seule_mesure():
    p = profil("regle5-mesure.yaml")
    d = p.domaine("enseignant_en_classe")
    # (20 + 0) / 20 salles = 1 : une seule valeur des moyens
    assert d.moyens == 100.0
    (mesure,) = d.contributions
    assert (mesure.item, mesure.valeur, mesure.detail) == ("salles_affichage_collectif", 1.0, "20 + 0 = 20 (sur 20)")
    e = p.domaine("eleves_en_classe")
    # (2 + 1) / (0,1 × 30 divisions) = 1
    assert e.moyens == 100.0
    assert [c.detail for c in e.contributions] == ["2 + 1 = 3 (cible 3)"]


# --------------------------------------------------------------------------
# Règle 8 : pas de score n'est pas un score faible


def test_regle8_non_renseigne_jamais_parmi_les_points_faibles():
    campagne, referentiel = charger_campagne(FIXTURES / "regle8-non-renseigne.yaml")
    p = calculer_profil(campagne, referentiel)
    lecture = lire_profil(p, referentiel.notation)
    # pilotage : un seul « non » = 0, un vrai point faible ; les six autres n'ont rien
    assert [d.id for d in lecture.faibles] == ["pilotage"]
    assert len(lecture.non_renseignes) == 6
    assert not {d.id for d in lecture.non_renseignes} & {d.id for d in lecture.faibles}


def test_regle8_valider_et_score_comptent_la_grille_de_la_meme_facon():
    campagne, referentiel = charger_campagne(FIXTURES / "regle8-non-renseigne.yaml")
    pilotage = calculer_profil(campagne, referentiel).domaine("pilotage")
    # 9 affirmations + 10 services × 3 cases = 39 attendues, 1 répondue
    assert (pilotage.repondus, pilotage.attendus) == (1, 39)
    annonces = [
        d.message
        for d in valider_fichier(FIXTURES / "regle8-non-renseigne.yaml").diagnostics
        if d.code == "sans-reponse"
    ]
    pilotage_annonce = next(m for m in annonces if "« Pilotage et organisation »" in m)
    assert pilotage_annonce.startswith("38 items sans réponse")
    avec_complet = [
        d
        for d in valider_fichier(FIXTURES / "regle8-non-renseigne.yaml", complet=True).diagnostics
        if d.code == "sans-reponse" and d.message.split(" ")[0].split(".")[0] in {"services", *_pilotage(referentiel)}
    ]
    assert len(avec_complet) == 38


def _pilotage(referentiel) -> set[str]:
    return {item.id for item in referentiel.domaine("pilotage").items}


def test_regle8_la_date_n_est_pas_un_element_de_reference():
    annonces = [d.message for d in valider_fichier(FIXTURES / "regle8-non-renseigne.yaml").diagnostics]
    reference = next(m for m in annonces if "« Éléments de référence »" in m)
    assert "date" not in reference and reference.startswith("5 items sans réponse")
    assert "date du diagnostic sans réponse (écrivez-la ainsi : 2025-05-20)" in annonces


def test_questions_une_seule_regle_pour_les_deux_commandes():
    campagne, referentiel = charger_campagne(FIXTURES / "regle4-ligne-vide.yaml")
    ent = [
        q
        for q in questions(referentiel, campagne.reponses, campagne.reference)
        if q.item.id == "enseignants_ent_devant_eleves"
    ]
    # condition inconnue (ligne vide) et réponse écrite : attendue, comptée entièrement
    assert [(q.attendue, q.poids, q.ecartee) for q in ent] == [(True, 1.0, None)]


# --------------------------------------------------------------------------
# La documentation : la même section dans le README et dans chaque rapport


def test_le_readme_reproduit_exactement_comment_les_scores_sont_calcules():
    from diagnum.rapports.rapport import texte_calcul, texte_rapport

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    debut = readme.index("-->\n", readme.index("<!-- debut: calcul")) + len("-->\n")
    fin = readme.index("<!-- fin: calcul -->")
    campagne, referentiel = charger_campagne(FIXTURES / "regle5-mesure.yaml")
    attendu = texte_calcul(referentiel)
    assert readme[debut:fin] == attendu
    assert attendu in texte_rapport(campagne, referentiel)
    # chaque cible retenue par diagnum et chaque mesure commune y est nommée
    for domaine in referentiel.domaines:
        for mesure in domaine.mesures:
            assert mesure.libelle in attendu
        for item in domaine.items:
            if item.cible is not None:
                assert f"{item.libelle.rstrip(' :')} : cible retenue par diagnum : 1 pour" in attendu


# --------------------------------------------------------------------------
# Règle 7 : stable est stable


def test_regle7_un_enseignant_de_plus_au_nombre_de_reference_n_est_pas_une_baisse():
    from diagnum.calculs.comparaison import STABLE, comparer

    exemple = Path(__file__).resolve().parents[1] / "exemples" / "college-jean-moulin-2024-2025.yaml"
    avant, referentiel = charger_campagne(exemple)
    apres, _ = charger_campagne(exemple)
    apres.reference["enseignants"] += 1
    comparaison = comparer(avant, apres, referentiel)
    ecarts = [e for d in comparaison.domaines for e in (d.score, d.usage, d.moyens) if e is not None]
    # un enseignant de plus fait baisser un peu les nombres rapportés aux enseignants…
    assert any(e.delta is not None and e.delta < 0 for e in ecarts)
    # … mais moins d'un point : stable partout, aucune flèche vers le bas
    assert {e.tendance for e in ecarts if e.delta is not None} == {STABLE}
    assert all(e.fleche in ("→", "") for e in ecarts)
    assert comparaison.changements == ()


def test_regle7_le_seuil_de_stabilite_vient_du_referentiel():
    from diagnum.calculs.comparaison import BAISSE, HAUSSE, STABLE, Ecart

    assert Ecart(50.0, 50.9, 1.0).tendance == STABLE
    assert Ecart(50.0, 49.1, 1.0).tendance == STABLE
    assert Ecart(50.0, 49.0, 1.0).tendance == BAISSE
    assert Ecart(50.0, 51.0, 1.0).tendance == HAUSSE
    assert Ecart(50.0, None, 1.0).tendance is None
    assert charger_campagne(FIXTURES / "regle5-mesure.yaml")[1].notation.seuil_stabilite == 1.0


# --------------------------------------------------------------------------
# Règle 6 : les cibles choisies par diagnum sont dites comme telles


def test_regle6_le_rapport_nomme_la_cible_retenue_par_diagnum_a_cote_de_l_item():
    from diagnum.rapports.rapport import texte_rapport

    campagne, referentiel = charger_campagne(FIXTURES / "regle5-mesure.yaml")
    lignes = texte_rapport(campagne, referentiel).splitlines()
    binomes = next(
        ligne
        for ligne in lignes
        if ligne.startswith("| Nombre de salles informatiques équipées pour les travaux par binômes")
    )
    # 1 : compté dans la mesure commune (2 + 1 = 3 sur une cible de 3), cible nommée à côté
    assert binomes.endswith(
        "| 1 | 100 % (Salles informatiques (classe entière ou binômes)) ; cible retenue par diagnum : 1 pour 10 divisions |"
    )
    tni = next(
        ligne for ligne in lignes if ligne.startswith("| Nombre de salles équipées en Tableau Numérique Interactif")
    )
    assert "cible retenue" not in tni  # rapporté à son total naturel, les salles


def test_score_json_par_la_cli_montre_couverture_et_incalculables():
    import json

    from typer.testing import CliRunner

    from diagnum.cli import app

    resultat = CliRunner().invoke(app, ["score", str(FIXTURES / "regle2-reference-manquante.yaml"), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    domaines = {d["id"]: d for d in json.loads(resultat.stdout)["domaines"]}
    assert domaines["eleves_en_classe"]["incalculables"] == [
        {"item": "divisions_manuel_numerique", "reference": "divisions", "role": "moyens"},
        {"item": "classes_mobiles", "reference": "divisions", "role": "moyens"},
    ]
    assert domaines["eleves_en_classe"]["moyens_provisoire"] is True
    assert domaines["eleves_en_classe"]["completude_moyens"] == 0.2222


def test_une_repartition_incomplete_accorde_ce_qu_elle_compte():
    # 3.6.4 : 50 familles sur 500, le mot « familles » est féminin
    messages = [d.message for d in valider_fichier(FIXTURES / "regle3-provisoire.yaml").diagnostics]
    assert "familles_services_numeriques : 450 familles ne sont pas comptées (50 sur 500)" in messages


def test_le_taux_de_reponse_des_enquetes_dans_score_json_et_texte(tmp_path):
    import json

    from typer.testing import CliRunner

    from diagnum.cli import app

    racine = Path(__file__).resolve().parents[1]
    campagne = tmp_path / "c.yaml"
    campagne.write_bytes((racine / "exemples" / "college-jean-moulin-2024-2025.yaml").read_bytes())
    runner = CliRunner()
    export = racine / "exemples" / "enquete-enseignants-limesurvey.csv"
    importe = runner.invoke(
        app, ["enquete", "importer", str(export), "--public", "enseignants", "--dans", str(campagne), "--force"]
    )
    assert importe.exit_code == 0, importe.output
    resultat = runner.invoke(app, ["score", str(campagne), "--format", "json"])
    assert resultat.exit_code == 0 and resultat.stderr == ""
    (enquete,) = json.loads(resultat.stdout)["enquetes"]
    # 38 répondants sur les 47 enseignants de la campagne
    assert (enquete["repondants"], enquete["reference"], enquete["taux"]) == (38, 47, 0.8085)
    texte = runner.invoke(app, ["score", str(campagne)])
    assert texte.exit_code == 0
    assert "Enquête : 38 enseignants sur 47 ont répondu (81\u00a0%)." in texte.stdout
