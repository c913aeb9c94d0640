"""La synthèse d'un territoire, fonctions pures : quantiles, compteurs, synthèse d'un territoire de douze établissements.

Le territoire de ``fixtures/territoire/bons`` est l'exemple du collège Jean Moulin décliné en douze
établissements ; seules varient les réponses de « 3.4 Assistance technique » (0 à 6 « oui » sur 6
affirmations, le k-ième établissement répond « oui » aux k premières) et l'obligation « suivi des
mesures » (« non » pour trois, sans réponse pour un). Les valeurs attendues ci-dessous sont calculées
à la main dans les commentaires.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnum.referentiel import charger_referentiel
from diagnum.territoire.collecte import Ecart, Fiche, Rejet, chercher_fichiers, collecter, lire_un
from diagnum.territoire.statistiques import effectifs, mediane, part_en_dessous, quantile, resumer
from diagnum.territoire.synthese import MASQUE, Accumulateur, construire_synthese

RACINE = Path(__file__).resolve().parent
BONS = RACINE / "fixtures" / "territoire" / "bons"
MAUVAIS = RACINE / "fixtures" / "territoire" / "mauvais"
DOMAINE = "assistance_technique"


# --------------------------------------------------------------------------
# Quantiles


def test_quartiles_calcules_a_la_main():
    # Scores d'assistance technique du territoire, triés (k « oui » sur 6, arrondis au dixième) :
    serie = [0, 16.7, 16.7, 33.3, 50, 50, 66.7, 66.7, 83.3, 100, 100, 100]
    # n = 12 ; Q(p) à la position h = 11 p :
    # Q1 : h = 2,75 → 16,7 + 0,75 × (33,3 − 16,7) = 29,15
    # médiane : h = 5,5 → 50 + 0,5 × (66,7 − 50) = 58,35
    # Q3 : h = 8,25 → 83,3 + 0,25 × (100 − 83,3) = 87,475
    # moyenne : 683,4 / 12 = 56,95
    resume = resumer(reversed(serie))
    assert resume.n == 12
    assert (resume.minimum, resume.maximum) == (0, 100)
    assert resume.q1 == pytest.approx(29.15)
    assert resume.mediane == pytest.approx(58.35)
    assert resume.q3 == pytest.approx(87.475)
    assert resume.moyenne == pytest.approx(56.95)


def test_quantiles_d_une_petite_serie():
    # [1, 2, 3, 4] : h = 0,75 → 1,75 ; h = 1,5 → 2,5 ; h = 2,25 → 3,25 (QUARTILE.INCLURE de LibreOffice)
    assert [quantile([1, 2, 3, 4], p) for p in (0, 0.25, 0.5, 0.75, 1)] == [1, 1.75, 2.5, 3.25, 4]
    assert resumer([7]) == (1, 7, 7, 7, 7, 7, 7)
    assert resumer([None, None]) is None
    assert mediane([3, None, 1]) == 2


def test_quantile_refuse_l_impossible():
    with pytest.raises(ValueError):
        quantile([], 0.5)
    with pytest.raises(ValueError):
        quantile([1, 2], 1.5)


valeurs = st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=2, max_size=60)


@given(valeurs)
def test_quartiles_comme_statistics_inclusive(serie):
    resume = resumer(serie)
    attendus = statistics.quantiles(serie, n=4, method="inclusive")
    assert [resume.q1, resume.mediane, resume.q3] == pytest.approx(attendus, abs=1e-9)
    assert resume.minimum <= resume.q1 <= resume.mediane <= resume.q3 <= resume.maximum


@given(st.lists(st.sampled_from([0.0, 12.5, 33.3, 50.0, 66.7, 100.0]), min_size=1, max_size=40), st.floats(0, 100))
def test_part_en_dessous_exacte(serie, score):
    serie_effectifs = effectifs(serie)
    assert sum(n for _, n in serie_effectifs) == len(serie)
    assert part_en_dessous(score, serie_effectifs) == sum(1 for v in serie if v < score) / len(serie)


def test_part_en_dessous_ex_aequo():
    # 143 établissements : un ex æquo n'est pas « au-dessus » des autres.
    serie = effectifs([50.0] * 43 + [40.0] * 100)
    assert part_en_dessous(50.0, serie) == pytest.approx(100 / 143)
    assert part_en_dessous(40.0, serie) == 0
    with pytest.raises(ValueError):
        part_en_dessous(1, [])


# --------------------------------------------------------------------------
# Collecte


def test_chercher_fichiers_recursif_trie_sans_doublon(tmp_path):
    (tmp_path / "b").mkdir()
    for nom in ("b/2.yml", "a.yaml", "b/1.YAML", "notes.txt", ".cache.yaml"):
        (tmp_path / nom).write_text("x", encoding="utf-8")
    trouves = chercher_fichiers([tmp_path, tmp_path / "a.yaml", tmp_path / "absent.yaml"])
    noms = [p.relative_to(tmp_path).as_posix() for p in trouves]
    assert noms == ["a.yaml", "b/1.YAML", "b/2.yml", "absent.yaml"]


@pytest.mark.parametrize("fichier", sorted(MAUVAIS.glob("*.yaml")), ids=lambda p: p.name)
def test_chaque_mauvais_fichier_donne_sa_position_et_son_code(fichier):
    attendu = next(ligne for ligne in fichier.read_text(encoding="utf-8").splitlines() if "attendu:" in ligne)
    morceaux = attendu.split("attendu:")[1].split()
    issue = lire_un(str(fichier))
    if morceaux == ["doublon"]:
        assert isinstance(issue, Fiche)  # seul, il est valide : c'est la paire qui est écartée
        return
    position, code = morceaux
    assert isinstance(issue, Rejet)
    assert (f"{issue.ligne}:{issue.colonne}", issue.code) == (position, code)
    assert issue.message


def test_fichier_absent_et_autre_campagne(tmp_path):
    absent = lire_un(str(tmp_path / "absent.yaml"))
    assert isinstance(absent, Rejet) and absent.code == "illisible" and absent.ligne is None
    assert "introuvable" in absent.message
    assert lire_un(str(BONS / "etablissement-01.yaml"), "2023-2024") == Ecart(
        str(BONS / "etablissement-01.yaml"), "2024-2025", "0390001P"
    )


def test_fiche_une_ligne_par_reponse():
    fiche = lire_un(str(BONS / "etablissement-01.yaml"))
    referentiel = charger_referentiel()
    cles = {(d, i) for d, i, _, _ in fiche.reponses}
    assert len(cles) == len(fiche.reponses)
    # une répartition : trois lignes « item.modalite » dont la somme est l'effectif déclaré
    repartition = next(i for d in referentiel.domaines for i in d.items if i.nature == "repartition")
    lignes = [r for r in fiche.reponses if r[1].startswith(repartition.id + ".")]
    assert [r[1].rsplit(".", 1)[1] for r in lignes] == ["jamais", "occasionnellement", "regulierement"]
    assert all(r[3] is not None and r[2] == str(int(r[3])) for r in lignes)
    # une case de matrice : « item.ligne.colonne »
    matrice = next(i for d in referentiel.domaines for i in d.items if i.nature == "matrice")
    assert sum(1 for r in fiche.reponses if r[1].startswith(matrice.id + ".")) == len(matrice.lignes) * len(
        matrice.colonnes
    )
    assert fiche.uai == "0390001P" and fiche.campagne == "2024-2025"


def test_en_parallele_comme_en_serie():
    fichiers = sorted(BONS.glob("*.yaml")) + sorted(MAUVAIS.glob("*.yaml"))
    assert list(collecter(fichiers, processus=2)) == list(collecter(fichiers, processus=1))


# --------------------------------------------------------------------------
# Synthèse du territoire (pure)


def _synthese(anonyme: bool = False, nombre: int = 12):
    referentiel = charger_referentiel()
    accumulateur = Accumulateur(referentiel)
    for chemin in sorted(BONS.glob("*.yaml"))[:nombre]:
        accumulateur.ajouter(lire_un(str(chemin)))
    return construire_synthese(referentiel, accumulateur.donnees, anonyme=anonyme, fichiers=nombre)


def test_territoire_de_douze_etablissements():
    synthese = _synthese()
    (campagne,) = synthese.campagnes
    assert (campagne.campagne, campagne.etablissements) == ("2024-2025", 12)
    assistance = next(d for d in campagne.domaines if d.id == DOMAINE)
    assert assistance.score.q1 == pytest.approx(29.15)
    assert assistance.score.mediane == pytest.approx(58.35)
    assert assistance.score.q3 == pytest.approx(87.475)
    assert assistance.score.moyenne == pytest.approx(56.95)
    # Les autres domaines sont ceux de l'exemple, identiques partout : boîte réduite à un point.
    autre = next(d for d in campagne.domaines if d.id != DOMAINE)
    assert autre.score.minimum == autre.score.maximum == autre.score.mediane
    assert synthese.medianes == []  # une seule campagne


def test_parts_de_oui_calculees_a_la_main_et_triees():
    referentiel = charger_referentiel()
    domaine = referentiel.domaine(DOMAINE)
    (campagne,) = _synthese().campagnes
    parts = {a.libelle: (a.oui, a.repondants, a.part) for a in campagne.affirmations}
    # la j-ième affirmation est « oui » chez les établissements qui en ont au moins j : 11, 9, 8, 6, 4, 3 sur 12
    for item, oui in zip(domaine.items, (11, 9, 8, 6, 4, 3), strict=True):
        assert parts[item.question] == (oui, 12, pytest.approx(oui / 12))
    publiees = [a.part for a in campagne.affirmations if isinstance(a.part, float)]
    assert publiees == sorted(publiees, reverse=True)


def test_obligations_non_tenues_et_repartitions_additionnees():
    referentiel = charger_referentiel()
    (campagne,) = _synthese().campagnes
    suivi = next(o for o in campagne.obligations if o.libelle == referentiel.obligations.items[-1].libelle)
    assert (suivi.non, suivi.sans_reponse) == (3, 1)
    assert all((o.non, o.sans_reponse) == (0, 0) for o in campagne.obligations if o is not suivi)
    # Répartitions : douze fois celles de l'exemple.
    exemple = lire_un(str(BONS / "etablissement-01.yaml"))
    premiere = campagne.repartitions[0]
    item = next(i for d in referentiel.domaines for i in d.items if i.nature == "repartition")
    for m, effectif in premiere.effectifs.items():
        (valeur,) = [r[3] for r in exemple.reponses if r[1] == f"{item.id}.{m}"]
        assert effectif == 12 * valeur
    assert premiere.etablissements == 12
    # Rapports d'équipement : identiques partout, donc la médiane est celui de l'exemple.
    reference = {r[1]: r[3] for r in exemple.reponses if r[0] == "reference"}
    ratio = campagne.ratios[0]
    equipement = next(
        i for d in referentiel.domaines for i in d.items if i.nature == "nombre" and i.role == "moyens" and i.total
    )
    (valeur,) = [r[3] for r in exemple.reponses if r[1] == equipement.id]
    assert ratio.mediane == pytest.approx(valeur / reference[equipement.total])


def test_retirer_une_fiche_rend_les_memes_chiffres():
    referentiel = charger_referentiel()
    fiches = [lire_un(str(c)) for c in sorted(BONS.glob("*.yaml"))]
    avec, sans = Accumulateur(referentiel), Accumulateur(referentiel)
    for fiche in fiches:
        avec.ajouter(fiche)
    avec.retirer(fiches[3])
    for fiche in fiches[:3] + fiches[4:]:
        sans.ajouter(fiche)
    a = construire_synthese(referentiel, avec.donnees, anonyme=False)
    b = construire_synthese(referentiel, sans.donnees, anonyme=False)
    assert a == b


def test_anonyme_masque_ce_qui_porte_sur_moins_de_cinq():
    petite = _synthese(anonyme=True, nombre=4)
    (campagne,) = petite.campagnes
    assert campagne.completude == MASQUE and campagne.completes == MASQUE
    assert all(d.score == MASQUE for d in campagne.domaines)
    assert all(a.part == MASQUE for a in campagne.affirmations if a.repondants)
    assert all(o.masque for o in campagne.obligations)
    assert all(r.effectifs == MASQUE for r in campagne.repartitions)
    assert all(r.mediane == MASQUE for r in campagne.ratios)
    # À partir de cinq établissements, tout est publié.
    (cinq,) = _synthese(anonyme=True, nombre=5).campagnes
    assert all(not isinstance(d.score, str) for d in cinq.domaines)
    assert not any(o.masque for o in cinq.obligations)
    # Sans --anonyme, rien n'est masqué, même pour quatre établissements.
    (nomme,) = _synthese(anonyme=False, nombre=4).campagnes
    assert all(not isinstance(d.score, str) for d in nomme.domaines)


@pytest.mark.parametrize("fichier", sorted(BONS.glob("*.yaml"))[:6])
def test_profil_leger_memes_chiffres_que_le_profil_complet(fichier):
    """La synthèse calcule un profil « léger » (sans leviers ni descriptions) : mêmes chiffres."""
    from diagnum.calculs.scores import calculer_profil
    from diagnum.campagne.chargement import charger_campagne

    campagne, referentiel = charger_campagne(fichier)
    complet, leger = calculer_profil(campagne, referentiel), calculer_profil(campagne, referentiel, leger=True)
    chiffres = ("id", "score", "usage", "moyens", "completude", "provisoire", "repondus", "attendus")
    assert [[getattr(d, c) for c in chiffres] for d in leger.domaines] == [
        [getattr(d, c) for c in chiffres] for d in complet.domaines
    ]
    assert [[c.valeur for c in d.contributions] for d in leger.domaines] == [
        [c.valeur for c in d.contributions] for d in complet.domaines
    ]
    assert any(d.leviers for d in complet.domaines) and not any(d.leviers for d in leger.domaines)


@given(st.text(alphabet=st.sampled_from([*"0123456789-/ –—\u2010ab"]), max_size=14))
def test_libelle_de_campagne_normalise_ou_refuse(libelle):
    from diagnum.territoire.collecte import normaliser_campagne

    normalise = normaliser_campagne(libelle)
    if normalise is not None:
        debut, fin = normalise.split("-")
        assert len(debut) == len(fin) == 4 and int(fin) == int(debut) + 1
        assert debut in libelle and normaliser_campagne(normalise) == normalise


@pytest.mark.parametrize(
    ("libelle", "attendu"),
    [
        ("2024-2025", "2024-2025"),
        ("2024/2025", "2024-2025"),
        (" 2024 – 2025 ", "2024-2025"),
        ("2024-25", "2024-2025"),
        ("2099-00", "2099-2100"),
        ("2024-2026", None),
        ("2023-2024 collège Jean Moulin de Dole", None),
        ("Bilan de printemps", None),
        ("２０２４-２０２５", None),  # chiffres pleine chasse : pas des chiffres ASCII
    ],
)
def test_libelles_de_campagne(libelle, attendu):
    from diagnum.territoire.collecte import normaliser_campagne

    assert normaliser_campagne(libelle) == attendu


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=60), st.floats(min_value=0, max_value=100))
def test_part_en_dessous_tranches_proche_de_la_part_exacte(serie, score):
    """La part estimée d'après les tranches de 10 points ne s'écarte de la part exacte que de la part des
    établissements de la tranche du score (qu'on ne sait pas placer)."""
    from diagnum.territoire.statistiques import part_en_dessous_tranches, tranches

    estimee = part_en_dessous_tranches(score, tranches(serie))
    exacte = part_en_dessous(score, effectifs(serie))
    tranche = min(int(score // 10) * 10, 90)
    dans_la_tranche = sum(1 for v in serie if min(int(v // 10) * 10, 90) == tranche) / len(serie)
    assert 0 <= estimee <= 1 and abs(estimee - exacte) <= dans_la_tranche + 1e-9
    assert sum(n for _, n in tranches(serie)) == len(serie)
