"""Reconnaître les colonnes et les réponses d'un export : fonctions pures.

Une colonne est une question si son en-tête est le code de la question, son
texte (comme l'écrivent Google Forms et Microsoft Forms), le code suivi du
texte (LimeSurvey, « code et texte de la question ») ou le début du texte
(LimeSurvey, « texte abrégé ») ; la casse, les accents, les espaces et la
ponctuation ne comptent pas. Une réponse est reconnue par son code ou par son
libellé, de la même façon.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from diagnum.enquetes.questionnaire import Question, Reponse
from diagnum.referentiel import NON, OUI

_NON_ALPHANUMERIQUE = re.compile(r"[^0-9a-z]+")

#: Mots d'un en-tête qui désignent une donnée personnelle (à ne pas recueillir).
MOTS_PERSONNELS = frozenset(
    {
        "nom",
        "prenom",
        "name",
        "firstname",
        "lastname",
        "mail",
        "email",
        "courriel",
        "messagerie",
        "telephone",
        "phone",
        "ipaddr",
        "ip",
        "adresse",
    }
)
#: En-têtes (normalisés) d'un identifiant de réponse : LimeSurvey, Microsoft Forms, saisie à la main.
ENTETES_IDENTIFIANT = frozenset(
    {"id", "response id", "id de la reponse", "identifiant", "identifiant de la reponse", "numero de reponse"}
)


#: Longueur minimale (texte normalisé) d'un en-tête abrégé reconnu par le début d'une question.
LONGUEUR_ABREGE = 20


def normaliser(texte: str) -> str:
    """Minuscules, sans accents, la ponctuation et les blancs réduits à une espace : « Régulièrement ! » → « regulierement »."""
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return _NON_ALPHANUMERIQUE.sub(" ", sans_accents.replace("œ", "oe").replace("æ", "ae")).strip()


def lettre_colonne(indice: int) -> str:
    """0 → A, 25 → Z, 26 → AA : la colonne comme la nomme un tableur."""
    lettres = ""
    indice += 1
    while indice:
        indice, reste = divmod(indice - 1, 26)
        lettres = chr(ord("A") + reste) + lettres
    return lettres


def question_de_colonne(entete: str, questions: list[Question]) -> Question | None:
    """La question qu'un en-tête désigne, ou ``None``."""
    cle = normaliser(entete)
    if not cle:
        return None
    for question in questions:
        code = normaliser(question.code)
        texte = normaliser(question.texte)
        if cle in (code, texte) or (cle.startswith(f"{code} ") and cle.endswith(texte)):
            return question
    # Un en-tête abrégé par LimeSurvey (« texte de question abrégé » : 15 caractères suivis de « .. ») :
    # reconnu s'il ne commence qu'une seule question.
    candidats = candidats_abreges(entete, questions)
    if len(candidats) == 1:
        return candidats[0]
    # Un début de texte sans « .. » : reconnu s'il est assez long et ne commence qu'une seule question.
    if len(cle) >= LONGUEUR_ABREGE:
        debuts = [q for q in questions if normaliser(q.texte).startswith(cle)]
        if len(debuts) == 1:
            return debuts[0]
    return None


def candidats_abreges(entete: str, questions: list[Question]) -> list[Question]:
    """Les questions dont le texte commence comme un en-tête abrégé par LimeSurvey (terminé par « .. »)."""
    texte = entete.rstrip()
    if not texte.endswith(("..", "…")):
        return []
    cle = normaliser(texte.rstrip(".…"))
    if len(cle) < LONGUEUR_ABREGE_MIN:
        return []
    return [q for q in questions if normaliser(q.texte).startswith(cle)]


#: Longueur minimale (texte normalisé) d'un en-tête terminé par « .. » pour chercher la question qu'il abrège.
LONGUEUR_ABREGE_MIN = 6


def est_personnelle(entete: str) -> bool:
    """Vrai si l'en-tête désigne une donnée personnelle (nom, adresse électronique…)."""
    mots = set(normaliser(entete).split())
    return bool(mots & MOTS_PERSONNELS) or "e mail" in normaliser(entete)


def est_identifiant(entete: str) -> bool:
    """Vrai si la colonne porte l'identifiant de la réponse (pour reconnaître un doublon)."""
    return normaliser(entete) in ENTETES_IDENTIFIANT


