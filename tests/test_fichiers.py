"""Écriture atomique et erreurs du système de fichiers.

Les pannes (disque plein, permission refusée) sont simulées en remplaçant la
fonction du système qui échouerait : les tests tournent en root en CI, où un
dossier en lecture seule n'empêche pas d'écrire.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagnum.cli import app
from diagnum.erreurs import SORTIE_IMPOSSIBLE, SORTIE_PROBLEMES, ErreurFichier, ErreurProbleme
from diagnum.fichiers import ecrire_atomique, lire_octets, preparer_dossier

RACINE = Path(__file__).resolve().parents[1]
EXEMPLE = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
runner = CliRunner()
EST_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def contenu_dossier(dossier: Path) -> list[str]:
    return sorted(p.name for p in dossier.iterdir())


def echoue(numero: int):
    """Une fonction du système qui échoue comme le ferait le vrai système (OSError → sous-classe)."""

    def fonction(*_args, **_kwargs):
        raise OSError(numero, os.strerror(numero))

    return fonction


def umask() -> int:
    masque = os.umask(0)
    os.umask(masque)
    return masque


# --------------------------------------------------------------------------
# ecrire_atomique : cas ordinaires


def test_ecrit_un_fichier_neuf_avec_les_permissions_par_defaut(tmp_path):
    cible = tmp_path / "campagne.yaml"
    ecrire_atomique(cible, "clé : « valeur »\n")
    assert cible.read_text(encoding="utf-8") == "clé : « valeur »\n"
    assert stat.S_IMODE(cible.stat().st_mode) == 0o666 & ~umask()
    assert contenu_dossier(tmp_path) == ["campagne.yaml"]


def test_ecrit_des_octets_tels_quels(tmp_path):
    cible = tmp_path / "image.png"
    ecrire_atomique(cible, b"\x89PNG\x00\xff")
    assert cible.read_bytes() == b"\x89PNG\x00\xff"


def test_refuse_d_ecraser_sans_force(tmp_path):
    cible = tmp_path / "campagne.yaml"
    cible.write_text("original")
    with pytest.raises(ErreurProbleme) as exc:
        ecrire_atomique(cible, "nouveau")
    assert exc.value.code_sortie == SORTIE_PROBLEMES
    assert "existe déjà" in exc.value.message and "--force" in exc.value.message
    assert cible.read_text() == "original"
    assert contenu_dossier(tmp_path) == ["campagne.yaml"]


def test_force_remplace_et_garde_les_permissions(tmp_path):
    cible = tmp_path / "campagne.yaml"
    cible.write_text("original")
    cible.chmod(0o640)
    ecrire_atomique(cible, "nouveau", force=True)
    assert cible.read_text() == "nouveau"
    assert stat.S_IMODE(cible.stat().st_mode) == 0o640
    assert contenu_dossier(tmp_path) == ["campagne.yaml"]


def lien_vers_ailleurs(tmp_path: Path, cassé: bool) -> tuple[Path, Path, Path]:
    """Un lien ``lien.yaml`` vers ``ailleurs/vrai.yaml`` (absent si ``cassé``)."""
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    vrai = ailleurs / "vrai.yaml"
    if not cassé:
        vrai.write_text("original")
    lien = tmp_path / "lien.yaml"
    lien.symlink_to(vrai)
    return ailleurs, vrai, lien


@pytest.mark.parametrize("cassé", [False, True], ids=["lien", "lien-cassé"])
def test_sans_force_un_lien_symbolique_n_est_jamais_suivi(tmp_path, cassé):
    """Reproducteur : un lien (même cassé) vers ailleurs était écrit à travers, sans --force."""
    ailleurs, vrai, lien = lien_vers_ailleurs(tmp_path, cassé)
    with pytest.raises(ErreurProbleme, match="lien symbolique"):
        ecrire_atomique(lien, "nouveau")
    assert lien.is_symlink()
    assert contenu_dossier(ailleurs) == ([] if cassé else ["vrai.yaml"])
    if not cassé:
        assert vrai.read_text() == "original"


@pytest.mark.parametrize("cassé", [False, True], ids=["lien", "lien-cassé"])
def test_avec_force_le_lien_lui_meme_est_remplace(tmp_path, cassé):
    ailleurs, vrai, lien = lien_vers_ailleurs(tmp_path, cassé)
    ecrire_atomique(lien, "nouveau", force=True)
    assert not lien.is_symlink()
    assert lien.read_text() == "nouveau"
    assert contenu_dossier(ailleurs) == ([] if cassé else ["vrai.yaml"])
    if not cassé:
        assert vrai.read_text() == "original"


def test_un_fichier_apparu_entre_temps_n_est_pas_ecrase(tmp_path, monkeypatch):
    """Sans --force, la mise en place (os.link) échoue si le nom a été pris depuis la vérification."""
    cible = tmp_path / "campagne.yaml"
    vrai_link = os.link

    def concurrent(source, destination):
        Path(destination).write_text("écrit par un autre")
        return vrai_link(source, destination)

    monkeypatch.setattr(os, "link", concurrent)
    with pytest.raises(ErreurProbleme):
        ecrire_atomique(cible, "le mien")
    assert cible.read_text() == "écrit par un autre"
    assert contenu_dossier(tmp_path) == ["campagne.yaml"]


def test_sans_liens_physiques_on_renomme(tmp_path, monkeypatch):
    """Sur une clé FAT ou un partage sans liens, l'écriture se fait quand même."""

    monkeypatch.setattr(os, "link", echoue(errno.EPERM))
    cible = tmp_path / "campagne.yaml"
    ecrire_atomique(cible, "contenu")
    assert cible.read_text() == "contenu"
    assert contenu_dossier(tmp_path) == ["campagne.yaml"]


