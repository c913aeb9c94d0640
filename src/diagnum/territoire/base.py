"""La base SQLite de la synthèse : schéma, écriture au fil de la lecture, lectures pour les statistiques.

La base est construite dans un fichier temporaire du dossier de sortie, une
fiche après l'autre (jamais toutes en mémoire), puis mise en place d'un seul
geste (``fichiers.installer_fichier``). Elle s'ouvre telle quelle dans
Datasette, Metabase, LibreOffice Base ou DuckDB : clés primaires, clés
étrangères déclarées, index sur les colonnes de recherche, types simples.

En mode anonyme, ni nom, ni UAI, ni commune, ni chemin de fichier n'y entre
jamais (la table des établissements n'est écrite qu'à la fin, pseudonymes
seulement) : rien d'identifiant ne peut traîner dans les pages libres du
fichier. Les numéros internes (``id``) y sont tirés au hasard, pour ne pas
trahir l'ordre alphabétique des fichiers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from diagnum.territoire.collecte import Fiche

#: Le schéma, documenté dans le README (section « Pour l'académie ou la collectivité »).
SCHEMA = """
CREATE TABLE informations (
    cle TEXT PRIMARY KEY,
    valeur TEXT NOT NULL
);
CREATE TABLE domaines (
    id TEXT PRIMARY KEY,
    section TEXT NOT NULL,
    axe TEXT NOT NULL,
    nature TEXT NOT NULL,
    rang INTEGER NOT NULL
);
CREATE TABLE etablissements (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    nom TEXT,
    commune TEXT
);
CREATE TABLE campagnes (
    id INTEGER PRIMARY KEY,
    etablissement_id INTEGER NOT NULL REFERENCES etablissements (id),
    campagne TEXT NOT NULL,
    date TEXT,
    referentiel TEXT NOT NULL,
    repondus INTEGER NOT NULL,
    attendus INTEGER NOT NULL,
    completude REAL NOT NULL
);
CREATE INDEX campagnes_campagne ON campagnes (campagne);
CREATE TABLE scores (
    campagne_id INTEGER NOT NULL REFERENCES campagnes (id),
    domaine TEXT NOT NULL REFERENCES domaines (id),
    score REAL,
    usage REAL,
    moyens REAL,
    completude REAL NOT NULL,
    provisoire INTEGER NOT NULL,
    repondus INTEGER NOT NULL,
    attendus INTEGER NOT NULL,
    PRIMARY KEY (campagne_id, domaine)
) WITHOUT ROWID;
CREATE INDEX scores_domaine ON scores (domaine);
CREATE TABLE reponses (
    campagne_id INTEGER NOT NULL REFERENCES campagnes (id),
    domaine TEXT NOT NULL,
    item TEXT NOT NULL,
    valeur TEXT NOT NULL,
    nombre REAL,
    PRIMARY KEY (campagne_id, domaine, item)
) WITHOUT ROWID;
CREATE TABLE objectifs (
    campagne_id INTEGER NOT NULL REFERENCES campagnes (id),
    rang INTEGER NOT NULL,
    domaine TEXT NOT NULL,
    cible REAL NOT NULL,
    echeance TEXT,
    actions INTEGER NOT NULL,
    actions_realisees INTEGER NOT NULL,
    PRIMARY KEY (campagne_id, rang)
) WITHOUT ROWID;
CREATE INDEX objectifs_domaine ON objectifs (domaine);
"""

#: Créés à la fin, une fois toutes les fiches écrites : un doublon (même établissement, même campagne)
#: est écrit puis retiré, et trier d'un coup deux millions de réponses coûte moitié moins que les
#: ranger une à une dans l'index.
INDEX_FINAUX = (
    "CREATE UNIQUE INDEX campagnes_etablissement ON campagnes (etablissement_id, campagne);",
    "CREATE INDEX reponses_item ON reponses (domaine, item);",
)


def schema_complet() -> str:
    """Le schéma tel qu'il est à la fin : tables, puis index (c'est le texte du README)."""
    return SCHEMA.strip() + "\n" + "\n".join(INDEX_FINAUX)


TABLES = ("informations", "domaines", "etablissements", "campagnes", "scores", "reponses", "objectifs")


class BaseSynthese:
    """La base en construction : ``ajouter`` une fiche, ``retirer`` des campagnes, ``terminer``."""

    def __init__(self, chemin: Path, identifiants: Iterator[int]) -> None:
        self.chemin = Path(chemin)
        self.connexion = sqlite3.connect(self.chemin, isolation_level=None)
        self.connexion.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;"
            "PRAGMA page_size = 8192; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;" + SCHEMA
        )
        self.connexion.execute("BEGIN")
        self._identifiants = identifiants
        self.retires = 0

    def ajouter(self, fiche: Fiche, etablissement: int) -> int:
        """Écrit une fiche ; rend le numéro de sa campagne dans la base."""
        numero = next(self._identifiants)
        c = self.connexion
        c.execute(
            "INSERT INTO campagnes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                numero,
                etablissement,
                fiche.campagne,
                fiche.date,
                fiche.referentiel,
                fiche.repondus,
                fiche.attendus,
                round(fiche.completude, 4),
            ),
        )
        c.executemany(
            "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(numero, d, s, u, m, comp, int(p), r, a) for d, s, u, m, comp, p, r, a in fiche.scores],
        )
        c.executemany("INSERT INTO reponses VALUES (?, ?, ?, ?, ?)", [(numero, *ligne) for ligne in fiche.reponses])
        c.executemany(
            "INSERT INTO objectifs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(numero, rang, *objectif) for rang, objectif in enumerate(fiche.objectifs, 1)],
        )
        return numero

    def retirer(self, campagnes: Iterable[int]) -> None:
        """Retire des campagnes déjà écrites (doublons), avec leurs scores, réponses et objectifs."""
        numeros = [(n,) for n in campagnes]
        self.retires += len(numeros)
        for table in ("reponses", "scores", "objectifs"):
            self.connexion.executemany(f"DELETE FROM {table} WHERE campagne_id = ?", numeros)
        self.connexion.executemany("DELETE FROM campagnes WHERE id = ?", numeros)

    def anonymiser(self, reponses_retirees: Iterable[tuple[str, str]], domaines_retires: Iterable[str]) -> None:
        """Retire des réponses de chaque établissement ce qui le ferait reconnaître (mode anonyme) : les
        réponses des ``domaines_retires`` (éléments de référence) et les ``reponses_retirees``
        (domaine, item), par exemple les effectifs d'une répartition, dont la somme redonne un effectif."""
        c = self.connexion
        c.executemany("DELETE FROM reponses WHERE domaine = ?", [(d,) for d in domaines_retires])
        c.execute("CREATE TEMP TABLE retirees (domaine TEXT, item TEXT, PRIMARY KEY (domaine, item))")
        c.executemany("INSERT OR IGNORE INTO retirees VALUES (?, ?)", reponses_retirees)
        c.execute("DELETE FROM reponses WHERE (domaine, item) IN (SELECT domaine, item FROM retirees)")
        c.execute("DROP TABLE retirees")
        self.retires += 1  # le fichier sera compacté

    def terminer(
        self,
        etablissements: Iterable[tuple[int, str, str | None, str | None]],
        renumerotation: dict[int, int],
        domaines: Iterable[tuple[str, str, str, str, int]],
        informations: dict[str, str],
    ) -> None:
        """Écrit les établissements (numéro, code, nom, commune), renumérote les établissements des
        campagnes, écrit les domaines et les informations, puis compacte le fichier."""
        c = self.connexion
        c.executemany("INSERT INTO etablissements VALUES (?, ?, ?, ?)", etablissements)
        c.execute("CREATE TEMP TABLE renumerotation (ancien INTEGER PRIMARY KEY, nouveau INTEGER)")
        c.executemany("INSERT INTO renumerotation VALUES (?, ?)", renumerotation.items())
        c.execute(
            "UPDATE campagnes SET etablissement_id = "
            "(SELECT nouveau FROM renumerotation WHERE ancien = campagnes.etablissement_id)"
        )
        c.execute("DROP TABLE renumerotation")
        for index in INDEX_FINAUX:
            c.execute(index)
        c.executemany("INSERT INTO domaines VALUES (?, ?, ?, ?, ?)", domaines)
        c.executemany("INSERT INTO informations VALUES (?, ?)", sorted(informations.items()))
        c.execute("COMMIT")
        if self.retires:
            c.execute("VACUUM")  # compacte le fichier après le retrait des doublons

    def fiche(self, numero: int) -> Fiche:
        """Ce qu'il faut d'une fiche déjà écrite pour la retrancher des statistiques (doublon)."""
        c = self.connexion
        campagne, repondus, attendus = c.execute(
            "SELECT campagne, repondus, attendus FROM campagnes WHERE id = ?", (numero,)
        ).fetchone()
        scores = c.execute(
            "SELECT domaine, score, usage, moyens, completude, provisoire, repondus, attendus FROM scores "
            "WHERE campagne_id = ?",
            (numero,),
        ).fetchall()
        reponses = c.execute(
            "SELECT domaine, item, valeur, nombre FROM reponses WHERE campagne_id = ?", (numero,)
        ).fetchall()
        return Fiche("", "", "", None, None, campagne, None, repondus, attendus, tuple(scores), tuple(reponses), ())

    def fermer(self) -> None:
        self.connexion.close()


def ouvrir_lecture(chemin: Path) -> sqlite3.Connection:
    """Une connexion en lecture seule à une base de synthèse."""
    return sqlite3.connect(f"{Path(chemin).resolve().as_uri()}?mode=ro", uri=True)
