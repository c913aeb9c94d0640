"""Entrées et sorties de fichiers : lecture, écriture atomique.

Toute écriture passe par ``ecrire_atomique`` : un fichier temporaire dans le
même dossier, ``fsync``, puis mise en place d'un seul geste (``os.link``, ou
``os.replace`` avec ``force``). Un fichier existant n'est jamais remplacé sans
``force`` ; ses permissions sont conservées. Si l'écriture échoue (disque
plein, permission refusée), le fichier d'origine reste intact et aucun
temporaire ne traîne.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
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

    Un fichier temporaire est écrit dans le même dossier, mis sur le disque
    (``fsync``) puis mis en place d'un seul coup : sans ``force`` par un lien
    (``os.link`` échoue si le fichier est apparu entre-temps), avec ``force``
    par ``os.replace``. Les permissions d'un fichier remplacé sont conservées ;
    un lien symbolique reste un lien et c'est sa cible qui est remplacée.

    Refuse d'écraser un fichier existant sans ``force`` (``ErreurProbleme``,
    code 1) ; toute erreur du système devient ``ErreurFichier`` (code 2).
    """
    donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    chemin = Path(chemin)
    cible = Path(os.path.realpath(chemin)) if chemin.is_symlink() else chemin
    try:
        existant = cible.stat()
    except FileNotFoundError:
        existant = None
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    if existant is not None:
        if stat.S_ISDIR(existant.st_mode):
            raise ErreurFichier(f"{chemin} : c'est un dossier, un fichier est attendu")
        if not force:
            raise _deja_la(chemin)
    dossier = cible.parent if str(cible.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : dossier introuvable")
    mode = stat.S_IMODE(existant.st_mode) if existant is not None else 0o666 & ~_umask()

    import tempfile

    temporaire = None
    try:
        descripteur, temporaire = tempfile.mkstemp(prefix=f".{cible.name}.", suffix=".tmp", dir=dossier)
        with os.fdopen(descripteur, "wb") as flux:
            os.chmod(temporaire, mode)
            flux.write(donnees)
            flux.flush()
            os.fsync(flux.fileno())
        if force or not _lier_sans_ecraser(temporaire, cible, chemin):
            os.replace(temporaire, cible)
        else:
            with contextlib.suppress(OSError):
                os.unlink(temporaire)
        temporaire = None
        _synchroniser_dossier(dossier)
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    finally:
        if temporaire is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporaire)


def _deja_la(chemin: Path) -> ErreurProbleme:
    return ErreurProbleme(f"{chemin} existe déjà : rien n'a été écrit (ajoutez --force pour le remplacer)")


def _lier_sans_ecraser(temporaire: str, cible: Path, chemin: Path) -> bool:
    """Donne au temporaire le nom ``cible`` d'un seul geste, sauf si ce nom est pris.

    Vrai si c'est fait (``os.link`` échoue si un fichier est apparu depuis la
    vérification) ; faux là où le système de fichiers ne sait pas faire de
    liens (certaines clés USB, partages réseau) et où ``cible`` n'existe pas :
    l'appelant renomme alors le temporaire.
    """
    try:
        os.link(temporaire, cible)
    except FileExistsError:
        raise _deja_la(chemin) from None
    except OSError as exc:
        if exc.errno not in _SANS_LIENS:
            raise
        if os.path.lexists(cible):
            raise _deja_la(chemin) from None
        return False
    return True


_SANS_LIENS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _synchroniser_dossier(dossier: Path) -> None:
    """Met sur le disque le nouveau nom (l'entrée du dossier) ; sans effet là où c'est impossible."""
    try:
        descripteur = os.open(dossier, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descripteur)
    except OSError:
        pass
    finally:
        os.close(descripteur)


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
