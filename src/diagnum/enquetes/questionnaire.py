"""Les questionnaires d'enquête, tirés du référentiel : fonctions pures.

Chaque item qui déclare une ``collecte`` devient une question du
questionnaire de son public, dans l'ordre du référentiel. Le même code de
question sert partout : en-tête de colonne de la feuille de saisie, code de
question de LimeSurvey, clé du JSON. Les réponses ont des codes courts (cinq
caractères au plus, la limite de LimeSurvey) et un libellé accentué.
"""

from __future__ import annotations

from typing import NamedTuple

from diagnum.referentiel import MODALITES, NON, OUI, Item, Public, Referentiel


class Reponse(NamedTuple):
    """Une réponse permise : son code, son libellé, la valeur qu'elle compte dans la campagne."""

    code: str
    libelle: str
    valeur: str


#: Les réponses de chaque échelle (les codes tiennent en cinq caractères, comme LimeSurvey l'exige).
REPONSES: dict[str, tuple[Reponse, ...]] = {
    "frequence": tuple(
        Reponse(code, libelle, valeur)
        for code, libelle, valeur in zip(
            ("jam", "occ", "reg"), ("Jamais", "Occasionnellement", "Régulièrement"), MODALITES, strict=True
        )
    ),
    "oui_non": (Reponse("oui", "Oui", OUI), Reponse("non", "Non", NON)),
}

AVIS_ANONYMAT = (
    "Ce questionnaire est anonyme : n'y écrivez ni votre nom, ni votre adresse électronique, ni rien qui permette "
    "de vous reconnaître. Seuls les totaux de toutes les réponses sont conservés par l'établissement."
)


class Question(NamedTuple):
    """Une question d'enquête et l'item du référentiel qu'elle renseigne."""

    code: str
    item: Item
    texte: str
    reponses: tuple[Reponse, ...]


def questions(referentiel: Referentiel, public: str) -> list[Question]:
    """Les questions posées à un public, dans l'ordre du référentiel."""
    return [
        Question(item.collecte.code, item, item.collecte.question, REPONSES[item.collecte.echelle])
        for item in referentiel.questions_enquete(public)
        if item.collecte is not None
    ]


def en_json(public: str, liste: list[Question]) -> dict:
    """Le questionnaire pour d'autres outils (``--format json``)."""
    return {
        "public": public,
        "questions": [
            {
                "code": q.code,
                "item": q.item.id,
                "domaine": q.item.domaine,
                "question": q.texte,
                "reponses": [{"code": r.code, "libelle": r.libelle} for r in q.reponses],
            }
            for q in liste
        ],
    }


def en_markdown(public: Public, liste: list[Question]) -> str:
    """Le questionnaire à imprimer : avis d'anonymat, puis chaque question et ses cases à cocher."""
    from diagnum.echappement import echapper_markdown

    lignes = [f"# {echapper_markdown(public.titre)}", ""]
    if public.introduction:
        lignes += [echapper_markdown(public.introduction), ""]
    lignes += [f"**{AVIS_ANONYMAT}**", "", "Cochez une seule case par question.", ""]
    for numero, question in enumerate(liste, start=1):
        lignes += [f"{numero}. {echapper_markdown(question.texte)}", ""]
        lignes += [f"   - [ ] {echapper_markdown(r.libelle)}" for r in question.reponses]
        lignes.append("")
    lignes += [
        "---",
        "",
        "*Questionnaire préparé avec diagnum (« diagnum enquete questionnaire ») d'après le référentiel "
        "collège/lycée numérique ; les questions sont formulées par diagnum.*",
        "",
    ]
    return "\n".join(lignes)


#: Lignes vides préparées dans la feuille de saisie (on peut en ajouter autant qu'il faut).
LIGNES_SAISIE = 30


def en_csv(liste: list[Question], lignes: int = LIGNES_SAISIE) -> str:
    """La feuille de saisie des réponses papier : une ligne d'en-tête de codes, une ligne par répondant à venir.

    Séparateur « ; » et BOM UTF-8 : c'est ce qu'un tableur réglé en français ouvre directement.
    """
    from diagnum.tableur import csv_octets

    return csv_octets([q.code for q in liste], [[""] * len(liste)] * lignes).decode("utf-8")


#: Colonnes du format texte (tabulations) que LimeSurvey importe (``TSVImportSurvey``).
COLONNES_LIMESURVEY = (
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
LANGUE = "fr"
#: Question « liste (boutons radio) » de LimeSurvey : une seule réponse parmi des codes.
TYPE_LISTE = "L"


def _cellule(texte: str) -> str:
    """Une cellule sur une ligne : ni tabulation ni retour à la ligne (le format n'en a pas)."""
    return " ".join(str(texte).split())


def en_limesurvey(public: Public, liste: list[Question]) -> str:
    """La structure de l'enquête au format texte à tabulations que LimeSurvey importe.

    Une ligne ``S`` par réglage de l'enquête (anonyme, sans adresse IP ni
    date), ``SL`` pour ses textes en français, un groupe ``G``, puis chaque
    question ``Q`` (type liste, non obligatoire) suivie de ses réponses ``A``.
    """
    lignes: list[dict[str, str]] = [
        {"class": "S", "name": "language", "text": LANGUE},
        {"class": "S", "name": "format", "text": "G"},
        {"class": "S", "name": "anonymized", "text": "Y"},
        {"class": "S", "name": "datestamp", "text": "N"},
        {"class": "S", "name": "ipaddr", "text": "N"},
        {"class": "SL", "name": "surveyls_title", "text": public.titre, "language": LANGUE},
        {
            "class": "SL",
            "name": "surveyls_description",
            "text": f"{public.introduction} {AVIS_ANONYMAT}".strip(),
            "language": LANGUE,
        },
        {"class": "G", "type/scale": "G1", "name": public.titre, "relevance": "1", "language": LANGUE},
    ]
    for question in liste:
        lignes.append(
            {
                "class": "Q",
                "type/scale": TYPE_LISTE,
                "name": question.code,
                "relevance": "1",
                "text": question.texte,
                "language": LANGUE,
                "mandatory": "N",
                "other": "N",
                "same_default": "0",
            }
        )
        lignes += [
            {"class": "A", "type/scale": "0", "name": r.code, "text": r.libelle, "language": LANGUE}
            for r in question.reponses
        ]
    texte = ["\t".join(COLONNES_LIMESURVEY)]
    texte += ["\t".join(_cellule(ligne.get(colonne, "")) for colonne in COLONNES_LIMESURVEY) for ligne in lignes]
    return "\n".join(texte) + "\n"
