"""Words for the codes a dose's procedure holds (injection side, intrathecal approach, imaging,
sedation) and for catalogue products, so screens never print a raw code.

The codes are those ``qadam.therapy.services`` accepts (clinical.md §B.1 intrathecal procedure,
§B.3 botulinum injections); the forms offer the same lists.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

SIDES = {
    "left": _("Left"),
    "right": _("Right"),
    "bilateral": _("Both sides"),
    "midline": _("Midline"),
}
APPROACHES = {
    "interlaminar": _("Interlaminar (lumbar puncture)"),
    "transforaminal": _("Transforaminal"),
    "other": _("Other"),
}
IMAGING = {
    "none": _("None (landmarks)"),
    "ultrasound": _("Ultrasound"),
    "fluoroscopy": _("Fluoroscopy"),
    "ct": _("CT"),
}
SEDATION = {
    "none": _("None"),
    "local": _("Local anaesthesia"),
    "sedation": _("Procedural sedation"),
    "general": _("General anaesthesia"),
}
PROCEDURE_FIELDS = {
    "approach": (_("Approach"), APPROACHES),
    "imaging_guidance": (_("Imaging guidance"), IMAGING),
    "needle_gauge": (_("Needle gauge (G)"), None),
    "csf_removed_ml": (_("CSF removed (mL)"), None),
    "attempts": (_("Attempts"), None),
    "sedation": (_("Sedation or anaesthesia"), SEDATION),
}


def choices(labels: dict, empty: Any) -> list[tuple[str, Any]]:
    """Form choices: the empty choice, then every code with its words."""
    return [("", empty), *labels.items()]


def quantity(value: Any) -> str:
    """A dose or weight in the active locale, without trailing zeros or an exponent (100, not 1E+2)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # text kept in a procedure's JSON by an import: shown as it is
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number.normalize(), "f")
    places = len(text.partition(".")[2])
    return formats.number_format(Decimal(text), decimal_pos=places, use_l10n=True)


def word(labels: dict, code: Any) -> str:
    """The words of ``code`` in ``labels``; anything else (an unknown code, a value from an import) as text."""
    if isinstance(code, str) and code in labels:
        return str(labels[code])
    return "" if code is None else str(code)


def procedure_items(procedure: Any) -> list[tuple[str, str]]:
    """The intrathecal procedure details as (label, words) pairs, in the order of the form."""
    procedure = procedure if isinstance(procedure, dict) else {}
    items = []
    for key, (label, words) in PROCEDURE_FIELDS.items():
        value = procedure.get(key)
        if value in (None, ""):
            continue
        shown = word(words, value) if words else quantity(value)
        items.append((str(label), str(shown)))
    return items


def product_label(drug: str, product: str) -> str:
    """The brand of a catalogue product code (spinraza → Spinraza); other text (a substance) as entered."""
    from qadam.regimens import DRUGS

    entry = DRUGS.get(drug)
    for known in entry.products if entry else ():
        if known.code == product:
            return known.brand
    return product
