"""Outils des tests de ``diagnum classeur`` et ``diagnum fusionner`` : campagnes, classeurs remplis."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from diagnum.campagne.chargement import charger_campagne
from diagnum.classeurs.modele import Classeur, construire_classeur
from diagnum.cli import app
from diagnum.sorties.ods import classeur_ods
from diagnum.sorties.xlsx import classeur_xlsx

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = sorted((RACINE / "exemples").glob("*.yaml"))
runner = CliRunner()


def diagnum(*arguments: object):
    return runner.invoke(app, [str(a) for a in arguments])


def campagnes_generees(dossier: Path, nombre: int = 3) -> list[Path]:
    """Des campagnes plausibles de ``benchmarks/generer_territoire.py`` (graine fixe)."""
    spec = importlib.util.spec_from_file_location("generer_territoire", RACINE / "benchmarks" / "generer_territoire.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generer_territoire"] = module
    spec.loader.exec_module(module)
    return module.generer(dossier, nombre, graine=19)


def init_meme_etablissement(campagne: Path, cible: Path, *parties: str) -> Path:
    """Une campagne neuve (``diagnum init``) du même établissement et de la même campagne."""
    donnees, _ = charger_campagne(campagne)
    etab = donnees.etablissement
    options = [
        "--etablissement",
        etab.nom,
        "--uai",
        etab.uai,
        "--commune",
        etab.commune,
        "--campagne",
        donnees.campagne,
    ]
    for partie in parties:
        options += ["--partie", partie]
    resultat = diagnum("init", cible, *options)
    assert resultat.exit_code == 0, resultat.output
    return cible


def modifier(classeur: Classeur, valeurs: dict[tuple[str, ...], object]) -> Classeur:
    """Le classeur avec ces cellules remplies autrement (comme si un membre les avait saisies)."""
    feuilles = []
    for feuille in classeur.feuilles:
        rangees = []
        for rangee in feuille.rangees:
            saisies = tuple(s._replace(valeur=valeurs[s.chemin]) if s.chemin in valeurs else s for s in rangee.saisies)
            rangees.append(rangee._replace(saisies=saisies))
        feuilles.append(feuille._replace(rangees=tuple(rangees)))
    return classeur._replace(feuilles=tuple(feuilles))


def ecrire_classeur(chemin: Path, campagne: Path | None, valeurs: dict | None = None, parties=()) -> Path:
    """Écrit le classeur d'une campagne (au format de l'extension), avec ces cellules remplies autrement."""
    donnees, referentiel = charger_campagne(campagne)
    classeur = modifier(construire_classeur(referentiel, donnees, parties, chemin.name), valeurs or {})
    chemin.write_bytes(classeur_ods(classeur) if chemin.suffix == ".ods" else classeur_xlsx(classeur))
    return chemin


def _cellules(plage: str) -> int:
    """Le nombre de cellules d'une plage XLSX (« D4:D6 D8 »)."""
    total = 0
    for morceau in plage.split():
        coins = [re.fullmatch(r"([A-Z]+)(\d+)", c).groups() for c in morceau.split(":")]
        (c1, l1), (c2, l2) = coins[0], coins[-1]
        total += (int(l2) - int(l1) + 1) * (ord(c2[-1]) - ord(c1[-1]) + 1)
    return total


def validations_xlsx(chemin: Path) -> dict[str, int]:
    """Par liste de réponses ou genre de borne : combien de cellules la portent ; et les feuilles protégées."""
    comptes: dict[str, int] = {}
    with zipfile.ZipFile(chemin) as archive:
        for nom in archive.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", nom):
                continue
            xml = archive.read(nom).decode("utf-8")
            protection = re.search(r"<sheetProtection [^>]*>", xml)
            if protection and re.search(r'sheet="(1|true)"', protection.group(0)):
                assert "password" not in protection.group(0).lower()
                comptes["protegees"] = comptes.get("protegees", 0) + 1
            for attributs, corps in re.findall(r"<dataValidation ([^>]*)>(.*?)</dataValidation>", xml, re.S):
                genre = re.search(r'type="(\w+)"', attributs)
                genre = genre.group(1) if genre else "any"
                formule = " ".join(re.findall(r"<formula\d>(.*?)</formula\d>", corps)).replace("&quot;", '"')
                plage = re.search(r'sqref="([^"]*)"', attributs).group(1)
                cle = f"{genre} {formule}"
                comptes[cle] = comptes.get(cle, 0) + _cellules(plage)
    return comptes


