"""Ouvrir une page dans un vrai navigateur (Chromium sans écran) et relever ce qu'il y a fait.

Chromium est piloté par son protocole de débogage sur deux tubes
(``--remote-debugging-pipe`` : il lit les commandes sur le descripteur 3 et
répond sur le 4, messages JSON séparés par un octet nul) : aucun port réseau,
rien d'autre que la bibliothèque standard. ``ouvrir`` relève chaque requête
que la page a faite, chaque erreur de la console, une capture d'écran, et la
largeur de la page dans une fenêtre étroite agrandie à 200 %.

Sans Chromium (ou sans pdftotext), un test est sauté sur un poste de
développement, mais échoue dans l'intégration continue (``CI=true``) : là, ces
outils doivent être installés (``.ci/run`` s'en charge).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

OPTIONS_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def outil_requis(nom: str, paquet: str) -> str:
    """Le chemin de l'outil ``nom`` ; absent : test sauté, sauf dans l'intégration continue où il échoue."""
    chemin = shutil.which(nom)
    if chemin is None:
        message = f"{nom} introuvable (paquet Debian {paquet}, installé par .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return chemin


def weasyprint_requis() -> None:
    """WeasyPrint utilisable ; sinon test sauté, sauf dans l'intégration continue où il échoue."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"WeasyPrint inutilisable : {exc}")
        pytest.skip(f"WeasyPrint inutilisable : {exc}")


@dataclass
class Visite:
    """Ce que Chromium a relevé en ouvrant une page."""

    requetes: list[str] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    capture: bytes = b""
    largeur_zoom: int = 0
    largeur_fenetre_zoom: int = 0
    titre: str = ""
    langue: str = ""


class _Tubes:
    def __init__(self, processus: subprocess.Popen, ecriture: int, lecture: int) -> None:
        self.processus = processus
        self.ecriture = ecriture
        self.lecture = lecture
        self.tampon = b""
        self.numero = 0
        self.evenements: list[dict] = []

    def _message(self, delai: float) -> dict:
        import select

        fin = time.monotonic() + delai
        while b"\0" not in self.tampon:
            reste = fin - time.monotonic()
            if reste <= 0 or not select.select([self.lecture], [], [], reste)[0]:
                raise TimeoutError("Chromium ne répond pas")
            morceau = os.read(self.lecture, 1 << 20)
            if not morceau:
                raise RuntimeError("Chromium s'est arrêté")
            self.tampon += morceau
        brut, self.tampon = self.tampon.split(b"\0", 1)
        return json.loads(brut)

    def envoyer(self, methode: str, params: dict | None = None, session: str | None = None, delai: float = 60) -> dict:
        self.numero += 1
        message = {"id": self.numero, "method": methode, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.ecriture, json.dumps(message).encode() + b"\0")
        while True:
            reponse = self._message(delai)
            if reponse.get("id") == self.numero:
                if "error" in reponse:
                    raise RuntimeError(f"{methode} : {reponse['error']}")
                return reponse.get("result", {})
            self.evenements.append(reponse)

    def attendre(self, methode: str, delai: float = 60) -> dict:
        for i, evenement in enumerate(self.evenements):
            if evenement.get("method") == methode:
                return self.evenements.pop(i)
        while True:
            evenement = self._message(delai)
            if evenement.get("method") == methode:
                return evenement
            self.evenements.append(evenement)


def ouvrir(page: Path, largeur: int = 1280, hauteur: int = 1600) -> Visite:
    """Ouvre ``page`` (un fichier) dans Chromium sans écran et relève requêtes, erreurs, capture et zoom."""
    chromium = outil_requis("chromium", "chromium")
    adresse = Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="diagnum-chromium-") as profil:
        commandes_lues, commandes = os.pipe()
        reponses, reponses_ecrites = os.pipe()

        def relier() -> None:
            # Copies d'abord : les tubes peuvent déjà occuper les descripteurs 3 et 4.
            lue, ecrite = os.dup(commandes_lues), os.dup(reponses_ecrites)
            os.dup2(lue, 3)
            os.dup2(ecrite, 4)

        processus = subprocess.Popen(
            [chromium, *OPTIONS_CHROMIUM, f"--user-data-dir={profil}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=relier,
            close_fds=False,
        )
        os.close(commandes_lues)
        os.close(reponses_ecrites)
        tubes = _Tubes(processus, commandes, reponses)
        try:
            return _visiter(tubes, adresse, largeur, hauteur)
        finally:
            with contextlib.suppress(RuntimeError, TimeoutError, OSError):
                tubes.envoyer("Browser.close", delai=10)
            try:
                processus.wait(timeout=20)
            except subprocess.TimeoutExpired:
                processus.kill()
                processus.wait()
            os.close(commandes)
            os.close(reponses)


def _visiter(tubes: _Tubes, adresse: str, largeur: int, hauteur: int) -> Visite:
    import base64

    cible = tubes.envoyer("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tubes.envoyer("Target.attachToTarget", {"targetId": cible, "flatten": True})["sessionId"]
    for domaine in ("Network", "Runtime", "Log", "Page"):
        tubes.envoyer(f"{domaine}.enable", session=session)
    metriques = {"width": largeur, "height": hauteur, "deviceScaleFactor": 1, "mobile": False}
    tubes.envoyer("Emulation.setDeviceMetricsOverride", metriques, session=session)
    tubes.evenements.clear()
    tubes.envoyer("Page.navigate", {"url": adresse}, session=session)
    tubes.attendre("Page.loadEventFired")
    time.sleep(0.3)
    visite = Visite()

    def evaluer(expression: str) -> object:
        resultat = tubes.envoyer("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        return resultat["result"].get("value")

    visite.titre = str(evaluer("document.title"))
    visite.langue = str(evaluer("document.documentElement.lang"))
    capture = tubes.envoyer("Page.captureScreenshot", {"format": "png"}, session=session)
    visite.capture = base64.b64decode(capture["data"])
    # 200 % : une fenêtre de 640 pixels CSS vue sur un écran deux fois plus dense.
    zoom = {"width": largeur // 2, "height": hauteur // 2, "deviceScaleFactor": 2, "mobile": False}
    tubes.envoyer("Emulation.setDeviceMetricsOverride", zoom, session=session)
    time.sleep(0.2)
    visite.largeur_zoom = int(evaluer("document.documentElement.scrollWidth"))
    visite.largeur_fenetre_zoom = int(evaluer("document.documentElement.clientWidth"))
    for evenement in tubes.evenements:
        methode, params = evenement.get("method"), evenement.get("params", {})
        if methode == "Network.requestWillBeSent":
            visite.requetes.append(params["request"]["url"])
        elif methode == "Runtime.exceptionThrown":
            visite.erreurs.append(json.dumps(params.get("exceptionDetails", {}), ensure_ascii=False))
        elif methode == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            visite.erreurs.append(json.dumps(params.get("args", []), ensure_ascii=False))
        elif methode == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            visite.erreurs.append(params["entry"].get("text", ""))
    return visite
