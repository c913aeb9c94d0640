"""``diagnum classeur`` et ``diagnum fusionner`` : le modèle, la lecture, la fusion, les conflits."""

from __future__ import annotations

import shutil

import pytest

from diagnum.campagne.chargement import charger_campagne
from diagnum.classeurs.fusion import Reponse, Source, fusionner
from diagnum.classeurs.lecture import lire_feuilles
from diagnum.classeurs.modele import PRESENTATION, construire_classeur, parties_connues
from diagnum.classeurs.reponses import aplatir
from diagnum.referentiel import SANS_OBJET, charger_referentiel
from outils_classeurs import EXEMPLES, campagnes_generees, diagnum, ecrire_classeur, init_meme_etablissement

EXEMPLE = next(p for p in EXEMPLES if "2024-2025" in p.name and "college" in p.name)
FORMATS = (".ods", ".xlsx")


@pytest.fixture(scope="module")
def referentiel():
    return charger_referentiel("2011")


@pytest.fixture(scope="module")
def generees(tmp_path_factory):
    return campagnes_generees(tmp_path_factory.mktemp("territoire"))


def copie(tmp_path, source, nom="campagne.yaml"):
    cible = tmp_path / nom
    shutil.copyfile(source, cible)
    return cible


# -- le modèle -----------------------------------------------------------------------------------


def test_chaque_item_du_referentiel_a_sa_ligne_son_texte_et_ses_reponses_permises(referentiel):
    classeur = construire_classeur(referentiel, None)
    assert classeur.feuilles[0].nom == PRESENTATION
    rangees = {r.identifiant: r for f in classeur.feuilles for r in f.rangees if r.identifiant}
    items = [*referentiel.reference.items, *referentiel.obligations.items]
    items += [i for d in referentiel.domaines for i in d.items]
    for item in items:
        if item.nature == "matrice":
            for ligne in item.lignes:
                rangee = rangees[f"{item.id}.{ligne.id}"]
                assert rangee.texte == ligne.libelle and len(rangee.saisies) == len(item.colonnes)
                assert all(s.permis == ("oui", "non", SANS_OBJET) for s in rangee.saisies)
            continue
        rangee = rangees[item.id]
        assert item.libelle in rangee.texte and rangee.section == item.section
        if item.nature == "affirmation":
            assert rangee.saisies[0].permis == (("oui", "non", SANS_OBJET) if item.sans_objet else ("oui", "non"))
        elif item.nature == "repartition":
            assert [s.maximum for s in rangee.saisies] == [referentiel.bornes.effectifs["repartition"]] * 3
        elif item.nature == "nombre":
            assert rangee.saisies[0].genre == "entier"
            assert rangee.saisies[0].maximum == referentiel.bornes.effectifs["nombre"]
        else:
            assert (rangee.saisies[0].genre, rangee.saisies[0].maximum) == ("pourcentage", 100)
        if item.condition is not None:
            assert rangee.style == "sous_item" and "↳ Seulement si" in rangee.consigne


def test_une_feuille_par_partie_et_des_noms_de_feuille_valides(referentiel):
    classeur = construire_classeur(referentiel, None)
    noms = [f.nom for f in classeur.feuilles]
    assert len(noms) == 1 + len(parties_connues(referentiel)) == len(set(noms))
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in noms)
    assert "Usages 3.6.1" in noms


def test_la_presentation_dit_ce_qu_est_le_classeur_et_ne_demande_aucun_nom(referentiel):
    donnees, _ = charger_campagne(EXEMPLE)
    classeur = construire_classeur(referentiel, donnees, ["pilotage"], "pilotage.ods")
    textes = " ".join(" ".join((r.texte, r.consigne, *r.intitules)) for r in classeur.feuilles[0].rangees)
    for attendu in ("0750654D", "2024-2025", "Collège Jean Moulin", "2011", "3.3 Pilotage et organisation"):
        assert attendu in textes
    assert "Effectifs agrégés seulement, aucun nom" in textes
    assert "diagnum fusionner CAMPAGNE.yaml pilotage.ods" in textes
    assert [f.nom for f in classeur.feuilles] == [PRESENTATION, "Pilotage et organisation 3.3"]


# -- aller et retour -----------------------------------------------------------------------------


@pytest.mark.parametrize("extension", FORMATS)
def test_classeur_puis_fusion_dans_la_meme_campagne_ne_change_aucun_octet(tmp_path, generees, extension):
    for source in [*EXEMPLES, *generees]:
        campagne = copie(tmp_path, source)
        avant = campagne.read_bytes()
        classeur = tmp_path / f"tout{extension}"
        resultat = diagnum("classeur", campagne, "-o", classeur, "--force")
        assert resultat.exit_code == 0 and resultat.stderr == "", resultat.output
        resultat = diagnum("fusionner", campagne, classeur)
        assert (resultat.exit_code, resultat.stderr) == (0, ""), resultat.output
        assert "rien à changer" in resultat.stdout
        assert campagne.read_bytes() == avant


