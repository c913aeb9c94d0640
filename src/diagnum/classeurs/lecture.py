"""Lire un classeur rempli (ODS ou XLSX) : bord d'entrée de ``diagnum fusionner``.

Le classeur est lu par python-calamine (importé seulement ici), qui ne calcule rien : une formule
n'est jamais évaluée, seule sa dernière valeur enregistrée est lue, et aucun lien externe n'est suivi.
Chaque réponse est retrouvée par l'identifiant de sa ligne (colonne A), jamais par la place de la
ligne ; un classeur dont la structure a été altérée (feuille renommée, ligne inconnue ou en double,
texte d'une question changé) est refusé, chaque altération située à sa feuille et sa cellule.

Les valeurs lues deviennent l'arbre positionné qu'aurait donné un fichier YAML (``lecture_yaml``) ;
la validation de ``diagnum valider`` s'y applique telle quelle, mêmes constats, mêmes mots, et
chaque position y renvoie à une cellule (« Usages 3.6.1!D8 »).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from diagnum.campagne.diagnostics import Cellule, Diagnostic, Position
from diagnum.campagne.validation import Resultat, valider_arbre
from diagnum.classeurs.modele import (
    COLONNE_ID,
    COLONNE_TEXTE,
    COLONNES_SAISIE,
    ENTETES,
    ID_CAMPAGNE,
    ID_REFERENTIEL,
    ID_UAI,
    PRESENTATION,
    construire_classeur,
    parties_connues,
    reference_cellule,
)
from diagnum.classeurs.pourcentages import cellules_pourcentage
from diagnum.erreurs import ErreurProbleme
from diagnum.fichiers import lire_octets
from diagnum.lecture_yaml import Cle, Scalaire, Tableau
from diagnum.referentiel import Referentiel, charger_referentiel

if TYPE_CHECKING:
    from diagnum.enquetes.lecture import Limites

#: Un classeur de campagne pèse quelques dizaines de kilo-octets (quelques centaines une fois décompressé).
TAILLE_CLASSEUR_MAX = 20 * 1024 * 1024
DECOMPRESSE_MAX = 200 * 1024 * 1024
_ILLISIBLE = "ce n'est pas un classeur ODS ou XLSX lisible (archive abîmée, chiffrée ou d'un autre format)"
_TROP_GROS = (
    "fichier trop gros pour un classeur de campagne (plus de 20 Mo, ou 200 Mo décompressé, ou des feuilles démesurées)"
)


def _limites_classeur() -> Limites:
    from diagnum.enquetes.lecture import Limites

    # Un classeur de campagne a une centaine de lignes et sept colonnes par feuille : large marge.
    return Limites(
        octets=TAILLE_CLASSEUR_MAX,
        decompresse=DECOMPRESSE_MAX,
        lignes=10_000,
        colonnes=200,
        cellules=500_000,
        document="classeur de campagne",
    )


# Chiffres ASCII seulement (« \d » accepterait les chiffres arabes ou pleine chasse), et pas plus de 100 :
# au-delà, Python refuse de convertir, et aucun effectif n'en a autant (la validation dira « trop grand »).
_ENTIER = re.compile(r"[+-]?[0-9]{1,100}")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,100}\.[0-9]{1,100}")


class Alteration(NamedTuple):
    """Ce qui empêche de relire un classeur sans deviner : sa place (« Usages 3.6.1!A13 »), un code, un message."""

    place: Cellule
    code: str
    message: str


class ClasseurIllisible(ErreurProbleme):
    """Un classeur qu'on ne peut pas relire sans deviner : chaque altération à sa cellule (code 1)."""

    def __init__(self, chemin: str, alterations: list[Alteration]) -> None:
        self.chemin = chemin
        self.alterations = alterations
        nombre = len(alterations)
        super().__init__(
            f"{chemin} : classeur refusé ({nombre} problème{'s' if nombre > 1 else ''} de structure) ; "
            "rien n'a été fusionné"
        )


