"""Entrées et sorties de fichiers : lecture, écriture atomique, dossiers de rapport.

Toute écriture passe par ``ecrire_atomique`` (un fichier) ou ``ecrire_dossier``
(les fichiers d'un rapport) :

- un fichier est écrit dans un temporaire du même dossier, mis sur le disque
  (``fsync``), puis mis en place d'un seul geste (``os.link``, ou
  ``os.replace`` avec ``force``) ; un dossier de rapport est construit à côté
  du dossier visé puis échangé avec lui d'un seul geste : il est remplacé en
  entier ou pas du tout ;
- rien d'existant n'est remplacé sans ``force`` ; un lien symbolique (même
  cassé) n'est jamais suivi : sans ``force`` il est refusé, avec ``force``
  c'est le lien lui-même qui est remplacé, jamais sa cible ;
- si l'écriture échoue (disque plein, permission refusée) ou est interrompue
  (Ctrl+C, SIGTERM), l'original reste intact et aucun temporaire ne traîne ;
- une commande qui modifie un fichier qu'elle a lu (``enquete importer`` et la
  campagne) le lit avec ``lire_pour_modifier`` et passe son ``Lu`` à
  ``ecrire_atomique(attendu=…)`` : si le fichier a changé sur le disque entre
  la lecture et la mise en place (enregistré dans un éditeur, ou une autre
  commande a fini entre-temps), rien n'est remplacé (``FichierModifie``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from diagnum.erreurs import ErreurFichier, ErreurProbleme, message_systeme

TAILLE_LECTURE_MAX = 1024 * 1024


def lire_octets(chemin: Path, limite: int = TAILLE_LECTURE_MAX) -> bytes:
    """Lit un fichier ordinaire ; au-delà de ``limite`` octets, n'en lit que ``limite + 1``.

    Un tube nommé, un périphérique ou une socket sont refusés sans attendre
    (ouverture non bloquante) : lire un tube attendrait sans fin. Lève
    ``ErreurFichier`` (code 2) si le fichier ne peut être lu.
    """
    try:
        descripteur = os.open(chemin, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    try:
        mode = os.fstat(descripteur).st_mode
        if stat.S_ISDIR(mode):
            raise ErreurFichier(f"{chemin} : c'est un dossier, un fichier est attendu")
        if not stat.S_ISREG(mode):
            raise ErreurFichier(
                f"{chemin} : ce n'est pas un fichier ordinaire (tube, périphérique…) ; donnez un fichier de campagne"
            )
        with os.fdopen(descripteur, "rb") as flux:
            descripteur = -1
            return flux.read(limite + 1)
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None
    finally:
        if descripteur >= 0:
            os.close(descripteur)


class Lu(NamedTuple):
    """Ce qu'on sait d'un fichier au moment où on l'a lu, pour ne pas écraser un changement fait depuis."""

    chemin: Path
    #: SHA-256 du contenu lu
    empreinte: str


class FichierModifie(ErreurProbleme):
    """Le fichier a changé sur le disque depuis qu'il a été lu : il n'est pas remplacé (code 1)."""


def lire_pour_modifier(chemin: Path, limite: int = TAILLE_LECTURE_MAX) -> tuple[bytes, Lu]:
    """Lit un fichier qu'on va remplacer (comme ``lire_octets``), et note ce qu'il était."""
    import hashlib

    contenu = lire_octets(chemin, limite)
    return contenu, Lu(Path(chemin), hashlib.sha256(contenu).hexdigest())


def verifier_inchange(attendu: Lu) -> None:
    """Lève ``FichierModifie`` si le fichier n'est plus celui qui a été lu. Le contenu est comparé par son
    empreinte, toujours (la date de modification a la finesse du système de fichiers, deux enregistrements
    de même taille dans la même seconde passeraient) ; un fichier réenregistré à l'identique n'a pas changé."""
    import hashlib

    chemin = attendu.chemin
    etat = _etat(chemin)
    if etat is None or not stat.S_ISREG(etat.st_mode):
        actuelle = None
    else:
        try:
            with open(chemin, "rb") as flux:
                actuelle = hashlib.sha256(flux.read()).hexdigest()
        except OSError as exc:
            raise ErreurFichier(message_systeme(exc, chemin)) from None
    if actuelle != attendu.empreinte:
        raise FichierModifie(
            f"{chemin} a changé sur le disque pendant le travail (enregistré dans un éditeur, ou une autre "
            "commande l'a modifié entre-temps) : rien n'a été écrit, pour ne pas effacer ces changements ; "
            "relancez la commande"
        )


# --------------------------------------------------------------------------
# Interruptions