@pytest.mark.parametrize("extension", FORMATS)
def test_classeur_complet_fusionne_dans_un_init_neuf_donne_le_meme_score(tmp_path, generees, extension, referentiel):
    for rang, source in enumerate([*EXEMPLES, *generees]):
        neuve = init_meme_etablissement(source, tmp_path / f"neuve-{rang}.yaml")
        classeur = tmp_path / f"complet-{rang}{extension}"
        assert diagnum("classeur", source, "-o", classeur).exit_code == 0
        resultat = diagnum("fusionner", neuve, classeur)
        assert resultat.exit_code == 0 and resultat.stderr == "", resultat.output
        assert "fusionnée" in resultat.stdout
        attendu, _ = charger_campagne(source)
        obtenu, _ = charger_campagne(neuve)
        assert aplatir(obtenu, referentiel) == aplatir(attendu, referentiel)
        scores = [diagnum("score", f, "--format", "json") for f in (source, neuve)]
        assert scores[0].exit_code == scores[1].exit_code == 0
        assert scores[0].stdout == scores[1].stdout
        # Chaque réponse fusionnée nomme son fichier source, jamais une personne.
        assert f"# {classeur.name}" in neuve.read_text(encoding="utf-8")


def test_parties_disjointes_fusionnees_dans_n_importe_quel_ordre_donnent_la_meme_campagne(tmp_path, referentiel):
    parties = parties_connues(referentiel)
    groupes = [parties[:2], parties[2:5], parties[5:]]
    sources = []
    for rang, (groupe, extension) in enumerate(zip(groupes, (".ods", ".xlsx", ".ods"), strict=True)):
        chemin = tmp_path / f"membre-{rang}{extension}"
        options = [x for p in groupe for x in ("--partie", p)]
        assert diagnum("classeur", EXEMPLE, "-o", chemin, *options).exit_code == 0
        sources.append(chemin)
    textes = []
    for rang, ordre in enumerate((sources, sources[::-1], [sources[1], sources[2], sources[0]])):
        neuve = init_meme_etablissement(EXEMPLE, tmp_path / f"neuve-{rang}.yaml")
        for source in ordre:
            resultat = diagnum("fusionner", neuve, source)
            assert resultat.exit_code == 0, resultat.output
        textes.append(neuve.read_text(encoding="utf-8"))
    assert textes[0] == textes[1] == textes[2]
    attendu, _ = charger_campagne(EXEMPLE)
    obtenu, _ = charger_campagne(neuve)
    sans_date = {c: v for c, v in aplatir(attendu, referentiel).items() if c not in (("date",), ("commentaires",))}
    assert aplatir(obtenu, referentiel) == sans_date


def test_tout_ensemble_en_une_commande(tmp_path, referentiel):
    parties = parties_connues(referentiel)
    sources = []
    for partie, extension in zip(parties, FORMATS * 5, strict=False):
        chemin = tmp_path / f"{partie}{extension}"
        assert diagnum("classeur", EXEMPLE, "-o", chemin, "--partie", partie).exit_code == 0
        sources.append(chemin)
    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    resultat = diagnum("fusionner", neuve, *sources)
    assert resultat.exit_code == 0 and resultat.stderr == ""
    assert diagnum("valider", neuve).exit_code == 0


# -- une source YAML (init --partie) -----------------------------------------------------------------


def test_init_partie_n_ecrit_que_ces_parties_et_revient_par_fusion(tmp_path):
    marie = init_meme_etablissement(EXEMPLE, tmp_path / "marie.yaml", "obligations")
    texte = marie.read_text(encoding="utf-8")
    assert "obligations:" in texte and "reference:" not in texte and "reponses:" not in texte
    assert "diagnum fusionner CAMPAGNE.yaml <ce fichier>" in texte
    marie.write_text(texte.replace("charte_usages:\n", "charte_usages: non\n"), encoding="utf-8")
    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    resultat = diagnum("fusionner", neuve, marie)
    assert resultat.exit_code == 0 and resultat.stderr == ""
    assert "obligations.charte_usages : (vide) → « non » (marie.yaml:" in resultat.stdout
    assert "charte_usages: non  # marie.yaml\n" in neuve.read_text(encoding="utf-8")


def test_init_partie_inconnue(tmp_path):
    resultat = diagnum("init", tmp_path / "x.yaml", "--partie", "zorro")
    assert resultat.exit_code == 2 and resultat.stdout == ""
    assert "--partie : partie « zorro » inconnue (parties : reference, obligations, pilotage" in resultat.stderr
    assert not (tmp_path / "x.yaml").exists()


# -- conflits -------------------------------------------------------------------------------------------


