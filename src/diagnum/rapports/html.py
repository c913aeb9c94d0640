"""Ancien chemin de ``diagnum.sorties.html`` (issue 23), gardé le temps que les branches en cours fusionnent ;
n'importez plus d'ici."""

from diagnum.sorties.html import *  # noqa: F403
