"""FHIR R4 in: POST QuestionnaireResponse, batch/transaction Bundles and ``qadam import fhir``.

Every refusal is an OperationOutcome with a precise status, and changes nothing.
"""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.middleware.csrf import get_token

from qadam.assessments.models import Assessment, Visit
from qadam.audit.models import AuditEntry
from qadam.interop.fhir import response_for, validate_resource

from .fhir_records import FhirClient, outcome_codes
from .fhir_support import FHIR_DATA, shared_file
from .test_responses import PLAN, loinc_form_response

pytestmark = pytest.mark.django_db

PHQ9 = {str(i): v for i, v in zip(range(1, 10), (0, 0, 0, 1, 2, 1, 3, 2, 1), strict=True)}


def our_phq9(patient, *, authored="2024-05-02", **changes):
    resource = response_for("phq9", PHQ9, subject=f"Patient/{patient.registry_id}", authored=authored)
    resource.update(changes)
    return resource


def sdc_example(patient):
    """The HL7 SDC example response (answers give 10, it states 13), about our patient."""
    resource = copy.deepcopy(shared_file("sdc-example-phq9.questionnaire-response.json"))
    resource["subject"] = {"reference": f"Patient/{patient.registry_id}"}
    return resource


def transaction(*resources, kind="transaction"):
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"resource": r, "request": {"method": "POST", "url": "QuestionnaireResponse"}} for r in resources],
    }


@pytest.fixture
def counts():
    """What the registry holds; a refused request must leave it unchanged (the audit entries of the
    API tokens the test clients create aside)."""

    def snapshot():
        audit = AuditEntry.objects.exclude(object_type="api.apitoken").count()
        return Assessment.objects.count(), Visit.objects.count(), audit

    return snapshot


class TestPostQuestionnaireResponse:
    def test_a_response_to_our_questionnaire_is_stored_scored_and_audited(self, world, patient_a):
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", our_phq9(patient_a))
        assert response.status_code == 201, response.content
        assessment = Assessment.objects.get()
        assert response["Location"] == f"http://testserver/fhir/r4/QuestionnaireResponse/{assessment.pk}"
        assert (assessment.instrument, assessment.total, assessment.band, assessment.status) == (
            "phq9", 10, "moderate", "completed"
        )  # fmt: skip
        assert assessment.responses == PHQ9
        assert assessment.visit.visit_date.isoformat() == "2024-05-02"
        assert assessment.visit.patient == patient_a
        outcome = response.json()
        validate_resource(outcome)
        assert [i["severity"] for i in outcome["issue"]] == ["information"]
        assert AuditEntry.objects.filter(object_id=str(assessment.pk), action="create").exists()

    def test_the_sdc_example_is_stored_with_our_total_and_the_disagreement_reported(self, world, patient_a):
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", sdc_example(patient_a))
        assert response.status_code == 201, response.content
        assert outcome_codes(response) == ["stored", "stated_score_differs"]
        warning = response.json()["issue"][1]
        assert warning["severity"] == "warning"
        assert "13" in warning["details"]["text"] and "10" in warning["details"]["text"]
        assert Assessment.objects.get().total == 10

    def test_a_response_to_the_loinc_form_is_read_by_its_codes(self, world, patient_a):
        resource = loinc_form_response(PLAN, total=12, canonical="http://loinc.org/q/44249-1")
        resource["subject"] = {
            "identifier": {"system": "https://qadam.kz/fhir/sid/registry-id", "value": patient_a.registry_id}
        }
        resource["authored"] = "2024-05-02T10:00:00+05:00"
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert response.status_code == 201, response.content
        assert outcome_codes(response) == ["stored"]
        assessment = Assessment.objects.get()
        assert (assessment.total, assessment.responses["10"]) == (12, 2)

    def test_the_existing_visit_of_the_day_is_used(self, world, patient_a):
        client = FhirClient(world.clinician_a)
        client.post("QuestionnaireResponse", our_phq9(patient_a))
        client.post("QuestionnaireResponse", our_phq9(patient_a))
        assert Visit.objects.count() == 1 and Assessment.objects.count() == 2

    def test_an_in_progress_response_is_a_draft(self, world, patient_a):
        resource = our_phq9(patient_a, status="in-progress")
        resource["item"] = resource["item"][:1]
        assert FhirClient(world.clinician_a).post("QuestionnaireResponse", resource).status_code == 201
        assert Assessment.objects.get().status == "draft"

    def test_the_session_needs_the_csrf_token(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a, session=True, enforce_csrf=True)
        before = counts()
        refused = client.post("QuestionnaireResponse", our_phq9(patient_a))
        assert refused.status_code == 403 and outcome_codes(refused) == ["csrf_failed"]
        assert counts() == before
        client.client.get("/fhir/r4/Questionnaire/phq9")  # any page sets the cookie in the browser
        request = type("R", (), {"META": {}, "COOKIES": {}})()
        token = get_token(request)
        client.client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
        accepted = client.post("QuestionnaireResponse", our_phq9(patient_a), **{"X-CSRFToken": token})
        assert accepted.status_code == 201, accepted.content