def test_un_conflit_avec_la_campagne_est_liste_avec_ses_deux_places_et_rien_n_est_ecrit(tmp_path):
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    classeur = ecrire_classeur(
        tmp_path / "classeur-pilotage.ods", campagne, {("reponses", "pilotage", "comite_pilotage"): "non"}, ["pilotage"]
    )
    resultat = diagnum("fusionner", campagne, classeur)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    ligne = next(n for n, t in enumerate(avant.decode().splitlines(), 1) if t.strip() == "comite_pilotage: oui")
    assert (
        f"conflit sur pilotage.comite_pilotage entre la campagne et une source : « oui » (campagne.yaml:{ligne}:22) "
        "et « non » (classeur-pilotage.ods:Pilotage et organisation 3.3!D4)"
    ) in resultat.stderr
    assert "1 conflit : rien n'a été écrit" in resultat.stderr and "--remplacer" in resultat.stderr
    assert campagne.read_bytes() == avant
    # --essai montre le conflit de même, sans rien écrire.
    assert diagnum("fusionner", campagne, classeur, "--essai").exit_code == 1
    # --remplacer : la source l'emporte, sa provenance notée à côté.
    resultat = diagnum("fusionner", campagne, classeur, "--remplacer")
    assert resultat.exit_code == 0 and resultat.stderr == ""
    texte = campagne.read_text(encoding="utf-8")
    assert "comite_pilotage: non  # classeur-pilotage.ods\n" in texte
    # Le reste du fichier est intact, commentaires compris.
    assert texte.replace("comite_pilotage: non  # classeur-pilotage.ods", "comite_pilotage: oui") == avant.decode()


def test_deux_sources_qui_se_contredisent_et_retenir(tmp_path):
    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    marie = init_meme_etablissement(EXEMPLE, tmp_path / "marie.yaml", "pilotage")
    texte = marie.read_text(encoding="utf-8")
    marie.write_text(texte.replace("    bilan_annuel:\n", "    bilan_annuel: non\n"), encoding="utf-8")
    ligne = next(n for n, t in enumerate(marie.read_text().splitlines(), 1) if t.strip() == "bilan_annuel: non")
    classeur = ecrire_classeur(tmp_path / "paul.xlsx", EXEMPLE, {}, ["pilotage"])
    avant = neuve.read_bytes()
    resultat = diagnum("fusionner", neuve, marie, classeur)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert (
        f"conflit sur pilotage.bilan_annuel entre deux sources : « non » (marie.yaml:{ligne}:19) "
        "et « oui » (paul.xlsx:Pilotage et organisation 3.3!D14)"
    ) in resultat.stderr
    assert neuve.read_bytes() == avant
    resultat = diagnum("fusionner", neuve, marie, classeur, "--retenir", "marie.yaml")
    assert resultat.exit_code == 0, resultat.output
    assert "bilan_annuel: non  # marie.yaml\n" in neuve.read_text(encoding="utf-8")
    resultat = diagnum("fusionner", neuve, classeur, "--retenir", "inconnu.ods")
    assert resultat.exit_code == 2 and "--retenir : « inconnu.ods » n'est pas une des sources" in resultat.stderr


def test_fusion_pure_independante_de_l_ordre():
    a = Source("a.ods", {("x",): Reponse("oui", "a.ods:F!D1"), ("y",): Reponse(1, "a.ods:F!D2")})
    b = Source("b.ods", {("x",): Reponse("oui", "b.ods:F!D1"), ("z",): Reponse(2, "b.ods:F!D3")})
    campagne = {("y",): Reponse(1.0, "c.yaml:1:1")}
    premiere = fusionner(campagne, [a, b])
    assert premiere == fusionner(campagne, [b, a])
    assert [c.chemin for c in premiere.changements] == [("x",), ("z",)] and premiere.conflits == []
    c = Source("c.ods", {("z",): Reponse(3, "c.ods:F!D3")})
    fusion = fusionner(campagne, [a, b, c])
    assert [(f.premiere.valeur, f.seconde.valeur) for f in fusion.conflits] == [(2, 3)]
    assert [ch.chemin for ch in fusionner(campagne, [a, b, c], retenir="c.ods").changements] == [("x",), ("z",)]


# -- sources vérifiées comme valider ------------------------------------------------------------------


@pytest.mark.parametrize("extension", FORMATS)
def test_une_valeur_fautive_est_situee_a_sa_feuille_et_sa_cellule(tmp_path, extension):
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    classeur = ecrire_classeur(
        tmp_path / f"classeur{extension}", campagne, {("reponses", "enseignant_en_classe", "salles_tni"): "dix"}
    )
    resultat = diagnum("fusionner", campagne, classeur)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert (
        f"classeur{extension}:Usages 3.6.1!D13: [erreur] salles_tni : un nombre entier est attendu, trouvé « dix » (type)"
    ) in resultat.stderr
    assert "rien n'a été fusionné" in resultat.stderr
    assert campagne.read_bytes() == avant


def test_memes_constats_que_valider(tmp_path):
    """Un effectif au-delà de son total : la même erreur, les mêmes mots que valider sur le YAML."""
    campagne = copie(tmp_path, EXEMPLE)
    classeur = ecrire_classeur(tmp_path / "c.ods", campagne, {("reponses", "enseignant_en_classe", "salles_tni"): 99})
    fautif = copie(tmp_path, EXEMPLE, "fautif.yaml")
    fautif.write_text(fautif.read_text().replace("salles_tni: 6", "salles_tni: 99"), encoding="utf-8")
    valider = diagnum("valider", fautif, "--format", "parsable")
    message = next(t for t in valider.stdout.splitlines() if "depasse-total" in t).split(": ", 1)[1]
    resultat = diagnum("fusionner", campagne, classeur)
    assert resultat.exit_code == 1
    assert f"c.ods:Usages 3.6.1!D13: {message}" in resultat.stderr


