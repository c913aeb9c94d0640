"""Lire un PDF écrit par diagnum comme le ferait un lecteur exigeant : pdfplumber (pdfminer.six).

- ``hors_page`` : chaque caractère dont la boîte sort de la page (texte coupé à l'impression) ;
- ``fins_de_page_orphelines`` : une page dont la dernière ligne du corps est un titre, une légende ou
  une ligne d'en-tête de tableau (tout en gras, ou posée sur le fond bleu d'un en-tête de tableau) ;
- ``balisage`` : ce que demande PDF/UA-1 et que l'on peut lire sans validateur (arbre de structure,
  /Lang, DisplayDocTitle, texte de remplacement de chaque figure, polices incorporées) ;
- ``signets`` : les titres du sommaire du PDF ;
- ``campagne_stress`` : une campagne où chaque texte libre est à sa longueur maximale (bornes du
  référentiel), avec les mots les plus longs, les commentaires remplis et un objectif par domaine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from navigateur import outil_requis

#: Le fond des lignes d'en-tête de tableau (``thead th`` de style.css), en composantes de 0 à 1.
FOND_EN_TETE = (0xE8 / 255, 0xF0 / 255, 0xF7 / 255)
#: Marge sous laquelle une ligne appartient au pied ou à l'en-tête courant de la page (points).
MARGE_COURANTE = 16 * 72 / 25.4


def pdfplumber_requis():
    """Le module pdfplumber (extra ``test``) ; absent : test sauté, sauf en CI où il échoue."""
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - l'extra test l'installe
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"pdfplumber manque : {exc}")
        pytest.skip(f"pdfplumber manque : {exc}")
    return pdfplumber


def hors_page(chemin: Path) -> list[tuple[int, str]]:
    """(page, caractère) de chaque caractère dont la boîte déborde de la page, même d'un point."""
    pdfplumber = pdfplumber_requis()
    hors: list[tuple[int, str]] = []
    with pdfplumber.open(chemin) as pdf:
        for numero, page in enumerate(pdf.pages, start=1):
            x0, top, x1, bottom = page.bbox
            for c in page.chars:
                if c["x0"] < x0 - 0.01 or c["x1"] > x1 + 0.01 or c["top"] < top - 0.01 or c["bottom"] > bottom + 0.01:
                    hors.append((numero, c["text"]))
    return hors


def _en_gras(caractere: dict) -> bool:
    return "bold" in caractere["fontname"].lower()


def _sur_fond_en_tete(ligne: dict, page) -> bool:
    milieu = (ligne["top"] + ligne["bottom"]) / 2
    for r in page.rects:
        couleur = r.get("non_stroking_color")
        if (
            r.get("fill")
            and isinstance(couleur, (tuple, list))
            and len(couleur) == 3
            and all(abs(a - b) < 0.01 for a, b in zip(couleur, FOND_EN_TETE, strict=True))
            and r["top"] <= milieu <= r["bottom"]
        ):
            return True
    return False


def fins_de_page_orphelines(chemin: Path) -> list[tuple[int, str]]:
    """(page, texte) de chaque page, sauf la dernière, qui finit par un titre, une légende ou une ligne
    d'en-tête de tableau : une dernière ligne tout en gras, ou posée sur le fond d'un en-tête de tableau."""
    pdfplumber = pdfplumber_requis()
    orphelines: list[tuple[int, str]] = []
    with pdfplumber.open(chemin) as pdf:
        for numero, page in enumerate(pdf.pages[:-1], start=1):
            lignes = [
                ligne
                for ligne in page.extract_text_lines(return_chars=True)
                if ligne["top"] >= MARGE_COURANTE and ligne["bottom"] <= page.height - MARGE_COURANTE
            ]
            if not lignes:
                continue
            derniere = max(lignes, key=lambda ligne: ligne["bottom"])
            # Les lignes sur la même hauteur (cellules d'une même rangée) se lisent ensemble.
            rangee = [ligne for ligne in lignes if abs(ligne["bottom"] - derniere["bottom"]) < 2]
            caracteres = [c for ligne in rangee for c in ligne["chars"] if c["text"].strip()]
            if caracteres and (
                all(_en_gras(c) for c in caracteres) or any(_sur_fond_en_tete(ligne, page) for ligne in rangee)
            ):
                orphelines.append((numero, " ".join(ligne["text"] for ligne in rangee)))
    return orphelines


def _resoudre(objet):
    from pdfminer.pdftypes import resolve1

    return resolve1(objet)


def balisage(chemin: Path) -> dict[str, object]:
    """Ce qu'un lecteur d'écran trouve dans le PDF : arbre de structure, langue, titre, figures et
    leur texte de remplacement, polices (incorporées ou non)."""
    pdfplumber_requis()
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psparser import PSLiteral

    def nom(valeur) -> str:
        valeur = _resoudre(valeur)
        return valeur.name if isinstance(valeur, PSLiteral) else str(valeur)

    with chemin.open("rb") as flux:
        document = PDFDocument(PDFParser(flux))
        catalogue = document.catalog
        racine = _resoudre(catalogue.get("StructTreeRoot"))
        figures: list[str | None] = []
        balises: list[str] = []
        titres_structure: list[str] = []

        def parcourir(element, profondeur: int = 0) -> None:
            element = _resoudre(element)
            if isinstance(element, list):
                for enfant in element:
                    parcourir(enfant, profondeur)
                return
            if not isinstance(element, dict):
                return
            balise = element.get("S")
            if balise is not None:
                balise = nom(balise)
                balises.append(balise)
                if balise == "Figure":
                    alt = _resoudre(element.get("Alt"))
                    figures.append(alt.decode("utf-16") if isinstance(alt, bytes) and alt[:2] == b"\xfe\xff" else alt)
                if balise in {"H1", "H2", "H3", "H4"}:
                    titres_structure.append(balise)
            if profondeur < 200 and "K" in element:
                parcourir(element["K"], profondeur + 1)

        if racine:
            parcourir(racine.get("K"))
        preferences = _resoudre(catalogue.get("ViewerPreferences")) or {}
        metadonnees = _resoudre(catalogue.get("Metadata"))
        xmp = metadonnees.get_data().decode("utf-8", "replace") if metadonnees is not None else ""
        langue = _resoudre(catalogue.get("Lang"))
        marque = _resoudre(catalogue.get("MarkInfo")) or {}
    polices = subprocess_polices(chemin)
    return {
        "arbre": bool(racine),
        "balises": balises,
        "titres": titres_structure,
        "langue": langue.decode() if isinstance(langue, bytes) else langue,
        "titre_fenetre": nom(preferences.get("DisplayDocTitle")) in ("True", "true"),
        "marque": nom(marque.get("Marked")) in ("True", "true"),
        "figures": figures,
        "pdfua": "pdfuaid:part" in xmp and ("<pdfuaid:part>1<" in xmp or 'pdfuaid:part="1"' in xmp),
        "polices": polices,
    }


