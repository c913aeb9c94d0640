"""Le modèle d'un classeur à remplir : quelles feuilles, quelles lignes, quelles cellules et quelles
validations, tiré du référentiel (fonction pure, aucun format de fichier ici).

Chaque feuille a les mêmes colonnes : A l'identifiant de la ligne (un item du référentiel, ou
« matrice.ligne » pour un service), B la section, C le texte du référentiel mot pour mot, D à F les
cellules à remplir (une réponse, les trois effectifs d'une répartition, ou les trois affirmations d'un
service), G ce qui est attendu. La relecture (``lecture``) retrouve chaque réponse par l'identifiant
de la colonne A, jamais par la place de la ligne.
"""

from __future__ import annotations

from typing import NamedTuple

from diagnum.affichage import modalite
from diagnum.campagne.consignes import consigne_condition, reponses_permises
from diagnum.campagne.diagnostics import Cellule
from diagnum.campagne.modele import Campagne
from diagnum.classeurs.reponses import ID_COMMENTAIRES, ID_DATE, OBLIGATIONS, REFERENCE, valeur_a
from diagnum.erreurs import ErreurDiagnum
from diagnum.referentiel import MODALITES, NON, OUI, SANS_OBJET, Item, Referentiel

#: Les colonnes d'une feuille (lettres du tableur).
COLONNE_ID, COLONNE_SECTION, COLONNE_TEXTE, COLONNE_CONSIGNE = "A", "B", "C", "G"
COLONNES_SAISIE = ("D", "E", "F")
ENTETES = (
    "Identifiant (ne pas modifier)",
    "Section",
    "Question du référentiel",
    "Réponse",
    "",
    "",
    "Réponses attendues",
)
#: La première feuille : ce qu'est le classeur ; ses identifiants en colonne A.
PRESENTATION = "Présentation"
ID_REFERENTIEL, ID_UAI, ID_NOM, ID_CAMPAGNE, ID_PARTIES = (
    "referentiel",
    "etablissement.uai",
    "etablissement.nom",
    "campagne",
    "parties",
)

# Les styles d'une ligne (chaque écrivain leur donne une apparence).
TITRE, ENTETE, RUBRIQUE, ITEM, SOUS_ITEM, TEXTE, SOUS_ENTETE = (
    "titre",
    "entete",
    "rubrique",
    "item",
    "sous_item",
    "texte",
    "sous_entete",
)


class Saisie(NamedTuple):
    """Une cellule à remplir : où va sa réponse dans la campagne, ce qu'elle accepte, ce qu'elle contient."""

    #: Chemin de la réponse dans la campagne : (« reference », id), (« reponses », domaine, item[, modalité |
    #: ligne, colonne]), (« date »,), (« commentaires »,).
    chemin: tuple[str, ...]
    #: « liste » (réponses permises), « entier », « pourcentage », « date » ou « texte ».
    genre: str
    permis: tuple[str, ...] = ()
    maximum: int = 0
    #: Message de saisie : ce qui est attendu.
    titre_aide: str = ""
    aide: str = ""
    valeur: object = None


class Rangee(NamedTuple):
    """Une ligne de feuille."""

    style: str
    identifiant: str = ""
    section: str = ""
    texte: str = ""
    consigne: str = ""
    #: Cellules à remplir, en colonnes D, E, F.
    saisies: tuple[Saisie, ...] = ()
    #: Textes des colonnes D à F d'une ligne d'en-tête (modalités, affirmations d'une matrice).
    intitules: tuple[str, ...] = ()


class Feuille(NamedTuple):
    nom: str
    partie: str
    rangees: tuple[Rangee, ...]


class Classeur(NamedTuple):
    referentiel: str
    feuilles: tuple[Feuille, ...]

    def saisies(self) -> list[tuple[Feuille, int, int, Saisie]]:
        """Chaque cellule à remplir : feuille, ligne (1), colonne (0 pour D), saisie."""
        return [
            (feuille, numero, colonne, saisie)
            for feuille in self.feuilles
            for numero, rangee in enumerate(feuille.rangees, 1)
            for colonne, saisie in enumerate(rangee.saisies)
        ]


def parties_connues(referentiel: Referentiel) -> tuple[str, ...]:
    """Les identifiants que ``--partie`` accepte, dans l'ordre du référentiel."""
    return (REFERENCE, OBLIGATIONS, *(d.id for d in referentiel.domaines))


