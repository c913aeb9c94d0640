"""``diagnum rapport`` : Markdown lisible, images liées, textes libres échappés, fichier de référence.

Le rapport d'un exemple est comparé octet pour octet à
tests/golden/rapport-<exemple>.md ; pour le régénérer après un changement
voulu : ``DIAGNUM_REGENERER=1 .venv/bin/pytest tests/test_rapport.py``.
"""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.calculs.scores import calculer_profil, lire_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Action, Campagne, Etablissement, Objectif
from diagnum.cli import app
from diagnum.rapports.rapport import (
    DOSSIER_MODELES,
    MODELE_RAPPORT,
    NOM_RADAR,
    construire_rapport,
    echapper_markdown,
    echapper_paragraphes,
    environnement_jinja,
    nom_image_repartition,
    texte_rapport,
)
from diagnum.referentiel import Referentiel, construire_referentiel
from outils_progression import images_markdown, jetons_markdown, verifier_images
from strategies_hostiles import SPECIAUX

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "exemples"
EXEMPLE_DE_REFERENCE = EXEMPLES / "college-jean-moulin-2024-2025.yaml"
PREMIER_DIAGNOSTIC = EXEMPLES / "college-jean-moulin-2023-2024.yaml"
GOLDEN = Path(__file__).parent / "golden" / f"rapport-{EXEMPLE_DE_REFERENCE.stem}.md"
FIXTURES = Path(__file__).parent / "fixtures" / "scores"
runner = CliRunner()


def rapport(*args: object):
    return runner.invoke(app, ["rapport", *map(str, args)])


def section(texte: str, titre: str) -> str:
    """Le texte d'une section, de son titre au titre suivant de même niveau ou plus haut."""
    niveau = len(titre) - len(titre.lstrip("#"))
    debut = texte.index(titre + "\n")
    suite = re.search(rf"^#{{1,{niveau}}} ", texte[debut + len(titre) :], re.M)
    return texte[debut : debut + len(titre) + (suite.start() if suite else len(texte))]


