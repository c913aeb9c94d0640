"""diagnum : diagnostic du numérique dans un établissement scolaire."""

__version__ = "0.1.0"
