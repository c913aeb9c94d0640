"""Calcul des scores : chaque règle prouvée sur une mini-campagne calculée à la main.

Les fichiers de tests/fixtures/scores/ ne répondent qu'à quelques items ; le
résultat attendu est calculé en commentaire à côté de chaque assertion. Un
test hypothesis vérifie qu'améliorer une réponse ne fait jamais baisser un
chiffre.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diagnum.calculs.scores import Profil, ScoreDomaine, calculer_profil, lire_profil
from diagnum.campagne.chargement import charger_campagne
from diagnum.campagne.modele import Campagne
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, charger_referentiel, construire_referentiel

FIXTURES = Path(__file__).parent / "fixtures" / "scores"
SOURCE_REFERENTIEL = Path(__file__).resolve().parents[1] / "referentiel" / "2011.yaml"
REF = charger_referentiel("2011")


def profil(nom: str, referentiel=None) -> Profil:
    campagne, ref = charger_campagne(FIXTURES / nom)
    return calculer_profil(campagne, referentiel or ref)


def referentiel_modifie(avant: str, apres: str):
    texte = SOURCE_REFERENTIEL.read_text(encoding="utf-8")
    assert texte.count(avant) == 1
    return construire_referentiel(texte.replace(avant, apres).encode("utf-8"), "modifié.yaml")


# --------------------------------------------------------------------------
# Affirmations, domaine vide, score provisoire


def test_affirmation_oui_vaut_1_non_vaut_0_sans_reponse_ecarte():
    d = profil("affirmation.yaml").domaine("assistance_technique")
    # oui, oui, non, oui ; deux items sans réponse écartés : 3 / 4 = 75 %
    assert d.score == 75.0
    # 4 réponses sur 6 items : 0,6667, au-dessus de la moitié
    assert (d.repondus, d.attendus) == (4, 6)
    assert d.completude == pytest.approx(4 / 6, abs=1e-4)
    assert d.provisoire is False
    assert d.usage is None and d.moyens is None
    assert set(d.sans_reponse) == {"contrat_maintenance", "administration_reseaux"}


def test_moins_de_la_moitie_des_reponses_score_provisoire():
    d = profil("affirmation.yaml").domaine("accompagnement_pedagogique")
    # oui, non : 1 / 2 = 50 % ; 2 réponses sur 6 : 1/3 < 1/2, donc provisoire
    assert d.score == 50.0
    assert d.completude == pytest.approx(1 / 3, abs=1e-4)
    assert d.provisoire is True


def test_seuil_provisoire_lu_dans_le_referentiel():
    ref = referentiel_modifie("seuil_provisoire: 0.5", "seuil_provisoire: 0.3")
    # 1/3 de réponses n'est plus sous le seuil de 0,3
    assert profil("affirmation.yaml", ref).domaine("accompagnement_pedagogique").provisoire is False


def test_domaine_sans_reponse_na_pas_de_score():
    p = profil("affirmation.yaml")
    for identifiant in ("pilotage", "enseignant_en_classe", "information_echanges"):
        d = p.domaine(identifiant)
        # rien de répondu : pas de score (None), et surtout pas 0
        assert d.score is None and d.usage is None and d.moyens is None
        assert d.completude == 0.0
        assert d.provisoire is False
        assert d.leviers == ()


# --------------------------------------------------------------------------
# Répartitions


def test_repartition_ponderee():
    p = profil("repartition.yaml")
    d = p.domaine("enseignant_en_classe")
    # (0 × 10 + ½ × 10 + 1 × 20) / 40 = 25 / 40 = 62,5 % ; l'usage est le score
    assert d.usage == 62.5
    assert d.score == 62.5
    # aucun élément d'analyse : pas de chiffre des moyens
    assert d.moyens is None
    e = p.domaine("eleves_en_classe")
    # divisions : (0 × 4 + ½ × 8 + 8) / 20 = 12 / 20 = 0,6
    # enseignants : (0 × 24 + ½ × 8 + 8) / 40 = 12 / 40 = 0,3
    # usage = moyenne des deux indicateurs = 0,45
    assert e.usage == 45.0


def test_poids_des_modalites_lus_dans_le_referentiel():
    ref = referentiel_modifie("occasionnellement: 0.5", "occasionnellement: 0.3")
    d = profil("repartition.yaml", ref).domaine("enseignant_en_classe")
    # (0 × 10 + 0,3 × 10 + 1 × 20) / 40 = 23 / 40 = 57,5 %
    assert d.usage == 57.5


# --------------------------------------------------------------------------
# Nombres et proportions


def test_nombre_sur_total_cible_et_plafond():
    p = profil("nombre.yaml")
    d = p.domaine("enseignant_en_classe")
    # salles_poste_enseignant 15 / 20 salles = 0,75
    # salles_tni 5 / 20 = 0,25
    # videoprojecteurs_mobiles : cible 0,2 × 20 salles = 4 ; 6 / 4 plafonné à 1
    # moyens = (0,75 + 0,25 + 1) / 3 = 2 / 3 = 66,7 %
    assert d.moyens == 66.7
    assert d.usage is None and d.score is None
    e = p.domaine("eleves_en_classe")
    # divisions_manuel_numerique 25 / 20 divisions, plafonné à 1
    # classes_mobiles : cible 0,1 × 20 divisions = 2 ; 1 / 2 = 0,5
    # moyens = (1 + 0,5) / 2 = 75 %
    assert e.moyens == 75.0
    details = {c.item: c.detail for c in e.contributions}
    assert details["classes_mobiles"] == "1 (cible 2)"
    assert details["divisions_manuel_numerique"] == "25 sur 20"


def test_proportion_et_sans_objet_ecarte():
    d = profil("proportion.yaml").domaine("travail_hors_classe")
    # cdi_postes oui = 1 ; internat_postes « sans objet » écarté ;
    # proportions 90 %, 40 %, 30 % → 0,9 + 0,4 + 0,3
    # moyens = (1 + 0,9 + 0,4 + 0,3) / 4 = 2,6 / 4 = 65 %
    # (si « sans objet » comptait pour 0 : 2,6 / 5 = 52 %)
    assert d.moyens == 65.0
    # « sans objet » est une réponse : 5 items répondus sur 15
    assert d.repondus == 5
    assert "internat_postes" not in {c.item for c in d.contributions}


# --------------------------------------------------------------------------
# Conditions « Si oui » et matrice 3.3.4


def test_question_si_oui_ignoree_quand_la_condition_vaut_non():
    d = profil("si_oui.yaml").domaine("enseignant_en_classe")
    # droits_ressources_transversales non = 0 (la question « Si oui » qui suit,
    # 30 enseignants, n'est pas comptée) ; droits_ressources_disciplinaires oui = 1,
    # sa question « Si oui » : 10 / 40 enseignants = 0,25 ;
    # enseignants_ent_devant_eleves ignoré : le service ENT est « sans objet ».
    # moyens = (0 + 1 + 0,25) / 3 = 41,7 %  (tout compté : (0 + 0,5 + 0,75 + 1 + 0,25) / 5 = 50 %)
    assert d.moyens == 41.7
    comptes = {c.item for c in d.contributions}
    assert comptes == {
        "droits_ressources_transversales",
        "droits_ressources_disciplinaires",
        "enseignants_ressources_disciplinaires",
    }
    # items attendus : les 12 du domaine, moins les deux questions dont la
    # condition écarte la réponse ; 3 réponses comptent comme répondues
    assert (d.repondus, d.attendus) == (3, 10)


def test_matrice_chaque_service_propose_pese_autant():
    d = profil("matrice.yaml").domaine("pilotage")
    # comite_pilotage non = 0
    # acces_internet : oui, oui, oui = 1
    # ent : oui, non, non = 1/3
    # publication : « sans objet » (service non proposé) écarté
    # gestion_notes : oui, sans objet, non = 1/2
    # score = (0 + 1 + 1/3 + 1/2) / 4 = 0,4583 → 45,8 %
    # (une affirmation par cellule donnerait (0 + 3 + 1 + 1) / 9 = 55,6 %)
    assert d.score == 45.8
    lignes = {c.ligne: c.valeur for c in d.contributions if c.ligne}
    assert lignes == pytest.approx({"acces_internet": 1, "ent": 1 / 3, "gestion_notes": 0.5})
    # réponses : 1 affirmation + 4 services × 3 cellules = 13 sur 9 + 10 × 3 = 39
    assert (d.repondus, d.attendus) == (13, 39)
    assert d.provisoire is True


# --------------------------------------------------------------------------
# Leviers, obligations, lecture du profil


def test_leviers_la_reponse_qui_fait_le_plus_monter():
    d = profil("affirmation.yaml").domaine("assistance_technique")
    # un seul « non » sur 4 réponses : le passer à « oui » gagne 100 / 4 = 25 points
    assert [(levier.item, levier.gain, levier.actuel) for levier in d.leviers] == [
        ("utilisateurs_informes_depannage", 25.0, NON)
    ]


def test_leviers_appliques_font_monter_le_score():
    campagne, ref = charger_campagne(FIXTURES / "matrice.yaml")
    avant = calculer_profil(campagne, ref).domaine("pilotage")
    levier = avant.leviers[0]
    # comite_pilotage (0 → 1) fait gagner 1/4 = 25 points : le premier levier
    assert (levier.item, levier.gain) == ("comite_pilotage", 25.0)
    campagne.reponses["pilotage"]["comite_pilotage"] = OUI
    apres = calculer_profil(campagne, ref).domaine("pilotage")
    assert apres.score == pytest.approx(avant.score + levier.gain, abs=0.1)


def test_obligations_non_respectees_d_abord():
    campagne = Campagne(
        referentiel="2011",
        obligations={
            item.id: reponse for item, reponse in zip(REF.obligations.items, [OUI, NON, None, OUI], strict=True)
        },
    )
    p = calculer_profil(campagne, REF)
    reponses = [o.reponse for o in p.obligations_triees]
    # « non » et sans réponse d'abord, dans l'ordre du référentiel ; puis les « oui »
    assert reponses == [NON, None, OUI, OUI]
    assert [o.id for o in p.obligations] == [item.id for item in REF.obligations.items]


def _domaine(identifiant: str, score, usage=None, moyens=None) -> ScoreDomaine:
    return ScoreDomaine(identifiant, "3", identifiant, identifiant, "usage", score, 1.0, False, 1, 1, usage, moyens)


def test_lecture_du_profil_selon_les_seuils_du_referentiel():
    notation = REF.notation  # point_fort 66, point_faible 40, écart 25
    domaines = (
        _domaine("fort", 66.0),
        _domaine("moyen", 50.0),
        _domaine("faible", 39.9),
        _domaine("sous_utilise", 30.0, usage=30.0, moyens=55.0),
        _domaine("freine", 80.0, usage=80.0, moyens=55.1),
        _domaine("vide", None),
    )
    p = Profil("2011", campagne=None, etablissement=None, date=None, domaines=domaines, obligations=())
    lecture = lire_profil(p, notation)
    assert [d.id for d in lecture.forts] == ["freine", "fort"]
    assert [d.id for d in lecture.faibles] == ["sous_utilise", "faible"]
    # écart moyens − usage = 25 : atteint le seuil ; 80 − 55,1 = 24,9 : non
    assert [d.id for d in lecture.sous_utilises] == ["sous_utilise"]
    assert lecture.freines == ()
    assert [d.id for d in lecture.non_renseignes] == ["vide"]


def test_un_ecart_de_25_affiche_est_signale_malgre_la_virgule_flottante():
    # 32,3 − 7,3 vaut 24.999999999999996 en virgule flottante ; 32,2 − 7,2 vaut 25.000000000000004
    assert 32.3 - 7.3 < 25 < 32.2 - 7.2
    domaines = (
        _domaine("a", 7.3, usage=7.3, moyens=32.3),
        _domaine("b", 7.2, usage=7.2, moyens=32.2),
        _domaine("c", 57.3, usage=57.3, moyens=32.3),
    )
    p = Profil("2011", campagne=None, etablissement=None, date=None, domaines=domaines, obligations=())
    lecture = lire_profil(p, REF.notation)
    assert [d.id for d in lecture.sous_utilises] == ["a", "b"]
    assert [d.id for d in lecture.freines] == ["c"]


@given(st.integers(0, 1000), st.integers(0, 1000))
@example(323, 73)
@example(73, 323)
def test_chaque_seuil_de_lecture_compare_les_dixiemes_affiches(moyens: int, usage: int):
    """Comparé en dixièmes entiers (exact) : la lecture ne dépend pas des erreurs d'arrondi binaires."""
    notation = REF.notation  # point_fort 66, point_faible 40, écart 25 : des dixièmes entiers
    d = _domaine("d", usage / 10, usage=usage / 10, moyens=moyens / 10)
    p = Profil("2011", campagne=None, etablissement=None, date=None, domaines=(d,), obligations=())
    lecture = lire_profil(p, notation)
    assert bool(lecture.sous_utilises) == (moyens - usage >= 10 * notation.ecart_moyens_usage)
    assert bool(lecture.freines) == (usage - moyens >= 10 * notation.ecart_moyens_usage)
    assert bool(lecture.forts) == (usage >= 10 * notation.point_fort)
    assert bool(lecture.faibles) == (usage < 10 * notation.point_faible)