class Colonnes(NamedTuple):
    """Ce que sont les colonnes d'un export."""

    #: indice de colonne → question
    questions: dict[int, Question]
    identifiant: int | None
    #: en-têtes des colonnes qui ne sont pas des questions
    ignorees: list[str]
    #: en-têtes des colonnes qui ressemblent à une donnée personnelle
    personnelles: list[str]
    #: en-têtes des colonnes qui désignent une question déjà trouvée
    doubles: list[str]
    #: indices des colonnes qui ressemblent à une donnée personnelle
    indices_personnels: list[int]
    #: (indice, en-tête, questions possibles) des en-têtes abrégés qui commencent plusieurs questions
    abreges: list[tuple[int, str, list[Question]]]


def reconnaitre_colonnes(entetes: list[str], questions: list[Question]) -> Colonnes:
    """Range chaque colonne : question, identifiant de réponse, donnée personnelle ou colonne ignorée."""
    trouvees: dict[int, Question] = {}
    codes_vus: set[str] = set()
    identifiant = None
    ignorees: list[str] = []
    personnelles: list[str] = []
    doubles: list[str] = []
    indices_personnels: list[int] = []
    abreges: list[tuple[int, str, list[Question]]] = []
    for indice, entete in enumerate(entetes):
        question = question_de_colonne(entete, questions)
        candidats = candidats_abreges(entete, questions) if question is None else []
        if question is not None:
            if question.code in codes_vus:
                doubles.append(entete)
                continue
            codes_vus.add(question.code)
            trouvees[indice] = question
        elif candidats:
            abreges.append((indice, entete, candidats))
        elif est_identifiant(entete) and identifiant is None:
            identifiant = indice
        elif est_personnelle(entete):
            personnelles.append(entete)
            indices_personnels.append(indice)
        elif entete.strip():
            ignorees.append(entete)
    return Colonnes(trouvees, identifiant, ignorees, personnelles, doubles, indices_personnels, abreges)


#: Ce que les outils écrivent pour une question laissée sans réponse (LimeSurvey : « N/A », « Sans réponse »).
SANS_REPONSE = frozenset({"n a", "na", "sans reponse", "pas de reponse", "no answer", "non renseigne"})


def est_sans_reponse(texte: str) -> bool:
    """Vrai pour une cellule vide ou qui dit « pas de réponse » (elle ne compte pour aucune réponse)."""
    return not texte.strip() or normaliser(texte) in SANS_REPONSE


#: Les codes des questions oui/non de LimeSurvey (« Y », « N ») et leurs équivalents anglais.
ALIAS_OUI_NON = {"y": OUI, "yes": OUI, "n": NON, "no": NON}
#: Ce que Microsoft Forms écrit dans « Nom » et « Adresse de messagerie » d'une réponse anonyme.
ANONYME = frozenset({"anonymous", "anonyme"})


def reconnaitre_reponse(texte: str, reponses: tuple[Reponse, ...]) -> Reponse | None:
    """La réponse que désigne une cellule (par son code ou son libellé, ou « Y »/« N » pour oui/non), ou
    ``None`` si elle est inconnue."""
    cle = normaliser(texte)
    for reponse in reponses:
        if cle in (normaliser(reponse.code), normaliser(reponse.libelle)):
            return reponse
    alias = ALIAS_OUI_NON.get(cle)
    return next((r for r in reponses if r.valeur == alias), None) if alias else None


def est_anonyme(texte: str) -> bool:
    """Vrai pour une cellule de donnée personnelle vide ou « anonymous » (Microsoft Forms, réponse anonyme)."""
    return not texte.strip() or normaliser(texte) in ANONYME


#: Ressemblance (0 à 1, difflib) d'un en-tête au texte d'une question au-delà de laquelle la colonne est
#: prise pour cette question reformulée.
RESSEMBLANCE_MIN = 0.6


def ressemblance(entete: str, question: Question) -> float:
    """À quel point un en-tête ressemble au texte d'une question (0 : rien de commun, 1 : le même)."""
    import difflib

    return difflib.SequenceMatcher(None, normaliser(entete), normaliser(question.texte), autojunk=False).ratio()
