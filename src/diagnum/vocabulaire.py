"""Le vocabulaire des réponses : les mots qu'écrit un établissement dans sa campagne.

Un petit module sans dépendance, lu par le référentiel, la lecture YAML et l'affichage :
aucun des trois n'a besoin d'importer les deux autres pour connaître « oui » ou « jamais ».
"""

OUI, NON, SANS_OBJET = "oui", "non", "sans objet"
#: Les modalités d'une répartition, clés ASCII dans les fichiers (voir ``affichage.modalite``).
MODALITES = ("jamais", "occasionnellement", "regulierement")
