"""Outils partagés par les tests des rapports HTML et PDF.

Les rapports des exemples sont écrits une fois par session de tests
(``rapports_ecrits``), par la ligne de commande, dans tous les formats.
"""

from __future__ import annotations

import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from diagnum.cli import app

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
AVANT = RACINE / "exemples" / "college-jean-moulin-2023-2024.yaml"
APRES = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
PLUS_ANCIENNE = RACINE / "tests" / "fixtures" / "progression" / "college-jean-moulin-2022-2023.yaml"
runner = CliRunner()


def diagnum(*args: object):
    return runner.invoke(app, [*map(str, args)])


def png_minuscule() -> bytes:
    """Un PNG valide d'un pixel blanc (pour les tests qui ne regardent pas les images)."""

    def bloc(nature: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + nature + donnees + struct.pack(">I", zlib.crc32(nature + donnees))

    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + bloc(b"IDAT", zlib.compress(b"\x00\xff"))
        + bloc(b"IEND", b"")
    )


class Lecture(HTMLParser):
    """Ce qu'un navigateur lirait d'une page : balises, attributs, textes (entités décodées)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.balises: list[tuple[str, dict[str, str | None]]] = []
        self.textes: list[str] = []
        self.pile: list[str] = []
        self.style = ""
        self.titres: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balises.append((tag, dict(attrs)))
        if tag not in ("img", "meta", "br", "link", "input"):
            self.pile.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.pile:
            while self.pile and self.pile.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.pile and self.pile[-1] == "style":
            self.style += data
            return
        self.textes.append(data)
        if self.pile and self.pile[-1] in ("h1", "h2", "h3"):
            self.titres.append((self.pile[-1], data))

    @property
    def texte(self) -> str:
        """Tout le texte, blancs réduits à une espace (comme l'affiche un navigateur)."""
        return " ".join("".join(self.textes).split())


def lire_html(page: str) -> Lecture:
    lecture = Lecture()
    lecture.feed(page)
    lecture.close()
    return lecture
