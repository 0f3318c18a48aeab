"""Every code a screen can show has words: result flags and context choices of every instrument."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from qadam import scales
from qadam.web.assessment_form import (
    CONTEXT_CHOICE_LABELS,
    CONTEXT_FIELD_CHOICE_LABELS,
    build_form,
    problem_messages,
)
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


def test_items_show_the_code_printed_on_the_sheet_but_not_data_names():
    with translation.override("ru"):
        rulm = build_form(scales.get("rulm"), "ru").sections[0].fields
        walk = build_form(scales.get("6mwt"), "ru").sections[0].fields
        nihss = build_form(scales.get("nihss"), "ru").sections[0].fields
    assert rulm[0].meta.startswith("Пункт A")
    assert nihss[0].form_code == "1a"
    assert [f.meta for f in walk] == [""] * len(walk)


def test_units_and_ranges_are_written_in_the_rater_language():
    with translation.override("kk"):
        walk = build_form(scales.get("6mwt"), "kk")
        distance = walk.sections[0].fields[0]
        assert (distance.unit, distance.allowed) == ("м", "0–1500 м")
        height = next(c for c in walk.context if c.spec.name == "height_cm")
        assert height.unit == "см"


def test_a_value_the_score_needs_is_asked_first_and_named_in_words():
    rulm = scales.get("rulm")
    with pytest.raises(scales.ScaleError) as refused:
        scales.score("rulm", {}, {})
    with translation.override("ru"):
        form = build_form(rulm, "ru")
        messages = problem_messages(rulm, refused.value.problems, "ru", {})
    assert [c.spec.name for c in form.context_first] == ["side"]
    assert "side" not in [c.spec.name for c in form.context]
    assert messages == ["Для подсчёта шкалы RULM нужно указать «Оцениваемая сторона»."]


def test_every_domain_of_the_catalogue_has_a_heading():
    from qadam.web.views.assessments import DOMAIN_LABELS

    assert {instrument.domain for instrument in scales.INSTRUMENTS.values()} <= set(DOMAIN_LABELS)
