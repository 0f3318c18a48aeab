"""Questionnaires and CodeSystems: one per instrument, valid FHIR R4 (4.0.1), faithful to the definition."""

from __future__ import annotations

import pytest
from fhirclient.models.codesystem import CodeSystem
from fhirclient.models.questionnaire import Questionnaire

from qadam import scales
from qadam.interop.fhir import codesystem_for, not_tested_codesystem, questionnaire_for, validate_resource
from qadam.interop.fhir.codes import LOINC, ORDINAL_VALUE, QUESTIONNAIRE_UNIT, UCUM
from qadam.scales.model import NOT_TESTED_REASONS

from .fhir_support import by_link_id, questions, translation_of, without_primitive_extensions

CODES = list(scales.INSTRUMENTS)
REASONS = [r.code for r in NOT_TESTED_REASONS]


def ordinal(element):
    values = [e["valueDecimal"] for e in element.get("extension", []) if e["url"] == ORDINAL_VALUE]
    return values[0] if values else None


@pytest.mark.parametrize("code", CODES)
class TestEveryInstrument:
    def test_the_questionnaire_round_trips_through_the_strict_r4_model(self, code):
        resource = questionnaire_for(code)
        model = Questionnaire(resource, strict=True)
        assert model.as_json() == without_primitive_extensions(resource)
        validate_resource(resource)

    def test_the_code_system_round_trips_through_the_strict_r4_model(self, code):
        resource = codesystem_for(scales.get(code))
        assert CodeSystem(resource, strict=True).as_json() == without_primitive_extensions(resource)
        validate_resource(resource)

    def test_identity_follows_the_instrument(self, code):
        instrument = scales.get(code)
        resource = questionnaire_for(instrument)
        assert resource["url"] == f"https://qadam.kz/fhir/Questionnaire/{code.replace('_', '-')}"
        assert resource["version"] == instrument.version
        assert resource["status"] == "active"
        assert resource["title"] == instrument.title.en
        assert translation_of(resource["_title"], "kk") == instrument.title.kk
        assert translation_of(resource["_title"], "ru") == instrument.title.ru
        assert resource["name"][0].isupper() and resource["name"].replace("_", "").isalnum()

    def test_every_item_is_a_question_with_its_labels_and_codes(self, code):
        instrument = scales.get(code)
        found = by_link_id(questionnaire_for(code))
        for item in instrument.items:
            question = found[item.id]
            assert question["text"] == item.label.en
            assert translation_of(question["_text"], "kk") == item.label.kk
            assert translation_of(question["_text"], "ru") == item.label.ru
            codings = {(c["system"], c["code"]) for c in question["code"]}
            assert (f"https://qadam.kz/fhir/CodeSystem/{code.replace('_', '-')}", item.id) in codings
            if item.id in instrument.loinc.items:
                assert (LOINC, instrument.loinc.items[item.id]) in codings

    def test_choice_options_carry_the_points_as_ordinal_values(self, code):
        instrument = scales.get(code)
        found = by_link_id(questionnaire_for(code))
        for item in instrument.items:
            if not item.choices:
                continue
            question = found[item.id]
            assert question["type"] == "choice"
            options = question["answerOption"][: len(item.choices)]
            assert [ordinal(o) for o in options] == [c.points for c in item.choices]
            labels = [c.label.en if c.label else str(c.code) for c in item.choices]
            if instrument.code != "phq9":  # PHQ-9 options are LOINC's, with LOINC's display
                assert [o["valueCoding"]["display"] for o in options] == labels

    def test_not_tested_is_offered_exactly_where_allowed(self, code):
        instrument = scales.get(code)
        found = by_link_id(questionnaire_for(code))
        for item in instrument.items:
            if item.choices:
                extra = [o["valueCoding"]["code"] for o in found[item.id]["answerOption"][len(item.choices) :]]
                assert extra == (REASONS if item.not_tested_allowed else [])
            else:
                companion = found.get(f"{item.id}:not-tested")
                assert (companion is not None) == item.not_tested_allowed
                if companion:
                    assert [o["valueCoding"]["code"] for o in companion["answerOption"]] == REASONS
                    assert companion["enableWhen"] == [
                        {"question": item.id, "operator": "exists", "answerBoolean": False}
                    ]

    def test_measured_items_have_their_type_range_and_ucum_unit(self, code):
        instrument = scales.get(code)
        found = by_link_id(questionnaire_for(code))
        for item in instrument.items:
            if item.choices:
                continue
            question = found[item.id]
            assert question["type"] == ("integer" if item.integer else "decimal")
            extensions = {e["url"]: e for e in question.get("extension", [])}
            if item.unit:
                unit = extensions[QUESTIONNAIRE_UNIT]["valueCoding"]
                assert unit["system"] == UCUM and unit["display"] == item.unit
            if item.minimum is not None:
                assert (
                    next(
                        v
                        for k, v in extensions["http://hl7.org/fhir/StructureDefinition/minValue"].items()
                        if k.startswith("value")
                    )
                    == item.minimum
                )

    def test_groups_hold_their_items_in_order(self, code):
        instrument = scales.get(code)
        resource = questionnaire_for(code)
        for group_id in {i.group for i in instrument.items if i.group}:
            group = by_link_id(resource)[f"group:{group_id}"]
            inside = [q["linkId"] for q in group["item"] if not q["linkId"].endswith(":not-tested")]
            assert inside == [i.id for i in instrument.items if i.group == group_id]

    def test_every_link_id_is_unique(self, code):
        link_ids = [q["linkId"] for q in questions(questionnaire_for(code)["item"])]
        assert len(link_ids) == len(set(link_ids))

    def test_the_code_system_holds_every_item_answer_and_score_once(self, code):
        instrument = scales.get(code)
        resource = codesystem_for(instrument)
        concepts = list(questions_of_concepts(resource["concept"]))
        codes = [c["code"] for c in concepts]
        assert len(codes) == len(set(codes)) == resource["count"]
        expected = {i.id for i in instrument.items} | {f"{i.id}:{c.code}" for i in instrument.items for c in i.choices}
        expected |= {"total"} if instrument.total_range is not None else set()
        expected |= {f"subscore:{s.id}" for s in instrument.subscales}
        expected |= {f"band:{b.code}" for b in instrument.bands}
        expected |= {f"band:{s.id}:{b.code}" for s in instrument.subscales for b in s.bands}
        assert set(codes) == expected
        for concept in concepts:
            assert {d["language"] for d in concept.get("designation", [])} <= {"kk", "ru"}


