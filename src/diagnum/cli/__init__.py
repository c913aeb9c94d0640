"""L'interface en ligne de commande : une fine couche sur le cœur.

Chaque sous-commande vit dans son propre module ; les erreurs deviennent des
messages en un seul endroit (``commun.gerer_erreurs``). Les modules qui
dessinent ou mettent en page importent matplotlib et Jinja2 dans leurs
fonctions seulement, pour que ``diagnum valider`` démarre vite.
"""

from __future__ import annotations

from diagnum.cli.application import app, main

__all__ = ["app", "main"]
