"""``qadam export FORMAT …``: FHIR bulk NDJSON or a pseudonymised research extract."""

from qadam.interop.commands import EXPORT_FORMATS, FormatCommand


class Command(FormatCommand):
    help = "Export records: qadam export {fhir,research} …"
    formats = EXPORT_FORMATS
