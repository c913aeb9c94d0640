"""Écrire les réponses agrégées dans le texte d'une campagne, sans toucher au reste : fonctions pures.

Le texte est modifié ligne à ligne, aux positions que donne l'arbre lu par
``lecture_yaml`` : seules les lignes des items importés (et le bloc
``enquetes:`` du public) changent ; commentaires, ordre, guillemets, fins de
ligne et toutes les autres réponses restent tels quels, octet pour octet. Un
commentaire en fin de ligne est gardé. Un item absent du fichier est ajouté à
la fin de son domaine.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, NamedTuple

from diagnum.campagne.diagnostics import Position
from diagnum.campagne.modele import Enquete
from diagnum.erreurs import ErreurProbleme
from diagnum.lecture_yaml import Liste, Noeud, Scalaire, Tableau
from diagnum.referentiel import MODALITES, Referentiel

if TYPE_CHECKING:
    from diagnum.campagne.validation import Resultat

_COMMENTAIRE = re.compile(r"\s+#.*$")
# La marque qu'écrit « diagnum init --depuis … --reprendre » (campagne/gabarit.py) après une réponse reprise de
# l'an passé : une réponse remplacée par l'enquête n'est plus « à vérifier », la marque s'en va avec l'ancienne.
_MARQUE_REPRISE = re.compile(r"^\s*#\s*repris de .*, à vérifier\s*$")
# Les fins de ligne que compte l'analyseur YAML (et donc les positions de l'arbre) : \r\n, \r ou \n ; pas U+2028
# ni U+0085, qu'il laisse dans un texte entre guillemets. Chaque ligne garde la sienne.
_FIN = re.compile(r"(\r\n|[\r\n])$")
# Ce qui couperait un commentaire YAML en deux lignes (ou le rendrait illisible) : remplacé par « ? ».
_UNE_LIGNE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
_FIN_DE_LIGNE = re.compile(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)")


def fin_de_ligne(ligne: str) -> str:
    """La fin de ligne d'une ligne (« \\r\\n », « \\n » ou « \\r »), ou « » pour la dernière sans fin."""
    m = _FIN.search(ligne)
    return m.group(0) if m else ""


class _Remplacement(NamedTuple):
    debut: int  # indice (0) de la première ligne remplacée
    fin: int  # indice (0) après la dernière ligne remplacée
    lignes: list[str]


def derniere_ligne(noeud: Noeud | None, defaut: int) -> int:
    """La dernière ligne (1) qu'occupe un nœud et ses descendants."""
    if noeud is None:
        return defaut
    if isinstance(noeud, Scalaire):
        return max(defaut, noeud.position.ligne) if noeud.valeur is not None else defaut
    if isinstance(noeud, Tableau):
        fin = max(defaut, noeud.position.ligne)
        for cle, fils in noeud.entrees.values():
            fin = max(fin, derniere_ligne(fils, cle.position.ligne))
        return fin
    fin = max(defaut, noeud.position.ligne)
    for fils in noeud.elements:
        fin = max(fin, derniere_ligne(fils, fin))
    return fin


def ecrire_valeur(valeur: object) -> str:
    """Une valeur simple en YAML : nombre, date, texte entre guillemets (JSON est du YAML)."""
    if isinstance(valeur, bool) or valeur is None:
        raise TypeError(valeur)
    if isinstance(valeur, (int, float)):
        return str(valeur)
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return json.dumps(str(valeur), ensure_ascii=False)


class CleIntrouvable(ErreurProbleme):
    """Une clé écrite sous une forme que l'édition à la ligne ne sait pas modifier sans risque."""


def _ligne_avec(ligne: str, position: Position, cle: str, valeur: str | None, commentaire: str | None = None) -> str:
    """La ligne ``cle: ancienne`` devenue ``cle: valeur`` (ou ``cle:`` si ``valeur`` est None), commentaire gardé
    (ou remplacé par ``commentaire``).

    La clé peut être entre guillemets et suivie d'espaces avant les deux-points.
    """
    fin = fin_de_ligne(ligne)
    corps = ligne[: len(ligne) - len(fin)]
    m = re.compile(rf"(?:{cle}|\"{cle}\"|'{cle}')[ \t]*:(?=\s|$)").match(corps, position.colonne - 1)
    if m is None:
        raise CleIntrouvable(
            f"{position.ligne}:{position.colonne}: clé « {cle} » écrite sous une forme que diagnum ne sait pas "
            f"modifier ; rien n'a été écrit (écrivez « {cle}: » en début de ligne, ou recopiez les totaux à la main)"
        )
    tete = corps[: m.end()]
    reste = corps[m.end() :]
    ancien = _COMMENTAIRE.search(reste)
    queue = ancien.group(0) if ancien else ""
    if valeur is not None and _MARQUE_REPRISE.match(queue):
        queue = ""
    if commentaire is not None:
        queue = f"  # {commentaire}"
    return f"{tete}{'' if valeur is None else ' ' + valeur}{queue}{fin}"


