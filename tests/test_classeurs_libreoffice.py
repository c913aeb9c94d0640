"""Les classeurs dans un vrai LibreOffice : convertis d'un format à l'autre (``soffice --headless
--convert-to``), ils gardent leurs listes déroulantes, leurs bornes, leur protection et leurs réponses ;
un classeur enregistré par LibreOffice (et non par notre écrivain) revient par ``diagnum fusionner``.

Sans LibreOffice, ces tests sont sautés sur un poste de développement, mais échouent dans
l'intégration continue (``CI=true``) : ``.ci/run`` installe ``libreoffice-calc-nogui``.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from diagnum.campagne.chargement import charger_campagne
from diagnum.classeurs.modele import construire_classeur
from diagnum.classeurs.reponses import aplatir
from diagnum.classeurs.sources import charger_classeur
from diagnum.referentiel import charger_referentiel
from navigateur import outil_requis
from outils_classeurs import EXEMPLES, diagnum, init_meme_etablissement

EXEMPLE = next(p for p in EXEMPLES if "lycee" in p.name)


def convertir(source: Path, extension: str, dossier: Path, profil: Path) -> Path:
    """Le classeur ouvert et enregistré par LibreOffice au format ``extension`` (profil neuf : aucun verrou partagé)."""
    soffice = outil_requis("soffice", "libreoffice-calc-nogui")
    dossier.mkdir(parents=True, exist_ok=True)
    commande = [
        soffice,
        f"-env:UserInstallation={profil.as_uri()}",
        "--headless",
        "--convert-to",
        extension,
        "--outdir",
        str(dossier),
        str(source),
    ]
    subprocess.run(commande, check=True, timeout=180, capture_output=True)
    converti = dossier / f"{source.stem}.{extension}"
    assert converti.is_file(), f"LibreOffice n'a pas écrit {converti}"
    return converti


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
                genre = re.search(r'type="(\w+)"', attributs).group(1)
                formule = " ".join(re.findall(r"<formula\d>(.*?)</formula\d>", corps)).replace("&quot;", '"')
                plage = re.search(r'sqref="([^"]*)"', attributs).group(1)
                cle = f"{genre} {formule}"
                comptes[cle] = comptes.get(cle, 0) + _cellules(plage)
    return comptes


def validations_ods(chemin: Path) -> dict[str, int]:
    with zipfile.ZipFile(chemin) as archive:
        xml = archive.read("content.xml").decode("utf-8")
    conditions = dict(re.findall(r'<table:content-validation table:name="([^"]+)"[^>]*?table:condition="([^"]*)"', xml))
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


def _listes(comptes: dict[str, int]) -> dict[str, int]:
    """Le nombre de cellules à liste déroulante, par liste (« oui,non », « oui,non,sans objet »)."""
    listes: dict[str, int] = {}
    for cle, nombre in comptes.items():
        if cle.startswith("list ") or "is-in-list(" in cle:
            valeurs = ",".join(v for texte in re.findall(r'"([^"]*)"', cle) for v in texte.split(","))
            listes[valeurs] = listes.get(valeurs, 0) + nombre
    return listes


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel("2011")


@pytest.mark.parametrize("depart, arrivee", [("ods", "xlsx"), ("xlsx", "ods"), ("ods", "ods"), ("xlsx", "xlsx")])
def test_libreoffice_garde_listes_bornes_protection_et_reponses(tmp_path, referentiel, depart, arrivee):
    classeur = tmp_path / f"classeur.{depart}"
    assert diagnum("classeur", EXEMPLE, "-o", classeur).exit_code == 0
    converti = convertir(classeur, arrivee, tmp_path / "libreoffice", tmp_path / "profil")
    donnees, _ = charger_campagne(EXEMPLE)
    modele = construire_classeur(referentiel, donnees)
    attendues: dict[str, int] = {}
    for _, _, _, saisie in modele.saisies():
        if saisie.genre == "liste":
            attendues[",".join(saisie.permis)] = attendues.get(",".join(saisie.permis), 0) + 1
    comptes = validations_xlsx(converti) if arrivee == "xlsx" else validations_ods(converti)
    assert _listes(comptes) == attendues
    assert comptes["protegees"] == len(modele.feuilles)
    bornes = " ".join(comptes)
    assert str(referentiel.bornes.effectifs["nombre"]) in bornes and "100" in bornes
    # Les réponses pré-remplies sont toujours là, relues par identifiant.
    lu = charger_classeur(converti)
    assert lu.erreurs == []
    assert aplatir(lu.campagne, referentiel) == aplatir(donnees, referentiel)


@pytest.mark.parametrize("arrivee", ["ods", "xlsx"])
def test_un_classeur_enregistre_par_libreoffice_se_fusionne(tmp_path, arrivee):
    classeur = tmp_path / "membre.ods"
    assert diagnum("classeur", EXEMPLE, "-o", classeur).exit_code == 0
    converti = convertir(classeur, arrivee, tmp_path / "libreoffice", tmp_path / "profil")
    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    resultat = diagnum("fusionner", neuve, converti)
    assert resultat.exit_code == 0 and resultat.stderr == "", resultat.output
    scores = [diagnum("score", f, "--format", "json").stdout for f in (EXEMPLE, neuve)]
    assert scores[0] == scores[1]
