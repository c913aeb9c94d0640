"""Le calcul documenté suffit-il ? Une seconde implémentation, écrite d'après le seul texte.

« Comment les scores sont calculés » (README, gabarit calcul.md.j2) promet de dire
toutes les règles de ``diagnum score``. Ce fichier les réécrit sans rien importer de
``diagnum.calculs`` : seuls le texte, le référentiel (sa structure, lue par
``charger_referentiel``) et la description des fichiers de campagne ont servi. Les
réponses brutes, telles qu'elles sont écrites dans le fichier, sont interprétées ici
(ligne « sans objet » de la grille, conditions « Si oui », condition de ligne de l'ENT),
pas la campagne déjà normalisée par la validation.

hypothesis tire des campagnes de toutes sortes (réponses vides, « sans objet »,
effectifs jusqu'au nombre de référence et au-delà là où c'est permis, répartitions qui
ne couvrent qu'une partie des personnes, nombres de référence absents ou nuls, lignes
de la grille 3.3.4 entières ou partielles, questions « Si oui » avec ou sans leur
condition) ; seules les campagnes sans erreur de validation comptent. Les chiffres
arrondis et les booléens du JSON de ``diagnum score`` doivent être exactement égaux.

Résultat : sur les chiffres, le code fait ce que dit le texte. Les cas minimaux en fin
de fichier disent les points où le texte laisse deviner (la lecture retenue est celle du
code, et le texte la dit désormais). Le seul désaccord trouvé, corrigé depuis : le message
« sans-objet-partiel » de valider disait « le service est compté comme proposé » quand le
reste de la ligne est vide, alors que le texte (§ 1) et le calcul disent « on ne sait pas ».
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from diagnum.campagne.chargement import valider_texte
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, charger_referentiel

REF = charger_referentiel("2011")
NOTATION = REF.notation
CHAMPS = (
    "score",
    "usage",
    "moyens",
    "completude",
    "completude_usage",
    "completude_moyens",
    "provisoire",
    "moyens_provisoire",
    "repondus",
    "attendus",
)


# --------------------------------------------------------------------------
# L'implémentation documentée


def cases_de_ligne(reponse: object, colonnes) -> dict[str, object]:
    """Une ligne de la grille : « sans objet » écrit pour la ligne vaut pour chaque case.

    LACUNE du texte (format des campagnes) : ``diagnum valider`` accepte aussi « oui » ou
    « non » écrit pour toute la ligne, sans avertissement ; ni le README ni le gabarit ne
    le disent. On le lit comme « sans objet » : la réponse vaut pour chaque case.
    """
    if reponse in (OUI, NON, SANS_OBJET):
        return {c.id: reponse for c in colonnes}
    if isinstance(reponse, dict):
        return {c.id: reponse.get(c.id) for c in colonnes}
    return {c.id: None for c in colonnes}


def etat_service(cases: dict[str, object]) -> str:
    """§ 1 : « propose » dès qu'une case vaut oui ou non ; « non_propose » si toute la
    ligne est « sans objet » ; sinon « inconnu » (ligne vide, sans objet partiel)."""
    valeurs = list(cases.values())
    if any(v in (OUI, NON) for v in valeurs):
        return "propose"
    if valeurs and all(v == SANS_OBJET for v in valeurs):
        return "non_propose"
    return "inconnu"


def condition_remplie(item, reponses_domaines: dict) -> bool | None:
    """True, False, ou None (condition sans réponse / service dont on ne sait pas s'il est proposé)."""
    condition = item.condition
    if condition.item is not None:
        porteur = REF.item(condition.item)
        valeur = reponses_domaines.get(porteur.domaine, {}).get(condition.item)
        if valeur is None:
            return None
        return valeur == condition.valeur
    matrice_id, ligne_id = condition.ligne
    matrice = REF.item(matrice_id)
    lignes = reponses_domaines.get(matrice.domaine, {}).get(matrice_id) or {}
    etat = etat_service(cases_de_ligne(lignes.get(ligne_id), matrice.colonnes))
    return {"propose": True, "non_propose": False, "inconnu": None}[etat]


def denominateur(item, reference: dict) -> float | None:
    """Le nombre de référence (ou la cible) d'un nombre ; None s'il est sans réponse ou nul."""
    if item.cible is not None:
        base = reference.get(item.cible.reference)
        if not base:
            return None
        return item.cible.facteur * base
    base = reference.get(item.total)
    return base or None


def plafonner(x: float) -> float:
    return min(NOTATION.plafond, x)


class Question:
    """Une question attendue : son rôle, son poids de réponse et si elle a une réponse."""

    def __init__(self, role: str, poids: float, repondue: bool) -> None:
        self.role, self.poids, self.repondue = role, poids, repondue


def domaine_documente(domaine, reponses_domaines: dict, reference: dict) -> dict:
    reponses = reponses_domaines.get(domaine.id, {})
    questions: list[Question] = []
    valeurs: list[tuple[str, float]] = []  # (rôle, valeur), dans l'ordre du questionnaire
    mesures_vues: set[str] = set()
    for item in domaine.items:
        reponse = reponses.get(item.id)
        if item.nature == "matrice":
            for ligne in item.lignes:
                cases = cases_de_ligne((reponse or {}).get(ligne.id), item.colonnes)
                for valeur in cases.values():
                    questions.append(Question(item.role, 1.0 if valeur is not None else 0.0, valeur is not None))
                notes = [NOTATION.affirmation[v] for v in cases.values() if v in (OUI, NON)]
                if notes:
                    valeurs.append((item.role, sum(notes) / len(notes)))
            continue
        if item.condition is not None:
            remplie = condition_remplie(item, reponses_domaines)
            if remplie is False:
                continue  # écartée : ni attendue, ni comptée
            if remplie is None and reponse is None:
                continue  # pas encore posée
        # Poids de réponse
        if reponse is None:
            poids = 0.0
        elif item.nature == "repartition":
            base = reference.get(item.total)
            poids = plafonner(sum(reponse[m] for m in MODALITES) / base) if base else 0.0
        elif item.nature == "nombre":
            poids = 1.0 if denominateur(item, reference) is not None else 0.0
        else:
            poids = 1.0
        questions.append(Question(item.role, poids, reponse is not None))
        # Valeur
        mesure = domaine.mesure_de(item.id)
        if mesure is not None:
            if mesure.id in mesures_vues:
                continue
            mesures_vues.add(mesure.id)
            nombres = [reponses.get(i) for i in mesure.items]
            nombres = [n for n in nombres if n is not None]
            den = denominateur(item, reference)
            if nombres and den is not None:
                valeurs.append((item.role, plafonner(sum(nombres) / den)))
            continue
        if reponse is None:
            continue
        if item.nature == "affirmation":
            if reponse in (OUI, NON):
                valeurs.append((item.role, NOTATION.affirmation[reponse]))
        elif item.nature == "proportion":
            valeurs.append((item.role, plafonner(reponse / NOTATION.proportion_diviseur)))
        elif item.nature == "nombre":
            den = denominateur(item, reference)
            if den is not None:
                valeurs.append((item.role, plafonner(reponse / den)))
        elif item.nature == "repartition":
            comptes = sum(reponse[m] for m in MODALITES)
            if comptes:
                valeurs.append((item.role, sum(NOTATION.repartition[m] * reponse[m] for m in MODALITES) / comptes))

    def chiffre(roles) -> float | None:
        choisies = [v for r, v in valeurs if r in roles]
        return round(100 * (sum(choisies) / len(choisies)), 1) if choisies else None

    def completude(roles) -> float:
        choisies = [q for q in questions if q.role in roles]
        return sum(q.poids for q in choisies) / len(choisies) if choisies else 0.0

    def provisoire(chiffre_, completude_) -> bool:
        # LACUNE du texte (§ 4) : « un chiffre est provisoire quand la complétude […] est
        # inférieure à 50 % » ne dit pas ce qu'il en est d'un chiffre qui n'existe pas
        # (« sans score », § 3). diagnum répond False : un domaine sans score est « non
        # renseigné », pas provisoire. Lecture retenue ici, faute de mieux. La complétude est
        # comparée telle qu'elle est affichée, en pourcentage entier (§ 4).
        return chiffre_ is not None and round(100 * completude_) < round(100 * NOTATION.seuil_provisoire)

    tout = completude({"score", "usage", "moyens"})
    resultat = {
        "completude": round(tout, 4),
        "repondus": sum(1 for q in questions if q.repondue),
        "attendus": len(questions),
    }
    if domaine.est_usage:
        usage, moyens = completude({"usage"}), completude({"moyens"})
        resultat |= {
            "score": chiffre({"usage"}),
            "usage": chiffre({"usage"}),
            "moyens": chiffre({"moyens"}),
            "completude_usage": round(usage, 4),
            "completude_moyens": round(moyens, 4),
            "provisoire": provisoire(chiffre({"usage"}), usage),
            "moyens_provisoire": provisoire(chiffre({"moyens"}), moyens),
        }
    else:
        resultat |= {
            "score": chiffre({"score"}),
            "usage": None,
            "moyens": None,
            "completude_usage": None,
            "completude_moyens": None,
            "provisoire": provisoire(chiffre({"score"}), tout),
            "moyens_provisoire": False,
        }
    return resultat


def profil_documente(reponses: dict, reference: dict) -> dict[str, dict]:
    return {d.id: domaine_documente(d, reponses, reference) for d in REF.domaines}


# --------------------------------------------------------------------------
# Le calcul de diagnum, sur le texte YAML validé


def yaml_campagne(reponses: dict, reference: dict) -> str:
    def ecrire(donnees: dict, retrait: int) -> list[str]:
        lignes = []
        for cle, valeur in donnees.items():
            debut = "  " * retrait + f"{cle}:"
            if isinstance(valeur, dict):
                lignes.append(debut)
                lignes.extend(ecrire(valeur, retrait + 1))
            else:
                lignes.append(debut if valeur is None else f"{debut} {valeur}")
        return lignes

    texte = ['referentiel: "2011"', "date: 2025-05-20", "reference:"]
    texte += ecrire(reference, 1) if reference else []
    texte += ["reponses:", *ecrire(reponses, 1)]
    return "\n".join(texte) + "\n"


def profil_diagnum(reponses: dict, reference: dict) -> dict[str, dict] | None:
    """Les chiffres de ``diagnum score --format json``, ou None si la campagne a des erreurs."""
    from diagnum.calculs.scores import calculer_profil, profil_en_dict

    resultat = valider_texte(yaml_campagne(reponses, reference).encode("utf-8"), "tire.yaml")
    if resultat.a_des_erreurs or resultat.campagne is None:
        return None
    document = profil_en_dict(calculer_profil(resultat.campagne, resultat.referentiel))
    return {d["id"]: {champ: d[champ] for champ in CHAMPS} for d in document["domaines"]}


def identiques(a: object, b: object) -> bool:
    """Égalité exacte, sans confondre True et 1 ni 0 et None."""
    return a == b and isinstance(a, bool) == isinstance(b, bool) and (a is None) == (b is None)


def comparer(reponses: dict, reference: dict) -> None:
    obtenu = profil_diagnum(reponses, reference)
    assume(obtenu is not None)
    attendu = profil_documente(reponses, reference)
    ecarts = {
        (domaine, champ): (attendu[domaine][champ], obtenu[domaine][champ])
        for domaine in attendu
        for champ in CHAMPS
        if not identiques(attendu[domaine][champ], obtenu[domaine][champ])
    }
    assert not ecarts, f"(domaine, champ) : (texte, diagnum)\n{ecarts}\n{yaml_campagne(reponses, reference)}"


# --------------------------------------------------------------------------
# Tirage de campagnes valides (ou presque : la validation tranche)

AFFIRMATION = st.sampled_from([None, OUI, NON])
CASE = st.sampled_from([None, OUI, NON, SANS_OBJET])


@st.composite
def references(draw) -> dict:
    reference = {}
    for item in REF.reference.items:
        genre = draw(st.sampled_from(["nombre"] * 5 + ["vide", "absent", "zero"]))
        if genre == "nombre":
            reference[item.id] = draw(st.one_of(st.integers(1, 60), st.integers(61, 1500)))
        elif genre == "vide":
            reference[item.id] = None
        elif genre == "zero":
            reference[item.id] = 0
    return reference


@st.composite
def ligne_grille(draw, colonnes) -> object:
    genre = draw(st.sampled_from(["absente", "ligne", "sans_objet", "cases", "cases", "tout_sans_objet", "partiel"]))
    if genre == "absente":
        return None
    if genre == "sans_objet":
        return SANS_OBJET
    if genre == "ligne":
        return draw(st.sampled_from([OUI, NON]))
    if genre == "tout_sans_objet":
        return {c.id: SANS_OBJET for c in colonnes}
    if genre == "partiel":
        return {c.id: draw(st.sampled_from([None, SANS_OBJET])) for c in colonnes}
    return {c.id: draw(CASE) for c in colonnes}


@st.composite
def effectif(draw, item, reference: dict) -> int | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    total = reference.get(item.total)
    borne = 20 if total is None else total
    if item.depassement == "avertissement" or draw(st.integers(0, 29)) == 0:
        borne = 2 * borne + 3  # au-delà du total : avertissement, ou erreur (campagne écartée)
    return draw(st.integers(0, borne))


@st.composite
def repartition(draw, item, reference: dict) -> dict | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    base = reference.get(item.total)
    borne = base if base is not None else draw(st.integers(0, 60))
    total = draw(st.integers(0, borne)) if draw(st.booleans()) else borne
    jamais = draw(st.integers(0, total))
    occasionnellement = draw(st.integers(0, total - jamais))
    return {
        "jamais": jamais,
        "occasionnellement": occasionnellement,
        "regulierement": total - jamais - occasionnellement,
    }


@st.composite
def campagnes(draw) -> tuple[dict, dict]:
    reference = draw(references())
    reponses: dict = {}
    for domaine in REF.domaines:
        bloc: dict = {}
        for item in domaine.items:
            if item.nature == "matrice":
                lignes = {ligne.id: draw(ligne_grille(item.colonnes)) for ligne in item.lignes}
                valeur = {k: v for k, v in lignes.items() if v is not None} or None
            elif item.nature == "affirmation":
                valeur = draw(st.sampled_from([None, OUI, NON, SANS_OBJET]) if item.sans_objet else AFFIRMATION)
            elif item.nature == "proportion":
                valeur = draw(st.one_of(st.none(), st.integers(0, 100), st.sampled_from([12.5, 33.3, 99.9])))
            elif item.nature == "nombre":
                valeur = draw(effectif(item, reference))
            else:
                valeur = draw(repartition(item, reference))
            if valeur is not None or draw(st.booleans()):
                bloc[item.id] = valeur
        reponses[domaine.id] = bloc
    return reponses, reference


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(campagnes())
def test_le_calcul_documente_est_celui_de_diagnum(campagne):
    comparer(*campagne)


# --------------------------------------------------------------------------
# Les campagnes d'exemple, par la commande elle-même

EXEMPLES = sorted((Path(__file__).resolve().parents[1] / "exemples").glob("*.yaml"))


def en_dict(noeud: object) -> object:
    return {str(k): en_dict(v) for k, v in noeud.items()} if isinstance(noeud, dict) else noeud


@pytest.mark.parametrize("chemin", EXEMPLES, ids=lambda p: p.stem)
def test_exemples_comme_diagnum_score_json(chemin: Path):
    brut = en_dict(YAML(typ="safe").load(chemin.read_text(encoding="utf-8")))
    sortie = subprocess.run(
        [sys.executable, "-m", "diagnum", "score", "--format", "json", str(chemin)],
        capture_output=True,
        check=True,
    )
    obtenu = {d["id"]: {c: d[c] for c in CHAMPS} for d in json.loads(sortie.stdout)["domaines"]}
    assert profil_documente(brut["reponses"], brut["reference"]) == obtenu


# --------------------------------------------------------------------------
# Les exemples du texte, calculés par les deux implémentations

DOMAINES_VIDES = {d.id: {} for d in REF.domaines}
REFERENCE = {"eleves": 600, "divisions": 24, "enseignants": 110, "salles": 20, "familles": 500}


def les_deux(reponses: dict, reference: dict = REFERENCE) -> tuple[dict, dict]:
    reponses = DOMAINES_VIDES | reponses
    obtenu = profil_diagnum(reponses, reference)
    assert obtenu is not None, yaml_campagne(reponses, reference)
    return profil_documente(reponses, reference), obtenu


def test_exemple_du_domaine_structurel():
    # § 3 : « oui », « non », « oui » et un service à « oui », « non », « sans objet » → 62,5
    texte, diagnum = les_deux(
        {
            "pilotage": {
                "comite_pilotage": OUI,
                "referent_lettre_mission": NON,
                "numerique_projet_etablissement": OUI,
                "services": {
                    "ent": {
                        "regles_administration": OUI,
                        "administrateur_designe": NON,
                        "utilisateurs_informes": SANS_OBJET,
                    }
                },
            }
        }
    )
    assert texte["pilotage"]["score"] == diagnum["pilotage"]["score"] == 62.5


def test_exemples_repartition_couverture_et_mesure_commune():
    # § 2 : jamais 10, occasionnellement 20, régulièrement 18 → 0,5833 ; § 2 : (12 + 6) / 20 = 0,9 ;
    # § 4 : 48 enseignants comptés sur 110 → couverture 0,4364, l'usage est provisoire.
    texte, diagnum = les_deux(
        {
            "enseignant_en_classe": {
                "enseignants_diffusion_collective": {"jamais": 10, "occasionnellement": 20, "regulierement": 18},
                "salles_tni": 12,
                "salles_videoprojecteur_fixe": 6,
            }
        }
    )
    for profil in (texte, diagnum):
        d = profil["enseignant_en_classe"]
        assert (d["usage"], d["moyens"], d["completude_usage"], d["provisoire"]) == (58.3, 90.0, 0.4364, True)


def test_exemple_cinq_enseignants_sur_110():
    # § 4 : 5 enseignants comptés sur 110, tous « régulièrement » : usage 100,0 mais provisoire.
    texte, diagnum = les_deux(
        {
            "travail_hors_classe": {
                "enseignants_travaux_hors_classe": {"jamais": 0, "occasionnellement": 0, "regulierement": 5}
            }
        }
    )
    for profil in (texte, diagnum):
        d = profil["travail_hors_classe"]
        assert (d["usage"], d["completude_usage"], d["provisoire"]) == (100.0, 0.0455, True)


# --------------------------------------------------------------------------
# Les points où le texte laisse deviner ; la lecture retenue, qui est celle du code


def test_un_chiffre_sans_score_n_est_pas_provisoire():
    # Campagne vide : complétude 0, sous le seuil, mais aucun chiffre. Le texte (§ 4) ne dit
    # pas si un chiffre « sans score » est provisoire ; diagnum écrit false partout.
    texte, diagnum = les_deux({})
    assert texte == diagnum
    assert all(d["provisoire"] is False and d["moyens_provisoire"] is False for d in diagnum.values())


def test_cases_d_un_service_non_propose_attendues_et_repondues():
    # « une question sur un service de la grille qui n'est pas proposé » est écartée (§ 1) :
    # les cases « sans objet » de ce service ne le sont pas, elles comptent comme réponses.
    texte, diagnum = les_deux({"pilotage": {"services": {"ent": SANS_OBJET}}})
    assert texte["pilotage"] == diagnum["pilotage"]
    assert (diagnum["pilotage"]["repondus"], diagnum["pilotage"]["attendus"]) == (3, 39)


def test_nombre_a_cible_incalculable_selon_la_reference_de_la_cible():
    # Salles informatiques : total « salles », cible 1 pour 10 divisions. Le « nombre de
    # référence » dont l'absence rend le nombre incalculable (§ 2) est celui de la cible.
    sans_salles = {k: v for k, v in REFERENCE.items() if k != "salles"}
    texte, diagnum = les_deux({"eleves_en_classe": {"salles_informatiques_binomes": 2}}, sans_salles)
    assert texte["eleves_en_classe"] == diagnum["eleves_en_classe"]
    assert diagnum["eleves_en_classe"]["moyens"] == 83.3  # 2 / 2,4
    sans_divisions = {k: v for k, v in REFERENCE.items() if k != "divisions"}
    texte, diagnum = les_deux({"eleves_en_classe": {"salles_informatiques_binomes": 2}}, sans_divisions)
    assert texte["eleves_en_classe"] == diagnum["eleves_en_classe"]
    assert diagnum["eleves_en_classe"]["moyens"] is None


def test_nombre_incalculable_et_repartition_vide_comptes_dans_repondus():
    # « repondus (les questions attendues qui ont une réponse) » : un nombre incalculable et
    # une répartition à 0 partout ont une réponse, même si leur poids est 0.
    texte, diagnum = les_deux(
        {
            "travail_hors_classe": {
                "enseignants_travaux_hors_classe": {"jamais": 0, "occasionnellement": 0, "regulierement": 0},
                "eleves_cahier_textes": 10,
            }
        },
        {"enseignants": 40},
    )
    assert texte["travail_hors_classe"] == diagnum["travail_hors_classe"]
    assert (diagnum["travail_hors_classe"]["repondus"], diagnum["travail_hors_classe"]["completude"]) == (2, 0.0)


def test_service_vide_ni_propose_ni_non_propose():
    # § 1 : ligne de l'ENT vide, question sur l'ENT vide : pas encore posée (9 questions
    # attendues en 3.6.1). Le commentaire de referentiel/2011.yaml (« le service de la
    # ligne est proposé, c'est-à-dire qu'elle n'est pas « sans objet » ») et la consigne
    # du gabarit (« est proposé (n'est pas « sans objet ») ») feraient lire 10.
    texte, diagnum = les_deux({})
    assert texte["enseignant_en_classe"]["attendus"] == diagnum["enseignant_en_classe"]["attendus"] == 9


def test_oui_ecrit_pour_toute_une_ligne_de_la_grille():
    # Format non documenté, accepté sans avertissement par valider : « ent: oui » vaut
    # « oui » dans les trois cases (3 réponses, valeur 1).
    texte, diagnum = les_deux({"pilotage": {"services": {"ent": OUI}, "comite_pilotage": NON}})
    assert texte["pilotage"] == diagnum["pilotage"]
    assert (diagnum["pilotage"]["score"], diagnum["pilotage"]["repondus"]) == (50.0, 4)


# --------------------------------------------------------------------------
# Ancien désaccord : le message de valider contredisait le texte et le calcul


def test_sans_objet_partiel_ne_dit_pas_service_propose_quand_le_reste_est_vide():
    # Texte (§ 1) : « sans objet » dans une partie des cases seulement, le reste vide : on ne
    # sait pas si le service est proposé. Le calcul le suit (la question sur l'ENT, vide,
    # n'est pas attendue : 9 questions en 3.6.1, pas 10). valider écrivait « le service
    # est compté comme proposé », ce qui n'est vrai que si une autre case vaut oui ou non.
    reponses = DOMAINES_VIDES | {"pilotage": {"services": {"ent": {"regles_administration": SANS_OBJET}}}}
    texte, diagnum = les_deux(reponses)
    assert texte["enseignant_en_classe"]["attendus"] == diagnum["enseignant_en_classe"]["attendus"] == 9
    resultat = valider_texte(yaml_campagne(reponses, REFERENCE).encode("utf-8"))
    messages = [d.message for d in resultat.diagnostics if d.code == "sans-objet-partiel"]
    assert messages
    assert not any("compté comme proposé" in m for m in messages), messages