def _bloc(cle: str, valeur: object, retrait: int, fin: str) -> list[str]:
    """Les lignes d'une clé et de sa valeur (tableau associatif, liste ou valeur simple), en style bloc."""
    marge = " " * retrait
    if isinstance(valeur, dict):
        lignes = [f"{marge}{cle}:{fin}"]
        for fils, sous_valeur in valeur.items():
            lignes += _bloc(fils, sous_valeur, retrait + 2, fin)
        return lignes
    if isinstance(valeur, (list, tuple)):
        return [f"{marge}{cle}:{fin}"] + [f"{marge}  - {ecrire_valeur(v)}{fin}" for v in valeur]
    return [f"{marge}{cle}: {ecrire_valeur(valeur)}{fin}"]


def _commente(lignes: list[str], commentaire: str | None) -> list[str]:
    """Les lignes d'un bloc, la première suivie du commentaire."""
    if commentaire is None or not lignes:
        return lignes
    fin = fin_de_ligne(lignes[0])
    return [f"{lignes[0][: len(lignes[0]) - len(fin)]}  # {commentaire}{fin}", *lignes[1:]]


def _retrait_enfants(tableau: Tableau | None, defaut: int) -> int:
    if tableau is not None and tableau.entrees:
        return next(iter(tableau.entrees.values()))[0].position.colonne - 1
    return defaut


