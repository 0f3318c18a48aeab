"""Validation against the FHIR R4 (4.0.1) models: what it refuses, and that real files meet it or not."""

from __future__ import annotations

import pytest

from qadam.interop.errors import InteropError
from qadam.interop.fhir import questionnaire_for, validate_resource

from .fhir_support import shared_file


def refusal(resource) -> str:
    with pytest.raises(InteropError) as raised:
        validate_resource(resource)
    assert raised.value.codes in (["invalid_fhir"], ["not_a_resource"])
    return str(raised.value)


@pytest.mark.parametrize(
    "name", ["sdc-example-phq9.questionnaire.json", "sdc-example-phq9.questionnaire-response.json"]
)
def test_the_hl7_sdc_examples_are_valid_r4(name):
    validate_resource(shared_file(name))


def test_the_lforms_loinc_form_is_not_strictly_valid_r4():
    """Its observationLinkPeriod Duration holds the value "1" as a string; a decimal is required.
    Responses to it are still read: the form is consulted for codes and ordinals only."""
    assert "item.0.extension.2.valueDuration.value" in refusal(shared_file("loinc-44249-1-phq9.questionnaire.json"))


def test_an_unknown_resource_type():
    assert "not an R4 resource type" in refusal({"resourceType": "Questionaire", "status": "active"})


def test_translations_of_primitives_are_checked_too():
    resource = questionnaire_for("phq9")
    resource["_title"]["extension"][0]["extension"][0]["valueCode"] = 7
    assert "_title" in refusal(resource)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda q: q.update(status="published"), "status: 'published'"),
        (lambda q: q["item"][0].update(type="single-choice"), "item.0.type: 'single-choice'"),
        (lambda q: q["item"][0].update(linkId=""), "item.0.linkId: empty values"),
        (lambda q: q["item"][0].update(required="yes"), "item.0.required"),
        (lambda q: q.pop("status"), "status"),
    ],
    ids=["status", "item-type", "empty-string", "wrong-json-type", "missing-mandatory"],
)
def test_what_the_r4_model_refuses(change, expected):
    resource = questionnaire_for("phq9")
    change(resource)
    assert expected in refusal(resource)