def test_une_source_d_un_autre_etablissement_est_refusee(tmp_path, generees):
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    autre = ecrire_classeur(tmp_path / "autre.ods", generees[0])
    resultat = diagnum("fusionner", campagne, autre)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    uai = charger_campagne(generees[0])[0].etablissement.uai
    assert f"autre.ods : source refusée, autre UAI « {uai} » (la campagne : « 0750654D »)" in resultat.stderr
    assert campagne.read_bytes() == avant


def test_une_source_d_une_autre_campagne_est_refusee(tmp_path):
    ancienne = next(p for p in EXEMPLES if "2023-2024" in p.name)
    campagne = copie(tmp_path, EXEMPLE)
    classeur = ecrire_classeur(tmp_path / "ancien.xlsx", ancienne)
    resultat = diagnum("fusionner", campagne, classeur)
    assert resultat.exit_code == 1
    assert "ancien.xlsx : source refusée, autre campagne « 2023-2024 » (la campagne : « 2024-2025 »)" in resultat.stderr


# -- structure altérée -----------------------------------------------------------------------------------


def _feuilles(tmp_path, campagne=EXEMPLE):
    from python_calamine import CalamineWorkbook

    chemin = ecrire_classeur(tmp_path / "lu.ods", campagne)
    livre = CalamineWorkbook.from_path(str(chemin))
    return {n: livre.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in livre.sheet_names}


def test_des_lignes_deplacees_sont_relues_par_identifiant(tmp_path, referentiel):
    feuilles = _feuilles(tmp_path)
    rangees = feuilles["Pilotage et organisation 3.3"]
    rangees[3:12] = reversed(rangees[3:12])
    lu = lire_feuilles("x.ods", feuilles)
    attendu, _ = charger_campagne(EXEMPLE)
    assert aplatir(lu.resultat.campagne, referentiel) == aplatir(attendu, referentiel)


@pytest.mark.parametrize(
    "alteration, message",
    [
        (
            lambda f: f.update({"Pilotage": f.pop("Pilotage et organisation 3.3")}),
            "Pilotage!A1: feuille « Pilotage » inconnue",
        ),
        (
            lambda f: f["Usages 3.6.1"][12].__setitem__(2, "Nombre de salles équipées :"),
            "Usages 3.6.1!C13: le texte de la question « salles_tni » a été modifié",
        ),
        (
            lambda f: f["Usages 3.6.1"][12].__setitem__(0, "salles_tbi"),
            "Usages 3.6.1!A13: identifiant « salles_tbi » inconnu",
        ),
        (
            lambda f: f["Usages 3.6.1"].append(list(f["Usages 3.6.1"][12])),
            "identifiant « salles_tni » en double (déjà en Usages 3.6.1!A13)",
        ),
        (lambda f: f.pop(PRESENTATION), "feuille « Présentation » absente"),
        (
            lambda f: f["Usages 3.6.1"][12].__setitem__(0, ""),
            "Usages 3.6.1!A13: réponse écrite sur une ligne sans identifiant (colonne A vide)",
        ),
    ],
    ids=[
        "feuille-renommee",
        "texte-change",
        "identifiant-change",
        "ligne-en-double",
        "sans-presentation",
        "identifiant-efface",
    ],
)
def test_une_structure_alteree_est_refusee(tmp_path, alteration, message):
    from diagnum.classeurs.lecture import ClasseurIllisible

    feuilles = _feuilles(tmp_path)
    alteration(feuilles)
    with pytest.raises(ClasseurIllisible) as exc:
        lire_feuilles("x.ods", feuilles)
    constats = [f"{a.place}: {a.message}" for a in exc.value.alterations]
    assert any(message in c for c in constats), constats
    assert exc.value.code_sortie == 1 and "x.ods : classeur refusé" in exc.value.message


def test_un_fichier_qui_n_est_pas_un_classeur(tmp_path):
    campagne = copie(tmp_path, EXEMPLE)
    faux = tmp_path / "faux.xlsx"
    faux.write_bytes(b"PK\x03\x04 pas un zip")
    resultat = diagnum("fusionner", campagne, faux)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert resultat.stderr == (
        f"{faux}:Présentation!A1: [erreur] ce n'est pas un classeur ODS ou XLSX lisible (archive abîmée, chiffrée ou "
        "d'un autre format) "
        "(classeur-illisible)\ndiagnum : sources refusées : rien n'a été fusionné\n"
    )


# -- essai et écriture -------------------------------------------------------------------------------------


