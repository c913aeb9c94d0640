"""``diagnum enquete importer`` face aux exports qui ne sont pas ce qu'ils semblent (issue 22).

Lecture bornée : la taille annoncée d'une feuille, la taille décompressée d'un classeur, les nombres de
lignes, de colonnes et de cellules sont vérifiés avant de lire, contre des ``Limites`` que l'appelant
choisit ; au-delà, l'export est refusé (code 2) sans rien écrire. Les noms de fichiers hostiles
sont cités sans danger.
"""

from __future__ import annotations

import json
import re
import resource
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import outils_enquetes
from diagnum.affichage import nombre_fr
from diagnum.enquetes.lecture import LIMITES_ENQUETE, ErreurExport, ExportTropGrand, Limites, lire_export
from test_enquetes import EXPORT_EXEMPLE, FIXTURES, campagne, importer  # noqa: F401


def _codes(public: str = "enseignants") -> list[str]:
    return [q.code for q in outils_enquetes._questions(public)]


def _retoucher(contenu: bytes, partie: str, avant: bytes, apres: bytes) -> bytes:
    """Le même classeur, une partie de son archive retouchée (``avant`` remplacé une fois par ``apres``)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(contenu))
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w") as archive:
        for nom in source.namelist():
            texte = source.read(nom)
            archive.writestr(nom, texte.replace(avant, apres, 1) if nom == partie else texte)
    return flux.getvalue()


def _refus_trop_grand(resultat, campagne: Path, avant: bytes, fragment: str) -> None:  # noqa: F811
    assert resultat.exit_code == 2, resultat.output
    assert "(export-trop-grand)" in resultat.stderr and fragment in resultat.stderr, resultat.stderr
    assert "rien n'a été lu" in resultat.stderr
    assert "Traceback" not in resultat.output and "erreur interne" not in resultat.stderr
    assert resultat.stdout == ""
    assert campagne.read_bytes() == avant


@pytest.mark.parametrize(
    ("export", "fragment"),
    [
        # 1,8 Ko qui annoncent la cellule XFD1048576 : la bibliothèque de tableur voudrait 512 Go.
        ("mauvais-dimension-geante.xlsx", "feuille de 1\xa0048\xa0576 lignes (cellule XFD1048576)"),
        # 1,8 Ko dont une cellule est en XFD1048576 : la bibliothèque avortait le processus (code 134).
        ("mauvais-cellule-lointaine.xlsx", "feuille de 1\xa0048\xa0576 lignes (ligne 1048576)"),
        # Une ligne remplie répétée un million de fois (table:number-rows-repeated) : 1,6 Go et 2 minutes.
        ("mauvais-lignes-repetees.ods", "feuille de 1\xa0000\xa0006 lignes (cellule H1000006)"),
    ],
)
def test_un_classeur_qui_annonce_une_feuille_geante_est_refuse_avant_lecture(campagne, export, fragment):  # noqa: F811
    avant = campagne.read_bytes()
    resultat = importer(FIXTURES / export, "--public", "enseignants", "--dans", campagne)
    _refus_trop_grand(resultat, campagne, avant, fragment)
    assert f"{FIXTURES / export}:1:1: " in resultat.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ligne=st.integers(min_value=1, max_value=1_048_576),
    colonne=st.integers(min_value=1, max_value=16_384),
    dimension=st.booleans(),
)
def test_une_cellule_ou_qu_elle_soit_est_lue_ou_refusee_jamais_un_plantage(tmp_path, ligne, colonne, dimension):
    """Une cellule placée n'importe où (ou la dimension qui l'annonce) : lue dans les limites, refusée au-delà."""
    from diagnum.enquetes.correspondance import lettre_colonne

    rangees = [_codes(), *[["jam"] * 8] * 6]
    if not dimension:
        ligne = max(ligne, len(rangees) + 1)  # la cellule de plus, après les réponses
    reference = f"{lettre_colonne(colonne - 1)}{ligne}"
    contenu = (
        outils_enquetes.xlsx(rangees, dimension=f"A1:{reference}")
        if dimension
        else outils_enquetes.xlsx(rangees, lointaine=reference)
    )
    chemin = tmp_path / "classeur.xlsx"
    chemin.write_bytes(contenu)
    limites = Limites(lignes=2_000, colonnes=300)
    if ligne > limites.lignes or colonne > limites.colonnes:
        with pytest.raises(ExportTropGrand):
            lire_export(chemin, limites)
    else:
        feuille = lire_export(chemin, limites)
        assert feuille.entetes[:8] == _codes() and len(feuille.lignes) >= 6


def test_une_bombe_zip_est_refusee_sur_sa_taille_decompressee(tmp_path, campagne):  # noqa: F811
    bombe = tmp_path / "bombe.xlsx"
    bombe.write_bytes(outils_enquetes.xlsx([_codes(), *[["jam"] * 8] * 6], bourrage=LIMITES_ENQUETE.decompresse))
    assert bombe.stat().st_size < 200_000
    avant = campagne.read_bytes()
    resultat = importer(bombe, "--public", "enseignants", "--dans", campagne)
    _refus_trop_grand(resultat, campagne, avant, "une fois décompressé")


def test_un_csv_trop_gros_est_refuse_sans_etre_lu(tmp_path, campagne):  # noqa: F811
    gros = tmp_path / "gros.csv"
    ligne = (",".join(_codes()) + "\n").encode()
    gros.write_bytes(ligne * (LIMITES_ENQUETE.octets // len(ligne) + 1))
    avant = campagne.read_bytes()
    debut = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    resultat = importer(gros, "--public", "enseignants", "--dans", campagne)
    _refus_trop_grand(resultat, campagne, avant, "fichier de plus de 10 Mo : trop grand pour un export de réponses")
    # Lu au plus une fois (10 Mo) : rien de comparable au 1,4 Go d'un CSV de 50 Mo lu en entier.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - debut < 200 * 1024


@pytest.mark.parametrize(
    ("limites", "fragment"),
    [
        (Limites(lignes=20), "plus de 20 lignes (ligne 21)"),
        (Limites(colonnes=10), "13 colonnes (ligne 1)"),
        (Limites(cellules=500), "plus de 500 cellules"),
    ],
)
def test_les_limites_sont_celles_de_l_appelant(limites, fragment):
    """Un autre appelant (les exports de réservations, 100 000 lignes) choisit ses propres limites."""
    with pytest.raises(ExportTropGrand) as exc:
        lire_export(EXPORT_EXEMPLE, limites)
    assert exc.value.code_sortie == 2 and exc.value.constat.code == "export-trop-grand"
    assert fragment in exc.value.message
    assert len(lire_export(EXPORT_EXEMPLE).lignes) == 39


def test_un_gros_export_passe_avec_des_limites_plus_larges(tmp_path):
    codes = _codes()
    chemin = tmp_path / "grand.csv"
    chemin.write_text(",".join(codes) + "\n" + ("jam," * (len(codes) - 1) + "jam\n") * 25_000, encoding="utf-8")
    with pytest.raises(ExportTropGrand, match="plus de 20\xa0000 lignes"):
        lire_export(chemin)
    assert len(lire_export(chemin, Limites(lignes=100_000, cellules=10_000_000)).lignes) == 25_000
    with pytest.raises(ExportTropGrand, match="trop grand pour un export de réservations"):
        lire_export(chemin, Limites(lignes=1_000, document="export de réservations"))


def test_un_classeur_mis_en_forme_jusqu_en_bas_reste_lisible(tmp_path):
    """LibreOffice écrit les lignes vides mises en forme d'un seul élément répété : elles ne coûtent rien."""
    rangees = [_codes("familles"), *[["Jamais"] * len(_codes("familles"))] * 6, [""] * 3]
    chemin = tmp_path / "mis-en-forme.ods"
    chemin.write_bytes(outils_enquetes.ods(rangees, repetitions=1_048_000))
    feuille = lire_export(chemin)
    assert len(feuille.lignes) == 6 and feuille.entetes == _codes("familles")


