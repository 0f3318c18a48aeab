"""The instrument catalogue of ``qadam.scales``, read-only: ``/api/v1/instruments``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Path, Router

from qadam import scales

from .. import shapes
from ..problems import ApiProblem
from ..schemas import InstrumentOut, InstrumentSummaryOut

router = Router(tags=["instruments"])


@router.get("", response=list[InstrumentSummaryOut])
def list_instruments(request):
    """Every instrument the registry scores, in catalogue order."""
    return [shapes.instrument_summary_out(instrument) for instrument in scales.INSTRUMENTS.values()]


InstrumentCode = Path(..., max_length=32, pattern=r"^[^\x00]+$", description="e.g. phq9")


@router.get("/{code}", response=InstrumentOut)
def get_instrument(request, code: str = InstrumentCode):
    """One instrument's definition: items and their allowed values, context, bands, meaningful change, LOINC."""
    instrument = scales.INSTRUMENTS.get(code)
    if instrument is None:
        raise ApiProblem(
            "not-found", "instrument_unknown", _("There is no instrument with the code “%(value)s”."), {"value": code}
        )
    return shapes.instrument_out(instrument)
