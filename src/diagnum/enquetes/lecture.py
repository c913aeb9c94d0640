"""Lire un export de réponses (une ligne par répondant) : CSV, XLSX ou ODS.

Bord d'entrée : un fichier devient une ``Feuille`` (en-têtes et lignes de
textes, chaque ligne avec son numéro dans le fichier). Le CSV est lu par la
bibliothèque standard : encodage (UTF-8, UTF-8 avec BOM, UTF-16 avec BOM
comme le « Texte Unicode » d'Excel, Windows-1252) reconnu sur le contenu,
séparateur (« , », « ; » ou tabulation) reconnu sur la ligne d'en-tête. Les
classeurs XLSX et ODS sont lus par python-calamine, importé seulement ici
(``diagnum valider`` n'en paie jamais le coût).

Lecture bornée : avant de lire, la taille du fichier, la taille décompressée
d'un classeur et la taille de feuille qu'il annonce (``dimension`` d'un XLSX,
``number-rows-repeated`` d'un ODS, position de chaque cellule) sont comparées
à des ``Limites`` que l'appelant choisit (``LIMITES_ENQUETE`` par défaut) ;
au-delà, l'export est refusé (``ExportTropGrand``, code 2) sans avoir été lu.
Les XML d'un classeur sont lus en flux par expat (bibliothèque standard), sans
DTD ni entités ; python-calamine ne reçoit que les parties ainsi vérifiées,
recopiées dans une archive neuve.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import compress, count, islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from diagnum.erreurs import SORTIE_IMPOSSIBLE, ErreurProbleme
from diagnum.fichiers import lire_octets

if TYPE_CHECKING:
    from xml.parsers.expat import XMLParserType


class Limites(NamedTuple):
    """Ce qu'un export peut contenir au plus ; au-delà, il est refusé avant d'être lu."""

    #: taille du fichier, en octets
    octets: int = 10 * 1024 * 1024
    #: taille totale des parties d'un classeur (XLSX, ODS) une fois décompressées, en octets
    decompresse: int = 64 * 1024 * 1024
    #: lignes de la feuille (en-tête compris), et numéro de la dernière ligne remplie
    lignes: int = 20_000
    #: colonnes d'une ligne, et numéro de la dernière colonne remplie
    colonnes: int = 500
    #: cellules de toute la feuille (lignes × colonnes remplies)
    cellules: int = 1_000_000
    #: ce qu'est le fichier attendu, pour le message de refus (« trop grand pour un export de réponses »)
    document: str = "export de réponses"


#: Les limites d'un export d'enquête : celui d'un grand lycée fait quelques milliers de lignes et quelques dizaines
#: de colonnes ; 20 000 lignes, 500 colonnes, un million de cellules, 10 Mo (64 Mo décompressés) laissent de la marge.
LIMITES_ENQUETE = Limites()
#: Parties d'un classeur au plus (un classeur d'une feuille en a une dizaine).
PARTIES_MAX = 1000
SEPARATEURS = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
_ZIP = b"PK\x03\x04"


class Constat(NamedTuple):
    """Un problème d'un export ou d'un import : fichier, ligne, colonne (1 = la première), code, message."""

    fichier: str
    ligne: int
    colonne: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.fichier}:{self.ligne}:{self.colonne}: {self.message} ({self.code})"


class ErreurExport(ErreurProbleme):
    """Un export illisible (code de sortie 1) : le constat dit où et pourquoi."""

    def __init__(self, chemin: object, code: str, message: str, ligne: int = 1, colonne: int = 1) -> None:
        self.constat = Constat(str(chemin), ligne, colonne, code, message)
        super().__init__(str(self.constat))


class ExportTropGrand(ErreurExport):
    """Un export qui dépasse les ``Limites`` : refusé avant d'être lu (code 2, impossible de travailler)."""

    code_sortie = SORTIE_IMPOSSIBLE


