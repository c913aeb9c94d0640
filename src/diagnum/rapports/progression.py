"""Les rapports Markdown de ``compare -o`` (progression) et ``evolution -o``.

Trois étages : un contexte pur (chaînes prêtes à afficher, calculées à partir
de ``Comparaison`` ou ``Evolution``), la mise en page Jinja2 (gabarits
``modeles/progression.md.j2`` et ``modeles/evolution.md.j2``, rendus par
l'environnement de ``rapport`` et son filtre d'échappement ``md`` ; en HTML et
en PDF, ``html.page_progression`` et ``html.page_evolution``), puis l'écriture
au bord (``formats``) : le dossier est créé s'il manque, aucun fichier existant
n'est remplacé sans ``force``, chaque fichier est écrit de façon atomique.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from diagnum.affichage import date_fr, nombre_fr, pluriel, pourcent_fr, score_fr
from diagnum.calculs.comparaison import (
    AMELIORATION,
    EXPLICATIONS_SENS,
    LIBELLES_SENS,
    NEUTRE,
    REGRESSION,
    Comparaison,
    Ecart,
    Evolution,
    delta_fr,
    statut_fr,
)

BASE_PROGRESSION = "progression"
RAPPORT_PROGRESSION = "progression.md"
RADAR_PROGRESSION = "radar-progression.png"
BASE_EVOLUTION = "evolution"
RAPPORT_EVOLUTION = "evolution.md"
COURBES_EVOLUTION = "evolution.png"

# --------------------------------------------------------------------------
# Contextes (purs)


def _campagne(profil) -> dict[str, str]:
    return {"campagne": profil.campagne, "date": date_fr(profil.date) if profil.date else ""}


def _marque(valeur: float | None, provisoire: bool) -> str:
    """« 62,0 (provisoire) » comme dans le rapport d'une campagne."""
    return f"{score_fr(valeur)} (provisoire)" if provisoire and valeur is not None else score_fr(valeur)


def _ecart(ecart: Ecart) -> dict[str, str]:
    return {
        "avant": _marque(ecart.avant, ecart.avant_provisoire),
        "apres": _marque(ecart.apres, ecart.apres_provisoire),
        "delta": delta_fr(ecart.delta),
        "fleche": ecart.fleche,
    }


def _etablissement(profil) -> str:
    etablissement = profil.etablissement
    nom = etablissement.nom or "l'établissement"
    return f"{nom} (UAI {etablissement.uai})" if etablissement.uai else nom


def contexte_progression(comparaison: Comparaison, referentiel_titre: str = "") -> dict[str, object]:
    """Ce que le gabarit ``progression.md.j2`` affiche, tout en chaînes."""
    from diagnum import __version__

    avant, apres = comparaison.avant, comparaison.apres
    sens_groupes = []
    for sens in (AMELIORATION, REGRESSION, NEUTRE):
        groupes = [
            (
                titre,
                [
                    {
                        "id": c.id,
                        "libelle": c.libelle.rstrip(" :."),
                        "avant": c.avant_ecrit,
                        "apres": c.apres_ecrit,
                    }
                    for c in changements
                ],
            )
            for titre, changements in comparaison.groupes(sens)
        ]
        if groupes:
            sens_groupes.append(
                {
                    "titre": LIBELLES_SENS[sens],
                    "explication": EXPLICATIONS_SENS.get(sens, ""),
                    "nombre": len(comparaison.par_sens(sens)),
                    "groupes": groupes,
                }
            )

    objectifs = []
    for b in comparaison.objectifs:
        actions = []
        for a in b.actions_non_realisees:
            details = [a.responsable] if a.responsable else []
            if a.echeance:
                details.append(f"échéance {date_fr(a.echeance)}")
            actions.append({"libelle": a.libelle, "details": ", ".join(details), "statut": statut_fr(a.statut)})
        echeance = date_fr(b.objectif.echeance) if b.objectif.echeance else "—"
        if b.echeance_passee is False:
            echeance += " (pas encore échue à la date de la campagne)"
        objectifs.append(
            {
                "titre": b.titre,
                "cible": score_fr(b.objectif.cible),
                "score_initial": score_fr(b.score_initial),
                "score": _marque(b.score, b.provisoire),
                "atteint": b.atteint,
                "verdict": b.verdict,
                "echeance": echeance,
                "actions": actions,
                "nombre_actions": len(b.objectif.actions),
            }
        )
    return {
        "seuil": nombre_fr(comparaison.domaines[0].score.seuil if comparaison.domaines else 0),
        "seuil_provisoire": pourcent_fr(comparaison.seuil_provisoire),
        "provisoires": comparaison.a_des_provisoires,
        "etablissement": _etablissement(apres),
        "avant": _campagne(avant),
        "apres": _campagne(apres),
        "referentiel": avant.referentiel,
        "referentiel_titre": referentiel_titre or "Référentiel collège/lycée numérique",
        "version": __version__,
        "radar": RADAR_PROGRESSION,
        "domaines": [
            {"axe": d.axe, **_ecart(d.score), "moyens": _ecart(d.moyens) if d.moyens is not None else None}
            for d in comparaison.domaines
        ],
        "reference": [
            {"libelle": r.libelle, "avant": nombre_fr(r.avant), "apres": nombre_fr(r.apres)}
            for r in comparaison.reference
        ],
        "nombre_changements": len(comparaison.changements),
        "resume": ", ".join(
            [
                pluriel(len(comparaison.ameliorations), "amélioration"),
                pluriel(len(comparaison.regressions), "régression"),
                pluriel(len(comparaison.neutres), "autre changement", "autres changements"),
            ]
        ),
        "sens_groupes": sens_groupes,
        "objectifs": objectifs,
    }