def test_la_completude_est_comparee_au_seuil_telle_qu_elle_est_affichee():
    from diagnum.calculs.seuils import part_sous

    # Trois couvertures de 60 %, 70 %, 70 % et une question sans réponse : 2 / 4 = 50 % exactement,
    # mais 0.49999999999999994 en virgule flottante ; affichée « 50 % », elle n'est pas sous 50 %.
    part = (0.6 + 0.7 + 0.7) / 4
    assert part < 0.5
    assert not part_sous(part, 0.5)
    assert part_sous(0.494, 0.5) and not part_sous(0.5, 0.5) and not part_sous(0.495, 0.5)


# --------------------------------------------------------------------------
# Monotonie : améliorer une réponse ne fait jamais baisser un chiffre


def _reponse(item, reference):
    if item.nature == "affirmation":
        return st.sampled_from((OUI, NON, SANS_OBJET) if item.sans_objet else (OUI, NON))
    if item.nature == "proportion":
        return st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False))
    total = reference.get(item.total) if item.total else None
    if item.nature == "nombre":
        borne = total if total is not None and item.depassement == "erreur" else 3 * (total or 10) + 5
        return st.integers(0, borne)
    if item.nature == "repartition":
        borne = total if total is not None else 60

        @st.composite
        def repartition(draw):
            jamais = draw(st.integers(0, borne))
            occasionnellement = draw(st.integers(0, borne - jamais))
            regulierement = draw(st.integers(0, borne - jamais - occasionnellement))
            return dict(zip(MODALITES, (jamais, occasionnellement, regulierement), strict=True))

        return repartition()
    cellule = st.sampled_from((OUI, NON, SANS_OBJET, None))
    ligne = st.one_of(
        st.just(dict.fromkeys((c.id for c in item.colonnes), SANS_OBJET)),
        st.fixed_dictionaries({c.id: cellule for c in item.colonnes}),
    )
    return st.fixed_dictionaries({ligne_.id: ligne for ligne_ in item.lignes})


