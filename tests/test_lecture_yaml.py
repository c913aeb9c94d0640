"""Lecture prudente du YAML : chaque texte illisible devient un constat situé, jamais une exception."""

from __future__ import annotations

import contextlib
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnum import lecture_yaml
from diagnum.lecture_yaml import (
    PROFONDEUR_MAX,
    TAILLE_MAX,
    ErreurLecture,
    Liste,
    Scalaire,
    Tableau,
    decoder,
    lire_yaml,
)

# Chaque sorte de texte illisible : (texte, ligne, colonne, code).
ILLISIBLES = {
    "syntaxe": ("a: 1\nb: c: d\n", 2, 5, "syntaxe"),
    # Un guillemet ou un crochet jamais fermé : signalé là où il est ouvert (mise_en_page).
    "guillemet-non-ferme": ('a: "x\nb: 1\n', 1, 4, "syntaxe"),
    "crochet-non-ferme": ("a: [1, 2\n", 1, 4, "syntaxe"),
    "retrait-incoherent": ("a:\n  b: 1\n c: 2\n", 3, 2, "syntaxe"),
    "tabulation-retrait": ("a:\n\tb: 1\n", 2, 1, "tabulation"),
    "tabulation-seconde": ("a:\n  \tb: 1\n", 2, 3, "tabulation"),
    "tabulation-apres-deux-points": ("a:\t1\n", 1, 3, "tabulation"),
    "cle-dupliquee": ("a: 1\nb: 2\na: 3\n", 3, 1, "cle-dupliquee"),
    "cle-dupliquee-en-ligne": ("a: {b: 1, b: 2}\n", 1, 11, "cle-dupliquee"),
    "etiquette-python": ("a: !!python/object/apply:os.system [ls]\n", 1, 4, "etiquette"),
    "etiquette-locale": ("a: !oui oui\n", 1, 4, "etiquette"),
    "ancre": ("a: &x 1\n", 1, 4, "ancre"),
    "alias": ("a: 1\nb: *x\n", 2, 4, "alias"),
    "imbrication": ("a: " + "[" * PROFONDEUR_MAX + "]" * PROFONDEUR_MAX + "\n", 1, 3 + PROFONDEUR_MAX, "imbrication"),
    "documents-multiples": ("a: 1\n---\nb: 2\n", 2, 1, "documents-multiples"),
    "fin-de-document-puis-suite": ("a: 1\n...\nb: 2\n", 3, 1, "documents-multiples"),
    "caractere-de-controle": ("a: x\x01y\n", 1, 5, "caractere-interdit"),
    "caractere-nul": ("a: 1\nb: \x00\n", 2, 4, "caractere-interdit"),
    "date-impossible": ("date: 2024-02-30\n", 1, 7, "date-impossible"),
    "mois-impossible": ("date: 2024-13-01\n", 1, 7, "date-impossible"),
    "heure-impossible": ("date: 2024-05-14T25:00:00\n", 1, 7, "date-impossible"),
    "nombre-hexadecimal": ("a: 0x10\n", 1, 4, "nombre-mal-ecrit"),
    "nombre-octal": ("a: 0o17\n", 1, 4, "nombre-mal-ecrit"),
    "nombre-binaire": ("a: 0b11\n", 1, 4, "nombre-mal-ecrit"),
    "nombre-souligne": ("a: 5_98\n", 1, 4, "nombre-mal-ecrit"),
    "nombre-illisible": ("a: 0x_\n", 1, 4, "nombre-mal-ecrit"),
    "decimal-souligne": ("a: 1_0.5\n", 1, 4, "nombre-mal-ecrit"),
    "hexadecimal-geant": ("a: 0x" + "f" * 5000 + "\n", 1, 4, "nombre-mal-ecrit"),
    "cle-complexe": ("[a, b]: 1\n", 1, 1, "cle-complexe"),
    "cle-tableau": ("? {a: 1}\n: 2\n", 1, 3, "cle-complexe"),
    "caractere-reserve": ("a: @x\n", 1, 4, "syntaxe"),
}


@pytest.mark.parametrize("nom", ILLISIBLES)
def test_chaque_texte_illisible_donne_un_constat_situe(nom: str, analyseur: str):
    texte, ligne, colonne, code = ILLISIBLES[nom]
    _, constats = lire_yaml(texte)
    assert [(d.ligne, d.colonne, d.code) for d in constats if d.est_erreur][:1] == [(ligne, colonne, code)], constats


