"""Ce que coûte la lecture bornée d'un export d'enquête (issue 22), rapportée à la lecture nue.

Un export Microsoft Forms plausible (XLSX, ``--reponses`` réponses des familles, fabriqué par
``tests/outils_enquetes.py``) est lu en alternance par ``lire_export`` (archive et XML vérifiés en
flux, puis python-calamine) et par python-calamine seul (la lecture d'avant, sans vérification),
``--repetitions`` fois chacun ; le rapport des médianes est affiché.

Usage, depuis la racine du dépôt, dans l'environnement de diagnum :

    python benchmarks/mesurer_enquetes.py --reponses 3000 --repetitions 9
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


def export_microsoft_forms(reponses: int) -> bytes:
    """Un classeur comme l'écrit Microsoft Forms : identifiant, heures, colonnes anonymes, une colonne par question."""
    sys.path.insert(0, str(RACINE / "tests"))
    import outils_enquetes

    liste = outils_enquetes._questions("familles")
    hasard = random.Random(2026)
    rangees = [["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom", *(q.texte for q in liste)]]
    rangees += [
        [
            str(n),
            "5/5/25 10:00:00",
            "5/5/25 10:04:00",
            "anonymous",
            "",
            *(hasard.choice(q.reponses).libelle for q in liste),
        ]
        for n in range(1, reponses + 1)
    ]
    return outils_enquetes.xlsx(rangees)


def main(arguments: list[str] | None = None) -> int:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--reponses", type=int, default=3000)
    parseur.add_argument("--repetitions", type=int, default=9)
    options = parseur.parse_args(arguments)

    import tempfile

    from python_calamine import CalamineWorkbook

    from diagnum.enquetes.lecture import lire_export

    contenu = export_microsoft_forms(options.reponses)
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "export.xlsx"
        chemin.write_bytes(contenu)

        def bornee() -> int:
            return len(lire_export(chemin).lignes)

        def nue() -> int:
            classeur = CalamineWorkbook.from_filelike(io.BytesIO(chemin.read_bytes()))
            return len(classeur.get_sheet_by_index(0).to_python(skip_empty_area=False)) - 1

        assert bornee() == nue() == options.reponses
        durees: dict[str, list[float]] = {"bornee": [], "nue": []}
        for _ in range(options.repetitions):
            for nom, lecture in (("bornee", bornee), ("nue", nue)):
                debut = time.perf_counter()
                lecture()
                durees[nom].append(time.perf_counter() - debut)
    medianes = {nom: statistics.median(valeurs) for nom, valeurs in durees.items()}
    print(
        f"export XLSX de {options.reponses} réponses ({len(contenu) // 1024} Ko), médianes de {options.repetitions} "
        f"lectures : lire_export {medianes['bornee'] * 1000:.0f} ms, python-calamine seul "
        f"{medianes['nue'] * 1000:.0f} ms, rapport {medianes['bornee'] / medianes['nue']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
