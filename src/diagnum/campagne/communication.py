"""Le bloc ``communication:`` d'une campagne : ce que l'établissement choisit de montrer à chaque public.

Référentiel, § 2.1 : « L'établissement pourra s'il le souhaite communiquer tout ou
partie des progrès mesurés avec ce référentiel en fonction de ses choix ». Pour
chaque public, la campagne liste les parties du document de ``diagnum
communiquer`` ; rien n'est montré qui n'a pas été choisi.

    communication:
      familles:
        parties: [points_forts, objectifs]
      academie:
        parties: [radar, scores, points_forts, obligations, objectifs]
        domaines: [pilotage, assistance]   # facultatif : les domaines dont les scores sont montrés

``verifier_communication`` vérifie le bloc (constats avec ligne et colonne) et rend
les choix : une fonction autonome, appelée par la validation.
"""

from diagnum.campagne.modele import ChoixCommunication
from diagnum.lecture_yaml import Liste, Noeud, Scalaire

#: Les publics de § 2.1, dans l'ordre du référentiel : identifiant → à qui le document s'adresse.
PUBLICS = {
    "personnels": "l'ensemble des personnels de l'établissement",
    "academie": "l'inspection académique et le rectorat",
    "collectivite": "la collectivité territoriale",
    "familles": "les élèves et leurs parents",
    "grand-public": "le grand public",
}
#: Les parties d'un document de communication : identifiant → ce qu'elle montre.
PARTIES = {
    "radar": "le diagramme des progrès (annexe 4.2), avec la campagne précédente donnée à diagnum communiquer",
    "scores": "les scores des domaines choisis (clé « domaines », tous sinon) et leur évolution",
    "points_forts": "les points forts",
    "obligations": "les obligations réglementaires respectées",
    "objectifs": "les objectifs et les actions de l'année à venir",
    "commentaires": "les commentaires du groupe de pilotage (texte interne : seulement si vous le choisissez)",
}
CLES_CHOIX = ("parties", "domaines")


def suggestion(mot: str, possibles: list[str] | tuple[str, ...]) -> str:
    """« (vouliez-vous dire « x » ?) » pour un mot proche d'un mot permis, sinon rien."""
    import difflib

    proches = difflib.get_close_matches(mot[:100], list(possibles), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""


def _mots(v: object, noeud: Noeud | None, quoi: str) -> list[tuple[str, Noeud]] | None:
    """Une liste de mots (``[a, b]`` ou un tiret par ligne) → (mot, nœud) ; sinon un constat et ``None``."""
    if noeud is None or (isinstance(noeud, Scalaire) and noeud.valeur is None):
        return None
    if not isinstance(noeud, Liste):
        v.err(noeud.position, "type", f"{quoi} : une liste est attendue, par exemple [points_forts, objectifs]")
        return None
    mots = []
    for element in noeud.elements:
        if not isinstance(element, Scalaire) or not isinstance(element.valeur, str):
            v.err(element.position, "type", f"{quoi} : un mot est attendu à chaque élément de la liste")
            continue
        mots.append((element.valeur.strip(), element))
    return mots


def verifier_communication(v: object, noeud: Noeud | None) -> dict[str, ChoixCommunication]:
    """Le bloc ``communication:`` : un tableau public → {parties, domaines}. ``v`` est le validateur de la
    campagne (``err``, ``tableau``, ``cles_inconnues``, ``referentiel``) : chaque faute y devient un constat
    situé (ligne, colonne). Rend les choix valides, par public."""
    from diagnum.affichage import abreger

    tableau = v.tableau(noeud, "communication")
    if tableau is None:
        return {}
    publics = tuple(PUBLICS)
    v.cles_inconnues(tableau, publics, "dans « communication » (public : " + ", ".join(publics) + ")")
    ids_domaines = [d.id for d in v.referentiel.domaines]
    resultat: dict[str, ChoixCommunication] = {}
    for public in publics:
        if public not in tableau.entrees:
            continue
        bloc = v.tableau(tableau.get(public), f"communication.{public}")
        if bloc is None:
            continue
        v.cles_inconnues(bloc, CLES_CHOIX, f"dans « communication.{public} »")
        parties: list[str] = []
        for mot, element in _mots(v, bloc.get("parties"), f"communication.{public}.parties") or ():
            if mot not in PARTIES:
                v.err(
                    element.position,
                    "partie-inconnue",
                    f"communication.{public}.parties : « {abreger(mot)} » inconnue (attendu : "
                    f"{', '.join(PARTIES)}){suggestion(mot, tuple(PARTIES))}",
                )
            elif mot not in parties:
                parties.append(mot)
        domaines: list[str] | None = None
        mots_domaines = _mots(v, bloc.get("domaines"), f"communication.{public}.domaines")
        if mots_domaines is not None:
            domaines = []
            for mot, element in mots_domaines:
                if mot not in ids_domaines:
                    v.err(
                        element.position,
                        "domaine-inconnu",
                        f"communication.{public}.domaines : domaine « {abreger(mot)} » inconnu"
                        f"{suggestion(mot, ids_domaines)}",
                    )
                elif mot not in domaines:
                    domaines.append(mot)
            if "scores" not in parties:
                v.avert(
                    bloc.entrees["domaines"][0].position,
                    "domaines-sans-scores",
                    f"communication.{public}.domaines : ces domaines ne servent qu'avec la partie « scores », "
                    "absente de « parties »",
                )
        if parties:
            resultat[public] = ChoixCommunication(tuple(parties), None if domaines is None else tuple(domaines))
    return resultat