@st.composite
def campagnes(draw) -> Campagne:
    reference = {item.id: draw(st.one_of(st.none(), st.integers(0, 60))) for item in REF.reference.items}
    reponses = {
        domaine.id: {item.id: draw(st.one_of(st.none(), _reponse(item, reference))) for item in domaine.items}
        for domaine in REF.domaines
    }
    return Campagne(referentiel=REF.version, reference=reference, reponses=reponses)


def ameliorations(campagne: Campagne) -> list[tuple[str, str, tuple[str, ...], object]]:
    """Chaque amélioration possible d'une réponse : (domaine, item, chemin, nouvelle valeur)."""
    possibles = []
    for domaine in REF.domaines:
        for item in domaine.items:
            valeur = campagne.reponses[domaine.id][item.id]
            if valeur is None:
                continue
            if item.nature == "affirmation" and valeur == NON:
                possibles.append((domaine.id, item.id, (), OUI))
            elif item.nature == "matrice":
                for ligne, cellules in valeur.items():
                    for colonne, cellule in cellules.items():
                        if cellule == NON:
                            possibles.append((domaine.id, item.id, (ligne, colonne), OUI))
            elif item.nature == "repartition":
                total = campagne.reference.get(item.total)
                if total is not None and sum(valeur.values()) < total:
                    # une personne de plus comptée, « régulièrement » : la couverture monte
                    nouvelle = dict(valeur)
                    nouvelle[MODALITES[2]] += 1
                    possibles.append((domaine.id, item.id, (), nouvelle))
                for de, vers in ((0, 1), (0, 2), (1, 2)):
                    if valeur[MODALITES[de]] > 0:
                        nouvelle = dict(valeur)
                        nouvelle[MODALITES[de]] -= 1
                        nouvelle[MODALITES[vers]] += 1
                        possibles.append((domaine.id, item.id, (), nouvelle))
            elif item.nature == "nombre":
                total = campagne.reference.get(item.total) if item.total else None
                if item.depassement != "erreur" or total is None or valeur + 1 <= total:
                    possibles.append((domaine.id, item.id, (), valeur + 1))
            elif item.nature == "proportion" and valeur < 100:
                possibles.append((domaine.id, item.id, (), min(100, valeur + 7)))
    return possibles


