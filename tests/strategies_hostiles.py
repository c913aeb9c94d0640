"""Stratégies hypothesis partagées : les entrées hostiles d'une campagne (issue 15).

Une seule source pour la suite de robustesse et pour les tests des rapports :
textes libres et noms de fichiers pleins de Markdown, de HTML, de gabarits
Jinja2, de caractères de contrôle (séquences d'échappement du terminal, NEL,
contrôles du sens d'écriture) et de fins de ligne ; entiers géants, écrits en
décimal ou autrement.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Ce qui ouvre une mise en forme Markdown, du HTML, un gabarit, une entité.
SPECIAUX = [
    *"abcé É01 \t\n\r*_`[]()<>#|\\$~&!{}=+-.:;'\"/%@^?,",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "{% if %}",
    "&amp;",
    "&#35;",
    "---",
    "```",
    "1. ",
    "2) ",
    "- ",
    "> ",
    "# ",
    "# TITRE ",
    "![x](y)",
    "[lien](http://x)",
    "<http://x>",
    "    ",
    "===",
]
# Caractères de contrôle (C0, DEL, C1), séquences du terminal, fins de ligne de toutes sortes,
# contrôles du sens d'écriture.
CONTROLES = [
    *(chr(c) for c in (*range(0x00, 0x20), 0x7F, 0x85, 0x9B)),
    "\x1b]0;TITRE\x07",
    "\x1b[2J",
    "\r\n",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
]
_morceau = st.sampled_from(SPECIAUX + CONTROLES) | st.characters(codec="utf-8", exclude_categories=("Cs",))

#: Un texte libre hostile (nom d'établissement, commune, campagne, action, commentaires).
texte_hostile = st.lists(_morceau, min_size=1, max_size=12).map("".join)

#: Un nom de fichier hostile : tout sauf « / » et le caractère nul, jamais « . » ni « .. ».
nom_de_fichier_hostile = (
    st.lists(_morceau, min_size=1, max_size=8)
    .map(lambda morceaux: "".join(morceaux).replace("/", "∕").replace("\x00", "0")[:60])
    .filter(lambda nom: nom.strip(".") != "" and len(nom.encode("utf-8")) < 200)
    .map(lambda nom: nom + ".yaml")
)

#: Un entier géant écrit en YAML : 10 ** n en décimal (jusqu'au-delà de la limite de 4 300 chiffres
#: de Python), ou en hexadécimal, octal, binaire, avec « _ ».
entier_geant_ecrit = st.one_of(
    st.integers(5, 6000).map(lambda n: "1" + "0" * n),
    st.integers(1, 5000).map(lambda n: "0x" + "f" * n),
    st.sampled_from(["0o17", "0b11", "5_98", "-0x10", "1_000"]),
)


def _imprimable_yaml(caractere: str) -> bool:
    """Vrai si YAML 1.2 garde ce caractère tel quel entre guillemets (ni contrôle, ni fin de ligne comme NEL)."""
    code = ord(caractere)
    return (
        code == 0x09
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ) and caractere not in "\u2028\u2029\ufeff"


def en_yaml(texte: str) -> str:
    """Un texte quelconque écrit comme une valeur YAML entre guillemets doubles, relue à l'identique :
    chaque caractère que YAML n'accepte pas tel quel (contrôles, fins de ligne) est échappé."""
    morceaux = []
    for caractere in texte:
        if caractere in '"\\':
            morceaux.append("\\" + caractere)
        elif _imprimable_yaml(caractere) and caractere != "\t":
            morceaux.append(caractere)
        else:
            morceaux.append(f"\\u{ord(caractere):04x}" if ord(caractere) <= 0xFFFF else f"\\U{ord(caractere):08x}")
    return '"' + "".join(morceaux) + '"'
