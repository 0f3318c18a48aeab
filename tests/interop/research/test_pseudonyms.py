"""Pseudonyms, date shifts and ages (no database)."""

from __future__ import annotations

import datetime

import pytest

from qadam.interop.research import pseudonyms

KEY = b"k" * 32
D = datetime.date


@pytest.mark.parametrize(
    ("birth", "day", "years"),
    [
        (D(2015, 3, 14), D(2025, 3, 13), 9),
        (D(2015, 3, 14), D(2025, 3, 14), 10),
        (D(2015, 3, 14), D(2025, 3, 15), 10),
        (D(1980, 2, 29), D(2023, 2, 28), 42),  # no 29 February in 2023: the birthday is 1 March
        (D(1980, 2, 29), D(2023, 3, 1), 43),
        (D(1980, 2, 29), D(2024, 2, 29), 44),
        (D(2020, 1, 1), D(2020, 1, 1), 0),
        (D(1930, 5, 1), D(2026, 5, 1), 90),  # 96: top-coded
        (D(1936, 5, 1), D(2026, 4, 30), 89),
    ],
)
def test_age_in_completed_years_changes_on_the_birthday(birth, day, years):
    assert pseudonyms.age_years(birth, day) == years


@pytest.mark.parametrize(
    ("birth", "day", "months"),
    [
        (D(2024, 3, 15), D(2024, 3, 15), 0),
        (D(2024, 3, 15), D(2024, 4, 14), 0),
        (D(2024, 3, 15), D(2024, 4, 15), 1),
        (D(2024, 1, 31), D(2024, 2, 29), 0),  # no 31 February: the month is completed on 1 March
        (D(2024, 1, 31), D(2024, 3, 1), 1),
        (D(2015, 3, 14), D(2025, 3, 13), 119),
        (D(2015, 3, 14), D(2025, 3, 14), 120),
        (D(2008, 6, 1), D(2026, 5, 31), 215),
        (D(2008, 6, 1), D(2026, 6, 1), None),  # 18 years: no months
    ],
)
def test_age_in_completed_months_for_children_only(birth, day, months):
    assert pseudonyms.age_months(birth, day) == months


def test_date_shift_is_deterministic_never_zero_and_within_the_window():
    shifts = [pseudonyms.date_shift(f"KZ-TEST-{i:04d}", key=KEY, span=30) for i in range(2000)]
    assert shifts == [pseudonyms.date_shift(f"KZ-TEST-{i:04d}", key=KEY, span=30) for i in range(2000)]
    assert 0 not in shifts
    assert min(shifts) == -30 and max(shifts) == 30
    assert len(set(shifts)) == 60


def test_date_shift_depends_on_the_key():
    ids = [f"KZ-TEST-{i:04d}" for i in range(50)]
    one = [pseudonyms.date_shift(i, key=KEY, span=182) for i in ids]
    other = [pseudonyms.date_shift(i, key=b"another key", span=182) for i in ids]
    assert one != other


def test_pseudonyms_differ_between_exports_and_never_show_the_registry_id():
    first = pseudonyms.pseudonym("KZ-7Q4M-2XD9", key=KEY, export_id="e1")
    assert first == pseudonyms.pseudonym("KZ-7Q4M-2XD9", key=KEY, export_id="e1")
    assert first != pseudonyms.pseudonym("KZ-7Q4M-2XD9", key=KEY, export_id="e2")
    assert first != pseudonyms.pseudonym("KZ-7Q4M-2XD8", key=KEY, export_id="e1")
    assert first.startswith("P") and len(first) == 13 and "7Q4M" not in first
    assert pseudonyms.assessment_key(1, key=KEY, export_id="e1") != pseudonyms.assessment_key(
        1, key=KEY, export_id="e2"
    )


def test_key_comes_from_the_setting_or_from_the_secret_key(settings):
    settings.RESEARCH_EXPORT_KEY = "configured"
    assert pseudonyms.research_key() == b"configured"
    settings.RESEARCH_EXPORT_KEY = ""
    derived = pseudonyms.research_key()
    assert derived != settings.SECRET_KEY.encode() and len(derived) == 32
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    assert pseudonyms.research_key() != derived


def test_shift_window_comes_from_the_settings(settings):
    settings.RESEARCH_DATE_SHIFT_DAYS = 7
    assert pseudonyms.shift_span_days() == 7
    settings.RESEARCH_DATE_SHIFT_DAYS = 0
    with pytest.raises(ValueError, match="at least 1"):
        pseudonyms.shift_span_days()