#: Les items dont dépend une autre question : les améliorer peut ajouter une question attendue.
CONDITIONS = {
    (i.condition.item or i.condition.ligne[0]) for d in REF.domaines for i in d.items if i.condition is not None
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campagne=campagnes(), choix=st.data())
def test_ameliorer_une_reponse_ne_fait_jamais_baisser_un_chiffre(campagne, choix):
    possibles = ameliorations(campagne)
    if not possibles:
        return
    domaine, item, chemin, nouvelle = choix.draw(st.sampled_from(possibles))
    avant = calculer_profil(campagne, REF)
    amelioree = copy.deepcopy(campagne)
    if chemin:
        amelioree.reponses[domaine][item][chemin[0]][chemin[1]] = nouvelle
    else:
        amelioree.reponses[domaine][item] = nouvelle
    apres = calculer_profil(amelioree, REF)
    for d_avant, d_apres in zip(avant.domaines, apres.domaines, strict=True):
        for chiffre in ("score", "usage", "moyens"):
            x, y = getattr(d_avant, chiffre), getattr(d_apres, chiffre)
            if x is not None:
                assert y is not None and y >= x, (d_avant.id, chiffre, x, y, item, nouvelle)
        # la complétude (couverture comprise) ne baisse pas non plus, sauf quand la réponse améliorée
        # ouvre une question « Si oui » ou un service de 3.3.4 (une question attendue de plus)
        if item not in CONDITIONS:
            for completude in ("completude", "completude_usage", "completude_moyens"):
                x, y = getattr(d_avant, completude), getattr(d_apres, completude)
                if x is not None:
                    assert y >= x, (d_avant.id, completude, x, y, item, nouvelle)
        for d in (d_avant, d_apres):
            for chiffre in (d.score, d.usage, d.moyens):
                assert chiffre is None or 0 <= chiffre <= 100
            assert 0 <= d.completude <= 1
