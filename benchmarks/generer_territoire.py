"""Génère un territoire de campagnes plausibles, valides et variées (graine fixe : même graine, mêmes fichiers).

Chaque établissement reçoit une « maturité » numérique tirée entre 0,1 et 0,95 :
elle règle la probabilité de répondre « oui », la part des usages réguliers et
l'équipement. Effectifs de référence tirés d'un collège ou d'un lycée réaliste ;
quelques réponses laissées vides (complétude variée), quelques services « sans
objet ». Les questions sous condition (« Si oui ») ne sont remplies que si la
condition l'est. Tout vient du référentiel (aucun identifiant d'item écrit ici).

Usage, depuis la racine du dépôt :

    python benchmarks/generer_territoire.py DOSSIER --nombre 10000 --graine 2026
    python benchmarks/generer_territoire.py DOSSIER --nombre 200 --campagnes 2023-2024,2024-2025
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from diagnum.campagne.validation import lettre_uai
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Referentiel, charger_referentiel

NOMS = (
    "Jean Moulin", "Victor Hugo", "Jules Ferry", "Marie Curie", "Louise Michel", "Jean Jaurès", "Pablo Picasso",
    "Simone Veil", "Albert Camus", "George Sand", "Jacques Prévert", "Paul Éluard", "Colette", "Condorcet",
    "Molière", "Charles de Gaulle", "Olympe de Gouges", "Antoine de Saint-Exupéry", "Lucie Aubrac", "Jean Zay",
)  # fmt: skip
COMMUNES = (
    "Besançon", "Dole", "Montbéliard", "Pontarlier", "Vesoul", "Lons-le-Saunier", "Belfort", "Héricourt",
    "Saint-Claude", "Ornans", "Baume-les-Dames", "Gray", "Luxeuil-les-Bains", "Champagnole", "Morteau",
)  # fmt: skip


def _reference(rng: random.Random, lycee: bool) -> dict[str, int]:
    eleves = rng.randint(350, 1600) if lycee else rng.randint(150, 950)
    divisions = max(4, round(eleves / rng.uniform(23, 30)))
    enseignants = max(8, round(eleves / rng.uniform(11, 15)))
    return {
        "eleves": eleves,
        "divisions": divisions,
        "enseignants": enseignants,
        "salles": max(6, round(divisions * rng.uniform(1.1, 1.6))),
        "familles": round(eleves * rng.uniform(0.8, 0.95)),
    }


def _oui(rng: random.Random, maturite: float) -> str:
    return OUI if rng.random() < maturite else NON


def _repartition(rng: random.Random, total: int, maturite: float) -> dict[str, int]:
    regulierement = round(total * maturite * rng.uniform(0.3, 0.8))
    occasionnellement = round((total - regulierement) * rng.uniform(0.3, 0.7))
    return dict(
        zip(MODALITES, (total - regulierement - occasionnellement, occasionnellement, regulierement), strict=True)
    )


def reponses_campagne(
    rng: random.Random, referentiel: Referentiel, reference: dict[str, int], maturite: float, vide: float
) -> tuple[dict[str, str], dict[str, dict[str, object]]]:
    """Les obligations et les réponses d'une campagne (``vide`` : part des questions laissées sans réponse)."""
    obligations = {
        item.id: (OUI if rng.random() < 0.7 + 0.3 * maturite else NON) for item in referentiel.obligations.items
    }
    reponses: dict[str, dict[str, object]] = {}
    for domaine in referentiel.domaines:
        valeurs: dict[str, object] = {}
        for item in domaine.items:
            condition = item.condition
            if condition is not None and condition.item is not None:
                parent = referentiel.item(condition.item)
                if valeurs.get(condition.item) != condition.valeur or parent is None:
                    continue
            if condition is not None and condition.ligne is not None:
                lignes = reponses.get(referentiel.item(condition.ligne[0]).domaine, {}).get(condition.ligne[0]) or {}
                cellules = lignes.get(condition.ligne[1]) or {}
                if not cellules or all(v == SANS_OBJET for v in cellules.values()):
                    continue
            if rng.random() < vide:
                continue
            total = reference.get(item.total) if item.total else None
            if item.nature == "affirmation":
                valeurs[item.id] = SANS_OBJET if item.sans_objet and rng.random() < 0.1 else _oui(rng, maturite)
            elif item.nature == "proportion":
                valeurs[item.id] = min(100, max(0, round(100 * maturite * rng.uniform(0.4, 1.2))))
            elif item.nature == "repartition":
                valeurs[item.id] = _repartition(rng, total or 0, maturite)
            elif item.nature == "nombre":
                plafond = total if total is not None else 10
                valeurs[item.id] = min(plafond, round(plafond * maturite * rng.uniform(0.2, 1.1)))
            elif item.nature == "matrice":
                matrice = {}
                for ligne in item.lignes:
                    if rng.random() < 0.08:
                        matrice[ligne.id] = {c.id: SANS_OBJET for c in item.colonnes}
                    else:
                        matrice[ligne.id] = {c.id: _oui(rng, maturite) for c in item.colonnes}
                valeurs[item.id] = matrice
        reponses[domaine.id] = valeurs
    return obligations, reponses