def test_essai_montre_avant_apres_et_source_sans_rien_ecrire(tmp_path):
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    classeur = ecrire_classeur(
        tmp_path / "c.xlsx", campagne, {("reponses", "enseignant_en_classe", "salles_tni"): 8}, ["enseignant_en_classe"]
    )
    resultat = diagnum("fusionner", campagne, classeur, "--remplacer", "--essai")
    assert resultat.exit_code == 0 and resultat.stderr == ""
    assert resultat.stdout == (
        "enseignant_en_classe.salles_tni : 6 → 8 (c.xlsx:Usages 3.6.1!D13)\n"
        "campagne.yaml : 1 réponse changerait (essai : rien n'a été écrit)\n"
    ).replace("campagne.yaml", str(campagne))
    assert campagne.read_bytes() == avant


def test_classeur_refuse_d_ecraser_et_les_extensions_inconnues(tmp_path):
    sortie = tmp_path / "c.ods"
    assert diagnum("classeur", EXEMPLE, "-o", sortie).exit_code == 0
    resultat = diagnum("classeur", EXEMPLE, "-o", sortie)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    resultat = diagnum("classeur", EXEMPLE, "-o", tmp_path / "c.csv")
    assert resultat.exit_code == 2 and "extension inconnue ; écrivez un classeur .ods ou .xlsx" in resultat.stderr
    resultat = diagnum("classeur", EXEMPLE, "-o", tmp_path / "d.ods", "--partie", "zorro")
    assert resultat.exit_code == 2 and "--partie : partie « zorro » inconnue" in resultat.stderr


def test_le_readme_montre_toute_la_boucle_et_sa_capture(referentiel):
    from outils_classeurs import RACINE

    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    debut = readme.index("## Remplir à plusieurs")
    section = readme[debut : readme.index("\n## ", debut + 1)]
    for partie in parties_connues(referentiel):
        assert f"`{partie}`" in section, partie
    for attendu in ("diagnum classeur", "diagnum fusionner", "--essai", "--retenir", "--remplacer", "conflit sur"):
        assert attendu in section, attendu
    image = RACINE / "docs" / "classeur-libreoffice.png"
    assert "](docs/classeur-libreoffice.png)" in section and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("extension", FORMATS)
def test_un_commentaire_hostile_fait_l_aller_retour_sans_conflit(referentiel, extension):
    """Un texte libre plein de contrôles, de Markdown et de fins de ligne revient égal à lui-même (aux caractères
    près qu'un tableur ne peut pas garder), et jamais comme un conflit."""
    import io

    from hypothesis import HealthCheck, given, settings
    from python_calamine import CalamineWorkbook

    from diagnum.campagne.modele import Campagne
    from diagnum.classeurs.reponses import egales
    from diagnum.sorties.ods import classeur_ods
    from diagnum.sorties.xlsx import classeur_xlsx
    from strategies_hostiles import texte_hostile

    ecrire = classeur_ods if extension == ".ods" else classeur_xlsx

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texte_hostile)
    def verifier(texte):
        campagne = Campagne(referentiel="2011", commentaires=texte)
        livre = CalamineWorkbook.from_filelike(io.BytesIO(ecrire(construire_classeur(referentiel, campagne))))
        feuilles = {n: livre.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in livre.sheet_names}
        lu = lire_feuilles("x" + extension, feuilles)
        erreurs = [d for d in lu.resultat.diagnostics if d.est_erreur]
        assert erreurs == []
        relu = lu.resultat.campagne.commentaires
        if relu is None:
            assert egales(texte, "")
        else:
            assert egales(relu, texte), (relu, texte)

    verifier()


def test_une_case_changee_d_un_service_ecrit_d_un_mot_devient_ses_trois_cases(tmp_path):
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_text(encoding="utf-8")
    assert "      gestion_reservation: sans objet\n      # Gestion des notes\n" in avant
    chemin = ("reponses", "pilotage", "services", "gestion_reservation", "regles_administration")
    classeur = ecrire_classeur(tmp_path / "m.ods", campagne, {chemin: "oui"}, ["pilotage"])
    resultat = diagnum("fusionner", campagne, classeur, "--remplacer")
    assert resultat.exit_code == 0 and resultat.stderr == ""
    assert "1 réponse fusionnée, suivie du nom de sa source" in resultat.stdout
    attendu = avant.replace(
        "      gestion_reservation: sans objet\n",
        "      gestion_reservation:\n        regles_administration: oui  # m.ods\n"
        "        administrateur_designe: sans objet\n        utilisateurs_informes: sans objet\n",
    )
    assert campagne.read_text(encoding="utf-8") == attendu


def test_une_erreur_que_seule_la_campagne_fusionnee_montre_nomme_sa_source(tmp_path):
    """Un classeur sans les éléments de référence ne peut pas voir qu'une répartition dépasse son total : la
    campagne fusionnée est vérifiée avant d'être écrite, et l'erreur renvoie à la cellule d'où vient la réponse."""
    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    chemin = ("reponses", "enseignant_en_classe", "enseignants_diffusion_collective", "jamais")
    classeur = ecrire_classeur(tmp_path / "m.xlsx", campagne, {chemin: 10}, ["enseignant_en_classe"])
    resultat = diagnum("fusionner", campagne, classeur, "--remplacer")
    assert resultat.exit_code == 1
    assert (
        "enseignants_diffusion_collective : la répartition compte 48 enseignants, plus que le nombre de référence "
        "(47) (repartition-excede) ; réponse venue de m.xlsx:Usages 3.6.1!D4"
    ) in resultat.stderr
    assert "la campagne fusionnée aurait des erreurs ; rien n'a été écrit" in resultat.stderr
    assert campagne.read_bytes() == avant


