"""Refait docs/classeur-libreoffice.png : une feuille d'un classeur, rendue par LibreOffice sans écran.

Usage, depuis la racine du dépôt : python docs/capture_classeur.py (demande soffice et pdftoppm).
Le classeur est celui de la partie 3.6.1 de l'exemple, écrit par diagnum, imprimé en PDF par
LibreOffice (une page A4 en paysage), puis la page convertie en PNG par pdftoppm.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from diagnum.campagne.chargement import charger_campagne
from diagnum.classeurs.modele import construire_classeur
from diagnum.sorties.ods import classeur_ods

RACINE = Path(__file__).resolve().parents[1]


def main() -> None:
    campagne, referentiel = charger_campagne(RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml")
    classeur = construire_classeur(referentiel, campagne, ["enseignant_en_classe"], "enseignants.ods")
    # La feuille de la partie seule (sans la présentation) : c'est elle que LibreOffice imprime.
    classeur = classeur._replace(feuilles=classeur.feuilles[1:])
    with tempfile.TemporaryDirectory() as nom:
        dossier = Path(nom)
        ods = dossier / "enseignants.ods"
        ods.write_bytes(classeur_ods(classeur))
        profil = (dossier / "profil").as_uri()
        commande = ["soffice", f"-env:UserInstallation={profil}", "--headless", "--convert-to", "pdf"]
        subprocess.run([*commande, "--outdir", str(dossier), str(ods)], check=True, capture_output=True)
        sortie = RACINE / "docs" / "classeur-libreoffice"
        subprocess.run(
            ["pdftoppm", "-r", "110", "-png", "-singlefile", "-f", "1", "-l", "1", str(dossier / "enseignants.pdf"), str(sortie)],
            check=True,
        )
    print(f"{sortie}.png écrit")


if __name__ == "__main__":
    main()
