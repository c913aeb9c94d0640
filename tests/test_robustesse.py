"""Aucun texte ne fait planter diagnum : seulement ses propres erreurs, codes 0, 1 ou 2.

Trois sources de fichiers : du texte tiré au hasard dans un alphabet riche en
ponctuation YAML, ``$``, ``\\``, tabulations, espaces insécables, caractères
de contrôle et entiers géants ; un exemple complet muté (caractères ou entiers
géants insérés, remplacés ou supprimés au hasard), qui passe l'analyse YAML et
atteint la validation, les scores et le rapport ; et des campagnes hostiles
(``strategies_hostiles`` : caractères de contrôle et fins de ligne dans chaque
texte libre et dans les noms de fichiers, entiers géants), passées à toutes
les commandes et à tous les rapports. Une exception inattendue deviendrait, par
``gerer_erreurs``, « erreur interne » sur stderr : on la traque aussi.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_texte
from diagnum.campagne.diagnostics import Diagnostic, Position, avertissement, erreur
from diagnum.cli import app
from diagnum.sorties import texte as sorties
from strategies_hostiles import en_yaml, entier_geant_ecrit, nom_de_fichier_hostile, texte_hostile

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
runner = CliRunner()

PONCTUATION = [*":-?[]{},#&*!|>'\"%@`~=<$\\/.+", "\t", " ", "\n", "\r", "\u00a0", "\ufeff", "\u2028"]
CONTROLES = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85)]
MOTS = ["referentiel", "campagne", "etablissement", "nom", "uai", "reference", "objectifs", "oui", "non", "2011"]
# Des entiers géants (au-delà de la limite de 4 300 chiffres de Python) et des nombres mal écrits.
MOTS += ["1" + "0" * 309, "7" * 5000, "0x" + "f" * 5000, "0o17", "0b11", "5_98"]
caractere = st.sampled_from(PONCTUATION + CONTROLES) | st.characters(codec="utf-8", exclude_categories=("Cs",))
texte_yaml = st.lists(caractere | st.sampled_from(MOTS), max_size=120).map("".join)

COMMANDES = {
    "valider": lambda f, d: ["valider", str(f)],
    "valider-json": lambda f, d: ["valider", "--format", "json", "--complet", str(f)],
    "score": lambda f, d: ["score", str(f)],
    "score-csv": lambda f, d: ["score", "--format", "csv", str(f)],
    "rapport": lambda f, d: ["rapport", str(f), "-o", str(d / "rapport"), "--force"],
    "enquete-importer": lambda f, d: [
        *("enquete", "importer", str(RACINE / "exemples" / "enquete-enseignants-limesurvey.csv")),
        *("--public", "enseignants", "--dans", str(f), "--force"),
    ],
}
REGLAGES = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def sans_plantage(resultat) -> None:
    """La commande s'est terminée comme prévu : un code connu, pas de trace Python, pas d'erreur interne."""
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit), repr(resultat.exception)
    assert resultat.exit_code in (0, 1, 2), resultat.output
    assert "Traceback" not in resultat.output
    assert "erreur interne" not in resultat.stderr, resultat.stderr


def lancer(commande: str, contenu: bytes, dossier: Path):
    fichier = dossier / "campagne.yaml"
    fichier.write_bytes(contenu)
    return runner.invoke(app, COMMANDES[commande](fichier, dossier))


@pytest.mark.parametrize("commande", sorted(COMMANDES))
@settings(max_examples=40, **REGLAGES)
@given(texte=texte_yaml)
def test_texte_quelconque(tmp_path, commande, texte):
    sans_plantage(lancer(commande, texte.encode("utf-8", errors="surrogatepass"), tmp_path))


@settings(max_examples=30, **REGLAGES)
@given(octets=st.binary(max_size=300))
def test_octets_quelconques(tmp_path, octets):
    resultat = lancer("valider", octets, tmp_path)
    sans_plantage(resultat)
    assert resultat.exit_code in (0, 1)


@st.composite
def exemple_mute(draw) -> bytes:
    """Un exemple complet, abîmé par quelques insertions, remplacements ou suppressions."""
    texte = draw(st.sampled_from(EXEMPLES)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(texte)))
        ajout = draw(st.lists(caractere | entier_geant_ecrit, min_size=0, max_size=3).map("".join))
        longueur = draw(st.integers(0, 3))
        texte = texte[:position] + ajout + texte[position + longueur :]
    return texte.encode("utf-8", errors="surrogatepass")


@pytest.mark.parametrize("commande", ["valider-json", "score", "score-csv", "enquete-importer"])
@settings(max_examples=50, **REGLAGES)
@given(contenu=exemple_mute())
def test_exemple_mute(tmp_path, commande, contenu):
    sans_plantage(lancer(commande, contenu, tmp_path))


@settings(max_examples=12, **REGLAGES)
@given(contenu=exemple_mute())
def test_exemple_mute_rapport(tmp_path, contenu):
    """Le rapport dessine (lent) : moins d'exemples, mais une campagne mutée encore valide va jusqu'aux images."""
    resultat = lancer("rapport", contenu, tmp_path)
    sans_plantage(resultat)
    if resultat.exit_code == 0:
        assert (tmp_path / "rapport" / "rapport.md").is_file()


@settings(max_examples=60, **REGLAGES)
@given(contenu=exemple_mute())
def test_constats_bien_formes(contenu):
    """Chaque constat d'un fichier muté pointe dans le fichier et porte un message en une ligne."""
    resultat = valider_texte(contenu, "campagne.yaml", complet=True)
    # Fins de ligne de YAML (et des éditeurs) : \r\n, \n, et un \r seul.
    nombre_lignes = contenu.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    for d in resultat.diagnostics:
        assert 1 <= d.ligne <= nombre_lignes + 1, d
        assert d.colonne >= 1, d
        assert d.message.strip() and d.code


