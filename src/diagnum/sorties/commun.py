"""Ce que plusieurs formats montrent de la même façon : les lignes du référentiel (``referentiel VERSION``).

:func:`lignes_referentiel` tire du modèle les parties et leurs lignes (section, identifiant,
question, réponse attendue), que ``sorties.markdown`` écrit en tableaux GFM et ``sorties.tableau``
en tableaux Rich. Fonctions pures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from diagnum.referentiel import Item, Referentiel


class Ligne(NamedTuple):
    """Une ligne de tableau : une question, ou le titre d'une rubrique (``titre`` vrai)."""

    section: str
    identifiant: str
    question: str
    reponse: str
    titre: bool = False


class PartieAffichee(NamedTuple):
    """Une partie du référentiel (3.1, 3.2, puis chaque domaine) et ses lignes."""

    titre: str
    introduction: str | None
    lignes: tuple[Ligne, ...]
    #: Les textes cités après l'introduction (les textes de loi de 3.2), en liste.
    textes: tuple[str, ...] = ()


def reponse_attendue(item: Item) -> str:
    """La forme de la réponse, en quelques mots (« oui | non », « effectif ≥ 0 »…)."""
    from diagnum.affichage import modalite
    from diagnum.referentiel import MODALITES

    if item.nature == "affirmation":
        return "oui | non | sans objet" if item.sans_objet else "oui | non"
    if item.nature == "nombre":
        borne = f", au plus reference.{item.total}" if item.total and item.depassement == "erreur" else ""
        return f"nombre entier ≥ 0{borne}"
    if item.nature == "proportion":
        return "pourcentage de 0 à 100"
    if item.nature == "repartition":
        modalites = " / ".join(modalite(m) for m in MODALITES)
        return f"trois effectifs ({modalites}), somme au plus reference.{item.total}"
    return f"oui | non | sans objet pour chaque service et chacune des {len(item.colonnes)} affirmations"


def lignes_referentiel(referentiel: Referentiel) -> list[PartieAffichee]:
    """Les parties du référentiel dans l'ordre du questionnaire, prêtes à mettre en tableau."""
    parties = []
    for partie in (referentiel.reference, referentiel.obligations):
        lignes = []
        for item in partie.items:
            question = f"{item.libelle} ({item.contexte})" if item.contexte else item.libelle
            lignes.append(Ligne(partie.section, item.id, question, reponse_attendue(item)))
        if partie.date_libelle:
            # « Date : » du questionnaire : la clé « date » de la campagne, au premier niveau.
            lignes.append(Ligne(partie.section, "date", partie.date_libelle, "date AAAA-MM-JJ"))
        parties.append(
            PartieAffichee(f"{partie.section} {partie.titre}", partie.introduction, tuple(lignes), partie.textes)
        )
    usages = referentiel.usages
    for domaine in referentiel.domaines:
        if usages and domaine.section.startswith(f"{usages.section}.") and usages.section not in _sections(parties):
            parties.append(PartieAffichee(f"{usages.section} {usages.titre}", usages.introduction, ()))
        lignes = []
        for rubrique in domaine.rubriques:
            section = rubrique.section or domaine.section
            lignes.append(Ligne(section, "", rubrique.titre, "", titre=True))
            for item in rubrique.items:
                lignes.extend(_lignes_item(item, section))
        nature = "domaine d'usage" if domaine.est_usage else "domaine structurel"
        parties.append(
            PartieAffichee(
                f"{domaine.section} {domaine.titre} ({nature}, reponses.{domaine.id})",
                domaine.description,
                tuple(lignes),
            )
        )
    return parties


def _sections(parties: list[PartieAffichee]) -> set[str]:
    return {p.titre.split(" ", 1)[0] for p in parties}


def _lignes_item(item: Item, section: str) -> list[Ligne]:
    if item.nature != "matrice":
        return [Ligne(section, item.id, item.question, reponse_attendue(item))]
    affirmations = " ".join(f"[{c.id}] {c.libelle}" for c in item.colonnes)
    lignes = [Ligne(section, item.id, f"{item.libelle} {affirmations}", reponse_attendue(item))]
    for ligne in item.lignes:
        lignes.append(
            Ligne(section, f"{item.id}.{ligne.id}", ligne.libelle, "oui | non | sans objet à chaque affirmation")
        )
    return lignes
