"""The assessment form generated from instrument definitions (no database)."""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.utils import translation

from qadam import scales
from qadam.web.assessment_form import (
    answer_text,
    build_form,
    context_from_patient,
    parse_submission,
    response_differences,
    score_summary,
)


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name.replace("__", "-")] = value
    return data


def test_it_lays_out_every_item_in_the_instrument_order_and_groups():
    hfmse = scales.get("hfmse")
    form = build_form(hfmse, "en")
    ids = [f.item.id for section in form.sections for f in section.fields]
    assert ids == [item.id for item in hfmse.items]
    assert [s.title for s in form.sections] == [hfmse.groups["hfms"].en, hfmse.groups["expanded"].en]
    assert form.grouped


def test_it_keeps_interleaved_groups_in_item_order_and_labels_each_item():
    hads = scales.get("hads")
    form = build_form(hads, "ru")
    assert not form.grouped
    assert len(form.sections) == 1
    first = form.sections[0].fields[0]
    assert first.group_label == hads.groups[hads.items[0].group].ru


def test_it_labels_choices_in_the_rater_language():
    form = build_form(scales.get("phq9"), "kk")
    options = form.sections[0].fields[0].options
    assert [o.code for o in options] == ["0", "1", "2", "3"]
    assert options[0].label == "Мүлдем жоқ"


def test_it_reads_values_not_tested_reasons_and_context_from_the_post():
    submission = parse_submission(
        scales.get("hfmse"),
        posted(**{"item__1": "2", "item__2": "", "nt__3": "pain", "ntnote__3": "cried", "ctx__manual": "2019"}),
    )
    assert submission.responses == {"1": "2", "3": {"not_tested": "pain", "note": "cried"}}
    assert submission.context == {"manual": "2019"}
    assert submission.problems == []


def test_it_turns_per_item_contracture_checkboxes_into_the_mapping_the_engine_takes():
    submission = parse_submission(scales.get("hfmse"), posted(**{"ctx-limited_by_contracture-4": "1", "item__4": "1"}))
    assert submission.context == {"limited_by_contracture": {"4": True}}
    result = scales.score("hfmse", submission.responses, submission.context)
    assert result.has_flag("limited_by_contracture")


def test_it_refuses_a_value_and_a_not_tested_reason_for_the_same_item():
    with translation.override("ru"):
        submission = parse_submission(scales.get("hfmse"), posted(item__5="1", nt__5="pain"))
    assert "5" not in submission.responses
    assert [p.anchor for p in submission.problems] == ["item-5"]
    assert "Пункт" in submission.problems[0].message or "пункт" in submission.problems[0].message


def test_it_attaches_each_engine_problem_to_its_item_in_the_rater_language():
    phq9 = scales.get("phq9")
    problems = scales.validate("phq9", {"1": 7})
    form = build_form(phq9, "kk", {"1": "7"}, {}, problems)
    first = form.sections[0].fields[0]
    assert first.errors == [problems[0].message("kk")]
    assert form.problems[0].anchor == "item-1" == first.anchor
    assert first.options[0].input_id == "item-1"  # the error summary links to the first radio


def test_it_sends_context_problems_to_their_field():
    problems = scales.validate("hfmse", {}, {"manual": "1990"})
    form = build_form(scales.get("hfmse"), "en", {}, {"manual": "1990"}, problems)
    manual = next(c for c in form.context if c.spec.name == "manual")
    assert manual.errors and form.problems[0].anchor == manual.anchor == "ctx-manual"


def test_it_prefills_sex_and_age_on_the_day_of_testing_where_the_instrument_asks():
    fvc = scales.get("fvc")
    context = context_from_patient(fvc, birth_date=datetime.date(2010, 6, 1), sex="male", on=datetime.date(2026, 5, 31))
    names = {c.name for c in fvc.context}
    if "age" in names:
        assert context["age"] == 15
    if "sex" in names:
        assert context["sex"] == "male"
    assert context_from_patient(scales.get("phq9"), birth_date=None, sex=None, on=datetime.date(2026, 1, 1)) == {}


def test_the_panel_shows_the_total_band_and_count_of_answered_items():
    responses = {str(i): 2 for i in range(1, 10)}
    result = scales.score("phq9", responses).as_dict()
    summary = score_summary(scales.get("phq9"), "ru", responses, result)
    assert summary.total == 18
    assert summary.band == "Умеренно тяжёлая"
    assert (summary.answered, summary.expected) == (9, 9)
    assert [f["code"] for f in summary.flags] == ["safety_self_harm"]


def test_answers_read_as_codes_with_their_meaning_and_not_tested_with_its_reason():
    phq9 = scales.get("phq9")
    assert answer_text(phq9, "1", 1, "en") == "1 — Several days"
    with translation.override("en"):
        assert answer_text(phq9, "2", {"not_tested": "refused"}, "en") == "not tested: Refused"
    assert answer_text(phq9, "3", None, "en") == "—"


def test_differences_list_only_the_items_that_changed():
    hfmse = scales.get("hfmse")
    before = {str(i): 2 for i in range(1, 34)}
    after = {**before, "5": 1}
    rows = response_differences(hfmse, before, after, "en")
    assert len(rows) == 1
    label, old, new = rows[0]
    assert label.startswith("5. ") and old.startswith("2") and new.startswith("1")