def subprocess_polices(chemin: Path) -> list[tuple[str, bool]]:
    """(nom, incorporée) de chaque police, d'après ``pdffonts`` (poppler-utils)."""
    import subprocess

    sortie = subprocess.run(
        [outil_requis("pdffonts", "poppler-utils"), str(chemin)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [(ligne.split()[0], ligne.split()[-5] == "yes") for ligne in sortie]


def signets(chemin: Path) -> list[str]:
    """Les titres du sommaire (signets) du PDF, dans l'ordre."""
    pdfplumber_requis()
    from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
    from pdfminer.pdfparser import PDFParser

    with chemin.open("rb") as flux:
        try:
            return [titre for _, titre, *_ in PDFDocument(PDFParser(flux)).get_outlines()]
        except PDFNoOutlines:
            return []


def verifier_pdf(chemin: Path, *, titres_min: int = 1) -> None:
    """Les quatre exigences de l'issue 21 pour un PDF écrit par diagnum, d'un seul appel."""
    assert hors_page(chemin) == [], f"{chemin.name} : du texte sort de la page"
    assert fins_de_page_orphelines(chemin) == [], f"{chemin.name} : un titre ou un en-tête finit une page"
    b = balisage(chemin)
    assert b["arbre"] and b["marque"], f"{chemin.name} : pas d'arbre de structure"
    assert b["langue"] == "fr"
    assert b["titre_fenetre"], "le titre du document doit s'afficher comme titre de la fenêtre"
    assert b["pdfua"], "métadonnées XMP PDF/UA-1 (pdfuaid:part 1)"
    assert all(alt and alt.strip() for alt in b["figures"]), "chaque figure a son texte de remplacement"
    assert b["polices"] and all(incorporee for _, incorporee in b["polices"]), "chaque police est incorporée"
    assert len(b["titres"]) >= titres_min
    assert len(signets(chemin)) >= titres_min


# --------------------------------------------------------------------------
# La campagne « stress »

MOTS_LONGS = (
    "anticonstitutionnellement",
    "intergouvernementalisations",
    "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson",
    "hexakosioihexekontahexaphobie",
)


def _texte_long(longueur: int, graine: int) -> str:
    """Un texte de ``longueur`` caractères fait des mots les plus longs, et d'un mot sans aucune coupure."""
    sans_coupure = "W" * 120
    morceaux = [sans_coupure]
    i = graine
    while sum(len(m) + 1 for m in morceaux) < longueur:
        morceaux.append(MOTS_LONGS[i % len(MOTS_LONGS)])
        i += 1
    return " ".join(morceaux)[:longueur]


def campagne_stress(source: Path, cible: Path) -> Path:
    """Écrit dans ``cible`` la campagne ``source`` poussée à ses bornes : nom, commune, campagne,
    libellé et responsable de chaque action à la longueur maximale d'un texte, commentaires à la leur,
    un objectif par domaine avec cinq actions, et toutes les parties communiquées à chaque public. Rend ``cible``."""
    import datetime as dt

    from ruamel.yaml import YAML

    from diagnum.referentiel import charger_referentiel

    yaml = YAML()
    donnees = yaml.load(source.read_text(encoding="utf-8"))
    referentiel = charger_referentiel(str(donnees["referentiel"]))
    texte = referentiel.bornes.texte
    donnees["etablissement"]["nom"] = "W" * texte
    donnees["etablissement"]["commune"] = _texte_long(texte, 2)
    donnees["campagne"] = "2024-2025-" + "9" * (texte - 10)
    donnees["objectifs"] = [
        {
            "domaine": domaine.id,
            "cible": 99,
            "echeance": dt.date(2026, 6, 30),
            "actions": [
                {
                    "libelle": _texte_long(texte, n),
                    "responsable": _texte_long(texte, n + 1),
                    "echeance": dt.date(2025, 12, 31),
                    "statut": "en cours",
                }
                for n in range(5)
            ],
        }
        for domaine in referentiel.domaines
    ]
    lignes = []
    while sum(len(ligne) + 1 for ligne in lignes) < referentiel.bornes.commentaires:
        lignes.append(_texte_long(200, len(lignes)))
    donnees["commentaires"] = "\n".join(lignes)[: referentiel.bornes.commentaires]
    # Chaque public reçoit chaque partie (diagnum communiquer).
    from diagnum.campagne.communication import PARTIES, PUBLICS

    donnees["communication"] = {public: {"parties": list(PARTIES)} for public in PUBLICS}
    with cible.open("w", encoding="utf-8") as flux:
        yaml.dump(donnees, flux)
    return cible