class Interruption(KeyboardInterrupt):
    """Un signal (SIGINT, SIGTERM, SIGHUP) reçu pendant une écriture : les temporaires sont effacés."""

    def __init__(self, numero: int) -> None:
        super().__init__(numero)
        #: Code de sortie de la convention des interpréteurs de commandes : 128 + numéro du signal.
        self.code_sortie = 128 + numero


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Le temps d'écrire : SIGINT, SIGTERM et SIGHUP lèvent ``Interruption``, pour que les
    blocs ``finally`` effacent les temporaires ; les réglages d'origine sont remis ensuite.

    Sans effet hors du fil principal (Python n'y permet pas de gestionnaire de signal).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def gestionnaire(numero: int, _cadre: object) -> None:
        raise Interruption(numero)

    anciens = {}
    for nom in ("SIGINT", "SIGTERM", "SIGHUP"):
        numero = getattr(signal, nom, None)
        if numero is not None and signal.getsignal(numero) is not signal.SIG_IGN:
            anciens[numero] = signal.signal(numero, gestionnaire)
    try:
        yield
    finally:
        for numero, ancien in anciens.items():
            signal.signal(numero, ancien)


@contextlib.contextmanager
def _sans_interruption() -> Iterator[None]:
    """Diffère SIGINT, SIGTERM et SIGHUP le temps d'un geste qui doit aller à son terme
    (mise en place, effacement des temporaires) ; un signal reçu arrive juste après."""
    import signal
    import threading

    bloques = {getattr(signal, nom) for nom in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, nom)}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    anciens = signal.pthread_sigmask(signal.SIG_BLOCK, bloques)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, anciens)


# --------------------------------------------------------------------------
# Un fichier


def _etat(chemin: Path) -> os.stat_result | None:
    """``lstat`` du chemin (sans suivre un lien), ``None`` s'il n'existe pas."""
    try:
        return os.lstat(chemin)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None


def _lien_refuse(chemin: Path) -> ErreurProbleme:
    return ErreurProbleme(
        f"{chemin} est un lien symbolique : rien n'a été écrit (ajoutez --force pour remplacer le lien "
        "lui-même par un fichier ; sa cible n'est jamais modifiée)"
    )


def ecrire_atomique(chemin: Path, contenu: bytes | str, *, force: bool = False, attendu: Lu | None = None) -> None:
    """Écrit ``contenu`` dans ``chemin`` sans jamais laisser de fichier à moitié écrit.

    Un fichier temporaire est écrit dans le même dossier, mis sur le disque
    (``fsync``) puis mis en place d'un seul coup : sans ``force`` par un lien
    (``os.link`` échoue si le fichier est apparu entre-temps), avec ``force``
    par ``os.replace``. Les permissions d'un fichier remplacé sont conservées.
    Un lien symbolique n'est jamais suivi : sans ``force`` il est refusé, avec
    ``force`` il est remplacé par le fichier (sa cible reste intacte).

    Refuse d'écraser un fichier ou un lien existant sans ``force``
    (``ErreurProbleme``, code 1) ; toute erreur du système devient
    ``ErreurFichier`` (code 2). Interrompu (Ctrl+C, SIGTERM), il ne laisse
    aucun temporaire. Avec ``attendu`` (rendu par ``lire_pour_modifier``),
    le fichier n'est remplacé que s'il est toujours celui qui a été lu, vérifié
    juste avant la mise en place (sinon ``FichierModifie``, code 1).
    """
    donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    with (
        ecriture_atomique(chemin, force=force, attendu=attendu) as temporaire,
        os.fdopen(os.open(temporaire, os.O_WRONLY | os.O_TRUNC), "wb") as flux,
    ):
        flux.write(donnees)