def _n(nombre: float) -> str:
    """Un nombre écrit à la française (espaces insécables entre les milliers)."""
    from diagnum.affichage import nombre_fr

    return nombre_fr(nombre, 0)


def _trop_grand(chemin: object, quoi: str, limites: Limites, position: str = "") -> ExportTropGrand:
    from diagnum.affichage import nombre_fr

    bornes = (
        f"{nombre_fr(limites.octets / 1024 / 1024, 0)} Mo, {nombre_fr(limites.lignes, 0)} lignes, "
        f"{nombre_fr(limites.colonnes, 0)} colonnes"
    )
    ou = f" ({position})" if position else ""
    return ExportTropGrand(
        chemin,
        "export-trop-grand",
        f"{quoi}{ou} : trop grand pour un {limites.document} (au plus {bornes}) ; rien n'a été lu. "
        "Vérifiez que c'est bien le bon fichier, ou exportez-le en CSV",
    )


class Feuille(NamedTuple):
    """Le contenu d'un export : ses en-têtes et ses lignes de réponses."""

    chemin: str
    entetes: list[str]
    #: (numéro de ligne dans le fichier, cellules) ; l'en-tête est la ligne 1.
    lignes: list[tuple[int, list[str]]]
    #: Comment le fichier a été lu (« CSV UTF-8, séparateur point-virgule », « classeur XLSX »).
    format: str
    #: empreinte SHA-256 du contenu du fichier : deux fichiers de même contenu sont le même export
    empreinte: str = ""


def lire_export(chemin: Path, limites: Limites = LIMITES_ENQUETE) -> Feuille:
    """Lit un export dans les ``limites`` données.

    Lève ``ErreurExport`` (code 1) pour un contenu illisible, ``ExportTropGrand`` (code 2) au-delà des
    limites, ``ErreurFichier`` (2) si le fichier ne peut être lu.
    """
    import hashlib

    contenu = lire_octets(chemin, limites.octets)
    if len(contenu) > limites.octets:
        raise _trop_grand(chemin, f"fichier de plus de {_n(limites.octets / 2**20)} Mo", limites)
    corps = contenu[3:] if contenu.startswith(b"\xef\xbb\xbf") else contenu
    if not corps or corps.isspace():  # sans recopier le fichier (``strip`` le recopie)
        raise ErreurExport(chemin, "export-vide", "le fichier est vide (aucune ligne d'en-tête, aucune réponse)")
    empreinte = hashlib.sha256(contenu).hexdigest()
    if contenu.startswith(_ZIP):
        return _lire_classeur(chemin, contenu, limites)._replace(empreinte=empreinte)
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _lire_csv(chemin, contenu, limites)._replace(empreinte=empreinte)
    if b"\x00" in contenu[:4096]:
        raise ErreurExport(
            chemin,
            "export-illisible",
            "ce n'est ni un fichier CSV ni un classeur XLSX ou ODS ; "
            "exportez les réponses de l'outil d'enquête au format CSV, XLSX ou ODS",
        )
    return _lire_csv(chemin, contenu, limites)._replace(empreinte=empreinte)


def _decoder(chemin: Path, contenu: bytes) -> tuple[str, str]:
    """Le texte et le nom de son encodage : UTF-8 (avec ou sans BOM), sinon Windows-1252, reconnu sur le contenu."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8", errors="strict"), "UTF-8 avec BOM"
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        # « Texte Unicode » d'Excel : UTF-16 avec BOM, séparé par des tabulations.
        try:
            return contenu.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ErreurExport(
                chemin, "encodage", "UTF-16 illisible ; enregistrez le fichier en « CSV UTF-8 »"
            ) from None
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        texte = contenu.decode("cp1252")
    except UnicodeDecodeError as exc:
        ligne = contenu[: exc.start].count(b"\n") + 1
        raise ErreurExport(
            chemin,
            "encodage",
            "encodage inconnu (ni UTF-8 ni Windows-1252) ; enregistrez le fichier en « CSV UTF-8 »",
            ligne,
        ) from None
    return texte, "Windows-1252"


def _separateur(chemin: Path, entete: str) -> str:
    """Le séparateur le plus présent dans la ligne d'en-tête (hors guillemets)."""
    comptes = {sep: 0 for sep in SEPARATEURS}
    entre_guillemets = False
    for caractere in entete:
        if caractere == '"':
            entre_guillemets = not entre_guillemets
        elif not entre_guillemets and caractere in comptes:
            comptes[caractere] += 1
    separateur = max(comptes, key=lambda s: comptes[s])
    if comptes[separateur] == 0:
        raise ErreurExport(
            chemin,
            "export-une-colonne",
            "une seule colonne : aucun séparateur (virgule, point-virgule ou tabulation) dans la ligne d'en-tête",
        )
    return separateur