class ClasseurLu(NamedTuple):
    """Ce qu'un classeur rempli contient : son identité, et l'arbre de ses réponses validé."""

    chemin: str
    referentiel: str
    uai: str | None
    campagne: str | None
    resultat: Resultat
    #: La validation situe chaque valeur à une position fictive : sa ligne est le rang de sa cellule ici.
    places: list[Cellule]
    racine: Tableau

    def place(self, position: Position | None) -> Cellule:
        """La cellule d'une position de la validation (la présentation pour ce qui n'a pas de cellule)."""
        if position is None or not 0 < position.ligne <= len(self.places):
            return Cellule(PRESENTATION, "A1")
        return self.places[position.ligne - 1]


def _texte(valeur: object) -> str:
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, (dt.date, dt.datetime)):
        return valeur.isoformat()
    return str(valeur).strip() if valeur is not None else ""


def _sans_vides(textes: tuple[str, ...]) -> tuple[str, ...]:
    """Des textes de cellules sans les vides de la fin (une ligne lue a la largeur de la feuille)."""
    textes = tuple(textes)
    while textes and not textes[-1]:
        textes = textes[:-1]
    return textes


def _vide(valeur: object) -> bool:
    return valeur is None or (isinstance(valeur, str) and valeur.strip() == "")


def _scalaire(valeur: object, position: Position, libre: bool = False) -> Scalaire:
    """Une cellule comme l'aurait lue le YAML : nombre, texte, date (une formule : sa valeur enregistrée) ;
    un texte libre (``libre``) tel quel."""
    if libre and isinstance(valeur, str):
        return Scalaire(valeur, position, valeur)
    if isinstance(valeur, bool):
        return Scalaire(valeur, position, "true" if valeur else "false")
    if isinstance(valeur, float):
        return Scalaire(int(valeur) if valeur.is_integer() else valeur, position, _texte(valeur))
    if isinstance(valeur, dt.datetime):
        valeur = valeur.date() if valeur.time() == dt.time() else valeur
        return Scalaire(valeur, position, valeur.isoformat())
    if isinstance(valeur, (int, dt.date)):
        return Scalaire(valeur, position, _texte(valeur))
    if isinstance(valeur, dt.timedelta):
        return Scalaire(str(valeur), position, str(valeur))
    texte = str(valeur)
    nettoye = texte.strip()
    if _ENTIER.fullmatch(nettoye):
        return Scalaire(int(nettoye), position, nettoye)
    if _DECIMAL.fullmatch(nettoye):
        return Scalaire(float(nettoye), position, nettoye)
    return Scalaire(nettoye, position, nettoye)


def lire_classeur(chemin: Path) -> ClasseurLu:
    """Lit et valide un classeur ; lève ``ClasseurIllisible`` (code 1) ou ``ErreurFichier`` (code 2)."""
    import io

    from diagnum.enquetes.lecture import ErreurExport, verifier_classeur

    contenu = lire_octets(chemin, TAILLE_CLASSEUR_MAX)
    nom = chemin.name
    if len(contenu) > TAILLE_CLASSEUR_MAX:
        raise ClasseurIllisible(nom, [Alteration(Cellule(PRESENTATION, "A1"), "classeur-trop-gros", _TROP_GROS)])
    try:
        # L'archive vérifiée avant calamine, comme un export d'enquête : parties, taille décompressée, XML
        # sans DTD, taille annoncée et réelle de chaque feuille (une cellule en XFD1048576 ferait avorter
        # calamine). Rend une archive neuve qui ne contient que ce qui a été vérifié.
        contenu = verifier_classeur(chemin, contenu, _limites_classeur())
    except ErreurExport as exc:
        code = "classeur-trop-gros" if exc.constat.code == "export-trop-grand" else "classeur-illisible"
        message = _TROP_GROS if code == "classeur-trop-gros" else _ILLISIBLE
        raise ClasseurIllisible(nom, [Alteration(Cellule(PRESENTATION, "A1"), code, message)]) from None
    try:
        from python_calamine import CalamineWorkbook

        livre = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        feuilles = {n: livre.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in livre.sheet_names}
        pourcentages = cellules_pourcentage(contenu)
    except Exception:  # calamine ou expat : zip ou XML abîmé, chiffré, autre format
        message = _ILLISIBLE
        raise ClasseurIllisible(nom, [Alteration(Cellule(PRESENTATION, "A1"), "classeur-illisible", message)]) from None
    return lire_feuilles(nom, feuilles, pourcentages)


