"""Chaque vérification de campagne, seule, sur ses propres fichiers.

Les fichiers de ``tests/fixtures/`` annoncent leurs constats dans leur en-tête
(``# attendu: L:C gravité code message``). Chaque code du validateur est rattaché ici à la
vérification qui le produit ; chaque vérification est lancée seule (avec celles dont elle lit le
travail, ``REQUIERT``) et doit produire exactement les constats annoncés de ses codes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from diagnum.campagne.diagnostics import Diagnostic
from diagnum.campagne.validation import valider_arbre
from diagnum.campagne.verifications import (
    VERIFICATIONS,
    communication,
    conditions,
    identite,
    libelle_campagne,
    objectifs,
    sans_reponse,
    structure,
    totaux,
)
from diagnum.lecture_yaml import decoder, lire_yaml
from diagnum.referentiel import charger_referentiel
from test_validation import INVALIDES, VALIDES, decrire, lire_entete

PAR_NOM = {v.__name__.rsplit(".", 1)[-1]: v for v in VERIFICATIONS}

#: Le rattachement : chaque code propre à une vérification (les autres codes, « type »,
#: « cle-inconnue »…, sont ceux de la lecture des valeurs, que plusieurs partagent).
RATTACHEMENT = {
    "structure": {"affirmation", "sans-objet-interdit", "enquete-incomplete", "negatif", "periode-inversee"},
    "identite": {"uai-invalide"},
    "libelle_campagne": {"campagne-libelle"},
    "conditions": {"condition-non-remplie", "reference-manquante", "repartition-vide", "sans-objet-partiel"},
    "totaux": {"depasse-total", "repartition-excede", "mesure-depasse-total", "repondants-trop-nombreux"},
    # « domaine-inconnu » : un objectif comme un choix de communication peuvent nommer un domaine inconnu.
    "objectifs": {"objectif-incomplet", "objectif-double", "action-incomplete", "statut-inconnu"},
    "communication": {"partie-inconnue", "domaines-sans-scores"},
    "sans_reponse": {"sans-reponse"},
}
FICHIERS = [*VALIDES, *INVALIDES]


def _propres(nom: str) -> set[str]:
    """Les codes que seule cette vérification produit."""
    autres = set().union(*(v.CODES for n, v in PAR_NOM.items() if n != nom))
    return set(PAR_NOM[nom].CODES) - autres


def _constats(chemin: Path, verifications: tuple) -> list[Diagnostic]:
    """Les constats de ces vérifications seules (sans ceux de la lecture YAML)."""
    texte = chemin.read_text(encoding="utf-8")
    racine, _ = lire_yaml(decoder(texte.encode("utf-8")))
    complet = lire_entete(texte).complet
    return valider_arbre(racine, charger_referentiel, complet=complet, verifications=verifications).diagnostics


def _produits(chemin: Path, nom: str) -> Counter:
    """Ce que la vérification ``nom`` ajoute à celles dont elle lit le travail."""
    verification = PAR_NOM[nom]
    avant = tuple(PAR_NOM[r] for r in verification.REQUIERT)
    return Counter(_constats(chemin, (*avant, verification))) - Counter(_constats(chemin, avant))


def test_le_rattachement_couvre_chaque_verification_et_ses_codes_propres():
    assert set(PAR_NOM) == set(RATTACHEMENT)
    assert [
        structure,
        identite,
        libelle_campagne,
        conditions,
        totaux,
        objectifs,
        communication,
        sans_reponse,
    ] == list(VERIFICATIONS)
    for nom, codes in RATTACHEMENT.items():
        assert codes == _propres(nom), nom
    # Chaque code propre est annoncé par au moins un fichier.
    annonces = {a.code for chemin in FICHIERS for a in lire_entete(chemin.read_text(encoding="utf-8")).attendus}
    for nom, codes in RATTACHEMENT.items():
        assert codes <= annonces, (nom, codes - annonces)


def _fichiers_de(nom: str) -> list[Path]:
    """Les fichiers dont l'en-tête annonce un code propre à la vérification."""
    return [
        chemin
        for chemin in FICHIERS
        if {a.code for a in lire_entete(chemin.read_text(encoding="utf-8")).attendus} & RATTACHEMENT[nom]
    ]


@pytest.mark.parametrize(
    ("nom", "chemin"),
    [(nom, chemin) for nom in RATTACHEMENT for chemin in _fichiers_de(nom)],
    ids=lambda x: x if isinstance(x, str) else x.name,
)
def test_chaque_verification_seule_produit_ce_que_ses_fichiers_annoncent(nom: str, chemin: Path):
    produits = list(_produits(chemin, nom).elements())
    assert {d.code for d in produits} <= set(PAR_NOM[nom].CODES), decrire(produits)
    attendus = [a for a in lire_entete(chemin.read_text(encoding="utf-8")).attendus if a.code in RATTACHEMENT[nom]]
    assert attendus
    for attendu in attendus:
        assert attendu.trouve_dans(produits), f"{attendu} absent de :\n{decrire(produits)}"
    # Et aucune erreur de ses codes propres que l'en-tête n'annonce (comme ``test_validation.verifier``).
    imprevues = [d for d in produits if d.est_erreur and not any(a.epingle(d) for a in attendus)]
    assert [d for d in imprevues if d.code in RATTACHEMENT[nom]] == [], decrire(imprevues)


@pytest.mark.parametrize("chemin", FICHIERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_les_verifications_se_partagent_les_constats_sans_reste(chemin: Path):
    """Toutes ensemble, elles produisent la somme de ce que chacune produit seule (plus l'entrée
    en matière de ``valider_arbre`` : fichier vide, version du référentiel)."""
    ensemble = Counter(_constats(chemin, VERIFICATIONS))
    somme = Counter(_constats(chemin, ()))
    for nom in PAR_NOM:
        somme += _produits(chemin, nom)
    assert somme == ensemble, decrire(sorted((somme ^ ensemble).elements()))


def test_sans_verification_il_ne_reste_que_l_entree_en_matiere():
    chemin = next(c for c in INVALIDES if c.name == "depasse-total.yaml")
    assert _constats(chemin, ()) == []
    assert _constats(chemin, VERIFICATIONS)
    vide = next(c for c in INVALIDES if c.name == "referentiel-absent.yaml")
    assert [d.code for d in _constats(vide, ())] == ["referentiel-absent"]
