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

Ce module ne tient que les données du format ; la vérification du bloc est
``campagne/verifications/communication.py``.
"""

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
