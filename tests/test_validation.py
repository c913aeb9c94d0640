"""Validation des campagnes : un fichier bon ou mauvais par règle, dans ``tests/fixtures``.

Chaque fichier de ``fixtures/invalides`` (et, pour leurs avertissements, de
``fixtures/valides``) dit en tête ce qu'il doit produire :

    # attendu: LIGNE:COLONNE GRAVITÉ CODE [fragment du message]
    # attendu: aucun constat
    # options: --complet

Un seul test parcourt les deux dossiers. Les fichiers qu'on ne saurait garder
comme texte (octets non UTF-8, plus de 1 Mio, « billion laughs ») sont
fabriqués ici, avec leurs positions attendues.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from diagnum import lecture_yaml
from diagnum.campagne import validation
from diagnum.campagne.chargement import valider_fichier, valider_texte
from diagnum.campagne.diagnostics import CONSTATS_MAX, Diagnostic
from diagnum.campagne.modele import STATUTS_ACTION
from diagnum.campagne.validation import ALPHABET_UAI, lettre_uai, uai_valide
from diagnum.campagne.verifications import VERIFICATIONS, bornes, contexte
from diagnum.referentiel import SANS_OBJET, charger_referentiel

FIXTURES = Path(__file__).parent / "fixtures"
VALIDES = sorted((FIXTURES / "valides").glob("*.yaml"))
INVALIDES = sorted((FIXTURES / "invalides").glob("*.yaml"))
_ATTENDU = re.compile(r"^# attendu: (\d+):(\d+) (erreur|avertissement) ([a-z-]+)(?: (.+))?$")


@dataclass(frozen=True)
class Attendu:
    """Un constat qu'un fichier doit produire."""

    ligne: int
    colonne: int
    gravite: str
    code: str
    fragment: str = ""

    def trouve_dans(self, constats: list[Diagnostic]) -> bool:
        return any(
            (d.ligne, d.colonne, d.gravite.value, d.code) == (self.ligne, self.colonne, self.gravite, self.code)
            and self.fragment in d.message
            for d in constats
        )

    def epingle(self, d: Diagnostic) -> bool:
        return (d.ligne, d.colonne, d.gravite.value, d.code) == (self.ligne, self.colonne, self.gravite, self.code)


@dataclass(frozen=True)
class Entete:
    attendus: tuple[Attendu, ...]
    aucun_constat: bool
    complet: bool


def lire_entete(texte: str) -> Entete:
    attendus = []
    aucun = complet = False
    for ligne in texte.splitlines():
        if ligne.strip() == "# attendu: aucun constat":
            aucun = True
        elif ligne.strip() == "# options: --complet":
            complet = True
        elif m := _ATTENDU.match(ligne.rstrip()):
            attendus.append(Attendu(int(m[1]), int(m[2]), m[3], m[4], (m[5] or "").strip()))
        elif ligne.startswith("# attendu:") or ligne.startswith("# options:"):
            raise AssertionError(f"en-tête mal écrit : {ligne!r}")
    return Entete(tuple(attendus), aucun, complet)


def decrire(constats: list[Diagnostic]) -> str:
    return "\n".join(f"  {d.ligne}:{d.colonne} {d.gravite.value} {d.code} : {d.message}" for d in constats)


def verifier(constats: list[Diagnostic], attendus: tuple[Attendu, ...], texte: str) -> None:
    """Chaque constat attendu est là, et toute erreur produite est attendue."""
    manquants = [a for a in attendus if not a.trouve_dans(constats)]
    assert not manquants, f"constats attendus absents : {manquants}\nconstats produits :\n{decrire(constats)}"
    imprevues = [d for d in constats if d.est_erreur and not any(a.epingle(d) for a in attendus)]
    assert not imprevues, f"erreurs non annoncées dans l'en-tête :\n{decrire(imprevues)}"
    nombre_de_lignes = texte.count("\n") + 1
    for d in constats:
        assert 1 <= d.ligne <= nombre_de_lignes and d.colonne >= 1, d
        assert d.message and d.message == " ".join(d.message.split()), d


@pytest.mark.parametrize(
    "chemin", [*VALIDES, *INVALIDES], ids=lambda p: f"{p.parent.name}/{p.name}" if isinstance(p, Path) else p
)
def test_chaque_fichier_produit_ce_que_son_entete_annonce(chemin: Path, analyseur: str):
    texte = chemin.read_text(encoding="utf-8")
    entete = lire_entete(texte)
    constats = valider_fichier(chemin, complet=entete.complet).diagnostics
    verifier(constats, entete.attendus, texte)
    if chemin in VALIDES:
        assert not [d for d in constats if d.est_erreur], decrire(constats)
        # Un bon fichier n'a d'autres avertissements que ceux qu'il annonce (ou des items sans réponse).
        inattendus = [
            d for d in constats if d.code != "sans-reponse" and not any(a.epingle(d) for a in entete.attendus)
        ]
        assert not inattendus, decrire(inattendus)
        if entete.aucun_constat:
            assert constats == [], decrire(constats)
    else:
        assert entete.attendus, "un mauvais fichier doit annoncer au moins un constat"


