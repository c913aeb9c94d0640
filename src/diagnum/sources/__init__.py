"""Les exports des outils de l'établissement (``diagnum sources``) : planning de réservation, emploi du temps,
statistiques de l'ENT, lus puis ramenés aux effectifs du référentiel, sans rien garder des personnes."""
