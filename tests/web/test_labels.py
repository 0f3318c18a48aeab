"""Every code a screen can show has words: result flags and context choices of every instrument."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from qadam import scales
from qadam.web.assessment_form import CONTEXT_CHOICE_LABELS, CONTEXT_FIELD_CHOICE_LABELS
from qadam.web.flags import DETAIL_IS_NOTE, FLAG_SENTENCES, describe_flag

SCALES_SOURCE = Path(scales.__file__).parent


def flag_codes() -> set[str]:
    """Flag codes raised anywhere in ``qadam.scales`` (``Flag("code", …)``, also across lines)."""
    pattern = re.compile(r'\bFlag\(\s*"([a-z0-9_]+)"')
    return {code for path in SCALES_SOURCE.rglob("*.py") for code in pattern.findall(path.read_text("utf-8"))}


def test_the_scan_finds_the_flags_of_the_scales():
    assert {"partial_sum", "safety_self_harm", "goal_deteriorated", "stopped_early"} <= flag_codes()


@pytest.mark.parametrize("code", sorted(flag_codes()))
def test_every_flag_reads_as_a_sentence(code):
    assert code in FLAG_SENTENCES
    with translation.override("ru"):
        text = describe_flag({"code": code, "items": ["3"], "detail": "English detail for logs"})
    assert code not in text
    assert ("English detail" in text) == (code in DETAIL_IS_NOTE)


def test_the_reason_a_walk_stopped_follows_its_sentence():
    with translation.override("en"):
        text = describe_flag({"code": "stopped_early", "detail": "knee pain"})
    assert text == "The test was stopped before six minutes. knee pain"


@pytest.mark.parametrize(
    ("instrument", "field", "code"),
    [
        (instrument.code, spec.name, choice)
        for instrument in scales.INSTRUMENTS.values()
        for spec in instrument.context
        for choice in spec.choices
    ],
)
def test_every_context_choice_has_words(instrument, field, code):
    assert (field, code) in CONTEXT_FIELD_CHOICE_LABELS or code in CONTEXT_CHOICE_LABELS
