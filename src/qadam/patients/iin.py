"""The Kazakhstan individual identification number (IIN, ЖСН/ИИН): structure and check digit.

An IIN has 12 digits: ``YYMMDD`` (date of birth), one digit for century and sex (1/2: 1800s male/
female, 3/4: 1900s, 5/6: 2000s), four serial digits and a check digit. The check digit is the sum of
the first eleven digits weighted 1, 2, …, 11, modulo 11; when that remainder is 10 the weights
3, 4, …, 11, 1, 2 are used instead, and a second remainder of 10 means the number was never issued.
Source: Rules for forming the identification number, Resolution of the Government of the Republic of
Kazakhstan No. 406 of 22 May 2007.

Since Resolution No. 853 of 26 August 2013 the digits are no longer bound to the person's data (the
Ministry of Justice, 5 April 2019: a mismatch between the IIN and the date of birth "is not an error").
Qadam therefore checks the structure and the check digit but never compares the IIN with the
patient's recorded date of birth or sex. [U] Whether IINs issued after 2013 can carry a first six
digits that are not a calendar date, or a seventh digit outside 1–6, is not documented in what we
could consult; we keep the published structure and will relax it if a real IIN is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qadam.core.exceptions import Message

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURIES = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


IIN_MESSAGES = {
    "iin_format": _("The IIN must be exactly 12 digits. Got “%(value)s” instead."),
    "iin_century": _(
        "The 7th digit of the IIN gives the century of birth and the sex and must be 1 to 6. Got “%(value)s” instead."
    ),
    "iin_date": _("The first six digits of the IIN must be a date of birth (YYMMDD). Got “%(value)s” instead."),
    "iin_unissuable": _("“%(value)s” cannot be an IIN: no check digit is valid for its first 11 digits."),
    "iin_check_digit": _(
        "The check digit of the IIN “%(value)s” does not match its other digits; one digit is probably mistyped."
    ),
}


@dataclass(frozen=True)
class IinProblem:
    """Why a string is not a valid IIN: ``code`` is stable, ``value`` is what was received."""

    code: str
    value: str


def check_digit(first_eleven: str) -> int | None:
    """Return the check digit for the first eleven digits, or None when no digit can be valid.

    >>> check_digit("90010130000")
    7
    >>> check_digit("85020240011")  # first remainder is 10, second pass gives 1
    1
    >>> check_digit("85020240010") is None  # remainder 10 in both passes
    True
    """
    digits = [int(c) for c in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if remainder == 10 else remainder


def iin_problem(value: str) -> IinProblem | None:
    """Return the first problem with ``value`` as an IIN, or None if it is valid.

    >>> iin_problem("900101300007") is None
    True
    >>> iin_problem("900101300008").code
    'iin_check_digit'
    """
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return IinProblem("iin_format", value)
    century = CENTURIES.get(value[6])
    if century is None:
        return IinProblem("iin_century", value)
    try:
        datetime.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return IinProblem("iin_date", value)
    expected = check_digit(value[:11])
    if expected is None:
        return IinProblem("iin_unissuable", value)
    if expected != int(value[11]):
        return IinProblem("iin_check_digit", value)
    return None


def normalise_iin(value: str) -> str:
    """Strip the spaces and dashes people type between digit groups."""
    return "".join(c for c in value if c not in " -\u00a0\t")


def iin_problems(value: str) -> list[Message]:
    """An IIN must have 12 digits, a valid structure and a matching check digit (see ``iin.py``)."""
    problem = iin_problem(value)
    if problem is None:
        return []
    return [Message(problem.code, IIN_MESSAGES[problem.code], {"value": problem.value})]
