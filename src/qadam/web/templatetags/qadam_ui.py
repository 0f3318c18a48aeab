"""Template tags of the web screens: labels in the active language, scores, instrument facts.

Nothing here computes a score or decides who may see what: tags only present values that the
scales library and the selectors produced.
"""

from __future__ import annotations

from datetime import date, datetime
from numbers import Number
from typing import Any

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language

import qadam
from qadam import scales
from qadam.centers.selectors import centers_for
from qadam.web.flags import describe_flag, is_safety_flag

register = template.Library()


def _lang() -> str:
    lang = (get_language() or "en").split("-")[0]
    return lang if lang in scales.LANGUAGES else "en"


@register.filter
def tr(text: Any) -> str:
    """A ``qadam.scales`` ``Text`` in the active language (empty for nothing)."""
    if text is None:
        return ""
    getter = getattr(text, "get", None)
    return getter(_lang()) if callable(getter) else str(text)


@register.filter
def score(value: Any) -> str:
    """A score in the active locale: whole numbers without decimals, others with up to two."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    if float(value).is_integer():
        return formats.number_format(int(value), use_l10n=True)
    return formats.number_format(round(float(value), 2), decimal_pos=None, use_l10n=True)


@register.filter
def instrument(code: str) -> scales.Instrument | None:
    """The instrument definition registered under ``code`` (None if the catalogue has no such code)."""
    return scales.INSTRUMENTS.get(code)


@register.filter
def instrument_name(code: str) -> str:
    found = scales.INSTRUMENTS.get(code)
    return found.name if found else str(code)


@register.simple_tag
def band_label(code: str, band: str | None, subscale: str | None = None) -> str:
    """The label of a band code of an instrument (or of one of its subscales) in the active language."""
    if not band:
        return ""
    found = scales.INSTRUMENTS.get(code)
    if found is None:
        return band
    bands = found.bands
    if subscale:
        bands = next((s.bands for s in found.subscales if s.id == subscale), ())
    for candidate in bands:
        if candidate.code == band:
            return candidate.label.get(_lang())
    return band


@register.simple_tag
def subscale_label(code: str, subscale: str) -> str:
    found = scales.INSTRUMENTS.get(code)
    if found is not None:
        for candidate in found.subscales:
            if candidate.id == subscale:
                return candidate.label.get(_lang())
    return subscale


@register.filter
def percent_of_range(value: Any, code: str) -> int:
    """Where a total sits in the instrument's range, 0–100, for the progress bar beside the number."""
    found = scales.INSTRUMENTS.get(code)
    if found is None or not found.total_range or value is None or not isinstance(value, Number):
        return 0
    low, high = found.total_range
    if low is None or high is None or high == low:
        return 0
    return max(0, min(100, round((float(value) - low) * 100 / (high - low))))


@register.filter
def longdate(value: date | datetime | None) -> str:
    """A date written out in the active language ("26 қараша 2026 ж.", "26 ноября 2026 г.")."""
    if not value:
        return "—"
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


@register.simple_tag
def user_centers(user: Any) -> list:
    """The centers the signed-in user belongs to, for the header."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(centers_for(user))


# Each language is named in itself, whatever the page's language, so that a reader finds their own.
NATIVE_LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    return [(code, NATIVE_LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES]


@register.simple_tag
def demo_mode() -> bool:
    return bool(getattr(settings, "DEMO", False))


@register.simple_tag
def qadam_version() -> str:
    return qadam.__version__


@register.filter
def flag_text(flag: dict) -> str:
    """A result flag as a sentence a clinician can act on."""
    return describe_flag(flag)


@register.filter
def flag_is_safety(flag: dict) -> bool:
    return is_safety_flag(flag)
