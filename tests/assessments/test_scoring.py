"""``score_for_storage`` validates once and scores as ``qadam.scales.score`` does, for every instrument."""

from __future__ import annotations

import pytest

from qadam import scales
from qadam.assessments.scoring import score_for_storage
from qadam.scales.scoring import context_items, validate_answers, validate_context
from tests.scales.examples import example_context, full_responses


def _inputs(instrument: scales.Instrument) -> list[tuple[dict, dict]]:
    """Complete, lowest, partial, not-tested, text-coded, invalid and unknown-item administrations."""
    full, lowest, context = (
        full_responses(instrument),
        full_responses(instrument, pick=min),
        example_context(instrument),
    )
    first = instrument.items[0].id
    partial = dict(list(full.items())[: len(full) // 2])
    not_tested = {**full, first: {"not_tested": "refused", "note": "tired"}}
    as_text = {k: str(v) if isinstance(v, int) else v for k, v in full.items()}
    return [
        (full, context),
        (lowest, context),
        (partial, context),
        ({}, context),
        (not_tested, context),
        (as_text, context),
        ({**full, first: 10**6}, context),
        ({**full, "no-such-item": 1}, context),
        (full, {**context, "age": -3}),
        (full, {}),
    ]


@pytest.mark.parametrize("code", sorted(scales.INSTRUMENTS))
def test_same_result_and_problems_as_the_engine(code):
    instrument = scales.get(code)
    for responses, context in _inputs(instrument):
        try:
            expected = scales.score(code, responses, context)
        except scales.ScaleError as error:
            with pytest.raises(scales.ScaleError) as raised:
                score_for_storage(instrument, responses, context)
            assert [p.as_dict() for p in raised.value.problems] == [p.as_dict() for p in error.problems]
            continue
        scoring = score_for_storage(instrument, responses, context)
        assert scoring.result == expected
        clean_context, _ = validate_context(instrument, context)
        answers, _ = validate_answers(instrument, responses, context_items(instrument, clean_context))
        assert scoring.context == clean_context
        assert set(scoring.responses) == set(answers)
        # The stored form scores to the same result again.
        assert scales.score(code, scoring.responses, scoring.context) == expected


def test_input_that_is_not_a_set_of_named_values_is_the_engine_s_problem():
    instrument = scales.get("hfmse")
    for responses, context in (([1, 2], {}), ({}, [1])):
        with pytest.raises(scales.ScaleError) as raised:
            score_for_storage(instrument, responses, context)
        assert raised.value.problems[0].code == "invalid_request"
