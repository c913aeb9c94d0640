"""Le référentiel 2011 : transcription fidèle, vérification au chargement, versions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from diagnum.erreurs import ErreurReferentiel
from diagnum.referentiel import (
    NATURES,
    NON,
    charger_fichier_referentiel,
    charger_referentiel,
    construire_referentiel,
    version_recente,
    versions_disponibles,
)

RACINE = Path(__file__).resolve().parents[1]
SOURCE = RACINE / "referentiel" / "2011.yaml"
SEED = RACINE.parent / "shared" / "seed" / "referentiel-etablissement-numerique.txt"


def normaliser(texte: str) -> str:
    """Le texte aux blancs près (fins de ligne, puces) : apostrophes, espaces et ponctuation comptent."""
    return re.sub(r"\s+", " ", texte.replace("\uf0a7", " ")).strip()


# Les intitulés de marge du document d'origine sont écrits lettre à lettre, une ou deux par ligne.
_MARGE = {"In d icateu r": "Indicateur", "Elém e n ts d ’an alyse": "Eléments d’analyse"}


def questionnaire_corrige(corrections) -> str:
    """Le questionnaire d'origine (3. à 4.), intitulés de marge recollés, chaque correction appliquée une fois."""
    seed = normaliser(SEED.read_text(encoding="utf-8"))
    for eparpille, recolle in _MARGE.items():
        seed = seed.replace(eparpille, recolle)
    for correction in corrections:
        avant = normaliser(correction["avant"])
        assert avant in seed, f"correction introuvable dans le texte d'origine : {correction['avant']}"
        seed = seed.replace(avant, normaliser(correction["apres"]), 1)
    return seed[seed.index("3. Questionnaire") : seed.index("4. Annexe")]


def textes_du_referentiel(ref) -> list[str]:
    """Tous les textes du référentiel, dans l'ordre du questionnaire."""
    textes: list[str] = []
    for partie in (ref.reference, ref.obligations):
        textes.append(partie.titre)
        if partie.introduction:
            textes.append(partie.introduction)
        textes.extend(partie.textes)
        textes.extend(item.libelle for item in partie.items)
    for domaine in ref.domaines:
        debut_usages = ref.usages and domaine.section.startswith(ref.usages.section + ".")
        if debut_usages and ref.usages.titre not in textes:
            textes += [ref.usages.titre, ref.usages.introduction]
        textes.append(domaine.titre)
        if domaine.description:
            textes.append(domaine.description)
        for rubrique in domaine.rubriques:
            if rubrique.section:
                textes.append(rubrique.titre)
            groupe = None
            for item in rubrique.items:
                if item.groupe and item.groupe != groupe:
                    textes.append(item.groupe)
                groupe = item.groupe
                textes.append(item.libelle)
                textes.extend(ligne.libelle for ligne in item.lignes)
                textes.extend(colonne.libelle for colonne in item.colonnes)
    return textes


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel("2011")


@pytest.mark.skipif(not SEED.exists(), reason="texte d'origine absent (../shared/seed)")
def test_chaque_texte_est_celui_du_questionnaire_dans_son_ordre(referentiel):
    # Les seules différences admises sont les corrections listées dans le référentiel ;
    # la comparaison est exacte : apostrophes, espaces et ponctuation compris.
    questionnaire = questionnaire_corrige(referentiel.corrections)
    curseur = 0
    for texte in textes_du_referentiel(referentiel):
        trouve = questionnaire.find(normaliser(texte), curseur)
        assert trouve >= 0, f"absent du questionnaire ou hors d'ordre : {texte!r}"
        curseur = trouve
    # Les textes de loi cités en contexte d'une obligation sont ceux du questionnaire.
    for item in referentiel.obligations.items:
        if item.contexte:
            assert normaliser(item.contexte) in questionnaire, item.contexte
    # Les rubriques des domaines d'usage sont les intitulés de marge, dans l'ordre (corrections comprises).
    rubriques = [r.titre for d in referentiel.domaines for r in d.rubriques if not r.section]
    assert re.findall(r"Indicateurs?|Éléments d’analyse", questionnaire) == rubriques


@pytest.mark.skipif(not SEED.exists(), reason="texte d'origine absent (../shared/seed)")
def test_chaque_correction_change_le_texte_et_se_retrouve_dans_le_referentiel(referentiel):
    for correction in referentiel.corrections:
        assert correction["avant"] != correction["apres"], correction
        assert correction["section"], correction