def _verifier_cible(chemin: Path, force: bool) -> tuple[Path, int]:
    """Ce qu'``ecrire_atomique`` et ``ecriture_atomique`` vérifient avant d'écrire : rien d'existant
    sans ``force``, jamais un dossier ; rend le dossier du fichier et les permissions à lui donner."""
    existant = _etat(chemin)
    mode = 0o666 & ~_umask()
    if existant is not None:
        if stat.S_ISDIR(existant.st_mode):
            raise ErreurFichier(f"{chemin} : c'est un dossier, un fichier est attendu")
        if not force:
            raise _lien_refuse(chemin) if stat.S_ISLNK(existant.st_mode) else _deja_la(chemin)
        if stat.S_ISREG(existant.st_mode):
            mode = stat.S_IMODE(existant.st_mode)
    dossier = chemin.parent if str(chemin.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : dossier introuvable")
    return dossier, mode


@contextlib.contextmanager
def ecriture_atomique(chemin: Path, *, force: bool = False, attendu: Lu | None = None) -> Iterator[Path]:
    """Comme ``ecrire_atomique``, pour un gros fichier écrit peu à peu (ou par SQLite) : rend le
    chemin d'un temporaire du même dossier, à remplir dans le bloc ``with`` ; à la sortie sans
    erreur, il est mis sur le disque puis mis en place d'un seul geste. Si le bloc échoue ou est
    interrompu, le temporaire est effacé et ``chemin`` reste intact."""
    import tempfile

    chemin = Path(chemin)
    dossier, mode = _verifier_cible(chemin, force)
    temporaire = None
    try:
        with interruptible():
            try:
                with _sans_interruption():
                    descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=dossier)
                    os.close(descripteur)
                os.chmod(temporaire, mode)
                yield Path(temporaire)
                with open(temporaire, "rb+") as flux:
                    os.fsync(flux.fileno())
                with _sans_interruption():
                    if attendu is not None:
                        verifier_inchange(attendu)
                    if force or not _lier_sans_ecraser(temporaire, chemin, chemin):
                        os.replace(temporaire, chemin)
                    else:
                        with contextlib.suppress(OSError):
                            os.unlink(temporaire)
                    temporaire = None
                _synchroniser_dossier(dossier)
            finally:
                if temporaire is not None:
                    with _sans_interruption(), contextlib.suppress(OSError):
                        os.unlink(temporaire)
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, chemin)) from None


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


# --------------------------------------------------------------------------
# Un dossier de rapport


def ecrire_dossier(dossier: Path, fichiers: Mapping[str, bytes | str], *, force: bool = False) -> Path:
    """Écrit les ``fichiers`` d'un rapport dans ``dossier`` : tout le rapport, ou rien.

    Le nouveau dossier est construit à côté de ``dossier`` (un dossier caché
    ``.<nom>.XXXX.tmp`` du même dossier parent), puis échangé avec lui d'un
    seul geste (sous Linux ; ailleurs, par deux renommages immédiats). Les
    autres fichiers d'un dossier existant (ceux qui ne font pas partie du
    rapport) sont repris tels quels. Sans ``force``, rien n'est fait si l'un
    des ``fichiers`` existe déjà, même comme lien symbolique, même cassé ;
    avec ``force``, un lien de ce nom est remplacé (sa cible reste intacte).
    Si ``dossier`` est lui-même un lien vers un dossier, c'est ce dossier qui
    est réécrit. Un dossier existant qui ne peut être échangé (le dossier
    courant, « -o . », qui laisserait le terminal dans un dossier effacé ; un
    point de montage ; un dossier parent où l'on ne peut pas écrire) reçoit ses
    fichiers un à un, chacun d'un seul geste, le dernier de ``fichiers`` en dernier. Interrompu (Ctrl+C, SIGTERM) ou en échec, le dossier d'origine
    reste intact et le dossier temporaire est effacé.

    Renvoie le dossier écrit.
    """
    import shutil
    import tempfile

    dossier = Path(dossier)
    reel = Path(os.path.realpath(dossier)) if dossier.is_symlink() and dossier.is_dir() else dossier
    reel = Path(os.path.abspath(reel))  # « -o . » : un nom et un dossier parent bien définis
    parent = reel.parent
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    etat = _etat(reel)
    if etat is not None:
        if stat.S_ISLNK(etat.st_mode):
            raise ErreurFichier(f"{dossier} : lien symbolique vers un dossier introuvable")
        if not stat.S_ISDIR(etat.st_mode):
            raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")
        existants = [nom for nom in fichiers if _etat(reel / nom) is not None]
        if existants and not force:
            liste = ", ".join(str(dossier / nom) for nom in existants)
            raise ErreurProbleme(f"{liste} existe déjà : rien n'a été écrit (ajoutez --force pour remplacer)")
        if not _echangeable(reel):
            return _ecrire_un_a_un(dossier, reel, fichiers, force)
    temporaire: str | None = None
    try:
        with interruptible():
            try:
                with _sans_interruption():
                    try:
                        temporaire = tempfile.mkdtemp(prefix=f".{reel.name}.", suffix=".tmp", dir=parent)
                    except OSError as exc:
                        if etat is None or exc.errno not in _ECHANGE_IMPOSSIBLE:
                            raise
                        raise _EchangeImpossible from None  # dossier parent en lecture seule pour nous
                neuf = Path(temporaire)
                os.chmod(neuf, stat.S_IMODE(etat.st_mode) if etat is not None else 0o777 & ~_umask())
                for nom, contenu in fichiers.items():
                    _ecrire_neuf(neuf / nom, contenu, _mode_de(reel / nom) if etat is not None else None)
                if etat is not None:
                    _reprendre(reel, neuf, set(fichiers))
                _synchroniser_dossier(neuf)
                with _sans_interruption():
                    if etat is None:
                        _renommer_sans_ecraser(neuf, reel)
                        temporaire = None
                    else:
                        try:
                            _echanger(neuf, reel)  # le temporaire porte maintenant l'ancien dossier
                        except OSError as exc:
                            if exc.errno not in _ECHANGE_IMPOSSIBLE:
                                raise
                            raise _EchangeImpossible from None  # point de montage, autre système de fichiers…
                _synchroniser_dossier(parent)
            finally:
                if temporaire is not None:
                    with _sans_interruption():
                        shutil.rmtree(temporaire, ignore_errors=True)
    except _EchangeImpossible:
        return _ecrire_un_a_un(dossier, reel, fichiers, force)
    except OSError as exc:
        raise ErreurFichier(message_systeme(exc, exc.filename or dossier)) from None
    return dossier


