"""Les consignes de réponse d'un item, lues par une personne dans le gabarit
de ``diagnum init`` et dans la description du schéma JSON."""

from __future__ import annotations

from diagnum.referentiel import Item, Referentiel


def reponses_permises(item: Item, referentiel: Referentiel) -> str:
    """Ce qu'on peut écrire en réponse à un item, en une phrase."""
    libelles = {i.id: i.libelle.rstrip(" :").lower() for i in referentiel.reference.items}
    if item.nature == "affirmation":
        return "Réponse : oui | non" + (" | sans objet" if item.sans_objet else "")
    if item.nature == "proportion":
        return "Réponse : un pourcentage de 0 à 100 (sans « % »)"
    if item.nature == "repartition":
        return (
            "Réponse : trois effectifs (jamais, occasionnellement, regulierement) dont la somme "
            f"est au plus reference.{item.total} ({libelles.get(item.total, item.total)})"
        )
    if item.nature == "matrice":
        return (
            "Pour chaque service, répondez oui, non ou sans objet à chacune des affirmations ci-dessus. "
            "Un service que l'établissement ne propose pas s'écrit « sans objet »."
        )
    texte = "Réponse : un nombre entier positif ou nul"
    if item.total:
        borne = "au plus" if item.depassement == "erreur" else "en principe au plus"
        texte += f", {borne} reference.{item.total} ({libelles.get(item.total, item.total)})"
    return texte


def consigne_condition(item: Item, referentiel: Referentiel) -> str | None:
    """Quand répondre à une question « Si oui » ; ``None`` pour une question toujours posée."""
    condition = item.condition
    if condition is None:
        return None
    if condition.item:
        return f"Ne répondez que si « {condition.item} » vaut « {condition.valeur} »."
    matrice = referentiel.item(condition.ligne[0])
    return (
        f"Ne répondez que si le service « {condition.ligne[1]} » de « {matrice.domaine}.{matrice.id} » "
        "est proposé (sa ligne n'est pas toute « sans objet »)."
    )