def verifier_parties(referentiel: Referentiel, parties: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Les parties demandées, dans l'ordre du référentiel ; toutes si aucune ; ``ErreurDiagnum`` pour une inconnue."""
    connues = parties_connues(referentiel)
    inconnues = [p for p in parties if p not in connues]
    if inconnues:
        raise ErreurDiagnum(
            f"--partie : partie « {inconnues[0]} » inconnue (parties : {', '.join(connues)}) ; rien n'a été écrit"
        )
    return tuple(p for p in connues if not parties or p in parties)


def nom_feuille(referentiel: Referentiel, partie: str) -> str:
    """Le nom de la feuille d'une partie (31 caractères au plus, sans « []:*?/\\ »)."""
    if partie == REFERENCE:
        titre, section = referentiel.reference.titre, referentiel.reference.section
    elif partie == OBLIGATIONS:
        titre, section = referentiel.obligations.titre, referentiel.obligations.section
    else:
        domaine = referentiel.domaine(partie)
        titre, section = ("Usages" if domaine.est_usage else domaine.axe), domaine.section
    nom = f"{titre} {section}"
    if len(nom) > 31:
        nom = f"{titre.split()[0]} {section}"
    return "".join(c for c in nom if c not in "[]:*?/\\")[:31]


def titre_partie(referentiel: Referentiel, partie: str) -> str:
    if partie == REFERENCE:
        return f"{referentiel.reference.section} {referentiel.reference.titre}"
    if partie == OBLIGATIONS:
        return f"{referentiel.obligations.section} {referentiel.obligations.titre}"
    domaine = referentiel.domaine(partie)
    return f"{domaine.section} {domaine.titre}"


def _phrase(consigne: str) -> str:
    """« Réponse : oui | non » → « Oui | non » : la consigne du gabarit, dans sa colonne."""
    consigne = consigne.removeprefix("Réponse : ")
    return consigne[:1].upper() + consigne[1:]


def _milliers(nombre: int) -> str:
    return f"{nombre:,}".replace(",", " ")


class _Construction:
    def __init__(self, referentiel: Referentiel, campagne: Campagne | None) -> None:
        self.referentiel = referentiel
        self.campagne = campagne

    def valeur(self, chemin: tuple[str, ...]) -> object:
        """La réponse déjà écrite dans la campagne à ce chemin, ou ``None``."""
        if self.campagne is None:
            return None
        valeur = valeur_a(self.campagne, chemin)
        if isinstance(valeur, float) and valeur.is_integer():
            return int(valeur)
        return valeur.isoformat() if hasattr(valeur, "isoformat") else valeur

    def affirmation(self, chemin: tuple[str, ...], item: Item, sans_objet: bool) -> Saisie:
        permis = (OUI, NON, SANS_OBJET) if sans_objet else (OUI, NON)
        aide = "Choisissez " + ", ".join(f"« {p} »" for p in permis[:-1]) + f" ou « {permis[-1]} »."
        return Saisie(chemin, "liste", permis, titre_aide="Réponse", aide=aide, valeur=self.valeur(chemin))

    def entier(self, chemin: tuple[str, ...], nature: str, aide: str) -> Saisie:
        maximum = self.referentiel.bornes.effectifs[nature]
        aide = f"{aide} : un nombre entier de 0 à {_milliers(maximum)}."
        return Saisie(chemin, "entier", maximum=maximum, titre_aide="Effectif", aide=aide, valeur=self.valeur(chemin))

    def consigne(self, item: Item) -> str:
        """Ce qui est attendu, en une phrase courte pour la colonne G (le total nommé par son libellé)."""
        r = self.referentiel
        total = r.item(item.total) if item.total else None
        borne = f" ; au plus le total « {total.libelle.rstrip(' :')} » ({r.reference.section})" if total else ""
        if item.nature == "affirmation":
            return "Oui, non ou sans objet." if item.sans_objet else "Oui ou non."
        if item.nature == "proportion":
            return "Un pourcentage de 0 à 100 : 89 pour 89 %, sans le signe %."
        if item.nature == "repartition":
            return f"Trois effectifs : jamais (D), occasionnellement (E), régulièrement (F){borne}."
        if item.nature == "matrice":
            return _phrase(reponses_permises(item, r))
        if total and item.depassement != "erreur":
            borne = borne.replace("au plus", "en principe au plus")
        return f"Un nombre entier{borne}."

    def condition(self, item: Item, precedente: str) -> str:
        """Quand répondre à une question « Si oui » : la question précédente, ou un service de la matrice."""
        condition = item.condition
        if condition.item:
            if condition.item == precedente:
                return f"↳ Seulement si la réponse à la question précédente est « {condition.valeur} »."
            return consigne_condition(item, self.referentiel)
        matrice = self.referentiel.item(condition.ligne[0])
        ligne = next(ligne for ligne in matrice.lignes if ligne.id == condition.ligne[1])
        return (
            f"↳ Seulement si le service « {ligne.libelle} » ({matrice.section}) est proposé "
            "(sa ligne n'est pas toute « sans objet »)."
        )

    def item(self, item: Item, chemin: tuple[str, ...], precedente: str) -> list[Rangee]:
        consigne = self.consigne(item)
        style = ITEM
        if item.condition is not None:
            style = SOUS_ITEM
            consigne = f"{self.condition(item, precedente)} {consigne}"
        texte = item.question
        if item.nature == "affirmation":
            saisies = (self.affirmation(chemin, item, item.sans_objet),)
        elif item.nature == "proportion":
            saisies = (
                Saisie(
                    chemin,
                    "pourcentage",
                    maximum=100,
                    titre_aide="Pourcentage",
                    aide="Un pourcentage de 0 à 100 : écrivez 89 pour 89 %, sans le signe %.",
                    valeur=self.valeur(chemin),
                ),
            )
        elif item.nature == "nombre":
            saisies = (self.entier(chemin, "nombre", "Effectif"),)
        elif item.nature == "repartition":
            saisies = tuple(self.entier((*chemin, m), "repartition", f"Effectif « {modalite(m)} »") for m in MODALITES)
        else:
            return self.matrice(item, chemin, consigne)
        return [Rangee(style, item.id, item.section, texte, consigne, saisies)]

    def matrice(self, item: Item, chemin: tuple[str, ...], consigne: str) -> list[Rangee]:
        """La matrice (3.3.4) : son texte, une ligne d'en-tête avec les affirmations, une ligne par service."""
        if len(item.colonnes) > len(COLONNES_SAISIE):
            raise ErreurDiagnum(f"la matrice « {item.id} » a plus de {len(COLONNES_SAISIE)} colonnes")
        rangees = [
            Rangee(ITEM, "", item.section, item.libelle, consigne),
            Rangee(SOUS_ENTETE, "", "", "Service", "", intitules=tuple(c.libelle for c in item.colonnes)),
        ]
        for ligne in item.lignes:
            saisies = tuple(
                self.affirmation((*chemin, ligne.id, colonne.id), item, True)._replace(
                    titre_aide=colonne.id, aide=f"{colonne.libelle} Choisissez « oui », « non » ou « sans objet »."
                )
                for colonne in item.colonnes
            )
            rangees.append(Rangee(ITEM, f"{item.id}.{ligne.id}", item.section, ligne.libelle, "", saisies))
        return rangees

    def feuille(self, partie: str) -> Feuille:
        r = self.referentiel
        rangees = [Rangee(TITRE, texte=titre_partie(r, partie)), Rangee(ENTETE, intitules=ENTETES[3:6])]
        if partie in (REFERENCE, OBLIGATIONS):
            source = r.reference if partie == REFERENCE else r.obligations
            if source.introduction:
                rangees.append(Rangee(TEXTE, texte=" ".join(source.introduction.split())))
            for item in source.items:
                chemin = (partie, item.id)
                if partie == REFERENCE:
                    consigne = "Un nombre entier positif ou nul."
                    saisie = self.entier(chemin, "nombre", item.libelle.rstrip(" :"))
                    rangees.append(Rangee(ITEM, item.id, item.section, item.libelle, consigne, (saisie,)))
                else:
                    texte = f"{item.libelle} ({item.contexte})" if item.contexte else item.libelle
                    consigne = self.consigne(item)
                    saisie = self.affirmation(chemin, item, item.sans_objet)
                    rangees.append(Rangee(ITEM, item.id, item.section, texte, consigne, (saisie,)))
            return Feuille(nom_feuille(r, partie), partie, tuple(rangees))
        domaine = r.domaine(partie)
        for rubrique in domaine.rubriques:
            titre = " ".join(p for p in (rubrique.section, rubrique.titre) if p)
            repartitions = any(i.nature == "repartition" for i in rubrique.items)
            intitules = tuple(modalite(m) for m in MODALITES) if repartitions else ()
            rangees.append(Rangee(RUBRIQUE, texte=titre, intitules=intitules))
            precedente = ""
            for item in rubrique.items:
                rangees.extend(self.item(item, ("reponses", domaine.id, item.id), precedente))
                precedente = item.id
        return Feuille(nom_feuille(r, partie), partie, tuple(rangees))

    def presentation(self, parties: tuple[str, ...], toutes: bool, nom_classeur: str) -> Feuille:
        r = self.referentiel
        campagne = self.campagne
        etab = campagne.etablissement if campagne else None
        contenues = "\n".join(f"{titre_partie(r, p)} (feuille « {nom_feuille(r, p)} »)" for p in parties)
        rangees = [
            Rangee(TITRE, texte=f"Diagnostic du numérique : {r.titre}"),
            Rangee(
                TEXTE,
                texte=(
                    "Ce classeur recueille une partie des réponses de la campagne de diagnostic de l'établissement. "
                    "Le groupe de pilotage l'a confié à un de ses membres ; il revient ensuite dans la campagne."
                ),
            ),
            Rangee(ITEM, ID_NOM, texte="Établissement", intitules=(etab.nom if etab and etab.nom else "",)),
            Rangee(ITEM, ID_UAI, texte="UAI", intitules=(etab.uai if etab and etab.uai else "",)),
            Rangee(ITEM, ID_CAMPAGNE, texte="Campagne", intitules=((campagne.campagne or "") if campagne else "",)),
            Rangee(ITEM, ID_REFERENTIEL, texte="Version du référentiel", intitules=(r.version,)),
            Rangee(ITEM, ID_PARTIES, texte="Parties de ce classeur", intitules=(contenues,)),
            Rangee(RUBRIQUE, texte="Comment remplir"),
            Rangee(
                TEXTE,
                texte=(
                    "Chaque feuille reprend une partie du référentiel, question par question, dans ses mots. "
                    "Remplissez seulement les cellules blanches des colonnes D à F : une liste déroulante donne les "
                    "réponses permises (« oui », « non », et « sans objet » là où le référentiel le permet) ; les "
                    "effectifs sont des nombres entiers, les pourcentages vont de 0 à 100. Un message dit ce qui "
                    "est attendu quand vous sélectionnez la cellule. Une question « Si oui » suit la question dont "
                    "elle dépend (décalée, marquée ↳) : n'y répondez que si celle-ci vaut « oui ». Laissez vide ce "
                    "que vous ne savez pas : une cellule vide ne change rien à la campagne. Les autres cellules "
                    "sont protégées (sans mot de passe) pour que la mise en page reste intacte."
                ),
            ),
            Rangee(RUBRIQUE, texte="Comment le classeur reviendra"),
            Rangee(
                TEXTE,
                texte=(
                    "Enregistrez le classeur sous son nom, dans son format (ODS ou XLSX), sans déplacer ni "
                    "renommer les feuilles ou les lignes, puis rendez-le au groupe de pilotage. Il sera fusionné "
                    f"dans la campagne par « diagnum fusionner CAMPAGNE.yaml {nom_classeur} » : chaque réponse y "
                    "est vérifiée, une réponse qui en contredit une autre est montrée au groupe, jamais écrasée en "
                    "silence, et la campagne note à côté de chaque réponse le nom du fichier d'où elle vient."
                ),
            ),
            Rangee(RUBRIQUE, texte="Effectifs agrégés seulement, aucun nom"),
            Rangee(
                TEXTE,
                texte=(
                    "Ce classeur ne demande que des effectifs agrégés (des nombres de personnes, de divisions, de "
                    "salles) et des réponses oui ou non : n'y écrivez aucun nom d'élève, de parent ou de personnel."
                ),
            ),
        ]
        if toutes:
            rangees.append(Rangee(RUBRIQUE, texte="Pour toute la campagne"))
            date = Saisie(
                (ID_DATE,),
                "date",
                titre_aide="Date",
                aide="Date du diagnostic, au format AAAA-MM-JJ (par exemple 2025-05-20).",
                valeur=self.valeur((ID_DATE,)),
            )
            rangees.append(Rangee(ITEM, ID_DATE, texte="Date du diagnostic", consigne="AAAA-MM-JJ", saisies=(date,)))
            commentaires = Saisie(
                (ID_COMMENTAIRES,),
                "texte",
                maximum=r.bornes.commentaires,
                titre_aide="Commentaires",
                aide="Commentaires libres du groupe de pilotage (aucun nom de personne).",
                valeur=self.valeur((ID_COMMENTAIRES,)),
            )
            rangees.append(
                Rangee(
                    ITEM,
                    ID_COMMENTAIRES,
                    texte="Commentaires libres",
                    consigne=f"Texte libre, {_milliers(r.bornes.commentaires)} caractères au plus.",
                    saisies=(commentaires,),
                )
            )
        return Feuille(PRESENTATION, "", tuple(rangees))


def construire_classeur(
    referentiel: Referentiel,
    campagne: Campagne | None,
    parties: list[str] | tuple[str, ...] = (),
    nom_classeur: str = "CLASSEUR",
) -> Classeur:
    """Le classeur d'une campagne : présentation, puis une feuille par partie demandée (toutes par défaut),
    les réponses déjà écrites dans la campagne pré-remplies."""
    choisies = verifier_parties(referentiel, parties)
    construction = _Construction(referentiel, campagne)
    toutes = choisies == parties_connues(referentiel)
    feuilles = [construction.presentation(choisies, toutes, nom_classeur)]
    feuilles += [construction.feuille(partie) for partie in choisies]
    return Classeur(referentiel.version, tuple(feuilles))


def reference_cellule(feuille: str, ligne: int, colonne: str) -> Cellule:
    """La place d'une cellule, que les messages écrivent « Usages 3.6.1!D8 »."""
    return Cellule(feuille, f"{colonne}{ligne}")
