"""``diagnum init`` : un gabarit complet, commenté en français, qui passe la validation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_fichier, valider_texte
from diagnum.campagne.gabarit import construire_gabarit
from diagnum.cli import app
from diagnum.lecture_yaml import Tableau, lire_yaml
from diagnum.referentiel import Item, charger_referentiel

runner = CliRunner()


def init(*arguments: object):
    return runner.invoke(app, ["init", *map(str, arguments)])


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel("2011")


@pytest.fixture
def gabarit(tmp_path):
    chemin = tmp_path / "2024-2025.yaml"
    resultat = init(
        chemin,
        "--referentiel",
        "2011",
        "--etablissement",
        "Collège Marie Curie",
        "--uai",
        "0750654D",
        "--commune",
        "Besançon",
        "--campagne",
        "2024-2025",
    )
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout.startswith(f"{chemin} : campagne créée (référentiel 2011)")
    assert f"diagnum valider {chemin}" in resultat.stdout
    return chemin


def normaliser(texte: str) -> str:
    return " ".join(texte.split())


def commentaire_au_dessus(lignes: list[str], indice: int) -> str:
    """Les lignes de commentaire contiguës juste au-dessus de la ligne ``indice``, en un seul texte."""
    bloc = []
    n = indice - 1
    while n >= 0 and lignes[n].lstrip().startswith("#"):
        bloc.append(lignes[n].lstrip()[1:].strip())
        n -= 1
    return normaliser(" ".join(reversed(bloc)))


def indice_de_cle(lignes: list[str], cle: str, depuis: int = 0) -> int:
    return next(n for n in range(depuis, len(lignes)) if lignes[n].strip().startswith(f"{cle}:"))


# --------------------------------------------------------------------------
# Le gabarit


def test_un_gabarit_neuf_passe_la_validation(gabarit):
    resultat = valider_fichier(gabarit)
    assert not resultat.a_des_erreurs
    assert {d.code for d in resultat.diagnostics} == {"sans-reponse"}
    campagne = resultat.campagne
    assert campagne.referentiel == "2011"
    assert campagne.etablissement.nom == "Collège Marie Curie"
    assert (campagne.etablissement.uai, campagne.etablissement.commune) == ("0750654D", "Besançon")
    assert campagne.campagne == "2024-2025"
    cli = runner.invoke(app, ["valider", str(gabarit)])
    assert cli.exit_code == 0 and cli.stderr == ""


def test_un_gabarit_sans_option_passe_aussi_la_validation(tmp_path):
    chemin = tmp_path / "campagne.yaml"
    assert init(chemin).exit_code == 0
    assert not valider_fichier(chemin).a_des_erreurs


def test_chaque_item_du_referentiel_a_sa_cle_dans_le_gabarit(gabarit, referentiel):
    racine, constats = lire_yaml(gabarit.read_text(encoding="utf-8"))
    assert constats == []
    reference, obligations, reponses = (racine.get(cle) for cle in ("reference", "obligations", "reponses"))
    assert list(reference.entrees) == [i.id for i in referentiel.reference.items]
    assert list(obligations.entrees) == [i.id for i in referentiel.obligations.items]
    assert list(reponses.entrees) == [d.id for d in referentiel.domaines]
    for domaine in referentiel.domaines:
        bloc = reponses.get(domaine.id)
        assert list(bloc.entrees) == [i.id for i in domaine.items], domaine.id
        for item in domaine.items:
            valeur = bloc.get(item.id)
            if item.nature == "matrice":
                assert list(valeur.entrees) == [ligne.id for ligne in item.lignes]
                for ligne in item.lignes:
                    assert list(valeur.get(ligne.id).entrees) == [c.id for c in item.colonnes]
            elif item.nature == "repartition":
                assert isinstance(valeur, Tableau) and len(valeur.entrees) == 3
                assert all(v.valeur is None for _, v in valeur.entrees.values())
            else:
                assert valeur.valeur is None, item.id


def _items(referentiel) -> list[Item]:
    return [
        *referentiel.reference.items,
        *referentiel.obligations.items,
        *(item for domaine in referentiel.domaines for item in domaine.items),
    ]


def test_chaque_question_est_ecrite_en_francais_juste_au_dessus_de_sa_cle(gabarit, referentiel):
    lignes = gabarit.read_text(encoding="utf-8").splitlines()
    debut = indice_de_cle(lignes, "reference")
    for item in _items(referentiel):
        indice = indice_de_cle(lignes, item.id, debut)
        commentaire = commentaire_au_dessus(lignes, indice)
        assert normaliser(item.libelle.rstrip(" :")) in commentaire, item.id
        if item.contexte:
            assert normaliser(item.contexte) in commentaire, item.id
        if item.nature == "matrice":
            assert all(normaliser(c.libelle) in commentaire for c in item.colonnes)
            for ligne in item.lignes:
                sous = indice_de_cle(lignes, ligne.id, indice)
                assert normaliser(ligne.libelle) in commentaire_au_dessus(lignes, sous), ligne.id
        if item.condition is not None and item.condition.item:
            assert f"« {item.condition.item} » vaut « {item.condition.valeur} »" in commentaire


def test_les_titres_des_domaines_et_les_reponses_permises_sont_en_commentaire(gabarit, referentiel):
    texte = gabarit.read_text(encoding="utf-8")
    commentaires = normaliser(" ".join(ligne.strip()[1:] for ligne in texte.splitlines() if ligne.strip()[:1] == "#"))
    for domaine in referentiel.domaines:
        assert normaliser(f"{domaine.section} {domaine.titre}") in commentaires
    assert "Réponse : oui | non" in commentaires
    assert "Réponse : un pourcentage de 0 à 100" in commentaires
    assert "aucun nom d'élève" in commentaires


# --------------------------------------------------------------------------
# Jamais d'écrasement sans --force


def test_init_refuse_d_ecraser_un_fichier_existant(tmp_path):
    chemin = tmp_path / "campagne.yaml"
    contenu = 'referentiel: "2011"\n# mes réponses, à ne pas perdre\n'.encode()
    chemin.write_bytes(contenu)
    resultat = init(chemin)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert (
        resultat.stderr == f"diagnum : {chemin} existe déjà : rien n'a été écrit (ajoutez --force pour le remplacer)\n"
    )
    assert chemin.read_bytes() == contenu
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campagne.yaml"]  # aucun fichier temporaire laissé


def test_init_force_remplace(tmp_path, referentiel):
    chemin = tmp_path / "campagne.yaml"
    chemin.write_text("ancien contenu\n", encoding="utf-8")
    resultat = init(chemin, "--force")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    texte = chemin.read_text(encoding="utf-8")
    assert "ancien contenu" not in texte
    assert texte == construire_gabarit(referentiel)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--uai", "0750654A"], "la lettre de contrôle de 0750654 est « D »"),
        (["--uai", "075065"], "7 chiffres puis une lettre de contrôle"),
        # Chiffres qui ressemblent aux nôtres, retour à la ligne final : refusés (issue 15, point 9).
        (["--uai", "٠٧٥٠٦٥٤D"], "7 chiffres puis une lettre de contrôle"),
        (["--uai", "０７５０６５４D"], "7 chiffres puis une lettre de contrôle"),
        (["--uai", "0750654D\n"], "UAI « 0750654D\\n » invalide : 7 chiffres"),
        (["--referentiel", "2099"], "référentiel « 2099 » inconnu"),
    ],
)
def test_init_refuse_une_option_fausse_sans_rien_ecrire(tmp_path, arguments, message):
    chemin = tmp_path / "campagne.yaml"
    resultat = init(chemin, *arguments)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr.startswith("diagnum : ") and message in resultat.stderr
    assert not chemin.exists()


def test_init_dans_un_dossier_absent(tmp_path):
    chemin = tmp_path / "absent" / "campagne.yaml"
    resultat = init(chemin)
    assert resultat.exit_code == 2
    assert resultat.stderr == f"diagnum : {chemin.parent} : dossier introuvable\n"
    assert not chemin.parent.exists()


# --------------------------------------------------------------------------
# N'importe quel nom d'établissement ou de commune est écrit tel quel


_textes = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(":#&*!|>'\"%@`,?-[]{}"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nom=_textes, commune=_textes, campagne=_textes)
def test_les_textes_libres_survivent_a_l_aller_retour(referentiel, nom, commune, campagne):
    texte = construire_gabarit(referentiel, etablissement=nom, commune=commune, campagne=campagne)
    resultat = valider_texte(texte.encode("utf-8"))
    assert not resultat.a_des_erreurs, [d.message for d in resultat.diagnostics if d.est_erreur]
    lue = resultat.campagne
    assert (lue.etablissement.nom, lue.etablissement.commune, lue.campagne) == (nom, commune, campagne)