# --------------------------------------------------------------------------
# Sortie texte hors terminal : le même texte que Rich, sans l'importer


message = st.text(alphabet=st.sampled_from([*":-?[]{},#&*!|>'\"%@`~=<$\\/.+\t", *"abcé«» "]), max_size=60)


@settings(max_examples=60, deadline=None)
@given(
    constats=st.lists(
        st.tuples(st.integers(1, 9999), st.integers(1, 300), st.booleans(), message, st.sampled_from(["code", "x-y"])),
        max_size=5,
    ),
    chemin=st.text(alphabet=st.sampled_from(list("ab/._-[]:\\é ")), min_size=1, max_size=20),
)
def test_sortie_texte_identique_a_rich(constats, chemin):
    """Hors terminal, le texte écrit sans Rich est celui que Rich écrirait (couleurs en moins)."""
    diagnostics: list[Diagnostic] = [
        (erreur if grave else avertissement)(Position(ligne, colonne), code, texte)
        for ligne, colonne, grave, texte, code in constats
    ]
    fichiers = [(chemin, diagnostics), ("autre.yaml", [])]
    sans_rich = io.StringIO()
    sorties.ecrire_texte(fichiers, sans_rich)
    avec_rich = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("NO_COLOR", raising=False)  # sinon ce serait encore le chemin sans Rich
        patch.setattr(sorties, "_terminal", lambda _flux: True)
        sorties.ecrire_texte(fichiers, avec_rich)
    assert sans_rich.getvalue() == avec_rich.getvalue()
    assert sans_rich.getvalue().endswith(sorties.bilan(fichiers) + "\n")
    lignes = sans_rich.getvalue().splitlines()
    assert len(lignes) == (len(diagnostics) + 2 if diagnostics else 0) + 1
    assert all(ligne.endswith(f"  ({d.code})") for ligne, d in zip(lignes[1:], diagnostics, strict=False))


# --------------------------------------------------------------------------
# Campagnes hostiles (issue 15) : textes libres et noms de fichiers pleins de caractères de
# contrôle et de fins de ligne, entiers géants ; toutes les commandes, tous les rapports.

AVANT, APRES = EXEMPLES[0], EXEMPLES[1]
_TEXTES_LIBRES = re.compile(r"^(  nom|  commune|campagne|\s+- libelle|\s+responsable): .*$", re.MULTILINE)
_EFFECTIF = re.compile(r"^(  eleves): \d+$", re.MULTILINE)


@st.composite
def campagne_hostile(draw, exemple: Path) -> bytes:
    """Un exemple dont chaque texte libre est hostile, et parfois un effectif géant."""
    texte = exemple.read_text(encoding="utf-8")
    texte = _TEXTES_LIBRES.sub(lambda m: f"{m.group(1)}: {en_yaml(draw(texte_hostile))}", texte)
    texte = re.sub(r"(?ms)^commentaires: \|.*", "", texte) + f"commentaires: {en_yaml(draw(texte_hostile))}\n"
    if draw(st.booleans()):
        texte = _EFFECTIF.sub(lambda m: f"{m.group(1)}: {draw(entier_geant_ecrit)}", texte)
    return texte.encode("utf-8")