def test_un_xml_avec_dtd_dans_un_classeur_est_refuse(tmp_path):
    piege = tmp_path / "piege.xlsx"
    piege.write_bytes(
        _retoucher(
            outils_enquetes.xlsx([_codes(), ["jam"] * 8]),
            "xl/worksheets/sheet1.xml",
            b"?><worksheet",
            b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><worksheet',
        )
    )
    with pytest.raises(ErreurExport) as exc:
        lire_export(piege)
    assert exc.value.code_sortie == 1 and exc.value.constat.code == "export-illisible"
    assert "DTD" in exc.value.message


def test_les_limites_sont_documentees():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Enquêtes") :].replace("\xa0", " ")
    limites = LIMITES_ENQUETE
    for nombre in (
        f"{nombre_fr(limites.octets / 2**20, 0)} Mo",
        f"{nombre_fr(limites.decompresse / 2**20, 0)} Mo décompressés",
        f"{nombre_fr(limites.lignes, 0)} lignes",
        f"{nombre_fr(limites.colonnes, 0)} colonnes",
        f"{nombre_fr(limites.cellules, 0)} cellules",
    ):
        assert nombre.replace("\xa0", " ") in section, nombre
    assert re.search(r"export-trop-grand.*code 2", section, re.S)


def test_les_recettes_google_forms_et_microsoft_forms_sont_documentees():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Enquêtes") : readme.index("## Comment les scores sont calculés")]
    recette = section[section.index("### Construire le questionnaire dans Google Forms ou Microsoft Forms") :]
    for attendu in (
        "Copiez le texte de la question exactement",
        "Collecter les adresses e-mail",
        "Ne pas collecter",
        "Tout le monde",
        "question-non-reconnue",
        "une question reformulée",
    ):
        assert attendu in recette, attendu
    # Les libellés que la recette fait recopier sont ceux du questionnaire.
    from diagnum.enquetes.questionnaire import REPONSES

    for echelle in REPONSES.values():
        for reponse in echelle:
            assert f"`{reponse.libelle}`" in recette, reponse.libelle


