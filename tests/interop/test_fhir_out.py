"""FHIR R4 out: the per-patient Bundle, the bulk NDJSON export (HTTP and command line), all valid R4."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qadam.audit.models import AuditEntry
from qadam.core.testing import make_patient
from qadam.interop.fhir import parse_questionnaire_response, validate_resource
from qadam.interop.fhir.export import RESOURCE_TYPES, Cohort, resources_of_type

from .fhir_records import HADS, PHQ9, FhirClient, build_record, outcome_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, patient_a):
    return build_record(world, patient_a)


def everything(user, registry_id):
    return FhirClient(user).get(f"Patient/{registry_id}/$everything")


def by_type(resources):
    found: dict[str, list[dict]] = {}
    for resource in resources:
        found.setdefault(resource["resourceType"], []).append(resource)
    return found


class TestPatientBundle:
    def test_the_clinician_of_the_center_gets_every_resource_valid_r4(self, world, record):
        response = everything(world.clinician_a, record.patient.registry_id)
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/fhir+json")
        bundle = response.json()
        validate_resource(bundle)
        assert bundle["type"] == "searchset" and bundle["total"] == 1
        resources = [entry["resource"] for entry in bundle["entry"]]
        for resource in resources:
            validate_resource(resource)
        kinds = by_type(resources)
        assert set(kinds) == set(RESOURCE_TYPES)
        assert bundle["entry"][0]["search"]["mode"] == "match"
        assert bundle["entry"][0]["fullUrl"] == f"http://testserver/fhir/r4/Patient/{record.patient.registry_id}"
        assert len(kinds["Encounter"]) == 2
        # The draft is not exported: one response for the PHQ-9, one for the HADS.
        assert sorted(qr["questionnaire"].rsplit("/", 1)[1] for qr in kinds["QuestionnaireResponse"]) == [
            "hads",
            "phq9",
        ]

    def test_the_patient_is_pseudonymous(self, world, record):
        text = everything(world.clinician_a, record.patient.registry_id).content.decode()
        assert "Aigerim" not in text and "Sadykova" not in text and "900101300007" not in text
        patient = json.loads(text)["entry"][0]["resource"]
        assert patient == {
            "resourceType": "Patient",
            "id": record.patient.registry_id,
            "identifier": [{"system": "https://qadam.kz/fhir/sid/registry-id", "value": record.patient.registry_id}],
            "gender": "female",
            "birthDate": "1990-01-01",
        }

    def test_condition_and_encounters(self, world, record):
        kinds = by_type(
            e["resource"] for e in everything(world.clinician_a, record.patient.registry_id).json()["entry"]
        )
        condition = kinds["Condition"][0]
        assert condition["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10"
        assert condition["code"]["coding"][0]["code"] == "G12.1"
        assert condition["category"][0]["coding"][0]["code"] == "primary"
        assert condition["subject"] == {"reference": f"Patient/{record.patient.registry_id}"}
        classes = sorted(e["class"]["code"] for e in kinds["Encounter"])
        assert classes == ["AMB", "VR"]
        assert {e["serviceProvider"]["identifier"]["value"] for e in kinds["Encounter"]} == {"center-a"}

    def test_observations_carry_loinc_codes_bands_and_subscores(self, world, record):
        kinds = by_type(
            e["resource"] for e in everything(world.clinician_a, record.patient.registry_id).json()["entry"]
        )
        observations = {o["id"]: o for o in kinds["Observation"]}
        phq9 = observations[f"{record.phq9.pk}-total"]
        assert phq9["code"]["coding"][0] == {"system": "http://loinc.org", "code": "44261-6"}
        assert phq9["valueQuantity"]["value"] == 10
        assert phq9["status"] == "final"  # signed
        assert phq9["interpretation"][0]["coding"][0]["code"] == "band:moderate"
        assert phq9["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{record.phq9.pk}"}]
        assert phq9["encounter"] == {"reference": f"Encounter/{record.visit.pk}"}
        anxiety = observations[f"{record.hads.pk}-anxiety"]
        assert anxiety["status"] == "preliminary"  # completed, not signed
        assert anxiety["code"]["coding"] == [
            {
                "system": "https://qadam.kz/fhir/CodeSystem/hads",
                "code": "subscore:anxiety",
                "display": "Anxiety (HADS-A)",
            }
        ]
        assert anxiety["valueQuantity"]["value"] == 7
        assert anxiety["interpretation"][0]["coding"][0]["code"].startswith("band:anxiety:")
        assert f"{record.hads.pk}-depression" in observations

    def test_responses_read_back_to_what_was_stored(self, world, record):
        kinds = by_type(
            e["resource"] for e in everything(world.clinician_a, record.patient.registry_id).json()["entry"]
        )
        responses = {qr["id"]: qr for qr in kinds["QuestionnaireResponse"]}
        phq9 = parse_questionnaire_response(responses[str(record.phq9.pk)])
        assert phq9.responses == PHQ9 and phq9.result.total == 10 and phq9.disagreements == ()
        hads = parse_questionnaire_response(responses[str(record.hads.pk)])
        assert hads.responses == HADS and hads.disagreements == ()
        assert responses[str(record.phq9.pk)]["encounter"] == {"reference": f"Encounter/{record.visit.pk}"}

    def test_an_intrathecal_dose_is_a_medication_administration_and_a_procedure(self, world, record):
        kinds = by_type(
            e["resource"] for e in everything(world.clinician_a, record.patient.registry_id).json()["entry"]
        )
        given = kinds["MedicationAdministration"][0]
        procedure = kinds["Procedure"][0]
        assert given["medicationCodeableConcept"]["coding"][0]["code"] == "nusinersen"
        assert given["dosage"]["dose"] == {
            "value": 12,
            "unit": "mg",
            "system": "http://unitsofmeasure.org",
            "code": "mg",
        }
        assert given["dosage"]["route"]["coding"][0] == {
            "system": "http://snomed.info/sct",
            "code": "72607000",
            "display": "Intrathecal route",
        }
        assert given["partOf"] == [{"reference": f"Procedure/{procedure['id']}"}]
        assert procedure["performedDateTime"] == "2024-03-01"
        details = {e["url"]: e for e in procedure["extension"][0]["extension"]}
        assert details["needle-gauge"] == {"url": "needle-gauge", "valueInteger": 22}
        assert details["approach"]["valueString"] == "interlaminar"

    def test_a_registry_manager_of_another_center_reads_the_pseudonymous_bundle(self, world, record):
        assert everything(world.manager, record.patient.registry_id).status_code == 200

    @pytest.mark.parametrize("who", ["clinician_b", "coordinator_b", "outsider"])
    def test_users_outside_the_center_get_not_found(self, world, record, who):
        response = everything(getattr(world, who), record.patient.registry_id)
        assert response.status_code == 404
        assert outcome_codes(response) == ["not_visible"]

    def test_an_unknown_patient_is_not_found(self, world, record):
        response = everything(world.clinician_a, "KZ-0000-0000")
        assert response.status_code == 404 and outcome_codes(response) == ["not_visible"]

    def test_anonymous_calls_must_authenticate(self, record):
        response = FhirClient().get(f"Patient/{record.patient.registry_id}/$everything")
        assert response.status_code == 401 and outcome_codes(response) == ["not_authenticated"]
        assert response["WWW-Authenticate"] == "Bearer"

    def test_a_wrong_token_is_refused(self, record):
        client = FhirClient()
        client.headers["Authorization"] = "Bearer qadam_nope_nope"
        assert outcome_codes(client.get(f"Patient/{record.patient.registry_id}/$everything")) == ["token_invalid"]

    def test_the_session_works_too(self, world, record):
        response = FhirClient(world.clinician_a, session=True).get(f"Patient/{record.patient.registry_id}/$everything")
        assert response.status_code == 200

    def test_the_read_is_audited(self, world, record):
        everything(world.clinician_a, record.patient.registry_id)
        entry = AuditEntry.objects.filter(action="export").latest("pk")
        assert entry.patient_registry_id == record.patient.registry_id

    def test_wrong_method_and_unknown_address(self, world, record):
        client = FhirClient(world.clinician_a)
        response = client.post(f"Patient/{record.patient.registry_id}/$everything", {})
        assert response.status_code == 405 and response["Allow"] == "GET"
        assert outcome_codes(response) == ["method_not_allowed"]
        missing = client.get("Nothing/here")
        assert missing.status_code == 404 and outcome_codes(missing) == ["route_not_found"]


class TestDefinitions:
    def test_the_capability_statement_is_open_and_valid(self, db):
        response = FhirClient().get("metadata")
        assert response.status_code == 200
        statement = response.json()
        validate_resource(statement)
        assert statement["fhirVersion"] == "4.0.1"
        kinds = {r["type"] for r in statement["rest"][0]["resource"]}
        assert kinds >= set(RESOURCE_TYPES) | {"Questionnaire", "CodeSystem"}

    def test_questionnaires_and_code_systems_are_served(self, world):
        client = FhirClient(world.clinician_a)
        questionnaire = client.get("Questionnaire/chop-intend").json()
        assert questionnaire["url"] == "https://qadam.kz/fhir/Questionnaire/chop-intend"
        validate_resource(questionnaire)
        assert client.get("CodeSystem/phq9").json()["resourceType"] == "CodeSystem"
        assert client.get("CodeSystem/not-tested-reason").status_code == 200
        assert client.get("Questionnaire/nothing").status_code == 404


def export_lines(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


class TestBulkExportOverHttp:
    def test_a_registry_manager_gets_a_manifest_then_each_type_as_ndjson(self, world, record, patient_b):
        build_record(world, patient_b, by=world.clinician_b)
        client = FhirClient(world.manager)
        manifest = client.get("$export").json()
        assert [o["type"] for o in manifest["output"]] == list(RESOURCE_TYPES)
        assert manifest["output"][0]["url"] == "http://testserver/fhir/r4/$export?_type=Patient"
        for kind in RESOURCE_TYPES:
            response = client.get(f"$export?_type={kind}")
            assert response.status_code == 200 and response.streaming
            assert response["Content-Type"].startswith("application/fhir+ndjson")
            lines = export_lines(response)
            assert lines and all(line["resourceType"] == kind for line in lines)
            for line in lines:
                validate_resource(line)
        patients = export_lines(client.get("$export?_type=Patient"))
        assert sorted(p["id"] for p in patients) == sorted([record.patient.registry_id, patient_b.registry_id])

    def test_one_center_only(self, world, record, patient_b):
        lines = export_lines(FhirClient(world.manager).get("$export?_type=Patient,Encounter&center=center-a"))
        assert {line["subject"]["reference"] for line in lines if "subject" in line} == {
            f"Patient/{record.patient.registry_id}"
        }
        assert [line["id"] for line in lines if line["resourceType"] == "Patient"] == [record.patient.registry_id]

    @pytest.mark.parametrize("who", ["clinician_a", "coordinator_a", "clinician_b", "outsider"])
    def test_only_registry_managers_export_in_bulk(self, world, record, who):
        response = FhirClient(getattr(world, who)).get("$export?_type=Patient")
        assert response.status_code == 403 and outcome_codes(response) == ["not_allowed"]

    def test_bad_parameters(self, world, record):
        client = FhirClient(world.manager)
        unknown = client.get("$export?_type=Patient,Medication")
        assert unknown.status_code == 400 and outcome_codes(unknown) == ["unknown_type"]
        center = client.get("$export?_type=Patient&center=nowhere")
        assert center.status_code == 422 and outcome_codes(center) == ["center_unknown"]

    def test_the_export_is_audited(self, world, record):
        export_lines(FhirClient(world.manager).get("$export?_type=Patient"))
        entry = AuditEntry.objects.filter(action="export", object_type="fhir.bulk").latest("pk")
        assert entry.actor_username == "manager"


class TestBulkExportQueries:
    def test_queries_do_not_grow_with_the_cohort(self, world, record):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                for kind in RESOURCE_TYPES:
                    list(resources_of_type(kind, Cohort()))
            return len(captured.captured_queries)

        before = queries()
        for _ in range(3):
            build_record(world, make_patient(world.clinician_a, world.center_a))
        assert queries() == before <= len(RESOURCE_TYPES) + 2


class TestExportCommand:
    def test_it_writes_one_valid_ndjson_file_per_type_with_progress(self, world, record, tmp_path):
        out, err = io.StringIO(), io.StringIO()
        call_command("export", "fhir", "--out", str(tmp_path / "fhir"), stdout=out, stderr=err)
        files = sorted(p.name for p in (tmp_path / "fhir").iterdir())
        assert files == sorted(f"{kind}.ndjson" for kind in RESOURCE_TYPES)
        for kind in RESOURCE_TYPES:
            for line in (tmp_path / "fhir" / f"{kind}.ndjson").read_text(encoding="utf-8").splitlines():
                resource = json.loads(line)
                assert resource["resourceType"] == kind
                validate_resource(resource)
        assert "Patient: 1 resources" in err.getvalue() and "done" in err.getvalue()
        assert "Wrote" in out.getvalue() and "Observation 3" in out.getvalue()

    def test_one_center_and_chosen_types(self, world, record, patient_b, tmp_path):
        build_record(world, patient_b, by=world.clinician_b)
        call_command(
            "export", "fhir", "--out", str(tmp_path), "--center", "center-b", "--type", "Patient", "--quiet",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
        assert [p.name for p in tmp_path.iterdir()] == ["Patient.ndjson"]
        assert json.loads((tmp_path / "Patient.ndjson").read_text())["id"] == patient_b.registry_id

    def test_an_unknown_center_is_refused(self, world, tmp_path):
        with pytest.raises(CommandError, match="nowhere"):
            call_command("export", "fhir", "--out", str(tmp_path), "--center", "nowhere")


class TestFastResponses:
    """The export writes responses from cached JSON fragments: the same resources as ``response_for``."""

    @pytest.mark.parametrize("code", sorted(__import__("qadam.scales", fromlist=["INSTRUMENTS"]).INSTRUMENTS))
    @pytest.mark.parametrize("pick", [min, max], ids=["lowest", "highest"])
    def test_the_json_is_the_resource(self, code, pick):
        from qadam import scales
        from qadam.interop.fhir.responses import response_for, response_json

        from ..scales.examples import example_context, full_responses

        instrument = scales.get(code)
        responses, context = full_responses(instrument, pick), example_context(instrument)
        result = scales.score(code, responses, context)
        common = {"result": result, "subject": "Patient/KZ-AAAA-BBBB", "authored": "2024-01-02", "response_id": "7"}
        expected = response_for(code, responses, context, **common)
        text = response_json(code, responses, context, encounter="Encounter/3", **common)
        assert json.loads(text) == {**expected, "encounter": {"reference": "Encounter/3"}}
        validate_resource(json.loads(text))
        # twice: the second answer comes from the cached fragments
        assert response_json(code, responses, context, encounter="Encounter/3", **common) == text

    def test_not_tested_items_and_unknown_answers(self):
        from qadam.interop.errors import InteropError
        from qadam.interop.fhir.responses import response_for, response_json

        for code, responses in (
            ("hfmse", {"1": {"not_tested": "refused"}, "2": 1}),
            ("6mwt", {"distance_m": {"not_tested": "refused"}}),
        ):
            assert json.loads(response_json(code, responses)) == response_for(code, responses)
        with pytest.raises(InteropError):
            response_json("phq9", {"1": 9}, result=__import__("types").SimpleNamespace(total=None, subscores={}))
