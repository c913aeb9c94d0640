"""Les écrivains de chaque format de sortie (texte, JSON, CSV, Markdown, HTML, PDF, ODS, XLSX).

Une petite fonction ou classe par format ; les commandes de ``diagnum.cli`` choisissent
ici l'écrivain que demande leur option ``--format``.
"""