class _Editeur:
    def __init__(self, texte: str, racine: Tableau) -> None:
        self.lignes = [ligne for ligne in _FIN_DE_LIGNE.split(texte) if ligne]
        self.fin = (fin_de_ligne(self.lignes[0]) if self.lignes else "") or "\n"
        self.racine = racine
        self.remplacements: list[_Remplacement] = []
        #: insertions à la fin d'un bloc : indice de ligne → lignes (dans l'ordre d'arrivée)
        self.insertions: dict[int, list[str]] = {}
        #: sections de premier niveau ajoutées à la fin du fichier (``sources:``, ``enquetes:``)
        self.sections_ajoutees: set[str] = set()

    def inserer(self, apres: int, lignes: list[str]) -> None:
        self.insertions.setdefault(apres, []).extend(lignes)

    def valeur_item(self, domaine: str, item: str, valeur: object, commentaire: str | None = None) -> None:
        """La réponse d'un item écrite à sa place ; ``commentaire`` (une ligne) en fin de la ligne de sa clé."""
        if commentaire is not None:
            commentaire = _UNE_LIGNE.sub("?", commentaire)
        reponses = self.racine.get("reponses")
        if not isinstance(reponses, Tableau):
            raise CleIntrouvable(
                "1:1: la campagne n'a pas de partie « reponses: » ; créez-la avec « diagnum init », puis importez"
            )
        entree_domaine = reponses.entrees.get(domaine)
        if entree_domaine is None:
            cle = self.racine.entrees["reponses"][0].position
            raise CleIntrouvable(
                f"{cle.ligne}:{cle.colonne}: le domaine « {domaine} » manque dans « reponses: » (une campagne créée "
                "par « diagnum init » les a tous) ; ajoutez-le, puis importez"
            )
        if not isinstance(entree_domaine[1], Tableau):
            cle, noeud = entree_domaine
            if not (isinstance(noeud, Scalaire) and noeud.valeur is None):
                raise CleIntrouvable(
                    f"{cle.position.ligne}:{cle.position.colonne}: « {domaine} » doit contenir des clés « item: "
                    "réponse » ; corrigez la campagne (diagnum valider), puis importez"
                )
            self.inserer(
                cle.position.ligne, _commente(_bloc(item, valeur, cle.position.colonne + 1, self.fin), commentaire)
            )
            return
        cle_domaine, noeud_domaine = entree_domaine
        entree = noeud_domaine.entrees.get(item)
        if entree is None:
            retrait = _retrait_enfants(noeud_domaine, cle_domaine.position.colonne + 1)
            fin_domaine = derniere_ligne(noeud_domaine, cle_domaine.position.ligne)
            self.inserer(fin_domaine, _commente(_bloc(item, valeur, retrait, self.fin), commentaire))
            return
        cle, noeud = entree
        ligne = cle.position.ligne
        fin = derniere_ligne(noeud, ligne)
        if not isinstance(valeur, dict):
            nouvelle = _ligne_avec(self.lignes[ligne - 1], cle.position, item, ecrire_valeur(valeur), commentaire)
            self.remplacements.append(_Remplacement(ligne - 1, fin, [nouvelle]))
            return
        if isinstance(noeud, Tableau) and all(c.position.ligne > ligne for c, _ in noeud.entrees.values()):
            # Répartition en bloc : chaque effectif change sur sa ligne, ceux qui manquent s'ajoutent après.
            if commentaire is not None:
                texte = _ligne_avec(self.lignes[ligne - 1], cle.position, item, None, commentaire)
                self.remplacements.append(_Remplacement(ligne - 1, ligne, [texte]))
            for modalite in MODALITES:
                sous = noeud.entrees.get(modalite)
                if sous is not None:
                    n = sous[0].position.ligne
                    texte = _ligne_avec(self.lignes[n - 1], sous[0].position, modalite, str(valeur[modalite]))
                    self.remplacements.append(_Remplacement(n - 1, n, [texte]))
            manquantes = {m: valeur[m] for m in MODALITES if m not in noeud.entrees}
            if manquantes:
                retrait = _retrait_enfants(noeud, cle.position.colonne + 1)
                self.inserer(fin, [ligne for m, v in manquantes.items() for ligne in _bloc(m, v, retrait, self.fin)])
            return
        if isinstance(noeud, Scalaire) and noeud.valeur is None:
            # Répartition vide (« clé: » seule, comme l'écrit diagnum init) : les trois effectifs en dessous.
            nouvelle = _ligne_avec(self.lignes[ligne - 1], cle.position, item, None, commentaire)
            enfants = [ligne for m in MODALITES for ligne in _bloc(m, valeur[m], cle.position.colonne + 1, self.fin)]
            if not fin_de_ligne(nouvelle):
                nouvelle += self.fin
            self.remplacements.append(_Remplacement(ligne - 1, fin, [nouvelle, *enfants]))
            return
        # Écrite sur une seule ligne (« {jamais: 1, …} ») ou autrement : la même forme, sur une ligne.
        en_ligne = "{" + ", ".join(f"{m}: {valeur[m]}" for m in MODALITES) + "}"
        nouvelle = _ligne_avec(self.lignes[ligne - 1], cle.position, item, en_ligne, commentaire)
        self.remplacements.append(_Remplacement(ligne - 1, fin, [nouvelle]))

    def enquete(self, public: str, enquete: Enquete) -> None:
        valeur = {
            "repondants": enquete.repondants,
            "date": enquete.date,
            "sources": list(enquete.sources),
        }
        self.entree_racine(
            "enquetes",
            public,
            valeur,
            "# Enquêtes importées par « diagnum enquete importer » : nombre de répondants, date, fichiers.",
        )

    def entree_racine(self, section: str, cle: str, valeur: dict[str, object], entete: str) -> None:
        """``section.cle`` (``enquetes.familles``, ``sources.ITEM``) écrite ou remplacée ; la section, précédée
        de son commentaire ``entete``, est ajoutée à la fin du fichier si elle manque."""
        entree = self.racine.entrees.get(section)
        if entree is None and section in self.sections_ajoutees:
            self.inserer(len(self.lignes), _bloc(cle, valeur, 2, self.fin))
            return
        if entree is None:
            if self.lignes and not fin_de_ligne(self.lignes[-1]):
                self.lignes[-1] += self.fin
            # La ligne vide de séparation reprend la fin de la dernière ligne : après un « \r » seul,
            # un « \n » formerait avec lui une seule fin de ligne « \r\n ».
            separation = fin_de_ligne(self.lignes[-1]) if self.lignes else self.fin
            self.inserer(
                len(self.lignes),
                [separation, f"{entete}{self.fin}", f"{section}:{self.fin}", *_bloc(cle, valeur, 2, self.fin)],
            )
            self.sections_ajoutees.add(section)
            return
        cle_section, noeud = entree
        if isinstance(noeud, Scalaire) and noeud.valeur is None:
            self.inserer(cle_section.position.ligne, _bloc(cle, valeur, 2, self.fin))
            return
        if not isinstance(noeud, Tableau):
            raise ErreurProbleme(f"« {section} » n'est pas une liste de clés : corrigez la campagne d'abord")
        sous = noeud.entrees.get(cle)
        retrait = _retrait_enfants(noeud, 2)
        if sous is None:
            self.inserer(derniere_ligne(noeud, cle_section.position.ligne), _bloc(cle, valeur, retrait, self.fin))
            return
        cle_noeud, fils = sous
        fin = derniere_ligne(fils, cle_noeud.position.ligne)
        self.remplacements.append(
            _Remplacement(
                cle_noeud.position.ligne - 1, fin, _bloc(cle, valeur, cle_noeud.position.colonne - 1, self.fin)
            )
        )

    def texte(self) -> str:
        lignes = list(self.lignes)
        operations = [(r.debut, r.fin, r.lignes) for r in self.remplacements]
        operations += [(apres, apres, ajout) for apres, ajout in self.insertions.items()]
        # De la fin vers le début : les positions des opérations suivantes restent justes.
        for debut, fin, nouvelles in sorted(operations, key=lambda o: (o[0], o[1]), reverse=True):
            if 0 < debut <= len(lignes) and not fin_de_ligne(lignes[debut - 1]):
                lignes[debut - 1] += self.fin
            lignes[debut:fin] = nouvelles
        return "".join(lignes)


