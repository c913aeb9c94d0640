"""``diagnum compare AVANT APRES`` : texte, JSON, rapport de progression, refus."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.calculs.comparaison import comparer, delta_fr
from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.validation import lettre_uai
from diagnum.cli import app
from outils_progression import (
    APRES,
    AVANT,
    RACINE,
    autre_reponse,
    charger,
    copie_modifiee,
    items_de_nature,
    jetons_markdown,
    verifier_images,
)

runner = CliRunner()
AUTRE_UAI = "0691234" + lettre_uai("0691234")


def compare(*args: object, **kwargs):
    return runner.invoke(app, ["compare", *map(str, args)], **kwargs)


def compare_json(*args: object) -> dict:
    resultat = compare(*args, "--format", "json")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    return json.loads(resultat.stdout)


# --------------------------------------------------------------------------
# Texte et JSON


def test_une_campagne_comparee_a_elle_meme_ne_change_pas():
    resultat = compare(AVANT, AVANT)
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    assert "Aucune réponse n'a changé." in resultat.stdout
    _, referentiel = charger(AVANT)
    for domaine in referentiel.domaines:
        assert re.search(rf"^{re.escape(domaine.axe)}\s+\S+\s+\S+\s+0,0 →$", resultat.stdout, re.M), domaine.axe
    document = compare_json(AVANT, AVANT)
    assert document["items"] == [] and document["reference"] == []
    assert {d["delta"] for d in document["domaines"]} == {0}


def test_le_json_suit_le_contrat():
    document = compare_json(AVANT, APRES)
    assert {"domaines", "items", "objectifs"} <= set(document)
    assert all({"id", "titre", "avant", "apres", "delta"} <= set(d) for d in document["domaines"])
    assert all({"domaine", "id", "libelle", "avant", "apres"} <= set(i) for i in document["items"])
    assert all({"atteint", "cible", "score"} <= set(o) for o in document["objectifs"])
    assert (document["avant"]["fichier"], document["apres"]["fichier"]) == (str(AVANT), str(APRES))


def test_chaque_ecart_est_la_difference_des_scores():
    avant, referentiel = charger(AVANT)
    apres, _ = charger(APRES)
    p1, p2 = calculer_profil(avant, referentiel), calculer_profil(apres, referentiel)
    document = compare_json(AVANT, APRES)
    assert [d["id"] for d in document["domaines"]] == [d.id for d in p1.domaines]
    for entree, d1, d2 in zip(document["domaines"], p1.domaines, p2.domaines, strict=True):
        assert (entree["avant"], entree["apres"]) == (d1.score, d2.score)
        assert entree["delta"] == pytest.approx(d2.score - d1.score, abs=0.05)
    assert len(document["items"]) == len(comparer(avant, apres, referentiel).changements)


def test_chaque_ecart_est_la_difference_des_resultats_de_diagnum_score():
    scores = []
    for chemin in (AVANT, APRES):
        resultat = runner.invoke(app, ["score", str(chemin), "--format", "json"])
        assert resultat.exit_code == 0, resultat.output
        scores.append({d["id"]: d for d in json.loads(resultat.stdout)["domaines"]})
    for entree in compare_json(AVANT, APRES)["domaines"]:
        avant, apres = scores[0][entree["id"]], scores[1][entree["id"]]
        assert (entree["avant"], entree["apres"]) == (avant["score"], apres["score"])
        assert entree["delta"] == pytest.approx(apres["score"] - avant["score"], abs=0.05)
        if entree["moyens"] is not None:
            assert entree["moyens"]["delta"] == pytest.approx(apres["moyens"] - avant["moyens"], abs=0.05)


def test_une_reponse_changee_dans_une_copie_donne_un_seul_item(tmp_path):
    campagne, referentiel = charger(APRES)
    item = items_de_nature(referentiel, "affirmation")[-1]
    ancienne = campagne.reponse(item.domaine, item.id)
    copie = copie_modifiee(
        APRES,
        tmp_path / "copie.yaml",
        lambda d: d["reponses"][item.domaine].__setitem__(item.id, autre_reponse(ancienne)),
    )
    document = compare_json(APRES, copie)
    assert document["items"] == [
        {
            "domaine": item.domaine,
            "id": item.id,
            "libelle": item.libelle,
            "avant": ancienne,
            "apres": autre_reponse(ancienne),
            "sens": "amelioration" if ancienne == "non" else "regression",
        }
    ]
    changes = [d for d in document["domaines"] if d["delta"] not in (0, None)]
    assert [d["id"] for d in changes] in ([item.domaine], [])  # un élément d'analyse ne bouge que les moyens


def test_le_texte_separe_ameliorations_et_regressions():
    avant, referentiel = charger(AVANT)
    comparaison = comparer(avant, charger(APRES)[0], referentiel)
    resultat = compare(AVANT, APRES)
    assert resultat.exit_code == 0 and resultat.stderr == ""
    sortie = resultat.stdout
    debut_regressions = sortie.index(f"Régressions ({len(comparaison.regressions)})")
    ameliorations = sortie[sortie.index(f"Améliorations ({len(comparaison.ameliorations)})") : debut_regressions]
    regressions = sortie[debut_regressions : sortie.index("Objectifs fixés")]
    for changement in comparaison.regressions:
        assert f"{changement.id} : {changement.avant} → {changement.apres}" in regressions
        assert changement.id not in ameliorations
    for changement in comparaison.ameliorations:
        assert f"      {changement.id} : " in ameliorations
    for ecart in comparaison.domaines:
        assert re.search(rf"^{re.escape(ecart.axe)} .*{ecart.score.fleche}$", sortie, re.M)


def test_objectifs_juges_dans_les_deux_sens():
    atteints = compare_json(AVANT, APRES)["objectifs"]
    rates = compare_json(AVANT, AVANT)["objectifs"]
    assert any(o["atteint"] for o in atteints)
    assert any(not o["atteint"] for o in rates)
    for objectif in atteints + rates:
        assert objectif["atteint"] is (None if objectif["score"] is None else objectif["score"] >= objectif["cible"])
    # Les actions non réalisées portent leur statut le plus récent.
    statuts = {a["statut"] for o in atteints for a in o["actions_non_realisees"]}
    assert statuts and "realisee" not in statuts
    sortie = compare(AVANT, AVANT).stdout
    assert "non atteint" in sortie and "Actions non réalisées :" in sortie


def test_une_reponse_d_une_liste_garde_son_intitule():
    """« Formulaire de contact » seul ne dit rien : le libellé porte l'intitulé de sa liste."""
    referentiel = charger(APRES)[1]
    items = compare_json(AVANT, APRES)["items"]
    groupes = [i for i in items if getattr(referentiel.item(i["id"]), "groupe", None)]
    assert groupes, "les exemples changent au moins une réponse d'une liste"
    for changement in groupes:
        item = referentiel.item(changement["id"])
        assert changement["libelle"] == f"{item.groupe} {item.libelle}"