def contexte_evolution(evo: Evolution, referentiel_titre: str = "") -> dict[str, object]:
    """Ce que le gabarit ``evolution.md.j2`` affiche, tout en chaînes."""
    from diagnum import __version__
    from diagnum.calculs.comparaison import ORDRE_DATE

    def ligne(axe: str, valeurs, ecart: Ecart, moyens: bool = False) -> dict[str, object]:
        return {
            "axe": axe,
            "moyens": moyens,
            "valeurs": [score_fr(v) for v in valeurs],
            "delta": delta_fr(ecart.delta),
            "fleche": ecart.fleche,
        }

    lignes = []
    for serie in evo.domaines:
        lignes.append(ligne(serie.axe, serie.scores, serie.ecart))
        if serie.moyens is not None:
            lignes.append(ligne("moyens", serie.moyens, serie.ecart_moyens, moyens=True))
    return {
        "seuil": nombre_fr(evo.domaines[0].seuil if evo.domaines else 0),
        "etablissement": _etablissement(evo.profils[-1]),
        "campagnes": [
            {**_campagne(p), "fichier": Path(chemin).name if chemin else ""}
            for p, chemin in zip(evo.profils, evo.chemins, strict=True)
        ],
        "par_date": evo.ordre == ORDRE_DATE,
        "referentiel": evo.profils[-1].referentiel,
        "referentiel_titre": referentiel_titre or "Référentiel collège/lycée numérique",
        "version": __version__,
        "graphique": COURBES_EVOLUTION,
        "lignes": lignes,
    }


# --------------------------------------------------------------------------
# Mise en page et écriture


def rendre(modele: str, contexte: Mapping[str, object]) -> str:
    """Met en page un gabarit de ``modeles/`` avec l'environnement des rapports
    (``rapport.environnement_jinja`` : filtre ``md`` pour tout texte de l'utilisateur)."""
    from diagnum.rapports.rapport import environnement_jinja

    texte = environnement_jinja().get_template(modele).render(**contexte)
    return re.sub(r"\n{3,}", "\n\n", texte).rstrip("\n") + "\n"


def page_progression(
    comparaison: Comparaison, referentiel_titre: str = "", contexte: Mapping[str, object] | None = None
) -> str:
    """La page HTML autonome du rapport de progression (gabarit ``progression.html.j2``) ; ``contexte`` :
    celui de ``contexte_progression``, s'il est déjà construit pour un autre format."""
    from diagnum.rapports.graphiques import DPI_IMPRESSION, radar_png
    from diagnum.sorties.html import MODELE_PROGRESSION_HTML, image, rendre_html, texte_radar

    profils = [comparaison.avant, comparaison.apres]
    radar = image(radar_png(profils, dpi=DPI_IMPRESSION), texte_radar(profils))
    return rendre_html(
        MODELE_PROGRESSION_HTML,
        {
            **(contexte if contexte is not None else contexte_progression(comparaison, referentiel_titre)),
            "image": radar,
        },
    )


