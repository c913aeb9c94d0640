"""Permet ``python -m diagnum``."""

from diagnum.cli import main

main()