def questions_of_concepts(concepts):
    for concept in concepts:
        yield concept
        yield from questions_of_concepts(concept.get("concept", []))


def test_phq9_uses_the_loinc_panel_item_and_answer_codes():
    """LOINC 44249-1 as published in the LForms R4 Questionnaire (shared/data/fhir)."""
    resource = questionnaire_for("phq9")
    assert resource["code"] == [{"system": LOINC, "code": "44249-1"}]
    found = by_link_id(resource)
    first = found["1"]
    assert first["code"][0] == {"system": LOINC, "code": "44250-9"}
    assert [(o["valueCoding"]["code"], ordinal(o)) for o in first["answerOption"]] == [
        ("LA6568-5", 0), ("LA6569-3", 1), ("LA6570-1", 2), ("LA6571-9", 3)
    ]  # fmt: skip
    assert [o["valueCoding"]["code"] for o in found["10"]["answerOption"]] == [
        "LA6572-7",
        "LA6573-5",
        "LA6575-0",
        "LA6574-3",
    ]
    assert all(ordinal(o) is None for o in found["10"]["answerOption"])  # recorded, not scored
    assert found["score:total"]["code"][0] == {"system": LOINC, "code": "44261-6"}
    assert found["score:total"]["readOnly"] is True


def test_nihss_un_stays_in_our_code_system_with_no_points():
    un = by_link_id(questionnaire_for("nihss"))["5a"]["answerOption"][-1]
    assert un["valueCoding"]["code"] == "5a:UN" and "extension" not in un


def test_context_values_become_questions_except_mappings():
    found = by_link_id(questionnaire_for("rulm"))
    assert found["context:side"]["required"] is True
    assert [o["valueString"] for o in found["context:side"]["answerOption"]] == ["L", "R"]
    assert "context:limited_by_contracture" not in found
    assert "context:weights" not in by_link_id(questionnaire_for("gas"))


def test_hads_states_two_subscores_and_no_total():
    scores = by_link_id(questionnaire_for("hads"))["scores"]["item"]
    assert [s["linkId"] for s in scores] == ["score:anxiety", "score:depression"]


def test_eq5d5l_has_no_scores_group():
    assert "scores" not in by_link_id(questionnaire_for("eq5d5l"))


def test_the_base_url_is_configurable():
    resource = questionnaire_for("phq9", base="https://registry.example/fhir")
    assert resource["url"] == "https://registry.example/fhir/Questionnaire/phq9"
    hads = questionnaire_for("hads", base="https://registry.example/fhir")
    assert (
        by_link_id(hads)["1"]["answerOption"][0]["valueCoding"]["system"]
        == "https://registry.example/fhir/CodeSystem/hads"
    )


def test_an_unknown_instrument_is_refused_with_the_scale_error():
    with pytest.raises(scales.ScaleError) as raised:
        questionnaire_for("no_such_scale")
    assert raised.value.codes == ["unknown_instrument"]


def test_the_not_tested_code_system_lists_every_reason_in_three_languages():
    resource = not_tested_codesystem()
    validate_resource(resource)
    assert CodeSystem(resource, strict=True).as_json() == without_primitive_extensions(resource)
    assert [c["code"] for c in resource["concept"]] == REASONS
    assert all(len(c["designation"]) == 2 for c in resource["concept"])