def sans_sequence_terminal(resultat) -> None:
    """Aucune séquence d'échappement ni caractère de contrôle venu des fichiers n'atteint le terminal."""
    for sortie in (resultat.stdout, resultat.stderr):
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", sortie), repr(sortie)


COMMANDES_HOSTILES = {
    "valider": lambda a, b, d: ["valider", str(a), str(b)],
    "valider-parsable": lambda a, b, d: ["valider", "--format", "parsable", str(a), str(b)],
    "valider-github": lambda a, b, d: ["valider", "--format", "github", "--complet", str(a), str(b)],
    "score": lambda a, b, d: ["score", str(b)],
    "compare": lambda a, b, d: ["compare", str(a), str(b), "--force"],
    "evolution": lambda a, b, d: ["evolution", str(a), str(b), "--force"],
}
RAPPORTS_HOSTILES = {
    "rapport": (lambda a, b, d: ["rapport", str(b), "-o", str(d)], "rapport.md"),
    "compare-o": (lambda a, b, d: ["compare", str(a), str(b), "-o", str(d), "--force"], "progression.md"),
    "evolution-o": (lambda a, b, d: ["evolution", str(a), str(b), "-o", str(d), "--force"], "evolution.md"),
    "rapport-html": (lambda a, b, d: ["rapport", str(b), "-o", str(d), "--format", "html"], "rapport.html"),
    "evolution-html": (
        lambda a, b, d: ["evolution", str(a), str(b), "-o", str(d), "--force", "--format", "tout"],
        "evolution.html",
    ),
}


#: Deux campagnes hostiles du même établissement, sous deux noms de fichiers hostiles.
paire_hostile = st.tuples(
    campagne_hostile(AVANT),
    campagne_hostile(APRES),
    st.lists(nom_de_fichier_hostile, min_size=2, max_size=2, unique=True),
)


def lancer_paire(dossier: Path, paire: tuple[bytes, bytes, list[str]], commande):
    """Écrit la paire dans ``dossier`` et lance la commande ; sans plantage ni séquence du terminal."""
    *contenus, noms = paire
    a, b = (dossier / nom for nom in noms)
    for chemin, contenu in zip((a, b), contenus, strict=True):
        chemin.write_bytes(contenu)
    resultat = runner.invoke(app, commande(a, b, dossier / "sortie"))
    sans_plantage(resultat)
    sans_sequence_terminal(resultat)
    return resultat


@pytest.mark.parametrize("commande", sorted(COMMANDES_HOSTILES))
@settings(max_examples=15, **REGLAGES)
@given(paire=paire_hostile)
def test_campagnes_hostiles(tmp_path_factory, commande, paire):
    lancer_paire(tmp_path_factory.mktemp("hostile"), paire, COMMANDES_HOSTILES[commande])


@pytest.mark.parametrize("rapport", sorted(RAPPORTS_HOSTILES))
@settings(max_examples=4, **REGLAGES)
@given(paire=paire_hostile)
def test_rapports_hostiles(tmp_path_factory, rapport, paire):
    """Chaque rapport, avec la même stratégie : écrit en entier (sans HTML brut) ou pas du tout."""
    from outils_progression import jetons_markdown

    dossier = tmp_path_factory.mktemp("hostile")
    commande, nom = RAPPORTS_HOSTILES[rapport]
    resultat = lancer_paire(dossier, paire, commande)
    if resultat.exit_code == 0 and nom.endswith(".md"):
        texte = (dossier / "sortie" / nom).read_text(encoding="utf-8")
        assert not {j.type for j in jetons_markdown(texte)} & {"html_inline", "html_block"}
    elif resultat.exit_code == 0:
        page = (dossier / "sortie" / nom).read_text(encoding="utf-8")
        assert "<img src=x" not in page and "<script>alert" not in page and "\x1b" not in page
    else:
        assert not (dossier / "sortie").exists()
    assert not [p.name for p in dossier.iterdir() if p.name.startswith(".sortie.")], "temporaire laissé"
