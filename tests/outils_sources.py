"""Les exports d'outils de l'établissement des tests de ``diagnum sources`` (graine fixe).

Construits d'après les formats documentés des vrais outils :

- le rapport des réservations de GRR 4 (reservation/templates/report.twig du dépôt JeromeDevome/GRR, libellés de
  langue/fr-fr.php), exporté par le bouton « CSV » du tableau (DataTables : virgule, chaque cellule entre
  guillemets, UTF-8) ; dates écrites « %A %d %B %Y » (« lundi 02 septembre 2024 »), heures « %T » ;
- le rapport.csv de GRR 3 (report.php, « Télécharger le fichier CSV des réservations » : point-virgule, un « ; »
  en fin de ligne), ici enregistré de nouveau par un tableur en Windows-1252 ;
- un export des cours d'un emploi du temps (une ligne par cours hebdomadaire : jour, heure, classe, matière,
  enseignant, salle), point-virgule, Windows-1252 ;
- des statistiques de connexion d'un ENT (une ligne par compte, mois et service), tabulation, UTF-8 avec BOM.

``python tests/outils_sources.py`` les récrit dans ``tests/fixtures/sources/`` ; un test vérifie que ce qui est
versionné est bien ce que produit ce script.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

DOSSIER = Path(__file__).parent / "fixtures" / "sources"

PRENOMS = [
    "Camille", "Nicolas", "Sophie", "Karim", "Isabelle", "Thomas", "Nathalie", "Julien", "Aïcha", "Pierre",
    "Hélène", "François", "Élodie", "Mathieu", "Céline", "Stéphane", "Amélie", "Yannick", "Léa", "Benoît",
    "Chloé", "Olivier", "Manon", "Grégoire", "Inès", "Sébastien", "Lucie", "Jérôme", "Zoé", "Cédric",
    "Margaux", "Rémi", "Anaïs", "Loïc", "Émilie", "Thierry", "Noémie", "Hervé", "Clémence", "Frédéric",
]  # fmt: skip
NOMS = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
]  # fmt: skip
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre",
]  # fmt: skip
#: Vacances scolaires de la zone C, 2024-2025 (du premier au dernier jour sans classe).
VACANCES = [
    (dt.date(2024, 10, 19), dt.date(2024, 11, 3)),
    (dt.date(2024, 12, 21), dt.date(2025, 1, 5)),
    (dt.date(2025, 2, 15), dt.date(2025, 3, 2)),
    (dt.date(2025, 4, 12), dt.date(2025, 4, 27)),
]
DEBUT, FIN = dt.date(2024, 9, 2), dt.date(2025, 6, 27)
RESSOURCES = {
    # nom : (domaine GRR, probabilité qu'un enseignant utilisateur la prenne)
    "Salle informatique B12": "Salles informatiques",
    "Salle informatique C05": "Salles informatiques",
    "Classe mobile 1 (tablettes)": "Matériel mobile",
    "Classe mobile 2 (portables)": "Matériel mobile",
    "Vidéoprojecteur mobile 1": "Matériel mobile",
    "Vidéoprojecteur mobile 2": "Matériel mobile",
    "Salle de visioconférence": "Salles",
    "Salle polyvalente": "Salles",
    "Minibus": "Véhicules",
}
CLASSES = [f"{niveau}e{lettre}" for niveau in (6, 5, 4, 3) for lettre in "ABCDE"]


def personnes(nombre: int, graine: int) -> list[tuple[str, str, str, str]]:
    """(prénom, nom, identifiant, adresse) de ``nombre`` personnes distinctes."""
    alea = random.Random(graine)
    vues: set[tuple[str, str]] = set()
    resultat = []
    while len(resultat) < nombre:
        prenom, nom = alea.choice(PRENOMS), alea.choice(NOMS)
        if (prenom, nom) in vues:
            continue
        vues.add((prenom, nom))
        identifiant = f"{prenom[0]}{nom}".lower().replace("é", "e").replace("è", "e").replace("ç", "c") + str(
            len(resultat)
        )
        resultat.append((prenom, nom, identifiant, f"{identifiant}@ac-exemple.fr"))
    return resultat


ENSEIGNANTS = personnes(40, 2024)


def jours_de_classe() -> list[dt.date]:
    jours = []
    jour = DEBUT
    while jour <= FIN:
        if jour.weekday() < 5 and not any(a <= jour <= b for a, b in VACANCES):
            jours.append(jour)
        jour += dt.timedelta(days=1)
    return jours


def date_grr(jour: dt.date) -> str:
    """« %A %d %B %Y » de GRR en français : « lundi 02 septembre 2024 »."""
    return f"{JOURS[jour.weekday()]} {jour.day:02d} {MOIS[jour.month - 1]} {jour.year}"


def reservations(graine: int = 7, nombre_enseignants: int = 40) -> list[dict[str, object]]:
    """Une année de réservations : chaque enseignant a ses habitudes (jamais, de temps en temps, chaque semaine)."""
    alea = random.Random(graine)
    jours = jours_de_classe()
    noms = list(RESSOURCES)
    lignes = []
    for rang, (prenom, nom, identifiant, adresse) in enumerate(ENSEIGNANTS[:nombre_enseignants]):
        profil = rang % 4  # 0 : jamais, 1 : occasionnel, 2 : régulier, 3 : mixte
        if profil == 0:
            continue
        preferees = alea.sample(noms, 2)
        frequence = {1: 0.02, 2: 0.5, 3: 0.12}[profil]
        for jour in jours:
            if alea.random() < frequence:
                heure = alea.choice([8, 9, 10, 11, 13, 14, 15, 16])
                lignes.append(
                    {
                        "ressource": alea.choice(preferees),
                        "jour": jour,
                        "heure": heure,
                        "prenom": prenom,
                        "nom": nom,
                        "identifiant": identifiant,
                        "adresse": adresse,
                        "classe": alea.choice(CLASSES),
                        "refusee": alea.random() < 0.01,
                    }
                )
    lignes.sort(key=lambda r: (r["jour"], r["heure"], r["ressource"]))
    return lignes


def grr4_csv(lignes: list[dict[str, object]]) -> bytes:
    """Le bouton « CSV » du rapport de GRR 4 : virgule, tout entre guillemets, UTF-8 sans BOM."""
    entetes = [
        "Domaine", "Ressource", "Brève description", "Début de la réservation", "Heure", "Durée",
        "Fin de la réservation", "Heure", "Description complète", "Type", "Bénéficiaire (identifiant)",
        "Dernière mise à jour", "Modération", "Classe",
    ]  # fmt: skip
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, quoting=csv.QUOTE_ALL, lineterminator="\n")
    ecrivain.writerow(entetes)
    for r in lignes:
        jour = r["jour"]
        ecrivain.writerow(
            [
                RESSOURCES[r["ressource"]],
                r["ressource"],
                f"{r['classe']} - {r['nom']}",
                date_grr(jour),
                f"{r['heure']:02d}:00:00",
                "1",
                date_grr(jour),
                f"{r['heure'] + 1:02d}:00:00",
                f"Séance avec les {r['classe']} ({r['adresse']})",
                "Cours",
                f"{r['prenom']} {r['nom']}",
                f"{date_grr(jour - dt.timedelta(days=3))} 18:12:40",
                "La demande a été refusée." if r["refusee"] else "",
                r["classe"],
            ]
        )
    return sortie.getvalue().encode("utf-8")


def grr3_csv(lignes: list[dict[str, object]], encodage: str = "cp1252") -> bytes:
    """Le rapport.csv de GRR 3 : point-virgule, « ; » en fin de ligne, CRLF ; enregistré en Windows-1252."""
    entetes = (
        "Réservation au nom de ;Domaines :;Ressource;Description :;Début de la réservation;Heure;Durée;"
        "Brève description;Description complète ;Type;Dernière mise à jour;"
    )
    sortie = [entetes]
    for r in lignes:
        if r["refusee"]:
            continue
        jour = r["jour"]
        sortie.append(
            f"{r['identifiant']};{RESSOURCES[r['ressource']]};{r['ressource']};;{date_grr(jour)};"
            f"{r['heure']:02d}:00:00;1 heures;{r['classe']} {r['nom']};Séance {r['prenom']} {r['nom']};Cours;"
            f"{date_grr(jour - dt.timedelta(days=2))};"
        )
    return ("\r\n".join(sortie) + "\r\n").encode(encodage)


def emploi_du_temps(graine: int = 11) -> list[list[str]]:
    """Les cours d'une semaine type : les 20 classes, 30 heures chacune ; quelques-uns en salle informatique."""
    alea = random.Random(graine)
    matieres = ["Français", "Mathématiques", "Histoire-géographie", "Anglais", "SVT", "Technologie", "EPS"]
    salles = [f"Salle {n}" for n in range(101, 121)] + ["Salle informatique B12", "Salle informatique C05"]
    rangees = [["Jour", "Heure", "Durée", "Classe", "Matière", "Enseignant", "Salle"]]
    for rang, classe in enumerate(CLASSES):
        for creneau in range(26):
            jour = JOURS[creneau % 5].capitalize()
            prenom, nom, _, _ = ENSEIGNANTS[(rang * 3 + creneau) % 30]
            informatique = rang % 3 == 0 and creneau == 7
            salle = salles[20 + rang % 2] if informatique else alea.choice(salles[:20])
            rangees.append(
                [
                    jour,
                    f"{8 + creneau % 8}h00",
                    "1h00",
                    classe,
                    alea.choice(matieres),
                    f"{nom.upper()} {prenom}",
                    salle,
                ]
            )
    return rangees


