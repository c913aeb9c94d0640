"""Les formats d'un rapport écrit dans un dossier : Markdown, HTML, PDF.

Commun à ``rapport``, ``compare -o``, ``evolution -o`` (et à toute commande qui
écrit un rapport) :

- ``lire_formats`` : les valeurs de ``--format`` (répétable, ou ``tout``) → les
  formats demandés, dans l'ordre md, html, pdf ;
- ``verifier_formats`` : avant tout travail, ``pdf`` exige WeasyPrint (et ses
  bibliothèques) ; sinon un message dit quoi installer (code 2) ;
- ``noms_fichiers`` et ``refuser_existants`` : ce qui sera écrit, et le refus
  (code 1) avant de rien calculer si l'un de ces fichiers existe sans ``force`` ;
- ``produire`` puis ``ecrire`` : les contenus de chaque format, puis l'écriture
  du dossier d'un seul geste (``fichiers.ecrire_dossier``), sans jamais suivre
  un lien symbolique.

Le HTML est la source du PDF : un seul gabarit, sa feuille de style
d'impression donne les pages A4.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from diagnum.erreurs import ErreurDiagnum, ErreurFichier, ErreurProbleme

MD = "md"
HTML = "html"
PDF = "pdf"
TOUT = "tout"
FORMATS = (MD, HTML, PDF)
AIDE_FORMAT = (
    "Format du rapport : md (Markdown et ses images, par défaut), html (un seul fichier à ouvrir "
    'dans un navigateur), pdf (à imprimer ; demande pip install "diagnum[pdf]") ou tout. '
    "Se répète : --format md --format html."
)
INSTALLER_PDF = 'pip install "diagnum[pdf]"'


def installer_pdf() -> str:
    """La commande qui installe WeasyPrint là où diagnum tourne : le pip de son environnement (le
    ``.venv`` du README), nommé par son chemin, pour qu'un autre pip ne l'installe pas ailleurs."""
    import sys

    dossier = Path(sys.executable).parent
    pip = next((dossier / nom for nom in ("pip", "pip.exe", "pip3") if (dossier / nom).is_file()), None)
    commande = [str(pip)] if pip is not None else [sys.executable, "-m", "pip"]
    return " ".join(f'"{m}"' if " " in m else m for m in commande) + ' install "diagnum[pdf]"'


def lire_formats(valeurs: Iterable[str] | None, defaut: Sequence[str] = (MD,)) -> tuple[str, ...]:
    """Les formats demandés, sans doublon, dans l'ordre md, html, pdf.

    Chaque valeur est ``md``, ``html``, ``pdf`` ou ``tout`` (les trois) ; une
    virgule en sépare plusieurs (``md,html``). Une valeur inconnue lève
    ``ErreurDiagnum`` (code 2, usage incorrect).
    """
    demandes: set[str] = set()
    for valeur in valeurs or ():
        for morceau in str(valeur).split(","):
            nom = morceau.strip().lower()
            if nom == TOUT:
                demandes.update(FORMATS)
            elif nom in FORMATS:
                demandes.add(nom)
            else:
                raise ErreurDiagnum(
                    f"format « {morceau.strip()} » inconnu pour un rapport : choisissez md, html, pdf ou tout "
                    "(--format se répète : --format md --format pdf)"
                )
    if not demandes:
        return tuple(defaut)
    return tuple(f for f in FORMATS if f in demandes)


def verifier_formats(formats: Iterable[str]) -> None:
    """Vérifie, avant tout travail, que chaque format demandé peut être produit.

    ``pdf`` demande WeasyPrint et la bibliothèque Pango du système ; s'il en
    manque un, ``ErreurDiagnum`` (code 2) dit quoi installer.
    """
    if PDF in formats:
        import importlib.util

        if importlib.util.find_spec("weasyprint") is None:
            raise ErreurDiagnum(
                f"le format pdf demande WeasyPrint, qui n'est pas installé : installez-le avec {installer_pdf()} "
                "puis relancez la commande (rien n'a été écrit ; --format html donne un rapport à imprimer "
                "depuis le navigateur)"
            )
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError) as exc:
            raise ErreurDiagnum(
                "le format pdf demande WeasyPrint, installé mais inutilisable : il lui manque une bibliothèque "
                "du système (Pango). Sous Debian ou Ubuntu : sudo apt install libpango-1.0-0 libpangoft2-1.0-0 ; "
                f"ailleurs, voyez la documentation d'installation de WeasyPrint (rien n'a été écrit ; détail : {exc})"
            ) from None


def noms_fichiers(base: str, formats: Iterable[str], images_md: Iterable[str] = ()) -> list[str]:
    """Les fichiers qu'écriront ces formats : ``base.md`` et ses images, ``base.html``, ``base.pdf``."""
    noms: list[str] = []
    for format_ in formats:
        if format_ == MD:
            noms += [*images_md, f"{base}.md"]
        else:
            noms.append(f"{base}.{format_}")
    return noms