class TestSendingAgain:
    """A response with an identifier or id is stored once, however often it is sent."""

    def test_the_same_response_again_changes_nothing(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a)
        first = client.post("QuestionnaireResponse", sdc_example(patient_a))
        assert first.status_code == 201
        before = counts()
        again = client.post("QuestionnaireResponse", sdc_example(patient_a))
        assert again.status_code == 200 and again["Location"] == first["Location"]
        assert outcome_codes(again) == ["already_imported", "stated_score_differs"]
        assert counts() == before

    def test_other_content_under_the_same_identifier_is_a_conflict(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a)
        sent = our_phq9(patient_a, identifier={"system": "urn:example:forms", "value": "A-17"})
        assert client.post("QuestionnaireResponse", sent).status_code == 201
        before = counts()
        sent["item"][0]["answer"] = [{"valueInteger": 3}]
        changed = client.post("QuestionnaireResponse", sent)
        assert changed.status_code == 409 and outcome_codes(changed) == ["already_imported_changed"]
        assert counts() == before

    def test_a_bundle_sent_again_and_the_same_response_twice_in_one_bundle(self, world, patient_a):
        client = FhirClient(world.clinician_a)
        bundle = transaction(sdc_example(patient_a), sdc_example(patient_a))
        first = client.post("", bundle).json()
        assert [e["response"]["status"] for e in first["entry"]] == ["201 Created", "200 OK"]
        assert first["entry"][0]["response"]["location"] == first["entry"][1]["response"]["location"]
        assert Assessment.objects.count() == 1
        again = client.post("", bundle).json()
        assert [e["response"]["status"] for e in again["entry"]] == ["200 OK", "200 OK"]
        assert Assessment.objects.count() == 1