def test_une_echeance_se_juge_a_la_date_de_la_seconde_campagne():
    avant, apres = charger(AVANT)[0], charger(APRES)[0]
    objectifs = compare_json(AVANT, APRES)["objectifs"]
    futurs = [o for o in objectifs if o["echeance"] and dt.date.fromisoformat(o["echeance"]) > apres.date]
    assert futurs and all(o["echeance_passee"] is False for o in futurs)
    assert avant.date < apres.date
    sortie = compare(AVANT, APRES).stdout
    assert sortie.count("(pas encore échue à la date de la campagne)") == len(futurs)


# --------------------------------------------------------------------------
# Refus et erreurs


@pytest.fixture
def autre_college(tmp_path) -> Path:
    def changer(donnees):
        donnees["etablissement"]["nom"] = "Collège Lucie Aubrac"
        donnees["etablissement"]["uai"] = AUTRE_UAI

    chemin = copie_modifiee(AVANT, tmp_path / "autre.yaml", changer)
    assert charger(chemin)[0].etablissement.uai is not None
    return chemin


def test_deux_etablissements_sont_refuses_sans_force(autre_college):
    resultat = compare(AVANT, autre_college)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "ne concernent pas le même établissement" in resultat.stderr
    assert (
        charger(AVANT)[0].etablissement.uai in resultat.stderr
        and AUTRE_UAI in resultat.stderr
        and "--force" in resultat.stderr
    )
    force = compare(AVANT, autre_college, "--force")
    assert force.exit_code == 0
    assert "établissements différents" in force.stderr
    assert "Domaine" in force.stdout


def test_deux_versions_du_referentiel_sont_refusees(tmp_path, monkeypatch):
    dossier = tmp_path / "referentiels"
    dossier.mkdir()
    source = RACINE / "referentiel" / "2011.yaml"
    shutil.copy(source, dossier / "2011.yaml")
    (dossier / "2099.yaml").write_text(
        source.read_text(encoding="utf-8").replace('version: "2011"', 'version: "2099"', 1), encoding="utf-8"
    )
    monkeypatch.setenv("DIAGNUM_REFERENTIELS", str(dossier))
    future = copie_modifiee(APRES, tmp_path / "future.yaml", lambda d: d.__setitem__("referentiel", "2099"))
    for options in ([], ["--force"]):
        resultat = compare(AVANT, future, *options)
        assert resultat.exit_code == 1
        assert resultat.stdout == ""
        assert "2011" in resultat.stderr and "2099" in resultat.stderr
        assert "comparer des versions différentes n'est pas encore possible" in resultat.stderr


