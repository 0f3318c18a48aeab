"""QuestionnaireResponses in and out: every instrument round-trips, real files parse, bad input is named."""

from __future__ import annotations

import copy
import json

import pytest
from fhirclient.models.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qadam import scales
from qadam.interop.errors import InteropError
from qadam.interop.fhir import parse_questionnaire_response, questionnaire_for, response_for, validate_resource
from qadam.interop.fhir.codes import ORDINAL_VALUE
from qadam.scales.model import NotTested

from ..scales.examples import example_context, full_responses
from .fhir_support import by_link_id, shared_file, without_primitive_extensions

CODES = list(scales.INSTRUMENTS)
PHQ9 = "https://qadam.kz/fhir/Questionnaire/phq9"


def filled_in(questionnaire: dict, responses: dict, context: dict) -> dict:
    """A response written the way a form filler would: the i-th option for our i-th choice, the
    number for a measured item, the value for a context question. Independent of ``response_for``."""
    found = by_link_id(questionnaire)
    items = []
    for item_id, raw in responses.items():
        question = found[item_id]
        if question["type"] == "choice":
            choices = scales.get(questionnaire_code(questionnaire)).items_by_id[item_id].choices
            index = next(i for i, c in enumerate(choices) if c.code == raw)
            answer = {"valueCoding": question["answerOption"][index]["valueCoding"]}
        else:
            answer = {"valueInteger" if question["type"] == "integer" else "valueDecimal": raw}
        items.append({"linkId": item_id, "answer": [answer]})
    for name, value in context.items():
        question = found.get(f"context:{name}")
        if question is not None:
            key = "valueDecimal" if question["type"] == "decimal" else "valueString"
            items.append({"linkId": question["linkId"], "answer": [{key: value}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire["url"],
        "status": "completed",
        "item": items,
    }


def questionnaire_code(questionnaire: dict) -> str:
    return next(code for code in CODES if questionnaire_for(code)["url"] == questionnaire["url"])


def answer(resource: dict, link_id: str) -> dict:
    return by_link_id(resource)[link_id]["answer"][0]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("pick", [min, max], ids=["lowest", "highest"])
class TestEveryInstrumentRoundTrips:
    def test_a_response_filled_in_on_our_questionnaire_scores_as_the_items_do(self, code, pick):
        instrument = scales.get(code)
        responses, context = full_responses(instrument, pick), example_context(instrument)
        resource = filled_in(questionnaire_for(code), responses, context)
        parsed = parse_questionnaire_response(json.loads(json.dumps(resource)))
        assert parsed.result == scales.score(code, responses, context)
        assert parsed.instrument == code and parsed.form == "qadam"
        assert parsed.stated == {} and parsed.disagreements == ()

    def test_the_response_we_write_is_valid_r4_and_reads_back_to_the_same_result(self, code, pick):
        instrument = scales.get(code)
        responses, context = full_responses(instrument, pick), example_context(instrument)
        direct = scales.score(code, responses, context)
        resource = response_for(code, responses, context, subject="Patient/p-1", authored="2025-03-01T10:00:00+05:00")
        validate_resource(resource)
        assert QuestionnaireResponse(resource, strict=True).as_json() == without_primitive_extensions(resource)
        parsed = parse_questionnaire_response(resource)
        assert parsed.result == direct
        assert parsed.subject == "Patient/p-1" and parsed.authored == "2025-03-01T10:00:00+05:00"
        expected = {"total": direct.total} if direct.total is not None else {}
        # the declared subscales; other part scores (MoCA domains) are derived, not stated
        expected |= {
            s.id: direct.subscores[s.id] for s in instrument.subscales if direct.subscores.get(s.id) is not None
        }
        assert parsed.stated == expected and parsed.disagreements == ()


def _answer_for(item):
    if item.choices:
        return st.sampled_from([None, *[c.code for c in item.choices]])
    low = item.minimum if item.minimum is not None else 0
    high = item.maximum if item.maximum is not None else low + 100
    numbers = st.integers(int(low), int(high)) if item.integer else st.floats(low, high, allow_nan=False)
    return st.one_of(st.none(), numbers)


@st.composite
def administrations(draw):
    instrument = scales.get(draw(st.sampled_from(CODES)))
    responses = {}
    for item in instrument.items:
        value = draw(_answer_for(item))
        if item.not_tested_allowed and draw(st.booleans()) and draw(st.booleans()):
            value = {"not_tested": draw(st.sampled_from(["pain", "refused", "other"]))}
        if value is not None:
            responses[item.id] = value
    return instrument, responses, example_context(instrument)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(administrations())
def test_any_administration_survives_the_trip_through_fhir(administration):
    """Partial, not-tested and contradictory answers included: what cannot be scored directly is
    refused for the same reasons after the trip."""
    instrument, responses, context = administration
    try:
        direct = scales.score(instrument.code, responses, context)
    except scales.ScaleError as error:
        with pytest.raises(InteropError) as raised:
            response_for(instrument, responses, context)
        assert raised.value.codes == error.codes
        return
    resource = json.loads(json.dumps(response_for(instrument, responses, context)))
    assert parse_questionnaire_response(resource).result == direct


def test_not_tested_items_travel_as_coded_reasons():
    hfmse = scales.get("hfmse")
    responses = {**full_responses(hfmse, max), "1": {"not_tested": "pain"}}
    resource = response_for(hfmse, responses)
    assert answer(resource, "1")["valueCoding"]["system"] == "https://qadam.kz/fhir/CodeSystem/not-tested-reason"
    parsed = parse_questionnaire_response(resource)
    assert parsed.responses["1"] == {"not_tested": "pain"} and parsed.result.not_tested == ("1",)


def test_a_measurement_not_taken_travels_in_its_companion_question():
    walk = scales.get("6mwt")
    context = example_context(walk)
    resource = response_for(walk, {"distance_m": NotTested("refused")}, context)
    assert answer(resource, "distance_m:not-tested")["valueCoding"]["code"] == "refused"
    assert "distance_m" not in by_link_id(resource)
    parsed = parse_questionnaire_response(resource)
    assert parsed.result == scales.score("6mwt", {"distance_m": {"not_tested": "refused"}}, context)


# --- the real files of shared/data/fhir ---------------------------------------------------------


def test_the_hl7_sdc_example_response_scores_through_phq9_and_its_stated_total_is_checked():
    """HL7 SDC IG example questionnaireresponse-sdc-profile-example-PHQ9: answers 0,0,0,1,2,1,3,2,1
    add up to 10 (moderate, item 9 > 0), while the response states a total of 13."""
    parsed = parse_questionnaire_response(shared_file("sdc-example-phq9.questionnaire-response.json"))
    assert parsed.instrument == "phq9"
    assert parsed.responses == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 2, "6": 1, "7": 3, "8": 2, "9": 1}
    assert (parsed.result.total, parsed.result.band) == (10, "moderate")
    assert parsed.result.has_flag("safety_self_harm")
    assert parsed.stated == {"total": 13}
    [disagreement] = parsed.disagreements
    assert (disagreement.score, disagreement.stated, disagreement.computed) == ("total", 13, 10)
    assert disagreement.message("en") == "The response states Total score = 13 for PHQ-9; Qadam computes 10."
    assert "Жалпы балл = 13" in disagreement.message("kk") and "Общий балл = 13" in disagreement.message("ru")


def test_the_sdc_example_reads_the_same_with_its_questionnaire_supplied():
    resource = shared_file("sdc-example-phq9.questionnaire-response.json")
    questionnaire = shared_file("sdc-example-phq9.questionnaire.json")
    parsed = parse_questionnaire_response(resource, questionnaire=questionnaire)
    assert parsed.result.total == 10 and parsed.stated == {"total": 13}


def loinc_form_response(plan: list[int], total=None, canonical=None) -> dict:
    """A response to the LOINC 44249-1 form, answering question i with its plan[i]-th answer option."""
    questionnaire = shared_file("loinc-44249-1-phq9.questionnaire.json")
    choices = [q for q in questionnaire["item"] if q["type"] == "choice"]
    items = [
        {"linkId": q["linkId"], "text": q["text"], "answer": [{"valueCoding": q["answerOption"][index]["valueCoding"]}]}
        for q, index in zip(choices, plan, strict=True)
    ]
    if total is not None:
        items.append({"linkId": "/44261-6", "answer": [{"valueDecimal": total}]})
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    if canonical:
        resource["questionnaire"] = canonical
    return resource


PLAN = [3, 2, 1, 0, 3, 2, 1, 0, 0, 2]  # items 1–9 add up to 12; item 10 "Very difficult" (LA6575-0)


@pytest.mark.parametrize(
    "how",
    [
        {"instrument_code": "phq9"},
        {"canonical": "http://loinc.org/q/44249-1"},
        {"questionnaire": True},
    ],
    ids=["named", "loinc-canonical", "questionnaire-supplied"],
)
def test_a_response_to_the_loinc_form_scores_correctly(how):
    resource = loinc_form_response(PLAN, total=12, canonical=how.get("canonical"))
    questionnaire = shared_file("loinc-44249-1-phq9.questionnaire.json") if how.get("questionnaire") else None
    parsed = parse_questionnaire_response(resource, how.get("instrument_code"), questionnaire=questionnaire)
    assert parsed.responses == {str(i + 1): v for i, v in enumerate(PLAN)}
    assert parsed.result == scales.score("phq9", parsed.responses)
    assert (parsed.result.total, parsed.result.band) == (12, "moderate")
    assert parsed.stated == {"total": 12} and parsed.disagreements == ()


def test_loinc_answers_map_by_ordinal_value_when_the_code_is_unknown_to_us():
    """A copy of the LOINC form with answer codes of its own: the supplied Questionnaire's ordinal
    values decide, and the answers hold no ordinal themselves."""
    questionnaire = copy.deepcopy(shared_file("loinc-44249-1-phq9.questionnaire.json"))
    scored = questionnaire["item"][:9]
    for question in scored:
        for option in question["answerOption"]:
            option["valueCoding"] = {"system": "urn:example:answers", "code": "opt-" + option["valueCoding"]["code"]}
    items = [{"linkId": q["linkId"], "answer": [{"valueCoding": q["answerOption"][2]["valueCoding"]}]} for q in scored]
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    parsed = parse_questionnaire_response(resource, questionnaire=questionnaire)
    assert parsed.responses == {str(i): 2 for i in range(1, 10)} and parsed.result.total == 18
    assert refused(resource, "phq9").codes == ["unknown_answer_code"] * 9  # without the form: no ordinals


def test_an_ordinal_value_on_the_answer_itself_is_enough():
    coding = {
        "system": "urn:example:answers",
        "code": "often",
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": 2}],
    }
    resource = response_for("phq9", {str(i): 0 for i in range(1, 10)})
    answer(resource, "3")["valueCoding"] = coding
    resource["item"] = [i for i in resource["item"] if i["linkId"] != "scores"]
    assert parse_questionnaire_response(resource).result.total == 2


# --- bad input ----------------------------------------------------------------------------------


def refused(resource, *args, **kwargs) -> InteropError:
    with pytest.raises(InteropError) as raised:
        parse_questionnaire_response(resource, *args, **kwargs)
    for problem in raised.value.problems:
        for lang in ("en", "kk", "ru"):
            assert problem.message(lang)
    return raised.value


def phq9_response(**answers) -> dict:
    items = [
        {"linkId": link_id, "answer": value if isinstance(value, list) else [value]}
        for link_id, value in answers.items()
    ]
    return {"resourceType": "QuestionnaireResponse", "questionnaire": PHQ9, "status": "completed", "item": items}


def coded(item_id, code):
    return {"valueCoding": {"system": "https://qadam.kz/fhir/CodeSystem/phq9", "code": f"{item_id}:{code}"}}


@pytest.mark.parametrize("resource", [[], "text", {"status": "completed"}, None])
def test_something_that_is_not_a_resource(resource):
    assert refused(resource).codes == ["not_a_resource"]


def test_another_resource_type():
    error = refused(questionnaire_for("phq9"))
    assert error.codes == ["wrong_resource_type"] and "Questionnaire" in str(error)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.pop("status"), "status"),
        (lambda r: r.update(status="finished"), "status"),
        (lambda r: r.update(authored="21 August 2019"), "authored"),
        (lambda r: r.update(item={"linkId": "1"}), "item"),
        (lambda r: r.update(colour="red"), "colour"),
        (lambda r: r["item"][0].update(answer=[]), "empty"),
    ],
    ids=["status-missing", "status-unknown", "bad-date", "item-not-a-list", "unknown-element", "empty-list"],
)
def test_invalid_r4_is_refused_before_anything_is_read(change, where):
    resource = response_for("phq9", {"1": 1})
    change(resource)
    error = refused(resource)
    assert error.codes == ["invalid_fhir"] and where in str(error)