def _yaml(valeur: object) -> str:
    if isinstance(valeur, str):
        return f'"{valeur}"' if valeur not in (OUI, NON) else valeur
    return str(valeur)


def texte_campagne(
    referentiel: Referentiel,
    etablissement: tuple[str, str, str],
    campagne: str,
    date: str,
    reference: dict[str, int],
    obligations: dict[str, str],
    reponses: dict[str, dict[str, object]],
) -> str:
    """Le texte YAML d'une campagne."""
    nom, uai, commune = etablissement
    lignes = [
        f'referentiel: "{referentiel.version}"',
        "etablissement:",
        f'  nom: "{nom}"',
        f'  uai: "{uai}"',
        f'  commune: "{commune}"',
        f'campagne: "{campagne}"',
        f"date: {date}",
        "reference:",
        *(f"  {cle}: {valeur}" for cle, valeur in reference.items()),
        "obligations:",
        *(f"  {cle}: {valeur}" for cle, valeur in obligations.items()),
        "reponses:",
    ]
    for domaine, valeurs in reponses.items():
        lignes.append(f"  {domaine}:")
        for cle, valeur in valeurs.items():
            if isinstance(valeur, dict):
                lignes.append(f"    {cle}:")
                for sous_cle, sous_valeur in valeur.items():
                    if isinstance(sous_valeur, dict):
                        lignes.append(f"      {sous_cle}:")
                        lignes += [f"        {c}: {_yaml(v)}" for c, v in sous_valeur.items()]
                    else:
                        lignes.append(f"      {sous_cle}: {_yaml(sous_valeur)}")
            else:
                lignes.append(f"    {cle}: {_yaml(valeur)}")
    return "\n".join(lignes) + "\n"


def generer(dossier: Path, nombre: int, graine: int = 2026, campagnes: tuple[str, ...] = ("2024-2025",)) -> list[Path]:
    """Écrit ``nombre`` établissements × ``campagnes`` fichiers dans ``dossier`` ; rend leurs chemins."""
    rng = random.Random(graine)
    referentiel = charger_referentiel()
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    numeros = rng.sample(range(1, 9_999_999), nombre)
    for rang, numero in enumerate(numeros, 1):
        chiffres = f"{numero:07d}"
        uai = chiffres + lettre_uai(chiffres)
        lycee = rng.random() < 0.35
        nom = f"{'Lycée' if lycee else 'Collège'} {rng.choice(NOMS)}"
        commune = rng.choice(COMMUNES)
        reference = _reference(rng, lycee)
        maturite = rng.uniform(0.1, 0.95)
        for campagne in campagnes:
            maturite = min(0.95, maturite + rng.uniform(0, 0.1))
            vide = rng.choice((0.0, 0.0, 0.02, 0.05, 0.15, 0.4))
            obligations, reponses = reponses_campagne(rng, referentiel, reference, maturite, vide)
            annee = campagne[-4:]
            date = f"{annee}-{rng.randint(3, 6):02d}-{rng.randint(1, 28):02d}"
            texte = texte_campagne(referentiel, (nom, uai, commune), campagne, date, reference, obligations, reponses)
            chemin = dossier / f"etablissement-{rang:05d}-{campagne}.yaml"
            chemin.write_text(texte, encoding="utf-8")
            chemins.append(chemin)
    return chemins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossier", type=Path)
    parser.add_argument("--nombre", type=int, default=1000, help="nombre d'établissements")
    parser.add_argument("--graine", type=int, default=2026)
    parser.add_argument("--campagnes", default="2024-2025", help="campagnes séparées par des virgules")
    arguments = parser.parse_args()
    chemins = generer(arguments.dossier, arguments.nombre, arguments.graine, tuple(arguments.campagnes.split(",")))
    print(f"{len(chemins)} fichiers écrits dans {arguments.dossier}")


if __name__ == "__main__":
    main()