def test_une_campagne_en_erreur_est_refusee_avec_ses_constats(tmp_path):
    fautive = copie_modifiee(
        APRES, tmp_path / "fautive.yaml", lambda d: d["reference"].__setitem__("salles", "beaucoup")
    )
    resultat = compare(AVANT, fautive)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert re.search(rf"^{re.escape(str(fautive))}:\d+:\d+: \[erreur\] ", resultat.stderr, re.M)


def test_une_campagne_absente_empeche_de_travailler(tmp_path):
    resultat = compare(AVANT, tmp_path / "absente.yaml")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "absente.yaml : fichier ou dossier introuvable" in resultat.stderr


def test_l_ordre_inverse_est_signale():
    resultat = compare(APRES, AVANT)
    assert resultat.exit_code == 0
    assert "est datée après" in resultat.stderr
    assert "Progrès — " in resultat.stdout


# --------------------------------------------------------------------------
# Rapport de progression (-o)


def test_le_rapport_de_progression_et_ses_images(tmp_path):
    dossier = tmp_path / "progres"
    resultat = compare(AVANT, APRES, "-o", dossier)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    rapport = dossier / "progression.md"
    assert resultat.stdout == f"{rapport} : rapport de progression écrit\n"
    images = verifier_images(rapport)
    assert [i.name for i in images] == ["radar-progression.png"]
    avant, referentiel = charger(AVANT)
    comparaison = comparer(avant, charger(APRES)[0], referentiel)
    texte = rapport.read_text(encoding="utf-8")
    for ecart in comparaison.domaines:
        assert f"| {ecart.axe} | " in texte and f" {delta_fr(ecart.score.delta)} {ecart.score.fleche} |" in texte
    for changement in comparaison.changements:
        assert f"(`{changement.id}`)" in texte
    for bilan in comparaison.objectifs:
        assert f"| {bilan.titre} | " in texte
        for action in bilan.actions_non_realisees:
            assert action.libelle in texte
    assert "annexe 4.2" in texte


def test_le_rapport_n_ecrase_rien_sans_force(tmp_path):
    dossier = tmp_path / "progres"
    assert compare(AVANT, APRES, "-o", dossier).exit_code == 0
    rapport = dossier / "progression.md"
    rapport.write_text("à garder\n", encoding="utf-8")
    resultat = compare(AVANT, AVANT, "-o", dossier)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "progression.md existent déjà" in resultat.stderr and "--force" in resultat.stderr
    assert rapport.read_text(encoding="utf-8") == "à garder\n"
    force = compare(AVANT, AVANT, "-o", dossier, "--force")
    assert force.exit_code == 0
    assert "Aucune réponse n'a changé." in rapport.read_text(encoding="utf-8")
    verifier_images(rapport)


def test_un_dossier_parent_absent_empeche_de_travailler(tmp_path):
    resultat = compare(AVANT, APRES, "-o", tmp_path / "absent" / "progres")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "absent" in resultat.stderr
    assert not (tmp_path / "absent").exists()


def test_les_textes_de_l_utilisateur_restent_du_texte(tmp_path):
    nom = "Collège *Étoile* [lien](https://exemple.invalid) | _x_ <b>"

    def changer(donnees):
        donnees["etablissement"]["nom"] = nom
        donnees["objectifs"][0]["actions"][0]["libelle"] = "# Titre ? `code` et **gras**"

    avant = copie_modifiee(AVANT, tmp_path / "avant.yaml", changer)
    apres = copie_modifiee(APRES, tmp_path / "apres.yaml", lambda d: d["etablissement"].__setitem__("nom", nom))
    dossier = tmp_path / "progres"
    assert compare(avant, apres, "-o", dossier).exit_code == 0
    jetons = jetons_markdown((dossier / "progression.md").read_text(encoding="utf-8"))
    titre = next(j for i, j in enumerate(jetons) if i and jetons[i - 1].type == "heading_open")
    assert {j.type for j in titre.children} <= {"text", "text_special"}
    assert "".join(j.content for j in titre.children) == f"Progrès — {nom} (UAI {charger(APRES)[0].etablissement.uai})"
    assert not [j for j in jetons if j.type in ("link_open", "html_inline", "html_block")]
    assert not [j for j in jetons if j.type == "code_inline" and j.content == "code"]
    textes = " ".join(j.content for j in jetons if j.type == "text")
    assert "# Titre ? `code` et **gras**" in textes


