"""Ce que chaque commande importe : ``diagnum valider`` doit démarrer vite.

On lance un vrai processus et on relève, à sa sortie, les modules qu'il a
importés (``sys.modules``) : c'est ce que paie chaque appel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"

# Lourds et inutiles pour vérifier une campagne : dessin, mise en page, et pydantic
# (Typer 0.29 le construit pour chaque paramètre, voir pyproject.toml).
INTERDITS_VALIDER = ("matplotlib", "jinja2", "pydantic", "PIL", "numpy", "python_calamine", "weasyprint")
# L'enregistrement des sous-commandes ne charge que Typer et les modules de la CLI.
INTERDITS_ENREGISTREMENT = (
    *INTERDITS_VALIDER,
    "rich",
    "ruamel",
    "diagnum.calculs.comparaison",
    "diagnum.calculs.scores",
    "diagnum.campagne.validation",
    "diagnum.rapports.graphiques",
    "diagnum.rapports.rapport",
)


# Relevé à la sortie du processus : ``-X importtime`` ne voit pas les modules
# importés par ``importlib.import_module`` (les sous-commandes, chargées à la demande).
_RELEVE = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
)


def modules_importes(*arguments: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """Lance ``python -c CODE`` ou ``python -m MODULE …`` et renvoie les modules importés à la sortie."""
    if arguments[0] == "-c":
        code = _RELEVE + arguments[1]
    else:
        assert arguments[0] == "-m"
        code = (
            _RELEVE
            + f"import runpy\nsys.argv = {[arguments[1], *arguments[2:]]!r}\n"
            + f"runpy.run_module({arguments[1]!r}, run_name='__main__', alter_sys=True)\n"
        )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    env["NO_COLOR"] = "1"
    processus = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=RACINE, env=env, timeout=120
    )
    modules: set[str] = set()
    for ligne in processus.stderr.splitlines():
        if ligne.startswith("MODULES "):
            modules.update(ligne.split()[1:])
    assert modules, processus.stderr[-2000:]
    return modules, processus


def famille(modules: set[str], prefixe: str) -> list[str]:
    return sorted(m for m in modules if m == prefixe or m.startswith(prefixe + "."))


@pytest.mark.parametrize("format_", ["texte", "parsable", "json", "github"])
def test_valider_n_importe_ni_matplotlib_ni_jinja2(format_):
    modules, processus = modules_importes("-m", "diagnum", "valider", "--format", format_, str(EXEMPLE))
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert "diagnum.campagne.validation" in modules and "ruamel.yaml" in modules  # la mesure a bien vu la validation
    for interdit in INTERDITS_VALIDER:
        assert famille(modules, interdit) == [], f"valider importe {interdit}"


def test_enregistrer_les_commandes_reste_leger():
    modules, processus = modules_importes("-c", "import diagnum.cli")
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert "typer" in modules and "diagnum.cli.application" in modules
    for interdit in INTERDITS_ENREGISTREMENT:
        assert famille(modules, interdit) == [], f"l'enregistrement des commandes importe {interdit}"


def test_valider_n_importe_que_sa_propre_sous_commande():
    from diagnum.cli.application import COMMANDES

    modules, processus = modules_importes("-m", "diagnum", "valider", str(EXEMPLE))
    assert processus.returncode == 0, processus.stderr[-2000:]
    commandes = {module for module, *_ in COMMANDES.values()}
    assert sorted(commandes & modules) == ["diagnum.cli.valider"]


def test_l_aide_construit_toutes_les_sous_commandes():
    modules, processus = modules_importes("-m", "diagnum", "--help")
    assert processus.returncode == 0, processus.stderr[-2000:]
    from diagnum.cli.application import COMMANDES

    assert {module for module, *_ in COMMANDES.values()} <= modules
    for nom in COMMANDES:
        assert f"  {nom} " in processus.stdout


def test_rapport_importe_bien_ce_qu_il_dessine(tmp_path):
    """Garde-fou de la mesure : la même lecture voit matplotlib quand on dessine."""
    modules, processus = modules_importes("-m", "diagnum", "radar", str(EXEMPLE), "-o", str(tmp_path / "radar.png"))
    assert processus.returncode == 0, processus.stderr[-2000:]
    assert famille(modules, "matplotlib")


def test_les_options_de_completion_ne_sont_que_sur_diagnum():
    from typer.testing import CliRunner

    from diagnum.cli import app
    from diagnum.cli.application import COMMANDES

    runner = CliRunner()
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout
    for nom in COMMANDES:
        aide = runner.invoke(app, [nom, "--help"])
        assert aide.exit_code == 0, aide.output
        assert "completion" not in aide.stdout, nom


def _imports_internes(fichier: Path, source: Path) -> set[str]:
    """Les modules de diagnum qu'un fichier importe (un sous-module nommé dans
    ``from paquet import sous_module`` compte pour lui-même, pas pour le paquet)."""
    import ast

    trouves: set[str] = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.module.startswith("diagnum"):
            sous_modules = {
                f"{noeud.module}.{alias.name}"
                for alias in noeud.names
                if (source / noeud.module.replace(".", "/") / f"{alias.name}.py").exists()
                or (source / noeud.module.replace(".", "/") / alias.name).is_dir()
            }
            trouves |= sous_modules
            if len(sous_modules) < len(noeud.names):
                trouves.add(noeud.module)
        elif isinstance(noeud, ast.Import):
            trouves |= {alias.name for alias in noeud.names if alias.name.startswith("diagnum")}
    return trouves


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Les cycles du graphe des imports : ses composantes fortement connexes de plus d'un
    module, ou un module qui s'importe lui-même (algorithme de Tarjan, sans récursion)."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    trouves: list[list[str]] = []
    for depart in sorted(imports):
        if depart in index:
            continue
        chemin = [(depart, iter(sorted(imports[depart] & imports.keys())))]
        index[depart] = bas[depart] = len(index)
        pile.append(depart)
        sur_pile.add(depart)
        while chemin:
            module, suivants = chemin[-1]
            cible = next(suivants, None)
            if cible is not None:
                if cible not in index:
                    index[cible] = bas[cible] = len(index)
                    pile.append(cible)
                    sur_pile.add(cible)
                    chemin.append((cible, iter(sorted(imports[cible] & imports.keys()))))
                elif cible in sur_pile:
                    bas[module] = min(bas[module], index[cible])
                continue
            chemin.pop()
            if chemin:
                bas[chemin[-1][0]] = min(bas[chemin[-1][0]], bas[module])
            if bas[module] == index[module]:
                composante = []
                while True:
                    membre = pile.pop()
                    sur_pile.discard(membre)
                    composante.append(membre)
                    if membre == module:
                        break
                if len(composante) > 1 or module in imports[module]:
                    trouves.append(sorted(composante))
    return sorted(trouves)


def test_la_recherche_de_cycles_les_voit_tous() -> None:
    """Garde-fou de la recherche : un cycle à deux, à trois, une boucle sur soi ; rien sans cycle."""
    graphe = {
        "a": {"b"},
        "b": {"a", "c"},
        "c": {"d"},
        "d": {"e"},
        "e": {"c", "f"},
        "f": set(),
        "g": {"g"},
        "h": {"f", "hors_du_paquet"},
    }
    assert cycles(graphe) == [["a", "b"], ["c", "d", "e"], ["g"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_aucun_cycle_d_imports() -> None:
    """Aucun module n'importe, même de loin, un module qui l'importe. Les imports paresseux
    (dans une fonction) comptent : ils retardent le chargement, pas la dépendance, et un
    cycle fait de modules qu'on ne comprend qu'ensemble reste un cycle."""
    source = RACINE / "src"
    imports: dict[str, set[str]] = {}
    for fichier in sorted((source / "diagnum").rglob("*.py")):
        nom = ".".join(fichier.relative_to(source).with_suffix("").parts).removesuffix(".__init__")
        imports[nom] = _imports_internes(fichier, source)
    assert len(imports) > 20, "les modules du paquet sont trouvés"
    assert "diagnum.lecture_yaml" in imports["diagnum.referentiel"], "les imports paresseux sont lus"
    assert cycles(imports) == []


#: Ce que chaque dossier du paquet peut importer (« Carte du paquet » de CONTRIBUTING.md) ; « racine » :
#: les modules de ``diagnum/`` même. ``cli`` peut tout importer, et seul ``__main__`` l'importe.
PEUT_IMPORTER = {
    "racine": {"campagne"},  # campagne.diagnostics : la forme d'un constat, que la lecture YAML produit aussi
    "campagne": {"racine", "calculs"},
    "calculs": {"racine", "campagne"},
    "enquetes": {"racine", "campagne", "calculs"},
    "sources": {"racine", "campagne", "calculs", "enquetes"},
    "classeurs": {"racine", "campagne", "enquetes"},  # enquetes.lecture : la lecture bornée d'un classeur
    "territoire": {"racine", "campagne", "calculs", "rapports", "sorties"},
    "rapports": {"racine", "campagne", "calculs", "territoire", "sorties"},
    "sorties": {"racine", "campagne", "calculs", "enquetes", "sources", "classeurs", "territoire", "rapports"},
}


def test_chaque_dossier_n_importe_que_ce_que_la_carte_permet() -> None:
    source = RACINE / "src"
    dossiers = {p.name for p in (source / "diagnum").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert dossiers == {*PEUT_IMPORTER, "cli"} - {"racine"}, "chaque dossier a sa ligne dans la carte"

    def dossier(module: str) -> str:
        parties = module.split(".")
        return parties[1] if len(parties) > 2 or (parties[1:] and parties[1] in dossiers) else "racine"

    ecarts = []
    for fichier in sorted((source / "diagnum").rglob("*.py")):
        nom = ".".join(fichier.relative_to(source).with_suffix("").parts).removesuffix(".__init__")
        if nom in ("diagnum", "diagnum.__main__"):
            continue
        de = dossier(nom)
        for cible in _imports_internes(fichier, source):
            vers = dossier(cible) if cible != "diagnum" else "racine"
            if vers != de and de != "cli" and vers not in PEUT_IMPORTER[de]:
                ecarts.append(f"{nom} → {cible}")
    assert ecarts == []