def ent(graine: int = 13) -> list[list[str]]:
    """Connexions par compte, mois et service : enseignants, élèves, parents, quelques personnels non comptés."""
    alea = random.Random(graine)
    mois = [(2024, m) for m in range(9, 13)] + [(2025, m) for m in range(1, 7)]
    comptes = [("Enseignant", p) for p in ENSEIGNANTS[:36]]
    comptes += [("Élève", p) for p in personnes(120, 5)]
    comptes += [("Parent", p) for p in personnes(90, 6)]
    comptes += [("Personnel administratif", p) for p in personnes(6, 8)]
    rangees = [["Mois", "Profil", "Identifiant", "Courriel", "Service", "Connexions"]]
    for rang, (profil, (_, _, identifiant, adresse)) in enumerate(comptes):
        habitude = rang % 3  # 0 : jamais, 1 : quelques mois, 2 : chaque mois
        for annee, numero in mois:
            for service in ("Cahier de textes", "Messagerie"):
                if habitude == 0 or (habitude == 1 and alea.random() > 0.25):
                    continue
                rangees.append(
                    [f"{annee}-{numero:02d}", profil, identifiant, adresse, service, str(alea.randint(1, 30))]
                )
    return rangees


def _csv(rangees: list[list[str]], separateur: str) -> str:
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=separateur, lineterminator="\r\n").writerows(rangees)
    return sortie.getvalue()


def fichiers() -> dict[str, bytes]:
    """Chaque fixture : nom → contenu."""
    lignes = reservations()
    return {
        "grr4-rapport.csv": grr4_csv(lignes),
        "grr3-rapport-cp1252.csv": grr3_csv(lignes),
        "emploi-du-temps.csv": _csv(emploi_du_temps(), ";").encode("cp1252"),
        "ent-statistiques.tsv": ("\ufeff" + _csv(ent(), "\t")).encode("utf-8"),
    }


def ecrire() -> None:
    DOSSIER.mkdir(parents=True, exist_ok=True)
    for nom, contenu in fichiers().items():
        (DOSSIER / nom).write_bytes(contenu)


if __name__ == "__main__":
    ecrire()
