"""``diagnum referentiel`` : liste des versions, tableau Rich, Markdown lisible partout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.referentiel import charger_referentiel, version_recente, versions_disponibles
from diagnum.sorties.commun import lignes_referentiel
from diagnum.sorties.markdown import referentiel as referentiel_markdown

RACINE = Path(__file__).resolve().parents[1]
runner = CliRunner()
ECHAPPEMENT_ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel()


def test_sans_version_la_liste_des_versions():
    resultat = runner.invoke(app, ["referentiel"])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    lignes = resultat.stdout.splitlines()
    for version in versions_disponibles():
        titre = charger_referentiel(version).titre
        assert any(ligne.startswith(version) and titre in ligne for ligne in lignes), version
    assert "(la plus récente)" in next(ligne for ligne in lignes if ligne.startswith(version_recente()))
    assert lignes[-1] == f"Pour le détail d'une version : diagnum referentiel {version_recente()}"


def test_liste_en_markdown():
    resultat = runner.invoke(app, ["referentiel", "--format", "markdown"])
    assert resultat.exit_code == 0
    jetons = MarkdownIt("commonmark").enable("table").parse(resultat.stdout)
    cellules = [j.content for j in jetons if j.type == "inline"]
    assert cellules[:2] == ["Version", "Référentiel"]
    assert versions_disponibles()[0] in cellules


def test_une_version_en_tableaux(referentiel):
    resultat = runner.invoke(app, ["referentiel", referentiel.version])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    sortie = resultat.stdout
    assert ECHAPPEMENT_ANSI.search(sortie) is None  # hors terminal : ni couleur ni gras
    assert sortie.startswith(f"{referentiel.titre} (version {referentiel.version})\n")
    for domaine in referentiel.domaines:
        assert domaine.section in sortie and f"reponses.{domaine.id}" in sortie
    # L'introduction d'une partie vient sous son titre, pas au-dessus.
    obligations = referentiel.obligations
    debut_introduction = " ".join(obligations.introduction.split()[:4])
    assert sortie.index(f"{obligations.section} {obligations.titre}") < sortie.index(debut_introduction)
    # Chaque identifiant, même replié sur deux lignes d'une cellule étroite, est là.
    colonne = "".join(re.findall(r"^│ (\S*)\s*│", sortie, flags=re.MULTILINE))
    position = 0
    for item in referentiel.par_id.values():
        position = colonne.find(item.id, position)
        assert position >= 0, item.id


def test_une_version_inconnue():
    resultat = runner.invoke(app, ["referentiel", "1999"])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr.startswith("diagnum : référentiel « 1999 » inconnu (versions disponibles : ")


# --------------------------------------------------------------------------
# Markdown : le même rendu dans GitLab, GitHub et VS Code (CommonMark + tableaux GFM)


def _tableaux(texte: str) -> list[list[list[str]]]:
    """Les tableaux tels qu'un moteur CommonMark + GFM les lit : lignes de cellules (texte brut)."""
    jetons = MarkdownIt("commonmark").enable("table").parse(texte)
    tableaux, ligne = [], None
    for jeton in jetons:
        if jeton.type == "table_open":
            tableaux.append([])
        elif jeton.type == "tr_open":
            ligne = []
        elif jeton.type == "inline" and ligne is not None:
            ligne.append("".join(e.content for e in jeton.children or [] if e.type in ("text", "code_inline")))
        elif jeton.type == "tr_close":
            tableaux[-1].append(ligne)
            ligne = None
    return tableaux


def test_markdown_un_tableau_par_partie_avec_chaque_question(referentiel):
    resultat = runner.invoke(app, ["referentiel", referentiel.version, "--format", "markdown"])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    assert resultat.stdout == referentiel_markdown(referentiel)
    parties = [p for p in lignes_referentiel(referentiel) if p.lignes]  # 3.6 n'est qu'un chapeau, sans tableau
    tableaux = _tableaux(resultat.stdout)
    assert len(tableaux) == len(parties)
    for tableau, partie in zip(tableaux, parties, strict=True):
        assert tableau[0] == ["Section", "Identifiant", "Question", "Réponse"]
        corps = tableau[1:]
        assert len(corps) == len(partie.lignes)  # aucune ligne cassée par un « | » ou un retour
        for cellules, ligne in zip(corps, partie.lignes, strict=True):
            assert len(cellules) == 4
            assert cellules[1] == ligne.identifiant
            assert cellules[2] == " ".join(ligne.question.split())  # texte intact une fois rendu
            assert cellules[3] == ligne.reponse
    identifiants = {c[1] for t in tableaux for c in t[1:]}
    assert set(referentiel.par_id) <= identifiants


def test_markdown_titres_et_paragraphes(referentiel):
    texte = referentiel_markdown(referentiel)
    jetons = MarkdownIt("commonmark").enable("table").parse(texte)
    titres = [
        "".join(e.content for e in jetons[i + 1].children)
        for i, j in enumerate(jetons)
        if j.type == "heading_open" and j.tag == "h2"
    ]
    assert titres == [p.titre for p in lignes_referentiel(referentiel)]
    assert "\n\n\n" not in texte and texte.endswith("|\n")
    # Un tableau forme un bloc à lui seul, précédé d'une ligne vide (sinon GitHub le colle au paragraphe).
    blocs = texte.split("\n\n")
    tableaux = [b for b in blocs if "| Section |" in b]
    assert len(tableaux) == len([p for p in lignes_referentiel(referentiel) if p.lignes]) == len(titres) - 1
    for bloc in tableaux:
        entete, separateur = bloc.splitlines()[:2]
        assert entete == "| Section | Identifiant | Question | Réponse |"
        assert re.fullmatch(r"\|( -+ \|){4}", separateur)


def test_markdown_le_questionnaire_entier_textes_de_loi_chapeau_des_usages_et_date(referentiel):
    texte = referentiel_markdown(referentiel)
    jetons = MarkdownIt("commonmark").enable("table").parse(texte)
    rendu = [j.content for j in jetons if j.type == "inline"]
    # Les textes de loi de 3.2, en liste sous l'introduction, tels quels une fois rendus.
    puces = [jetons[i + 2].content for i, j in enumerate(jetons) if j.type == "list_item_open"]
    assert puces == list(referentiel.obligations.textes)
    assert len(puces) == 7
    # 3.6 : son titre et son introduction, avant le premier domaine d'usage.
    usages = referentiel.usages
    titre = f"{usages.section} {usages.titre}"
    assert rendu.index(titre) + 1 == rendu.index(usages.introduction)
    premier_usage = next(d for d in referentiel.domaines if d.est_usage)
    assert rendu.index(usages.introduction) < next(
        i for i, r in enumerate(rendu) if r.startswith(premier_usage.section)
    )
    # La date du questionnaire (« Date : » de 3.1) : la clé « date » de la campagne.
    (ligne_date,) = [t for t in _tableaux(texte)[0] if t[1] == "date"]
    assert ligne_date == ["3.1", "date", referentiel.reference.date_libelle, "date AAAA-MM-JJ"]


def test_tableaux_rich_textes_de_loi_chapeau_des_usages_et_date(referentiel, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    resultat = runner.invoke(app, ["referentiel", referentiel.version])
    assert resultat.exit_code == 0 and resultat.stderr == ""
    sortie = resultat.stdout
    for texte in referentiel.obligations.textes:
        assert f"• {texte}" in sortie
    assert f"{referentiel.usages.section} {referentiel.usages.titre}\n" in sortie
    assert re.search(r"│ date +│ Date +│", sortie)
