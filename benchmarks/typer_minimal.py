"""Plancher d'une application Typer : une seule commande qui lit les fichiers comme diagnum, rien d'autre.

Mesure ce que coûtent Typer et son aiguillage autour de la même lecture que
``diagnum.lecture_yaml`` (événements de l'analyseur libyaml de ruamel.yaml.clib,
sans construire d'arbre ni valider). Usage : ``python typer_minimal.py FICHIER…``
"""

from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def analyser(fichiers: list[Path]) -> None:
    """Lit les événements YAML de chaque fichier."""
    import io

    from _ruamel_yaml import CParser

    for chemin in fichiers:
        parseur = CParser(io.StringIO(chemin.read_bytes().decode("utf-8")))
        while parseur.check_event():
            parseur.get_event()


if __name__ == "__main__":
    app()
