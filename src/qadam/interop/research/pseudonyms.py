"""Pseudonyms, date shifts and ages: the only patient facts a research export derives from identities.

* **Pseudonym per export.** ``P`` + 12 Crockford Base32 characters of HMAC-SHA256(key, export id,
  registry id). The same patient has the same pseudonym in every file of one export (so instruments
  can be joined) and a different one in the next export (so two data sets cannot be joined by it,
  and no pseudonym matches a registry id seen on a screen, a printout or the audit log). The
  registry can find the patient again from the export id (kept in the audit entry) and the key.
* **Dates shifted per patient.** Every date of a patient moves by the same number of days,
  HMAC-SHA256(key, registry id) mapped onto ±1…±N days (never 0). Intervals within a patient are
  exact; calendar dates, seasons and weekdays are not. The shift does not change between exports,
  so a repeated export gives the same dates.
* **Ages instead of birth dates**, computed from the real birth date and the real assessment date:
  completed years (top-coded at 90, as the HIPAA Safe Harbor rule does for ages over 89) and, for
  children on the instruments that need it, completed months.

The key is ``settings.RESEARCH_EXPORT_KEY`` when a deployment sets one, otherwise it is derived from
``SECRET_KEY`` (HMAC with a fixed label), so changing the secret key changes every shift.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings

DEFAULT_SHIFT_DAYS = 182
AGE_TOP_CODE = 90
# Months are reported below this age only: they matter for infants and children (motor milestones,
# treatment windows) and add detail without analytic value for adults.
AGE_MONTHS_BELOW_YEARS = 18
_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_KEY_LABEL = b"qadam.interop.research/v1"


def research_key() -> bytes:
    """The secret behind pseudonyms and date shifts (see the module docstring)."""
    configured = getattr(settings, "RESEARCH_EXPORT_KEY", "") or ""
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_LABEL, hashlib.sha256).digest()


def shift_span_days() -> int:
    """N of the ±N-day window (``settings.RESEARCH_DATE_SHIFT_DAYS``, default 182)."""
    span = int(getattr(settings, "RESEARCH_DATE_SHIFT_DAYS", DEFAULT_SHIFT_DAYS))
    if span < 1:
        raise ValueError(f"RESEARCH_DATE_SHIFT_DAYS must be at least 1. Got {span} instead.")
    return span


def _digest(key: bytes, *parts: str) -> bytes:
    return hmac.new(key, "\x00".join(parts).encode(), hashlib.sha256).digest()


def _base32(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest[:10], "big")  # 80 bits, enough for 16 characters
    chars = []
    for _ in range(length):
        number, index = divmod(number, 32)
        chars.append(_BASE32[index])
    return "".join(chars)


def date_shift(registry_id: str, *, key: bytes, span: int) -> int:
    """The patient's shift in days: one of −span…−1, 1…span, fixed by the key and the registry id."""
    value = int.from_bytes(_digest(key, "date-shift", registry_id)[:8], "big") % (2 * span)
    return value - span if value < span else value - span + 1


def shift_date(day: datetime.date | None, shift: int) -> datetime.date | None:
    return None if day is None else day + datetime.timedelta(days=shift)


def pseudonym(registry_id: str, *, key: bytes, export_id: str) -> str:
    """The patient's pseudonym in the export ``export_id``."""
    return "P" + _base32(_digest(key, "pseudonym", export_id, registry_id), 12)


def assessment_key(assessment_id: int, *, key: bytes, export_id: str) -> str:
    """The assessment's id in the export ``export_id`` (database ids reveal the order of entry)."""
    return "A" + _base32(_digest(key, "assessment", export_id, str(assessment_id)), 12)


def age_years(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``, top-coded at 90 ("90 or older")."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return min(day.year - birth_date.year - int(before_birthday), AGE_TOP_CODE)


def age_months(birth_date: datetime.date, day: datetime.date) -> int | None:
    """Completed months on ``day`` for a patient under 18 years, else None.

    A month is completed on the same day of the month as the birth day (born 15 March: one month on
    15 April); a birth day missing in a shorter month is reached on the first day of the next month.
    """
    months = (day.year - birth_date.year) * 12 + (day.month - birth_date.month) - int(day.day < birth_date.day)
    if months >= AGE_MONTHS_BELOW_YEARS * 12:
        return None
    return months