def test_a_response_that_names_no_questionnaire():
    resource = phq9_response(**{"1": coded(1, 1)})
    del resource["questionnaire"]
    assert refused(resource).codes == ["questionnaire_not_named"]
    assert parse_questionnaire_response(resource, "phq9").responses == {"1": 1}


def test_an_unknown_questionnaire():
    resource = phq9_response(**{"1": coded(1, 1)})
    resource["questionnaire"] = "https://example.org/Questionnaire/mood"
    assert refused(resource).codes == ["unknown_questionnaire"]
    assert refused(resource, "no_such_scale").codes == ["unknown_instrument"]


def test_two_instruments_named_at_once():
    error = refused(phq9_response(**{"1": coded(1, 1)}), "hads")
    assert error.codes == ["questionnaire_mismatch"] and "hads" in str(error) and "phq9" in str(error)


def test_questions_and_answers_that_match_nothing_are_all_reported_in_one_pass():
    resource = phq9_response(
        **{
            "99": coded(1, 1),
            "1": coded(1, 7),
            "2": {"valueCoding": {"system": "http://loinc.org", "code": "LA0000-0"}},
            "3": {"valueBoolean": True},
            "4": [coded(4, 1), coded(4, 2)],
            "score:total": {"valueString": "nine"},
        }
    )
    error = refused(resource)
    assert error.codes == [
        "unknown_link_id", "unknown_answer_code", "unknown_answer_code", "wrong_answer_type", "multiple_answers",
        "wrong_answer_type",
    ]  # fmt: skip
    assert [p.item for p in error.problems[:5]] == ["99", "1", "2", "3", "4"]