def verifier_dossier(dossier: Path) -> None:
    """Le dossier de sortie peut être créé : son parent existe et ce n'est pas un fichier (sinon code 2)."""
    dossier = Path(dossier)
    parent = dossier.parent if str(dossier.parent) else Path(".")
    if not parent.is_dir():
        raise ErreurFichier(f"{dossier} : le dossier parent « {parent} » n'existe pas ; créez-le d'abord")
    if os.path.lexists(dossier) and not dossier.is_dir():
        raise ErreurFichier(f"{dossier} : ce n'est pas un dossier")


def refuser_existants(dossier: Path, noms: Iterable[str], force: bool) -> None:
    """Sans ``force``, refuse (code 1) si l'un des fichiers existe déjà, même comme lien symbolique
    (cassé ou non) : rien n'est alors écrit."""
    if force:
        return
    existants = [nom for nom in noms if os.path.lexists(Path(dossier) / nom)]
    if existants:
        verbe = "existe" if len(existants) == 1 else "existent"
        raise ErreurProbleme(
            f"{dossier} : {', '.join(existants)} {verbe} déjà : rien n'a été écrit (ajoutez --force pour remplacer)"
        )


def produire(
    base: str,
    formats: Sequence[str],
    *,
    markdown: Callable[[], Mapping[str, bytes | str]] | None = None,
    html: Callable[[], str] | None = None,
) -> dict[str, bytes | str]:
    """Les contenus de chaque format demandé, par nom de fichier (rien n'est écrit).

    ``markdown()`` rend ``base.md`` et ses images ; ``html()`` rend la page
    HTML, dont le PDF est l'impression. Chaque fonction n'est appelée que si
    son format (ou le PDF, pour ``html``) est demandé.
    """
    fichiers: dict[str, bytes | str] = {}
    if MD in formats:
        if markdown is None:
            raise ValueError("produire : format md demandé sans fonction markdown")
        fichiers.update(markdown())
    if HTML in formats or PDF in formats:
        if html is None:
            raise ValueError("produire : format html ou pdf demandé sans fonction html")
        page = html()
        if HTML in formats:
            fichiers[f"{base}.{HTML}"] = page
        if PDF in formats:
            from diagnum.sorties.pdf import html_en_pdf

            fichiers[f"{base}.{PDF}"] = html_en_pdf(page)
    return fichiers


def ecrire(dossier: Path, fichiers: Mapping[str, bytes | str], *, force: bool, principaux: Iterable[str] = ()) -> None:
    """Écrit le dossier du rapport d'un seul geste (``fichiers.ecrire_dossier`` : construit à côté puis
    échangé, jamais à moitié remplacé, aucun lien suivi) ; là où il faut écrire fichier par fichier, les
    ``principaux`` (les rapports eux-mêmes) viennent en dernier : un rapport présent est complet."""
    from diagnum.fichiers import ecrire_dossier

    derniers = [nom for nom in principaux if nom in fichiers]
    ordre = [n for n in fichiers if n not in derniers] + derniers
    ecrire_dossier(Path(dossier), {nom: fichiers[nom] for nom in ordre}, force=force)


def annonce(dossier: Path, noms: Sequence[str], quoi: str) -> str:
    """La ligne affichée après l'écriture : « DOSSIER/rapport.md, DOSSIER/rapport.html : rapport écrit »."""
    return f"{', '.join(str(Path(dossier) / nom) for nom in noms)} : {quoi}"
