"""Remplir une campagne à plusieurs : le modèle des classeurs (``diagnum classeur``) et la fusion
des réponses revenues (``diagnum fusionner``), tirés du référentiel ; pures, sans E/S."""