def _rangees_csv(chemin: Path, lignes: list[str], separateur: str) -> Iterator[tuple[int, list[str]]]:
    """Chaque enregistrement du CSV (``lignes`` : le texte découpé en lignes) et le numéro de la ligne où il
    commence."""
    lecteur = csv.reader(lignes, delimiter=separateur, strict=False)
    debut = 1
    try:
        for cellules in lecteur:
            yield debut, cellules
            debut = lecteur.line_num + 1
    except csv.Error as exc:
        raise ErreurExport(chemin, "export-illisible", f"CSV illisible ({exc})", lecteur.line_num) from None


def _feuille(chemin: Path, rangees: Iterable[tuple[int, list[str]]], format_: str, limites: Limites) -> Feuille:
    """La première ligne non vide est l'en-tête ; les lignes vides sont sautées ; au-delà des ``limites``,
    la lecture s'arrête (``ExportTropGrand``)."""
    entetes: list[str] | None = None
    lignes: list[tuple[int, list[str]]] = []
    total = 0
    for numero, cellules in rangees:
        if numero > limites.lignes:
            raise _trop_grand(chemin, f"plus de {_n(limites.lignes)} lignes", limites, f"ligne {numero}")
        if len(cellules) > limites.colonnes:
            raise _trop_grand(chemin, f"{_n(len(cellules))} colonnes", limites, f"ligne {numero}")
        total += len(cellules)
        if total > limites.cellules:
            raise _trop_grand(chemin, f"plus de {_n(limites.cellules)} cellules", limites, f"ligne {numero}")
        if not "".join(cellules).strip():
            continue
        if entetes is None:
            entetes = [c.strip() for c in cellules]
        else:
            lignes.append((numero, cellules))
    if entetes is None:
        raise ErreurExport(chemin, "export-vide", "le fichier est vide (aucune ligne d'en-tête, aucune réponse)")
    return Feuille(str(chemin), entetes, lignes, format_)


def _lire_csv(chemin: Path, contenu: bytes, limites: Limites) -> Feuille:
    texte, encodage = _decoder(chemin, contenu)
    lignes = texte.splitlines(keepends=True)
    premiere = next((ligne for ligne in lignes if ligne.strip()), "")
    separateur = _separateur(chemin, premiere)
    format_ = f"CSV {encodage}, séparateur {SEPARATEURS[separateur]}"
    rapide = _feuille_d_un_coup(chemin, texte, lignes, separateur, format_, limites)
    if rapide is not None:
        return rapide
    return _feuille(chemin, _rangees_csv(chemin, lignes, separateur), format_, limites)


