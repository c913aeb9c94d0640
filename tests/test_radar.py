"""Le diagramme de synthèse : reproductible, lisible, textes de l'utilisateur dessinés tels quels."""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.calculs.scores import calculer_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Etablissement
from diagnum.cli import app
from diagnum.rapports import graphiques

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
FIXTURES = Path(__file__).parent / "fixtures" / "scores"
NOM_PIEGE = "$x_1<y$ _école_ {{ 7*7 }}"
runner = CliRunner()


def profil(chemin: Path):
    return calculer_profil(*charger_campagne(chemin))


def dimensions_png(octets: bytes) -> tuple[int, int]:
    assert octets[:8] == b"\x89PNG\r\n\x1a\n"
    assert octets[12:16] == b"IHDR"
    return struct.unpack(">II", octets[16:24])


def textes(figure) -> list:
    from matplotlib.text import Text

    return [t for t in figure.findobj(Text) if t.get_text()]


def radar(*args: object):
    return runner.invoke(app, ["radar", *map(str, args)])


@pytest.fixture(scope="module")
def profils():
    return [profil(chemin) for chemin in EXEMPLES]


def test_deux_rendus_identiques_octet_pour_octet(profils):
    premier = graphiques.radar_png(profils[:2])
    assert premier == graphiques.radar_png(profils[:2])
    assert premier != graphiques.radar_png(profils[:1])


def test_png_assez_grand_et_sans_metadonnee_variable(profils):
    octets = graphiques.radar_png(profils[:1])
    largeur, hauteur = dimensions_png(octets)
    assert min(largeur, hauteur) >= 800
    assert b"Software" not in octets and b"matplotlib" not in octets.lower()


def test_sept_axes_libelles_par_le_champ_axe(profils):
    figure = graphiques.figure_radar(profils[:1])
    contenus = [t.get_text().replace("\n", " ") for t in textes(figure)]
    for d in profils[0].domaines:
        assert any(c.startswith(d.axe) for c in contenus), d.axe


def test_nom_avec_dollar_souligne_chevron_dessine_comme_texte(profils, monkeypatch):
    piege = dataclasses.replace(profils[0], etablissement=Etablissement(nom=NOM_PIEGE), campagne="_2024 $a$")
    figure = graphiques.figure_radar([piege])
    contenus = {t.get_text() for t in textes(figure)}
    assert f"Diagramme de synthèse — {NOM_PIEGE}" in contenus
    assert "_2024 $a$" in contenus, "une légende qui commence par « _ » reste affichée"
    assert all(not t.get_parse_math() for t in textes(figure) if "$" in t.get_text())
    # Aucun texte n'est interprété comme une formule : le moteur mathtext n'est jamais appelé.
    from matplotlib.mathtext import MathTextParser

    def interdit(*args, **kwargs):
        raise AssertionError("texte interprété comme une formule")

    monkeypatch.setattr(MathTextParser, "parse", interdit)
    octets = graphiques.radar_png([piege, profils[1]])
    assert dimensions_png(octets)[0] >= 800


def test_domaine_sans_score_et_score_provisoire_marques():
    p = profil(FIXTURES / "affirmation.yaml")
    figure = graphiques.figure_radar([p])
    contenus = [t.get_text().replace("\n", " ") for t in textes(figure)]
    sans = [d for d in p.domaines if d.score is None]
    provisoires = [d for d in p.domaines if d.provisoire]
    assert sans and provisoires
    for d in sans:
        assert any(c.startswith(d.axe) and "(sans score)" in c for c in contenus), d.axe
    for d in provisoires:
        assert any(c.startswith(d.axe) and "(provisoire)" in c for c in contenus), d.axe
    assert not any("(sans score)" in c for c in contenus if c.startswith(p.domaine("assistance_technique").axe))