def markdown(texte: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(texte)


def echappe_html(texte: str) -> str:
    return html.escape(texte, quote=False).replace('"', "&quot;")


# --------------------------------------------------------------------------
# Fichier de référence


def test_rapport_de_reference():
    texte = texte_rapport(*charger_campagne(EXEMPLE_DE_REFERENCE))
    if os.environ.get("DIAGNUM_REGENERER"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(texte, encoding="utf-8", newline="\n")
    assert GOLDEN.read_text(encoding="utf-8") == texte, (
        "le rapport a changé : relisez la différence, puis DIAGNUM_REGENERER=1 pour mettre à jour"
    )


def test_cli_ecrit_le_rapport_de_reference_et_ses_images(tmp_path):
    dossier = tmp_path / "rapport"
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", dossier)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout.startswith(f"{dossier / 'rapport.md'} : rapport écrit (")
    assert (dossier / "rapport.md").read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    liees = {chemin.name for chemin in verifier_images(dossier / "rapport.md")}
    ecrites = {chemin.name for chemin in dossier.iterdir()} - {"rapport.md"}
    assert liees == ecrites, "chaque image écrite est liée, chaque image liée est écrite"
    assert NOM_RADAR in liees


def test_dossier_deplacable_liens_relatifs(tmp_path):
    assert rapport(EXEMPLE_DE_REFERENCE, "-o", tmp_path / "a").exit_code == 0
    shutil.move(tmp_path / "a", tmp_path / "b")
    for source in images_markdown(tmp_path / "b" / "rapport.md"):
        assert "/" not in source and not source.startswith(".."), source
        assert (tmp_path / "b" / source).is_file()


# --------------------------------------------------------------------------
# Contenu


def test_chaque_domaine_d_usage_renseigne_a_son_graphique_de_repartition():
    campagne, referentiel = charger_campagne(EXEMPLE_DE_REFERENCE)
    resultat = construire_rapport(campagne, referentiel)
    usages = [d for d in referentiel.domaines if d.est_usage]
    assert set(resultat.images) == {NOM_RADAR} | {nom_image_repartition(d.id) for d in usages}
    liens = [j.attrGet("src") for j in jetons_markdown(resultat.texte) if j.type == "image"]
    assert sorted(liens) == sorted(resultat.images)
    for octets in resultat.images.values():
        assert octets[:8] == b"\x89PNG\r\n\x1a\n"


def test_sections_dans_l_ordre():
    texte = texte_rapport(*charger_campagne(EXEMPLE_DE_REFERENCE))
    titres = [ligne for ligne in texte.splitlines() if ligne.startswith("## ")]
    attendus = [
        "## Identification",
        "## 3.1 Éléments de référence",
        "## Complétude des réponses",
        "## Diagramme de synthèse",
        "## 3.2 Obligations réglementaires",
        "## Points forts et points faibles",
        "## Détail par domaine",
        "## Items sans réponse",
        "## Commentaires du groupe de pilotage",
        "## Plan d'objectifs",
        "## Comment les scores sont calculés",
    ]
    assert titres == attendus


def test_obligations_non_respectees_d_abord_et_dans_les_points_faibles():
    campagne, referentiel = charger_campagne(PREMIER_DIAGNOSTIC)
    profil = calculer_profil(campagne, referentiel)
    texte = texte_rapport(campagne, referentiel, profil)
    non_respectees = [o for o in profil.obligations if not o.respectee]
    assert non_respectees, "l'exemple doit avoir une obligation non respectée"
    lignes = [
        ligne for ligne in section(texte, "## 3.2 Obligations réglementaires").splitlines() if "respectée" in ligne
    ]
    etats = ["non respectée" in ligne for ligne in lignes if ligne.startswith("| ")]
    assert etats == sorted(etats, reverse=True) and etats[0]
    faibles = section(texte, "### Points faibles").splitlines()
    premier_point = next(ligne for ligne in faibles if ligne.startswith("- "))
    assert non_respectees[0].libelle in premier_point


def test_points_forts_faibles_et_ecarts_moyens_usage():
    campagne, referentiel = charger_campagne(PREMIER_DIAGNOSTIC)
    profil = calculer_profil(campagne, referentiel)
    lecture = lire_profil(profil, referentiel.notation)
    assert lecture.forts and lecture.faibles and lecture.sous_utilises, "l'exemple doit illustrer chaque cas"
    texte = texte_rapport(campagne, referentiel, profil)

    def points(titre: str) -> list[str]:
        return [ligne for ligne in section(texte, titre).splitlines() if ligne.startswith("- ")]

    assert [p.split("**")[1] for p in points("### Points forts")] == [f"{d.section} {d.axe}" for d in lecture.forts]
    faibles = [p for p in points("### Points faibles") if not p.startswith("- **Obligation")]
    assert [p.split("**")[1] for p in faibles] == [f"{d.section} {d.axe}" for d in lecture.faibles]
    sous = points("### Équipement sous-utilisé")
    assert [p.split("**")[1] for p in sous] == [f"{d.section} {d.axe}" for d in lecture.sous_utilises]
    assert all("peu utilisés" in p for p in sous)
    assert "Aucun domaine d'usage dont l'usage dépasse" in section(texte, "### Pratiques freinées par l'équipement")


def test_usage_a_cote_des_moyens_pour_chaque_domaine_d_usage():
    campagne, referentiel = charger_campagne(EXEMPLE_DE_REFERENCE)
    profil = calculer_profil(campagne, referentiel)
    texte = texte_rapport(campagne, referentiel, profil)
    from diagnum.affichage import score_fr

    for d in profil.domaines:
        detail = section(texte, f"### {d.section} {d.axe}")
        if d.nature == "usage":
            assert f"| Chiffre | {score_fr(d.usage)} / 100 | {score_fr(d.moyens)} / 100 |" in detail
            assert f"]({nom_image_repartition(d.id)})" in detail
        else:
            assert "Usage (indicateurs)" not in detail
        assert f"**Score : {score_fr(d.score)} / 100**" in detail


def test_comment_les_scores_sont_calcules_vient_de_la_notation():
    source = (RACINE / "referentiel" / "2011.yaml").read_text(encoding="utf-8")
    modifications = {
        "occasionnellement: 0.5": "occasionnellement: 0.3",
        "point_fort: 66": "point_fort: 70",
        "seuil_provisoire: 0.5": "seuil_provisoire: 0.4",
        "leviers: 3": "leviers: 2",
        "facteur: 0.2": "facteur: 0.25",
    }
    for avant, apres in modifications.items():
        assert source.count(avant) == 1
        source = source.replace(avant, apres)
    campagne, referentiel = charger_campagne(EXEMPLE_DE_REFERENCE)
    normal = section(texte_rapport(campagne, referentiel), "## Comment les scores sont calculés")
    modifie_ref = construire_referentiel(source.encode("utf-8"), "modifié.yaml")
    modifie = section(texte_rapport(campagne, modifie_ref), "## Comment les scores sont calculés")
    assert "0,5 × occasionnellement" in normal and "0,3 × occasionnellement" in modifie
    assert "inférieure à 50\u00a0%" in normal and "inférieure à 40\u00a0%" in modifie
    assert "montre ses 3 plus grands gains" in normal and "montre ses 2 plus grands gains" in modifie
    assert "1 pour 5 salles" in normal and "1 pour 4 salles" in modifie
    assert "à partir de 70 / 100" in texte_rapport(campagne, modifie_ref)


def test_plan_d_objectifs_seulement_s_il_existe():
    campagne, referentiel = charger_campagne(EXEMPLE_DE_REFERENCE)
    assert campagne.objectifs
    plan = section(texte_rapport(campagne, referentiel), "## Plan d'objectifs")
    for objectif in campagne.objectifs:
        for action in objectif.actions:
            assert echapper_markdown(action.libelle) in plan
    sans = texte_rapport(*charger_campagne(FIXTURES / "affirmation.yaml"))
    assert "## Plan d'objectifs" not in sans
    assert "## Commentaires du groupe de pilotage" not in sans


def test_items_sans_reponse_par_libelle():
    campagne, referentiel = charger_campagne(FIXTURES / "affirmation.yaml")
    profil = calculer_profil(campagne, referentiel)
    texte = section(texte_rapport(campagne, referentiel, profil), "## Items sans réponse")
    for identifiant in profil.domaine("assistance_technique").sans_reponse:
        assert f"- {echapper_markdown(referentiel.item(identifiant).libelle)}\n" in texte
    matrice = next(i for d in referentiel.domaines for i in d.items if i.nature == "matrice")
    assert f"- {echapper_markdown(matrice.lignes[0].libelle)} : " in texte


def test_domaine_sans_score_et_provisoire_dans_le_rapport():
    campagne, referentiel = charger_campagne(FIXTURES / "affirmation.yaml")
    texte = texte_rapport(campagne, referentiel)
    synthese = section(texte, "## Diagramme de synthèse")
    assert "| sans score |" in synthese
    assert "(provisoire)" in synthese
    # un domaine sans score n'est pas un point faible : il est non renseigné
    assert "Pilotage" not in section(texte, "### Points faibles")
    assert "- **3.3 Pilotage et organisation** : aucune réponse comptée" in section(texte, "### Non renseigné")


# --------------------------------------------------------------------------
# Échappement des textes libres

textes_libres = st.lists(st.sampled_from(SPECIAUX), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(texte=textes_libres)
def test_echapper_markdown_paragraphe_titre_liste_cellule(texte):
    echappe = echapper_markdown(texte)
    assert "\n" not in echappe and "\r" not in echappe
    attendu = echappe_html(" ".join(texte.split()))
    if not attendu:
        assert echappe == ""
        return
    assert markdown(echappe) == f"<p>{attendu}</p>\n"
    assert markdown(f"# Titre — {echappe}") == f"<h1>Titre — {attendu}</h1>\n"
    assert markdown(f"- {echappe}") == f"<ul>\n<li>{attendu}</li>\n</ul>\n"
    assert markdown(f"**Nom** : {echappe}") == f"<p><strong>Nom</strong> : {attendu}</p>\n"
    tableau = markdown(f"| a | b |\n| --- | --- |\n| {echappe} | x |\n")
    assert f"<td>{attendu}</td>\n<td>x</td>" in tableau


@settings(max_examples=100, deadline=None)
@given(texte=textes_libres)
def test_echapper_paragraphes_garde_les_lignes(texte):
    paragraphes: list[list[str]] = [[]]
    for ligne in re.split(r"\r\n|\r|\n", texte):
        ligne = " ".join(ligne.split())
        if ligne:
            paragraphes[-1].append(echappe_html(ligne))
        elif paragraphes[-1]:
            paragraphes.append([])
    saut = "<br />\n"
    attendu = "".join(f"<p>{saut.join(p)}</p>\n" for p in paragraphes if p)
    assert markdown(echapper_paragraphes(texte)) == attendu


@functools.cache
def reference() -> tuple[Campagne, Referentiel]:
    return charger_campagne(EXEMPLE_DE_REFERENCE)


def _campagne_libre(nom: str, commune: str, libelle: str, commentaires: str, action: str) -> Campagne:
    campagne, _ = reference()
    objectif = campagne.objectifs[0]
    return Campagne(
        referentiel=campagne.referentiel,
        chemin=campagne.chemin,
        etablissement=Etablissement(nom=nom, uai=campagne.etablissement.uai, commune=commune),
        campagne=libelle,
        date=campagne.date,
        reference=campagne.reference,
        obligations=campagne.obligations,
        reponses=campagne.reponses,
        commentaires=commentaires,
        objectifs=(Objectif(objectif.domaine, objectif.cible, None, (Action(action, responsable=action),)),),
    )


def _structure(texte: str) -> list[tuple[str, str, int]]:
    return [(j.type, j.tag, j.nesting) for j in jetons_markdown(texte) if j.type != "text"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(textes=st.lists(textes_libres, min_size=5, max_size=5))
def test_textes_libres_du_rapport_sortent_comme_du_texte(textes):
    _, referentiel = reference()
    piege = texte_rapport(_campagne_libre(*textes), referentiel)
    # Même campagne, chaque caractère visible remplacé par « x » (mêmes lignes, mêmes blancs).
    sage = texte_rapport(_campagne_libre(*(re.sub(r"\S", "x", t) for t in textes)), referentiel)
    assert _structure(piege) == _structure(sage), "un texte libre a changé la structure du rapport"
    rendu = markdown(piege)
    for texte in textes:
        for ligne in re.split(r"\r\n|\r|\n", texte):
            assert echappe_html(" ".join(ligne.split())) in rendu


def test_nom_piege_dans_le_rapport_reste_du_texte():
    _, referentiel = charger_campagne(EXEMPLE_DE_REFERENCE)
    nom = "{{ 7*7 }} <script>x</script> | # $x_1<y$"
    texte = texte_rapport(_campagne_libre(nom, "a\nb", "c|d", "# titre\n- liste\n\n1. un", "**gras**"), referentiel)
    rendu = markdown(texte)
    assert "<script>" not in rendu
    assert echappe_html(nom) in rendu
    assert "<h1>titre</h1>" not in rendu and "<strong>gras</strong>" not in rendu


def test_environnement_jinja():
    import jinja2

    environnement = environnement_jinja()
    assert environnement is environnement_jinja(), "créé une seule fois"
    assert environnement.undefined is jinja2.StrictUndefined
    assert environnement.autoescape is False and environnement.keep_trailing_newline is True
    assert (DOSSIER_MODELES / MODELE_RAPPORT).is_file()
    assert DOSSIER_MODELES.is_relative_to(Path(__import__("diagnum").__file__).parent), "gabarit livré dans le paquet"


# --------------------------------------------------------------------------
# Ligne de commande : refus, dossiers


def test_rapport_existant_refuse_sans_force(tmp_path):
    dossier = tmp_path / "r"
    dossier.mkdir()
    (dossier / "rapport.md").write_text("le mien", encoding="utf-8")
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", dossier)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "rapport.md existe déjà" in resultat.stderr and "--force" in resultat.stderr
    assert (dossier / "rapport.md").read_text(encoding="utf-8") == "le mien"
    assert [p.name for p in dossier.iterdir()] == ["rapport.md"]
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", dossier, "--force")
    assert resultat.exit_code == 0, resultat.output
    assert (dossier / "rapport.md").read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_image_existante_refusee_sans_force(tmp_path):
    (tmp_path / NOM_RADAR).write_bytes(b"ancien")
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", tmp_path)
    assert resultat.exit_code == 1
    assert NOM_RADAR in resultat.stderr
    assert (tmp_path / NOM_RADAR).read_bytes() == b"ancien"
    assert not (tmp_path / "rapport.md").exists()


def test_dossier_parent_absent_code_2(tmp_path):
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", tmp_path / "absent" / "rapport")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "le dossier parent" in resultat.stderr and "n'existe pas" in resultat.stderr
    assert not (tmp_path / "absent").exists()


def test_dossier_qui_est_un_fichier_code_2(tmp_path):
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    resultat = rapport(EXEMPLE_DE_REFERENCE, "-o", tmp_path / "fichier")
    assert resultat.exit_code == 2
    assert "n'est pas un dossier" in resultat.stderr


def test_dossier_par_defaut(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    resultat = rapport(FIXTURES / "affirmation.yaml")
    assert resultat.exit_code == 0, resultat.output
    assert (tmp_path / "rapport-affirmation" / "rapport.md").is_file()
    verifier_images(tmp_path / "rapport-affirmation" / "rapport.md")


def test_campagne_invalide_rien_n_est_cree(tmp_path):
    chemin = tmp_path / "mauvaise.yaml"
    chemin.write_text('referentiel: "2011"\nreference:\n  eleves: beaucoup\n', encoding="utf-8")
    resultat = rapport(chemin, "-o", tmp_path / "r")
    assert resultat.exit_code == 1
    assert "mauvaise.yaml:3:" in resultat.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("commande", ["valider", "score"])
def test_matplotlib_et_jinja2_pas_importes_hors_dessin(commande, tmp_path):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from diagnum.cli import app\n"
        f"r = CliRunner().invoke(app, [{commande!r}, {str(EXEMPLE_DE_REFERENCE)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))\n"
    )
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert sortie.stdout.strip() == "[]"


def test_le_rapport_dit_d_ou_viennent_les_comptages_d_usage_manquants():
    """Campagne partielle : chaque comptage manquant d'un domaine d'usage est rattaché à l'enquête
    de son public (``diagnum enquete``) ou aux outils de l'établissement (``diagnum sources importer``)."""
    campagne, referentiel = charger_campagne(Path(__file__).parent / "fixtures" / "scores" / "repartition.yaml")
    texte = texte_rapport(campagne, referentiel)
    profil = calculer_profil(campagne, referentiel)
    sections = texte.split("\n### ")
    vus = set()
    for domaine in referentiel.domaines:
        if not domaine.est_usage:
            continue
        (section,) = [s for s in sections if s.startswith(f"{domaine.section} ")]
        manquants = set(profil.domaine(domaine.id).sans_reponse)
        for item in domaine.items:
            if item.id not in manquants or item.nature not in ("repartition", "nombre"):
                continue
            libelle = f"« {item.libelle.rstrip(' :')} »"
            ligne = next(ligne for ligne in section.splitlines() if libelle in ligne)
            vus.add(item.collecte is not None)
            if item.collecte is not None:
                public = item.collecte.public
                assert f"`diagnum enquete questionnaire {public}`" in ligne
                assert f"`diagnum enquete importer EXPORT --public {public} --dans CAMPAGNE`" in ligne
            else:
                assert ligne.startswith("- dans les outils de l'établissement")
                assert "`diagnum sources importer`" in ligne
    assert vus == {True, False}
    # une campagne complète n'en dit rien
    assert "D'où viennent les comptages qui manquent" not in texte_rapport(*charger_campagne(EXEMPLE_DE_REFERENCE))
