"""Taper du texte dans des cellules d'un classeur, dans un vrai LibreOffice, comme au clavier.

Lancé par les tests avec le Python du système (``/usr/bin/python3``, qui a le module ``uno`` du paquet
Debian python3-uno), jamais importé par eux :

    python3 saisie_libreoffice.py PROFIL SOURCE "Feuille!D19=89 %" ... -- CIBLE.ods CIBLE.xlsx

``.uno:EnterString`` passe par la même saisie que le clavier : reconnaissance de « 89 % », format
pourcentage appliqué ou non selon le format de la cellule. ``setFormula`` ne le ferait pas.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

FILTRES = {".ods": "calc8", ".xlsx": "Calc MS Excel 2007 XML"}


def _propriete(nom: str, valeur: object) -> PropertyValue:
    propriete = PropertyValue()
    propriete.Name, propriete.Value = nom, valeur
    return propriete


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(profil: Path, source: Path, saisies: list[str], cibles: list[Path]) -> None:
    port = _port_libre()
    accepter = f"socket,host=127.0.0.1,port={port};urp;"
    commande = [
        "soffice",
        f"-env:UserInstallation={profil.as_uri()}",
        "--headless",
        "--invisible",
        f"--accept={accepter}",
    ]
    processus = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolveur = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolveur.resolve(f"uno:{accepter}StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice n'a pas répondu")
        bureau = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        document = bureau.loadComponentFromURL(source.as_uri(), "_blank", 0, (_propriete("Hidden", True),))
        controleur = document.CurrentController
        envoi = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for saisie in saisies:
            feuille, colonne, ligne, texte = re.fullmatch(r"(.+)!([A-Z])([0-9]+)=(.*)", saisie).groups()
            cellule = document.Sheets.getByName(feuille).getCellByPosition(ord(colonne) - 65, int(ligne) - 1)
            controleur.select(cellule)
            envoi.executeDispatch(controleur.Frame, ".uno:EnterString", "", 0, (_propriete("StringName", texte),))
        for cible in cibles:
            document.storeToURL(cible.as_uri(), (_propriete("FilterName", FILTRES[cible.suffix]),))
        # Le pont se ferme parfois avant la réponse : le document est déjà enregistré.
        with contextlib.suppress(Exception):
            document.close(True)
    finally:
        processus.terminate()
        processus.wait(30)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    separation = arguments.index("--")
    main(
        Path(arguments[0]), Path(arguments[1]), arguments[2:separation], [Path(a) for a in arguments[separation + 1 :]]
    )
