"""Référence : un script nu qui ne fait que lire chaque fichier avec ruamel.yaml, dans un processus neuf.

C'est le « bare script » des cibles : ``YAML().load`` avec le chargeur par défaut
de ruamel.yaml (aller-retour, celui que chacun écrit d'abord, que la demande
chiffre à « about 50 ms » pour un tel fichier). ``--libyaml`` lit plutôt les
seuls événements de l'analyseur C de ruamel.yaml.clib, comme
``diagnum.lecture_yaml`` : c'est le plancher de la lecture, montré à part.

Usage : ``python analyse_nue.py [--libyaml] FICHIER…``
"""

import io
import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments and arguments[0] == "--libyaml":
        from _ruamel_yaml import CParser

        evenements = 0
        for chemin in arguments[1:]:
            with open(chemin, "rb") as flux:
                parseur = CParser(io.StringIO(flux.read().decode("utf-8")))
            while parseur.check_event():
                parseur.get_event()
                evenements += 1
        print(evenements)
        return

    from ruamel.yaml import YAML

    yaml = YAML()
    cles = 0
    for chemin in arguments:
        with open(chemin, "rb") as flux:
            cles += len(yaml.load(flux.read().decode("utf-8")) or {})
    print(cles)


if __name__ == "__main__":
    main()
