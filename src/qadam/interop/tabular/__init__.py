"""CSV in: item responses of existing patients, long or wide (``reader``), ``qadam import csv`` (``commands``).

The writing is ``qadam.interop.imports.engine``'s, shared with the REDCap import. See docs/import.md.
"""