class _EchangeImpossible(Exception):
    """Le dossier existant ne peut être échangé : ses fichiers seront écrits un à un."""


#: Erreurs qui empêchent l'échange d'un dossier existant sans empêcher d'y écrire : dossier parent
#: où l'on ne peut pas écrire, point de montage, autre système de fichiers.
_ECHANGE_IMPOSSIBLE = {errno.EACCES, errno.EPERM, errno.EBUSY, errno.EXDEV, errno.EINVAL}


def _echangeable(reel: Path) -> bool:
    """Faux pour le dossier courant ou l'un de ses parents (le terminal resterait dans un dossier
    effacé) et pour un point de montage (qu'on ne renomme pas)."""
    try:
        ici = Path(os.path.abspath(os.getcwd()))
    except OSError:
        ici = None
    if ici is not None and (reel == ici or reel in ici.parents):
        return False
    return not os.path.ismount(reel)


def _ecrire_un_a_un(dossier: Path, reel: Path, fichiers: Mapping[str, bytes | str], force: bool) -> Path:
    """Repli quand le dossier ne peut être échangé : chaque fichier écrit d'un seul geste, le dernier
    de ``fichiers`` en dernier (le texte du rapport, qui renvoie aux images)."""
    for nom, contenu in fichiers.items():
        ecrire_atomique(reel / nom, contenu, force=force)
    return dossier


def _mode_de(chemin: Path) -> int | None:
    """Les permissions d'un fichier ordinaire remplacé (pas celles de la cible d'un lien)."""
    etat = _etat(chemin)
    return stat.S_IMODE(etat.st_mode) if etat is not None and stat.S_ISREG(etat.st_mode) else None


def _ecrire_neuf(chemin: Path, contenu: bytes | str, mode: int | None) -> None:
    donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    with open(chemin, "xb") as flux:
        if mode is not None:
            os.chmod(chemin, mode)
        flux.write(donnees)
        flux.flush()
        os.fsync(flux.fileno())


def _reprendre(ancien: Path, neuf: Path, remplaces: set[str]) -> None:
    """Reprend dans ``neuf`` ce que l'ancien dossier contient en dehors du rapport :
    liens physiques (sinon copies), liens symboliques et sous-dossiers tels quels."""
    import shutil

    def copier(source: str, destination: str) -> None:
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, destination, follow_symlinks=False)

    for entree in os.scandir(ancien):
        if entree.name in remplaces:
            continue
        destination = neuf / entree.name
        if entree.is_symlink():
            os.symlink(os.readlink(entree.path), destination)
        elif entree.is_dir():
            shutil.copytree(entree.path, destination, symlinks=True, copy_function=copier)
        else:
            copier(entree.path, str(destination))


_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _renameat2(source: Path, destination: Path, drapeau: int) -> bool:
    """``renameat2`` de Linux ; faux là où il n'existe pas (autre système, vieux noyau, système de fichiers)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        fonction = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    ici = -100  # AT_FDCWD
    if fonction(ici, os.fsencode(source), ici, os.fsencode(destination), drapeau) == 0:
        return True
    numero = ctypes.get_errno()
    if numero in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(numero, os.strerror(numero), str(destination))


def _renommer_sans_ecraser(source: Path, destination: Path) -> None:
    if _renameat2(source, destination, _RENAME_NOREPLACE):
        return
    if os.path.lexists(destination):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination))
    os.rename(source, destination)


def _echanger(neuf: Path, ancien: Path) -> None:
    """Met ``neuf`` à la place de ``ancien`` ; ``neuf`` porte ensuite l'ancien contenu."""
    if _renameat2(neuf, ancien, _RENAME_EXCHANGE):
        return
    # Sans échange atomique : l'ancien dossier est mis de côté, puis remis en cas d'échec.
    de_cote = neuf.with_name(neuf.name + ".ancien")
    os.rename(ancien, de_cote)
    try:
        os.rename(neuf, ancien)
    except OSError:
        os.rename(de_cote, ancien)
        raise
    os.rename(de_cote, neuf)
