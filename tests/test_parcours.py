"""Le cycle entier, comme le vit un référent numérique : créer, remplir en faisant les fautes habituelles une à une,
vérifier après chacune, lire le score et le rapport, repartir l'année suivante avec ``--reprendre``, comparer.

Chaque message est vérifié en entier (sortie ``--format parsable`` : fichier, ligne, colonne, gravité, message,
code), avec sa ligne et sa colonne retrouvées dans le texte : là où la faute a été faite. Les questions sont
choisies par le modèle du référentiel ; les réponses viennent d'une campagne d'exemple.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from diagnum.affichage import nombre_fr
from diagnum.cli import app
from diagnum.lecture_yaml import Scalaire, Tableau, lire_yaml
from diagnum.referentiel import charger_referentiel
from outils_progression import APRES, items_de_nature

runner = CliRunner()
REFERENTIEL = charger_referentiel("2011")


def diagnum(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def constats(chemin: Path) -> tuple[int, list[str]]:
    """Code de sortie et constats (hors items sans réponse) de ``valider --format parsable``."""
    resultat = diagnum("valider", "--format", "parsable", chemin)
    assert resultat.stderr == ""
    lignes = resultat.stdout.splitlines()
    return resultat.exit_code, [ligne for ligne in lignes if not ligne.endswith("(sans-reponse)")]


def position(texte: str, motif: str, dans: str | None = None) -> tuple[int, int]:
    """Ligne et colonne (1-based) du premier ``dans`` (ou ``motif``) sur la première ligne qui contient ``motif``."""
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        if motif in ligne:
            return numero, ligne.index(dans if dans is not None else motif) + 1
    raise AssertionError(f"{motif!r} absent")


def remplir(gabarit: str, source: Path) -> str:
    """Chaque clé vide du gabarit reçoit la valeur de la même clé (même chemin) dans ``source``."""
    racine, _ = lire_yaml(source.read_text(encoding="utf-8"))
    chemin: list[tuple[int, str]] = []
    lignes = []
    sauter = None  # une ligne de matrice répondue d'un mot (« sans objet ») : ses cases vides disparaissent
    for ligne in gabarit.splitlines():
        m = re.match(r"^( *)(\w+):( *#.*)?$", ligne)
        if sauter is not None and m and len(m[1]) > sauter:
            continue
        sauter = None
        if m:
            retrait = len(m[1])
            chemin = [(r, c) for r, c in chemin if r < retrait] + [(retrait, m[2])]
            noeud = racine
            for _, cle in chemin:
                noeud = noeud.get(cle) if isinstance(noeud, Tableau) else None
            if isinstance(noeud, Scalaire) and noeud.texte and "\n" not in noeud.texte and "#" not in (m[3] or ""):
                texte = f'"{noeud.texte}"' if noeud.entre_guillemets else noeud.texte
                ligne = f"{m[1]}{m[2]}: {texte}"
                sauter = retrait
        lignes.append(ligne)
    return "\n".join(lignes) + "\n"


def test_le_cycle_entier_avec_les_fautes_habituelles(tmp_path):
    campagne = tmp_path / "2024-2025.yaml"
    affirmation = items_de_nature(REFERENTIEL, "affirmation")[0]
    nombre = next(i for i in items_de_nature(REFERENTIEL, "nombre") if i.total)
    repartition = items_de_nature(REFERENTIEL, "repartition")[0]
    eleves = REFERENTIEL.reference.items[0]

    # 1. Créer.
    resultat = diagnum(
        "init", campagne, "--etablissement", "Collège Jean Moulin", "--uai", "0750654D", "--campagne", "2024-2025"
    )
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert resultat.stdout == (
        f"{campagne} : campagne créée (référentiel 2011). Remplissez-la, puis : diagnum valider {campagne}\n"
    )
    # Un gabarit neuf est valide : il ne manque que des réponses.
    assert constats(campagne) == (0, [])

    # 2. Remplir tout, sauf trois réponses que l'on tape à la main, avec les fautes habituelles.
    rempli = remplir(campagne.read_text(encoding="utf-8"), APRES)
    for item in (affirmation, nombre):
        rempli = re.sub(rf"^(\s+{item.id}):.*$", r"\1:", rempli, count=1, flags=re.M)
    campagne.write_text(rempli, encoding="utf-8")
    code, lignes = constats(campagne)
    assert (code, lignes) == (0, [])

    def faute(avant: str, apres: str, attendu: str, motif: str, dans: str | None = None) -> str:
        """Écrit la faute, vérifie le seul message de valider (code 1), et renvoie le texte fautif."""
        texte = rempli.replace(avant, apres, 1)
        assert texte != rempli, avant
        campagne.write_text(texte, encoding="utf-8")
        ligne, colonne = position(texte, motif, dans)
        assert constats(campagne) == (1, [f"{campagne}:{ligne}:{colonne}: {attendu}"])
        return texte

    vide_affirmation = f"    {affirmation.id}:\n"
    vide_nombre = f"    {nombre.id}:\n"
    # « : » collé à la réponse.
    faute(
        vide_affirmation,
        f"    {affirmation.id}:oui\n",
        f"[erreur] ajoutez une espace après « : » : écrivez « {affirmation.id}: oui » (syntaxe)",
        f"{affirmation.id}:oui",
        ":",
    )
    # Une majuscule : une seule erreur, pas aussi « 1 item sans réponse ».
    texte = faute(
        vide_affirmation,
        f"    {affirmation.id}: Oui\n",
        f"[erreur] {affirmation.id} : réponse « Oui » non reconnue ; répondez « oui » ou « non » "
        "(vouliez-vous dire « oui » ?) (affirmation)",
        f"{affirmation.id}: Oui",
        "Oui",
    )
    sans_reponse = diagnum("valider", "--format", "parsable", campagne).stdout
    assert f"({affirmation.id}" not in sans_reponse and f", {affirmation.id}" not in sans_reponse
    rempli = rempli.replace(vide_affirmation, f"    {affirmation.id}: oui\n")
    # Une clé reculée de deux espaces, suivie d'autres questions du domaine.
    precedente = re.findall(r"^    (\w+): \S", rempli[: rempli.index(vide_nombre)], re.M)[-1]
    faute(
        vide_nombre,
        f"  {nombre.id}: 8\n",
        f"[erreur] retrait incorrect : alignez « {nombre.id} » sur la clé au-dessus, « {precedente} » : 4 espaces "
        "(syntaxe)",
        f"  {nombre.id}: 8",
        nombre.id,
    )
    # Le « : » oublié.
    faute(
        vide_nombre,
        f"    {nombre.id} 8\n",
        f"[erreur] « : » manquant après « {nombre.id} » : écrivez « {nombre.id}: 8 » (syntaxe)",
        f"{nombre.id} 8",
        " 8",
    )
    # Une unité après le nombre.
    faute(
        vide_nombre,
        f"    {nombre.id}: 8 salles\n",
        f"[erreur] {nombre.id} : un nombre entier est attendu, trouvé « 8 salles » (écrivez seulement le nombre : 8) "
        "(type)",
        f"{nombre.id}: 8 salles",
        "8 salles",
    )
    # Un guillemet jamais fermé.
    faute(
        vide_nombre,
        f'    {nombre.id}: "8\n',
        f'[erreur] le guillemet « " » ouvert ligne {position(rempli, vide_nombre.strip())[0]}, colonne '
        f"{len(vide_nombre.rstrip()) + 2}, n'est jamais fermé : ajoutez « \" » à la fin de la valeur, ou retirez-le "
        "(syntaxe)",
        f'{nombre.id}: "8',
        '"',
    )
    rempli = rempli.replace(vide_nombre, f"    {nombre.id}: 8\n")
    # Un nombre de référence écrit avec une espace.
    valeur_eleves = re.search(rf"^  {eleves.id}: (\d+)$", rempli, re.M)[1]
    faute(
        f"  {eleves.id}: {valeur_eleves}\n",
        f"  {eleves.id}: 1 000\n",
        f"[erreur] {eleves.libelle} : un nombre entier est attendu, trouvé « 1 000 » (retirez les espaces : 1000) "
        "(type)",
        f"{eleves.id}: 1 000",
        "1 000",
    )
    # Une modalité mal orthographiée : la clé inconnue, pas aussi « répartition incomplète ».
    bloc = rempli.index(f"    {repartition.id}:\n")
    debut_jamais = rempli.index("      jamais:", bloc)
    texte = rempli[:debut_jamais] + "      jammais:" + rempli[debut_jamais + len("      jamais:") :]
    campagne.write_text(texte, encoding="utf-8")
    ligne = texte[:debut_jamais].count("\n") + 1
    assert constats(campagne) == (
        1,
        [
            f"{campagne}:{ligne}:7: [erreur] clé « jammais » inconnue dans la répartition « {repartition.id} » "
            "(vouliez-vous dire « jamais » ?) (cle-inconnue)"
        ],
    )

    # 3. Tout est corrigé : valider, score, rapport.
    campagne.write_text(rempli, encoding="utf-8")
    assert constats(campagne) == (0, [])
    resultat = diagnum("valider", campagne)
    assert resultat.exit_code == 0
    assert resultat.stdout == "aucun problème (1 fichier vérifié)\n"
    resultat = diagnum("score", campagne, "--format", "json")
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert '"domaines"' in resultat.stdout
    rapport = tmp_path / "rapport"
    resultat = diagnum("rapport", campagne, "-o", rapport)
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    texte_rapport = (rapport / "rapport.md").read_text(encoding="utf-8")
    valeur = int(re.search(rf"^  {REFERENTIEL.reference.items[0].id}: (\d+)$", rempli, re.M)[1])
    assert f"| {eleves.libelle} | {nombre_fr(valeur)} |" in texte_rapport

    # 4. L'année suivante : tout est repris, à vérifier ; on améliore une réponse, puis on compare.
    suivante = tmp_path / "2025-2026.yaml"
    resultat = diagnum("init", suivante, "--depuis", campagne, "--reprendre", "--campagne", "2025-2026")
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert resultat.stdout.splitlines()[1] == (
        f"Reprise de {campagne} : établissement, éléments de référence, réponses et objectifs recopiés, "
        "chacun marqué « repris de 2024-2025, à vérifier » ; vérifiez-les un à un."
    )
    texte = suivante.read_text(encoding="utf-8")
    assert f"    {nombre.id}: 8 # repris de 2024-2025, à vérifier\n" in texte
    texte = texte.replace(f"    {nombre.id}: 8 # repris de 2024-2025, à vérifier\n", f"    {nombre.id}: 12\n")
    texte = texte.replace("date:\n", "date: 2026-05-19\n", 1)
    suivante.write_text(texte, encoding="utf-8")
    assert constats(suivante) == (0, [])
    resultat = diagnum("compare", campagne, suivante)
    assert (resultat.exit_code, resultat.stderr) == (0, "")
    assert f"{nombre.id} : 8 → 12" in resultat.stdout
    # Sans --reprendre, une réponse tapée après le « # » du rappel est signalée.
    rappel = tmp_path / "rappel.yaml"
    assert diagnum("init", rappel, "--depuis", campagne).exit_code == 0
    texte = rappel.read_text(encoding="utf-8").replace(
        f"    {nombre.id}: # 2024-2025 : 8\n", f"    {nombre.id}: # 2024-2025 : 8 12\n"
    )
    rappel.write_text(texte, encoding="utf-8")
    ligne, colonne = position(texte, f"{nombre.id}: # 2024-2025 : 8 12", "12")
    assert constats(rappel) == (
        0,
        [
            f"{rappel}:{ligne}:{colonne}: [avertissement] {nombre.id} : réponse en commentaire : « 12 » est écrite "
            f"après le « # », diagnum ne la lit pas ; écrivez-la avant le « # » : {nombre.id}: 12 "
            "(reponse-en-commentaire)"
        ],
    )
