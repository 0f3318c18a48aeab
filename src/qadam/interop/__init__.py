"""Qadam's exchange formats: FHIR R4 conversion of instruments and responses.

No Django and no database here: the API, the bulk export and the import commands call these
functions with plain data and store what they return.
"""