@pytest.mark.parametrize("texte", ["a: b: c\n", 'a: "x\n', "a: [1,,2]\n", "- a\nb: 1\n", "a: @x\n", "a: 'x'y\n"])
def test_les_messages_de_syntaxe_sont_en_francais(texte: str, analyseur: str):
    _, constats = lire_yaml(texte)
    (constat,) = constats
    mots_anglais = {"found", "expected", "while", "but", "scanning", "parsing", "token", "<scalar>", "<block"}
    assert not mots_anglais & set(constat.message.replace("'", " ").split()), constat.message


def test_un_commentaire_entre_une_cle_et_sa_valeur_est_lu():
    # ruamel.yaml (aller-retour) lève NotImplementedError sur certains commentaires de ce genre.
    texte = "a: # avant la valeur\n  12\nb:\n  # seul sur sa ligne\n  - 1\nc: # en fin de ligne\n  d: 2\n"
    racine, constats = lire_yaml(texte)
    assert constats == []
    assert racine.get("a").valeur == 12
    assert isinstance(racine.get("b"), Liste) and racine.get("b").elements[0].valeur == 1
    assert racine.get("c").get("d").valeur == 2


@pytest.mark.parametrize("exception", [NotImplementedError, ValueError, RecursionError, TypeError, AssertionError])
def test_une_exception_inattendue_de_ruamel_devient_un_constat(monkeypatch, exception, analyseur):
    lire_evenements = lecture_yaml.evenements

    def evenements_qui_cassent(texte):
        for numero, evenement in enumerate(lire_evenements(texte)):
            yield evenement
            if numero == 5:  # début, document, tableau, « a », « 1 », puis « b » (ligne 2, colonne 1)
                raise exception("détail interne")

    monkeypatch.setattr(lecture_yaml, "evenements", evenements_qui_cassent)
    racine, constats = lire_yaml("a: 1\nb: 2\n")
    assert racine is None
    (constat,) = constats
    assert (constat.ligne, constat.colonne, constat.code) == (2, 1, "syntaxe")
    assert constat.message.startswith("YAML illisible près d'ici")


def test_l_imbrication_permise_va_jusqu_a_la_limite():
    texte = "a: " + "[" * (PROFONDEUR_MAX - 1) + "]" * (PROFONDEUR_MAX - 1) + "\n"
    racine, constats = lire_yaml(texte)
    assert constats == [] and isinstance(racine, Tableau)