def test_the_same_item_answered_twice_under_two_names():
    resource = phq9_response(**{"1": coded(1, 1), "/44250-9": coded(1, 2)})
    error = refused(resource)
    assert error.codes == ["duplicate_item"] and error.problems[0].item == "1"


def test_a_measurement_and_its_not_tested_reason_together():
    resource = response_for("6mwt", {"distance_m": 400}, example_context(scales.get("6mwt")))
    by_link_id(resource)["distance_m"]  # present
    resource["item"].insert(1, {"linkId": "distance_m:not-tested", "answer": [{"valueString": "pain"}]})
    assert refused(resource).codes == ["duplicate_item"]


def test_a_quantity_in_another_unit():
    resource = response_for("6mwt", {"distance_m": 400}, example_context(scales.get("6mwt")))
    answer(resource, "distance_m").clear()
    answer(resource, "distance_m")["valueQuantity"] = {
        "value": 1312,
        "unit": "ft",
        "system": "http://unitsofmeasure.org",
        "code": "[ft_i]",
    }
    error = refused(resource)
    assert error.codes == ["unit_mismatch"] and error.problems[0].allowed == "m"


def test_a_quantity_in_ucum_metres_is_read():
    context = example_context(scales.get("6mwt"))
    resource = response_for("6mwt", {"distance_m": 400}, context)
    answer(resource, "distance_m").clear()
    answer(resource, "distance_m")["valueQuantity"] = {"value": 400, "system": "http://unitsofmeasure.org", "code": "m"}
    assert parse_questionnaire_response(resource).responses["distance_m"] == 400


