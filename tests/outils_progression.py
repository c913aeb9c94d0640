"""Outils partagés par les tests de progression (compare, evolution, init --depuis).

Les campagnes de test sont les exemples du collège Jean Moulin (2023-2024 puis
2024-2025) et une campagne plus ancienne (2022-2023) dans
``tests/fixtures/progression``. Les copies modifiées passent par ruamel.yaml
(aller-retour) ; les items à modifier sont choisis par le modèle du
référentiel, jamais écrits en dur.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Campagne
from diagnum.referentiel import Item, Referentiel

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "exemples"
AVANT = EXEMPLES / "college-jean-moulin-2023-2024.yaml"
APRES = EXEMPLES / "college-jean-moulin-2024-2025.yaml"
FIXTURES = RACINE / "tests" / "fixtures" / "progression"
PLUS_ANCIENNE = FIXTURES / "college-jean-moulin-2022-2023.yaml"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def lire_rt(chemin: Path) -> object:
    """Le fichier en aller-retour (commentaires gardés)."""
    return _yaml().load(Path(chemin).read_text(encoding="utf-8"))


def ecrire_rt(donnees: object, chemin: Path) -> Path:
    flux = io.StringIO()
    _yaml().dump(donnees, flux)
    Path(chemin).write_text(flux.getvalue(), encoding="utf-8")
    return Path(chemin)


def copie_modifiee(source: Path, destination: Path, modifier: Callable[[object], None]) -> Path:
    """Copie ``source`` dans ``destination`` après ``modifier(donnees)``."""
    donnees = lire_rt(source)
    modifier(donnees)
    return ecrire_rt(donnees, destination)


def charger(chemin: Path) -> tuple[Campagne, Referentiel]:
    return charger_campagne(Path(chemin))


def items_de_nature(referentiel: Referentiel, nature: str) -> list[Item]:
    """Les items d'une nature donnée dans les domaines, sans condition, qui ne
    commandent aucune question « Si oui »."""
    commandes = {
        item.condition.item
        for domaine in referentiel.domaines
        for item in domaine.items
        if item.condition is not None and item.condition.item
    }
    return [
        item
        for domaine in referentiel.domaines
        for item in domaine.items
        if item.nature == nature and item.condition is None and item.id not in commandes
    ]


def autre_reponse(valeur: str) -> str:
    """« oui » ↔ « non »."""
    return "non" if valeur == "oui" else "oui"


def jetons_markdown(texte: str) -> list:
    """Les jetons (à plat, enfants compris) d'un Markdown lu par markdown-it-py."""
    from markdown_it import MarkdownIt

    a_plat = []

    def parcourir(jetons) -> None:
        for jeton in jetons:
            a_plat.append(jeton)
            if jeton.children:
                parcourir(jeton.children)

    parcourir(MarkdownIt("commonmark").enable("table").parse(texte))
    return a_plat


def images_markdown(chemin: Path) -> list[str]:
    """Les adresses des images d'un rapport Markdown."""
    return [j.attrGet("src") for j in jetons_markdown(Path(chemin).read_text(encoding="utf-8")) if j.type == "image"]


def verifier_images(rapport: Path) -> list[Path]:
    """Chaque image du rapport existe à côté de lui (lien relatif) et est un PNG ; renvoie leurs chemins."""
    sources = images_markdown(rapport)
    assert sources, "le rapport n'a aucune image"
    chemins = []
    for source in sources:
        assert "://" not in source and not source.startswith("/"), source
        chemin = rapport.parent / source
        assert chemin.is_file(), source
        assert chemin.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", source
        chemins.append(chemin)
    return chemins