def _en_pourcents(valeur: object) -> object:
    """« 89 % » saisi dans un tableur, enregistré 0,89 au format pourcentage : ce qu'a vu le membre, 89."""
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        # Arrondi : 0,89 × 100 vaut 89,00000000000001 en virgule flottante.
        return round(valeur * 100, 9)
    return valeur


def lire_feuilles(
    nom: str, feuilles: dict[str, list[list[object]]], pourcentages: set[tuple[str, int, int]] | None = None
) -> ClasseurLu:
    """Les feuilles lues (valeurs des cellules, ligne par ligne) → réponses validées, ou ``ClasseurIllisible``.

    ``pourcentages`` : les cellules (feuille, ligne, colonne depuis 0) que le tableur a enregistrées comme
    pourcentages ; dans une case de pourcentage, leur valeur est relue comme le membre l'a vue (0,89 → 89)."""
    from diagnum.referentiel import versions_disponibles

    presentation = feuilles.get(PRESENTATION)
    if presentation is None:
        message = f"feuille « {PRESENTATION} » absente : ce classeur n'a pas été écrit par diagnum classeur"
        raise ClasseurIllisible(nom, [Alteration(Cellule(PRESENTATION, "A1"), "presentation-absente", message)])
    identite: dict[str, tuple[str, Cellule]] = {}
    for numero, rangee in enumerate(presentation, 1):
        if rangee and _texte(rangee[0]) in (ID_REFERENTIEL, ID_UAI, ID_CAMPAGNE) and len(rangee) > 3:
            identite[_texte(rangee[0])] = (_texte(rangee[3]), reference_cellule(PRESENTATION, numero, "D"))
    version, place_version = identite.get(ID_REFERENTIEL, ("", Cellule(PRESENTATION, "D1")))
    if version not in versions_disponibles():
        connues = ", ".join(versions_disponibles())
        message = f"version du référentiel « {version} » inconnue (versions disponibles : {connues})"
        raise ClasseurIllisible(nom, [Alteration(place_version, "referentiel-inconnu", message)])
    referentiel = charger_referentiel(version)
    attendu = construire_classeur(referentiel, None, parties_connues(referentiel))
    lignes = {r.identifiant: r for f in attendu.feuilles for r in f.rangees if r.identifiant}
    # Ce que portent, en colonnes D à F, les lignes sans identifiant (en-têtes, modalités, affirmations).
    intitules = {_sans_vides(r.intitules) for f in attendu.feuilles for r in f.rangees if not r.identifiant}
    noms = {f.nom for f in attendu.feuilles}
    constats: list[Alteration] = []
    places: list[Cellule] = []
    cellules: dict[tuple[str, ...], tuple[object, Position, bool]] = {}
    vus: dict[str, Cellule] = {}
    for nom_feuille, rangees in feuilles.items():
        if nom_feuille not in noms:
            message = (
                f"feuille « {nom_feuille} » inconnue (renommée ou ajoutée ?) ; rendez-lui son nom, ou écrivez un "
                "nouveau classeur"
            )
            constats.append(Alteration(Cellule(nom_feuille, "A1"), "feuille-inconnue", message))
            continue
        for numero, valeurs in enumerate(rangees, 1):
            identifiant = _texte(valeurs[0]) if valeurs else ""
            if not identifiant or identifiant == ENTETES[0]:
                ecrit = _sans_vides(tuple(_texte(v) for v in valeurs[3:6]))
                if ecrit and ecrit not in intitules:
                    message = (
                        "réponse écrite sur une ligne sans identifiant (colonne A vide) : elle ne peut pas être relue"
                    )
                    constats.append(
                        Alteration(reference_cellule(nom_feuille, numero, COLONNE_ID), "sans-identifiant", message)
                    )
                continue
            place_id = reference_cellule(nom_feuille, numero, COLONNE_ID)
            modele = lignes.get(identifiant)
            if modele is None:
                message = f"identifiant « {identifiant} » inconnu ; cette ligne ne peut pas être relue"
                constats.append(Alteration(place_id, "identifiant-inconnu", message))
                continue
            if identifiant in vus:
                message = f"identifiant « {identifiant} » en double (déjà en {vus[identifiant]})"
                constats.append(Alteration(place_id, "identifiant-double", message))
                continue
            vus[identifiant] = place_id
            texte = _texte(valeurs[2]) if len(valeurs) > 2 else ""
            if modele.saisies and texte != modele.texte.strip():
                message = f"le texte de la question « {identifiant} » a été modifié ; remettez celui du référentiel"
                place = reference_cellule(nom_feuille, numero, COLONNE_TEXTE)
                constats.append(Alteration(place, "texte-modifie", message))
                continue
            for indice, saisie in enumerate(modele.saisies):
                valeur = valeurs[3 + indice] if len(valeurs) > 3 + indice else None
                if _vide(valeur):
                    continue
                if (nom_feuille, numero, 3 + indice) in (pourcentages or ()):
                    valeur = _en_pourcents(valeur)
                    if saisie.genre != "pourcentage" and isinstance(valeur, (int, float)):
                        # « 12 % » tapé là où un effectif est attendu : refusé par la validation, avec ce
                        # que le membre a écrit plutôt qu'un 0,12 qu'il n'a jamais vu.
                        valeur = f"{_texte(valeur)} %"
                places.append(reference_cellule(nom_feuille, numero, COLONNES_SAISIE[indice]))
                cellules[saisie.chemin] = (valeur, Position(len(places), 1), saisie.genre == "texte")
    if constats:
        raise ClasseurIllisible(nom, constats)
    racine = _arbre(referentiel, identite, cellules, places)
    resultat = valider_arbre(racine, charger_referentiel, chemin=nom)
    uai = identite.get(ID_UAI, ("", ""))[0] or None
    campagne = identite.get(ID_CAMPAGNE, ("", ""))[0] or None
    return ClasseurLu(nom, version, uai, campagne, resultat, places, racine)


