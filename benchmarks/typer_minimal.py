"""Plancher d'une application Typer : une seule commande qui fait l'analyse nue, rien d'autre.

Mesure ce que coûtent Typer et son aiguillage autour de la même analyse que
``analyse_nue.py``. Usage : ``python typer_minimal.py FICHIER…``
"""

from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def analyser(fichiers: list[Path]) -> None:
    """Analyse les fichiers comme analyse_nue.py."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    for chemin in fichiers:
        for _ in yaml.parse(io.StringIO(chemin.read_bytes().decode("utf-8"))):
            pass


if __name__ == "__main__":
    app()