def test_a_context_value_given_twice_must_agree():
    fma = scales.get("fma_ue")
    resource = response_for(fma, full_responses(fma, max), {"side": "R"})
    assert parse_questionnaire_response(resource, context={"side": "R"}).result.side == "R"
    error = refused(resource, context={"side": "L"})
    assert error.codes == ["context_conflict"] and error.problems[0].item == "side"


def test_context_the_response_cannot_carry_comes_from_the_caller():
    fma = scales.get("fma_ue")
    resource = response_for(fma, full_responses(fma, max), {"side": "L"})
    resource["item"] = [i for i in resource["item"] if i["linkId"] != "context"]
    assert refused(resource).codes == ["context_missing"]
    assert parse_questionnaire_response(resource, context={"side": "L"}).result.side == "L"


def test_values_the_scale_refuses_are_reported_with_the_scale_codes():
    resource = response_for("6mwt", {"distance_m": 400}, example_context(scales.get("6mwt")))
    answer(resource, "distance_m")["valueDecimal"] = 5000
    error = refused(resource)
    assert error.codes == ["value_out_of_range"] and error.problems[0].item == "distance_m"


def test_a_stated_score_we_cannot_reproduce_is_a_disagreement_not_an_error():
    resource = response_for("phq9", {str(i): 1 for i in range(1, 10)})
    resource["item"] = [i for i in resource["item"] if i["linkId"] != "1"]
    parsed = parse_questionnaire_response(resource)
    assert parsed.result.total is None and parsed.stated == {"total": 9}
    [disagreement] = parsed.disagreements
    assert disagreement.computed is None and disagreement.problem().code == "stated_score_without_ours"