def _feuille_d_un_coup(
    chemin: Path, texte: str, lignes: list[str], separateur: str, format_: str, limites: Limites
) -> Feuille | None:
    """La même ``Feuille`` que ``_feuille``, lue d'un coup par le module csv, sans boucle Python par ligne,
    quand c'est sûr ; sinon None, et la lecture pas à pas de ``_feuille`` dit où est la faute.

    Sûr : les limites de lignes et de cellules sont tenues avant de lire (le fichier a au plus
    ``limites.lignes`` lignes, et au plus ``limites.cellules`` séparateurs et lignes, ce qui borne les
    cellules) ; chaque enregistrement tient sur une ligne (autant d'enregistrements que de lignes), de sorte
    que son numéro est son rang ; aucune ligne n'a trop de colonnes ; le module csv ne lève rien.
    """
    if len(lignes) > limites.lignes or texte.count(separateur) + len(lignes) > limites.cellules:
        return None
    try:
        rangees = list(csv.reader(lignes, delimiter=separateur, strict=False))
    except csv.Error:
        return None
    if len(rangees) != len(lignes) or (rangees and max(map(len, rangees)) > limites.colonnes):
        return None
    # Une ligne vide (ou faite d'espaces) est sautée, comme dans ``_feuille`` : ``remplies`` est vrai ailleurs.
    remplies = list(map(str.strip, map("".join, rangees)))
    premiere = next((rang for rang, remplie in enumerate(remplies) if remplie), None)
    if premiere is None:
        raise ErreurExport(chemin, "export-vide", "le fichier est vide (aucune ligne d'en-tête, aucune réponse)")
    entetes = [cellule.strip() for cellule in rangees[premiere]]
    suite = premiere + 1
    numerotees = zip(count(suite + 1), islice(rangees, suite, None))
    return Feuille(str(chemin), entetes, list(compress(numerotees, islice(remplies, suite, None))), format_)


