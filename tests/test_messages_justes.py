"""Une faute, un message, le bon conseil : ni bruit autour d'une réponse mal écrite, ni conseil à côté."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_texte
from diagnum.cli import app

BASE = Path(__file__).parent / "fixtures" / "valides" / "mise-en-page-base.yaml"
runner = CliRunner()


def campagne(*remplacements: tuple[str, str], ajout: str = "") -> str:
    texte = BASE.read_text(encoding="utf-8")
    for avant, apres in remplacements:
        assert avant in texte, avant
        texte = texte.replace(avant, apres, 1)
    return texte + ajout


def constats(texte: str) -> list[tuple[int, int, str, str, str]]:
    return [(d.ligne, d.colonne, d.gravite.value, d.code, d.message) for d in valider_texte(texte.encode()).diagnostics]


def sans_reponse_de(texte: str) -> list[str]:
    return [m for _, _, _, code, m in constats(texte) if code == "sans-reponse"]


def avec_proportion(valeur: str) -> str:
    return campagne().replace(
        "objectifs:", f"  travail_hors_classe:\n    enseignants_ordinateur_personnel: {valeur}\nobjectifs:"
    )


@pytest.mark.parametrize(
    ("fautive", "correcte", "attendu"),
    [
        (
            campagne(("comite_pilotage: oui", "comite_pilotage: Oui")),
            campagne(),
            (
                16,
                22,
                "erreur",
                "affirmation",
                "comite_pilotage : réponse « Oui » non reconnue ; répondez « oui » "
                "ou « non » (vouliez-vous dire « oui » ?)",
            ),
        ),
        (
            campagne(("salles_tni: 8", "salles_tni: 18 salles")),
            campagne(),
            (
                28,
                17,
                "erreur",
                "type",
                "salles_tni : un nombre entier est attendu, trouvé « 18 salles » (écrivez seulement le nombre : 18)",
            ),
        ),
        (
            avec_proportion("92%"),
            avec_proportion("92"),
            (
                32,
                39,
                "erreur",
                "type",
                "enseignants_ordinateur_personnel : un pourcentage de 0 à 100 est attendu, "
                "trouvé « 92% » (écrivez 92, sans « % »)",
            ),
        ),
    ],
    ids=["Oui", "18 salles", "92%"],
)
def test_une_reponse_mal_ecrite_donne_une_erreur_et_n_est_pas_aussi_sans_reponse(fautive, correcte, attendu, analyseur):
    assert [c for c in constats(fautive) if c[2] == "erreur"] == [attendu]
    # Les items sans réponse sont ceux de la campagne où la réponse est bien écrite : pas un de plus.
    assert sans_reponse_de(fautive) == sans_reponse_de(correcte)
    assert not [c for c in constats(correcte) if c[2] == "erreur"]


def test_une_modalite_mal_ecrite_ne_dit_pas_aussi_repartition_incomplete(analyseur):
    texte = campagne(("      jamais: 10", "      jammais: 10"))
    erreurs = [c for c in constats(texte) if c[2] == "erreur"]
    assert erreurs == [
        (
            22,
            7,
            "erreur",
            "cle-inconnue",
            "clé « jammais » inconnue dans la répartition "
            "« enseignants_diffusion_collective » (vouliez-vous dire « jamais » ?)",
        )
    ]
    assert not [m for m in sans_reponse_de(texte) if "enseignants_diffusion_collective" in m]


@pytest.mark.parametrize(
    ("ecrit", "conseil"),
    [
        ("1 000", "(retirez les espaces : 1000)"),
        ('"1000"', "(retirez les guillemets : 1000)"),
        ('"1 000"', "(retirez les guillemets et les espaces : 1000)"),
        ("1\u202f000", "(retirez les espaces : 1000)"),
    ],
)
def test_un_nombre_ecrit_comme_du_texte_recoit_le_conseil_qui_lui_va(ecrit, conseil, analyseur):
    texte = campagne(("eleves: 600", f"eleves: {ecrit}"))
    (erreur,) = [c for c in constats(texte) if c[2] == "erreur"]
    assert erreur[3] == "type" and erreur[4].endswith(conseil), erreur


def test_les_messages_ne_nomment_pas_les_mots_internes(analyseur):
    texte = campagne(("  pilotage:", "  pilotag:"))
    messages = [c[4] for c in constats(texte) if c[2] == "erreur"]
    assert messages == [
        "clé « pilotag » inconnue parmi les domaines de « reponses » (vouliez-vous dire « pilotage » ?)"
    ]
    assert not any("(domaine)" in m for m in messages)


@pytest.mark.parametrize(
    ("fautes", "attendu"), [(1, "1 erreur ; corrigez-la d'abord"), (2, "2 erreurs ; corrigez-les d'abord")]
)
def test_score_d_un_fichier_invalide_accorde_le_nombre_d_erreurs(tmp_path, fautes, attendu):
    texte = campagne(("comite_pilotage: oui", "comite_pilotage: Oui"))
    if fautes == 2:
        texte = texte.replace("salles_tni: 8", "salles_tni: huit")
    chemin = tmp_path / "campagne.yaml"
    chemin.write_text(texte, encoding="utf-8")
    resultat = runner.invoke(app, ["score", str(chemin)])
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    lignes = resultat.stderr.strip().splitlines()
    # Les constats d'abord (erreurs comprises, une ligne chacune), puis la phrase qui les compte.
    assert len([ligne for ligne in lignes if ": [erreur] " in ligne]) == fautes
    assert lignes[-1] == f"diagnum : {chemin} : {attendu} (diagnum valider {chemin})"
    assert "erreur(s)" not in resultat.stderr


def test_un_nombre_de_reference_mal_ecrit_ne_le_dit_pas_aussi_sans_reponse_plus_bas(analyseur):
    # « enseignants: 45 personnes » est une erreur ; les questions rapportées aux enseignants ne disent pas
    # en plus « le nombre de référence « enseignants » est sans réponse ».
    texte = campagne(("enseignants: 45", "enseignants: 45 personnes"))
    assert [(c[3], c[4]) for c in constats(texte) if c[3] != "sans-reponse"] == [
        (
            "type",
            "Nombre d’enseignants : un nombre entier est attendu, trouvé « 45 personnes » "
            "(écrivez seulement le nombre : 45)",
        )
    ]
    # Vide, il est bien signalé là où il manque.
    vide = campagne(("enseignants: 45", "enseignants:"))
    assert any(c[3] == "reference-manquante" for c in constats(vide))


@pytest.mark.parametrize("ecrit", ["0x10", "0o17", "0b11", "5_98"])
def test_un_nombre_mal_ecrit_donne_une_seule_erreur_et_pas_aussi_sans_reponse(ecrit):
    # Le lecteur YAML signale le nombre ; valider ne le compte pas en plus « sans réponse ».
    exemple = Path(__file__).resolve().parents[1] / "exemples" / "college-jean-moulin-2024-2025.yaml"
    texte = exemple.read_text(encoding="utf-8")
    for avant, apres in (
        ("    salles_tni: 6\n", f"    salles_tni: {ecrit}\n"),
        ("      jamais: 9\n", f"      jamais: {ecrit}\n"),
    ):
        assert avant in texte
        fautif = texte.replace(avant, apres, 1)
        trouves = constats(fautif)
        assert [code for _, _, _, code, _ in trouves] == ["nombre-mal-ecrit"], trouves