def modifier_campagne(
    texte: str,
    racine: Tableau,
    referentiel: Referentiel,
    valeurs: dict[str, object],
    public: str,
    enquete: Enquete,
) -> str:
    """Le texte de la campagne avec les valeurs des items importés et le bloc ``enquetes.PUBLIC``."""
    editeur = _Editeur(texte, racine)
    for item_id, valeur in valeurs.items():
        item = referentiel.item(item_id)
        editeur.valeur_item(item.domaine, item_id, valeur)
    editeur.enquete(public, enquete)
    return editeur.texte()


def modifier_reponses(
    texte: str,
    racine: Tableau,
    referentiel: Referentiel,
    valeurs: dict[str, object],
    commentaires: dict[str, str],
    section: str,
    blocs: dict[str, dict[str, object]],
    entete: str,
) -> str:
    """Le texte de la campagne avec les valeurs des items (chacun suivi de son commentaire) et les entrées
    ``section.CLE`` de ``blocs`` (``sources:`` de ``diagnum sources importer``)."""
    editeur = _Editeur(texte, racine)
    for item_id, valeur in valeurs.items():
        item = referentiel.item(item_id)
        editeur.valeur_item(item.domaine, item_id, valeur, commentaires.get(item_id))
    for cle, valeur in blocs.items():
        editeur.entree_racine(section, cle, valeur, entete)
    return editeur.texte()


def position_cle(racine: object, *chemin: str) -> tuple[int, int]:
    """La ligne et la colonne de la clé la plus profonde trouvée sur ce chemin (1, 1 à défaut)."""
    position = (1, 1)
    noeud = racine
    for cle in chemin:
        if not isinstance(noeud, Tableau) or cle not in noeud.entrees:
            break
        cle_noeud, noeud = noeud.entrees[cle]
        position = (cle_noeud.position.ligne, cle_noeud.position.colonne)
    return position


def reponse_vide(noeud: object) -> bool:
    """Vrai si une réponse n'est pas écrite : absente, vide, ou répartition aux effectifs tous vides."""
    if noeud is None:
        return True
    if isinstance(noeud, Scalaire):
        return noeud.valeur is None
    if isinstance(noeud, Tableau):
        return all(reponse_vide(fils) for _, fils in noeud.entrees.values())
    return False


def noeud_reponse(racine: Tableau, domaine: str, item: str) -> Noeud | None:
    """Le nœud de la réponse ``reponses.DOMAINE.ITEM``, ou None."""
    reponses = racine.get("reponses")
    noeud_domaine = reponses.get(domaine) if isinstance(reponses, Tableau) else None
    return noeud_domaine.get(item) if isinstance(noeud_domaine, Tableau) else None


def lire_enquete(racine: Tableau, public: str) -> Enquete | None:
    """Le bloc ``enquetes.PUBLIC`` déjà écrit dans la campagne (pour ne rien récrire s'il est à jour)."""
    enquetes = racine.get("enquetes")
    bloc = enquetes.get(public) if isinstance(enquetes, Tableau) else None
    if not isinstance(bloc, Tableau):
        return None
    repondants = bloc.get("repondants")
    date = bloc.get("date")
    sources = bloc.get("sources")
    if not (isinstance(repondants, Scalaire) and isinstance(date, Scalaire) and isinstance(sources, Liste)):
        return None
    if not isinstance(date.valeur, dt.date):
        return None
    return Enquete(
        repondants.valeur,
        date.valeur,
        tuple(str(s.valeur) for s in sources.elements if isinstance(s, Scalaire)),
    )


def campagne_a_modifier(contenu: bytes, chemin: str) -> tuple[Resultat, str, Tableau]:
    """La campagne qu'un import va modifier : validée (une erreur l'arrête, à sa ligne et sa colonne), son
    texte et son arbre positionné. Commun à ``enquete importer`` et ``sources importer``."""
    from diagnum.campagne.chargement import valider_texte
    from diagnum.lecture_yaml import decoder, lire_yaml

    resultat = valider_texte(contenu, chemin)
    if resultat.campagne is None or resultat.referentiel is None:
        premiere = next((d for d in resultat.diagnostics if d.est_erreur), None)
        detail = f"{chemin}:{premiere.ligne}:{premiere.colonne}: {premiere.message}" if premiere else chemin
        raise ErreurProbleme(f"{detail} ; corrigez la campagne (diagnum valider {chemin}), puis importez")
    texte = decoder(contenu)
    racine, _ = lire_yaml(texte)
    assert isinstance(racine, Tableau)
    return resultat, texte, racine
