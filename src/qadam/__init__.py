"""Qadam: a clinical-outcomes registry for neurology."""

__version__ = "0.1.0"