def test_une_imbrication_enorme_ne_deborde_pas_la_pile():
    _, constats = lire_yaml("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert [d.code for d in constats] == ["imbrication"]


def test_les_valeurs_sont_typees_selon_yaml_1_2():
    texte = (
        "entier: 12\nnegatif: -3\ndecimal: 12.5\ninfini: .inf\nvrai: true\nnul: ~\nvide:\n"
        "date: 2024-05-14\noui: yes\nnon: no\ntexte: oui\nguillemets: '12'\nhorodatage: 2024-05-14 10:30:00\n"
    )
    racine, constats = lire_yaml(texte)
    assert constats == []
    valeurs = {nom: noeud.valeur for nom, (_, noeud) in racine.entrees.items()}
    assert valeurs["entier"] == 12 and valeurs["negatif"] == -3 and valeurs["decimal"] == 12.5
    assert math.isinf(valeurs["infini"]) and valeurs["vrai"] is True
    assert valeurs["nul"] is None and valeurs["vide"] is None
    assert valeurs["date"] == dt.date(2024, 5, 14)
    # YAML 1.2 : « yes » et « no » restent du texte (la validation en dit quelque chose).
    assert (valeurs["oui"], valeurs["non"], valeurs["texte"], valeurs["guillemets"]) == ("yes", "no", "oui", "12")
    assert valeurs["horodatage"] == dt.datetime(2024, 5, 14, 10, 30)


def test_les_positions_des_cles_et_des_valeurs_sont_en_base_1():
    racine, _ = lire_yaml("reference:\n  eleves: 600\n  divisions:   24\n")
    cle, noeud = racine.entrees["reference"]
    assert (cle.position.ligne, cle.position.colonne) == (1, 1)
    assert (noeud.position.ligne, noeud.position.colonne) == (2, 3)
    cle, valeur = noeud.entrees["divisions"]
    assert (cle.position.ligne, cle.position.colonne) == (3, 3)
    assert (valeur.position.ligne, valeur.position.colonne) == (3, 16)
    assert isinstance(valeur, Scalaire) and valeur.texte == "24"


def test_une_valeur_illisible_est_marquee_pour_la_validation():
    racine, _ = lire_yaml("a: 2024-02-30\nb: 2024-02-28\n")
    assert racine.get("a").illisible and racine.get("a").valeur == "2024-02-30"
    assert not racine.get("b").illisible


@pytest.mark.parametrize("texte", ["", "# rien que des commentaires\n", "\n\n"])
def test_un_texte_vide_n_a_pas_de_racine(texte: str):
    assert lire_yaml(texte) == (None, [])


# --------------------------------------------------------------------------
# Décodage


def test_decoder_retire_la_marque_d_ordre():
    assert decoder("\ufeffa: é\n".encode()) == "a: é\n"


def test_decoder_refuse_plus_de_1_mio():
    assert decoder(b"#" * TAILLE_MAX) == "#" * TAILLE_MAX
    with pytest.raises(ErreurLecture) as exc:
        decoder(b"#" * (TAILLE_MAX + 1))
    assert exc.value.diagnostic.code == "fichier-trop-gros"
    assert (exc.value.diagnostic.ligne, exc.value.diagnostic.colonne) == (1, 1)


@pytest.mark.parametrize(
    ("contenu", "ligne", "colonne", "indice"),
    [
        (b"a: 1\nnom: Coll\xe8ge\n", 2, 10, "Windows-1252"),
        ("a: é\nb: ".encode() + b"\xff\n", 2, 4, ""),
        ("é".encode("utf-16"), 1, 1, "UTF-16"),
    ],
)
def test_decoder_situe_le_premier_octet_invalide(contenu: bytes, ligne: int, colonne: int, indice: str):
    with pytest.raises(ErreurLecture) as exc:
        decoder(contenu)
    constat = exc.value.diagnostic
    assert (constat.ligne, constat.colonne, constat.code) == (ligne, colonne, "encodage")
    assert "UTF-8" in constat.message and indice in constat.message


# --------------------------------------------------------------------------
# Aucun texte ne fait lever d'exception


_morceaux = st.sampled_from(
    [
        "a",
        "é",
        ":",
        ": ",
        "-",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "#",
        "&x ",
        "*x",
        "!!str ",
        "? ",
        "|",
        ">",
        "'",
        '"',
        "\n",
        "\n  ",
        "\t",
        "---\n",
        "...\n",
        "2024-02-30",
        "0x_",
        ".inf",
        "\x00",
        "\x85",
        "\r",
        "\u2028",
        "%YAML 1.2\n",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_morceaux, max_size=40).map("".join))
def test_lire_yaml_ne_leve_jamais(texte: str):
    for nom in analyseurs_presents():
        with avec_analyseur(nom):
            racine, constats = lire_yaml(texte)
        # Borne haute : toute fin de ligne possible (\r\n, \n, \r seul, NEL, U+2028, U+2029).
        lignes = sum(texte.replace("\r\n", "\n").count(c) for c in "\n\r\x85\u2028\u2029") + 2
        for constat in constats:
            assert 1 <= constat.ligne <= lignes and constat.colonne >= 1, (nom, constat)
            assert constat.message.strip() and constat.code
        assert racine is None or isinstance(racine, (Scalaire, Tableau, Liste))


def analyseurs_presents() -> list[str]:
    try:
        import _ruamel_yaml  # noqa: F401
    except ImportError:
        return ["pur"]
    return ["libyaml", "pur"]


@contextlib.contextmanager
def avec_analyseur(nom: str):
    avant = lecture_yaml._ANALYSEUR
    lecture_yaml._ANALYSEUR = nom
    try:
        yield
    finally:
        lecture_yaml._ANALYSEUR = avant


def test_libyaml_est_employe_s_il_est_installe_sauf_demande_contraire(monkeypatch):
    pytest.importorskip("_ruamel_yaml")
    monkeypatch.setattr(lecture_yaml, "_ANALYSEUR", None)
    monkeypatch.delenv("DIAGNUM_ANALYSEUR", raising=False)
    assert lecture_yaml.analyseur() == "libyaml"
    monkeypatch.setattr(lecture_yaml, "_ANALYSEUR", None)
    monkeypatch.setenv("DIAGNUM_ANALYSEUR", "pur")
    assert lecture_yaml.analyseur() == "pur"


def test_une_tabulation_apres_deux_points_est_refusee_par_les_deux_analyseurs(analyseur):
    # libyaml l'accepterait comme séparateur : un fichier qui contient une tabulation passe par l'analyseur pur.
    _, constats = lire_yaml("a: 1\nb:\t2\n")
    assert [(d.ligne, d.colonne, d.code) for d in constats] == [(2, 3, "tabulation")]


def test_une_suite_apres_la_racine_n_est_pas_un_second_document(analyseur):
    _, constats = lire_yaml("[1]\nb: 2\n")
    (constat,) = constats
    assert (constat.ligne, constat.colonne, constat.code) == (2, 1, "syntaxe"), constat
    assert "après la fin des données" in constat.message


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_decoder_puis_lire_ne_leve_que_erreur_lecture(contenu: bytes):
    try:
        texte = decoder(contenu)
    except ErreurLecture:
        return
    lire_yaml(texte)


def test_le_module_ne_construit_aucun_objet_python_arbitraire():
    # La lecture n'appelle jamais le constructeur de ruamel.yaml : une étiquette python est refusée, pas suivie.
    racine, constats = lire_yaml("a: !!python/object/apply:os.system ['false']\n")
    assert isinstance(racine.get("a"), Liste)
    assert [d.code for d in constats] == ["etiquette"]
    assert "construct" not in lecture_yaml.__dict__


# Là où libyaml et l'analyseur pur diffèrent (octets contre caractères, fins de ligne
# Unicode, document ouvert après un commentaire) : les deux donnent le même constat.
ACCORDS = {
    "controle-apres-accents": ("a: é é é\nb: \x01\n", [(2, 4, "caractere-interdit")]),
    "separateur-de-ligne-unicode": ('a: "x\u2028y"\nb: &z 1\n', [(2, 4, "ancre")]),
    "nel-dans-un-texte": ("commentaire: travaux en cours\x85à finir\nb: 1\n", []),
    "commentaire-puis-tirets": (
        '# yaml-language-server: $schema=x\n---\n  referentiel: "2011"\nannee: 2025\n',
        [(4, 1, "syntaxe")],
    ),
    "retour-chariot-seul": ("a: 1\rb: @x\r", [(2, 4, "syntaxe")]),
    "fin-de-document-puis-suite": ("a: 1\n...\nb: 2\n", [(3, 1, "documents-multiples")]),
}


@pytest.mark.parametrize("nom", ACCORDS)
def test_les_deux_analyseurs_donnent_le_meme_constat(nom: str, analyseur: str):
    texte, attendus = ACCORDS[nom]
    _, constats = lire_yaml(texte)
    assert [(d.ligne, d.colonne, d.code) for d in constats] == attendus, constats


def test_le_caractere_fautif_est_nomme_meme_apres_un_retour_chariot(analyseur: str):
    _, (constat,) = lire_yaml("a: 1\rb: @x\r")
    assert "« @ »" in constat.message, constat.message


@pytest.mark.parametrize("chiffres", [309, 4300, 5000, 100_000])
def test_un_entier_geant_se_lit_sans_conversion_limitee(chiffres: int, analyseur: str):
    """Au-delà de CHIFFRES_MAX chiffres, un entier vaut 10 ** CHIFFRES_MAX : jamais la limite de 4 300 chiffres de Python."""
    racine, constats = lire_yaml(f"a: 1{'0' * chiffres}\nb: -{'9' * chiffres}\n")
    assert constats == []
    assert racine.get("a").valeur == 10**lecture_yaml.CHIFFRES_MAX
    assert racine.get("b").valeur == -(10**lecture_yaml.CHIFFRES_MAX)
    assert len(racine.get("a").texte) == chiffres + 1


def test_les_entiers_decimaux_restent_exacts(analyseur: str):
    racine, constats = lire_yaml("a: 598\nb: +12\nc: 012\nd: -0\ne: " + "9" * lecture_yaml.CHIFFRES_MAX + "\n")
    assert constats == []
    assert [racine.get(c).valeur for c in "abcde"] == [598, 12, 12, 0, int("9" * lecture_yaml.CHIFFRES_MAX)]
