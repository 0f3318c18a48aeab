"""Translations (``kk``/``ru`` message catalogues) and locale formats of the registry."""
