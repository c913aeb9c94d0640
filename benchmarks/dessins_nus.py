"""Référence : importer matplotlib et dessiner les graphiques d'un rapport, rien d'autre.

Les données des graphiques (scores par domaine, répartitions) sont lues dans un
fichier JSON préparé par ``mesurer.py`` : ni YAML, ni validation, ni calcul de
score, ni Typer ici. Les fonctions de dessin sont celles de diagnum
(``diagnum.rapports.graphiques``), pour que les deux côtés dessinent les mêmes images.
Usage : ``python dessins_nus.py DONNEES.json``
"""

import json
import sys
from types import SimpleNamespace


class ProfilMinimal:
    """Ce que ``radar_png`` lit d'un profil, reconstruit depuis le JSON."""

    def __init__(self, donnees: dict) -> None:
        self.campagne = donnees["campagne"]
        self.etablissement = SimpleNamespace(nom=donnees["etablissement"])
        self.domaines = [SimpleNamespace(**d) for d in donnees["domaines"]]
        self._index = {d.id: d for d in self.domaines}

    def domaine(self, identifiant: str) -> SimpleNamespace | None:
        return self._index.get(identifiant)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as flux:
        donnees = json.load(flux)

    from diagnum.rapports.graphiques import radar_png, repartition_png

    taille = len(radar_png([ProfilMinimal(donnees["profil"])]))
    for graphique in donnees["repartitions"]:
        barres = [(libelle, effectifs) for libelle, effectifs in graphique["barres"]]
        taille += len(repartition_png(barres, graphique["titre"]))
    print(taille)


if __name__ == "__main__":
    main()
