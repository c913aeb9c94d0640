"""Ancien chemin de ``diagnum.sorties.pdf`` (issue 23), gardé le temps que les branches en cours fusionnent ;
n'importez plus d'ici."""

from diagnum.sorties.pdf import *  # noqa: F403