def test_sections_et_domaines(referentiel):
    assert referentiel.version == "2011"
    assert [d.section for d in referentiel.domaines] == ["3.3", "3.4", "3.5", "3.6.1", "3.6.2", "3.6.3", "3.6.4"]
    assert [d.nature for d in referentiel.domaines] == ["structurel"] * 3 + ["usage"] * 4
    assert referentiel.reference.section == "3.1"
    assert referentiel.obligations.section == "3.2"
    assert len(referentiel.obligations.items) == 4
    assert len(referentiel.obligations.textes) == 7
    sous_sections = [r.section for d in referentiel.domaines[:3] for r in d.rubriques]
    assert sous_sections == ["3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.4.1", "3.4.2", "3.5.1", "3.5.2"]


def test_items_bien_formes(referentiel):
    ids = [i.id for i in referentiel.reference.items + referentiel.obligations.items]
    ids += [i.id for d in referentiel.domaines for i in d.items]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    references = {i.id for i in referentiel.reference.items}
    for domaine in referentiel.domaines:
        for item in domaine.items:
            assert item.nature in NATURES
            if item.nature in ("nombre", "repartition"):
                assert item.total in references or item.cible is not None
            if item.condition and item.condition.item:
                assert referentiel.item(item.condition.item).nature == "affirmation"
    # Chaque domaine d'usage a au moins un indicateur (répartition) et des éléments d'analyse.
    for domaine in referentiel.domaines:
        if domaine.est_usage:
            roles = {i.role for i in domaine.items}
            assert roles == {"usage", "moyens"}
            assert all(i.nature == "repartition" for i in domaine.items if i.role == "usage")


def _casser(remplacer: str, par: str) -> bytes:
    texte = SOURCE.read_text(encoding="utf-8")
    assert remplacer in texte
    return texte.replace(remplacer, par, 1).encode("utf-8")


@pytest.mark.parametrize(
    ("remplacer", "par", "attendu"),
    [
        ("nature: affirmation", "nature: affirmaton", "nature « affirmaton » inconnue"),
        ("id: referent_lettre_mission", "id: comite_pilotage", "identifiant « comite_pilotage » en double"),
        ("total: enseignants", "total: professeurs", "total « professeurs » inconnu"),
        ("item: droits_ressources_transversales", "item: droits_inexistants", "la condition doit viser"),
        ("ligne: [services, ent]", "ligne: [services, minitel]", "condition sur une ligne inconnue"),
        ("id: pilotage\n", "id: Pilotage\n", "identifiant « Pilotage » invalide"),
        ("nature: structurel", "nature: structurelle", "nature de domaine « structurelle » inconnue"),
        ("  leviers: 3", "  leviers: trois", "« leviers » doit être un nombre"),
        ("public: familles\n", "public: eleves\n", "public d'enquête « eleves » inconnu"),
        ("code: entDevantEleves", "code: ent_devant", "code de question « ent_devant » invalide"),
        ("code: entDevantEleves", "code: diffusionCollective", "code « diffusionCollective » déjà pris"),
        ("agregation: compte\n", "agregation: repartition\n", "l'agrégation repartition demande"),
        ("echelle: oui_non\n", "echelle: oui_non_peutetre\n", "échelle « oui_non_peutetre » inconnue"),
        ("    - id: divisions\n      titre:", "    - id: classes\n      titre:", "« classes » n'est pas un élément"),
    ],
)
def test_referentiel_defectueux_message_clair(remplacer, par, attendu):
    with pytest.raises(ErreurReferentiel) as exc:
        construire_referentiel(_casser(remplacer, par), "casse.yaml")
    assert attendu in exc.value.message
    assert exc.value.message.startswith("casse.yaml:")


def test_referentiel_illisible_localise():
    with pytest.raises(ErreurReferentiel) as exc:
        construire_referentiel(b"version: '2011'\ndomaines: [\n", "illisible.yaml")
    assert re.match(r"illisible\.yaml:\d+:\d+: référentiel illisible", exc.value.message)


def test_une_seconde_version_prend_place_a_cote(tmp_path, monkeypatch):
    dossier = tmp_path / "referentiels"
    dossier.mkdir()
    shutil.copy(SOURCE, dossier / "2011.yaml")
    texte = SOURCE.read_text(encoding="utf-8").replace('version: "2011"', 'version: "2026"', 1)
    (dossier / "2026.yaml").write_text(texte, encoding="utf-8")
    monkeypatch.setenv("DIAGNUM_REFERENTIELS", str(dossier))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert versions_disponibles() == ["2011", "2026"]
    assert version_recente() == "2026"
    assert charger_referentiel("2026").version == "2026"
    assert charger_referentiel("2011").version == "2011"
    with pytest.raises(ErreurReferentiel, match=r"« 1999 » inconnu.*2011, 2026"):
        charger_referentiel("1999")


