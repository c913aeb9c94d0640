"""Le gabarit d'une campagne, écrit par ``diagnum init``.

Construit à partir de ``CommentedMap`` neufs : chaque item est présent et
vide, précédé en commentaire de sa section, de sa question, des réponses
permises et du total auquel il est comparé. Avec une campagne précédente,
les éléments de référence et les objectifs sont repris et la réponse
précédente est rappelée en commentaire à côté de chaque item.
"""

from __future__ import annotations

import io
import textwrap

from diagnum.campagne.consignes import consigne_condition, reponses_permises
from diagnum.campagne.modele import Campagne
from diagnum.referentiel import MODALITES, OUI, SANS_OBJET, Item, Referentiel

#: Largeur des commentaires du gabarit, « # » compris : la règle line-length de yamllint par défaut (80).
LARGEUR = 80
#: Les actions qu'une campagne reprise (``--reprendre``) ne recopie pas.
ACTIONS_CLOSES = ("realisee", "abandonnee")


def _lignes(texte: str, largeur: int) -> list[str]:
    return textwrap.wrap(" ".join(texte.split()), width=max(largeur, 30)) or [""]


def _commentaire(*paragraphes: str | None, retrait: int = 0) -> str:
    lignes: list[str] = []
    for paragraphe in paragraphes:
        if paragraphe:
            lignes.extend(_lignes(paragraphe, LARGEUR - retrait - 2))
    return "\n".join(lignes)


def _texte_yaml(valeur: str | None) -> object:
    """Un texte de l'utilisateur tel que YAML le relira exactement.

    Un texte qui contient un caractère de contrôle, une fin de ligne (NEL,
    U+2028…), un caractère invisible ou des blancs en tête ou en queue est
    écrit entre guillemets doubles, où ruamel.yaml échappe ces caractères
    (``\\e``, ``\\N``, ``\\L``) ; dans une valeur sans guillemets, YAML les
    replierait en espaces ou les refuserait. Les autres textes restent tels quels
    (ruamel.yaml met de lui-même entre guillemets ce qui se lirait comme un nombre).
    """
    import unicodedata

    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if valeur is None:
        return None
    if valeur != valeur.strip() or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in valeur):
        return DoubleQuotedScalarString(valeur)
    return valeur


def _rappel(valeur: object) -> str | None:
    if valeur is None:
        return None
    if isinstance(valeur, dict):
        if set(valeur) == set(MODALITES):
            return ", ".join(f"{m} {valeur[m]}" for m in MODALITES)
        return None
    return str(valeur)


