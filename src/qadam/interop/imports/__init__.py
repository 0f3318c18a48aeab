"""Imports from other systems (REDCap, CSV): who a record was there, and what was imported already.

``models`` keeps two small tables: ``ExternalRecord`` (a patient as another system names them, so a
second run finds the same patient) and ``ImportedAssessment`` (the idempotency key of every imported
assessment). ``engine`` validates a planned import as a whole and writes it in one transaction.
"""