@pytest.mark.parametrize("extension", FORMATS)
def test_nos_classeurs_portent_listes_bornes_messages_et_protection(tmp_path, referentiel, extension):
    from outils_classeurs import validations_ods, validations_xlsx, verifier_validations

    classeur = tmp_path / f"c{extension}"
    assert diagnum("classeur", EXEMPLE, "-o", classeur).exit_code == 0
    modele = construire_classeur(referentiel, charger_campagne(EXEMPLE)[0])
    verifier_validations(classeur, modele)
    comptes = validations_xlsx(classeur) if extension == ".xlsx" else validations_ods(classeur)
    entiers = sum(1 for _, _, _, s in modele.saisies() if s.genre == "entier")
    cle_entier = (
        "whole 0 100000"
        if extension == ".xlsx"
        else "cell-content-is-whole-number() and cell-content-is-between(0,100000)"
    )
    assert comptes[cle_entier] == entiers
    import zipfile

    with zipfile.ZipFile(classeur) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert "Choisissez « oui », « non » ou « sans objet »." in xml


def test_une_formule_est_lue_par_sa_valeur_enregistree_jamais_calculee(tmp_path, referentiel):
    """Une cellule dont la formule donnerait 4 mais dont la valeur enregistrée est 7 : c'est 7 qui est lu."""
    import re
    import zipfile

    from diagnum.classeurs.sources import charger_classeur

    propre = ecrire_classeur(tmp_path / "propre.xlsx", EXEMPLE)
    formule = tmp_path / "formule.xlsx"
    with zipfile.ZipFile(propre) as source, zipfile.ZipFile(formule, "w") as cible:
        for info in source.infolist():
            contenu = source.read(info)
            if info.filename == "xl/worksheets/sheet7.xml":
                texte, n = re.subn(
                    r'<c r="D13"( s="\d+")?( t="n")?><v>6</v></c>',
                    r'<c r="D13"\1><f>2+2</f><v>7</v></c>',
                    contenu.decode(),
                )
                assert n == 1
                contenu = texte.encode()
            cible.writestr(info, contenu)
    lu = charger_classeur(formule)
    assert lu.erreurs == []
    assert lu.campagne.reponses["enseignant_en_classe"]["salles_tni"] == 7


def test_une_archive_trop_grosse_une_fois_decompressee_est_refusee_avant_lecture(tmp_path, monkeypatch):
    from diagnum.classeurs import lecture

    classeur = ecrire_classeur(tmp_path / "gros.ods", EXEMPLE)
    monkeypatch.setattr(lecture, "DECOMPRESSE_MAX", 1000)
    with pytest.raises(lecture.ClasseurIllisible) as exc:
        lecture.lire_classeur(classeur)
    assert [a.code for a in exc.value.alterations] == ["classeur-trop-gros"]


def test_une_autre_version_du_referentiel_est_nommee():
    from diagnum.campagne.modele import Campagne, Etablissement
    from diagnum.classeurs.sources import differences

    campagne = Campagne("2011", etablissement=Etablissement(uai="0750654D"), campagne="2024-2025")
    autre = Campagne("2026", etablissement=Etablissement(uai="0750654D"), campagne="2024-2025")
    assert differences(campagne, autre) == ["référentiel « 2026 » (la campagne suit le référentiel « 2011 »)"]
    assert differences(campagne, Campagne("2011")) == []


def test_classeur_sur_un_lien_casse_ne_cree_pas_sa_cible(tmp_path):
    lien = tmp_path / "membre.ods"
    lien.symlink_to(tmp_path / "ailleurs.ods")
    resultat = diagnum("classeur", EXEMPLE, "-o", lien)
    assert resultat.exit_code == 1 and resultat.stdout == "" and "rien n'a été écrit" in resultat.stderr
    assert not (tmp_path / "ailleurs.ods").exists()
    assert diagnum("classeur", EXEMPLE, "-o", lien, "--force").exit_code == 0
    assert not lien.is_symlink() and not (tmp_path / "ailleurs.ods").exists()


@pytest.mark.parametrize(
    "saisi, message",
    [
        ("9" * 5000, "un nombre entier est attendu, trouvé « 999"),
        ("١٢", "un nombre entier est attendu, trouvé « ١٢ »"),
        (12.5, "un nombre entier est attendu, trouvé « 12.5 » (un effectif n'a pas de décimales)"),
        ("200000", "« 200000 » dépasse 100 000, le plus grand effectif accepté"),
        ("Oui", "réponse « Oui » non reconnue ; répondez « oui » ou « non » (vouliez-vous dire « oui » ?)"),
    ],
    ids=["geant", "chiffres-arabes", "decimales", "hors-bornes", "majuscule"],
)
def test_une_cellule_mal_remplie_recoit_le_message_de_valider(tmp_path, saisi, message):
    chemin = (
        ("reponses", "pilotage", "comite_pilotage")
        if saisi == "Oui"
        else ("reponses", "enseignant_en_classe", "salles_tni")
    )
    classeur = ecrire_classeur(tmp_path / "c.xlsx", EXEMPLE, {chemin: saisi}, ["pilotage", "enseignant_en_classe"])
    resultat = diagnum("fusionner", copie(tmp_path, EXEMPLE), classeur)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert message in resultat.stderr