def construire_gabarit(
    referentiel: Referentiel,
    *,
    etablissement: str | None = None,
    uai: str | None = None,
    commune: str | None = None,
    campagne: str | None = None,
    precedente: Campagne | None = None,
    reprendre: bool = False,
    parties: tuple[str, ...] = (),
) -> str:
    """Le texte YAML d'une nouvelle campagne, prêt à remplir.

    Avec ``precedente``, ses réponses sont rappelées en commentaire ; avec
    ``reprendre`` en plus, elles sont recopiées comme valeurs, chacune suivie
    de « # repris de …, à vérifier », et seules les actions ni réalisées ni
    abandonnées sont reprises, avec leur statut. Avec ``parties`` (``reference``, ``obligations`` ou des
    domaines), seules ces parties sont écrites, sans date ni commentaires : la part d'un membre du groupe
    de pilotage, à fusionner ensuite dans la campagne (``diagnum fusionner``).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    def vide() -> None:
        return None

    # Sur une seule ligne, caractères de contrôle échappés : l'étiquette finit dans des commentaires YAML.
    from diagnum.echappement import echapper_terminal

    etiquette = echapper_terminal(" ".join(precedente.libelle.split())) if precedente else None

    def avec_rappel(carte: CommentedMap, cle: str, valeur: object) -> None:
        rappel = _rappel(valeur)
        if rappel is not None and etiquette:
            if reprendre:
                carte[cle] = valeur
                carte.yaml_add_eol_comment(repris, cle, column=0)
            else:
                carte.yaml_add_eol_comment(f"{etiquette} : {rappel}", cle, column=0)

    repris = f"repris de {etiquette}, à vérifier"

    racine = CommentedMap()
    racine["referentiel"] = DoubleQuotedScalarString(referentiel.version)
    prec_etab = precedente.etablissement if precedente else None
    etab = CommentedMap()
    etab["nom"] = _texte_yaml(etablissement or (prec_etab.nom if prec_etab else None))
    etab["uai"] = DoubleQuotedScalarString(uai or (prec_etab.uai if prec_etab and prec_etab.uai else "")) or None
    if etab["uai"] == "":
        etab["uai"] = None
    etab["commune"] = _texte_yaml(commune or (prec_etab.commune if prec_etab else None))
    racine["etablissement"] = etab
    racine["campagne"] = DoubleQuotedScalarString(campagne) if campagne else None
    if not parties:
        racine["date"] = vide()

    from diagnum.campagne.schema import ligne_modele

    # Première ligne : le schéma de la campagne, pour les éditeurs (voir docs/editeur.md).
    modele = ligne_modele(referentiel.version)
    entete = [
        *([modele] if modele else []),
        f"Campagne de diagnostic : {referentiel.titre} (version {referentiel.version})",
        "",
        "Écrivez chaque réponse après les deux-points, puis vérifiez le fichier avec :",
        "  diagnum valider <ce fichier>",
        "Un item laissé vide est « sans réponse ». N'inscrivez que des effectifs :",
        "aucun nom d'élève, de parent ou de personnel.",
    ]
    if parties:
        entete += [
            "",
            "Ce fichier ne contient qu'une partie de la campagne ; une fois rempli,",
            "il revient dans la campagne par :",
            "  diagnum fusionner CAMPAGNE.yaml <ce fichier>",
        ]
    if precedente and reprendre:
        entete += [
            "",
            f"Préparée à partir de la campagne {etiquette} : ses réponses sont reprises, chacune",
            f"suivie de « repris de {etiquette}, à vérifier ». Vérifiez-les une à une ; une réponse",
            "qui a changé se corrige, puis on peut effacer le commentaire.",
        ]
    elif precedente:
        entete += [
            "",
            f"Préparée à partir de la campagne {etiquette} : sa réponse est rappelée en",
            "commentaire à côté de chaque item ; les éléments de référence sont repris",
            "comme point de départ et sont à mettre à jour.",
        ]
    racine.yaml_set_start_comment("\n".join(entete))
    if not parties:
        racine.yaml_set_comment_before_after_key(
            "date", before="Date du diagnostic, au format AAAA-MM-JJ (par exemple 2025-05-20)"
        )

    # 3.1 éléments de référence
    if not parties or "reference" in parties:
        partie = referentiel.reference
        reference = CommentedMap()
        for item in partie.items:
            valeur = precedente.reference.get(item.id) if precedente else None
            reference[item.id] = valeur
            aide = f"{item.libelle.rstrip(' :')} : un nombre entier positif ou nul"
            if valeur is not None and reprendre:
                reference.yaml_add_eol_comment(repris, item.id, column=0)
            elif valeur is not None:
                aide += f" (valeur de {etiquette}, à mettre à jour)"
            reference.yaml_set_comment_before_after_key(item.id, before=_commentaire(aide, retrait=2), indent=2)
        racine["reference"] = reference
        racine.yaml_set_comment_before_after_key("reference", before=f"\n{partie.section} {partie.titre}")

    # 3.2 obligations
    if not parties or "obligations" in parties:
        partie = referentiel.obligations
        obligations = CommentedMap()
        for item in partie.items:
            obligations[item.id] = None
            if precedente:
                avec_rappel(obligations, item.id, precedente.obligations.get(item.id))
            obligations.yaml_set_comment_before_after_key(
                item.id,
                before=_commentaire(
                    f"({item.contexte})" if item.contexte else None,
                    item.libelle,
                    reponses_permises(item, referentiel),
                    retrait=2,
                ),
                indent=2,
            )
        racine["obligations"] = obligations
        textes = "\n".join("  - " + "\n    ".join(_lignes(t, LARGEUR - 2 - 4)) for t in partie.textes)
        racine.yaml_set_comment_before_after_key(
            "obligations",
            before=f"\n{partie.section} {partie.titre}\n{_commentaire(partie.introduction)}\n{textes}",
        )

    # 3.3 à 3.6 : les domaines
    reponses = CommentedMap()
    usages_presentes = False
    for domaine in referentiel.domaines:
        if parties and domaine.id not in parties:
            continue
        carte = CommentedMap()
        precedentes = precedente.reponses.get(domaine.id, {}) if precedente else {}
        for rubrique in domaine.rubriques:
            titre_rubrique = " ".join(p for p in (rubrique.section, rubrique.titre) if p)
            premier = True
            for item in rubrique.items:
                avant = []
                if premier:
                    avant.append(_commentaire(f"--- {titre_rubrique} ---", retrait=4))
                    premier = False
                if item.groupe:
                    avant.append(_commentaire(item.groupe, retrait=4))
                avant.append(_commentaire(item.libelle, retrait=4))
                if item.nature == "matrice":
                    for c in item.colonnes:
                        avant.append(_commentaire(f"[{c.id}] {c.libelle}", retrait=4))
                cond = consigne_condition(item, referentiel)
                if cond:
                    avant.append(_commentaire(cond, retrait=4))
                avant.append(_commentaire(reponses_permises(item, referentiel), retrait=4))
                carte[item.id] = _valeur_vide(
                    item, CommentedMap, precedentes.get(item.id), etiquette, repris if reprendre else None
                )
                if item.nature not in ("repartition", "matrice"):
                    avec_rappel(carte, item.id, precedentes.get(item.id))
                carte.yaml_set_comment_before_after_key(item.id, before="\n".join(avant), indent=4)
        reponses[domaine.id] = carte
        entete_domaine = []
        usages = referentiel.usages
        if usages and domaine.section.startswith(f"{usages.section}.") and not usages_presentes:
            usages_presentes = True
            entete_domaine += [
                "\n" + _commentaire(f"{usages.section} {usages.titre}", retrait=2),
                _commentaire(usages.introduction, retrait=2),
            ]
        entete_domaine.append("\n" + _commentaire(f"{domaine.section} {domaine.titre}", retrait=2))
        if domaine.description:
            entete_domaine.append(_commentaire(domaine.description, retrait=2))
        reponses.yaml_set_comment_before_after_key(domaine.id, before="\n".join(entete_domaine), indent=2)
    if reponses:
        racine["reponses"] = reponses
        racine.yaml_set_comment_before_after_key(
            "reponses", before="\nRéponses au questionnaire, domaine par domaine (sections 3.3 à 3.6.4)"
        )

    if precedente and precedente.objectifs and not parties:
        objectifs = CommentedSeq()
        for objectif in precedente.objectifs:
            o = CommentedMap()
            o["domaine"] = objectif.domaine
            o["cible"] = int(objectif.cible) if float(objectif.cible).is_integer() else objectif.cible
            o["echeance"] = objectif.echeance
            actions = CommentedSeq()
            for action in objectif.actions:
                if reprendre and action.statut in ACTIONS_CLOSES:
                    continue
                a = CommentedMap()
                a["libelle"] = _texte_yaml(action.libelle)
                a["responsable"] = _texte_yaml(action.responsable)
                a["echeance"] = action.echeance
                a["statut"] = action.statut
                actions.append(a)
            if actions or not reprendre:
                o["actions"] = actions
            objectifs.append(o)
        racine["objectifs"] = objectifs
        closes = sum(a.statut in ACTIONS_CLOSES for o in precedente.objectifs for a in o.actions)
        consigne = f"Objectifs et actions repris de {etiquette} : mettez à jour le statut des actions"
        avant = "\n" + _commentaire(consigne) + "\n(prevue | en cours | realisee | abandonnee)."
        if reprendre and closes:
            pluriel = "s" if closes > 1 else ""
            verbe = "sont" if closes > 1 else "est"
            avant += "\n" + _commentaire(
                f"{closes} action{pluriel} réalisée{pluriel} ou abandonnée{pluriel} en {etiquette} ne {verbe} "
                f"pas reprise{pluriel}."
            )
        racine.yaml_set_comment_before_after_key("objectifs", before=avant)
    if not parties:
        racine["commentaires"] = LiteralScalarString("\n") if False else None
        racine.yaml_set_comment_before_after_key(
            "commentaires",
            before="\nCommentaires libres du groupe de pilotage (plusieurs lignes après « | »)",
        )

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    flux = io.StringIO()
    yaml.dump(racine, flux)
    return flux.getvalue() + bloc_communication(precedente.communication if precedente else None)


def bloc_communication(choix: dict | None = None) -> str:
    """La fin du gabarit : le bloc ``communication:`` (diagnum communiquer) en commentaire, avec chaque
    public et chaque partie possibles ; les choix d'une campagne précédente (``--depuis``) sont repris."""
    import textwrap

    from diagnum.campagne.communication import PARTIES, PUBLICS

    def commentaire(texte: str, retrait: str = "") -> list[str]:
        # Au plus 80 caractères par ligne, comme le reste du gabarit.
        return textwrap.wrap(texte, 80, initial_indent=f"# {retrait}", subsequent_indent=f"# {retrait}    ")

    lignes = [
        "",
        *commentaire(
            "Communiquer les progrès (diagnum communiquer, référentiel § 2.1) : pour chaque public, "
            "les parties que l'établissement choisit de montrer ; rien d'autre n'est montré. Publics :"
        ),
        *(ligne for public, texte in PUBLICS.items() for ligne in commentaire(f"{public} : {texte}", "  ")),
        "# Parties :",
        *(ligne for nom, texte in PARTIES.items() for ligne in commentaire(f"{nom} : {texte}", "  ")),
        *commentaire("Avec « scores », domaines: [identifiant, …] limite les domaines montrés."),
    ]
    if choix:
        lignes += ["# Les choix de la campagne précédente, repris :", "communication:"]
        for public, c in choix.items():
            lignes += [f"  {public}:", f"    parties: [{', '.join(c.parties)}]"]
            if c.domaines is not None:
                lignes.append(f"    domaines: [{', '.join(c.domaines)}]")
    else:
        lignes += [
            "# Par exemple :",
            "# communication:",
            "#   familles:",
            "#     parties: [points_forts, objectifs]",
            "#   academie:",
            "#     parties: [radar, scores, points_forts, obligations, objectifs]",
        ]
    return "\n".join(lignes) + "\n"


