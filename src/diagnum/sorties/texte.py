"""Le format texte : ce qu'on lit dans un terminal (constats, comparaison, évolution, versions).

Constats de ``valider`` : ``texte`` (Rich sur un terminal, groupé par fichier), ``parsable``
(``fichier:ligne:colonne: [gravité] message (code)``) et ``github`` (commandes de workflow
GitHub Actions) ; leur JSON est dans ``sorties.json``. Tout texte venu d'une campagne ou d'un nom
de fichier passe par ``echapper_terminal`` : un caractère de contrôle s'affiche échappé
(``\\x1b``), jamais interprété par le terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from diagnum.affichage import pluriel
from diagnum.campagne.diagnostics import Diagnostic
from diagnum.echappement import echapper_lignes, echapper_terminal

if TYPE_CHECKING:
    from diagnum.calculs.comparaison import Comparaison, Evolution
    from diagnum.classeurs.fusion import Changement, Conflit
    from diagnum.enquetes.importation import Bilan as BilanEnquete
    from diagnum.enquetes.lecture import Feuille
    from diagnum.sources.estimation import Regles
    from diagnum.sources.importation import Bilan as BilanSources

FichierConstats = tuple[str, Sequence[Diagnostic]]


def format_parsable(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> str:
    """Une ligne par constat, lisible par les éditeurs (errorformat, problem matcher)."""
    lignes = []
    for chemin, constats in fichiers:
        chemin = echapper_terminal(chemin)
        for d in constats:
            message = " ".join(echapper_terminal(d.message).split())
            lignes.append(f"{chemin}:{d.ligne}:{d.colonne}: [{d.gravite.value}] {message} ({d.code})")
    return "\n".join(lignes) + ("\n" if lignes else "")


def _echapper_github(texte: str, propriete: bool = False) -> str:
    texte = texte.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if propriete:
        texte = texte.replace(":", "%3A").replace(",", "%2C")
    return texte


def format_github(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> str:
    """Commandes de workflow : ``::error file=…,line=…,col=…::message``."""
    lignes = []
    for chemin, constats in fichiers:
        for d in constats:
            niveau = "error" if d.est_erreur else "warning"
            lignes.append(
                f"::{niveau} file={_echapper_github(echapper_terminal(chemin), True)},line={d.ligne},"
                f"col={d.colonne}::{_echapper_github(echapper_lignes(d.message))} ({d.code})"
            )
    return "\n".join(lignes) + ("\n" if lignes else "")


def bilan(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> str:
    """« 2 erreurs, 3 avertissements dans 1 fichier sur 4 » ; « ; 1 fichier non lu » s'il y en a."""
    erreurs = sum(1 for _, cs in fichiers for d in cs if d.est_erreur)
    avertissements = sum(1 for _, cs in fichiers for d in cs if not d.est_erreur)
    touches = sum(1 for _, cs in fichiers if cs)

    if not fichiers:
        texte = "aucun fichier vérifié"
    elif not erreurs and not avertissements:
        texte = f"aucun problème ({pluriel(len(fichiers), 'fichier')} vérifié{'s' if len(fichiers) > 1 else ''})"
    else:
        texte = (
            f"{pluriel(erreurs, 'erreur')}, {pluriel(avertissements, 'avertissement')} "
            f"dans {pluriel(touches, 'fichier')} sur {len(fichiers)}"
        )
    if non_lus:
        texte += f" ; {pluriel(non_lus, 'fichier')} non lu{'s' if non_lus > 1 else ''} (voir plus haut)"
    return texte


#: « avertissement » et deux espaces : les messages commencent tous à la même colonne.
_LARGEUR_GRAVITE = len("avertissement") + 2


def _largeur_position(constats: Sequence[Diagnostic]) -> int:
    return max(len(f"{d.ligne}:{d.colonne}") for d in constats) + 2


def _position(d: Diagnostic, largeur: int) -> str:
    return f"{d.ligne}:{d.colonne}".ljust(largeur)


