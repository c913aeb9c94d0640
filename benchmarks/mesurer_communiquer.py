"""Mesure de ``diagnum communiquer --format pdf`` contre WeasyPrint seul imprimant la même page.

La cible de l'issue 21 : le document en PDF en au plus 1,3 fois le temps que met
WeasyPrint (sa propre commande, ``weasyprint --pdf-variant pdf/ua-1``) à imprimer
la page HTML que ``communiquer`` écrit. Les deux commandes sont des processus
entiers, lancés en alternance dans la même exécution (médianes, voir
``mesurer.py``) : seul leur rapport compte sur une machine partagée.

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_communiquer.py
    python benchmarks/mesurer_communiquer.py --repetitions 9 --resultats benchmarks/RESULTATS.md

La section « communiquer » de RESULTATS.md est remplacée (ou ajoutée), le reste du fichier gardé.
Code de sortie 1 si la cible est manquée.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesurer import RACINE, environnement, executable, ligne, machine, rapport, verifier

CIBLE = 1.3
APRES = RACINE / "exemples" / "college-jean-moulin-2024-2025.yaml"
AVANT = RACINE / "exemples" / "college-jean-moulin-2023-2024.yaml"
DEBUT = "<!-- debut: communiquer -->"
FIN = "<!-- fin: communiquer -->"


def commandes(dossier: Path, public: str = "academie") -> dict[str, list[str]]:
    """La commande mesurée et sa référence ; la page HTML de la référence est écrite d'abord, par diagnum."""
    diagnum = executable("diagnum")
    base = [*diagnum, "communiquer", str(APRES), str(AVANT), "--public", public, "-o", str(dossier)]
    env = environnement()
    verifier([*base, "--format", "html", "--force"], env)
    page = dossier / f"communication-{public}.html"
    return {
        f"diagnum communiquer --public {public} --format pdf": [*base, "--format", "pdf", "--force"],
        "weasyprint --pdf-variant pdf/ua-1 (la même page)": [
            *executable("weasyprint"),
            "--quiet",
            "--pdf-variant",
            "pdf/ua-1",
            str(page),
            str(dossier / "weasyprint.pdf"),
        ],
    }


def section(resultat, quand: str) -> str:
    return "\n".join(
        [
            DEBUT,
            "## Communiquer en PDF (issue 21)",
            "",
            f"Mesuré le {quand} ({machine()}), `python benchmarks/mesurer_communiquer.py` : médianes de "
            f"{resultat.repetitions} tours en alternance, après deux tours d'échauffement.",
            "",
            "| mesure | référence | médianes (s) | rapport | cible | |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| `{resultat.mesure}` | `{resultat.reference}` | {resultat.medianes[0]:.2f} / {resultat.medianes[1]:.2f} "
            f"| {resultat.valeur:.2f} | ≤ {resultat.cible:.2f} | {'atteinte' if resultat.atteint else 'MANQUÉE'} |",
            "",
            "Le diagramme des progrès y est dessiné en SVG sans matplotlib (`graphiques.radar_svg`) : avec le PNG de "
            "matplotlib, son import et son dessin portaient le rapport vers 1,6 à 1,9.",
            FIN,
        ]
    )


def ecrire_section(chemin: Path, texte: str) -> None:
    """Remplace la section « communiquer » de RESULTATS.md (ou l'ajoute à la fin), sans toucher au reste."""
    ancien = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    if DEBUT in ancien and FIN in ancien:
        avant, reste = ancien.split(DEBUT, 1)
        nouveau = avant + texte + reste.split(FIN, 1)[1]
    else:
        nouveau = ancien.rstrip("\n") + "\n\n" + texte + "\n"
    chemin.write_text(nouveau, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=9, help="tours par mesure (au moins 7)")
    parser.add_argument("--public", default="academie")
    parser.add_argument("--resultats", type=Path, help="écrit aussi la section dans ce fichier Markdown")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as dossier:
        resultat = rapport(
            "communiquer en PDF",
            CIBLE,
            commandes(Path(dossier), arguments.public),
            max(arguments.repetitions, 7),
            environnement(),
        )
    print(ligne(resultat))
    if arguments.resultats:
        ecrire_section(arguments.resultats, section(resultat, dt.date.today().isoformat()))
    return 0 if resultat.atteint else 1


if __name__ == "__main__":
    sys.exit(main())
