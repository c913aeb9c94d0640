"""Les établissements attendus (``diagnum synthese --attendus LISTE``) et ceux qui manquent à la synthèse.

``lire_attendus`` lit la liste telle que les académies la tiennent : un CSV
(« ; », « , » ou tabulation ; UTF-8, avec ou sans BOM, ou Windows-1252) dont
une colonne est l'UAI (en-tête « UAI », « RNE », « code UAI »,
« identifiant de l'établissement »…), et facultativement le nom et la
commune ; sans en-tête reconnu, une première cellule qui est un UAI fait lire
les colonnes dans l'ordre UAI, nom, commune. ``manquants`` est pure : chaque
établissement attendu sans campagne utilisable, avec la raison (absent,
fichier laissé de côté et pourquoi, fichier d'une autre campagne).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from diagnum.erreurs import ErreurFichier

#: Une liste d'établissements d'un pays entier tient en bien moins.
TAILLE_LISTE_MAX = 16 * 1024 * 1024
_UAI = re.compile(r"\d{7}[A-Za-z]")
_COLONNES = {
    "uai": ("uai", "rne", "code uai", "numero uai", "identifiant de l etablissement", "identifiant"),
    "nom": ("nom", "etablissement", "nom de l etablissement", "appellation officielle", "denomination", "patronyme"),
    "commune": ("commune", "nom de la commune", "libelle commune", "ville", "localite"),
}

ABSENT = "absent"
REJETE = "rejeté"
AUTRE_CAMPAGNE = "autre campagne"


class Attendu(NamedTuple):
    """Un établissement de la liste : UAI (en majuscules), nom et commune s'ils y sont, ligne du fichier."""

    uai: str
    nom: str | None
    commune: str | None
    ligne: int


class Manquant(NamedTuple):
    """Un établissement attendu sans campagne utilisable : ``etat`` (``ABSENT``, ``REJETE``,
    ``AUTRE_CAMPAGNE``), la raison dite en français et le fichier en cause s'il y en a un."""

    uai: str
    nom: str | None
    commune: str | None
    etat: str
    raison: str
    fichier: str | None


def _cle(entete: str) -> str:
    from diagnum.campagne.validation import sans_accents

    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents(entete.strip().lower())).split())


def _decoder(chemin: Path, octets: bytes) -> str:
    if octets.startswith(b"\xef\xbb\xbf"):
        octets = octets[3:]
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return octets.decode("cp1252")
    except UnicodeDecodeError as exc:
        ligne = octets[: exc.start].count(b"\n") + 1
        raise ErreurFichier(
            f"{chemin}:{ligne}: encodage inconnu (ni UTF-8 ni Windows-1252) ; enregistrez la liste en « CSV UTF-8 »"
        ) from None


def _separateur(premiere: str) -> str:
    comptes = {sep: premiere.count(sep) for sep in (";", ",", "\t")}
    meilleur = max(comptes, key=lambda s: comptes[s])
    return meilleur if comptes[meilleur] else ";"


