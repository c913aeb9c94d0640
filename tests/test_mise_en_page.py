"""Fautes de mise en page : chacune signalée là où elle est faite, avec ce qu'il faut écrire.

Chaque fichier de ``fixtures/mise-en-page`` est une petite campagne où une
seule faute typique a été glissée (retrait, « : », guillemet, crochet, tiret…) ;
son en-tête donne la ligne, la colonne, le code et le message complet attendus
(convention ``# attendu:`` de ``fixtures/invalides``). Les deux analyseurs YAML
doivent produire exactement ce constat, et aucune autre erreur.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnum.campagne.chargement import valider_fichier, valider_texte
from diagnum.mise_en_page import expliquer
from test_validation import decrire, lire_entete, verifier

RACINE = Path(__file__).resolve().parents[1]
DOSSIER = Path(__file__).parent / "fixtures" / "mise-en-page"
FAUTES = sorted(DOSSIER.glob("*.yaml"))


def test_le_corpus_compte_au_moins_25_fautes():
    assert len(FAUTES) >= 25


@pytest.mark.parametrize("chemin", FAUTES, ids=lambda p: p.stem)
def test_chaque_faute_est_signalee_ou_elle_est_faite(chemin: Path, analyseur: str):
    texte = chemin.read_text(encoding="utf-8")
    entete = lire_entete(texte)
    (attendu,) = entete.attendus  # une faute, un constat
    constats = valider_fichier(chemin).diagnostics
    verifier(constats, entete.attendus, texte)
    erreurs = [d for d in constats if d.est_erreur]
    assert len(erreurs) == 1, decrire(erreurs)
    # Le message annoncé est le message entier, pas un fragment : il dit quoi écrire.
    assert erreurs[0].message == attendu.fragment
    # Le constat désigne la ligne fautive : on y lit une clé ou une valeur, jamais un commentaire.
    ligne = texte.splitlines()[attendu.ligne - 1]
    assert ligne.strip() and not ligne.lstrip().startswith("#"), ligne


@pytest.mark.parametrize("chemin", FAUTES, ids=lambda p: p.stem)
def test_la_faute_corrigee_le_fichier_est_lisible(chemin: Path, analyseur: str):
    """Le fichier d'où la faute est tirée est lisible : c'est bien la faute glissée qui est signalée."""
    base = (DOSSIER.parent / "valides" / "mise-en-page-base.yaml").read_text(encoding="utf-8")
    constats = valider_texte(base.encode("utf-8")).diagnostics
    assert not [d for d in constats if d.est_erreur], decrire(constats)
    assert chemin.read_text(encoding="utf-8").splitlines()[2:] != base.splitlines()[2:]


def test_un_texte_lisible_n_est_pas_explique():
    # expliquer ne sert qu'après un échec de l'analyseur, mais ne doit rien inventer sur un texte juste.
    base = (DOSSIER.parent / "valides" / "mise-en-page-base.yaml").read_text(encoding="utf-8")
    assert expliquer(base, base.count("\n") + 1) is None


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*"ab: -#\"'[]{}\t", "cle", "oui", "  ", "    "]), max_size=12).map("".join),
        max_size=10,
    ).map("\n".join),
    st.integers(1, 12),
)
def test_expliquer_ne_leve_jamais_et_reste_dans_le_texte(texte: str, ligne: int):
    constat = expliquer(texte, ligne)
    if constat is not None:
        assert 1 <= constat.ligne <= ligne
        assert constat.colonne >= 1
        assert constat.message == " ".join(constat.message.split())


def _mutations(ligne: str) -> list[str]:
    """Les fautes habituelles sur une ligne « clé: valeur » : retrait, « : », tiret, crochet, guillemet."""
    m = re.match(r"^( +)(\w+):( .*)?$", ligne)
    if not m:
        return []
    retrait, cle, valeur = m[1], m[2], m[3] or ""
    reponse = valeur.strip() or "5"
    fautes = [
        retrait[2:] + f"{cle}:{valeur}",
        retrait[1:] + f"{cle}:{valeur}",
        f" {ligne}",
        f"  {ligne}",
        f"{retrait}{cle} {reponse}",
        f"{retrait}- {cle}:{valeur}",
        f"{retrait}{cle}: [{reponse}",
        f'{retrait}{cle}: "{reponse}',
    ]
    return fautes + ([f"{retrait}{cle}:{reponse}"] if valeur.strip() else [])


@pytest.mark.parametrize("source", ["exemple-rempli", "gabarit-vide"])
def test_une_faute_glissee_n_importe_ou_est_signalee_sur_sa_ligne(source, analyseur, tmp_path):
    """Sur un échantillon fixe de lignes d'une vraie campagne, chaque faute habituelle donne une erreur, et au
    moins 90 % d'entre elles sont situées sur la ligne fautive (contre environ la moitié avant mise_en_page :
    l'autre moitié l'était plus bas, ou sur une autre ligne)."""
    if source == "exemple-rempli":
        texte = (RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml").read_text(encoding="utf-8")
    else:
        from diagnum.campagne.gabarit import construire_gabarit
        from diagnum.referentiel import charger_referentiel

        texte = construire_gabarit(charger_referentiel("2011"))
    lignes = texte.split("\n")
    candidates = [i for i, ligne in enumerate(lignes) if re.match(r"^ +\w+:", ligne)]
    echantillon = random.Random(14).sample(candidates, 15)
    situees = total = 0
    for i in echantillon:
        for faute in _mutations(lignes[i]):
            fautif = "\n".join([*lignes[:i], faute, *lignes[i + 1 :]])
            erreurs = [d for d in valider_texte(fautif.encode("utf-8")).diagnostics if d.est_erreur]
            assert erreurs, faute  # jamais acceptée en silence
            total += 1
            situees += any(d.ligne == i + 1 for d in erreurs)
    assert situees >= 0.9 * total, f"{situees} fautes situées sur {total}"
