"""Intégration aux outils : CLI entièrement en français, complétion, crochet pre-commit, python -m diagnum."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.cli.traduction import traduire_message, traduire_metavar, traduire_usage

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
MAUVAIS = RACINE / "tests" / "fixtures" / "invalides" / "negatif.yaml"

runner = CliRunner()

# Textes de Click et de Typer qu'un utilisateur ne doit plus lire.
ANGLAIS = (
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message",
    "Install completion",
    "Show completion",
    "for the current shell",
    "Error:",
    "No such option",
    "Missing argument",
    "Try '",
    "for help",
    "[required]",
    "[default:",
    "<str>",
    "<path>",
    "<int>",
    "COMMAND [",
    "[ARGS]",
)


def _sous_commandes() -> list[str]:
    resultat = runner.invoke(app, ["--help"])
    bloc = resultat.stdout.split("Commandes :", 1)[1]
    return re.findall(r"^  (\w+) ", bloc, flags=re.MULTILINE)


def _sans_anglais(texte: str) -> list[str]:
    return [mot for mot in ANGLAIS if mot in texte]


# --------------------------------------------------------------------------
# Aide et erreurs d'usage en français


def test_l_aide_principale_est_en_francais():
    resultat = runner.invoke(app, ["--help"])
    assert resultat.exit_code == 0
    assert resultat.stderr == ""
    assert _sans_anglais(resultat.stdout) == []
    assert resultat.stdout.startswith("Utilisation : ")
    for attendu in ("Options :", "Commandes :", "Affiche cette aide et s'arrête.", "Installe la complétion"):
        assert attendu in resultat.stdout
    assert {"init", "valider", "schema", "referentiel"} <= set(_sous_commandes())


def test_l_aide_de_chaque_commande_est_en_francais():
    commandes = _sous_commandes()
    assert len(commandes) >= 9
    for commande in commandes:
        resultat = runner.invoke(app, [commande, "-h"])
        assert resultat.exit_code == 0, commande
        assert resultat.stderr == ""
        assert _sans_anglais(resultat.stdout) == [], commande
        assert resultat.stdout.startswith(f"Utilisation : diagnum {commande} "), commande


def test_l_aide_principale_resume_chaque_commande_sans_la_couper():
    from diagnum.cli.application import COMMANDES

    aide = runner.invoke(app, ["--help"], env={"COLUMNS": "80"}).stdout
    for nom, (*_, resume) in COMMANDES.items():
        assert len(resume) <= 80 - 15 and resume.endswith(".")
        assert f"  {nom.ljust(12)} {resume}" in aide


def test_sans_argument_l_aide_s_affiche_en_francais():
    resultat = runner.invoke(app, [])
    assert resultat.exit_code == 2  # no_args_is_help : l'aide, avec le code d'un usage incorrect
    sortie = resultat.stdout + resultat.stderr
    assert "Utilisation : diagnum" in sortie and _sans_anglais(sortie) == []


def test_une_option_inconnue_donne_un_message_francais_et_le_code_2():
    resultat = runner.invoke(app, ["--inconnue"])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr == (
        "Utilisation : diagnum [OPTIONS] COMMANDE [ARGUMENTS]...\n"
        "Essayez « diagnum -h » pour l'aide.\n"
        "\n"
        "Erreur : l'option --inconnue n'existe pas\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["valider"], "Erreur : il manque l'argument « fichiers »."),
        (
            ["valider", "--format", "xml", "a.yaml"],
            "Erreur : valeur invalide pour « --format » : « xml » ne fait pas partie des valeurs permises "
            "(texte, parsable, json, github).",
        ),
        (
            ["valider", "--formt", "json", "a.yaml"],
            "Erreur : l'option --formt n'existe pas (options possibles : --complet, --format)",
        ),
        (["commande-absente"], "Erreur : la commande « commande-absente » n'existe pas."),
        (["valdier", "a.yaml"], "Erreur : la commande « valdier » n'existe pas. Vouliez-vous dire « valider » ?"),
        (["init", "--referentiel"], "Erreur : l'option « --referentiel » attend une valeur."),
        (["score", "a.yaml", "b.yaml"], "Erreur : argument en trop : b.yaml"),
    ],
)
def test_les_erreurs_d_usage_sont_en_francais(arguments, message):
    resultat = runner.invoke(app, arguments)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert message in resultat.stderr.splitlines()
    assert _sans_anglais(resultat.stderr) == []


@pytest.mark.parametrize(
    ("anglais", "francais"),
    [
        (
            "No such option: --x (Possible options: --xa, --xb)",
            "l'option --x n'existe pas (options possibles : --xa, --xb)",
        ),
        ("Missing option '--sortie' / '-o'.", "il manque l'option « --sortie » / « -o »."),
        (
            "Invalid value for '-n': 'abc' is not a valid int.",
            "valeur invalide pour « -n » : « abc » n'est pas un nombre entier.",
        ),
        (
            "Invalid value for '-n': 12 is not in the range 0<=x<=10.",
            "valeur invalide pour « -n » : 12 n'est pas dans l'intervalle 0<=x<=10.",
        ),
        (
            "Invalid value for 'fichier': File 'a.yaml' does not exist.",
            "valeur invalide pour « fichier » : le fichier « a.yaml » n'existe pas.",
        ),
        (
            "Invalid value for 'dossier': Directory 'x' is a file.",
            "valeur invalide pour « dossier » : le dossier « x » est un fichier.",
        ),
        ("Option '--force' does not take a value.", "l'option « --force » ne prend pas de valeur."),
        ("Got unexpected extra arguments (a b)", "arguments en trop : a b"),
        ("Could not open file 'a': denied", "impossible d'ouvrir le fichier « a » : denied"),
        ("référentiel « 2099 » inconnu", "référentiel « 2099 » inconnu"),
    ],
)
def test_traduire_message(anglais, francais):
    assert traduire_message(anglais) == francais


def test_traduire_usage_et_noms_de_type():
    assert traduire_usage("[OPTIONS] COMMAND [ARGS]...") == "[OPTIONS] COMMANDE [ARGUMENTS]..."
    # Typer écrit les arguments obligatoires entre accolades : l'aide, elle, les nomme en capitales.
    assert traduire_usage("[OPTIONS] {avant} {apres}") == "[OPTIONS] AVANT APRES"
    assert traduire_usage("[OPTIONS] {fichiers}...") == "[OPTIONS] FICHIERS..."
    assert traduire_usage("[OPTIONS] [version]") == "[OPTIONS] [VERSION]"
    assert runner.invoke(app, ["compare", "--help"]).stdout.startswith(
        "Utilisation : diagnum compare [OPTIONS] AVANT APRES\n"
    )
    assert traduire_metavar("<str>") == "<texte>"
    assert traduire_metavar("<path>...") == "<chemin>..."
    assert traduire_metavar("<texte|json>") == "<texte|json>"


# --------------------------------------------------------------------------
# Processus réels : python -m diagnum, complétion, --version


def _lancer(*arguments: str, env: dict[str, str] | None = None, cwd: Path = RACINE) -> subprocess.CompletedProcess:
    environnement = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "diagnum", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environnement,
        timeout=120,
    )


def test_python_m_diagnum_help():
    processus = _lancer("--help")
    assert processus.returncode == 0, processus.stderr
    assert processus.stderr == ""
    assert processus.stdout.startswith("Utilisation : diagnum [OPTIONS] COMMANDE [ARGUMENTS]...")
    assert _sans_anglais(processus.stdout) == []


def test_version():
    from diagnum import __version__

    processus = _lancer("--version")
    assert (processus.returncode, processus.stdout, processus.stderr) == (0, f"diagnum {__version__}\n", "")


def test_la_completion_du_shell_propose_les_commandes_et_les_options():
    commande = _lancer(env={"_DIAGNUM_COMPLETE": "complete_bash", "COMP_WORDS": "diagnum val", "COMP_CWORD": "1"})
    assert commande.returncode == 0, commande.stderr
    assert commande.stdout.split() == ["valider"]
    option = _lancer(
        env={"_DIAGNUM_COMPLETE": "complete_bash", "COMP_WORDS": "diagnum referentiel --for", "COMP_CWORD": "2"}
    )
    assert option.stdout.split() == ["--format"]


def test_installer_la_completion_parle_francais(tmp_path):
    # Shell nommé explicitement (sans détection) et HOME temporaire : rien n'est écrit hors de tmp_path.
    env = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "HOME": str(tmp_path)}
    processus = _lancer("--install-completion", "bash", env=env)
    assert processus.returncode == 0, processus.stderr
    script = tmp_path / ".bash_completions" / "diagnum.sh"
    assert processus.stdout == (
        f"Complétion pour bash installée dans {script}.\nElle fonctionnera dans les prochains terminaux ouverts.\n"
    )
    assert "_DIAGNUM_COMPLETE" in script.read_text(encoding="utf-8")
    assert str(script) in (tmp_path / ".bashrc").read_text(encoding="utf-8")


def test_montrer_la_completion_et_refuser_un_shell_inconnu():
    env = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    script = _lancer("--show-completion", "zsh", env=env)
    assert script.returncode == 0, script.stderr
    assert "#compdef diagnum" in script.stdout
    inconnu = _lancer("--show-completion", "tcsh", env=env)
    assert inconnu.returncode == 2
    assert "Erreur : valeur invalide pour « --show-completion » : « tcsh » ne fait pas partie" in inconnu.stderr
    assert _sans_anglais(inconnu.stderr) == []


# --------------------------------------------------------------------------
# Crochet pre-commit : .pre-commit-hooks.yaml lu comme pre-commit le lit


def _crochet() -> dict:
    from ruamel.yaml import YAML

    crochets = YAML(typ="safe").load((RACINE / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (crochet,) = [c for c in crochets if c["id"] == "diagnum-valider"]
    return crochet


def _vise(crochet: dict, chemin: str) -> bool:
    """Comme pre-commit : ``files`` et ``exclude`` cherchés (re.search) dans le chemin relatif."""
    exclu = crochet.get("exclude") and re.search(crochet["exclude"], chemin)
    return bool(re.search(crochet.get("files", ""), chemin)) and not exclu


def test_le_crochet_est_declare_comme_demande():
    crochet = _crochet()
    assert crochet["language"] == "python"
    assert crochet["entry"] == "diagnum valider"
    assert crochet["pass_filenames"] is True
    assert "#" not in crochet["description"] and crochet["name"] == "diagnum valider"


@pytest.mark.parametrize(
    ("chemin", "vise"),
    [
        ("campagnes/college.yaml", True),
        ("etablissement/campagnes/2024.yml", True),
        ("2025.yaml", True),
        ("diagnostic/college-jean-moulin-2024-2025.yaml", True),
        (".gitlab-ci.yml", False),
        (".github/workflows/ci.yml", False),
        ("docker-compose.yaml", False),
        ("config/application.yaml", False),
        ("campagnes/notes.md", False),
        ("referentiel/2011.yaml", False),
        ("exemples/.pre-commit-2025.yaml", False),
    ],
)
def test_les_fichiers_vises_par_le_crochet(chemin, vise):
    assert _vise(_crochet(), chemin) is vise


def _executable(nom: str) -> str:
    trouve = shutil.which(nom, path=str(Path(sys.executable).parent)) or shutil.which(nom)
    assert trouve, f"{nom} introuvable : diagnum est-il installé (pip install -e .) ?"
    return trouve


def test_l_entree_du_crochet_sur_un_depot_git(tmp_path):
    crochet = _crochet()
    depot = tmp_path / "depot"
    (depot / "campagnes").mkdir(parents=True)
    (depot / "campagnes" / "2025.yaml").write_bytes(EXEMPLE.read_bytes())
    (depot / "campagnes" / "2026.yaml").write_bytes(MAUVAIS.read_bytes())
    (depot / ".gitlab-ci.yml").write_text("stages: [test]\n", encoding="utf-8")

    def git(*arguments: str) -> None:
        subprocess.run(["git", *arguments], cwd=depot, check=True, capture_output=True, timeout=60)

    git("init", "-q")
    git("add", ".")
    suivis = subprocess.run(["git", "ls-files"], cwd=depot, capture_output=True, text=True, check=True).stdout.split()
    vises = sorted(f for f in suivis if _vise(crochet, f))
    assert vises == ["campagnes/2025.yaml", "campagnes/2026.yaml"]

    programme, *arguments = shlex.split(crochet["entry"])
    commande = [_executable(programme), *arguments, *crochet.get("args", [])]

    def lancer(*fichiers: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "NO_COLOR": "1"}
        return subprocess.run([*commande, *fichiers], cwd=depot, capture_output=True, text=True, env=env, timeout=120)

    bon = lancer("campagnes/2025.yaml")
    assert bon.returncode == 0, bon.stdout + bon.stderr
    mauvais = lancer("campagnes/2026.yaml")
    assert mauvais.returncode == 1, mauvais.stdout + mauvais.stderr
    assert "campagnes/2026.yaml" in mauvais.stdout and "(negatif)" in mauvais.stdout
    assert lancer(*vises).returncode == 1


def test_pre_commit_accepte_le_manifeste():
    pytest.importorskip("pre_commit", reason="pre-commit n'est pas installé (facultatif)")
    processus = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(RACINE / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert processus.returncode == 0, processus.stdout + processus.stderr


# --------------------------------------------------------------------------
# docs/editeur.md : chaque extrait fait ce qu'il dit

DOC = RACINE / "docs" / "editeur.md"
PLUSIEURS = RACINE / "tests" / "fixtures" / "invalides" / "plusieurs-problemes.yaml"
INCOMPLETE = RACINE / "tests" / "fixtures" / "valides" / "incomplete.yaml"
GRAVITES = {"erreur": "error", "avertissement": "warning"}


def _extraits(langage: str) -> list[str]:
    from markdown_it import MarkdownIt

    jetons = MarkdownIt("commonmark").parse(DOC.read_text(encoding="utf-8"))
    return [j.content for j in jetons if j.type == "fence" and j.info.strip() == langage]


def _constats_json(*fichiers: Path) -> list[tuple[str, int, int, str, str, str]]:
    import json

    resultat = runner.invoke(app, ["valider", "--format", "json", *map(str, fichiers)])
    document = json.loads(resultat.stdout)
    return [
        (f["fichier"], d["ligne"], d["colonne"], d["gravite"], " ".join(d["message"].split()), d["code"])
        for f in document["fichiers"]
        for d in f["diagnostics"]
    ]


def _env_avec_diagnum() -> dict[str, str]:
    """PATH où ``diagnum`` est trouvé, comme dans un terminal où diagnum est installé."""
    dossier = str(Path(_executable("diagnum")).parent)
    return {**os.environ, "PATH": f"{dossier}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}


def test_le_readme_reprend_docs_editeur():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    debut, fin = "<!-- debut: editeur -->\n", "<!-- fin: editeur -->"
    assert readme.count(debut) == 1 and readme.count(fin) == 1
    section = readme.split(debut, 1)[1].split(fin, 1)[0]
    assert section == DOC.read_text(encoding="utf-8")
    assert readme.rstrip().endswith(fin)
    assert section.startswith("## Dans votre éditeur\n")


def test_la_tache_vs_code_lit_chaque_constat():
    import json

    (taches,) = [json.loads(e) for e in _extraits("json") if '"tasks"' in e]
    (tache,) = taches["tasks"]
    assert tache["command"] == "diagnum"
    assert tache["args"] == ["valider", "--format", "parsable", "${file}"]
    motifs = [(re.compile(m["pattern"]["regexp"]), m["severity"], m["pattern"]) for m in tache["problemMatcher"]]
    resultat = runner.invoke(app, ["valider", "--format", "parsable", str(PLUSIEURS), str(INCOMPLETE)])
    lignes = resultat.stdout.splitlines()
    attendus = _constats_json(PLUSIEURS, INCOMPLETE)
    assert len(lignes) == len(attendus) > 10
    assert {a[3] for a in attendus} == set(GRAVITES)  # les deux gravités sont essayées
    for ligne, (fichier, numero, colonne, gravite, message, code) in zip(lignes, attendus, strict=True):
        trouves = [(m, severite, groupes) for motif, severite, groupes in motifs if (m := motif.match(ligne))]
        assert len(trouves) == 1, ligne
        m, severite, groupes = trouves[0]
        assert severite == GRAVITES[gravite], ligne
        lu = (m[groupes["file"]], int(m[groupes["line"]]), int(m[groupes["column"]]), m[groupes["message"]])
        assert lu == (fichier, numero, colonne, message)
        assert m[groupes["code"]] == code


@pytest.mark.skipif(not shutil.which("vim"), reason="vim n'est pas installé")
def test_make_de_vim_remplit_la_liste_quickfix(tmp_path):
    (reglages,) = [e for e in _extraits("vim") if "errorformat" in e]
    script = tmp_path / "essai.vim"
    sortie = tmp_path / "quickfix.txt"
    script.write_text(
        reglages
        + "silent make\n"
        + f"call writefile(map(getqflist(), {{_, e -> e.type . ' ' . e.lnum . ' ' . e.col . ' ' . e.text}}), '{sortie}')\n"
        + "qa!\n",
        encoding="utf-8",
    )
    subprocess.run(
        ["vim", "-es", "-N", "-u", "NONE", "-i", "NONE", "-S", str(script), str(PLUSIEURS)],
        cwd=RACINE,
        env=_env_avec_diagnum(),
        timeout=120,
        check=False,
    )
    lues = sortie.read_text(encoding="utf-8").splitlines()
    attendus = [
        f"{'E' if gravite == 'erreur' else 'W'} {ligne} {colonne} {message} ({code})"
        for _, ligne, colonne, gravite, message, code in _constats_json(PLUSIEURS)
    ]
    assert lues == attendus


def _depot_de_campagnes(tmp_path: Path) -> Path:
    dossier = tmp_path / "depot"
    (dossier / "campagnes").mkdir(parents=True)
    (dossier / "campagnes" / "2025.yaml").write_bytes(EXEMPLE.read_bytes())
    (dossier / "campagnes" / "2026.yaml").write_bytes(MAUVAIS.read_bytes())
    return dossier


def _commande_diagnum(etapes: list[str], format_: str) -> str:
    (commande,) = [c for c in etapes if c.startswith("diagnum valider") and f"--format {format_}" in c]
    return commande


def test_le_workflow_github_annote_les_erreurs(tmp_path):
    from ruamel.yaml import YAML

    (workflow,) = [YAML(typ="safe").load(e) for e in _extraits("yaml") if "runs-on" in e]
    etapes = [etape["run"] for job in workflow["jobs"].values() for etape in job["steps"] if "run" in etape]
    commande = _commande_diagnum(etapes, "github")
    depot = _depot_de_campagnes(tmp_path)
    processus = subprocess.run(
        ["bash", "-c", commande], cwd=depot, env=_env_avec_diagnum(), capture_output=True, text=True
    )
    assert processus.returncode == 1, processus.stderr
    lignes = processus.stdout.splitlines()
    assert lignes and all(
        re.match(r"::(error|warning) file=campagnes/2026\.yaml,line=\d+,col=\d+::", ligne) for ligne in lignes
    )
    assert any(ligne.startswith("::error ") for ligne in lignes)


def test_le_job_gitlab_echoue_sur_une_erreur(tmp_path):
    from ruamel.yaml import YAML

    (ci,) = [YAML(typ="safe").load(e) for e in _extraits("yaml") if "script:" in e]
    (job,) = ci.values()
    commande = _commande_diagnum(job["script"], "parsable")
    depot = _depot_de_campagnes(tmp_path)
    processus = subprocess.run(
        ["bash", "-c", commande], cwd=depot, env=_env_avec_diagnum(), capture_output=True, text=True
    )
    assert processus.returncode == 1, processus.stderr
    assert processus.stdout.startswith("campagnes/2026.yaml:")
    (depot / "campagnes" / "2026.yaml").unlink()  # plus d'erreur : le job passe
    assert subprocess.run(["bash", "-c", commande], cwd=depot, env=_env_avec_diagnum()).returncode == 0


def test_la_configuration_pre_commit_de_la_doc_nomme_le_crochet():
    from ruamel.yaml import YAML

    (configuration,) = [YAML(typ="safe").load(e) for e in _extraits("yaml") if "repos:" in e]
    (depot,) = configuration["repos"]
    assert [h["id"] for h in depot["hooks"]] == [_crochet()["id"]]


# --------------------------------------------------------------------------
# NO_COLOR partout : aucune séquence ANSI, même sur un terminal

AVANT = RACINE / "exemples" / "college-jean-moulin-2023-2024.yaml"
ANSI = re.compile(r"\x1b\[")


@pytest.mark.parametrize(
    ("arguments", "avec_style"),
    [
        (["referentiel", "2011"], True),
        (["score", str(EXEMPLE)], True),
        (["valider", str(PLUSIEURS)], True),
        (["compare", str(AVANT), str(EXEMPLE)], False),
        (["evolution", str(AVANT), str(EXEMPLE)], False),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else str(v),
)
def test_no_color_meme_dans_un_terminal(arguments, avec_style):
    """Rich forcé en terminal : avec NO_COLOR, ni couleur, ni gras, ni grisé."""
    commun = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    commun |= {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "100"}
    code = f"import sys; sys.stdout.isatty = lambda: True; from diagnum.cli import main; sys.argv = {['diagnum', *arguments]!r}; main()"

    def lancer(env: dict[str, str]) -> str:
        processus = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=RACINE, timeout=120
        )
        assert processus.returncode in (0, 1), processus.stderr
        assert processus.stdout.strip()
        return processus.stdout

    assert ANSI.search(lancer({**commun, "NO_COLOR": "1"})) is None
    if avec_style:  # garde-fou : sans NO_COLOR, le style est bien là
        assert ANSI.search(lancer(commun)) is not None
