"""Research exports: pseudonymised, item-level tables per instrument, with a data dictionary.

``qadam export research`` (``commands.py``) and the registry managers' download page
(``qadam.web.views.research``) both call ``services.research_export``. What leaves the registry:

* per instrument, a wide table (one row per assessment) and a long table (one row per item
  response), as CSV and/or Parquet (``columns.py`` describes every column, ``writers.py`` streams);
* a data dictionary (CSV and JSON) and a manifest.

What never leaves: names, IINs, registry ids, birth dates, real dates, free text (notes, comments,
not-tested notes, GAS goal wording). See ``pseudonyms.py`` and docs/research-export.md.
"""
