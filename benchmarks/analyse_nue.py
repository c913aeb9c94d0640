"""Référence : la même analyse YAML que diagnum, sans rien d'autre, dans un processus neuf.

Lit chaque fichier, le décode en UTF-8 et parcourt les événements de l'analyseur
pur Python de ruamel.yaml (``YAML(typ="safe", pure=True).parse``), exactement
comme ``diagnum.lecture_yaml.lire_yaml``. Usage : ``python analyse_nue.py FICHIER…``
"""

import io
import sys

from ruamel.yaml import YAML


def main() -> None:
    yaml = YAML(typ="safe", pure=True)
    evenements = 0
    for chemin in sys.argv[1:]:
        with open(chemin, "rb") as flux:
            texte = flux.read().decode("utf-8")
        for _ in yaml.parse(io.StringIO(texte)):
            evenements += 1
    print(evenements)


if __name__ == "__main__":
    main()
