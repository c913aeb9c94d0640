"""La vue du territoire : ``diagnum synthese`` sur les campagnes de nombreux établissements.

- ``statistiques`` : quantiles et résumés (fonctions pures) ;
- ``collecte`` : lire, valider et résumer chaque fichier, sur tous les cœurs, sans garder les arbres ;
- ``base`` : la base SQLite de la synthèse (schéma, écriture au fil de l'eau, requêtes) ;
- ``synthese`` : les chiffres du territoire, un objet simple que rendent les gabarits ;
- ``sorties`` : synthese.md et ses images, scores.csv, reponses.csv, repere.json, rejets.csv ;
- ``repere`` : lire un repere.json et situer un établissement parmi ses pairs.
"""
