"""Les fautes de mise en page d'un fichier de campagne, situées là où elles sont faites.

Quand l'analyseur YAML renonce, il le dit souvent plus bas que la faute : une
clé reculée de deux espaces est signalée à la question suivante, un guillemet
jamais fermé à la fin du fichier. Ce module relit le texte ligne à ligne,
comme le ferait une personne, et cherche avant l'endroit où l'analyseur a
renoncé la faute de mise en page qui l'explique : retrait qui ne correspond à
aucune clé, « : » manquant ou collé à la valeur, réponse écrite sur la ligne
suivante, guillemet ou crochet jamais fermé, tiret de liste en trop. Il ne
sert que sur un texte illisible : un fichier lisible ne passe jamais par ici.

Fonction pure : texte → constat (ou ``None`` si aucune faute connue n'explique l'échec).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from diagnum.campagne.diagnostics import Diagnostic, Position, erreur

_CLE = re.compile(r"^(?P<cle>[^\s#\"'\[\]{}:,&*!|>%@`-][^:]*?|\"[^\"]*\"|'[^']*')\s*:(?:[ ]+(?P<valeur>.*)|$)")
_COLLEE = re.compile(r"^(?P<cle>[A-Za-z_][\w-]*):(?P<valeur>[^\s:/].*)$")
_SANS_DEUX_POINTS = re.compile(r"^(?P<cle>[A-Za-z_][\w-]*)[ ]+(?P<valeur>\S.*)$")


_FINS_DE_LIGNE = re.compile(r"\r\n|\r|\n")


class _Ligne(NamedTuple):
    numero: int
    retrait: int  # colonne (0-based) du premier caractère de ``contenu``
    contenu: str  # sans le retrait ni le commentaire
    tiret: bool = False  # élément de liste « - » (``contenu`` est alors ce qui suit le tiret)
    cle: str | None = None
    valeur: str = ""
    colonne_tiret: int = 0  # colonne (0-based) du tiret d'un élément de liste

    @property
    def ouvrante(self) -> bool:
        """Une clé sans valeur : des lignes en retrait peuvent suivre."""
        return self.cle is not None and self.valeur == ""


def _sans_commentaire(ligne: str) -> str:
    """La ligne sans son commentaire « # … » (hors guillemets) ni espaces finales."""
    guillemet = ""
    for i, c in enumerate(ligne):
        if guillemet:
            if c == guillemet:
                guillemet = ""
        elif c in "\"'" and (i == 0 or ligne[i - 1] in " :[{,-"):
            guillemet = c
        elif c == "#" and (i == 0 or ligne[i - 1] in " \t"):
            return ligne[:i].rstrip()
    return ligne.rstrip()


def _lignes(texte: str) -> list[_Ligne]:
    resultat = []
    # Les fins de ligne de YAML et des éditeurs (pas celles de str.splitlines, qui compte aussi NEL…).
    for numero, brute in enumerate(_FINS_DE_LIGNE.split(texte), start=1):
        ligne = _sans_commentaire(brute)
        contenu = ligne.lstrip(" ")
        if not contenu or contenu.startswith(("---", "...", "%")):
            continue
        retrait = len(ligne) - len(contenu)
        tiret = contenu == "-" or contenu.startswith("- ")
        colonne_tiret = retrait
        if tiret:
            reste = contenu[1:].lstrip(" ")
            retrait += len(contenu) - len(reste)
            contenu = reste
        m = _CLE.match(contenu)
        if m:
            cle = m["cle"].strip("\"'")
            resultat.append(_Ligne(numero, retrait, contenu, tiret, cle, (m["valeur"] or "").strip(), colonne_tiret))
        else:
            resultat.append(_Ligne(numero, retrait, contenu, tiret, colonne_tiret=colonne_tiret))
    return resultat


