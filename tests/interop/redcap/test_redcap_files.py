"""Reading REDCap files as REDCap writes them, drafting a mapping and checking one (no database)."""

from __future__ import annotations

import copy
import datetime
import io
import json
from pathlib import Path

import pytest

from qadam.assessments.models import VisitKind
from qadam.interop.redcap.dictionary import (
    RedcapFileError,
    checkbox_code,
    parse_choices,
    parse_date,
    read_dictionary,
    read_records,
)
from qadam.interop.redcap.importer import plan_records
from qadam.interop.redcap.mapping import VISIT_KINDS, MappingError, load_mapping, review_entries, suggest

FILES = Path(__file__).parent / "files"
DICTIONARY = FILES / "sma_mg_DataDictionary.csv"
RECORDS = FILES / "sma_mg_DATA_2025-03-01_1042.csv"
MAPPING = FILES / "sma_mg_mapping.json"
HEADER = (
    'Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"Choices, Calculations, OR Slider '
    'Labels",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,'
    "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
    "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"
)


@pytest.fixture(scope="module")
def dictionary():
    return read_dictionary(DICTIONARY)


@pytest.fixture(scope="module")
def records(dictionary):
    return read_records(RECORDS, dictionary)


def test_dictionary_fields_forms_and_types(dictionary):
    assert list(dictionary.forms) == ["demographics", "visit", "hfmse", "phq9", "mg_adl"]
    assert dictionary.record_id_field == "record_id"
    dob = dictionary.by_name["dob"]
    assert dob.is_date and dob.identifier and dob.required
    assert dictionary.by_name["sex"].choices == (("1", "Male"), ("2", "Female"))
    # Labels keep their commas; only the first comma separates the code.
    assert dictionary.by_name["mgadl_talking"].choices[2] == ("2", "Constant slurring or nasal, but can be understood")
    assert dictionary.by_name["hfmse_total"].calculation.startswith("sum([hfmse_01],")
    assert dictionary.by_name["hfmse_date"].validation == "date_dmy"
    assert dictionary.by_name["comorbid"].export_columns() == [
        "comorbid___1",
        "comorbid___2",
        "comorbid___3",
        "comorbid___99",
    ]
    assert dictionary.by_name["phq9_1"].plain_label == "Little interest or pleasure in doing things"


def test_choice_and_date_formats():
    assert parse_choices("0, No | 1, Yes, often|2,Always") == (("0", "No"), ("1", "Yes, often"), ("2", "Always"))
    assert checkbox_code("-1") == "_1" and checkbox_code("A.b") == "a_b"
    assert parse_date("2024-02-12") == parse_date("2024-02-12 09:30") == datetime.date(2024, 2, 12)
    assert parse_date("12-02-2024") is None and parse_date("2024-02-30") is None


def test_yesno_fields_have_their_implied_choices():
    text = HEADER + "record_id,f,,text,ID,,,,,,,,,,,,,\nwalks,f,,yesno,Walks unaided,,,,,,,,,,,,,\n"
    dictionary = read_dictionary(io.StringIO(text))
    assert dictionary.by_name["walks"].choices == (("1", "Yes"), ("0", "No"))


def test_a_broken_dictionary_lists_every_problem():
    text = HEADER + (
        "record_id,f,,text,ID,,,,,,,,,,,,,\n"
        "q1,f,,radio,Q1,0 No | 1 Yes,,,,,,,,,,,,\n"
        "q2,f,,wheel,Q2,,,,,,,,,,,,,\n"
        "q2b,f,,dropdown,Q2b,,,,,,,,,,,,,\n"
        "record_id,f,,text,Again,,,,,,,,,,,,,\n"
        "Bad Name,f,,text,X,,,,,,,,,,,,,\n"
    )
    with pytest.raises(RedcapFileError) as error:
        read_dictionary(io.StringIO(text))
    assert [p.split(":")[0] for p in error.value.problems] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    with pytest.raises(RedcapFileError, match="not a REDCap data dictionary"):
        read_dictionary(io.StringIO("name,type\nx,text\n"))