def validations_ods(chemin: Path) -> dict[str, int]:
    with zipfile.ZipFile(chemin) as archive:
        xml = archive.read("content.xml").decode("utf-8")
    conditions = {
        nom: condition or autre
        for nom, condition, autre in re.findall(
            r"<table:content-validation table:name=\"([^\"]+)\"[^>]*?table:condition=(?:\"([^\"]*)\"|'([^']*)')", xml
        )
    }
    comptes: dict[str, int] = {"protegees": len(re.findall(r'<table:table [^>]*table:protected="true"', xml))}
    assert "protection-key" not in xml
    for cellule in re.findall(r"<table:table-cell [^>]*>", xml):
        nom = re.search(r'table:content-validation-name="([^"]+)"', cellule)
        if nom is None or nom.group(1) not in conditions:
            continue
        repetees = re.search(r'table:number-columns-repeated="(\d+)"', cellule)
        condition = conditions[nom.group(1)].replace("&quot;", '"')
        condition = re.sub(r"^of:", "", condition)
        comptes[condition] = comptes.get(condition, 0) + (int(repetees.group(1)) if repetees else 1)
    return comptes


def listes(comptes: dict[str, int]) -> dict[str, int]:
    """Le nombre de cellules à liste déroulante, par liste (« oui,non », « oui,non,sans objet »)."""
    listes: dict[str, int] = {}
    for cle, nombre in comptes.items():
        if cle.startswith("list ") or "is-in-list(" in cle:
            valeurs = ",".join(v for texte in re.findall(r'"([^"]*)"', cle) for v in texte.split(","))
            listes[valeurs] = listes.get(valeurs, 0) + nombre
    return listes


def verifier_validations(chemin: Path, modele: Classeur) -> None:
    """Le classeur porte une liste déroulante par cellule à choisir, exactement les réponses permises de chacune,
    et chaque feuille est protégée sans mot de passe."""
    attendues: dict[str, int] = {}
    for _, _, _, saisie in modele.saisies():
        if saisie.genre == "liste":
            attendues[",".join(saisie.permis)] = attendues.get(",".join(saisie.permis), 0) + 1
    comptes = validations_xlsx(chemin) if chemin.suffix == ".xlsx" else validations_ods(chemin)
    assert listes(comptes) == attendues
    assert comptes["protegees"] == len(modele.feuilles)


def en_pourcentage(chemin: Path, valeur: float) -> Path:
    """Le classeur tel que l'enregistre un tableur où « 89 % » a été saisi : la cellule qui vaut ``valeur``
    (une seule) devient une valeur de type pourcentage (ODS) ou porte le format intégré « 0% » (XLSX)."""
    with zipfile.ZipFile(chemin) as source:
        parties = {info.filename: source.read(info) for info in source.infolist()}
    remplacees = 0
    if "content.xml" in parties:
        texte, remplacees = re.subn(
            rf'office:value-type="float" office:value="{valeur!r}"><text:p>[^<]*</text:p>',
            f'office:value-type="percentage" office:value="{valeur!r}"><text:p>{valeur * 100:g} %</text:p>',
            parties["content.xml"].decode("utf-8"),
        )
        parties["content.xml"] = texte.encode("utf-8")
    else:
        styles = parties["xl/styles.xml"].decode("utf-8")
        xfs = re.search(r'<cellXfs count="(\d+)">', styles)
        rang = int(xfs.group(1))
        pourcent = (
            '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
            'applyProtection="1"><protection locked="0"/></xf></cellXfs>'
        )
        styles = styles.replace(xfs.group(0), f'<cellXfs count="{rang + 1}">').replace("</cellXfs>", pourcent)
        parties["xl/styles.xml"] = styles.encode("utf-8")
        for nom in [n for n in parties if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]:
            texte, n = re.subn(
                rf'<c r="([A-Z]+[0-9]+)"(?: s="[0-9]+")?><v>{valeur!r}</v>',
                rf'<c r="\1" s="{rang}"><v>{valeur!r}</v>',
                parties[nom].decode("utf-8"),
            )
            parties[nom] = texte.encode("utf-8")
            remplacees += n
    assert remplacees == 1, remplacees
    with zipfile.ZipFile(chemin, "w") as cible:
        for nom, contenu in parties.items():
            cible.writestr(nom, contenu, zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED)
    return chemin