def _fermeture_manquante(ligne: _Ligne) -> Diagnostic | None:
    """Un guillemet, un crochet ou une accolade ouvert sur la ligne et jamais fermé."""
    debut = ligne.contenu.find(ligne.valeur) if ligne.cle is not None and ligne.valeur else 0
    texte = ligne.valeur if ligne.cle is not None else ligne.contenu
    if not texte:
        return None
    colonne = ligne.retrait + debut + 1
    if texte[0] in "\"'":
        guillemet = texte[0]
        reste = texte[1:].replace("\\\\", "").replace('\\"', "") if guillemet == '"' else texte[1:].replace("''", "")
        if guillemet not in reste:
            nom, ouvert, ferme, pronom = (
                ("le guillemet", "ouvert", "fermé", "le")
                if guillemet == '"'
                else ("l'apostrophe", "ouverte", "fermée", "la")
            )
            return erreur(
                Position(ligne.numero, colonne),
                "syntaxe",
                f"{nom} « {guillemet} » {ouvert} ligne {ligne.numero}, colonne {colonne}, n'est jamais {ferme} : "
                f"ajoutez « {guillemet} » à la fin de la valeur, ou retirez-{pronom}",
            )
        return None
    if texte[0] in "[{":
        pile = []
        for c in texte:
            if c in "[{":
                pile.append(c)
            elif c in "]}" and pile:
                pile.pop()
        if pile:
            ouvrant = texte[0]
            fermant = "]" if ouvrant == "[" else "}"
            nom = "le crochet" if ouvrant == "[" else "l'accolade"
            accord = "ouvert" if ouvrant == "[" else "ouverte"
            fin = "fermé" if ouvrant == "[" else "fermée"
            return erreur(
                Position(ligne.numero, colonne),
                "syntaxe",
                f"{nom} « {ouvrant} » {accord} ligne {ligne.numero}, colonne {colonne}, n'est jamais {fin} : "
                f"ajoutez « {fermant} » à la fin de la valeur (une réponse s'écrit d'ordinaire sans « {ouvrant} »)",
            )
    return None


def _faute_de_ligne(ligne: _Ligne) -> Diagnostic | None:
    """Une faute visible sur la ligne seule : « : » collé, tiret collé, deux « : »."""
    debut = Position(ligne.numero, ligne.retrait + 1)
    if ligne.cle is None:
        m = _COLLEE.match(ligne.contenu)
        if m:
            colonne = ligne.retrait + len(m["cle"]) + 1
            return erreur(
                Position(ligne.numero, colonne),
                "syntaxe",
                f"ajoutez une espace après « : » : écrivez « {m['cle']}: {m['valeur']} »",
            )
        if ligne.contenu.startswith("-") and len(ligne.contenu) > 1 and ligne.contenu[1] not in " -":
            reste = ligne.contenu[1:]
            return erreur(
                debut,
                "syntaxe",
                f"ajoutez une espace après « - » : écrivez « - {reste} »",
            )
        return None
    if ligne.cle.startswith("-") and len(ligne.cle) > 1:
        return erreur(
            debut,
            "syntaxe",
            f"ajoutez une espace après « - » : écrivez « - {ligne.cle.lstrip('-')}: »",
        )
    valeur = ligne.valeur
    if valeur and valeur[0] not in "\"'[{" and (": " in valeur or valeur.endswith(":")):
        colonne = ligne.retrait + ligne.contenu.find(valeur) + valeur.find(":") + 1
        position = Position(ligne.numero, colonne)
        if valeur.split(":")[0].strip() == ligne.cle:
            suite = valeur.split(":", 1)[1].strip()
            return erreur(
                position,
                "syntaxe",
                f"« {ligne.cle}: » est écrit deux fois sur la ligne : écrivez « {ligne.cle}: {suite} »",
            )
        return erreur(
            position,
            "syntaxe",
            f"« : » inattendu dans la valeur : une valeur qui contient « : » s'écrit entre guillemets, "
            f'par exemple {ligne.cle}: "{valeur}"',
        )
    return None


class _Niveau(NamedTuple):
    retrait: int
    cle: str  # la dernière clé lue à ce retrait
    tirets: int  # éléments « - » lus à ce retrait
    cles: int  # clés sans tiret lues à ce retrait
    ligne_tiret: _Ligne | None  # le dernier élément « - » lu à ce retrait
    premiere: _Ligne | None = None  # la ligne qui a ouvert ce retrait
    pas: int = 2  # l'écart de ce retrait avec celui de la ligne qui ouvre le bloc


def _espaces(n: int) -> str:
    return f"{n} espace{'s' if n > 1 else ''}"


def _distance(n: int) -> str:
    return "collée au bord" if n == 0 else f"à {_espaces(n)} du bord"


def _nom(ligne: _Ligne) -> str:
    if ligne.cle is not None:
        return ligne.cle
    mots = ligne.contenu.split()
    return mots[0] if mots else "-"