def _texte_cellule(valeur: object) -> str:
    """Une cellule de classeur en texte (un nombre entier sans « .0 »)."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)


def _lire_classeur(chemin: Path, contenu: bytes, limites: Limites) -> Feuille:
    """La première feuille d'un classeur XLSX ou ODS (python-calamine), une fois l'archive vérifiée."""
    import io

    from python_calamine import CalamineWorkbook

    verifie = verifier_classeur(chemin, contenu, limites)
    try:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(verifie))
        if not classeur.sheet_names:
            raise ValueError("aucune feuille")
        rangees = classeur.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ErreurExport(
            chemin, "export-illisible", f"classeur illisible ({exc}) ; exportez les réponses au format CSV, XLSX ou ODS"
        ) from None
    sorte = "ODS" if b"opendocument" in contenu[:200] else "XLSX"
    numerotees = ((numero, [_texte_cellule(v) for v in rangee]) for numero, rangee in enumerate(rangees, start=1))
    return _feuille(chemin, numerotees, f"classeur {sorte}, première feuille « {classeur.sheet_names[0]} »", limites)


def _illisible(chemin: object, detail: str) -> ErreurExport:
    return ErreurExport(
        chemin, "export-illisible", f"classeur illisible ({detail}) ; exportez les réponses au format CSV, XLSX ou ODS"
    )


def verifier_classeur(chemin: Path, contenu: bytes, limites: Limites) -> bytes:
    """Vérifie l'archive d'un classeur sans rien en croire : nombre de parties, taille décompressée annoncée
    puis réelle (lue en flux, bornée), XML sans DTD, taille de chaque feuille ; rend une archive neuve (non
    compressée) qui ne contient que ce qui a été vérifié."""
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _illisible(chemin, f"archive ZIP abîmée : {exc}") from None
    if len(infos) > PARTIES_MAX:
        raise _trop_grand(chemin, f"classeur de {_n(len(infos))} parties", limites)
    annonce = sum(info.file_size for info in infos)
    if annonce > limites.decompresse:
        raise _trop_grand(chemin, f"classeur de {_n(annonce)} octets une fois décompressé", limites)
    compteur = _Compteur(chemin, limites)
    neuf = io.BytesIO()
    try:
        with zipfile.ZipFile(neuf, "w", zipfile.ZIP_STORED) as copie:
            for info in infos:
                if info.is_dir():
                    continue
                nom = info.filename
                feuille = nom == "content.xml" or (nom.startswith("xl/worksheets/") and nom.endswith(".xml"))
                analyseur = (
                    _analyseur_xml(compteur if feuille else None, ods=nom == "content.xml")
                    if nom.endswith((".xml", ".rels"))
                    else None
                )
                morceaux = bytearray()
                with archive.open(info) as flux:
                    while morceau := flux.read(1 << 16):
                        morceaux += morceau
                        if analyseur is not None:
                            analyseur.Parse(morceau, False)
                if analyseur is not None:
                    analyseur.Parse(b"", True)
                copie.writestr(zipfile.ZipInfo(nom), bytes(morceaux))
    except ErreurExport:
        raise
    except _XmlRefuse as exc:
        raise _illisible(chemin, f"{exc}") from None
    except Exception as exc:  # archive chiffrée, CRC faux, XML mal formé…
        raise _illisible(chemin, f"{type(exc).__name__} : {exc}") from None
    return neuf.getvalue()


class _XmlRefuse(Exception):
    """Un XML de classeur qui déclare une DTD ou des entités (jamais le cas d'un vrai classeur)."""


def _analyseur_xml(compteur: _Compteur | None, *, ods: bool = False) -> XMLParserType:
    """Un analyseur expat en flux qui refuse toute DTD ; avec ``compteur``, il compte les lignes et cellules."""
    from xml.parsers import expat

    analyseur = expat.ParserCreate()

    def refuser(*_: object) -> None:
        raise _XmlRefuse("XML avec une déclaration de type de document (DTD), refusée")

    analyseur.StartDoctypeDeclHandler = refuser
    analyseur.EntityDeclHandler = refuser
    analyseur.ExternalEntityRefHandler = refuser
    if compteur is not None and ods:
        analyseur.StartElementHandler = compteur.debut
        analyseur.EndElementHandler = compteur.fin
    elif compteur is not None:
        analyseur.StartElementHandler = compteur.debut_xlsx
    return analyseur


_COLONNES: dict[str, int] = {}


def _colonne(lettres: str) -> int:
    """« A » → 1, « XFD » → 16384 (0 si ce ne sont pas des lettres de colonne) ; gardé en mémoire."""
    colonne = _COLONNES.get(lettres)
    if colonne is None:
        position = _position_cellule(f"{lettres}1")
        colonne = position[1] if position else 0
        if len(_COLONNES) < 20_000:
            _COLONNES[lettres] = colonne
    return colonne


def _position_cellule(reference: str) -> tuple[int, int] | None:
    """« XFD1048576 » → (1048576, 16384) ; ``None`` si ce n'est pas une référence de cellule."""
    lettres = reference.rstrip("0123456789").lstrip("$").upper()
    chiffres = reference[len(reference.rstrip("0123456789")) :]
    if not lettres.isalpha() or not lettres.isascii() or not chiffres or len(lettres) > 4 or len(chiffres) > 9:
        return None
    colonne = 0
    for lettre in lettres:
        colonne = colonne * 26 + ord(lettre) - ord("A") + 1
    return int(chiffres), colonne


class _Compteur:
    """Compte en flux les lignes et les cellules d'une feuille XLSX (``row``, ``c``, ``dimension``) ou des
    tableaux d'un ODS (``table-row``, ``table-cell`` et leurs répétitions) ; refuse au-delà des limites."""

    def __init__(self, chemin: Path, limites: Limites) -> None:
        self.chemin = chemin
        self.limites = limites
        self.cellules = 0
        # XLSX
        self.ligne = 0
        self.colonne = 0
        # ODS : ligne de la feuille en cours, répétition de la ligne en cours, largeur remplie de la ligne
        self.ligne_ods = 0
        self.repetition = 1
        self.largeur = 0
        self.avancee = 0
        self.profondeur_cellule = 0
        self.cellule_remplie = False
        self.repetition_cellule = 1

    def _verifier(self, ligne: int, colonne: int, *, ligne_seule: bool = False) -> None:
        """Refuse une position ou un nombre de cellules au-delà des limites (``ligne_seule`` : la position
        est celle d'une ligne, sans colonne)."""
        limites = self.limites
        if ligne <= limites.lignes and colonne <= limites.colonnes and self.cellules <= limites.cellules:
            return
        from diagnum.enquetes.correspondance import lettre_colonne

        position = f"ligne {ligne}" if ligne_seule else f"cellule {lettre_colonne(max(colonne, 1) - 1)}{ligne}"
        if ligne > limites.lignes:
            raise _trop_grand(self.chemin, f"feuille de {_n(ligne)} lignes", limites, position)
        if colonne > limites.colonnes:
            raise _trop_grand(self.chemin, f"feuille de {_n(colonne)} colonnes", limites, position)
        if self.cellules > limites.cellules:
            raise _trop_grand(self.chemin, f"plus de {_n(limites.cellules)} cellules", limites, position)

    def debut_xlsx(self, nom: str, attributs: dict[str, str]) -> None:
        """Un élément d'une feuille XLSX : ``c`` (de loin le plus fréquent), ``row``, ``dimension``."""
        local = nom if ":" not in nom else nom.rpartition(":")[2]
        if local == "c":
            reference = attributs.get("r")
            colonne = _colonne(reference.rstrip("0123456789")) if reference else 0
            self.colonne = colonne or self.colonne + 1
            self.cellules += 1
            if self.colonne > self.limites.colonnes or self.cellules > self.limites.cellules:
                self._verifier(self.ligne, self.colonne)
        elif local == "row":
            self.ligne = _entier(attributs.get("r"), self.ligne + 1)
            self.colonne = 0
            if self.ligne > self.limites.lignes:
                self._verifier(self.ligne, 1, ligne_seule=True)
        elif local == "dimension":  # la taille que la feuille annonce (A1:XFD1048576)
            fin = _position_cellule(attributs.get("ref", "").rpartition(":")[2])
            if fin is not None:
                self._verifier(*fin)

    def debut(self, nom: str, attributs: dict[str, str]) -> None:
        """Un élément du contenu d'un ODS : tableaux, lignes, cellules et ce qu'elles contiennent."""
        local = nom.rpartition(":")[2]
        if local == "table":
            self.ligne_ods = 0
        elif local == "table-row":
            self.repetition = _entier(_attribut(attributs, "number-rows-repeated"), 1)
            self.largeur = self.avancee = 0
        elif local in ("table-cell", "covered-table-cell"):
            self.profondeur_cellule = 1
            self.repetition_cellule = _entier(_attribut(attributs, "number-columns-repeated"), 1)
            self.cellule_remplie = _attribut(attributs, "value-type") is not None
        elif self.profondeur_cellule:
            self.profondeur_cellule += 1
            self.cellule_remplie = True  # un paragraphe de texte, une annotation…

    def fin(self, nom: str) -> None:
        local = nom.rpartition(":")[2]
        if local in ("table-cell", "covered-table-cell") and self.profondeur_cellule == 1:
            self.profondeur_cellule = 0
            self.avancee += self.repetition_cellule
            if self.cellule_remplie:
                self.largeur = self.avancee
                self._verifier(max(self.ligne_ods + 1, 1), self.largeur)
        elif self.profondeur_cellule > 1:
            self.profondeur_cellule -= 1
        elif local == "table-row":
            # Une ligne vide répétée (la fin d'une feuille mise en forme) ne coûte rien ; une ligne remplie
            # répétée compte autant de fois qu'elle est répétée.
            self.ligne_ods += self.repetition
            if self.largeur:
                self.cellules += self.largeur * self.repetition
                self._verifier(self.ligne_ods, self.largeur)


def _attribut(attributs: dict[str, str], local: str) -> str | None:
    """La valeur d'un attribut d'après son nom local (« table:number-rows-repeated » → « number-rows-repeated »)."""
    for nom, valeur in attributs.items():
        if nom.rpartition(":")[2] == local:
            return valeur
    return None


def _entier(texte: str | None, defaut: int) -> int:
    if texte is None or not texte.strip().isdigit() or len(texte.strip()) > 12:
        return defaut
    return max(int(texte), 1)
