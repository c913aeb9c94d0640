"""Les fichiers de la synthèse, écrits depuis la base et l'objet ``Synthese``.

Chaque écriture passe par ``fichiers.ecrire_atomique`` (petits fichiers) ou
``fichiers.ecriture_atomique`` (fichiers écrits au fil d'une requête) ; les
CSV sont dans le dialecte de ``diagnum.tableur``, celui de ``score --format csv``.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from diagnum.fichiers import ecrire_atomique, ecriture_atomique
from diagnum.tableur import BOM, SQL_NEUTRALISER, cellule, cellule_score, csv_octets, ecrivain
from diagnum.territoire.collecte import Ecart, Rejet
from diagnum.territoire.repere import FORMAT_REPERE, VERSION_REPERE
from diagnum.territoire.statistiques import Resume, effectifs, resumer, tranches
from diagnum.territoire.synthese import MASQUE, METHODE_QUANTILES, SEUIL_ANONYMAT, Synthese

NOM_SYNTHESE = "synthese.md"
BASE_SYNTHESE = "synthese"
MODELE_SYNTHESE_HTML = "synthese.html.j2"
NOM_SCORES = "scores.csv"
NOM_REPONSES = "reponses.csv"
NOM_BASE = "synthese.sqlite"
NOM_REPERE = "repere.json"
NOM_REJETS = "rejets.csv"
NOM_MANQUANTS = "manquants.csv"
MODELE_SYNTHESE = "synthese.md.j2"

ENTETES_SCORES = ("uai", "etablissement", "commune", "campagne", "domaine", "score", "usage", "moyens")
ENTETES_SCORES += ("completude", "provisoire")
ENTETES_REPONSES = ("uai", "campagne", "domaine", "item", "valeur")
ENTETES_REJETS = ("fichier", "ligne", "colonne", "code", "message")
ENTETES_CORRESPONDANCE = ("pseudonyme", "uai", "etablissement", "commune")
ENTETES_MANQUANTS = ("uai", "etablissement", "commune", "situation", "raison", "fichier")
#: Le code d'un fichier d'une autre campagne que celle demandée, dans rejets.csv.
CODE_AUTRE_CAMPAGNE = "autre-campagne"


def texte_synthese(synthese: Synthese) -> str:
    """Le Markdown de synthese.md (gabarit ``modeles/synthese.md.j2``)."""
    from diagnum.rapports.rapport import environnement_jinja

    return environnement_jinja().get_template(MODELE_SYNTHESE).render(synthese=synthese)


def images_synthese(synthese: Synthese, dpi: int | None = None) -> dict[str, bytes]:
    """Une image en boîtes par campagne : le score de chaque domaine (``dpi`` : celui de l'écran par défaut)."""
    from diagnum.rapports.graphiques import DPI
    from diagnum.territoire.graphiques import boites_png

    images = {}
    for c in synthese.campagnes:
        boites = [(d.axe, d.score if isinstance(d.score, Resume) else None) for d in c.domaines]
        titre = f"Scores des {c.etablissements} établissements — campagne {c.campagne}"
        images[c.image] = boites_png(boites, titre, dpi or DPI)
    return images


def texte_boites(campagne) -> str:
    """Le texte de remplacement d'une image en boîtes : la médiane et les quartiles de chaque domaine."""
    from diagnum.affichage import score_fr

    morceaux = []
    for d in campagne.domaines:
        if isinstance(d.score, Resume):
            s = d.score
            morceaux.append(f"{d.axe} : médiane {score_fr(s.mediane)}, de {score_fr(s.q1)} à {score_fr(s.q3)}")
        else:
            morceaux.append(f"{d.axe} : non publié")
    return f"Scores des établissements, campagne {campagne.campagne}. " + " ; ".join(morceaux) + "."


def page_synthese(synthese: Synthese) -> str:
    """La page HTML autonome de la synthèse (gabarit ``synthese.html.j2``, images dans la page)."""
    from diagnum.rapports.graphiques import DPI_IMPRESSION
    from diagnum.sorties.html import image, rendre_html

    pngs = images_synthese(synthese, DPI_IMPRESSION)
    images = {c.image: image(pngs[c.image], texte_boites(c)) for c in synthese.campagnes}
    return rendre_html(MODELE_SYNTHESE_HTML, {"synthese": synthese, "images": images})


def _lignes_scores(connexion: sqlite3.Connection) -> Iterable[tuple]:
    for code, nom, commune, campagne, domaine, score, usage, moyens, completude, provisoire in connexion.execute(
        "SELECT e.code, e.nom, e.commune, c.campagne, s.domaine, s.score, s.usage, s.moyens, s.completude, "
        "s.provisoire FROM scores s JOIN campagnes c ON c.id = s.campagne_id "
        "JOIN etablissements e ON e.id = c.etablissement_id JOIN domaines d ON d.id = s.domaine "
        "ORDER BY e.code, c.campagne, d.rang"
    ):
        yield (
            code,
            nom or "",
            commune or "",
            campagne,
            domaine,
            cellule_score(score),
            cellule_score(usage),
            cellule_score(moyens),
            cellule(completude, 4),  # de 0 à 1, comme en JSON et dans la base
            "oui" if provisoire else "non",
        )


def ecrire_scores(connexion: sqlite3.Connection, chemin: Path, force: bool) -> None:
    """scores.csv : une ligne par établissement, campagne et domaine (12 000 × 7 lignes tiennent en mémoire)."""
    ecrire_atomique(chemin, csv_octets(ENTETES_SCORES, _lignes_scores(connexion)), force=force)


def ecrire_reponses(connexion: sqlite3.Connection, chemin: Path, force: bool) -> None:
    """reponses.csv : une ligne par réponse, écrite campagne par campagne (jamais tout en mémoire).

    Les lignes d'une campagne sont assemblées par SQLite (le préfixe « uai;campagne; » est mis en forme
    une fois par ``tableur.ecrivain``, pour qu'un libellé de campagne avec « ; » ou « " » reste entre
    guillemets) ; un nombre garde les chiffres écrits dans la campagne, avec la virgule décimale.
    """
    campagnes = connexion.execute(
        "SELECT c.id, e.code, c.campagne FROM campagnes c JOIN etablissements e ON e.id = c.etablissement_id "
        "ORDER BY e.code, c.campagne"
    ).fetchall()
    # Les identifiants de domaine et d'item viennent du référentiel ; la valeur écrite est neutralisée
    # comme toute cellule de texte (tableur.SQL_NEUTRALISER), un nombre garde ses chiffres.
    valeur = SQL_NEUTRALISER.format("valeur", "nombre")
    requete = (
        "SELECT group_concat(? || domaine || ';' || item || ';' || "
        f"CASE WHEN nombre IS NULL THEN {valeur} ELSE replace(valeur, '.', ',') END, char(13, 10)) "
        "FROM reponses WHERE campagne_id = ?"
    )
    with ecriture_atomique(chemin, force=force) as temporaire, open(temporaire, "w", encoding="utf-8", newline="") as f:
        f.write(BOM)
        ecrivain(f).writerow(ENTETES_REPONSES)
        for numero, code, campagne in campagnes:
            prefixe = io.StringIO()
            ecrivain(prefixe).writerow((code, campagne, ""))
            (bloc,) = connexion.execute(requete, (prefixe.getvalue()[:-2], numero)).fetchone()
            if bloc:
                f.write(bloc)
                f.write("\r\n")


def octets_rejets(rejets: Iterable[Rejet], ecarts: Iterable[Ecart] = (), campagne: str | None = None) -> bytes:
    """rejets.csv : fichier, ligne, colonne, code et message de la première erreur de chaque fichier, puis
    chaque fichier d'une autre campagne que ``campagne`` (code ``autre-campagne``)."""
    lignes = [(r.fichier, r.ligne or "", r.colonne or "", r.code, r.message) for r in rejets]
    lignes += [(e.fichier, "", "", CODE_AUTRE_CAMPAGNE, message_ecart(e, campagne)) for e in ecarts]
    return csv_octets(ENTETES_REJETS, lignes)


def message_ecart(ecart: Ecart, campagne: str | None) -> str:
    """« campagne « 2023-2024 », pas 2024-2025 » : pourquoi un fichier valide est écarté."""
    return f"campagne « {ecart.campagne or 'non indiquée'} », pas {campagne} (--campagne)"


def octets_manquants(manquants: Iterable) -> bytes:
    """manquants.csv : chaque établissement attendu sans campagne utilisable, avec la raison."""
    return csv_octets(
        ENTETES_MANQUANTS, ((m.uai, m.nom or "", m.commune or "", m.etat, m.raison, m.fichier or "") for m in manquants)
    )


def octets_correspondance(lignes: Iterable[tuple[str, str, str | None, str | None]]) -> bytes:
    """La table de correspondance pseudonyme → UAI, nom, commune (seulement sur demande)."""
    return csv_octets(ENTETES_CORRESPONDANCE, ((p, u, n or "", c or "") for p, u, n, c in lignes))


def _stat_repere(valeurs: list[float | None], anonyme: bool) -> dict[str, object] | None:
    resume = resumer(valeurs)
    if resume is None:
        return None
    if anonyme and resume.n < SEUIL_ANONYMAT:
        return {"n": None, "masque": MASQUE}
    if anonyme:  # ni minimum, ni maximum, ni valeurs : des tranches de 10 points
        stat: dict[str, object] = {k: v for k, v in resume._asdict().items() if k not in ("minimum", "maximum")}
        return {**stat, "tranches": [[b, n] for b, n in tranches(valeurs)]}
    return {**resume._asdict(), "effectifs": [[v, n] for v, n in effectifs(valeurs)]}


def donnees_repere(
    connexion: sqlite3.Connection, referentiel: str, anonyme: bool, masquees: dict[str, int] | None = None
) -> dict[str, object]:
    """Le contenu de repere.json : pour chaque campagne et chaque domaine, la distribution des chiffres ;
    les campagnes ``masquees`` (campagne → nombre d'établissements, absentes de la base en mode anonyme
    parce que trop petites) y figurent, chaque chiffre masqué."""
    campagnes: dict[str, dict] = {}
    domaines_ids = [d for (d,) in connexion.execute("SELECT id FROM domaines ORDER BY rang")]
    for campagne, nombre in (masquees or {}).items():
        masque = {"n": None, "masque": MASQUE}
        campagnes[campagne] = {"etablissements": nombre, "domaines": {d: {"score": masque} for d in domaines_ids}}
    for campagne, nombre in connexion.execute(
        "SELECT campagne, COUNT(*) FROM campagnes GROUP BY campagne ORDER BY campagne"
    ).fetchall():
        domaines: dict[str, dict] = {}
        for (domaine,) in connexion.execute("SELECT id FROM domaines ORDER BY rang").fetchall():
            lignes = connexion.execute(
                "SELECT s.score, s.usage, s.moyens FROM scores s JOIN campagnes c ON c.id = s.campagne_id "
                "WHERE c.campagne = ? AND s.domaine = ?",
                (campagne, domaine),
            ).fetchall()
            chiffres = {}
            for rang, nom in enumerate(("score", "usage", "moyens")):
                stat = _stat_repere([ligne[rang] for ligne in lignes], anonyme)
                if stat is not None:
                    chiffres[nom] = stat
            domaines[domaine] = chiffres
        campagnes[campagne] = {"etablissements": nombre, "domaines": domaines}
    campagnes = dict(sorted(campagnes.items()))
    return {
        "format": FORMAT_REPERE,
        "version": VERSION_REPERE,
        "referentiel": referentiel,
        "anonyme": anonyme,
        "methode": METHODE_QUANTILES,
        "campagnes": campagnes,
    }


def octets_repere(donnees: dict[str, object]) -> bytes:
    tampon = io.StringIO()
    json.dump(donnees, tampon, ensure_ascii=False, separators=(",", ":"))
    tampon.write("\n")
    return tampon.getvalue().encode("utf-8")