def lire_attendus(chemin: Path) -> list[Attendu]:
    """La liste des établissements attendus ; ``ErreurFichier`` (code 2) si elle est illisible, avec le
    fichier, la ligne et la colonne fautifs. Un UAI répété n'est compté qu'une fois."""
    import csv

    from diagnum.campagne.validation import probleme_uai
    from diagnum.echappement import echapper_terminal
    from diagnum.fichiers import lire_octets

    octets = lire_octets(Path(chemin), TAILLE_LISTE_MAX)
    if len(octets) > TAILLE_LISTE_MAX:
        raise ErreurFichier(f"{chemin} : liste trop grosse (plus de 16 Mo) ; une ligne par établissement est attendue")
    texte = _decoder(chemin, octets)
    lignes = texte.splitlines()
    premiere = next((ligne for ligne in lignes if ligne.strip()), "")
    lecteur = csv.reader(lignes, delimiter=_separateur(premiere), strict=False)
    try:
        rangees = [(numero, [c.strip() for c in cellules]) for numero, cellules in enumerate(lecteur, 1)]
    except csv.Error as exc:
        raise ErreurFichier(f"{chemin} : CSV illisible ({exc})") from None
    rangees = [(n, cellules) for n, cellules in rangees if any(cellules)]
    if not rangees:
        raise ErreurFichier(f"{chemin} : liste vide ; une ligne par établissement attendu (son UAI) est attendue")
    colonnes = _colonnes(rangees[0][1])
    if colonnes is None:
        if not _UAI.fullmatch(rangees[0][1][0]):
            raise ErreurFichier(
                f"{chemin}:{rangees[0][0]}:1: aucune colonne « UAI » dans l'en-tête ; la liste des établissements "
                "attendus a une colonne UAI (et, si l'on veut, nom et commune)"
            )
        colonnes = {"uai": 0, "nom": 1, "commune": 2}
    else:
        rangees = rangees[1:]
    attendus: dict[str, Attendu] = {}
    for numero, cellules in rangees:
        valeurs = {cle: (cellules[i] if i < len(cellules) and cellules[i] else None) for cle, i in colonnes.items()}
        uai = (valeurs["uai"] or "").upper()
        probleme = probleme_uai(uai) if uai else "UAI absent"
        if probleme:
            raise ErreurFichier(echapper_terminal(f"{chemin}:{numero}:{colonnes['uai'] + 1}: {probleme}"))
        attendus.setdefault(uai, Attendu(uai, valeurs.get("nom"), valeurs.get("commune"), numero))
    if not attendus:
        raise ErreurFichier(f"{chemin} : aucun établissement dans la liste (seulement un en-tête)")
    return list(attendus.values())


def _colonnes(entetes: Sequence[str]) -> dict[str, int] | None:
    """Le rang de la colonne UAI, et de celles du nom et de la commune, d'après l'en-tête (ou ``None``)."""
    cles = [_cle(e) for e in entetes]
    trouvees: dict[str, int] = {}
    for nom, possibles in _COLONNES.items():
        for possible in possibles:
            if possible in cles and cles.index(possible) not in trouvees.values():
                trouvees[nom] = cles.index(possible)
                break
    return trouvees if "uai" in trouvees else None


def manquants(
    attendus: Iterable[Attendu],
    retenus: Mapping[str, set[str]],
    laisses: Mapping[str, Sequence[tuple[str, str, str]]],
    campagne: str | None,
) -> list[Manquant]:
    """Les établissements attendus sans campagne ``campagne`` retenue (pure).

    ``retenus`` : UAI → campagnes retenues dans la synthèse ; ``laisses`` : UAI → (état, raison,
    fichier) de chacun de ses fichiers laissés de côté ou d'une autre campagne. Un établissement
    qui a une campagne retenue n'est pas un manquant, même si un autre de ses fichiers est écarté.
    """
    resultat = []
    for attendu in attendus:
        campagnes = retenus.get(attendu.uai, set())
        if (campagne in campagnes) if campagne else campagnes:
            continue
        causes = list(laisses.get(attendu.uai, ()))
        if campagnes:  # sans --campagne pour référence, « retenu » suffit ; ici une autre campagne est retenue
            autres = ", ".join(sorted(campagnes))
            causes.append((AUTRE_CAMPAGNE, f"seulement la campagne {autres}, pas {campagne}", None))
        if not causes:
            resultat.append(Manquant(attendu.uai, attendu.nom, attendu.commune, ABSENT, "aucun fichier", None))
            continue
        # Un fichier rejeté dit davantage qu'un fichier d'une autre campagne : il est nommé d'abord.
        etat, raison, fichier = sorted(causes, key=lambda c: c[0] != REJETE)[0]
        resultat.append(Manquant(attendu.uai, attendu.nom, attendu.commune, etat, raison, fichier))
    return resultat


__all__ = ["ABSENT", "AUTRE_CAMPAGNE", "REJETE", "Attendu", "Manquant", "lire_attendus", "manquants"]