def _retrait_de(ligne: _Ligne) -> int:
    """Le retrait de la ligne tel qu'on le voit : celui du tiret pour un élément de liste."""
    return ligne.colonne_tiret if ligne.tiret else ligne.retrait


def expliquer(texte: str, ligne_erreur: int) -> Diagnostic | None:
    """La faute de mise en page qui explique l'échec de l'analyseur à ``ligne_erreur``.

    Cherche la première faute reconnue jusqu'à cette ligne comprise ;
    ``None`` si aucune ne l'explique (le message de l'analyseur est alors gardé).
    """
    lignes = _lignes(texte)
    niveaux: list[_Niveau] = []
    fermeture: list[tuple[_Ligne, list[int]]] = []  # la dernière ligne qui a fermé des blocs, et leurs retraits
    vues: list[_Ligne] = []
    precedente: _Ligne | None = None
    avant_precedente: _Ligne | None = None
    for indice, ligne in enumerate(lignes):
        if ligne.numero > ligne_erreur:
            break
        suivante = lignes[indice + 1] if indice + 1 < len(lignes) else None
        faute = (
            _fermeture_manquante(ligne)
            or _faute_de_ligne(ligne)
            or _faute_de_structure(ligne, precedente, avant_precedente, suivante, niveaux, fermeture, vues)
        )
        if faute is not None:
            # Le texte cité peut contenir des tabulations : le message tient sur une ligne, espaces simples.
            return faute._replace(message=" ".join(faute.message.split()))
        avant_precedente, precedente = precedente, ligne
        vues.append(ligne)
    return None


def _reculee(vues: list[_Ligne], retrait: int) -> _Ligne | None:
    """La dernière clé reculée au niveau de la clé qui la précède, alors que ses propres lignes vont au-delà
    de ``retrait`` : « reponses: » puis « pilotage: » au bord, dont les questions sont à 4 espaces."""
    plancher = None
    for i in range(len(vues) - 1, 0, -1):
        cle = vues[i]
        if plancher is not None and _retrait_de(cle) >= plancher:
            continue
        plancher = _retrait_de(cle)  # « cle » ouvre le bloc qui contient tout ce qui la suit
        if plancher < retrait:
            avant, enfant = vues[i - 1], vues[i + 1] if i + 1 < len(vues) else None
            if (
                enfant is not None
                and avant.ouvrante
                and cle.ouvrante
                and _retrait_de(cle) == _retrait_de(avant) < retrait < _retrait_de(enfant)
            ):
                return cle
            return None
    return None