def _valeur_vide(
    item: Item, CommentedMap: type, precedente: object, etiquette: str | None, repris: str | None = None
) -> object:
    """La valeur d'un item dans le gabarit : vide, la précédente en commentaire, ou reprise (``repris``)."""

    def noter(carte: object, cle: str, valeur: object) -> None:
        if valeur is None or not etiquette:
            return
        if repris:
            carte[cle] = valeur
            carte.yaml_add_eol_comment(repris, cle, column=0)
        else:
            carte.yaml_add_eol_comment(f"{etiquette} : {valeur}", cle, column=0)

    if item.nature == "repartition":
        carte = CommentedMap()
        for modalite in MODALITES:
            carte[modalite] = None
            if isinstance(precedente, dict):
                noter(carte, modalite, precedente.get(modalite))
        return carte
    if item.nature == "matrice":
        carte = CommentedMap()
        for ligne in item.lignes:
            sous = CommentedMap()
            cellules = precedente.get(ligne.id, {}) if isinstance(precedente, dict) else {}
            for colonne in item.colonnes:
                sous[colonne.id] = None
                noter(sous, colonne.id, cellules.get(colonne.id))
            carte[ligne.id] = sous
            carte.yaml_set_comment_before_after_key(ligne.id, before=_commentaire(ligne.libelle, retrait=6), indent=6)
        return carte
    return None


__all__ = ["OUI", "SANS_OBJET", "construire_gabarit"]
