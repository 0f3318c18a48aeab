"""Modified Ashworth Scale: Bohannon RW, Smith MB. Phys Ther 1987;67:206–207; storage rules of spec §0.2
(rule 4) and §3.5: grades are codes, never numbers, never summed or averaged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.rehab import MAS_ORDINAL_INDEX

GRADES = ["0", "1", "1+", "2", "3", "4"]
MUSCLES = [
    "shoulder_adductors", "shoulder_internal_rotators", "elbow_flexors", "elbow_extensors", "forearm_pronators",
    "wrist_flexors", "finger_flexors", "thumb_flexors", "hip_flexors", "hip_adductors", "knee_flexors",
    "knee_extensors", "ankle_plantar_flexors", "toe_flexors",
]  # fmt: skip
IDS = [f"{muscle}_{side}" for muscle in MUSCLES for side in ("L", "R")]


def test_one_optional_item_per_muscle_group_and_side():
    instrument = scales.get("mas")
    assert [i.id for i in instrument.items] == IDS
    for item in instrument.items:
        assert item.side == item.id[-1] and not item.required and item.not_tested_allowed
        assert [c.code for c in item.choices] == GRADES
        assert all(c.points is None for c in item.choices)
        assert item.group in instrument.groups


def test_there_is_no_total_range_band_or_meaningful_change():
    instrument = scales.get("mas")
    assert instrument.total_range is None and instrument.bands == () and instrument.mcid is None


def test_grades_are_stored_as_codes_and_summarised_per_side_without_a_total():
    responses = {"elbow_flexors_L": "1+", "wrist_flexors_L": "2", "finger_flexors_L": 2, "ankle_plantar_flexors_R": "0"}
    result = scales.score("mas", responses)
    assert result.total is None and result.complete and result.missing == () and result.flags == ()
    assert result.derived["ordinal_index"] == {"elbow_flexors_L": 2, "wrist_flexors_L": 3, "finger_flexors_L": 3, "ankle_plantar_flexors_R": 0}  # fmt: skip
    assert result.derived["by_side"] == {
        "L": {"graded": 3, "increased_tone": 3, "highest": "2", "highest_groups": ["wrist_flexors", "finger_flexors"]},
        "R": {"graded": 1, "increased_tone": 0, "highest": "0", "highest_groups": ["ankle_plantar_flexors"]},
    }


def test_the_ordinal_index_keeps_1_plus_between_1_and_2():
    assert MAS_ORDINAL_INDEX == {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}
    result = scales.score("mas", {"knee_flexors_R": "1+", "knee_extensors_R": "1"})
    assert result.derived["by_side"]["R"]["highest"] == "1+"


@pytest.mark.parametrize("number", [0, 1, 2, 3, 4])
def test_a_grade_sent_as_a_json_number_is_stored_as_its_code(number):
    result = scales.score("mas", {"elbow_flexors_R": number})
    assert result.derived["ordinal_index"] == {"elbow_flexors_R": MAS_ORDINAL_INDEX[str(number)]}


@pytest.mark.parametrize("bad", [1.5, "1.5", "5", 5, -1, "2+", True, ["1"]])
def test_anything_but_the_six_grades_is_refused(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mas", {"elbow_flexors_R": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "elbow_flexors_R")]
    assert raised.value.problems[0].allowed == "0, 1, 1+, 2, 3, 4"


@pytest.mark.parametrize("responses", [{}, {"elbow_flexors_R": ""}, {"elbow_flexors_R": None}])
def test_a_form_with_nothing_graded_is_not_complete(responses):
    result = scales.score("mas", responses)
    assert result.total is None and not result.complete
    assert [f.code for f in result.flags] == ["nothing_graded"]
    assert result.derived["by_side"]["L"] == {"graded": 0, "increased_tone": 0, "highest": None, "highest_groups": []}


def test_a_group_not_tested_with_a_reason_is_listed_and_leaves_the_form_incomplete():
    result = scales.score("mas", {"elbow_flexors_L": "3", "wrist_flexors_L": {"not_tested": "contracture"}})
    assert result.not_tested == ("wrist_flexors_L",) and not result.complete
    assert result.derived["by_side"]["L"]["graded"] == 1


@pytest.mark.parametrize(
    ("responses", "context", "expected"),
    [
        ({"biceps_L": "1"}, None, ("unknown_item", "biceps_L")),
        ({"elbow_flexors_L": {"not_tested": "bored"}}, None, ("not_tested_reason_unknown", "elbow_flexors_L")),
        ({"elbow_flexors_L": "1"}, {"position": "standing"}, ("context_invalid", "position")),
        ({"elbow_flexors_L": "1"}, {"velocity": "fast"}, ("context_invalid", "velocity")),
        ({"elbow_flexors_L": "1"}, {"side": "L"}, ("context_unknown", "side")),
    ],
)
def test_every_error_code_names_the_item(responses, context, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mas", responses, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


def test_change_is_never_classified_from_ordinal_grades():
    before = scales.score("mas", {"elbow_flexors_L": "3"})
    after = scales.score("mas", {"elbow_flexors_L": "1"})
    assert scales.classify_change("mas", before, after).classification == "not_classifiable"


def test_grade_labels_in_three_languages():
    for choice in scales.get("mas").items[0].choices:
        assert choice.label.en and choice.label.kk and choice.label.ru


@given(st.dictionaries(st.sampled_from(IDS), st.sampled_from(GRADES), min_size=1))
def test_per_side_summary_matches_the_grades(responses):
    result = scales.score("mas", responses)
    assert result.total is None and result.complete
    for side in ("L", "R"):
        grades = [g for i, g in responses.items() if i.endswith(f"_{side}")]
        summary = result.derived["by_side"][side]
        assert summary["graded"] == len(grades)
        assert summary["increased_tone"] == sum(g != "0" for g in grades)
        expected = max(grades, key=MAS_ORDINAL_INDEX.__getitem__) if grades else None
        assert summary["highest"] == expected