def page_evolution(evo: Evolution, referentiel_titre: str = "", contexte: Mapping[str, object] | None = None) -> str:
    """La page HTML autonome du rapport d'évolution (gabarit ``evolution.html.j2``) ; ``contexte`` : celui
    de ``contexte_evolution``, s'il est déjà construit pour un autre format."""
    from diagnum.rapports.graphiques import DPI_IMPRESSION
    from diagnum.rapports.graphiques_evolution import courbes_evolution_png
    from diagnum.sorties.html import MODELE_EVOLUTION_HTML, image, rendre_html, texte_evolution

    courbes = image(courbes_evolution_png(evo, dpi=DPI_IMPRESSION), texte_evolution(evo))
    contexte = contexte if contexte is not None else contexte_evolution(evo, referentiel_titre)
    return rendre_html(MODELE_EVOLUTION_HTML, {**contexte, "image": courbes})


def ecrire_rapport_progression(
    comparaison: Comparaison,
    dossier: Path,
    *,
    force: bool = False,
    referentiel_titre: str = "",
    formats: Sequence[str] = ("md",),
) -> list[Path]:
    """Écrit le rapport de progression dans ``dossier``, dans chaque format demandé : ``progression.md``
    et le radar superposé, ``progression.html``, ``progression.pdf`` ; renvoie les chemins des rapports."""
    from diagnum.rapports import formats as fmt

    fmt.verifier_formats(formats)
    fmt.verifier_dossier(dossier)
    fmt.refuser_existants(dossier, fmt.noms_fichiers(BASE_PROGRESSION, formats, (RADAR_PROGRESSION,)), force)
    contexte = contexte_progression(comparaison, referentiel_titre)  # une fois, pour chaque format

    def markdown() -> dict[str, bytes | str]:
        from diagnum.rapports.graphiques import radar_png

        texte = rendre("progression.md.j2", contexte)
        return {RADAR_PROGRESSION: radar_png([comparaison.avant, comparaison.apres]), RAPPORT_PROGRESSION: texte}

    def html() -> str:
        return page_progression(comparaison, referentiel_titre, contexte)

    principaux = fmt.noms_fichiers(BASE_PROGRESSION, formats)
    fmt.ecrire(
        dossier,
        fmt.produire(BASE_PROGRESSION, formats, markdown=markdown, html=html),
        force=force,
        principaux=principaux,
    )
    return [Path(dossier) / nom for nom in principaux]


def ecrire_rapport_evolution(
    evo: Evolution,
    dossier: Path,
    *,
    force: bool = False,
    referentiel_titre: str = "",
    formats: Sequence[str] = ("md",),
) -> list[Path]:
    """Écrit le rapport d'évolution dans ``dossier``, dans chaque format demandé : ``evolution.md`` et son
    graphique, ``evolution.html``, ``evolution.pdf`` ; renvoie les chemins des rapports."""
    from diagnum.rapports import formats as fmt

    fmt.verifier_formats(formats)
    fmt.verifier_dossier(dossier)
    fmt.refuser_existants(dossier, fmt.noms_fichiers(BASE_EVOLUTION, formats, (COURBES_EVOLUTION,)), force)
    contexte = contexte_evolution(evo, referentiel_titre)  # une fois, pour chaque format

    def markdown() -> dict[str, bytes | str]:
        from diagnum.rapports.graphiques_evolution import courbes_evolution_png

        texte = rendre("evolution.md.j2", contexte)
        return {COURBES_EVOLUTION: courbes_evolution_png(evo), RAPPORT_EVOLUTION: texte}

    def html() -> str:
        return page_evolution(evo, referentiel_titre, contexte)

    principaux = fmt.noms_fichiers(BASE_EVOLUTION, formats)
    fmt.ecrire(
        dossier, fmt.produire(BASE_EVOLUTION, formats, markdown=markdown, html=html), force=force, principaux=principaux
    )
    return [Path(dossier) / nom for nom in principaux]
