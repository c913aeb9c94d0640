"""Erreurs que diagnum transforme en message français et en code de sortie.

Codes de sortie (comme yamllint et check-jsonschema) :
- 0 : tout va bien ;
- 1 : des problèmes ont été trouvés dans les fichiers (erreurs de validation,
  fichier existant sans ``--force``, campagnes incomparables) ;
- 2 : diagnum n'a pas pu travailler (usage incorrect, fichier absent ou
  illisible, dossier introuvable, disque plein, référentiel défectueux).
"""

from __future__ import annotations

SORTIE_OK = 0
SORTIE_PROBLEMES = 1
SORTIE_IMPOSSIBLE = 2


class ErreurDiagnum(Exception):
    """Erreur attendue : son message est montré tel quel à l'utilisateur."""

    code_sortie = SORTIE_IMPOSSIBLE

    def __init__(self, message: str, code_sortie: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code_sortie is not None:
            self.code_sortie = code_sortie


class ErreurReferentiel(ErreurDiagnum):
    """Le référentiel demandé est introuvable ou défectueux."""


class ErreurFichier(ErreurDiagnum):
    """Un fichier ne peut être lu ou écrit."""


class ErreurProbleme(ErreurDiagnum):
    """Un problème dans les données de l'utilisateur (code de sortie 1)."""

    code_sortie = SORTIE_PROBLEMES


def message_systeme(exc: OSError, chemin: object) -> str:
    """Décrit en une ligne française une erreur du système de fichiers."""
    import errno

    causes = {
        errno.ENOENT: "fichier ou dossier introuvable",
        errno.EACCES: "permission refusée",
        errno.EPERM: "opération non permise",
        errno.EISDIR: "c'est un dossier, un fichier est attendu",
        errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
        errno.ENOSPC: "plus de place sur le disque",
        errno.EROFS: "système de fichiers en lecture seule",
        errno.EEXIST: "le fichier existe déjà",
        errno.ENAMETOOLONG: "nom de fichier trop long",
    }
    cause = causes.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{chemin} : {cause}"
