"""Le README se suit à la lettre : le bloc ``objectifs:`` documenté est valide et complet, la version de Python
est celle du paquet, et la première commande écrit son rapport là où ``git status`` ne le montre pas."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from diagnum.campagne.chargement import valider_texte
from diagnum.campagne.modele import STATUTS_ACTION
from diagnum.campagne.validation import CLES_ACTION, CLES_OBJECTIF
from diagnum.referentiel import charger_referentiel

RACINE = Path(__file__).resolve().parents[1]
README = (RACINE / "README.md").read_text(encoding="utf-8")
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"


def section_objectifs() -> str:
    debut = README.index("## Les objectifs : le bloc `objectifs:`")
    return README[debut : README.index("\n## ", debut + 1)]


def test_l_exemple_d_objectifs_du_readme_est_valide_tel_quel():
    (bloc,) = re.findall(r"```yaml\n(objectifs:\n.*?)```", section_objectifs(), re.S)
    campagne = EXEMPLE.read_text(encoding="utf-8")
    campagne = campagne[: campagne.index("\nobjectifs:")] + "\n" + bloc
    resultat = valider_texte(campagne.encode("utf-8"))
    assert not [d for d in resultat.diagnostics if d.est_erreur], resultat.diagnostics
    objectifs = resultat.campagne.objectifs
    assert [o.domaine for o in objectifs] == re.findall(r"- domaine: (\w+)", bloc)
    assert objectifs[0].actions[0].statut in STATUTS_ACTION


def test_chaque_champ_chaque_statut_et_chaque_domaine_sont_documentes():
    texte = section_objectifs()
    for cle in CLES_OBJECTIF:
        assert f"| `{cle}` |" in texte, cle
    for cle in CLES_ACTION:
        assert f"| `actions` → `{cle}` |" in texte, cle
    for statut in STATUTS_ACTION:
        assert f"`{statut}`" in texte, statut
    for domaine in charger_referentiel("2011").domaines:
        assert f"`{domaine.id}`" in texte, domaine.id
    assert "atteint" in texte and "au moins égal à la cible" in texte


def test_la_version_de_python_annoncee_est_celle_du_paquet():
    projet = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))
    minimum = projet["project"]["requires-python"].removeprefix(">=")
    assert f"**Il faut Python {minimum} ou plus récent**" in README
    assert "Windows" in README and "Debian" in README and "Ubuntu" in README


@pytest.mark.skipif(shutil.which("git") is None or not (RACINE / ".git").exists(), reason="hors d'un dépôt git")
def test_le_dossier_du_rapport_d_exemple_est_ignore_par_git():
    premiere = re.search(r"```sh\n(.*?)\n```", README, re.S).group(1)
    (dossier,) = re.findall(r"diagnum rapport \S+ -o (\S+)", premiere)
    resultat = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", f"{dossier}/rapport.md"], cwd=RACINE, check=False
    )
    assert resultat.returncode == 0, f"{dossier}/ n'est pas ignoré par git"


def section_communiquer() -> str:
    debut = README.index("## Communiquer les progrès")
    return README[debut : README.index("\n## ", debut + 1)]


def test_la_section_communiquer_documente_chaque_public_et_chaque_partie():
    from diagnum.campagne.communication import PARTIES, PUBLICS

    texte = section_communiquer()
    for public in PUBLICS:
        assert f"| `{public}` |" in texte, public
        assert f"--public {public} " in texte, "un exemple par public"
        image = RACINE / "docs" / f"communiquer-{public}.png"
        assert f"](docs/{image.name})" in texte and image.is_file(), image
    for partie in PARTIES:
        assert f"| `{partie}` |" in texte, partie
    assert "ne fixe pas d'objectifs" in texte and "moins de 5" in texte


def test_le_bloc_communication_du_readme_est_celui_de_l_exemple():
    (bloc,) = re.findall(r"```yaml\n(communication:\n.*?)```", section_communiquer(), re.S)
    campagne = EXEMPLE.read_text(encoding="utf-8")
    assert campagne.endswith(bloc), "le README montre le bloc de l'exemple, tel quel"


def test_les_exemples_de_la_section_communiquer_marchent(tmp_path, monkeypatch):
    from outils_rapports import diagnum

    monkeypatch.chdir(RACINE)
    commandes = re.findall(r"^\$ diagnum (communiquer .*)$", section_communiquer(), re.M)
    assert len(commandes) == 5
    for commande in commandes:
        # Le PDF demande le plus de temps et ne change rien à ce que l'on vérifie ici : html à la place.
        arguments = re.sub(r"--format (pdf|tout)", "--format html", commande).replace(
            "-o communication", f"-o {tmp_path}"
        )
        arguments = arguments.split()
        resultat = diagnum(*arguments)
        assert resultat.exit_code == 0, (commande, resultat.output)


def test_le_readme_dit_comment_appeler_diagnum_avant_le_premier_init():
    # le premier exemple à taper : « diagnum init … » en début de ligne d'un bloc de commandes
    premier_init = re.search(r"^\s*diagnum init ", README, re.M).start()
    for consigne in ("source .venv/bin/activate", ".venv\\Scripts\\activate", "`.venv/bin/diagnum init"):
        assert -1 < README.find(consigne) < premier_init, consigne
