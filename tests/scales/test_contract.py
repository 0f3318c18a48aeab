"""A contract every instrument in the catalogue must keep (the Django SessionTestsMixin pattern)."""

from __future__ import annotations

import itertools
import math

import pytest

from qadam import scales
from qadam.scales.model import Item

from .examples import example_context, full_responses

CODES = list(scales.INSTRUMENTS)


def test_the_catalogue_holds_every_documented_code():
    assert list(scales.INSTRUMENTS) == list(scales.CODES)


@pytest.mark.parametrize("code", CODES)
class TestInstrumentContract:
    def test_it_declares_its_source_and_rule(self, code):
        instrument = scales.get(code)
        assert instrument.citation and instrument.scoring_rule and instrument.version
        assert instrument.title.en and instrument.title.kk and instrument.title.ru

    def test_every_item_has_a_label_in_three_languages(self, code):
        for item in scales.get(code).items:
            assert item.label.en and item.label.kk and item.label.ru, item.id

    def test_lowest_and_highest_answers_stay_inside_the_declared_range(self, code):
        instrument = scales.get(code)
        for pick in (min, max):
            result = scales.score(code, full_responses(instrument, pick), example_context(instrument))
            assert result.complete, result
            _assert_in_range(instrument, result.total)
            for subscale in instrument.subscales:
                value = result.subscores.get(subscale.id)
                if value is not None and subscale.maximum is not None:
                    assert subscale.minimum <= value <= subscale.maximum

    def test_it_is_deterministic(self, code):
        instrument = scales.get(code)
        responses = full_responses(instrument, max)
        context = example_context(instrument)
        assert scales.score(code, responses, context) == scales.score(code, responses, context)

    def test_it_rejects_an_unknown_item(self, code):
        instrument = scales.get(code)
        responses = {**full_responses(instrument, min), "no_such_item": 1}
        with pytest.raises(scales.ScaleError) as raised:
            scales.score(code, responses, example_context(instrument))
        assert [(p.code, p.item) for p in raised.value.problems] == [("unknown_item", "no_such_item")]

    def test_it_rejects_a_value_outside_every_item(self, code):
        instrument = scales.get(code)
        item = instrument.items[0]
        responses = {**full_responses(instrument, min), item.id: _impossible_value(item)}
        with pytest.raises(scales.ScaleError) as raised:
            scales.score(code, responses, example_context(instrument))
        assert raised.value.problems[0].item == item.id
        assert raised.value.problems[0].code in {"value_not_allowed", "value_out_of_range", "not_a_number"}
        for lang in scales.LANGUAGES:
            assert raised.value.problems[0].message(lang)

    def test_a_missing_scored_item_is_never_filled_in_silently(self, code):
        instrument = scales.get(code)
        required = [i for i in instrument.items if i.required and i.scored]
        if not required:
            pytest.skip("no required scored items")
        responses = full_responses(instrument, max)
        del responses[required[0].id]
        result = scales.score(code, responses, example_context(instrument))
        assert not result.complete
        assert required[0].id in result.missing
        if result.total is not None:  # only a documented rule may give a total: it must say so
            assert result.flags, "a total despite a missing item must carry a flag naming the rule"

    def test_bands_cover_the_range_without_gaps_or_overlaps(self, code):
        instrument = scales.get(code)
        for bands, (low, high) in _band_sets(instrument):
            ordered = sorted(bands, key=lambda b: b.low)
            assert ordered[0].low == low and ordered[-1].high == high
            for left, right in itertools.pairwise(ordered):
                assert left.high < right.low, (left, right)
                # integer scores: the next band starts at the next integer; continuous ones touch
                assert right.low - left.high <= 1

    def test_messages_exist_for_every_problem_in_every_language(self, code):
        instrument = scales.get(code)
        responses = {i.id: _impossible_value(i) for i in instrument.items}
        with pytest.raises(scales.ScaleError) as raised:
            scales.score(code, responses, example_context(instrument))
        assert len(raised.value.problems) == len(instrument.items)
        for problem in raised.value.problems:
            for lang in scales.LANGUAGES:
                assert problem.message(lang)


def _band_sets(instrument):
    if instrument.bands and instrument.total_range and None not in instrument.total_range:
        yield instrument.bands, instrument.total_range
    for subscale in instrument.subscales:
        if subscale.bands and subscale.maximum is not None:
            yield subscale.bands, (subscale.minimum, subscale.maximum)


def _assert_in_range(instrument, total):
    if instrument.total_range is None or total is None:
        return
    low, high = instrument.total_range
    assert not (isinstance(total, float) and math.isnan(total))
    if low is not None:
        assert total >= low
    if high is not None:
        assert total <= high


def _impossible_value(item: Item):
    if item.choices:
        return "impossible"
    if item.maximum is not None:
        return item.maximum + 1000
    return (item.minimum if item.minimum is not None else 0) - 1000