class TestRefusals:
    """Each refusal: the status, the problem code, nothing changed."""

    @pytest.mark.parametrize(
        ("raw", "status", "code"),
        [
            (b"{not json", 400, "malformed_json"),
            (b'{"resourceType": "QuestionnaireResponse", "status": NaN}', 400, "json_not_finite"),
            (b"\xff\xfe", 400, "json_not_utf8"),
            (b"[1, 2]", 400, "not_a_resource"),
            (b'{"resourceType": "Patient", "gender": "female"}', 400, "wrong_resource_type"),
            (b'{"resourceType": "QuestionnaireResponse", "status": "completed", "item": "no"}', 400, "invalid_fhir"),
        ],
        ids=["malformed", "nan", "not-utf8", "array", "patient", "invalid-r4"],
    )
    def test_unreadable_bodies(self, world, patient_a, counts, raw, status, code):
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("QuestionnaireResponse", raw=raw)
        assert response.status_code == status and outcome_codes(response) == [code]
        assert counts() == before

    def test_an_unknown_questionnaire(self, world, patient_a, counts):
        before = counts()
        resource = our_phq9(patient_a, questionnaire="http://example.org/Questionnaire/unknown")
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert response.status_code == 422 and outcome_codes(response) == ["unknown_questionnaire"]
        assert counts() == before

    def test_items_out_of_range_and_unknown_link_ids_are_all_reported(self, world, patient_a, counts):
        before = counts()
        resource = our_phq9(patient_a)
        resource["item"][0]["answer"] = [{"valueInteger": 7}]
        resource["item"].append({"linkId": "99", "answer": [{"valueInteger": 1}]})
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert response.status_code == 422, response.content
        codes = outcome_codes(response)
        assert codes == ["unknown_link_id"] or set(codes) >= {"unknown_link_id"}
        assert response.json()["issue"][0]["expression"] == ["QuestionnaireResponse.item.where(linkId='99')"]
        assert counts() == before
        resource["item"].pop()
        out_of_range = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert out_of_range.status_code == 422
        assert outcome_codes(out_of_range) == ["value_not_allowed"]
        assert counts() == before

    def test_an_incomplete_completed_response_is_refused(self, world, patient_a, counts):
        before = counts()
        resource = our_phq9(patient_a)
        resource["item"] = resource["item"][:3]
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert response.status_code == 422 and outcome_codes(response) == ["items_missing"]
        assert counts() == before

    @pytest.mark.parametrize("status", ["entered-in-error", "stopped"])
    def test_responses_not_meant_to_count_are_refused(self, world, patient_a, counts, status):
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("QuestionnaireResponse", our_phq9(patient_a, status=status))
        assert response.status_code == 422 and outcome_codes(response) == ["response_status"]
        assert counts() == before

    def test_subject_missing_or_not_ours(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("QuestionnaireResponse", shared_file("sdc-example-phq9.questionnaire-response.json"))
        assert response.status_code == 422 and outcome_codes(response) == ["subject_missing"]
        partial = our_phq9(patient_a, authored="2024")
        assert outcome_codes(client.post("QuestionnaireResponse", partial)) == ["authored_invalid"]
        assert counts() == before

    def test_an_unknown_patient_is_not_found(self, world, patient_a, counts):
        before = counts()
        resource = our_phq9(patient_a, subject={"reference": "Patient/KZ-0000-0000"})
        response = FhirClient(world.clinician_a).post("QuestionnaireResponse", resource)
        assert response.status_code == 404 and outcome_codes(response) == ["not_visible"]
        assert counts() == before

    @pytest.mark.parametrize(("who", "status", "code"), [
        ("clinician_b", 404, "not_visible"),
        ("outsider", 404, "not_visible"),
        ("manager", 403, "not_allowed"),
        ("trainer_a", 403, "not_allowed"),
    ])  # fmt: skip
    def test_users_who_may_not_write_for_the_patient(self, world, patient_a, counts, who, status, code):
        before = counts()
        response = FhirClient(getattr(world, who)).post("QuestionnaireResponse", our_phq9(patient_a))
        assert response.status_code == status and outcome_codes(response) == [code]
        assert counts() == before

    def test_anonymous_calls_are_refused(self, patient_a, counts):
        client = FhirClient()
        before = counts()
        response = client.post("QuestionnaireResponse", our_phq9(patient_a))
        assert response.status_code == 401 and outcome_codes(response) == ["not_authenticated"]
        assert counts() == before

    def test_an_oversized_body(self, world, patient_a, counts, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("QuestionnaireResponse", our_phq9(patient_a))
        assert response.status_code == 413 and outcome_codes(response) == ["body_too_large"]
        assert counts() == before

    def test_a_body_that_is_not_json(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("QuestionnaireResponse", raw="a=1", content_type="text/plain")
        assert response.status_code == 415 and outcome_codes(response) == ["unsupported_media_type"]
        assert counts() == before

    def test_get_is_not_possible(self, world):
        response = FhirClient(world.clinician_a).get("QuestionnaireResponse")
        assert response.status_code == 405 and response["Allow"] == "POST"


class TestBundles:
    def test_a_transaction_is_stored_whole(self, world, patient_a, patient_b):
        patient_b_client = FhirClient(world.clinician_a)
        bundle = transaction(our_phq9(patient_a), sdc_example(patient_a))
        response = patient_b_client.post("", bundle)
        assert response.status_code == 200, response.content
        body = response.json()
        validate_resource(body)
        assert body["type"] == "transaction-response"
        assert [e["response"]["status"] for e in body["entry"]] == ["201 Created", "201 Created"]
        outcome = body["entry"][1]["response"]["outcome"]
        assert [i["details"]["coding"][0]["code"] for i in outcome["issue"]] == ["stored", "stated_score_differs"]
        assert Assessment.objects.count() == 2

    def test_one_bad_response_refuses_the_whole_batch(self, world, patient_a, counts):
        before = counts()
        bad = our_phq9(patient_a)
        bad["item"][2]["answer"] = [{"valueInteger": 9}]
        response = FhirClient(world.clinician_a).post("", transaction(our_phq9(patient_a), bad, kind="batch"))
        assert response.status_code == 422
        issue = response.json()["issue"][0]
        assert issue["expression"] == ["Bundle.entry[1].resource.QuestionnaireResponse.item.where(linkId='3')"]
        assert counts() == before

    def test_a_failure_while_storing_rolls_back_what_was_stored_before(self, world, patient_a, counts):
        before = counts()
        incomplete = our_phq9(patient_a, authored="2024-07-01")
        incomplete["item"] = incomplete["item"][:2]
        response = FhirClient(world.clinician_a).post("", transaction(our_phq9(patient_a), incomplete))
        assert response.status_code == 422 and outcome_codes(response) == ["items_missing"]
        assert counts() == before

    def test_one_foreign_patient_refuses_the_whole_transaction(self, world, patient_a, patient_b, counts):
        client = FhirClient(world.clinician_a)
        before = counts()
        response = client.post("", transaction(our_phq9(patient_a), our_phq9(patient_b)))
        assert response.status_code == 404 and counts() == before

    def test_bundles_of_other_types_or_entries(self, world, patient_a, counts):
        client = FhirClient(world.clinician_a)
        before = counts()
        document = transaction(our_phq9(patient_a), kind="document")
        assert outcome_codes(client.post("", document)) == ["bundle_type"]
        mixed = transaction(our_phq9(patient_a))
        mixed["entry"].append(
            {"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient"}}
        )
        refused = client.post("", mixed)
        assert refused.status_code == 400 and outcome_codes(refused) == ["entry_not_supported"]
        assert outcome_codes(client.post("QuestionnaireResponse", transaction(our_phq9(patient_a)))) == [
            "wrong_resource_type"
        ]
        assert counts() == before


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "fhir", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestImportCommand:
    def test_the_sdc_example_file_is_imported_and_the_disagreement_reported(self, world, patient_a):
        out, err = run_import(
            str(FHIR_DATA / "sdc-example-phq9.questionnaire-response.json"),
            "--patient", patient_a.registry_id, "--user", "clinician_a",
        )  # fmt: skip
        assessment = Assessment.objects.get()
        assert f"stored as assessment {assessment.pk}" in out and "phq9 total 10 (moderate)" in out
        assert "13" in err and "10" in err and "1 stated score(s) differ" in out
        assert assessment.visit.visit_date.isoformat() == "2019-08-22"  # 20:36 UTC is the next day in Almaty
        assert assessment.status == "completed"

    def test_the_same_file_twice_is_imported_once(self, world, patient_a):
        file = str(FHIR_DATA / "sdc-example-phq9.questionnaire-response.json")
        run_import(file, "--patient", patient_a.registry_id, "--user", "clinician_a")
        out, _err = run_import(file, "--patient", patient_a.registry_id, "--user", "clinician_a")
        assert "imported before as assessment" in out and Assessment.objects.count() == 1

    def test_sign_and_dry_run(self, world, patient_a, counts, tmp_path):
        file = tmp_path / "phq9.json"
        file.write_text(json.dumps(transaction(our_phq9(patient_a))), encoding="utf-8")
        before = counts()
        out, _err = run_import(str(file), "--patient", patient_a.registry_id, "--user", "clinician_a", "--dry-run")
        assert "would be stored" in out and counts() == before
        run_import(str(file), "--patient", patient_a.registry_id, "--user", "clinician_a", "--sign")
        assessment = Assessment.objects.get()
        assert assessment.status == "signed" and assessment.signed_by == world.clinician_a

    def test_a_response_to_the_lforms_questionnaire_supplied_beside_it(self, world, patient_a, tmp_path):
        file = tmp_path / "loinc.json"
        file.write_text(json.dumps(loinc_form_response(PLAN, total=12)), encoding="utf-8")
        out, err = run_import(
            str(file), "--patient", patient_a.registry_id, "--user", "clinician_a",
            "--questionnaire", str(FHIR_DATA / "loinc-44249-1-phq9.questionnaire.json"),
        )  # fmt: skip
        assert "phq9 total 12 (moderate)" in out and err == ""

    def test_problems_are_listed_and_nothing_is_imported(self, world, patient_a, counts, tmp_path):
        file = tmp_path / "bad.json"
        bad = our_phq9(patient_a)
        bad["item"][0]["answer"] = [{"valueInteger": 7}]
        file.write_text(json.dumps(bad), encoding="utf-8")
        before = counts()
        err = io.StringIO()
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command(
                "import", "fhir", str(file), "--patient", patient_a.registry_id, "--user", "clinician_a",
                stdout=io.StringIO(), stderr=err,
            )  # fmt: skip
        assert "value_not_allowed" in err.getvalue()
        assert counts() == before

    def test_a_response_about_another_patient_is_refused(self, world, patient_a, patient_b, counts, tmp_path):
        file = tmp_path / "other.json"
        file.write_text(json.dumps(our_phq9(patient_b)), encoding="utf-8")
        before = counts()
        with pytest.raises(CommandError, match="Nothing was imported"):
            run_import(str(file), "--patient", patient_a.registry_id, "--user", "clinician_a")
        assert counts() == before

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--patient", "KZ-0000-0000", "--user", "clinician_a"], "does not exist or is not visible"),
            (["--user", "clinician_b"], "does not exist or is not visible"),
            (["--user", "manager"], "may not record"),
            (["--user", "nobody"], "no active user"),
        ],
    )
    def test_patient_and_user_checks(self, world, patient_a, counts, args, message):
        before = counts()
        file = str(FHIR_DATA / "sdc-example-phq9.questionnaire-response.json")
        if "--patient" not in args:
            args = ["--patient", patient_a.registry_id, *args]
        with pytest.raises(CommandError, match=message):
            run_import(file, *args)
        assert counts() == before

    def test_an_unreadable_file(self, world, patient_a, tmp_path):
        file = tmp_path / "broken.json"
        file.write_text("{", encoding="utf-8")
        with pytest.raises(CommandError, match="not valid JSON"):
            run_import(str(file), "--patient", patient_a.registry_id, "--user", "clinician_a")
        with pytest.raises(CommandError, match="does not exist"):
            run_import(str(tmp_path / "missing.json"), "--patient", patient_a.registry_id, "--user", "clinician_a")