def test_rounding_of_a_stated_score_is_not_a_disagreement():
    gas = scales.get("gas")
    responses = {"1": 1, "2": 0, "3": -1}
    resource = response_for(gas, responses)
    computed = parse_questionnaire_response(resource).result.total
    answer(resource, "score:total")["valueDecimal"] = round(computed, 2)
    assert parse_questionnaire_response(resource).disagreements == ()
    answer(resource, "score:total")["valueDecimal"] = round(computed + 0.1, 2)
    assert len(parse_questionnaire_response(resource).disagreements) == 1


def test_a_code_for_a_measured_item_is_the_wrong_type_unless_it_is_a_not_tested_reason():
    context = example_context(scales.get("6mwt"))
    resource = response_for("6mwt", {"distance_m": 400}, context)
    answer(resource, "distance_m").clear()
    answer(resource, "distance_m")["valueCoding"] = {"system": "http://loinc.org", "code": "LA6568-5"}
    assert refused(resource).codes == ["wrong_answer_type"]
    answer(resource, "distance_m")["valueCoding"] = {
        "system": "https://qadam.kz/fhir/CodeSystem/not-tested-reason",
        "code": "pain",
    }
    assert parse_questionnaire_response(resource).result.not_tested == ("distance_m",)


def test_writing_a_value_no_option_has_is_refused_even_with_a_result_given():
    result = scales.score("phq9", {"1": 1})
    with pytest.raises(InteropError) as raised:
        response_for("phq9", {"1": 7}, result=result)
    assert raised.value.codes == ["value_not_allowed"]


def test_a_form_with_a_contained_value_set_maps_by_item_codes_and_ordinal_values():
    """The SDC PHQ-9 with LOINC item codes and the panel code added under another url: nothing of it
    is known to us by name, so its questions map by code and its answers (codes without a system in
    the response) by the ordinal values of its contained value set."""
    loinc_items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
    questionnaire = copy.deepcopy(shared_file("sdc-example-phq9.questionnaire.json"))
    questionnaire["url"] = "urn:example:phq9-coded"
    questionnaire["code"] = [{"system": "http://loinc.org", "code": "44249-1"}]
    for question, code in zip(questionnaire["item"][0]["item"], loinc_items, strict=False):
        question["code"] = [{"system": "http://loinc.org", "code": code}]
    resource = copy.deepcopy(shared_file("sdc-example-phq9.questionnaire-response.json"))
    resource["questionnaire"] = "urn:example:phq9-coded"
    assert refused(resource).codes == ["unknown_questionnaire"]
    parsed = parse_questionnaire_response(resource, questionnaire=questionnaire)
    assert parsed.form == "questionnaire"
    assert parsed.result.total == 10 and parsed.stated == {"total": 13}


def test_a_bare_answer_code_in_our_system_is_read():
    resource = phq9_response(
        **{
            str(i): {"valueCoding": {"system": "https://qadam.kz/fhir/CodeSystem/phq9", "code": "2"}}
            for i in range(1, 10)
        }
    )
    assert parse_questionnaire_response(resource).result.total == 18


@pytest.mark.parametrize(("value", "expected"), [(2, 3), (0, None)])
def test_an_ordinal_value_must_single_out_one_answer(value, expected):
    """MGC item 3 gives 0 points to two answers: ordinal 0 cannot say which one was chosen."""
    mgc = scales.get("mgc")
    resource = response_for(mgc, full_responses(mgc, min))
    coding = {
        "system": "urn:example:answers",
        "code": "x",
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": value}],
    }
    answer(resource, "3")["valueCoding"] = coding
    if expected is None:
        error = refused(resource)
        assert error.codes == ["unknown_answer_code"] and error.problems[0].item == "3"
    else:
        assert parse_questionnaire_response(resource).responses["3"] == expected