def test_records_rows_events_repeats_and_checkboxes(records):
    assert len(records.rows) == 11
    assert records.events == ["baseline_arm_1", "month_6_arm_1", "month_12_arm_1"]
    repeat = records.rows[4]
    assert (repeat.record, repeat.event, repeat.repeat_instrument, repeat.repeat_instance) == (
        "1002",
        "baseline_arm_1",
        "mg_adl",
        "1",
    )
    assert records.rows[0].checked["comorbid"] == {"1"}
    assert records.rows[0].value("hfmse_01") == "2"


def test_records_of_another_project_are_refused(dictionary):
    with pytest.raises(RedcapFileError, match="does not define: 'nihss_1a'"):
        read_records(io.StringIO("record_id,nihss_1a\n1,0\n"), dictionary)
    with pytest.raises(RedcapFileError, match="no column 'record_id'"):
        read_records(io.StringIO("sex\n1\n"), dictionary)
    with pytest.raises(RedcapFileError, match="Line 3: 1 values for 2 columns"):
        read_records(io.StringIO("record_id,sex\n1,1\n2\n"), dictionary)


def test_suggest_matches_forms_fields_and_codes(dictionary):
    draft = suggest(dictionary, source="redcap:test", events=["baseline_arm_1", "month_6_arm_1"])
    forms = draft["forms"]
    assert {f: spec["instrument"] for f, spec in forms.items()} == {
        "demographics": None,
        "visit": None,
        "hfmse": "hfmse",
        "phq9": "phq9",
        "mg_adl": "mg_adl",
    }
    assert draft["patient"] == {
        "registry_id_field": None,
        "birth_date_field": "dob",
        "sex_field": "sex",
        "sex_codes": {"1": "male", "2": "female"},
    }
    assert draft["events"] == {"baseline_arm_1": {"visit_kind": "baseline"}, "month_6_arm_1": {"visit_kind": "routine"}}
    hfmse = forms["hfmse"]
    assert (hfmse["date_field"], hfmse["total_field"]) == ("hfmse_date", "hfmse_total")
    assert len(hfmse["items"]) == 33
    # By the number in the name; the "Not tested" code becomes a not-tested item.
    assert hfmse["items"]["hfmse_07"] == {
        "item": "7",
        "choices": {"0": 0, "1": 1, "2": 2, "9": {"not_tested": "other"}},
    }
    # By label (MG-ADL fields carry no numbers); the weaker matches are marked for review.
    mg = forms["mg_adl"]["items"]
    assert {name: entry["item"] for name, entry in mg.items()} == {
        "mgadl_talking": "1",
        "mgadl_chewing": "2",
        "mgadl_swallowing": "3",
        "mgadl_breathing": "4",
        "mgadl_brushing": "5",
        "mgadl_chair": "6",
        "mgadl_diplopia": "7",
        "mgadl_ptosis": "8",
    }
    assert "review" not in mg["mgadl_diplopia"] and "review" in mg["mgadl_chair"]
    # Codes 1–4 for values 0–3: mapped in order, always for review.
    phq10 = forms["phq9"]["items"]["phq9_10"]
    assert phq10["choices"] == {"1": 0, "2": 1, "3": 2, "4": 3} and "in order" in phq10["review"]
    assert len(review_entries(draft)) == 3


def test_suggest_by_labels_when_the_form_name_says_nothing():
    text = (
        HEADER
        + "record_id,intake,,text,ID,,,,,,,,,,,,,\n"
        + "".join(
            f'q{n},weekly_questions,,radio,"{label}","0, Not at all | 1, Several days | 2, More than half | 3, Nearly every day"'
            ",,,,,,,,,,,,\n"
            for n, label in enumerate(
                [
                    "Little interest or pleasure in doing things",
                    "Feeling down, depressed, or hopeless",
                    "Poor appetite",
                ],
                start=1,
            )
        )
    )
    draft = suggest(read_dictionary(io.StringIO(text)), source="redcap:x")
    form = draft["forms"]["weekly_questions"]
    assert form["instrument"] == "phq9" and "labels" in form["review"]


