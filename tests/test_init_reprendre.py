"""``diagnum init NOUVELLE --depuis ANCIENNE --reprendre`` : les réponses de l'an passé recopiées, à vérifier.

Et, sans ``--reprendre``, une réponse tapée après le « # » du rappel est signalée.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from diagnum.campagne.chargement import valider_fichier, valider_texte
from diagnum.campagne.gabarit import ACTIONS_CLOSES
from diagnum.cli import app
from outils_progression import APRES, charger, items_de_nature

runner = CliRunner()


def init(*args: object):
    return runner.invoke(app, ["init", *map(str, args)])


@pytest.fixture(scope="module")
def precedente():
    return charger(APRES)


@pytest.fixture
def reprise(tmp_path, precedente):
    ancienne, _ = precedente
    chemin = tmp_path / "2025-2026.yaml"
    resultat = init(chemin, "--depuis", APRES, "--reprendre", "--campagne", "2025-2026")
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout.splitlines() == [
        f"{chemin} : campagne créée (référentiel 2011). Remplissez-la, puis : diagnum valider {chemin}",
        f"Reprise de {APRES} : établissement, éléments de référence, réponses et objectifs recopiés, "
        f"chacun marqué « repris de {ancienne.libelle}, à vérifier » ; vérifiez-les un à un.",
    ]
    return chemin


def test_les_reponses_et_les_nombres_de_reference_sont_recopies(reprise, precedente):
    ancienne, _ = precedente
    resultat = valider_fichier(reprise)
    assert [d for d in resultat.diagnostics if d.est_erreur] == []
    # Seule la date du nouveau diagnostic manque : tout le reste est repris.
    nouveaux = [d for d in resultat.diagnostics if d not in valider_fichier(APRES).diagnostics]
    assert [(d.code, "date" in d.message) for d in nouveaux] == [("sans-reponse", True)], nouveaux
    nouvelle = resultat.campagne
    assert nouvelle.reponses == ancienne.reponses
    assert nouvelle.obligations == ancienne.obligations
    assert nouvelle.reference == ancienne.reference
    assert nouvelle.etablissement == ancienne.etablissement
    assert (nouvelle.campagne, nouvelle.date) == ("2025-2026", None)


def test_chaque_valeur_reprise_dit_d_ou_elle_vient(reprise, precedente):
    ancienne, referentiel = precedente
    texte = reprise.read_text(encoding="utf-8")
    marque = f" # repris de {ancienne.libelle}, à vérifier"
    for item in items_de_nature(referentiel, "affirmation")[:5] + items_de_nature(referentiel, "nombre")[:3]:
        ligne = next(ligne for ligne in texte.splitlines() if ligne.strip().startswith(f"{item.id}:"))
        assert ligne.endswith(marque), ligne
    lignes_reprises = [ligne for ligne in texte.splitlines() if ligne.endswith(marque)]
    # Autant de valeurs marquées que de valeurs simples dans l'ancienne campagne (case, effectif, réponse).
    valeurs = [v for v in ancienne.reference.values() if v is not None]
    valeurs += [v for v in ancienne.obligations.values() if v is not None]
    for reponses in ancienne.reponses.values():
        for valeur in reponses.values():
            if isinstance(valeur, dict):
                for sous in valeur.values():
                    valeurs += [v for v in (sous.values() if isinstance(sous, dict) else [sous]) if v is not None]
            elif valeur is not None:
                valeurs.append(valeur)
    assert len(lignes_reprises) == len(valeurs)
    assert "réponse en commentaire" not in " ".join(d.message for d in valider_fichier(reprise).diagnostics)


def test_les_objectifs_sont_repris_avec_les_actions_non_faites_et_leur_statut(reprise, precedente):
    ancienne, _ = precedente
    nouvelle = valider_fichier(reprise).campagne
    assert [(o.domaine, o.cible, o.echeance) for o in nouvelle.objectifs] == [
        (o.domaine, o.cible, o.echeance) for o in ancienne.objectifs
    ]
    for avant, apres in zip(ancienne.objectifs, nouvelle.objectifs, strict=True):
        assert apres.actions == tuple(a for a in avant.actions if a.statut not in ACTIONS_CLOSES)
    closes = sum(a.statut in ACTIONS_CLOSES for o in ancienne.objectifs for a in o.actions)
    assert closes > 0  # l'exemple en a : le test vérifie bien qu'elles disparaissent
    texte = reprise.read_text(encoding="utf-8")
    assert f"# {closes} actions réalisées ou abandonnées en {ancienne.libelle} ne sont pas reprises." in texte


def test_reprendre_sans_depuis_est_une_erreur_d_usage(tmp_path):
    chemin = tmp_path / "2025.yaml"
    resultat = init(chemin, "--reprendre")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr == (
        "diagnum : --reprendre va avec --depuis : indiquez la campagne précédente (--depuis ANCIENNE.yaml)\n"
    )
    assert not chemin.exists()


def test_sans_reprendre_le_comportement_d_hier_est_garde(tmp_path, precedente):
    ancienne, _ = precedente
    chemin = tmp_path / "2025-2026.yaml"
    assert init(chemin, "--depuis", APRES).exit_code == 0
    texte = chemin.read_text(encoding="utf-8")
    assert "repris de" not in texte.replace(f"Objectifs et actions repris de {ancienne.libelle}", "")
    assert not [d for d in valider_fichier(chemin).diagnostics if d.code == "reponse-en-commentaire"]


@pytest.mark.parametrize(
    ("ligne", "avertissement"),
    [
        (
            "comite_pilotage: # 2024-2025 : oui non",
            (
                1,
                36,
                "comite_pilotage : réponse en commentaire : « non » est écrite après le « # », diagnum ne la lit "
                "pas ; écrivez-la avant le « # » : comite_pilotage: non",
            ),
        ),
        (
            "comite_pilotage: # non",
            (
                1,
                20,
                "comite_pilotage : réponse en commentaire : « non » est écrite après le « # », diagnum ne la lit "
                "pas ; retirez le « # » : comite_pilotage: non",
            ),
        ),
        (
            "salles_tni: # 2024-2025 : 6 8",
            (
                1,
                29,
                "salles_tni : réponse en commentaire : « 8 » est écrite après le « # », diagnum ne la lit pas ; "
                "écrivez-la avant le « # » : salles_tni: 8",
            ),
        ),
    ],
)
def test_une_reponse_ecrite_apres_le_diese_est_signalee(ligne, avertissement, precedente):
    from diagnum.campagne.commentaires import reponses_en_commentaire

    _, referentiel = precedente
    (constat,) = reponses_en_commentaire(ligne + "\n", referentiel)
    assert (constat.ligne, constat.colonne, constat.message) == avertissement
    assert constat.code == "reponse-en-commentaire" and not constat.est_erreur


@pytest.mark.parametrize(
    "ligne",
    [
        "comite_pilotage: # 2024-2025 : oui",  # le rappel seul
        "comite_pilotage: # à voir avec le principal",  # un commentaire libre
        "comite_pilotage: oui # 2024-2025 : non",  # une réponse, puis un commentaire
        "nom_inconnu: # oui",  # pas une clé de réponse
    ],
)
def test_un_rappel_ou_un_commentaire_libre_n_est_pas_signale(ligne, precedente):
    from diagnum.campagne.commentaires import reponses_en_commentaire

    _, referentiel = precedente
    assert reponses_en_commentaire(ligne + "\n", referentiel) == []


def test_l_avertissement_passe_par_valider(analyseur):
    texte = 'referentiel: "2011"\nreponses:\n  pilotage:\n    comite_pilotage: # oui\n'
    constats = [d for d in valider_texte(texte.encode()).diagnostics if d.code == "reponse-en-commentaire"]
    assert [(d.ligne, d.colonne) for d in constats] == [(4, 24)]
