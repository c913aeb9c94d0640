"""Charger une campagne depuis un fichier : lecture, analyse YAML, validation."""

from __future__ import annotations

from pathlib import Path

from diagnum.campagne.commentaires import reponses_en_commentaire
from diagnum.campagne.diagnostics import Diagnostic, limiter, trier
from diagnum.campagne.modele import Campagne
from diagnum.campagne.validation import Resultat, valider_arbre
from diagnum.erreurs import ErreurProbleme
from diagnum.fichiers import lire_octets
from diagnum.lecture_yaml import ErreurLecture, decoder, lire_yaml
from diagnum.referentiel import Referentiel, charger_referentiel


def valider_texte(contenu: bytes, chemin: str = "", *, complet: bool = False) -> Resultat:
    """Valide le contenu d'un fichier de campagne (octets) ; pure, sans I/O
    hormis la lecture du référentiel (en cache)."""
    try:
        texte = decoder(contenu)
    except ErreurLecture as exc:
        return Resultat([exc.diagnostic])
    racine, constats = lire_yaml(texte)
    if racine is None and any(d.est_erreur for d in constats):
        return Resultat(limiter(constats))
    # L'arbre a pu être lu malgré des erreurs (date impossible, clé en double,
    # alias…) : on valide quand même, pour signaler tous les problèmes d'un coup.
    resultat = valider_arbre(racine, charger_referentiel, complet=complet, chemin=chemin)
    if resultat.referentiel is not None:
        constats = constats + reponses_en_commentaire(texte, resultat.referentiel)
    # Au plus CONSTATS_MAX constats par fichier, puis une ligne qui dit combien d'autres.
    return resultat._replace(diagnostics=limiter(trier(constats + resultat.diagnostics)))


def valider_fichier(chemin: Path, *, complet: bool = False) -> Resultat:
    """Valide un fichier ; lève ``ErreurFichier`` (code 2) s'il est illisible."""
    return valider_texte(lire_octets(Path(chemin)), str(chemin), complet=complet)


class CampagneInvalide(ErreurProbleme):
    """Une campagne comporte des erreurs : on ne peut pas en calculer le score."""

    def __init__(self, chemin: str, diagnostics: list[Diagnostic]) -> None:
        self.chemin = chemin
        self.diagnostics = diagnostics
        nombre = sum(1 for d in diagnostics if d.est_erreur)
        erreurs = f"{nombre} erreur{'s' if nombre > 1 else ''}"
        pronom = "les" if nombre > 1 else "la"
        super().__init__(f"{chemin} : {erreurs} ; corrigez-{pronom} d'abord (diagnum valider {chemin})")


def charger_campagne(chemin: Path) -> tuple[Campagne, Referentiel]:
    """Charge une campagne valide, ou lève ``CampagneInvalide`` / ``ErreurFichier``."""
    resultat = valider_fichier(chemin)
    if resultat.a_des_erreurs or resultat.campagne is None:
        raise CampagneInvalide(str(chemin), resultat.diagnostics)
    return resultat.campagne, resultat.referentiel
