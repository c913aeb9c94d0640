"""``diagnum valider`` : formats, codes de sortie, plusieurs fichiers, couleurs."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_fichier
from diagnum.cli import app
from diagnum.lecture_yaml import TAILLE_MAX
from diagnum.sorties import texte as sorties

FIXTURES = Path(__file__).parent / "fixtures"
COMPLETE = FIXTURES / "valides" / "complete.yaml"
INCOMPLETE = FIXTURES / "valides" / "incomplete.yaml"
PLUSIEURS = FIXTURES / "invalides" / "plusieurs-problemes.yaml"
SYNTAXE = FIXTURES / "invalides" / "syntaxe.yaml"
COMPLET = FIXTURES / "invalides" / "sans-reponse-complet.yaml"
ANSI = re.compile(r"\x1b\[")

runner = CliRunner()


@pytest.fixture(autouse=True)
def _environnement_neutre(monkeypatch):
    for variable in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def valider(*arguments: object, **options):
    return runner.invoke(app, ["valider", *map(str, arguments)], **options)


def constats_de(chemin: Path, complet: bool = False):
    return valider_fichier(chemin, complet=complet).diagnostics


# --------------------------------------------------------------------------
# Codes de sortie


def test_un_fichier_sans_erreur_sort_avec_0():
    resultat = valider(COMPLETE)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout == "aucun problème (1 fichier vérifié)\n"


def test_des_avertissements_seuls_sortent_avec_0():
    resultat = valider(INCOMPLETE)
    assert resultat.exit_code == 0
    assert "avertissement" in resultat.stdout and "sans-reponse" in resultat.stdout
    assert resultat.stderr == ""


def test_une_erreur_sort_avec_1_et_les_montre_toutes():
    resultat = valider(PLUSIEURS)
    assert resultat.exit_code == 1
    assert resultat.stderr == ""
    for constat in constats_de(PLUSIEURS):
        assert f"{constat.ligne}:{constat.colonne}" in resultat.stdout
        assert f"({constat.code})" in resultat.stdout
        assert constat.message in resultat.stdout


def test_un_yaml_illisible_est_un_probleme_du_fichier_code_1():
    resultat = valider(SYNTAXE)
    assert resultat.exit_code == 1
    assert "6:4" in resultat.stdout and "(syntaxe)" in resultat.stdout
    assert resultat.stderr == ""


def test_un_fichier_absent_sort_avec_2_et_les_autres_sont_quand_meme_verifies(tmp_path):
    absent = tmp_path / "absent.yaml"
    resultat = valider(COMPLETE, absent, PLUSIEURS, "--format", "json")
    assert resultat.exit_code == 2
    assert resultat.stderr == f"diagnum : {absent} : fichier ou dossier introuvable\n"
    document = json.loads(resultat.stdout)
    assert [f["fichier"] for f in document["fichiers"]] == [str(COMPLETE), str(PLUSIEURS)]
    assert document["fichiers"][1]["diagnostics"]


def test_un_fichier_absent_en_texte(tmp_path):
    absent = tmp_path / "absent.yaml"
    resultat = valider(absent, PLUSIEURS)
    assert resultat.exit_code == 2
    assert "introuvable" in resultat.stderr and str(absent) in resultat.stderr
    assert str(PLUSIEURS) in resultat.stdout and "(negatif)" in resultat.stdout
    assert resultat.stdout.rstrip().endswith("dans 1 fichier sur 1 ; 1 fichier non lu (voir plus haut)")


@pytest.mark.parametrize(
    ("fichiers", "bilan"),
    [
        (["absent.yaml"], "aucun fichier vérifié ; 1 fichier non lu (voir plus haut)"),
        (
            [COMPLETE, "absent.yaml", "autre.yaml"],
            "aucun problème (1 fichier vérifié) ; 2 fichiers non lus (voir plus haut)",
        ),
    ],
)
def test_un_fichier_non_lu_n_est_jamais_compte_comme_sans_probleme(tmp_path, fichiers, bilan):
    resultat = valider(*(f if isinstance(f, Path) else tmp_path / f for f in fichiers))
    assert resultat.exit_code == 2
    assert resultat.stdout == bilan + "\n"
    assert resultat.stderr.count("fichier ou dossier introuvable") == len(fichiers) - (COMPLETE in fichiers)


@pytest.mark.parametrize("arguments", [[], ["--format", "xml", str(COMPLETE)], ["--inconnue", str(COMPLETE)]])
def test_un_usage_incorrect_sort_avec_2(arguments):
    resultat = runner.invoke(app, ["valider", *arguments])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "Utilisation : diagnum valider" in resultat.stderr


def test_complet_fait_des_items_sans_reponse_des_erreurs():
    sans = valider(COMPLET, "--format", "json")
    avec = valider(COMPLET, "--complet", "--format", "json")
    assert (sans.exit_code, avec.exit_code) == (0, 1)
    gravites_sans = {d["gravite"] for d in json.loads(sans.stdout)["fichiers"][0]["diagnostics"]}
    erreurs_avec = [d for d in json.loads(avec.stdout)["fichiers"][0]["diagnostics"] if d["gravite"] == "erreur"]
    assert gravites_sans == {"avertissement"}
    assert {d["code"] for d in erreurs_avec} == {"sans-reponse"}
    attendues = [(d.ligne, d.colonne) for d in constats_de(COMPLET, complet=True) if d.est_erreur]
    assert [(d["ligne"], d["colonne"]) for d in erreurs_avec] == attendues
    assert len(attendues) == 5


# --------------------------------------------------------------------------
# Formats


def test_format_json_exact():
    resultat = valider(COMPLETE, PLUSIEURS, "--format", "json")
    assert resultat.exit_code == 1 and resultat.stderr == ""
    attendu = {
        "fichiers": [
            {
                "fichier": str(chemin),
                "diagnostics": [
                    {
                        "ligne": d.ligne,
                        "colonne": d.colonne,
                        "gravite": d.gravite.value,
                        "code": d.code,
                        "message": d.message,
                    }
                    for d in constats_de(chemin)
                ],
            }
            for chemin in (COMPLETE, PLUSIEURS)
        ]
    }
    assert json.loads(resultat.stdout) == attendu
    assert attendu["fichiers"][1]["diagnostics"]
    assert "é" in resultat.stdout  # UTF-8 lisible, pas d'échappement \u00e9


def lignes_et_constats(format_: str) -> list[tuple[str, tuple[str, object]]]:
    """Chaque ligne de sortie de ``format_`` avec le constat (et son fichier) qu'elle doit dire, dans l'ordre."""
    resultat = valider(PLUSIEURS, INCOMPLETE, "--format", format_)
    assert resultat.exit_code == 1 and resultat.stderr == ""
    lignes = resultat.stdout.splitlines()
    attendus = [(str(c), d) for c in (PLUSIEURS, INCOMPLETE) for d in constats_de(c)]
    assert len(lignes) == len(attendus) > 0
    return list(zip(lignes, attendus, strict=True))


_PARSABLE = re.compile(r"^(?P<fichier>.+?):(\d+):(\d+): \[(erreur|avertissement)\] (.+) \(([a-z-]+)\)$")


def test_format_parsable():
    for ligne, (chemin, d) in lignes_et_constats("parsable"):
        m = _PARSABLE.match(ligne)
        assert m, ligne
        attendu = (chemin, d.ligne, d.colonne, d.gravite.value, d.message, d.code)
        assert (m["fichier"], int(m[2]), int(m[3]), m[4], m[5], m[6]) == attendu


_GITHUB = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+)::(.+) \(([a-z-]+)\)$")


def test_format_github():
    for ligne, (chemin, d) in lignes_et_constats("github"):
        m = _GITHUB.match(ligne)
        assert m, ligne
        niveau = "error" if d.est_erreur else "warning"
        assert (m[1], m[2], int(m[3]), int(m[4]), m[5], m[6]) == (niveau, chemin, d.ligne, d.colonne, d.message, d.code)


def test_format_github_echappe_les_retours_a_la_ligne_et_les_virgules():
    from diagnum.campagne.diagnostics import Position, erreur

    texte = sorties.format_github([("a,b:c.yaml", [erreur(Position(1, 2), "x", "ligne 1\nligne 2 100%")])])
    assert texte == "::error file=a%2Cb%3Ac.yaml,line=1,col=2::ligne 1%0Aligne 2 100%25 (x)\n"


def test_format_texte_groupe_par_fichier():
    resultat = valider(PLUSIEURS, COMPLETE, INCOMPLETE)
    assert resultat.exit_code == 1 and resultat.stderr == ""
    sortie = resultat.stdout
    # Un fichier sans constat n'a pas de groupe ; chaque groupe commence par le nom du fichier.
    assert str(COMPLETE) not in sortie
    debut_plusieurs, debut_incomplete = sortie.index(f"{PLUSIEURS}\n"), sortie.index(f"{INCOMPLETE}\n")
    assert debut_plusieurs < debut_incomplete
    bloc = sortie[debut_plusieurs:debut_incomplete]
    assert all(d.message in bloc for d in constats_de(PLUSIEURS))
    erreurs = sum(d.est_erreur for c in (PLUSIEURS, INCOMPLETE) for d in constats_de(c))
    avertissements = sum(not d.est_erreur for c in (PLUSIEURS, INCOMPLETE) for d in constats_de(c))
    assert sortie.rstrip().endswith(f"{erreurs} erreurs, {avertissements} avertissements dans 2 fichiers sur 3")


@pytest.mark.parametrize("format_", ["texte", "parsable", "json", "github"])
def test_aucune_couleur_hors_d_un_terminal(format_, monkeypatch):
    resultat = valider(PLUSIEURS, "--format", format_)
    assert resultat.exit_code == 1
    assert not ANSI.search(resultat.stdout) and not ANSI.search(resultat.stderr)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(valider(PLUSIEURS, "--format", format_).stdout)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _texte_sur_un_terminal() -> str:
    flux = _Terminal()
    sorties.ecrire_texte([(str(PLUSIEURS), constats_de(PLUSIEURS))], flux)
    return flux.getvalue()


def test_couleurs_sur_un_terminal_sauf_avec_no_color(monkeypatch):
    colore = _texte_sur_un_terminal()
    assert ANSI.search(colore)
    monkeypatch.setenv("NO_COLOR", "1")
    sans_couleur = _texte_sur_un_terminal()
    assert not ANSI.search(sans_couleur)
    # Sans les codes de couleur, le texte est le même que celui écrit hors d'un terminal.
    assert re.sub(r"\x1b\[[0-9;]*m", "", colore) == sans_couleur
    assert "(negatif)" in sans_couleur


def test_un_nom_de_fichier_n_est_pas_interprete_par_rich(tmp_path):
    chemin = tmp_path / "[bold]campagne :smile:.yaml"
    chemin.write_bytes(PLUSIEURS.read_bytes())
    flux = _Terminal()
    sorties.ecrire_texte([(str(chemin), constats_de(chemin))], flux)
    assert str(chemin) in re.sub(r"\x1b\[[0-9;]*m", "", flux.getvalue())


# --------------------------------------------------------------------------
# Fichiers fabriqués : encodage, taille, bombe d'alias


def test_un_fichier_qui_n_est_pas_en_utf8(tmp_path):
    chemin = tmp_path / "latin1.yaml"
    chemin.write_bytes('referentiel: "2011"\ncommune: Besançon\n'.encode("latin-1"))
    resultat = valider(chemin, "--format", "parsable")
    assert resultat.exit_code == 1 and resultat.stderr == ""
    assert resultat.stdout.startswith(f"{chemin}:2:15: [erreur] octet 0xe7 invalide")
    assert resultat.stdout.rstrip().endswith("(encodage)")


def test_un_fichier_de_plus_de_1_mio(tmp_path):
    chemin = tmp_path / "gros.yaml"
    chemin.write_bytes(b'referentiel: "2011"\n' + b"# " + b"x" * TAILLE_MAX + b"\n")
    resultat = valider(chemin, "--format", "json")
    assert resultat.exit_code == 1 and resultat.stderr == ""
    (constat,) = json.loads(resultat.stdout)["fichiers"][0]["diagnostics"]
    assert (constat["ligne"], constat["colonne"], constat["code"]) == (1, 1, "fichier-trop-gros")


def test_une_bombe_d_alias_est_refusee_sans_etre_developpee(tmp_path):
    niveaux = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    niveaux += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    chemin = tmp_path / "bombe.yaml"
    chemin.write_text('referentiel: "2011"\n' + "\n".join(niveaux) + "\n", encoding="utf-8")
    resultat = valider(chemin, "--format", "json")
    assert resultat.exit_code == 1
    constats = json.loads(resultat.stdout)["fichiers"][0]["diagnostics"]
    assert sum(c["code"] == "ancre" for c in constats) == 9
    assert sum(c["code"] == "alias" for c in constats) == 72
    assert {"ligne": 3, "colonne": 10, "code": "alias"}.items() <= next(
        c for c in constats if c["code"] == "alias"
    ).items()


def test_des_milliers_de_constats_sont_resumes_en_une_ligne(tmp_path):
    """Reproducteur : 60 000 clés inconnues prenaient 3 s (10 s avec l'analyseur pur) et autant de lignes."""
    from diagnum.campagne.diagnostics import CONSTATS_MAX

    fichier = tmp_path / "cles.yaml"
    fichier.write_text('referentiel: "2011"\n' + "".join(f"k{i}: {i}\n" for i in range(1_000)), encoding="utf-8")
    resultat = runner.invoke(app, ["valider", "--format", "parsable", str(fichier)])
    assert resultat.exit_code == 1
    assert resultat.stderr == ""
    lignes = resultat.stdout.splitlines()
    assert len(lignes) == CONSTATS_MAX + 1
    # Triés par position : les avertissements « sans réponse » en 1:1, puis les clés k0, k1…
    en_tete = sum(":1:1: [avertissement]" in ligne for ligne in lignes)
    assert lignes[en_tete] == f"{fichier}:2:1: [erreur] clé « k0 » inconnue à la racine (cle-inconnue)"
    autres = 1_000 + en_tete - CONSTATS_MAX
    assert lignes[-1] == (
        f"{fichier}:{CONSTATS_MAX - en_tete + 2}:1: [erreur] {autres} autres constats dans ce fichier, non détaillés "
        f"({autres} erreurs, aucun avertissement) : corrigez d'abord les {CONSTATS_MAX} premiers, puis relancez "
        "la vérification (constats-limites)"
    )
