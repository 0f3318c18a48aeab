"""REDCap in: data dictionaries and raw flat records exports, a mapping file, an all-or-nothing import.

``dictionary`` reads the files (no Django), ``mapping`` drafts and checks the mapping file (no
Django models), ``importer`` plans the assessments, ``commands`` is ``qadam import redcap``. The
writing is ``qadam.interop.imports.engine``'s, shared with the CSV import. See docs/import.md.
"""