def test_une_campagne_fusionnee_passe_yamllint_avec_la_configuration_livree(tmp_path):
    """La provenance écrite à côté de chaque réponse suit les règles de yamllint (deux espaces avant « # »)."""
    from outils_classeurs import RACINE

    pytest.importorskip("yamllint")
    from yamllint import config, linter

    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    classeur = tmp_path / "complet.ods"
    assert diagnum("classeur", EXEMPLE, "-o", classeur).exit_code == 0
    assert diagnum("fusionner", neuve, classeur).exit_code == 0
    regles = config.YamlLintConfig(file=str(RACINE / "docs" / "yamllint-campagnes.yaml"))
    problemes = list(linter.run(neuve.read_text(encoding="utf-8"), regles))
    # Seules restent les lignes longues du commentaire libre de l'exemple (un avertissement, texte de l'utilisateur).
    assert [p for p in problemes if p.rule != "line-length" or p.level != "warning"] == []
    assert any(p.rule == "comments" for p in linter.run("a: 1 # x\n", regles))


def test_une_campagne_partielle_tient_en_80_caracteres(tmp_path):
    marie = init_meme_etablissement(EXEMPLE, tmp_path / "marie.yaml", "obligations", "pilotage")
    lignes = marie.read_text(encoding="utf-8").splitlines()[1:]  # la première nomme le schéma par son chemin
    assert [ligne for ligne in lignes if len(ligne) > 80] == []


@pytest.mark.parametrize("hostile", ["mauvais-cellule-lointaine.xlsx", "mauvais-lignes-repetees.ods"])
def test_un_classeur_aux_feuilles_demesurees_est_refuse_sans_que_le_lecteur_avorte(tmp_path, hostile):
    """Une cellule annoncée en XFD1048576 fait avorter python-calamine (signal 6) ; une ligne répétée un million
    de fois lui ferait allouer des gigaoctets : l'archive est vérifiée avant, comme un export d'enquête."""
    from pathlib import Path

    source = tmp_path / hostile
    shutil.copyfile(Path(__file__).parent / "fixtures" / "enquetes" / hostile, source)
    campagne = tmp_path / "campagne.yaml"
    shutil.copyfile(EXEMPLE, campagne)
    avant = campagne.read_bytes()
    resultat = diagnum("fusionner", campagne, source)
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert f"{hostile}:Présentation!A1: [erreur] fichier trop gros pour un classeur de campagne" in resultat.stderr
    assert "(classeur-trop-gros)" in resultat.stderr and "rien n'a été fusionné" in resultat.stderr
    assert campagne.read_bytes() == avant


# -- « 89 % » saisi dans un tableur ---------------------------------------------------------------------------

POURCENTAGE = ("reponses", "travail_hors_classe", "familles_ordinateur_internet")


@pytest.mark.parametrize("extension", FORMATS)
def test_un_pourcentage_saisi_avec_le_signe_est_relu_comme_le_membre_l_a_vu(tmp_path, extension):
    """« 89 % » tapé dans un tableur est enregistré 0,89 au format pourcentage : la campagne reçoit 89."""
    from outils_classeurs import en_pourcentage

    neuve = init_meme_etablissement(EXEMPLE, tmp_path / "neuve.yaml")
    classeur = en_pourcentage(ecrire_classeur(tmp_path / f"membre{extension}", EXEMPLE, {POURCENTAGE: 0.89}), 0.89)
    essai = diagnum("fusionner", neuve, classeur, "--essai")
    assert essai.exit_code == 0 and essai.stderr == "", essai.output
    place = f"membre{extension}:Usages 3.6.3!D19"
    assert f"travail_hors_classe.familles_ordinateur_internet : (vide) → 89 ({place})" in essai.stdout
    resultat = diagnum("fusionner", neuve, classeur)
    assert resultat.exit_code == 0 and resultat.stderr == "", resultat.output
    assert f"{neuve.name} : " in resultat.stdout
    donnees, _ = charger_campagne(neuve)
    assert donnees.reponses["travail_hors_classe"]["familles_ordinateur_internet"] == 89


@pytest.mark.parametrize("extension", FORMATS)
def test_un_nombre_ordinaire_n_est_pas_multiplie(tmp_path, extension):
    """Sans le format pourcentage, 0,89 reste 0,89 : seule la marque du tableur déclenche la conversion."""
    from diagnum.classeurs.sources import charger_classeur

    classeur = ecrire_classeur(tmp_path / f"membre{extension}", EXEMPLE, {POURCENTAGE: 0.89})
    lu = charger_classeur(classeur)
    assert lu.erreurs == []
    assert lu.campagne.reponses["travail_hors_classe"]["familles_ordinateur_internet"] == 0.89