# --------------------------------------------------------------------------
# ecrire_atomique : pannes


class FluxDisquePlein(io.RawIOBase):
    """Un flux qui écrit la moitié des données puis signale un disque plein."""

    def __init__(self, flux):
        self.flux = flux

    def write(self, donnees):
        self.flux.write(bytes(donnees[: len(donnees) // 2]))
        self.flux.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self):
        return self.flux.fileno()

    def close(self):
        self.flux.close()
        super().close()


@pytest.mark.parametrize("force", [False, True])
def test_disque_plein_pendant_l_ecriture(tmp_path, monkeypatch, force):
    cible = tmp_path / "rapport.md"
    if force:
        cible.write_text("rapport précédent, complet")
    vrai_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FluxDisquePlein(vrai_fdopen(fd, *a, **k)))
    with pytest.raises(ErreurFichier) as exc:
        ecrire_atomique(cible, "x" * 10_000, force=force)
    assert exc.value.code_sortie == SORTIE_IMPOSSIBLE
    assert exc.value.message == f"{cible} : plus de place sur le disque"
    if force:
        assert cible.read_text() == "rapport précédent, complet"
        assert contenu_dossier(tmp_path) == ["rapport.md"]
    else:
        assert contenu_dossier(tmp_path) == []


@pytest.mark.parametrize(
    ("fonction", "numero", "message"),
    [("fsync", errno.ENOSPC, "plus de place sur le disque"), ("replace", errno.EACCES, "permission refusée")],
)
def test_panne_apres_l_ecriture_garde_l_original(tmp_path, monkeypatch, fonction, numero, message):
    """fsync (disque plein) ou os.replace (fichier protégé) échoue : l'original reste, le temporaire disparaît."""
    cible = tmp_path / "rapport.md"
    cible.write_text("original")
    monkeypatch.setattr(os, fonction, echoue(numero))
    with pytest.raises(ErreurFichier) as exc:
        ecrire_atomique(cible, "nouveau", force=True)
    assert exc.value.message == f"{cible} : {message}"
    assert cible.read_text() == "original"
    assert contenu_dossier(tmp_path) == ["rapport.md"]


def test_dossier_en_lecture_seule_simule(tmp_path, monkeypatch):
    """Le temporaire ne peut pas être créé : message français, rien d'écrit."""
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", echoue(errno.EACCES))
    cible = tmp_path / "campagne.yaml"
    with pytest.raises(ErreurFichier) as exc:
        ecrire_atomique(cible, "contenu")
    assert exc.value.message == f"{cible} : permission refusée"
    assert contenu_dossier(tmp_path) == []


@pytest.mark.skipif(EST_ROOT, reason="en root, chmod 0o555 n'empêche pas d'écrire : voir la version simulée")
def test_dossier_en_lecture_seule_reel(tmp_path):
    dossier = tmp_path / "protege"
    dossier.mkdir()
    dossier.chmod(0o555)
    try:
        with pytest.raises(ErreurFichier, match="permission refusée"):
            ecrire_atomique(dossier / "campagne.yaml", "contenu")
        assert contenu_dossier(dossier) == []
    finally:
        dossier.chmod(0o755)


def test_un_dossier_a_la_place_du_fichier(tmp_path):
    (tmp_path / "campagne.yaml").mkdir()
    with pytest.raises(ErreurFichier, match="c'est un dossier, un fichier est attendu"):
        ecrire_atomique(tmp_path / "campagne.yaml", "contenu", force=True)


def test_dossier_parent_absent(tmp_path):
    with pytest.raises(ErreurFichier, match="dossier introuvable"):
        ecrire_atomique(tmp_path / "absent" / "campagne.yaml", "contenu")


def test_un_fichier_a_la_place_du_dossier_parent(tmp_path):
    (tmp_path / "fichier").write_text("")
    with pytest.raises(ErreurFichier) as exc:
        ecrire_atomique(tmp_path / "fichier" / "campagne.yaml", "contenu")
    assert exc.value.code_sortie == SORTIE_IMPOSSIBLE


# --------------------------------------------------------------------------
# Lecture bornée, dossier de sortie


def test_lecture_bornee(tmp_path):
    chemin = tmp_path / "gros.yaml"
    chemin.write_bytes(b"a" * 100)
    assert lire_octets(chemin, limite=10) == b"a" * 11
    assert lire_octets(chemin) == b"a" * 100


def test_lecture_d_un_dossier_ou_d_un_absent(tmp_path):
    with pytest.raises(ErreurFichier, match="c'est un dossier"):
        lire_octets(tmp_path)
    with pytest.raises(ErreurFichier, match="fichier ou dossier introuvable"):
        lire_octets(tmp_path / "absent.yaml")


def test_preparer_dossier(tmp_path):
    assert preparer_dossier(tmp_path / "neuf").is_dir()
    assert preparer_dossier(tmp_path / "neuf").is_dir()  # déjà là : rien à faire
    (tmp_path / "fichier").write_text("")
    with pytest.raises(ErreurFichier, match="ce n'est pas un dossier"):
        preparer_dossier(tmp_path / "fichier")
    with pytest.raises(ErreurFichier, match="introuvable"):
        preparer_dossier(tmp_path / "absent" / "neuf")


# --------------------------------------------------------------------------
# Par la ligne de commande : une ligne en français, code 2


def une_ligne_code_2(resultat, *attendus: str) -> None:
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit)
    assert resultat.exit_code == SORTIE_IMPOSSIBLE, resultat.output
    lignes = resultat.stderr.strip().splitlines()
    assert len(lignes) == 1, resultat.stderr
    assert lignes[0].startswith("diagnum : ")
    for attendu in attendus:
        assert attendu in lignes[0]
    assert "Traceback" not in resultat.output