def test_les_dossiers_de_fichiers_ne_sont_pas_vides():
    assert len(VALIDES) >= 4 and len(INVALIDES) >= 30


# --------------------------------------------------------------------------
# Fichiers fabriqués : octets non UTF-8, taille, caractère de contrôle, bombe d'alias


def bombe_d_alias(niveaux: int = 9, largeur: int = 9) -> str:
    """« Billion laughs » : développée, elle ferait largeur ** niveaux éléments."""
    lignes = ['referentiel: "2011"', f"a0: &a0 [{', '.join(['lol'] * largeur)}]"]
    for n in range(1, niveaux):
        lignes.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * largeur)}]")
    return "\n".join(lignes) + "\n"


def _octets_trop_gros() -> bytes:
    return b'referentiel: "2011"\n' + b"#" * lecture_yaml.TAILLE_MAX


#: Les avertissements « sans réponse » d'une campagne qui n'a que sa version (tous en 1:1).
_AVERTISSEMENTS_EN_TETE = len(valider_texte(b'referentiel: "2011"\n').diagnostics)

GENERES: dict[str, tuple[bytes, list[Attendu]]] = {
    "latin-1": (
        'referentiel: "2011"\netablissement:\n  nom: Collège\n'.encode("latin-1"),
        [Attendu(3, 12, "erreur", "encodage", "UTF-8")],
    ),
    "utf-16": ('referentiel: "2011"\n'.encode("utf-16"), [Attendu(1, 1, "erreur", "encodage", "UTF-16")]),
    "latin-1-apres-accents": (
        "# Élèves, tâches\n".encode() + "référence: é\n".encode("latin-1"),
        [Attendu(2, 2, "erreur", "encodage", "Windows-1252")],
    ),
    "plus-de-1-mio": (_octets_trop_gros(), [Attendu(1, 1, "erreur", "fichier-trop-gros", "1 Mio")]),
    "caractere-de-controle": (
        b'referentiel: "2011"\ncampagne: "2024\x07"\n',
        [Attendu(2, 16, "erreur", "caractere-interdit", "U+0007")],
    ),
    # 60 000 clés inconnues : la lecture s'arrête à VALEURS_MAX valeurs (ligne de la suivante).
    "trop-de-valeurs": (
        ('referentiel: "2011"\n' + "".join(f"k{i}: {i}\n" for i in range(60_000))).encode(),
        [Attendu(lecture_yaml.VALEURS_MAX // 2 + 1, 1, "erreur", "trop-de-valeurs", "plus de 5 000 clés")],
    ),
    # 2 000 clés inconnues : les CONSTATS_MAX premiers constats, puis une ligne qui compte les autres.
    "constats-limites": (
        ('referentiel: "2011"\n' + "".join(f"k{i}: {i}\n" for i in range(2_000))).encode(),
        # D'abord les avertissements « sans réponse » (en 1:1), puis k0, k1… ligne 2, 3…
        [
            Attendu(
                CONSTATS_MAX - _AVERTISSEMENTS_EN_TETE + 2,
                1,
                "erreur",
                "constats-limites",
                f"{2_000 + _AVERTISSEMENTS_EN_TETE - CONSTATS_MAX:,} autres constats dans ce fichier".replace(",", " "),
            )
        ],
    ),
    "billion-laughs": (
        bombe_d_alias().encode(),
        [Attendu(2, 5, "erreur", "ancre", "&a0")]
        + [Attendu(n + 2, 5, "erreur", "ancre", f"&a{n}") for n in range(1, 9)]
        + [Attendu(n + 2, 10, "erreur", "alias", f"*a{n - 1}") for n in range(1, 9)],
    ),
}


@pytest.mark.parametrize("nom", GENERES)
def test_fichiers_fabriques(nom: str):
    contenu, attendus = GENERES[nom]
    constats = valider_texte(contenu).diagnostics
    manquants = [a for a in attendus if not a.trouve_dans(constats)]
    assert not manquants, f"{manquants}\n{decrire(constats)}"
    assert any(d.est_erreur for d in constats)


def test_la_bombe_d_alias_n_est_jamais_developpee():
    racine, constats = lecture_yaml.lire_yaml(bombe_d_alias())

    def compter(noeud) -> int:
        if isinstance(noeud, lecture_yaml.Tableau):
            return 1 + sum(compter(n) for _, n in noeud.entrees.values())
        if isinstance(noeud, lecture_yaml.Liste):
            return 1 + sum(compter(n) for n in noeud.elements)
        return 1

    # Développée, elle compterait 9 ** 9 (387 millions) d'éléments ; lue, une centaine de nœuds.
    assert compter(racine) < 200
    assert sum(d.code == "alias" for d in constats) == 8 * 9
    assert sum(d.code == "ancre" for d in constats) == 9


def test_un_fichier_d_exactement_1_mio_est_lu():
    entete = b'referentiel: "2011"\n'
    contenu = entete + b"#" * (lecture_yaml.TAILLE_MAX - len(entete))
    assert len(contenu) == lecture_yaml.TAILLE_MAX
    assert not [d for d in valider_texte(contenu).diagnostics if d.est_erreur]


def test_une_marque_d_ordre_utf8_ne_decale_pas_les_colonnes():
    constats = valider_texte("\ufeffreferentiel: 2011\nreference:\n  eleves: -1\n".encode()).diagnostics
    assert Attendu(3, 11, "erreur", "negatif").trouve_dans(constats), decrire(constats)


# --------------------------------------------------------------------------
# Chaque code que le validateur peut émettre a son fichier


def codes_emis() -> set[tuple[str, str]]:
    """(code, gravité) de chaque appel à erreur()/avertissement()/self.err()/self.avert() du code source."""
    gravites = {"erreur": "erreur", "err": "erreur", "avertissement": "avertissement", "avert": "avertissement"}
    codes = set()
    for module in (lecture_yaml, validation, contexte, bornes, *VERIFICATIONS):
        for noeud in ast.walk(ast.parse(inspect.getsource(module))):
            if not isinstance(noeud, ast.Call) or len(noeud.args) < 2:
                continue
            fonction = noeud.func
            nom = fonction.id if isinstance(fonction, ast.Name) else getattr(fonction, "attr", None)
            code = noeud.args[1]
            if nom in gravites and isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.add((code.value, gravites[nom]))
    return codes


def test_chaque_code_emis_est_couvert_par_un_fichier():
    emis = codes_emis()
    assert len(emis) >= 35  # le relevé lui-même fonctionne
    couverts = {
        (a.code, a.gravite)
        for chemin in [*VALIDES, *INVALIDES]
        for a in lire_entete(chemin.read_text(encoding="utf-8")).attendus
    }
    couverts |= {(a.code, a.gravite) for _, attendus in GENERES.values() for a in attendus}
    assert emis - couverts == set()


# --------------------------------------------------------------------------
# Les bons fichiers exercent vraiment chaque champ


@pytest.fixture(scope="module")
def complete():
    resultat = valider_fichier(FIXTURES / "valides" / "complete.yaml")
    assert resultat.diagnostics == []
    return resultat.campagne, resultat.referentiel


def test_la_campagne_complete_exerce_chaque_nature_et_chaque_regle(complete):
    campagne, referentiel = complete
    assert uai_valide(campagne.etablissement.uai) and isinstance(campagne.date, dt.date)
    assert all(v is not None for v in campagne.reference.values())
    natures_vues = set()
    conditions_vues = set()
    bornes_atteintes = 0
    sans_objet_permis = 0
    for domaine in referentiel.domaines:
        for item in domaine.items:
            valeur = campagne.reponse(domaine.id, item.id)
            if item.condition is not None and item.condition.item is not None:
                condition = campagne.reponse(domaine.id, item.condition.item)
                conditions_vues.add(condition)
                if condition != item.condition.valeur:
                    assert valeur is None, item.id  # question non posée, laissée vide
                    continue
            assert valeur is not None, item.id
            natures_vues.add(item.nature)
            if item.nature == "nombre" and item.total and valeur == campagne.reference[item.total]:
                bornes_atteintes += 1
            if item.nature == "repartition":
                assert sum(valeur.values()) == campagne.reference[item.total], item.id
            if item.sans_objet and valeur == SANS_OBJET:
                sans_objet_permis += 1
    assert natures_vues == {"affirmation", "nombre", "repartition", "proportion", "matrice"}
    assert {"oui", "non"} <= conditions_vues
    assert bornes_atteintes >= 1 and sans_objet_permis >= 1
    proportions = {
        campagne.reponse(d.id, i.id) for d in referentiel.domaines for i in d.items if i.nature == "proportion"
    }
    assert {0, 100} <= proportions
    statuts = {a.statut for o in campagne.objectifs for a in o.actions}
    assert statuts == set(STATUTS_ACTION)
    assert all(isinstance(o.echeance, dt.date) for o in campagne.objectifs)


def test_les_formes_permises_donnent_la_meme_campagne_que_les_formes_habituelles():
    permises = valider_fichier(FIXTURES / "valides" / "formes-permises.yaml").campagne
    habituelles = valider_fichier(FIXTURES / "valides" / "formes-habituelles.yaml").campagne
    assert permises is not None and habituelles is not None
    assert dataclasses.replace(permises, chemin="") == dataclasses.replace(habituelles, chemin="")
    assert permises.reference and None not in list(permises.reference.values())[:4]


def test_une_reponse_fautive_est_absente_de_la_campagne():
    resultat = valider_fichier(FIXTURES / "invalides" / "plusieurs-problemes.yaml")
    campagne = resultat.campagne
    assert resultat.a_des_erreurs and campagne is not None
    assert campagne.date is None
    assert set(campagne.obligations.values()) == {None}


def test_complet_change_les_avertissements_sans_reponse_en_erreurs_situees():
    chemin = FIXTURES / "invalides" / "sans-reponse-complet.yaml"
    sans = [d for d in valider_fichier(chemin).diagnostics if d.code == "sans-reponse"]
    avec = [d for d in valider_fichier(chemin, complet=True).diagnostics if d.code == "sans-reponse"]
    assert sans and not any(d.est_erreur for d in sans)
    assert avec and all(d.est_erreur for d in avec)
    # Un avertissement par partie, qui compte ses items (la date à part) ; une erreur par item.
    compte = sum(int(m[1]) if (m := re.match(r"(\d+) items?", d.message)) else 1 for d in sans)
    assert sum(1 for d in sans if d.message.startswith("date du diagnostic sans réponse")) == 1
    assert compte == len(avec) == len({d.position for d in avec})


# --------------------------------------------------------------------------
# L'UAI : 7 chiffres et une lettre, le nombre modulo 23 lu dans l'alphabet


@pytest.mark.parametrize(
    ("uai", "valide"),
    [("0750654D", True), ("0750654A", False), ("0750654d", False), ("750654D", False), ("07506541", False)],
)
def test_uai(uai: str, valide: bool):
    assert uai_valide(uai) is valide


def test_lettre_uai_suit_l_alphabet_sans_i_o_q():
    assert len(ALPHABET_UAI) == 23 and not set("IOQ") & set(ALPHABET_UAI)
    for nombre in (0, 1, 22, 23, 750654, 9999999):
        chiffres = f"{nombre:07d}"
        assert lettre_uai(chiffres) == ALPHABET_UAI[nombre % 23]
        assert uai_valide(chiffres + lettre_uai(chiffres))


def test_le_referentiel_annonce_les_bornes_souples_utilisees_par_les_fichiers():
    # depassements-souples.yaml repose sur des items à borne souple : le référentiel doit en avoir.
    referentiel = charger_referentiel("2011")
    souples = [i for d in referentiel.domaines for i in d.items if i.depassement == "avertissement"]
    assert souples and all(i.nature == "nombre" and i.total for i in souples)


def test_limiter_garde_la_gravite_des_constats_resumes():
    from diagnum.campagne.diagnostics import Position, avertissement, erreur, limiter

    avertissements = [avertissement(Position(n, 1), "x", "a") for n in range(1, 6)]
    assert limiter(avertissements, 5) == avertissements
    (*gardes, resume) = limiter(avertissements, 3)
    assert gardes == avertissements[:3]
    assert (resume.position, resume.code, resume.est_erreur) == (Position(4, 1), "constats-limites", False)
    assert resume.message.startswith("2 autres constats dans ce fichier, non détaillés (aucune erreur, 2 ")
    melange = [*avertissements, erreur(Position(9, 1), "y", "b")]
    assert limiter(melange, 5)[-1].est_erreur
    assert (
        "1 autre constat dans ce fichier, non détaillé (1 erreur, aucun avertissement)"
        in limiter(melange, 5)[-1].message
    )


@pytest.mark.parametrize("piege", ["٠٧٥٠٦٥٤D", "０７５０６５４D", "0750654D\n", "0750654D\r", " 0750654D", "0750654Ｄ"])
def test_uai_chiffres_et_lettres_ascii_seulement(piege):
    """Les chiffres arabes orientaux, pleine chasse ou un retour final ne passent plus pour un UAI."""
    assert uai_valide("0750654D")
    assert not uai_valide(piege)
    assert "7 chiffres puis une lettre de contrôle" in validation.probleme_uai(piege)
