"""Entrées et sorties de fichiers : lecture, écriture atomique.

Toute écriture passe par ``ecrire_atomique`` : un fichier temporaire dans le
même dossier, ``fsync``, puis ``os.replace``. Un fichier existant n'est
jamais remplacé sans ``force`` ; ses permissions sont conservées.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from diagnum.erreurs import ErreurFichier, ErreurProbleme, message_systeme

TAILLE_LECTURE_MAX = 1024 * 1024


def lire_octets(chemin: Path, limite: int = TAILLE_LECTURE_MAX) -> bytes:
    """Lit un fichier ; au-delà de ``limite`` octets, n'en lit que ``limite + 1``.

    Lève ``ErreurFichier`` (code 2) si le fichier ne peut être lu.
    """
    try:
        with open(chemin, "rb") as flux:
            return flux.read(limite + 1)
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None


def ecrire_atomique(chemin: Path, contenu: bytes | str, *, force: bool = False) -> None:
    """Écrit ``contenu`` dans ``chemin`` sans jamais laisser de fichier à moitié écrit.

    Refuse d'écraser un fichier existant sans ``force`` (``ErreurProbleme``,
    code 1) ; toute erreur du système devient ``ErreurFichier`` (code 2).
    """
    donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    chemin = Path(chemin)
    try:
        existant = chemin.stat()
    except FileNotFoundError:
        existant = None
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    if existant is not None:
        if stat.S_ISDIR(existant.st_mode):
            raise ErreurFichier(f"{chemin} : c'est un dossier, un fichier est attendu")
        if not force:
            raise ErreurProbleme(f"{chemin} existe déjà : rien n'a été écrit (ajoutez --force pour le remplacer)")
    dossier = chemin.parent if str(chemin.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : dossier introuvable")
    descripteur = None
    temporaire = None
    try:
        descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=dossier)
        with os.fdopen(descripteur, "wb") as flux:
            descripteur = None
            flux.write(donnees)
            flux.flush()
            os.fsync(flux.fileno())
        mode = stat.S_IMODE(existant.st_mode) if existant is not None else 0o666 & ~_umask()
        os.chmod(temporaire, mode)
        os.replace(temporaire, chemin)
        temporaire = None
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    finally:
        if descripteur is not None:
            with contextlib.suppress(OSError):
                os.close(descripteur)
        if temporaire is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporaire)


def _umask() -> int:
    masque = os.umask(0)
    os.umask(masque)
    return masque


def preparer_dossier(dossier: Path) -> Path:
    """Crée le dossier de sortie s'il manque (pas ses parents absents)."""
    dossier = Path(dossier)
    try:
        dossier.mkdir(exist_ok=True)
    except FileExistsError:
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier") from None
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, dossier)) from None
    if not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")
    return dossier