def _faute_de_structure(
    ligne: _Ligne,
    precedente: _Ligne | None,
    avant: _Ligne | None,
    suivante: _Ligne | None,
    niveaux: list[_Niveau],
    fermeture: list[tuple[_Ligne, list[int]]],
    vues: list[_Ligne],
) -> Diagnostic | None:
    """Retrait, « : » manquant, réponse sur la ligne suivante, tiret en trop ; tient ``niveaux`` à jour."""
    retrait = _retrait_de(ligne)
    position = Position(ligne.numero, retrait + 1)
    if precedente is None:
        niveaux.append(
            _Niveau(retrait, _nom(ligne), int(ligne.tiret), int(not ligne.tiret), ligne if ligne.tiret else None)
        )
        _ouvrir_element(ligne, niveaux)
        return None
    retrait_prec = precedente.retrait if precedente.cle is not None else _retrait_de(precedente)
    if ligne.cle is None and not ligne.tiret:
        # Une ligne sans « : » : suite d'une valeur, ou faute.
        reponse_seule = " " not in ligne.contenu or ligne.contenu.lower() == "sans objet"
        if precedente.ouvrante and retrait == retrait_prec and reponse_seule:
            return erreur(
                position,
                "syntaxe",
                f"réponse « {ligne.contenu} » écrite sur la ligne suivante : écrivez-la sur la même ligne que "
                f"sa clé, « {precedente.cle}: {ligne.contenu} »",
            )
        meme_retrait = (precedente.cle is not None and retrait == retrait_prec) or (
            suivante is not None and suivante.cle is not None and _retrait_de(suivante) == retrait
        )
        if meme_retrait and (retrait <= retrait_prec or precedente.ouvrante):
            m = _SANS_DEUX_POINTS.match(ligne.contenu)
            if len(ligne.contenu.split()) > 3:  # une phrase, pas une clé suivie de sa réponse
                return erreur(
                    position,
                    "syntaxe",
                    "ligne de texte sans clé : un texte sur plusieurs lignes s'écrit après « | » "
                    "(par exemple « commentaires: | »), chaque ligne en retrait de 2 espaces sous la clé",
                )
            if m:
                colonne = retrait + len(m["cle"]) + 1
                return erreur(
                    Position(ligne.numero, colonne),
                    "syntaxe",
                    f"« : » manquant après « {m['cle']} » : écrivez « {m['cle']}: {m['valeur']} »",
                )
            return erreur(
                position,
                "syntaxe",
                f"ligne sans « : » : une réponse s'écrit « clé: valeur », trouvé « {ligne.contenu} »",
            )
        return None
    if retrait > retrait_prec and not precedente.ouvrante and not (precedente.tiret and precedente.cle is None):
        # Plus en retrait qu'une clé qui a déjà sa valeur : l'une des deux est mal placée, ou la clé a
        # à la fois une valeur et, en dessous, les clés que ses voisines ont (« sans objet » puis trois cases).
        if (
            ligne.cle is not None
            and precedente.cle is not None
            and any(v.cle == ligne.cle and v.retrait == ligne.retrait for v in vues)
        ):
            colonne = precedente.retrait + precedente.contenu.find(precedente.valeur, len(precedente.cle)) + 1
            return erreur(
                Position(precedente.numero, colonne),
                "syntaxe",
                f"« {precedente.cle} » a une réponse (« {precedente.valeur} ») et des lignes en retrait en dessous : "
                f"gardez l'une ou l'autre (la réponse écrite sur la ligne de « {precedente.cle} » vaut pour "
                "toutes ; effacez alors les lignes en dessous)",
            )
        suite_alignee = suivante is not None and _retrait_de(suivante) == retrait
        if avant is not None and avant.ouvrante and _retrait_de(avant) == _retrait_de(precedente) and suite_alignee:
            return erreur(
                Position(precedente.numero, _retrait_de(precedente) + 1),
                "syntaxe",
                f"retrait incorrect : « {_nom(precedente)} » fait partie de « {avant.cle} » ; décalez-la vers la droite, "
                f"alignée sur la ligne suivante : {_espaces(retrait)}",
            )
        if avant is not None and _retrait_de(avant) == retrait and _retrait_de(precedente) < retrait:
            return erreur(
                Position(precedente.numero, _retrait_de(precedente) + 1),
                "syntaxe",
                f"retrait incorrect : alignez « {_nom(precedente)} » sur la clé au-dessus, « {_nom(avant)} » : "
                f"{_espaces(retrait)}",
            )
        ferme_par_precedente = bool(fermeture) and fermeture[0][0] is precedente and retrait in fermeture[0][1]
        premiere_du_bloc = avant is not None and avant.ouvrante and _retrait_de(avant) < _retrait_de(precedente)
        if ferme_par_precedente or (premiere_du_bloc and suite_alignee):
            # La ligne précédente a reculé (elle a fermé le bloc où celle-ci s'aligne), ou, première de son bloc,
            # elle n'est pas alignée sur les suivantes : c'est elle qu'il faut déplacer.
            return _alignez_plus_bas(precedente, ligne)
        return erreur(
            position,
            "syntaxe",
            f"retrait incorrect : alignez « {_nom(ligne)} » sur la clé au-dessus, « {_nom(precedente)} » : "
            f"{_espaces(retrait_prec)}",
        )
    fermes = []
    fermes_niveaux = []
    while niveaux and niveaux[-1].retrait > retrait:
        fermes_niveaux.append(niveaux.pop())
        fermes.append(fermes_niveaux[-1].retrait)
    if fermes:
        fermeture[:] = [(ligne, fermes)]
    if not niveaux or niveaux[-1].retrait < retrait:
        if retrait > retrait_prec:  # le premier élément d'un bloc ouvert par la ligne précédente
            niveaux.append(_Niveau(retrait, _nom(ligne), 0, 0, None, ligne, retrait - retrait_prec))
        elif (
            fermes_niveaux
            and niveaux
            and niveaux[-1].retrait < retrait < fermes_niveaux[-1].retrait
            and suivante is not None
            and _retrait_de(suivante) == retrait
            and (seule := _seule_de_son_bloc(niveaux[-1]) or fermes_niveaux[-1].premiere) is not None
        ):
            # Un bloc a commencé au mauvais retrait (sa première ligne s'est décalée) : celle-ci et la
            # suivante montrent le bon.
            return _alignez_plus_bas(seule, ligne)
        elif (fautive := _reculee(vues, retrait)) is not None or (
            fermeture and retrait in fermeture[0][1] and fermeture[0][0] is not ligne
        ):
            # Une ligne plus haut a reculé : elle a fermé trop tôt le bloc où celle-ci s'aligne.
            fautive = fautive or fermeture[0][0]
            return erreur(
                Position(fautive.numero, _retrait_de(fautive) + 1),
                "syntaxe",
                f"retrait incorrect : « {_nom(fautive)} » est {_distance(_retrait_de(fautive))} ; "
                f"alignez-la sur « {_nom(ligne)} », plus bas : {_espaces(retrait)}",
            )
        else:
            proche = min(niveaux or [_Niveau(0, "", 0, 0, None)], key=lambda n: (abs(n.retrait - retrait), -n.retrait))
            cible = proche if proche.retrait > retrait or not niveaux else niveaux[-1]
            if abs(cible.retrait - retrait) >= abs(retrait_prec - retrait):
                cible = _Niveau(retrait_prec, _nom(precedente), 0, 0, None)
            return erreur(
                position,
                "syntaxe",
                f"retrait incorrect : « {_nom(ligne)} » est {_distance(retrait)}, ce qui ne correspond "
                f"à aucune clé au-dessus ; alignez-la sur « {cible.cle} » : {_espaces(cible.retrait)}",
            )
    niveau = niveaux[-1]
    if ligne.tiret and niveau.cles:
        return erreur(
            position,
            "syntaxe",
            f"tiret « - » en trop devant « {_nom(ligne)} » : cette ligne n'est pas un élément de liste, "
            "retirez « - » et l'espace qui le suit",
        )
    if not ligne.tiret and niveau.tirets and fermes and suivante is not None and _retrait_de(suivante) in fermes:
        # Une clé d'un élément de liste qui a reculé : la ligne suivante revient au retrait qu'elle a quitté.
        return _alignez_plus_bas(ligne, suivante)
    if not ligne.tiret and niveau.tirets:
        fautive = niveau.ligne_tiret
        if niveau.tirets == 1 and fautive is not None and niveau.cles == 0 and fautive.cle != ligne.cle:
            # Un seul « - », devant une autre clé que celle-ci : c'est lui qui est en trop.
            return erreur(
                Position(fautive.numero, _retrait_de(fautive) + 1),
                "syntaxe",
                f"tiret « - » en trop devant « {_nom(fautive)} » : cette ligne n'est pas un élément de liste, "
                "retirez « - » et l'espace qui le suit",
            )
        return erreur(
            position,
            "syntaxe",
            f"tiret « - » manquant : les autres éléments de cette liste commencent par « - » ; "
            f"écrivez « - {ligne.contenu} »",
        )
    niveaux[-1] = niveau._replace(
        cle=_nom(ligne),
        tirets=niveau.tirets + int(ligne.tiret),
        cles=niveau.cles + int(not ligne.tiret),
        ligne_tiret=ligne if ligne.tiret else niveau.ligne_tiret,
    )
    _ouvrir_element(ligne, niveaux)
    return None