def test_un_enseignant_de_plus_au_nombre_de_reference_ne_montre_aucune_baisse(tmp_path):
    def un_de_plus(donnees) -> None:
        donnees["reference"]["enseignants"] += 1

    plus = copie_modifiee(APRES, tmp_path / "plus.yaml", un_de_plus)
    resultat = compare(APRES, plus)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    tableau = resultat.stdout.split("Scores de 0 à 100")[0]
    assert "↓" not in tableau and "↑" not in tableau
    assert tableau.count("→") >= 7
    document = compare_json(APRES, plus)
    # les moyens rapportés aux enseignants bougent de quelques dixièmes : stable, pas une baisse
    assert any(d["moyens"] and d["moyens"]["delta"] < 0 for d in document["domaines"])
    assert {d["tendance"] for d in document["domaines"]} == {"stable"}
    assert {d["moyens"]["tendance"] for d in document["domaines"] if d["moyens"]} == {"stable"}
    assert document["items"] == []
    assert document["reference"] == [{"id": "enseignants", "libelle": "Nombre d’enseignants", "avant": 47, "apres": 48}]


def test_une_question_si_oui_non_posee_avant_s_ecrit_non_posee(tmp_path):
    def sans_droits(donnees) -> None:
        donnees["reponses"]["enseignant_en_classe"]["droits_ressources_transversales"] = "non"
        donnees["reponses"]["enseignant_en_classe"]["enseignants_ressources_transversales"] = None

    avant = copie_modifiee(APRES, tmp_path / "avant.yaml", sans_droits)
    resultat = compare(avant, APRES)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert "      enseignants_ressources_transversales : non posée → 17" in resultat.stdout
    assert "      droits_ressources_transversales : non → oui" in resultat.stdout


def test_chiffres_provisoires_marques_et_objectif_sans_score_non_mesurable(tmp_path):
    """Une campagne partielle : l'objectif dont le domaine n'a plus de score n'est pas « non atteint »,
    et un chiffre provisoire est marqué « (provisoire) » comme dans le rapport."""
    campagne_avant, _ = charger(AVANT)
    domaine = campagne_avant.objectifs[0].domaine

    def partielle(donnees) -> None:
        donnees["reponses"][domaine] = {}
        # pilotage : une seule réponse gardée, son score devient provisoire
        pilotage = donnees["reponses"]["pilotage"]
        for cle in list(pilotage)[1:]:
            del pilotage[cle]

    apres = copie_modifiee(APRES, tmp_path / "partielle.yaml", partielle)
    campagne, referentiel = charger(apres)
    profil = calculer_profil(campagne, referentiel)
    assert profil.domaine(domaine).score is None
    provisoire = profil.domaine("pilotage")
    assert provisoire.score is not None and provisoire.provisoire

    resultat = compare(AVANT, apres)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    titre = profil.domaine(domaine).axe
    (ligne,) = [ligne for ligne in resultat.stdout.splitlines() if ligne.startswith(f"  {titre} : ")]
    assert ligne.startswith(f"  {titre} : non mesurable (aucun score en 2024-2025 dans ce domaine)")
    (rangee,) = [ligne for ligne in resultat.stdout.splitlines() if ligne.startswith(provisoire.axe)]
    assert "100,0 (provisoire)" in rangee
    assert "(provisoire) : questions de ce chiffre renseignées à moins de 50\u00a0%." in resultat.stdout

    document = compare_json(AVANT, apres)
    (objectif,) = [o for o in document["objectifs"] if o["domaine"] == domaine]
    assert (objectif["atteint"], objectif["verdict"], objectif["score"]) == (None, "non mesurable", None)
    (ligne_json,) = [d for d in document["domaines"] if d["id"] == "pilotage"]
    assert (ligne_json["apres"], ligne_json["apres_provisoire"], ligne_json["avant_provisoire"]) == (100.0, True, False)

    dossier = tmp_path / "progres"
    assert compare(AVANT, apres, "-o", dossier).exit_code == 0
    texte = (dossier / "progression.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| {re.escape(titre)} \|.*\| non mesurable \|$", texte, re.M)
    assert re.search(rf"^\\| {re.escape(provisoire.axe)} \\| [0-9,]+ \\| 100,0 \\(provisoire\\) \\|", texte, re.M)


def test_le_pluriel_de_autre_changement():
    scores = RACINE / "tests" / "fixtures" / "scores"
    resultat = compare(scores / "regle3-provisoire.yaml", scores / "affirmation.yaml", "--force")
    assert resultat.exit_code == 0, resultat.output
    assert "19 autres changements)" in resultat.stdout and "autre changements" not in resultat.stdout
