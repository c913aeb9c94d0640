"""Écritures sûres (issue 15, points 6, 7 et 9) : dossiers de rapport remplacés en entier ou pas du
tout, interruptions sans temporaire, liens symboliques jamais suivis, tubes nommés refusés.

Chaque test part du reproducteur de la campagne d'attaque : un ``rapport --force`` interrompu
laissait l'ancien ``rapport.md`` à côté de nouvelles images et des ``.radar.png.XXXX.tmp`` ; un lien
cassé ``DOSSIER/rapport.md → ailleurs`` était écrit à travers ; ``init`` sur un lien cassé créait sa
cible ; un tube nommé donné comme campagne bloquait ``valider``.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum import fichiers
from diagnum.cli import app
from diagnum.erreurs import ErreurFichier, ErreurProbleme
from diagnum.fichiers import ecrire_dossier
from outils_progression import APRES, AVANT
from test_fichiers import echoue

runner = CliRunner()
E = APRES


def contenu(dossier: Path) -> dict[str, bytes]:
    """Chaque fichier d'un dossier (liens compris, par leur cible écrite) et ses octets."""
    resultat = {}
    for chemin in sorted(dossier.iterdir()):
        if chemin.is_dir() and not chemin.is_symlink():
            continue
        resultat[chemin.name] = os.readlink(chemin).encode() if chemin.is_symlink() else chemin.read_bytes()
    return resultat


