"""The catalogue: every instrument Qadam scores, registered explicitly by code.

No auto-discovery: adding an instrument means adding it to its domain module and to ``_MODULES``'
``INSTRUMENTS`` tuple, so a reader sees the whole catalogue here.
"""

from __future__ import annotations

from . import cognition, mg, mood, pain, rehab, sma, stroke
from .model import Instrument

CODES: tuple[str, ...] = (
    "hfmse", "rulm", "6mwt", "chop_intend", "fvc",
    "mg_adl", "qmg", "mgc", "mg_qol15r",
    "nihss", "mrs", "barthel", "fma_ue", "fma_le", "mas", "berg", "gas",
    "nrs_pain", "dn4", "lanss", "odi", "bpi_sf",
    "hads", "phq9", "eq5d5l",
    "moca", "minicog",
)  # fmt: skip

_MODULES = (sma, mg, stroke, rehab, pain, mood, cognition)


def _build() -> dict[str, Instrument]:
    found = {i.code: i for module in _MODULES for i in module.INSTRUMENTS}
    # Keep the documented order of the catalogue; anything a module adds beyond it goes last.
    ordered = {code: found[code] for code in CODES if code in found}
    ordered.update({code: inst for code, inst in found.items() if code not in ordered})
    return ordered


INSTRUMENTS: dict[str, Instrument] = _build()
