"""``diagnum enquete`` après l'issue 15 : même écriture sûre et même échappement que le reste.

Les questionnaires d'un public sont écrits d'un seul geste (``ecrire_dossier``), sans jamais
suivre un lien ; l'import n'écrit pas à travers une campagne qui serait un lien ; un en-tête de
colonne d'un export (texte venu d'un tableur) s'affiche échappé.
"""

from __future__ import annotations

import os

from typer.testing import CliRunner

from diagnum.cli import app
from test_enquetes import EXPORT_EXEMPLE, campagne  # noqa: F401 (fixture)

runner = CliRunner()


def test_questionnaire_ne_suit_pas_un_lien_casse(tmp_path):
    dossier = tmp_path / "questionnaires"
    dossier.mkdir()
    ailleurs = tmp_path / "ailleurs.md"
    (dossier / "enseignants.md").symlink_to(ailleurs)
    resultat = runner.invoke(app, ["enquete", "questionnaire", "enseignants", "-o", str(dossier)])
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert f"{dossier} contient déjà enseignants.md : rien n'a été écrit" in resultat.stderr
    assert not ailleurs.exists()
    assert sorted(p.name for p in dossier.iterdir()) == ["enseignants.md"]
    resultat = runner.invoke(app, ["enquete", "questionnaire", "enseignants", "-o", str(dossier), "--force"])
    assert resultat.exit_code == 0, resultat.output
    assert not (dossier / "enseignants.md").is_symlink() and not ailleurs.exists()
    assert sorted(p.name for p in dossier.iterdir()) == [
        "enseignants.csv",
        "enseignants.html",
        "enseignants.md",
        "enseignants.txt",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_import_dans_une_campagne_qui_est_un_lien(tmp_path, campagne):  # noqa: F811
    lien = tmp_path / "lien.yaml"
    lien.symlink_to(campagne)
    avant = campagne.read_bytes()
    resultat = runner.invoke(
        app, ["enquete", "importer", str(EXPORT_EXEMPLE), "-p", "enseignants", "--dans", str(lien)]
    )
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert resultat.stderr == (
        f"diagnum : {lien} est un lien symbolique : diagnum n'écrit jamais à travers un lien ; donnez le chemin "
        f"du fichier lui-même ({os.path.realpath(campagne)})\n"
    )
    assert campagne.read_bytes() == avant and lien.is_symlink()


def test_un_en_tete_piege_s_affiche_echappe(tmp_path, campagne):  # noqa: F811
    lignes = EXPORT_EXEMPLE.read_text(encoding="utf-8").splitlines()
    lignes[0] += ',"Remarque\x1b]0;TITRE\x07\x1b[2J"'
    lignes[1:] = [ligne + ',"x"' for ligne in lignes[1:]]
    export = tmp_path / "export\x1b[31m.csv"
    export.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    resultat = runner.invoke(app, ["enquete", "importer", str(export), "-p", "enseignants", "--dans", str(campagne)])
    assert resultat.exit_code == 0, resultat.output
    assert "\x1b" not in resultat.stdout and "\x1b" not in resultat.stderr
    assert "Remarque\\x1b]0;TITRE\\x07\\x1b[2J" in resultat.stdout
    assert "export\\x1b[31m.csv" in resultat.stdout