def caches(dossier: Path) -> list[str]:
    """Les temporaires laissés dans un dossier (noms cachés)."""
    return sorted(p.name for p in dossier.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def ancien_rapport(tmp_path_factory) -> dict[str, bytes]:
    """Le rapport de la campagne précédente : il doit survivre intact à toute interruption."""
    dossier = tmp_path_factory.mktemp("ancien") / "rapport"
    resultat = runner.invoke(app, ["rapport", str(AVANT), "-o", str(dossier)])
    assert resultat.exit_code == 0, resultat.output
    return contenu(dossier)


def poser(dossier: Path, fichiers_: dict[str, bytes]) -> None:
    dossier.mkdir()
    for nom, octets in fichiers_.items():
        (dossier / nom).write_bytes(octets)


# --------------------------------------------------------------------------
# Point 6 : un dossier de rapport remplacé en entier, ou pas du tout


@pytest.mark.parametrize("signal_recu", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("au_fichier", [1, 2, 5])
def test_rapport_force_interrompu_garde_l_ancien_rapport(
    tmp_path, monkeypatch, ancien_rapport, signal_recu, au_fichier
):
    """Reproducteur : interrompu quand apparaît un fichier temporaire, ``rapport --force`` laissait
    l'ancien rapport.md à côté de nouvelles images, et des temporaires."""
    dossier = tmp_path / "rapport"
    poser(dossier, ancien_rapport)
    vraie_ecriture = fichiers._ecrire_neuf
    ecrits = []

    def ecrire_puis_signal(chemin, contenu_, mode):
        vraie_ecriture(chemin, contenu_, mode)
        ecrits.append(chemin.name)
        if len(ecrits) == au_fichier:
            os.kill(os.getpid(), signal_recu)

    monkeypatch.setattr(fichiers, "_ecrire_neuf", ecrire_puis_signal)
    resultat = runner.invoke(app, ["rapport", str(E), "-o", str(dossier), "--force"])
    assert resultat.exit_code == 128 + signal_recu, resultat.output
    assert resultat.stdout == ""
    assert resultat.stderr == "diagnum : interrompu\n"
    assert contenu(dossier) == ancien_rapport
    assert caches(tmp_path) == [] and caches(dossier) == []
    # Les réglages des signaux sont remis après l'écriture.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_rapport_force_en_echec_garde_l_ancien_rapport(tmp_path, monkeypatch, ancien_rapport):
    dossier = tmp_path / "rapport"
    poser(dossier, ancien_rapport)
    vraie_ecriture = fichiers._ecrire_neuf
    ecrits = []

    def disque_plein(chemin, contenu_, mode):
        ecrits.append(chemin.name)
        if len(ecrits) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(chemin))
        vraie_ecriture(chemin, contenu_, mode)

    monkeypatch.setattr(fichiers, "_ecrire_neuf", disque_plein)
    resultat = runner.invoke(app, ["rapport", str(E), "-o", str(dossier), "--force"])
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "plus de place sur le disque" in resultat.stderr
    assert contenu(dossier) == ancien_rapport
    assert caches(tmp_path) == []


def test_rapport_force_remplace_tout_le_rapport_et_garde_le_reste(tmp_path, ancien_rapport):
    dossier = tmp_path / "rapport"
    poser(dossier, ancien_rapport)
    (dossier / "notes.txt").write_text("à garder", encoding="utf-8")
    (dossier / "annexes").mkdir()
    (dossier / "annexes" / "budget.txt").write_text("à garder aussi", encoding="utf-8")
    dossier.chmod(0o750)
    resultat = runner.invoke(app, ["rapport", str(E), "-o", str(dossier), "--force"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stderr == ""
    assert resultat.stdout == f"{dossier / 'rapport.md'} : rapport écrit ({len(ancien_rapport) - 1} images).\n"
    nouveau = contenu(dossier)
    assert nouveau["rapport.md"] != ancien_rapport["rapport.md"]
    assert b"2024-2025" in nouveau["rapport.md"]
    assert (dossier / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert (dossier / "annexes" / "budget.txt").read_text(encoding="utf-8") == "à garder aussi"
    assert dossier.stat().st_mode & 0o777 == 0o750
    assert caches(tmp_path) == []


def test_ecrire_dossier_neuf_puis_refus_sans_force(tmp_path):
    dossier = tmp_path / "sortie"
    assert ecrire_dossier(dossier, {"a.md": "texte", "b.png": b"\x89PNG"}) == dossier
    assert contenu(dossier) == {"a.md": b"texte", "b.png": b"\x89PNG"}
    with pytest.raises(ErreurProbleme, match=r"a\.md existe déjà"):
        ecrire_dossier(dossier, {"a.md": "autre"})
    assert contenu(dossier) == {"a.md": b"texte", "b.png": b"\x89PNG"}
    # Un autre rapport dans le même dossier (compare -o puis evolution -o) : les deux restent.
    ecrire_dossier(dossier, {"c.md": "troisième"})
    assert sorted(contenu(dossier)) == ["a.md", "b.png", "c.md"]
    assert caches(tmp_path) == []


def test_ecrire_dossier_sans_echange_atomique(tmp_path, monkeypatch):
    """Là où renameat2 n'existe pas, deux renommages : le résultat est le même."""
    monkeypatch.setattr(fichiers, "_renameat2", lambda *_: False)
    dossier = tmp_path / "sortie"
    ecrire_dossier(dossier, {"a.md": "un"})
    ecrire_dossier(dossier, {"a.md": "deux"}, force=True)
    assert contenu(dossier) == {"a.md": b"deux"}
    assert caches(tmp_path) == []


def test_sigterm_pendant_ecrire_atomique_ne_laisse_pas_de_temporaire(tmp_path, monkeypatch):
    """Reproducteur : SIGTERM laissait des ``.radar.png.XXXX.tmp``."""
    vrai_fsync = os.fsync

    def fsync_puis_signal(descripteur):
        vrai_fsync(descripteur)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", fsync_puis_signal)
    resultat = runner.invoke(app, ["radar", str(E), "-o", str(tmp_path / "radar.png")])
    assert resultat.exit_code == 128 + signal.SIGTERM
    assert resultat.stderr == "diagnum : interrompu\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_sigterm_reel_pendant_un_rapport(tmp_path, ancien_rapport):
    """Un vrai processus tué pendant l'écriture : l'ancien rapport ou le nouveau, entier, sans temporaire."""
    dossier = tmp_path / "rapport"
    poser(dossier, ancien_rapport)
    script = (
        "import os, signal, sys\n"
        "from diagnum import fichiers\n"
        "vraie = fichiers._ecrire_neuf\n"
        "def lente(*a):\n"
        "    vraie(*a)\n"
        "    print('ecrit', flush=True)\n"
        "    sys.stdin.readline()\n"
        "fichiers._ecrire_neuf = lente\n"
        "from diagnum.cli import app\n"
        "app()\n"
    )
    processus = subprocess.Popen(
        [sys.executable, "-c", script, "rapport", str(E), "-o", str(dossier), "--force"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert processus.stdout.readline() == "ecrit\n"
    assert any(p.name.startswith(".rapport.") for p in tmp_path.iterdir())
    processus.send_signal(signal.SIGTERM)
    _, erreurs = processus.communicate(timeout=60)
    assert processus.returncode == 128 + signal.SIGTERM, erreurs
    assert erreurs == "diagnum : interrompu\n"
    assert contenu(dossier) == ancien_rapport
    assert caches(tmp_path) == []


# --------------------------------------------------------------------------
# Point 7 : les liens symboliques


def lien_casse(dossier: Path, nom: str, tmp_path: Path) -> Path:
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir(exist_ok=True)
    (dossier / nom).symlink_to(ailleurs / nom)
    return ailleurs


COMMANDES_RAPPORT = {
    "rapport": (["rapport", str(E)], "rapport.md"),
    "compare": (["compare", str(AVANT), str(APRES)], "progression.md"),
    "evolution": (["evolution", str(AVANT), str(APRES)], "evolution.md"),
}


@pytest.mark.parametrize("commande", sorted(COMMANDES_RAPPORT))
def test_un_lien_casse_dans_le_dossier_n_est_pas_suivi_sans_force(tmp_path, commande):
    """Reproducteur : ``DOSSIER/rapport.md → ailleurs`` (cassé) était écrit à travers, sans --force."""
    arguments, nom = COMMANDES_RAPPORT[commande]
    dossier = tmp_path / "sortie"
    dossier.mkdir()
    ailleurs = lien_casse(dossier, nom, tmp_path)
    resultat = runner.invoke(app, [*arguments, "-o", str(dossier)])
    assert resultat.exit_code == 1, resultat.output
    assert resultat.stdout == ""
    assert f"{dossier} : {nom} existe déjà : rien n'a été écrit" in resultat.stderr
    assert list(ailleurs.iterdir()) == []
    assert sorted(p.name for p in dossier.iterdir()) == [nom]


@pytest.mark.parametrize("commande", sorted(COMMANDES_RAPPORT))
def test_avec_force_le_lien_est_remplace_pas_sa_cible(tmp_path, commande):
    arguments, nom = COMMANDES_RAPPORT[commande]
    dossier = tmp_path / "sortie"
    dossier.mkdir()
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    (ailleurs / nom).write_text("à ne pas toucher", encoding="utf-8")
    (dossier / nom).symlink_to(ailleurs / nom)
    resultat = runner.invoke(app, [*arguments, "-o", str(dossier), "--force"])
    assert resultat.exit_code == 0, resultat.output
    assert not (dossier / nom).is_symlink()
    assert (dossier / nom).read_text(encoding="utf-8").startswith("#")
    assert (ailleurs / nom).read_text(encoding="utf-8") == "à ne pas toucher"


def test_init_sur_un_lien_casse_ne_cree_pas_sa_cible(tmp_path):
    """Reproducteur : ``init`` sur un lien cassé créait la cible du lien."""
    lien = tmp_path / "2025.yaml"
    cible = tmp_path / "ailleurs.yaml"
    lien.symlink_to(cible)
    resultat = runner.invoke(app, ["init", str(lien)])
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    assert resultat.stderr == (
        f"diagnum : {lien} est un lien symbolique : rien n'a été écrit (ajoutez --force pour remplacer le lien "
        "lui-même par un fichier ; sa cible n'est jamais modifiée)\n"
    )
    assert not cible.exists() and lien.is_symlink()
    resultat = runner.invoke(app, ["init", str(lien), "--force"])
    assert resultat.exit_code == 0, resultat.output
    assert not lien.is_symlink() and not cible.exists()
    assert runner.invoke(app, ["valider", str(lien)]).exit_code == 0


def test_radar_et_score_sur_un_lien(tmp_path):
    ailleurs = tmp_path / "ailleurs.png"
    sortie = tmp_path / "radar.png"
    sortie.symlink_to(ailleurs)
    resultat = runner.invoke(app, ["radar", str(E), "-o", str(sortie)])
    assert resultat.exit_code == 1 and "lien symbolique" in resultat.stderr
    assert not ailleurs.exists()
    json_ = tmp_path / "profil.json"
    json_.symlink_to(tmp_path / "ailleurs.json")
    resultat = runner.invoke(app, ["score", str(E), "--format", "json", "-o", str(json_)])
    assert resultat.exit_code == 1 and "lien symbolique" in resultat.stderr
    assert not (tmp_path / "ailleurs.json").exists()


def test_un_dossier_de_sortie_lien_vers_un_dossier_est_suivi(tmp_path):
    """Le dossier ``-o`` lui-même peut être un lien vers un dossier : c'est ce dossier que l'utilisateur désigne."""
    vrai = tmp_path / "vrai"
    vrai.mkdir()
    lien = tmp_path / "lien"
    lien.symlink_to(vrai)
    resultat = runner.invoke(app, ["rapport", str(E), "-o", str(lien)])
    assert resultat.exit_code == 0, resultat.output
    assert lien.is_symlink() and (vrai / "rapport.md").is_file()
    assert caches(tmp_path) == []


def test_un_dossier_de_sortie_lien_casse_est_refuse(tmp_path):
    lien = tmp_path / "lien"
    lien.symlink_to(tmp_path / "absent")
    with pytest.raises(ErreurFichier, match="lien symbolique vers un dossier introuvable"):
        ecrire_dossier(lien, {"a.md": "x"}, force=True)
    assert not (tmp_path / "absent").exists()


# --------------------------------------------------------------------------
# Point 9 : un tube nommé n'est pas un fichier de campagne


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés sur ce système")
def test_un_tube_nomme_est_refuse_sans_attendre(tmp_path):
    """Reproducteur : un tube nommé donné comme campagne bloquait ``valider`` pour toujours."""
    tube = tmp_path / "campagne.yaml"
    os.mkfifo(tube)
    resultat = subprocess.run(
        [sys.executable, "-c", "from diagnum.cli import app; app()", "valider", str(tube), str(E)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode == 2
    assert resultat.stderr == (
        f"diagnum : {tube} : ce n'est pas un fichier ordinaire (tube, périphérique…) ; donnez un fichier de campagne\n"
    )
    assert resultat.stdout == "aucun problème (1 fichier vérifié) ; 1 fichier non lu (voir plus haut)\n"


def test_le_dossier_courant_n_est_pas_echange(tmp_path, monkeypatch, ancien_rapport):
    """« -o . » : le terminal ne doit pas se retrouver dans un dossier effacé ; fichiers écrits un à un."""
    dossier = tmp_path / "rapport"
    poser(dossier, ancien_rapport)
    monkeypatch.chdir(dossier)
    inode = dossier.stat().st_ino
    resultat = runner.invoke(app, ["rapport", str(E), "-o", ".", "--force"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout.startswith("rapport.md : rapport écrit")
    assert dossier.stat().st_ino == inode
    assert b"2024-2025" in (dossier / "rapport.md").read_bytes()
    assert caches(tmp_path) == [] and caches(dossier) == []
    resultat = runner.invoke(app, ["rapport", str(E), "-o", "."])
    assert resultat.exit_code == 1
    assert resultat.stderr.startswith("diagnum : . : rapport.md existe déjà")


@pytest.mark.parametrize("ou", ["mkdtemp", "echange"])
def test_un_dossier_qu_on_ne_peut_echanger_recoit_ses_fichiers_un_a_un(tmp_path, monkeypatch, ou):
    """Dossier parent sans droit d'écriture, point de montage : le rapport est quand même écrit."""
    import tempfile

    dossier = tmp_path / "sortie"
    ecrire_dossier(dossier, {"a.png": b"ancien", "a.md": "ancien"})
    if ou == "mkdtemp":
        monkeypatch.setattr(tempfile, "mkdtemp", echoue(errno.EACCES))
    else:
        monkeypatch.setattr(fichiers, "_echanger", echoue(errno.EBUSY))
    ecrire_dossier(dossier, {"a.png": b"nouveau", "a.md": "nouveau"}, force=True)
    assert contenu(dossier) == {"a.md": b"nouveau", "a.png": b"nouveau"}
    assert caches(tmp_path) == []