def test_cli_init_dossier_absent(tmp_path):
    resultat = runner.invoke(app, ["init", str(tmp_path / "absent" / "2025.yaml")])
    une_ligne_code_2(resultat, "dossier introuvable")
    assert resultat.stdout == ""


def test_cli_init_dossier_a_la_place_du_fichier(tmp_path):
    (tmp_path / "2025.yaml").mkdir()
    resultat = runner.invoke(app, ["init", str(tmp_path / "2025.yaml"), "--force"])
    une_ligne_code_2(resultat, "c'est un dossier, un fichier est attendu")


def test_cli_init_permission_refusee(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", echoue(errno.EACCES))
    resultat = runner.invoke(app, ["init", str(tmp_path / "2025.yaml")])
    une_ligne_code_2(resultat, "permission refusée")
    assert contenu_dossier(tmp_path) == []


def test_cli_init_disque_plein(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", echoue(errno.ENOSPC))
    resultat = runner.invoke(app, ["init", str(tmp_path / "2025.yaml")])
    une_ligne_code_2(resultat, "plus de place sur le disque")
    assert contenu_dossier(tmp_path) == []


def test_cli_valider_un_dossier(tmp_path):
    resultat = runner.invoke(app, ["valider", str(tmp_path)])
    assert resultat.exit_code == SORTIE_IMPOSSIBLE
    assert "c'est un dossier, un fichier est attendu" in resultat.stderr
    assert "Traceback" not in resultat.output


def test_cli_valider_permission_refusee(tmp_path, monkeypatch):
    vrai_open = os.open

    def refuse(chemin, *args, **kwargs):
        if str(chemin) == str(EXEMPLE):
            raise PermissionError(errno.EACCES, "Permission denied", str(chemin))
        return vrai_open(chemin, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    resultat = runner.invoke(app, ["valider", str(EXEMPLE)])
    assert resultat.exit_code == SORTIE_IMPOSSIBLE
    assert f"diagnum : {EXEMPLE} : permission refusée" in resultat.stderr.splitlines()
    assert "Traceback" not in resultat.output


def test_cli_radar_dossier_de_sortie_absent(tmp_path):
    resultat = runner.invoke(app, ["radar", str(EXEMPLE), "-o", str(tmp_path / "absent" / "radar.png")])
    une_ligne_code_2(resultat, "n'existe pas")


def test_cli_radar_disque_plein(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", echoue(errno.ENOSPC))
    resultat = runner.invoke(app, ["radar", str(EXEMPLE), "-o", str(tmp_path / "radar.png")])
    une_ligne_code_2(resultat, "plus de place sur le disque")
    assert contenu_dossier(tmp_path) == []


def test_cli_radar_dossier_a_la_place_de_l_image(tmp_path):
    (tmp_path / "radar.png").mkdir()
    resultat = runner.invoke(app, ["radar", str(EXEMPLE), "-o", str(tmp_path / "radar.png"), "--force"])
    une_ligne_code_2(resultat, "c'est un dossier")


def test_cli_rapport_dossier_parent_absent(tmp_path):
    resultat = runner.invoke(app, ["rapport", str(EXEMPLE), "-o", str(tmp_path / "absent" / "rapport")])
    une_ligne_code_2(resultat, "n'existe pas")


def test_cli_rapport_fichier_a_la_place_du_dossier(tmp_path):
    (tmp_path / "rapport").write_text("")
    resultat = runner.invoke(app, ["rapport", str(EXEMPLE), "-o", str(tmp_path / "rapport")])
    une_ligne_code_2(resultat, "ce n'est pas un dossier")


def test_cli_rapport_permission_refusee(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "mkdtemp", echoue(errno.EACCES))
    resultat = runner.invoke(app, ["rapport", str(EXEMPLE), "-o", str(tmp_path / "rapport")])
    une_ligne_code_2(resultat, "permission refusée")
    assert contenu_dossier(tmp_path) == []


# --------------------------------------------------------------------------
# Pas de mise à jour perdue


def test_un_fichier_change_depuis_sa_lecture_n_est_pas_ecrase(tmp_path):
    from diagnum.fichiers import FichierModifie, lire_pour_modifier

    chemin = tmp_path / "campagne.yaml"
    chemin.write_text("version: 1\n", encoding="utf-8")
    contenu, lu = lire_pour_modifier(chemin)
    assert contenu == b"version: 1\n"
    chemin.write_text("version: 2\n", encoding="utf-8")  # même taille, enregistré dans un éditeur
    with pytest.raises(FichierModifie, match="a changé sur le disque pendant le travail") as exc:
        ecrire_atomique(chemin, "importé\n", force=True, attendu=lu)
    assert exc.value.code_sortie == 1
    assert chemin.read_text(encoding="utf-8") == "version: 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campagne.yaml"]  # aucun temporaire
    # Supprimé entre-temps : rien n'est recréé à sa place.
    chemin.unlink()
    with pytest.raises(FichierModifie):
        ecrire_atomique(chemin, "importé\n", force=True, attendu=lu)
    assert not chemin.exists()


def test_un_fichier_reenregistre_a_l_identique_est_remplace(tmp_path):
    from diagnum.fichiers import lire_pour_modifier

    chemin = tmp_path / "campagne.yaml"
    chemin.write_text("version: 1\n", encoding="utf-8")
    _, lu = lire_pour_modifier(chemin)
    os.utime(chemin, ns=(0, 0))
    chemin.write_text("version: 1\n", encoding="utf-8")
    ecrire_atomique(chemin, "importé\n", force=True, attendu=lu)
    assert chemin.read_text(encoding="utf-8") == "importé\n"
