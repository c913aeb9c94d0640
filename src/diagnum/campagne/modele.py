"""Le modèle d'une campagne : les réponses d'un établissement, sans positions.

C'est ce que la validation produit à partir d'un fichier, et ce que le calcul
des scores, la comparaison et les rapports consomment. Les valeurs sont déjà
contrôlées : une réponse fautive y est absente (``None``).
"""

# Annotations évaluées (sans « from __future__ import annotations ») : typing.NamedTuple
# compilerait sinon chaque annotation écrite en texte, 1 ms de plus au démarrage.

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

STATUTS_ACTION = ("prevue", "en cours", "realisee", "abandonnee")


class Action(NamedTuple):
    """Une action du plan décidé par le groupe de pilotage."""

    libelle: str
    responsable: str | None = None
    echeance: dt.date | None = None
    statut: str | None = None


class Objectif(NamedTuple):
    """Un objectif : un score à atteindre dans un domaine, à une échéance."""

    domaine: str
    cible: float
    echeance: dt.date | None = None
    actions: tuple[Action, ...] = ()


class Enquete(NamedTuple):
    """Une enquête importée (``diagnum enquete importer``) : des effectifs, une date, des noms de fichiers."""

    repondants: int
    date: dt.date | None = None
    sources: tuple[str, ...] = ()


class ChoixCommunication(NamedTuple):
    """Ce que l'établissement a choisi de communiquer à un public (bloc ``communication:``) : les parties
    du document (``campagne.communication.PARTIES``), et les domaines dont les scores sont montrés
    (``None`` : tous)."""

    parties: tuple[str, ...] = ()
    domaines: tuple[str, ...] | None = None


class Estimation(NamedTuple):
    """Une réponse estimée d'après un export (``diagnum sources importer``) : d'où, sur quelle période, selon
    quelle règle ; aucune donnée de personne."""

    fichier: str | None = None
    outil: str | None = None
    debut: dt.date | None = None
    fin: dt.date | None = None
    regle: str | None = None
    date: dt.date | None = None


class Etablissement(NamedTuple):
    """Identification de l'établissement (aucune donnée personnelle)."""

    nom: str | None = None
    uai: str | None = None
    commune: str | None = None


@dataclass(slots=True)
class Campagne:
    """Une campagne validée.

    ``reponses[domaine][item]`` vaut : pour une affirmation « oui », « non »,
    « sans objet » ; pour un nombre un ``int`` ; pour une proportion un
    nombre de 0 à 100 ; pour une répartition un ``dict`` jamais /
    occasionnellement / regulierement ; pour une matrice un ``dict`` ligne →
    colonne → affirmation. ``None`` : sans réponse.
    """

    referentiel: str
    chemin: str = ""
    etablissement: Etablissement = field(default_factory=Etablissement)
    campagne: str | None = None
    date: dt.date | None = None
    reference: dict[str, int | None] = field(default_factory=dict)
    obligations: dict[str, str | None] = field(default_factory=dict)
    reponses: dict[str, dict[str, object]] = field(default_factory=dict)
    commentaires: str | None = None
    objectifs: tuple[Objectif, ...] = ()
    #: public (enseignants, familles, divisions) → enquête importée
    enquetes: dict[str, Enquete] = field(default_factory=dict)
    #: public (personnels, academie, collectivite, familles, grand-public) → ce qui lui est communiqué
    communication: dict[str, ChoixCommunication] = field(default_factory=dict)

    #: item → estimation importée d'après un export des outils de l'établissement
    sources: dict[str, Estimation] = field(default_factory=dict)

    @property
    def libelle(self) -> str:
        """Le nom court de la campagne (légende des graphiques)."""
        if self.campagne:
            return self.campagne
        if self.date:
            return self.date.isoformat()
        from pathlib import Path

        return Path(self.chemin).stem or "campagne"

    def reponse(self, domaine: str, item: str) -> object:
        """La réponse à un item, ou ``None``."""
        return self.reponses.get(domaine, {}).get(item)