def test_the_reviewed_mapping_loads(dictionary):
    mapping = load_mapping(json.loads(MAPPING.read_text()), dictionary)
    assert set(mapping["forms"]) == {"hfmse", "phq9", "mg_adl"}
    assert mapping["forms"]["hfmse"]["items"]["hfmse_33"]["choices"]["9"] == {"not_tested": "other"}


def test_mapping_problems_are_named_by_place(dictionary):
    bad = copy.deepcopy(json.loads(MAPPING.read_text()))
    bad["forms"]["phq9"]["instrument"] = "phq99"
    hfmse = bad["forms"]["hfmse"]["items"]
    hfmse["hfmse_01"]["item"] = "34"
    hfmse["hfmse_02"]["choices"] = {"0": 0, "1": 1, "2": 3, "9": {"not_tested": "tired"}}
    hfmse["hfmse_03"]["item"] = "4"
    del hfmse["hfmse_05"]["choices"]["9"]
    hfmse["phq9_1"] = {"item": "5", "choices": {}}
    bad["forms"]["mg_adl"]["items"]["mgadl_talking"]["choices"]["0"] = {"not_tested": "other"}
    bad["forms"]["mg_adl"]["items"]["mgadl_chewing"]["review"] = "check"
    bad["patient"]["sex_codes"] = {"1": "m"}
    bad["events"]["baseline_arm_1"]["visit_kind"] = "first"
    with pytest.raises(MappingError) as error:
        load_mapping(bad, dictionary)
    places = [p.split(":")[0] for p in error.value.problems]
    assert places == [
        "patient.sex_codes",
        "events.baseline_arm_1.visit_kind",
        "forms.hfmse.items.hfmse_01.item",
        "forms.hfmse.items.hfmse_02.choices.2",
        "forms.hfmse.items.hfmse_02.choices.9",
        "forms.hfmse.items.hfmse_04.item",
        "forms.hfmse.items.hfmse_05.choices",
        "forms.hfmse.items.phq9_1",
        "forms.hfmse.items.phq9_1.item",
        "forms.phq9.instrument",
        "forms.mg_adl.items.mgadl_talking.choices.0",
        "forms.mg_adl.items.mgadl_chewing.review",
    ]
    with pytest.raises(MappingError, match="not a Qadam REDCap mapping"):
        load_mapping({"forms": {}}, dictionary)


def test_plan_one_assessment_per_record_event_instance_and_form(dictionary, records):
    mapping = load_mapping(json.loads(MAPPING.read_text()), dictionary)
    plan, rejections = plan_records(records, dictionary, mapping)
    assert rejections == []
    assert [p.key for p in plan if p.record == "1002"] == [
        "1002|baseline_arm_1|||phq9",
        "1002|baseline_arm_1|mg_adl|1|mg_adl",
        "1002|baseline_arm_1|mg_adl|2|mg_adl",
        "1002|month_6_arm_1|||phq9",
        "1002|month_6_arm_1|mg_adl|1|mg_adl",
    ]
    second = next(p for p in plan if p.key == "1002|baseline_arm_1|mg_adl|2|mg_adl")
    assert second.visit_date == datetime.date(2024, 4, 2)
    assert second.demographics.birth_date == datetime.date(1985, 11, 23) and second.demographics.sex == "male"
    assert second.responses == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1, "6": 1, "7": 1, "8": 2}
    assert second.fields["6"] == "mgadl_chair"


def test_visit_kinds_are_the_registrys():
    assert VISIT_KINDS == tuple(VisitKind.values)


def test_the_file_readers_and_the_mapping_need_no_django():
    from qadam.interop.redcap import dictionary, mapping

    from ...purity import foreign_imports

    paths = [Path(dictionary.__file__), Path(mapping.__file__)]
    assert foreign_imports(paths, ("qadam.scales",)) == []
