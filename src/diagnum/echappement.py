"""L'échappement des textes de l'utilisateur, un filtre par langage de sortie.

Tout texte libre d'une campagne (noms, commentaires, actions, noms de
fichiers) passe par le filtre de la sortie où il entre ; aucun texte de
l'utilisateur ne sert jamais de gabarit.
"""

from __future__ import annotations

import re

# Échappement pour un terminal (et toute sortie texte lisible)

# Caractères de contrôle (C0 sauf rien, DEL, C1), séparateurs de ligne et de paragraphe Unicode,
# contrôles de sens d'écriture (qui retournent l'affichage d'une ligne), et demi-codets (surrogates) : un
# nom de fichier dont les octets ne sont pas de l'UTF-8 les porte (os.fsdecode), impossibles à écrire tels quels.
_INVISIBLES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NOMS_COURTS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(m: re.Match[str]) -> str:
    caractere = m.group(0)
    if caractere in _NOMS_COURTS:
        return _NOMS_COURTS[caractere]
    code = ord(caractere)
    if 0xDC80 <= code <= 0xDCFF:  # l'octet d'un nom de fichier qui n'était pas de l'UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echapper_terminal(texte: object) -> str:
    """Un texte de l'utilisateur rendu visible et inoffensif pour un terminal.

    Chaque caractère de contrôle (séquences d'échappement ``\\e[…``, titre de
    fenêtre, sonnerie, retour chariot…), chaque fin de ligne et chaque
    contrôle du sens d'écriture devient son écriture échappée, sur une seule
    ligne : ``\\x1b``, ``\\n``, ``\\u202e`` ; l'octet d'un nom de fichier qui n'est pas de
    l'UTF-8 (un demi-codet de ``os.fsdecode``) s'écrit ``\\xff``. Le reste (accents, « », espaces
    insécables) est gardé tel quel ; appliquer deux fois ne change plus rien.
    ``None`` donne une chaîne vide.
    """
    if texte is None:
        return ""
    return _INVISIBLES.sub(_visible, str(texte))


#: Les blancs du HTML (espace, tabulation, saut de ligne, saut de page, retour chariot) : une page les met
#: en forme elle-même. Les autres fins de ligne (NEL, U+2028, U+2029, tabulation verticale) n'en sont pas
#: pour le HTML, et WeasyPrint s'arrête sur certaines d'entre elles : elles s'affichent échappées.
_BLANCS_HTML = frozenset(" \t\n\x0c\r")


def echapper_controles(texte: str) -> str:
    """Comme ``echapper_terminal``, mais les blancs du HTML (espaces, tabulations, sauts de ligne) restent
    tels quels : pour une sortie qui les met en forme elle-même (HTML)."""
    return _INVISIBLES.sub(lambda m: m.group(0) if m.group(0) in _BLANCS_HTML else _visible(m), texte)


def echapper_lignes(texte: str) -> str:
    """Une sortie de plusieurs lignes pour un terminal : chaque ligne passée par ``echapper_terminal``,
    les fins de ligne ``\\n`` gardées (dernier filet de toute sortie texte de diagnum)."""
    return "\n".join(echapper_terminal(ligne) for ligne in texte.split("\n"))


# Échappement Markdown

# Des motifs en texte, compilés au premier usage (et gardés par le cache de ``re``) : ``valider``,
# qui n'écrit ni Markdown ni HTML, ne paie pas leur compilation à chaque appel.
#
# Partout : ce qui ouvre une mise en forme en ligne (emphase, code, lien,
# HTML, formule, barré, cellule de tableau), une entité HTML, et « # » (qui
# ouvre un titre en début de ligne et le ferme en fin de titre).
_EN_LIGNE = r"([\\`*_\[\]<$|~#])|&(?=#?\w+;)"
# En début de ligne : ce qui ouvre un bloc (citation, liste, soulignement).
_DEBUT_BLOC = r"^([>+=\-])|^(\d+)([.)])(?=\s|$)"
_BLANCS = r"\s+"
_FINS_DE_LIGNE = r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]"


def echapper_markdown(texte: object) -> str:
    """Un texte libre rendu inoffensif pour Markdown, sur une seule ligne.

    Les retours à la ligne et les blancs deviennent une espace ; les autres
    caractères de contrôle s'affichent échappés, comme dans un terminal
    (``echapper_terminal`` : « \\x1b ») ; ``*``, ``_``,
    `````, ``[``, ``]``, ``<``, ``|``, ``$``, ``~``, ``#``, ``\\`` et les
    entités HTML sont précédés d'une barre oblique inverse, ainsi que tout ce
    qui ouvrirait un bloc en début de ligne (``>``, ``-``, ``+``, ``=``, « 1. »). Le
    résultat s'affiche tel quel, dans un paragraphe comme dans une cellule de
    tableau. ``None`` donne une chaîne vide.
    """
    if texte is None:
        return ""
    ligne = echapper_terminal(re.sub(_BLANCS, " ", str(texte)).strip())
    ligne = re.sub(_EN_LIGNE, lambda m: "\\" + m.group(0), ligne)
    return re.sub(_DEBUT_BLOC, lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", ligne)


def echapper_paragraphes(texte: object) -> str:
    """Un texte libre sur plusieurs lignes : chaque ligne échappée, les lignes
    vides séparent des paragraphes, les autres retours deviennent des sauts de
    ligne (barre oblique inverse en fin de ligne)."""
    if texte is None:
        return ""
    paragraphes: list[list[str]] = [[]]
    for brute in re.split(_FINS_DE_LIGNE, str(texte)):
        ligne = echapper_markdown(brute)
        if ligne:
            paragraphes[-1].append(ligne)
        elif paragraphes[-1]:
            paragraphes.append([])
    return "\n\n".join("\\\n".join(lignes) for lignes in paragraphes if lignes)


# Échappement HTML
#
# Les gabarits HTML sont rendus avec l'échappement automatique de Jinja2 :
# chaque valeur y est échappée. Ces deux fonctions servent là où le texte
# est assemblé hors d'un gabarit (texte de remplacement d'une image) et pour
# un texte sur plusieurs lignes.


def echapper_html(texte: object) -> str:
    """Un texte libre rendu inoffensif en HTML, dans un élément comme dans un attribut
    (``&``, ``<``, ``>``, ``"`` et ``'`` deviennent des entités ; caractères de contrôle montrés
    échappés, « \\x1b », comme à l'écran et dans le Markdown)."""
    import html

    if texte is None:
        return ""
    return html.escape(echapper_controles(str(texte)), quote=True)


def paragraphes_html(texte: object) -> str:
    """Un texte libre sur plusieurs lignes en paragraphes HTML : chaque ligne échappée, les
    lignes vides séparent des ``<p>``, les autres retours deviennent des ``<br>``."""
    if texte is None:
        return ""
    paragraphes: list[list[str]] = [[]]
    for brute in re.split(_FINS_DE_LIGNE, str(texte)):
        ligne = echapper_html(re.sub(_BLANCS, " ", brute).strip())
        if ligne:
            paragraphes[-1].append(ligne)
        elif paragraphes[-1]:
            paragraphes.append([])
    return "\n".join(f"<p>{'<br>'.join(lignes)}</p>" for lignes in paragraphes if lignes)
