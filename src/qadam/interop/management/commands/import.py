"""``qadam import FORMAT …``: bring records in from FHIR, REDCap or CSV."""

from qadam.interop.commands import IMPORT_FORMATS, FormatCommand


class Command(FormatCommand):
    help = "Import records: qadam import {fhir,redcap,csv} …"
    formats = IMPORT_FORMATS