def test_les_exports_de_chaque_outil_restent_lisibles():
    for export in FIXTURES.iterdir():
        if export.name.startswith("mauvais-"):
            continue
        assert lire_export(export).lignes, export


# --------------------------------------------------------------------------
# Noms de fichiers qui ne sont pas de l'UTF-8, ou qui portent des caractères de contrôle


@pytest.mark.parametrize(
    ("octets", "visible"),
    [
        (b"r\xe9ponses.csv", "r\\xe9ponses.csv"),  # Windows-1252, copié d'une clé USB
        (b"r\xc3\xa9ponses\x1b[31m\n.csv", "réponses\\x1b[31m\\n.csv"),
    ],
)
def test_un_nom_de_fichier_hostile_est_cite_sans_danger(tmp_path, campagne, octets, visible):  # noqa: F811
    import os

    chemin = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), octets)))
    chemin.write_bytes(EXPORT_EXEMPLE.read_bytes())
    resultat = importer(chemin, "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 0, resultat.output
    assert f"{visible} : CSV UTF-8, séparateur virgule, 39 lignes de réponses" in resultat.stdout
    assert "\x1b" not in resultat.output and "erreur interne" not in resultat.output
    texte = campagne.read_text(encoding="utf-8")
    assert f"    sources:\n      - {json.dumps(visible, ensure_ascii=False)}\n" in texte
    # Le même nom, absent, ou illisible : un message, jamais « erreur interne ».
    resultat = importer(chemin.with_name(chemin.name + "x"), "--public", "enseignants", "--dans", campagne)
    assert resultat.exit_code == 2 and "fichier ou dossier introuvable" in resultat.stderr
    assert f"{visible}x" in resultat.stderr and "erreur interne" not in resultat.stderr


def test_une_cellule_ods_repetee_sur_toute_la_largeur_est_refusee(tmp_path):
    """« table:number-columns-repeated » sur une cellule remplie : autant de colonnes que de répétitions."""
    chemin = tmp_path / "large.ods"
    chemin.write_bytes(
        _retoucher(
            outils_enquetes.ods([_codes("familles"), ["Oui", "Non", "Jamais"]] * 3),
            "content.xml",
            b'<table:table-cell office:value-type="string"><text:p>Jamais',
            b'<table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>Jamais',
        )
    )
    with pytest.raises(ExportTropGrand, match=r"feuille de 16\xa0002 colonnes \(cellule [A-Z]+2\)"):
        lire_export(chemin)


_CELLULE = st.text(alphabet=' ab,;\t"\r\n\x0c\u2028é', max_size=6)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rangees=st.lists(st.lists(_CELLULE, max_size=5), min_size=1, max_size=8),
    separateur=st.sampled_from([",", ";", "\t"]),
    brut=st.text(alphabet=' a,;"\r\n\x0c\u2028', max_size=40),
    colonnes=st.integers(min_value=1, max_value=6),
)
def test_la_lecture_d_un_coup_rend_la_feuille_de_la_lecture_pas_a_pas(rangees, separateur, brut, colonnes):
    """Le CSV lu d'un coup (le module csv sur tout le texte) donne exactement la feuille de la lecture pas à pas
    (numéros de ligne, lignes vides sautées, en-têtes), ou la laisse conclure (limites, enregistrements sur
    plusieurs lignes) : les deux chemins ne divergent jamais."""
    import csv
    import io

    from diagnum.enquetes import lecture

    flux = io.StringIO()
    csv.writer(flux, delimiter=separateur, lineterminator="\n").writerows(rangees)
    limites = Limites(lignes=6, colonnes=colonnes, cellules=20)
    for texte in (flux.getvalue(), brut):
        if not texte.strip():
            continue
        lignes = texte.splitlines(keepends=True)

        def pas_a_pas(texte=texte, lignes=lignes):
            return lecture._feuille(
                Path("x.csv"), lecture._rangees_csv(Path("x.csv"), lignes, separateur), "f", limites
            )

        try:
            attendue = pas_a_pas()
        except ErreurExport as exc:
            attendue = exc.constat
        try:
            rapide = lecture._feuille_d_un_coup(Path("x.csv"), texte, lignes, separateur, "f", limites)
        except ErreurExport as exc:
            rapide = exc.constat
        assert rapide is None or rapide == attendue
