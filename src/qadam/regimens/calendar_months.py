"""Calendar-month arithmetic for dosing intervals given in months.

Labels state intervals in months ("every 4 months", "8 months since the last dose"). Qadam counts
them as calendar months, not as a fixed number of days: 4 months after 10 March is 10 July. When
the target month is shorter, the date is clamped to its last day (31 October + 4 months =
29 February in a leap year, 28 February otherwise), so an interval never spills into the month after.
The label gives no day count; calendar months are what a clinic books and what a patient is told.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the end of a shorter month.

    >>> add_months(date(2023, 10, 31), 4), add_months(date(2024, 10, 31), 4)
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def whole_months_between(start: date, end: date) -> int:
    """Completed calendar months from ``start`` to ``end`` (``end`` on or after ``start``).

    A month is complete when ``add_months(start, n)`` is on or before ``end``, so 31 January to
    28 February (non-leap) is one whole month, and 15 January to 14 May is three.

    >>> whole_months_between(date(2023, 1, 31), date(2023, 2, 28)), whole_months_between(date(2024, 1, 15), date(2024, 5, 14))
    (1, 3)
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months