def _seule_de_son_bloc(niveau: _Niveau) -> _Ligne | None:
    """La ligne qui a ouvert ce retrait, si elle y est seule et à un retrait impair par rapport à la ligne qui
    l'ouvre (une espace de trop ou de moins) : c'est elle qui s'est décalée, pas la première de son bloc."""
    return niveau.premiere if niveau.cles + niveau.tirets == 1 and niveau.pas % 2 else None


def _alignez_plus_bas(fautive: _Ligne, modele: _Ligne) -> Diagnostic:
    """« fautive » est mal alignée ; « modele », plus bas, montre le bon retrait."""
    return erreur(
        Position(fautive.numero, _retrait_de(fautive) + 1),
        "syntaxe",
        f"retrait incorrect : « {_nom(fautive)} » est {_distance(_retrait_de(fautive))} ; "
        f"alignez-la sur « {_nom(modele)} », plus bas : {_espaces(_retrait_de(modele))}",
    )


def _ouvrir_element(ligne: _Ligne, niveaux: list[_Niveau]) -> None:
    """Un élément « - clé: … » ouvre un bloc au retrait de sa clé."""
    if ligne.tiret and ligne.cle is not None:
        niveaux.append(_Niveau(ligne.retrait, ligne.cle, 0, 1, None))