def test_plusieurs_campagnes_une_legende_chacune(profils):
    figure = graphiques.figure_radar(profils)
    legende = figure.legends[0]
    libelles = [t.get_text() for t in legende.get_texts()]
    assert len(libelles) == len(profils)
    # Deux établissements : chaque légende porte son nom et sa campagne.
    for p, libelle in zip(profils, libelles, strict=True):
        assert p.etablissement.nom in libelle.replace("\n", " ") and p.campagne in libelle
    couleurs = {
        tuple(ligne.get_color()) if not isinstance(ligne.get_color(), str) else ligne.get_color()
        for ligne in legende.get_lines()
    }
    assert couleurs <= set(graphiques.PALETTE) and len(couleurs) == len(profils)


def test_repartition_barres_empilees(profils):
    barres = [("Indicateur $a_b$", {"jamais": 2, "occasionnellement": 3, "regulierement": 5})]
    octets = graphiques.repartition_png(barres, "Titre <b>")
    assert octets == graphiques.repartition_png(barres, "Titre <b>")
    assert dimensions_png(octets)[0] >= 800
    figure = graphiques.figure_repartition(barres, "Titre <b>")
    contenus = {t.get_text() for t in textes(figure)}
    assert {"Indicateur $a_b$", "Titre <b>", "jamais", "occasionnellement", "régulièrement"} <= contenus
    # 5 sur 10 : 50 %
    assert "5\n50\u00a0%" in contenus


# --------------------------------------------------------------------------
# Ligne de commande


def test_cli_radar_ecrit_un_png_reproductible(tmp_path):
    sortie = tmp_path / "radar.png"
    resultat = radar(EXEMPLES[0], EXEMPLES[1], "-o", sortie)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout == f"{sortie} : diagramme de synthèse écrit (2 campagnes).\n"
    premier = sortie.read_bytes()
    assert radar(EXEMPLES[0], EXEMPLES[1], "-o", sortie, "--force").exit_code == 0
    assert sortie.read_bytes() == premier
    assert [p.name for p in tmp_path.iterdir()] == ["radar.png"], "aucun fichier temporaire laissé"


def test_cli_radar_refuse_d_ecraser(tmp_path):
    sortie = tmp_path / "radar.png"
    sortie.write_bytes(b"ancien")
    resultat = radar(EXEMPLES[0], "-o", sortie)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert "existe déjà" in resultat.stderr and "--force" in resultat.stderr
    assert sortie.read_bytes() == b"ancien"


def test_cli_radar_nom_piege_et_titre(tmp_path):
    chemin = tmp_path / "piege.yaml"
    texte = (FIXTURES / "affirmation.yaml").read_text(encoding="utf-8")
    chemin.write_text(texte + f"etablissement:\n  nom: '{NOM_PIEGE}'\ncampagne: '_a<b>$'\n", encoding="utf-8")
    resultat = radar(chemin, "-o", tmp_path / "r.png", "--titre", "$titre$")
    assert resultat.exit_code == 0, resultat.output
    assert dimensions_png((tmp_path / "r.png").read_bytes())[0] >= 800


def test_cli_radar_refuse_un_autre_format(tmp_path):
    resultat = radar(EXEMPLES[0], "-o", tmp_path / "radar.jpg")
    assert resultat.exit_code == 2
    assert ".png" in resultat.stderr
    assert not (tmp_path / "radar.jpg").exists()


def test_cli_radar_campagne_invalide(tmp_path):
    chemin = tmp_path / "mauvaise.yaml"
    chemin.write_text('referentiel: "2011"\nreference:\n  eleves: -3\n', encoding="utf-8")
    resultat = radar(EXEMPLES[0], chemin, "-o", tmp_path / "r.png")
    assert resultat.exit_code == 1
    assert "mauvaise.yaml:3:" in resultat.stderr
    assert not (tmp_path / "r.png").exists()


def test_cli_radar_dossier_absent(tmp_path):
    resultat = radar(EXEMPLES[0], "-o", tmp_path / "absent" / "radar.png")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "n'existe pas" in resultat.stderr