def _lignes_texte(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> list[str]:
    lignes = []
    for chemin, constats in fichiers:
        if not constats:
            continue
        lignes.append(echapper_terminal(chemin))
        largeur = _largeur_position(constats)
        for d in constats:
            message = echapper_terminal(d.message)
            ligne = f"  {_position(d, largeur)}{d.gravite.value:<{_LARGEUR_GRAVITE}}{message}  ({d.code})"
            lignes.append(ligne.expandtabs(8))  # comme Rich, pour une tabulation citée dans un message
        lignes.append("")
    lignes.append(bilan(fichiers, non_lus))
    return lignes


def _terminal(flux: TextIO) -> bool:
    """Vrai si la sortie est un terminal (ou si FORCE_COLOR le fait croire à Rich)."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return flux.isatty()
    except (AttributeError, ValueError):
        return False


def ecrire_constats(fichiers: Sequence[FichierConstats], non_lus: int = 0) -> None:
    """Les constats à l'écran (``ecrire_texte`` sur la sortie standard) ; rien à rendre."""
    ecrire_texte(fichiers, non_lus=non_lus)


def ecrire_texte(fichiers: Sequence[FichierConstats], flux: TextIO | None = None, non_lus: int = 0) -> None:
    """Sortie lisible, groupée par fichier (couleurs seulement sur un terminal).

    Hors d'un terminal (tube, fichier, tests), ou avec NO_COLOR, le même texte
    sans couleurs ni gras est écrit directement : Rich coûterait 30 à 50 ms
    d'import à chaque appel (et garderait le gras malgré NO_COLOR).
    """
    sortie = flux if flux is not None else sys.stdout
    if not _terminal(sortie) or os.environ.get("NO_COLOR"):
        sortie.write("\n".join(_lignes_texte(fichiers, non_lus)) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    # Des objets Text plutôt que du balisage : un « [ » ou un « \ » final d'un message reste tel quel.
    console = Console(file=flux, highlight=False, soft_wrap=True, emoji=False)
    for chemin, constats in fichiers:
        if not constats:
            continue
        console.print(Text(echapper_terminal(chemin), style="bold"))
        largeur = _largeur_position(constats)
        for d in constats:
            style = "red" if d.est_erreur else "yellow"
            console.print(
                Text.assemble(
                    f"  {_position(d, largeur)}",
                    (d.gravite.value, style),
                    " " * (_LARGEUR_GRAVITE - len(d.gravite.value)),
                    echapper_terminal(d.message),
                    "  ",
                    (f"({d.code})", "dim"),
                )
            )
        console.print()
    console.print(Text(bilan(fichiers, non_lus)))


# --------------------------------------------------------------------------
# Comparaison et évolution (``compare``, ``evolution``)


def tableau_texte(lignes: Sequence[Sequence[str]]) -> list[str]:
    """Un tableau aligné : première colonne à gauche, les autres à droite."""
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(len(lignes[0]))]
    resultat = []
    for ligne in lignes:
        cellules = [ligne[0].ljust(largeurs[0])] + [c.rjust(n) for c, n in zip(ligne[1:], largeurs[1:], strict=True)]
        resultat.append("  ".join(cellules).rstrip())
    return resultat


def nom_etablissement(etablissement) -> str:
    """« Collège Jean Moulin (UAI 0750654D) », ou ce qu'on en sait (pour un terminal : contrôles échappés)."""
    from diagnum.echappement import echapper_terminal

    nom = echapper_terminal(etablissement.nom) or "l'établissement"
    return f"{nom} (UAI {etablissement.uai})" if etablissement.uai else nom


def campagne_datee(profil) -> str:
    """« 2024-2025 (20/05/2025) » (pour un terminal : contrôles échappés)."""
    from diagnum.affichage import date_fr
    from diagnum.echappement import echapper_terminal

    campagne = echapper_terminal(profil.campagne)
    return f"{campagne} ({date_fr(profil.date)})" if profil.date else campagne


def chiffre_marque(valeur: float | None, provisoire: bool) -> str:
    """« 62,0 », ou « 62,0 (provisoire) » comme dans le rapport ; « — » sans chiffre."""
    from diagnum.affichage import score_fr

    return f"{score_fr(valeur)} (provisoire)" if provisoire and valeur is not None else score_fr(valeur)


def _ligne_ecart(titre: str, ecart) -> list[str]:
    from diagnum.calculs.comparaison import delta_fr

    return [
        titre,
        chiffre_marque(ecart.avant, ecart.avant_provisoire),
        chiffre_marque(ecart.apres, ecart.apres_provisoire),
        f"{delta_fr(ecart.delta)} {ecart.fleche}".rstrip(),
    ]


def comparaison(comparaison: Comparaison, chemins: Sequence[str] = ()) -> str:
    """La sortie ``texte`` : écarts par domaine, réponses changées, objectifs ; tout texte de
    l'utilisateur y passe par ``echapper_terminal`` (caractères de contrôle rendus visibles)."""
    from diagnum.affichage import date_fr, nombre_fr, pourcent_fr, score_fr
    from diagnum.calculs.comparaison import (
        AMELIORATION,
        EXPLICATIONS_SENS,
        LIBELLES_SENS,
        NEUTRE,
        REGRESSION,
        statut_fr,
    )
    from diagnum.echappement import echapper_lignes, echapper_terminal

    avant, apres = comparaison.avant, comparaison.apres
    lignes = [
        f"Progrès — {nom_etablissement(apres.etablissement)} : {campagne_datee(avant)} → {campagne_datee(apres)}",
        "",
    ]
    rangees = [["Domaine", "Avant", "Après", "Écart"]]
    for d in comparaison.domaines:
        rangees.append(_ligne_ecart(d.axe, d.score))
        if d.moyens is not None:
            rangees.append(_ligne_ecart("  moyens", d.moyens))
    lignes += tableau_texte(rangees)
    lignes += [
        "Scores de 0 à 100 ; pour un domaine d'usage, le score est celui de l'usage,",
        "la ligne « moyens » suit les éléments d'analyse. ↑ hausse, ↓ baisse,",
        f"→ stable (écart de moins de {nombre_fr(comparaison.domaines[0].score.seuil)} point).",
    ]
    if comparaison.a_des_provisoires:
        lignes.append(
            f"(provisoire) : questions de ce chiffre renseignées à moins de {pourcent_fr(comparaison.seuil_provisoire)}."
        )

    if comparaison.reference:
        lignes += ["", "Éléments de référence modifiés"]
        lignes += [f"  {r.libelle} : {nombre_fr(r.avant)} → {nombre_fr(r.apres)}" for r in comparaison.reference]

    lignes.append("")
    nombre = len(comparaison.changements)
    if not nombre:
        lignes.append("Aucune réponse n'a changé.")
    else:
        lignes.append(
            f"Réponses qui ont changé : {nombre} ("
            f"{pluriel(len(comparaison.ameliorations), 'amélioration')}, "
            f"{pluriel(len(comparaison.regressions), 'régression')}, "
            f"{pluriel(len(comparaison.neutres), 'autre changement', 'autres changements')})"
        )
    for sens in (AMELIORATION, REGRESSION, NEUTRE):
        groupes = comparaison.groupes(sens)
        if not groupes:
            continue
        explication = f" : {EXPLICATIONS_SENS[sens]}" if sens in EXPLICATIONS_SENS else ""
        lignes += ["", f"{LIBELLES_SENS[sens]} ({len(comparaison.par_sens(sens))}){explication}"]
        for titre, changements in groupes:
            lignes.append(f"  {titre}")
            for c in changements:
                lignes.append(f"    - {' '.join(c.libelle.split()).rstrip(' :')}")
                lignes.append(f"      {c.id} : {c.avant_ecrit} → {c.apres_ecrit}")

    lignes.append("")
    if not comparaison.objectifs:
        lignes.append(f"Aucun objectif n'était fixé dans la campagne {echapper_terminal(avant.campagne)}.")
    else:
        lignes.append(
            f"Objectifs fixés en {echapper_terminal(avant.campagne)}, "
            f"jugés sur les scores de {echapper_terminal(apres.campagne)}"
        )
        for b in comparaison.objectifs:
            verdict = b.verdict
            if b.atteint is None:
                verdict += f" (aucun score en {echapper_terminal(apres.campagne)} dans ce domaine)"
            score = f"score {chiffre_marque(b.score, b.provisoire)}"
            if b.score_initial is not None:
                score += f" ({score_fr(b.score_initial)} en {echapper_terminal(avant.campagne)})"
            details = [f"cible {score_fr(b.objectif.cible)}", score]
            if b.objectif.echeance:
                suite = " (pas encore échue à la date de la campagne)" if b.echeance_passee is False else ""
                details.append(f"échéance {date_fr(b.objectif.echeance)}{suite}")
            lignes.append(f"  {b.titre} : {verdict} — {', '.join(details)}")
            if b.actions_non_realisees:
                lignes.append("    Actions non réalisées :")
                for a in b.actions_non_realisees:
                    qui = ", ".join(
                        echapper_terminal(p)
                        for p in (a.responsable, f"échéance {date_fr(a.echeance)}" if a.echeance else None)
                        if p
                    )
                    libelle = echapper_terminal(a.libelle)
                    lignes.append(f"      - {libelle}{f' ({qui})' if qui else ''} : {statut_fr(a.statut)}")
            elif b.objectif.actions:
                lignes.append("    Toutes les actions sont réalisées.")
    return echapper_lignes("\n".join(lignes)) + "\n"


def phrase_ordre(evo: Evolution) -> str:
    """Comment les campagnes ont été rangées, en une phrase."""
    from diagnum.calculs.comparaison import ORDRE_DATE

    if evo.ordre == ORDRE_DATE:
        return "Campagnes rangées par date."
    return "Campagnes dans l'ordre donné : au moins une n'a pas de date (clé « date »)."


def entetes_campagnes(evo: Evolution, largeur: int = 12) -> list[str]:
    """Les noms des campagnes s'ils sont courts et distincts, sinon leurs numéros (contrôles échappés)."""
    from diagnum.echappement import echapper_terminal

    libelles = [echapper_terminal(libelle) for libelle in evo.libelles]
    if len(set(libelles)) == len(libelles) and all(len(lib) <= largeur for lib in libelles):
        return libelles
    return [str(i) for i in range(1, len(libelles) + 1)]


def evolution(evo: Evolution, chemins: Sequence[str] = ()) -> str:
    """La sortie ``texte`` : un tableau domaine × campagne et l'écart de la première à la dernière."""
    from diagnum.affichage import nombre_fr, score_fr
    from diagnum.calculs.comparaison import Ecart, delta_fr
    from diagnum.echappement import echapper_lignes

    def tendance(ecart: Ecart) -> str:
        return f"{delta_fr(ecart.delta)} {ecart.fleche}".rstrip()

    dernier = evo.profils[-1]
    lignes = [
        f"Évolution — {nom_etablissement(dernier.etablissement)} sur {len(evo.profils)} campagnes",
        phrase_ordre(evo),
        *(f"  {i}. {campagne_datee(p)}" for i, p in enumerate(evo.profils, start=1)),
        "",
    ]
    rangees = [["Domaine", *entetes_campagnes(evo), "Évolution"]]
    for serie in evo.domaines:
        rangees.append([serie.axe, *(score_fr(s) for s in serie.scores), tendance(serie.ecart)])
        if serie.moyens is not None:
            rangees.append(["  moyens", *(score_fr(s) for s in serie.moyens), tendance(serie.ecart_moyens)])
    lignes += tableau_texte(rangees)
    lignes += [
        "Scores de 0 à 100 ; « Évolution » : de la première à la dernière campagne",
        f"(↑ hausse, ↓ baisse, → stable : écart de moins de {nombre_fr(evo.domaines[0].seuil)} point).",
    ]
    return echapper_lignes("\n".join(lignes)) + "\n"


def versions(versions: Sequence[tuple[str, str]], recente: str) -> str:
    """Les versions du référentiel, une par ligne : « 2011  Référentiel … (la plus récente) »."""
    largeur = max(len(v) for v, _ in versions)
    lignes = [f"{v:<{largeur}}  {t}" for v, t in versions]
    return "\n".join([*lignes, "", f"Pour le détail d'une version : diagnum referentiel {recente}"]) + "\n"


# --------------------------------------------------------------------------
# ``sources importer`` : les phrases autour des tableaux (les tableaux sont dans ``sorties.tableau``)

#: Un effectif plus petit, dans un détail affiché, pourrait désigner une personne : écrit « moins de 5 ».
PETIT_EFFECTIF = 5


def effectif_affiche(nombre: int) -> str:
    """Un effectif d'un détail affiché : « moins de 5 » en dessous de 5, sinon le nombre."""
    return f"moins de {PETIT_EFFECTIF}" if 0 < nombre < PETIT_EFFECTIF else str(nombre)


def export_lu(feuille: Feuille) -> str:
    """La première ligne de ``sources importer`` : le fichier lu, son format, son nombre de lignes."""
    return f"{feuille.chemin} : {feuille.format}, {len(feuille.lignes)} ligne{'s' if len(feuille.lignes) > 1 else ''}"


def autres_erreurs(reste: int) -> str:
    """Ce qui dit combien d'erreurs ne sont pas montrées."""
    return f"… et {reste} autre{'s' if reste > 1 else ''} erreur{'s' if reste > 1 else ''}"


def entete_estimation(bilan: BilanSources, regles: Regles, refusees: int) -> list[tuple[str, bool]]:
    """Ce qui précède les tableaux d'une estimation : source, période, règle ou seuils, avertissements
    et lignes ignorées ; chaque ligne avec ``True`` si elle va sur la sortie d'erreur."""
    from diagnum.sources.importation import phrase_periode

    estimation = bilan.estimation
    unites = f" ({estimation.unites})" if estimation.unites else ""
    lignes = [(f"Source : {estimation.outil} ; période : {phrase_periode(estimation)}{unites}.", False)]
    if estimation.sorte == "emploi_du_temps":
        lignes.append(
            (
                "Règle : un cours chaque semaine dans une salle retenue = régulièrement ; jamais = le nombre de "
                "référence moins ceux qui sont vus (un emploi du temps ne dit pas « occasionnellement »).",
                False,
            )
        )
    else:
        quoi = "des mois d'activité" if estimation.sorte == "ent" else "des semaines de cours"
        unite = "connexion" if estimation.sorte == "ent" else "réservation"
        lignes.append(
            (
                f"Seuils : régulièrement = au moins {regles.regulier} % {quoi}, occasionnellement = au moins "
                f"{regles.minimum} {unite}{'s' if regles.minimum > 1 else ''}, jamais = le nombre de référence "
                "moins ceux qui sont vus (--regulier, --minimum, --semaines pour les changer).",
                False,
            )
        )
    lignes += [(f"attention : {avertissement}", True) for avertissement in bilan.avertissements]
    if estimation.hors_periode:
        lignes.append((f"{effectif_affiche(estimation.hors_periode)} ligne(s) hors de la période, ignorée(s).", False))
    if refusees:
        lignes.append(
            (f"{effectif_affiche(refusees)} demande(s) refusée(s) (colonne « Modération » de GRR), ignorée(s).", False)
        )
    return lignes


def regles_estimation(bilan: BilanSources) -> list[str]:
    """Après les tableaux : la règle suivie pour chaque item estimé."""
    return [f"{estime.item} : {estime.regle}." for estime in bilan.estimation.items]


def fin_estimation(campagne: object, bilan: BilanSources, *, essai: bool) -> str:
    """La dernière ligne de ``sources importer`` : déjà à jour, essai, ou réponses mises à jour."""
    nombre = len(bilan.changements)
    if bilan.texte is None:
        return f"{campagne} : déjà à jour, rien à changer."
    if essai:
        verbe = "changeraient" if nombre > 1 else "changerait"
        return f"{campagne} : essai, rien n'a été écrit ({nombre} réponse{'s' if nombre > 1 else ''} {verbe})."
    items = len(bilan.estimation.items)
    return (
        f"{campagne} : {nombre} réponse{'s mises' if nombre > 1 else ' mise'} à jour, estimation"
        f"{'s' if items > 1 else ''} enregistrée{'s' if items > 1 else ''} dans « sources: »."
    )


# --------------------------------------------------------------------------
# ``classeur`` et ``fusionner`` : réponses, conflits et changements dans les messages


def classeur_ecrit(sortie: object, campagne: object, feuilles: Sequence[str]) -> str:
    """Ce que ``classeur`` dit après l'écriture : ses feuilles à remplir, et comment le faire revenir."""
    noms = ", ".join(f"« {nom} »" for nom in feuilles)
    return f"{sortie} : classeur écrit ({noms}). Une fois rempli : diagnum fusionner {campagne} {sortie}"


def reponse_fusion(valeur: object) -> str:
    """Une réponse dans un message : « oui », 12, « jamais 1, occasionnellement 2, régulièrement 3 »."""
    import datetime as dt

    from diagnum.affichage import abreger, modalite

    if valeur is None:
        return "(vide)"
    if isinstance(valeur, dict):
        return ", ".join(f"{modalite(k)} {v}" for k, v in valeur.items())
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        return str(int(valeur)) if float(valeur).is_integer() else str(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return f"« {abreger(' '.join(str(valeur).split()))} »"


def conflit_fusion(c: Conflit) -> str:
    """Un conflit : les deux réponses et leur place."""
    from diagnum.classeurs.reponses import libelle_chemin

    return (
        f"conflit sur {libelle_chemin(c.chemin)} entre "
        f"{'la campagne et une source' if c.dans_campagne else 'deux sources'} : {reponse_fusion(c.premiere.valeur)} "
        f"({c.premiere.place}) et {reponse_fusion(c.seconde.valeur)} ({c.seconde.place})"
    )


def changement_fusion(c: Changement) -> str:
    """Une réponse changée : « chemin : avant → après (place) »."""
    from diagnum.classeurs.reponses import libelle_chemin

    return f"{libelle_chemin(c.chemin)} : {reponse_fusion(c.avant)} → {reponse_fusion(c.apres)} ({c.place})"


def erreur_apres_fusion(campagne: object, d: Diagnostic, venue: str | None) -> str:
    """Une erreur que seule la campagne fusionnée fait voir, renvoyée à la cellule d'où vient la réponse."""
    return f"{campagne} (après fusion):{d.ligne}:{d.colonne}: [erreur] {d.message} ({d.code})" + (
        f" ; réponse venue de {venue}" if venue is not None else ""
    )


def conflits_fusion(nombre: int) -> str:
    """Pourquoi rien n'a été écrit, et comment trancher."""
    return (
        f"{nombre} conflit{'s' if nombre > 1 else ''} : rien n'a été écrit ; choisissez la réponse dans une source "
        "et relancez, ou tranchez avec --retenir SOURCE (cette source l'emporte) ou --remplacer (les sources "
        "l'emportent sur la campagne)"
    )


def fin_fusion(campagne: object, nombre: int, *, essai: bool) -> str:
    """La dernière ligne de ``fusionner`` : rien à changer, essai, ou réponses fusionnées."""
    if not nombre:
        return f"{campagne} : rien à changer, les sources n'apportent aucune réponse nouvelle"
    pluriel = "s" if nombre > 1 else ""
    if essai:
        return f"{campagne} : {nombre} réponse{pluriel} changerai{'en' if nombre > 1 else ''}t (essai : rien n'a été écrit)"
    chacune = "chacune suivie" if nombre > 1 else "suivie"
    return f"{campagne} : {nombre} réponse{pluriel} fusionnée{pluriel}, {chacune} du nom de sa source"


# --------------------------------------------------------------------------
# ``enquete importer`` : autour du tableau des changements (``sorties.tableau.changements_enquete``)


def entete_enquete(bilan: BilanEnquete) -> list[tuple[str, bool]]:
    """Avertissements, colonnes, lignes et questions laissées de côté ; chaque ligne avec ``True`` si elle
    va sur la sortie d'erreur."""
    d = bilan.depouillement
    lignes = [(f"attention : {avertissement}", True) for avertissement in bilan.avertissements]
    ignorees = sorted({entete for _, entete in d.ignorees})
    if ignorees:
        lignes.append((f"Colonnes ignorées (pas des questions) : {', '.join(ignorees)}", False))
    if d.lignes_vides:
        lignes.append(
            (f"Lignes sans aucune réponse, ignorées (questionnaire ouvert puis abandonné) : {d.lignes_vides}", False)
        )
    if d.absentes:
        lignes.append((f"Questions absentes des exports : {', '.join(q.code for q in d.absentes)}", False))
    if d.sans_reponse:
        lignes.append(
            (
                "Questions sans aucune réponse (laissées telles quelles) : "
                f"{', '.join(q.code for q in d.sans_reponse)}",
                False,
            )
        )
    return lignes


def repondants_enquete(bilan: BilanEnquete) -> str:
    """Combien ont répondu (et quelle part du nombre de référence)."""
    n = bilan.depouillement.repondants
    if bilan.reference:
        taux = f"{100 * n / bilan.reference:.0f}"
        return f"{n} {bilan.public} sur {bilan.reference} ont répondu ({taux} %)"
    return f"{n} {bilan.public} ont répondu"


# --------------------------------------------------------------------------
# ``synthese --attendus`` : les établissements attendus sans campagne utilisable


def manquants_synthese(bilan: object) -> list[str]:
    """Les lignes (échappées pour le terminal) qui disent quels établissements attendus manquent."""
    n, total, campagne = len(bilan.manquants), bilan.attendus, bilan.campagne_attendue
    if not n:
        campagne = echapper_terminal(campagne)
        return [
            f"Les {total} établissements attendus ont leur campagne {campagne}."
            if total > 1
            else f"L'établissement attendu a sa campagne {campagne}."
        ]
    lignes = [
        f"{n} établissement{'s' if n > 1 else ''} attendu{'s' if n > 1 else ''} sur {total} sans campagne "
        f"{echapper_terminal(campagne)} utilisable :"
    ]
    for m in bilan.manquants:
        qui = " ".join(p for p in (m.uai, m.nom, f"({m.commune})" if m.commune else None) if p)
        fichier = f" : {m.fichier}" if m.fichier else ""
        lignes.append(echapper_terminal(f"  {qui} : {m.etat}{fichier} : {m.raison}"))
    return lignes