def _arbre(
    referentiel: Referentiel,
    identite: dict[str, tuple[str, Cellule]],
    cellules: dict[tuple[str, ...], tuple[object, Position, bool]],
    places: list[Cellule],
) -> Tableau:
    """L'arbre qu'aurait lu ``lecture_yaml`` d'un fichier de campagne contenant ces cellules."""

    def ajouter(tableau: Tableau, chemin: tuple[str, ...], noeud: object, position: Position) -> None:
        for cle in chemin[:-1]:
            if cle not in tableau.entrees:
                tableau.entrees[cle] = (Cle(cle, position), Tableau(position, {}))
            tableau = tableau.entrees[cle][1]
        tableau.entrees[chemin[-1]] = (Cle(chemin[-1], position), noeud)

    def position_identite(cle: str) -> Position:
        places.append(identite[cle][1])
        return Position(len(places), 1)

    racine = Tableau(Position(0, 1), {})
    version_position = position_identite(ID_REFERENTIEL)
    racine.entrees["referentiel"] = (
        Cle("referentiel", version_position),
        Scalaire(referentiel.version, version_position, referentiel.version),
    )
    if identite.get(ID_UAI, ("", ""))[0]:
        p = position_identite(ID_UAI)
        ajouter(racine, ("etablissement", "uai"), Scalaire(identite[ID_UAI][0], p, identite[ID_UAI][0]), p)
    if identite.get(ID_CAMPAGNE, ("", ""))[0]:
        p = position_identite(ID_CAMPAGNE)
        ajouter(racine, ("campagne",), Scalaire(identite[ID_CAMPAGNE][0], p, identite[ID_CAMPAGNE][0]), p)
    for chemin, (valeur, position, libre) in cellules.items():
        ajouter(racine, chemin, _scalaire(valeur, position, libre), position)
    return racine


def erreurs_situees(lu: ClasseurLu) -> list[tuple[Cellule, Diagnostic]]:
    """Les erreurs de validation du classeur, chacune avec la place de sa cellule."""
    return [(lu.place(d.position), d) for d in lu.resultat.diagnostics if d.est_erreur]