def _archive(parties: dict[str, str]) -> bytes:
    import io
    import zipfile

    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, texte in parties.items():
            archive.writestr(nom, texte)
    return tampon.getvalue()


def test_les_pourcentages_d_un_ods_sont_situes_malgre_les_repetitions():
    from diagnum.classeurs.pourcentages import cellules_pourcentage

    ns = (
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    )
    pct = 'office:value-type="percentage" office:value="0.5"'
    contenu = (
        f'<office:document-content {ns}><office:body><office:spreadsheet><table:table table:name="A">'
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="3"/><table:table-cell {pct}/>'
        "</table:table-row>"
        f'<table:table-row table:number-rows-repeated="2"><table:covered-table-cell/>'
        f'<table:table-cell table:number-columns-repeated="2" {pct}/></table:table-row>'
        '</table:table><table:table table:name="B"><table:table-row>'
        f'<table:table-cell office:value-type="float" office:value="0.5"/><table:table-cell {pct}/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    trouvees = cellules_pourcentage(_archive({"content.xml": contenu}))
    assert trouvees == {("A", 4, 3), ("A", 5, 1), ("A", 5, 2), ("A", 6, 1), ("A", 6, 2), ("B", 1, 1)}


def test_les_pourcentages_d_un_xlsx_suivent_le_format_de_nombre_de_leur_style():
    """Format intégré 10 (« 0.00% ») ou propre contenant « % » : pourcentage ; « % » entre guillemets : non."""
    from diagnum.classeurs.pourcentages import cellules_pourcentage

    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parties = {
        "xl/workbook.xml": f'<workbook {main} {rel}><sheets><sheet name="Feuille" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet {main}><numFmts><numFmt numFmtId="164" formatCode="0.0%"/>'
        '<numFmt numFmtId="165" formatCode="0&quot;%&quot;"/></numFmts>'
        '<cellStyleXfs><xf numFmtId="9"/></cellStyleXfs>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>'
        "</styleSheet>",
        "xl/worksheets/sheet1.xml": f'<worksheet {main}><sheetData><row r="2">'
        '<c r="A2" s="0"><v>0.5</v></c><c r="B2" s="1"><v>0.5</v></c><c r="C2" s="2"><v>0.5</v></c>'
        '<c r="D2" s="3"><v>50</v></c><c r="E2" s="1" t="s"><v>0</v></c></row>'
        '<row><c s="1"><v>0.5</v></c></row></sheetData></worksheet>',
    }
    assert cellules_pourcentage(_archive(parties)) == {("Feuille", 2, 1), ("Feuille", 2, 2), ("Feuille", 3, 0)}


def test_tout_pourcentage_a_deux_decimales_saisi_avec_le_signe_revient_tel_quel(tmp_path):
    """De 0 % à 100 %, au centième : la valeur enregistrée par le tableur (p / 100) revient exactement p."""
    import copy

    from hypothesis import given, settings
    from hypothesis import strategies as st

    feuilles = _feuilles(tmp_path)
    place = ("Usages 3.6.3", 19, 3)

    @settings(max_examples=200, deadline=None)
    @given(st.integers(min_value=0, max_value=10_000))
    def verifier(centiemes):
        saisi = centiemes / 100
        lues = copy.deepcopy(feuilles)
        lues[place[0]][place[1] - 1][place[2]] = saisi / 100
        lu = lire_feuilles("x.ods", lues, {place})
        assert [d for d in lu.resultat.diagnostics if d.est_erreur] == []
        assert lu.resultat.campagne.reponses["travail_hors_classe"]["familles_ordinateur_internet"] == saisi

    verifier()


@pytest.mark.parametrize("extension", FORMATS)
def test_un_pourcentage_tape_dans_une_case_d_effectif_est_refuse_tel_que_le_membre_l_a_ecrit(tmp_path, extension):
    """« 12 % » tapé là où un effectif est attendu : refusé à sa cellule, « 12 % » cité, pas un 0,12 jamais vu."""
    from outils_classeurs import en_pourcentage

    campagne = copie(tmp_path, EXEMPLE)
    avant = campagne.read_bytes()
    chemin = ("reponses", "enseignant_en_classe", "salles_tni")
    classeur = en_pourcentage(ecrire_classeur(tmp_path / f"membre{extension}", EXEMPLE, {chemin: 0.12}), 0.12)
    resultat = diagnum("fusionner", campagne, classeur)
    assert resultat.exit_code == 1 and resultat.stdout == ""
    assert resultat.stderr == (
        f"{classeur}:Usages 3.6.1!D13: [erreur] salles_tni : un nombre entier est attendu, trouvé « 12 % » "
        "(écrivez seulement le nombre : 12) (type)\ndiagnum : sources refusées : rien n'a été fusionné\n"
    )
    assert campagne.read_bytes() == avant
