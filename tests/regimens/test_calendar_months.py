"""Calendar-month arithmetic: "every 4 months" is counted in calendar months, clamped at month end."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

import qadam.regimens
from qadam.regimens import calendar_months
from qadam.regimens.calendar_months import add_months, whole_months_between


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 3, 10), 4, date(2025, 7, 10)),
        (date(2023, 10, 31), 4, date(2024, 2, 29)),  # leap year: clamped to 29 February
        (date(2022, 10, 31), 4, date(2023, 2, 28)),  # common year: clamped to 28 February
        (date(2024, 2, 29), 4, date(2024, 6, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 9, 30), 4, date(2026, 1, 30)),  # crosses the year
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
        (date(2025, 1, 15), 40, date(2028, 5, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 7, 10), date(2026, 3, 9), 7),
        (date(2025, 7, 10), date(2026, 3, 10), 8),  # exactly 8 months
        (date(2023, 1, 31), date(2023, 2, 28), 1),  # 31 Jan + 1 month clamps to 28 Feb
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # leap year: one month is 29 Feb
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 1), date(2025, 1, 1), 0),
    ],
)
def test_whole_months_between(start, end, months):
    assert whole_months_between(start, end) == months


def test_doctests():
    """The examples in the docstrings (the package's testpaths do not collect them here)."""
    assert doctest.testmod(calendar_months).failed == 0
    assert doctest.testmod(qadam.regimens).failed == 0