@pytest.fixture
def copie(tmp_path, monkeypatch):
    """Une copie du référentiel livré, avec un cache sur disque vide dans tmp_path/diagnum."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    chemin = tmp_path / "2011.yaml"
    shutil.copy(SOURCE, chemin)
    charger_fichier_referentiel.cache_clear()
    yield chemin
    charger_fichier_referentiel.cache_clear()


def test_cache_indexe_sur_le_contenu(tmp_path, copie):
    premier = charger_fichier_referentiel(copie)
    caches = list((tmp_path / "diagnum").glob("referentiel-*.marshal"))
    assert len(caches) == 1
    charger_fichier_referentiel.cache_clear()
    assert charger_fichier_referentiel(copie) == premier
    # Un contenu modifié donne une autre entrée de cache, jamais l'ancien résultat.
    copie.write_text(SOURCE.read_text(encoding="utf-8").replace("Pilotage et organisation", "Pilotage", 1))
    charger_fichier_referentiel.cache_clear()
    modifie = charger_fichier_referentiel(copie)
    assert modifie.domaines[0].titre == "Pilotage"
    assert len(list((tmp_path / "diagnum").glob("referentiel-*.marshal"))) == 2
    # Un cache corrompu est reconstruit sans erreur.
    for fichier in (tmp_path / "diagnum").glob("*.marshal"):
        fichier.write_bytes(b"pas un cache")
    charger_fichier_referentiel.cache_clear()
    assert charger_fichier_referentiel(copie).domaines[0].titre == "Pilotage"


def test_ecrire_un_cache_efface_ceux_de_plus_de_30_jours(tmp_path, copie):
    import os
    import time

    dossier = tmp_path / "diagnum"
    dossier.mkdir()
    vieux, recent, autre = dossier / "referentiel-vieux.marshal", dossier / "referentiel-recent.marshal", dossier / "x"
    for fichier in (vieux, recent, autre):
        fichier.write_bytes(b"cache")
    il_y_a_40_jours = time.time() - 40 * 24 * 3600
    os.utime(vieux, (il_y_a_40_jours, il_y_a_40_jours))
    os.utime(autre, (il_y_a_40_jours, il_y_a_40_jours))
    charger_fichier_referentiel(copie)
    restants = sorted(f.name for f in dossier.iterdir())
    assert "referentiel-vieux.marshal" not in restants
    assert {"referentiel-recent.marshal", "x"} <= set(restants) and len(restants) == 3


def test_un_cache_d_un_autre_contenu_n_est_jamais_servi(tmp_path, copie):
    import marshal

    from diagnum import referentiel as module

    vrai = charger_fichier_referentiel(copie)
    (cache,) = (tmp_path / "diagnum").glob("referentiel-*.marshal")
    # Même nom de cache (même empreinte), mais un contenu gardé différent : l'objet gardé est ignoré.
    faux = vrai._replace(titre="Référentiel falsifié")
    cache.write_bytes(marshal.dumps((b"autre contenu", module._en_donnees(faux._replace(par_id={})))))
    charger_fichier_referentiel.cache_clear()
    assert charger_fichier_referentiel(copie).titre == vrai.titre


def test_le_cache_rend_exactement_le_referentiel_construit(referentiel):
    from diagnum import referentiel as module

    donnees = module._en_donnees(referentiel._replace(par_id={}))
    relu = module._depuis_donnees(donnees)
    assert relu == referentiel
    assert type(relu.domaines[0].rubriques[0].items[0]) is type(referentiel.domaines[0].rubriques[0].items[0])
    assert relu.item("salles_tni") == referentiel.item("salles_tni") is not None


@pytest.mark.skipif(not SEED.exists(), reason="texte d'origine absent (../shared/seed)")
def test_rien_du_questionnaire_n_est_oublie(referentiel):
    """Ôter du questionnaire tous les textes du référentiel ne laisse que la mise en page."""
    reste = questionnaire_corrige(referentiel.corrections)
    textes = textes_du_referentiel(referentiel)
    textes += [i.contexte for i in referentiel.obligations.items if i.contexte]
    textes += [f"{d.section} " for d in referentiel.domaines]
    textes += [r.section for d in referentiel.domaines for r in d.rubriques if r.section]
    textes += [referentiel.reference.section, referentiel.obligations.section, referentiel.reference.date_libelle]
    textes.append(referentiel.usages.section)
    textes += [r.titre for d in referentiel.domaines for r in d.rubriques if not r.section]  # intitulés de marge
    for texte in sorted(textes, key=len, reverse=True):
        reste = reste.replace(normaliser(texte).rstrip(" :."), " ")
    # Mise en page du document d'origine : titres de parties, pointillés, modalités des répartitions.
    mise_en_page = {"questionnaire", "jamais", "occasionnellement", "régulièrement"}
    mots = {m.lower() for m in re.findall(r"[^\W\d_]{4,}", reste)}
    assert mots <= mise_en_page, f"textes du questionnaire absents du référentiel : {sorted(mots - mise_en_page)}"


def test_chaque_indicateur_d_usage_se_recueille_par_enquete(referentiel):
    """Les répartitions (indicateurs des domaines d'usage) ont toutes une collecte, sur le public qu'elles comptent."""
    repartitions = [i for d in referentiel.domaines for i in d.items if i.nature == "repartition"]
    assert len(repartitions) == 5
    for item in repartitions:
        assert item.collecte is not None, item.id
        assert (item.collecte.public, item.collecte.echelle) == (item.total, "frequence")
    publics = [p.id for p in referentiel.publics]
    assert publics == ["enseignants", "familles", "divisions"]
    # Les affirmations (3.3 à 3.5 et les éléments d'analyse) ne se recueillent pas auprès de chacun.
    for domaine in referentiel.domaines:
        for item in domaine.items:
            if item.collecte is not None:
                assert item.nature in ("repartition", "nombre", "proportion")
                assert not domaine.est_usage or item.role in ("usage", "moyens")
            if not domaine.est_usage:
                assert item.collecte is None
    assert all(referentiel.questions_enquete(p) for p in publics)


def test_la_collecte_garde_les_conditions_si_oui(referentiel):
    conditionnes = [
        i for d in referentiel.domaines for i in d.items if i.collecte is not None and i.condition is not None
    ]
    assert conditionnes, "les questions « Si oui » recueillies gardent leur condition"


def _cache_unique(tmp_path):
    (cache,) = (tmp_path / "diagnum").glob("referentiel-*.marshal")
    return cache


def test_un_cache_retouche_n_est_pas_cru(tmp_path, copie):
    """Un cache modifié à la main (chaque « non » vaut 1 : tous les scores à 100) est reconstruit."""
    import marshal
    import os

    from diagnum import referentiel as module

    vrai = charger_fichier_referentiel(copie)
    cache = _cache_unique(tmp_path)
    notation = vrai.notation._replace(affirmation={**vrai.notation.affirmation, NON: 1})
    faux = module._en_donnees(vrai._replace(par_id={}, notation=notation))
    contenu = copie.read_bytes()
    octets = cache.read_bytes()

    def retouches():
        yield marshal.dumps((contenu, faux))  # la charge seule, réécrite
        entete = len(module.ENTETE_CACHE) + module.TAILLE_EMPREINTE
        yield octets[:entete] + marshal.dumps((contenu, faux))  # la charge changée sous l'ancienne empreinte

    for retouche in retouches():
        cache.write_bytes(retouche)
        os.chmod(cache, 0o600)
        charger_fichier_referentiel.cache_clear()
        relu = charger_fichier_referentiel(copie)
        assert relu.notation.affirmation[NON] == 0
        assert relu == vrai
    # le cache reconstruit est de nouveau servi tel quel
    assert cache.read_bytes() == octets


def test_le_cache_ne_suit_aucun_lien_plante(tmp_path, copie):
    import os

    from diagnum import referentiel as module

    victime = tmp_path / "victime.txt"
    victime.write_text("à garder\n", encoding="utf-8")
    dossier = tmp_path / "diagnum"
    dossier.mkdir(mode=0o700)
    nom = module._nom_cache(copie.read_bytes())
    # les noms que l'on pourrait deviner : le cache lui-même, et l'ancien temporaire (nom, pid)
    (dossier / nom).symlink_to(victime)
    (dossier / f".{nom}.{os.getpid()}.tmp").symlink_to(victime)
    referentiel = charger_fichier_referentiel(copie)
    assert victime.read_text(encoding="utf-8") == "à garder\n"
    assert not (dossier / nom).is_symlink() and (dossier / nom).is_file()
    assert (dossier / nom).stat().st_mode & 0o077 == 0
    # un cache qui est un lien vers un cache valable ailleurs n'est pas lu
    ailleurs = tmp_path / "ailleurs.marshal"
    os.replace(dossier / nom, ailleurs)
    (dossier / nom).symlink_to(ailleurs)
    charger_fichier_referentiel.cache_clear()
    assert charger_fichier_referentiel(copie) == referentiel
    assert not (dossier / nom).is_symlink()


def test_un_dossier_de_cache_ouvert_a_tous_n_est_ni_lu_ni_ecrit(tmp_path, copie):
    import os

    dossier = tmp_path / "diagnum"
    dossier.mkdir()
    os.chmod(dossier, 0o777)
    charger_fichier_referentiel(copie)
    assert list(dossier.iterdir()) == []
