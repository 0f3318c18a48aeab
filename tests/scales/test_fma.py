"""Fugl-Meyer motor: Fugl-Meyer AR et al. Scand J Rehabil Med 1975;7:13–31; Gothenburg FMA-UE and
FMA-LE protocols (parts, item counts, 0/2 reflexes, normal reflex activity only after full part IV);
spec §3.4."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

SIDE = {"side": "R"}
V = "normal_reflex_activity"
UE_IV = [
    "isolated_shoulder_abduction_0_90",
    "isolated_shoulder_flexion_90_180",
    "isolated_pronation_supination_elbow_0",
]
LE_IV = ["isolated_knee_flexion", "isolated_ankle_dorsiflexion"]


def full(code):
    return {item.id: 2 for item in scales.get(code).items}


@pytest.mark.parametrize(
    ("code", "n_items", "total", "subscores"),
    [("fma_ue", 33, 66, {"A": 36, "B": 10, "C": 14, "D": 6}), ("fma_le", 17, 34, {"E": 28, "F": 6})],
)
def test_full_marks_give_the_published_maxima_per_part(code, n_items, total, subscores):
    instrument = scales.get(code)
    result = scales.score(code, full(code), SIDE)
    assert len(instrument.items) == n_items
    assert result.total == total and dict(result.subscores) == subscores and result.complete
    assert {s.id: s.maximum for s in instrument.subscales} == subscores
    for subscale in instrument.subscales:
        assert sum(instrument.items_by_id[i].max_points for i in subscale.items) == subscale.maximum


def test_the_parts_hold_the_published_item_counts():
    """FMA-UE A: I 2, II 6 + 3, III 3, IV 3, V 1 items; B 5; C 7; D 3. FMA-LE E: 2, 3 + 4, 2, 2, 1; F 3."""
    count = lambda code, group: sum(1 for i in scales.get(code).items if i.group == group)  # noqa: E731
    ue = [count("fma_ue", g) for g in ("reflex", "flexor_synergy", "extensor_synergy", "mixing_synergies", "little_or_no_synergy", "normal_reflex", "wrist", "hand", "coordination")]  # fmt: skip
    le = [count("fma_le", g) for g in ("reflex", "flexor_synergy", "extensor_synergy", "mixing_synergies", "little_or_no_synergy", "normal_reflex", "coordination")]  # fmt: skip
    assert ue == [2, 6, 3, 3, 3, 1, 5, 7, 3]
    assert le == [2, 3, 4, 2, 2, 1, 3]


@pytest.mark.parametrize("code", ["fma_ue", "fma_le"])
@pytest.mark.parametrize("item_id", ["reflex_flexors", "reflex_extensors"])
def test_part_i_reflexes_score_0_or_2_only(code, item_id):
    assert [c.code for c in scales.get(code).items_by_id[item_id].choices] == [0, 2]
    with pytest.raises(scales.ScaleError) as raised:
        scales.score(code, {**full(code), item_id: 1}, SIDE)
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", item_id)]


@pytest.mark.parametrize(("code", "part_iv", "total"), [("fma_ue", UE_IV, 66 - 2 - 1), ("fma_le", LE_IV, 34 - 2 - 1)])
def test_normal_reflex_activity_scores_0_by_rule_when_part_iv_is_not_full(code, part_iv, total):
    responses = {**full(code), part_iv[0]: 1}
    del responses[V]
    result = scales.score(code, responses, SIDE)
    assert result.total == total and result.complete and result.missing == ()
    assert result.derived == {"normal_reflex_activity_by_rule": True}
    entered_zero = scales.score(code, {**responses, V: 0}, SIDE)
    assert entered_zero.total == total and entered_zero.derived == {"normal_reflex_activity_by_rule": False}


@pytest.mark.parametrize(("code", "part_iv"), [("fma_ue", UE_IV), ("fma_le", LE_IV)])
def test_normal_reflex_activity_above_0_without_full_part_iv_is_refused(code, part_iv):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score(code, {**full(code), part_iv[-1]: 0, V: 1}, SIDE)
    problem = raised.value.problems[0]
    assert problem.code == "inconsistent_items" and problem.item == ", ".join([*part_iv, V])
    assert problem.allowed == f"IV < {2 * len(part_iv)} → {V} = 0"


@pytest.mark.parametrize("code", ["fma_ue", "fma_le"])
def test_normal_reflex_activity_is_needed_after_full_part_iv(code):
    responses = full(code)
    del responses[V]
    result = scales.score(code, responses, SIDE)
    assert result.total is None and not result.complete and result.missing == (V,)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == (V,)
    assert scales.score(code, {**responses, V: 1}, SIDE).total == (65 if code == "fma_ue" else 33)


def test_normal_reflex_activity_is_needed_while_part_iv_is_unknown():
    responses = full("fma_ue")
    del responses[V], responses[UE_IV[0]]
    result = scales.score("fma_ue", responses, SIDE)
    assert result.total is None and set(result.missing) == {UE_IV[0], V}


def test_a_missing_item_gives_no_total_but_complete_parts_keep_their_subscore():
    responses = full("fma_ue")
    del responses["grasp_pincer"]
    result = scales.score("fma_ue", responses, SIDE)
    assert result.total is None and result.missing == ("grasp_pincer",)
    assert dict(result.subscores) == {"A": 36, "B": 10, "C": None, "D": 6}
    assert result.flags[0].detail == "64 from 32 of 33 items"


def test_a_not_tested_item_with_its_reason_gives_no_total():
    responses = {**full("fma_le"), "extensor_hip_adduction": {"not_tested": "pain", "note": "hip pain 8/10"}}
    result = scales.score("fma_le", responses, SIDE)
    assert result.total is None and not result.complete
    assert result.not_tested == ("extensor_hip_adduction",) and result.missing == ()


@pytest.mark.parametrize(
    ("responses", "context", "expected"),
    [
        ({"wrist_circumduction": 3}, SIDE, ("value_not_allowed", "wrist_circumduction")),
        ({"grasp_hook": {"not_tested": "tired"}}, SIDE, ("not_tested_reason_unknown", "grasp_hook")),
        ({"knee_flexion": 2}, SIDE, ("unknown_item", "knee_flexion")),
        ({}, {}, ("context_missing", "side")),
        ({}, {"side": "left"}, ("context_invalid", "side")),
    ],
)
def test_every_error_code_names_the_item(responses, context, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("fma_ue", {**full("fma_ue"), **responses}, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


def test_the_side_is_carried_and_change_across_sides_is_refused():
    right = scales.score("fma_ue", full("fma_ue"), {"side": "R"})
    left = scales.score("fma_ue", full("fma_ue"), {"side": "L"})
    assert (right.side, left.side) == ("R", "L")
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("fma_ue", left, right)
    assert raised.value.codes == ["side_mismatch"]


def lowered(code, by):
    responses = full(code)
    adjustable = ("flexor_synergy", "extensor_synergy", "mixing_synergies", "wrist", "hand", "coordination")
    for item_id in [i.id for i in scales.get(code).items if i.group in adjustable][:by]:
        responses[item_id] = 1
    return responses


@pytest.mark.parametrize(("code", "meaningful"), [("fma_ue", 9), ("fma_le", 6)])
def test_meaningful_change_arya_2011_and_pandian_2016(code, meaningful):
    base = scales.score(code, lowered(code, meaningful), SIDE)
    assert scales.classify_change(code, base, scales.score(code, full(code), SIDE)).classification == "improved"
    nearly = scales.score(code, lowered(code, 1), SIDE)
    assert scales.classify_change(code, base, nearly).classification == "stable"


def test_every_choice_and_group_has_three_labels():
    for code in ("fma_ue", "fma_le"):
        instrument = scales.get(code)
        assert all(text.kk and text.ru for text in instrument.groups.values())
        assert {i.group for i in instrument.items} <= set(instrument.groups)
        for item in instrument.items:
            assert all(c.label.en and c.label.kk and c.label.ru for c in item.choices)


@st.composite
def administrations(draw, code):
    instrument = scales.get(code)
    responses = {i.id: draw(st.sampled_from([c.code for c in i.choices])) for i in instrument.items}
    part_iv = [i.id for i in instrument.items if i.group == "little_or_no_synergy"]
    if any(responses[i] < 2 for i in part_iv):
        responses[V] = 0
    return responses


@pytest.mark.parametrize("code", ["fma_ue", "fma_le"])
@given(data=st.data())
def test_total_is_the_sum_of_the_items_and_of_the_parts(code, data):
    responses = data.draw(administrations(code))
    result = scales.score(code, responses, SIDE)
    assert result.total == sum(responses.values()) == sum(result.subscores.values())
