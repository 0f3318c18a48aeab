"""The patient record on screen: diagnoses, SMA genetics and status, consents and corrected details.

Every screen is tried with a writer of the patient's center (inside), a clinician of another center
(outside: 404, nothing saved), a registry manager who sees the patient but writes nothing (403), and
nobody signed in. Each write leaves its audit entry; bad input gets a message in the user's language
and changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from qadam.audit.models import AuditEntry
from qadam.patients import services
from qadam.patients.models import Consent, Diagnosis, Patient, PatientIdentity, SmaGenetics, SmaStatus
from qadam.web.forms import code_matches

from .conftest import signed_in

TODAY = datetime.date.today()
FUTURE = (TODAY + datetime.timedelta(days=30)).isoformat()
BAD_DATES = ["2026-02-30", "yesterday", "99999-01-01", "2026-13-01", "-1", "x" * 5000, "2020-01-01\x00"]


def url(name: str, patient, *args) -> str:
    return reverse(name, args=[patient.registry_id, *args])


def entries_for(obj, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action).order_by(
            "seq"
        )
    )


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def sma_patient(world, patient_a):
    """Patient A with SMA: G12.1 as primary diagnosis."""
    services.diagnosis_add(
        by=world.clinician_a,
        patient=patient_a,
        icd10="G12.1",
        diagnosed_on=datetime.date(1991, 6, 1),
        is_primary=True,
    )
    return patient_a


@pytest.fixture
def consent_a(world, patient_a):
    return services.consent_record(
        by=world.clinician_a, patient=patient_a, kind="registry", given_on=datetime.date(2024, 5, 2)
    )


@pytest.fixture
def screens(sma_patient, consent_a):
    return {
        "patient_edit": url("patient_edit", sma_patient),
        "diagnosis_new": url("diagnosis_new", sma_patient),
        "sma_genetics_edit": url("sma_genetics_edit", sma_patient),
        "sma_status_new": url("sma_status_new", sma_patient),
        "consent_new": url("consent_new", sma_patient),
        "consent_withdraw": url("consent_withdraw", sma_patient, consent_a.pk),
    }


SCREENS = ["patient_edit", "diagnosis_new", "sma_genetics_edit", "sma_status_new", "consent_new", "consent_withdraw"]


# ---- who may open and send each screen -----------------------------------------------------------


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("persona", ["clinician_a", "coordinator_a"])
def test_a_writer_of_the_patient_center_opens_the_screen(world, screens, name, persona):
    response = signed_in(getattr(world, persona)).get(screens[name])
    assert response.status_code == 200
    assert 'class="q-error-summary"' not in page_of(response)


@pytest.mark.parametrize("name", SCREENS)
def test_a_user_of_another_center_gets_not_found_and_changes_nothing(world, screens, name):
    client = signed_in(world.clinician_b)
    before = AuditEntry.objects.count()
    assert client.get(screens[name]).status_code == 404
    response = client.post(screens[name], VALID_POSTS[name]())
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("persona", ["manager", "trainer_a"])
def test_a_reader_who_does_not_write_clinical_data_is_refused(world, screens, name, persona):
    client = signed_in(getattr(world, persona))
    before = AuditEntry.objects.count()
    assert client.get(screens[name]).status_code == 403
    assert client.post(screens[name], VALID_POSTS[name]()).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", SCREENS)
def test_nobody_signed_in_is_sent_to_sign_in(client, screens, name):
    response = client.get(screens[name])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(world, screens, name, method):
    assert getattr(signed_in(world.clinician_a), method)(screens[name]).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/patients/KZ-0000-0000/edit/",
        "/patients/KZ-0000-0000/diagnoses/new/",
        "/patients/KZ-0000-0000/sma/genetics/",
        "/patients/KZ-0000-0000/sma/status/new/",
        "/patients/KZ-0000-0000/consents/new/",
        "/patients/KZ-0000-0000/consents/1/withdraw/",
        "/patients/KZ-0000-0000/consents/99999999999999999999999/withdraw/",
        "/patients/KZ-0000-0000/consents/abc/withdraw/",
    ],
)
def test_unknown_records_answer_not_found(world, path):
    assert signed_in(world.clinician_a).get(path).status_code == 404


# ---- the patient page offers the screens to writers only -----------------------------------------


def test_the_patient_page_offers_every_record_screen_to_a_writer(world, screens, sma_patient):
    page = page_of(signed_in(world.clinician_a).get(url("patient_detail", sma_patient)))
    for name in SCREENS:
        assert f'href="{screens[name]}"' in page, name


@pytest.mark.parametrize("persona", ["trainer_a", "manager"])
def test_the_patient_page_offers_no_record_screen_to_readers(world, screens, sma_patient, persona):
    page = page_of(signed_in(getattr(world, persona)).get(url("patient_detail", sma_patient)))
    for name in SCREENS:
        assert screens[name] not in page, name


def test_sma_screens_are_offered_only_for_a_patient_with_an_sma_diagnosis(world, patient_a):
    client = signed_in(world.clinician_a)
    page = page_of(client.get(url("patient_detail", patient_a)))
    assert url("sma_genetics_edit", patient_a) not in page and url("sma_status_new", patient_a) not in page
    services.diagnosis_add(
        by=world.clinician_a, patient=patient_a, icd10="G12.0", diagnosed_on=datetime.date(1990, 5, 1)
    )
    page = page_of(client.get(url("patient_detail", patient_a)))
    assert url("sma_genetics_edit", patient_a) in page and url("sma_status_new", patient_a) in page


def test_a_withdrawn_consent_offers_no_withdrawal(world, patient_a, consent_a):
    services.consent_withdraw(by=world.clinician_a, consent=consent_a, withdrawn_on=datetime.date(2025, 1, 3))
    page = page_of(signed_in(world.clinician_a).get(url("patient_detail", patient_a)))
    assert url("consent_withdraw", patient_a, consent_a.pk) not in page
    assert "3 January 2025" in page


# ---- diagnoses -----------------------------------------------------------------------------------


def diagnosis_post(**fields):
    return {"icd10": "I63.9", "diagnosed_on": "2024-04-01", "is_primary": "on", "note": "CT confirmed", **fields}


def test_a_diagnosis_is_added_audited_and_shown_in_the_user_language(world, patient_a):
    client = signed_in(world.clinician_a, "ru")
    response = client.post(url("diagnosis_new", patient_a), diagnosis_post())
    assert response.status_code == 302
    assert response["Location"] == url("patient_detail", patient_a) + "#condition"
    diagnosis = Diagnosis.objects.get(patient=patient_a)
    assert (diagnosis.icd10_id, diagnosis.diagnosed_on, diagnosis.is_primary, diagnosis.note) == (
        "I63.9",
        datetime.date(2024, 4, 1),
        True,
        "CT confirmed",
    )
    (entry,) = entries_for(diagnosis, "create")
    assert entry.actor_username == "clinician_a" and entry.patient_registry_id == patient_a.registry_id
    assert entry.changes["icd10"] == [None, "I63.9"]
    page = page_of(client.get(url("patient_detail", patient_a)))
    assert "I63.9" in page and "Инфаркт мозга" in page and "CT confirmed" in page


def test_a_new_primary_diagnosis_makes_the_previous_one_secondary(world, sma_patient):
    client = signed_in(world.clinician_a)
    client.post(url("diagnosis_new", sma_patient), diagnosis_post(icd10="G70.0"))
    primary = {d.icd10_id: d.is_primary for d in Diagnosis.objects.filter(patient=sma_patient)}
    assert primary == {"G12.1": False, "G70.0": True}
    previous = Diagnosis.objects.get(patient=sma_patient, icd10="G12.1")
    assert entries_for(previous, "update")[-1].changes == {"is_primary": [True, False]}


def test_the_primary_box_is_ticked_only_while_the_patient_has_no_primary_diagnosis(world, patient_a):
    client = signed_in(world.clinician_a)
    assert 'id="id_is_primary" checked' in page_of(client.get(url("diagnosis_new", patient_a)))
    client.post(url("diagnosis_new", patient_a), diagnosis_post())
    assert 'id="id_is_primary" checked' not in page_of(client.get(url("diagnosis_new", patient_a)))


def test_a_secondary_diagnosis_leaves_the_primary_one(world, sma_patient):
    post = diagnosis_post(icd10="M54.5")
    del post["is_primary"]
    signed_in(world.clinician_a).post(url("diagnosis_new", sma_patient), post)
    primary = {d.icd10_id: d.is_primary for d in Diagnosis.objects.filter(patient=sma_patient)}
    assert primary == {"G12.1": True, "M54.5": False}


def test_the_codes_are_grouped_by_condition_with_titles_in_kazakh(world, patient_a):
    page = page_of(signed_in(world.clinician_a, "kk").get(url("diagnosis_new", patient_a)))
    assert '<optgroup label="Жұлындық бұлшықет атрофиясы">' in page
    assert '<option value="G12.1">G12.1 Тұқым қуалайтын басқа жұлындық бұлшықет атрофиялары</option>' in page
    # The SMA group comes first, stroke after it.
    assert page.index('value="G12.0"') < page.index('value="I63.9"')


@pytest.mark.parametrize(
    "lang,query,found,not_found",
    [
        ("ru", "атрофия", ["G12.0", "G12.1", "G12.9"], ["I63.9", "G70.0"]),
        ("ru", "инфаркт мозга", ["I63.9"], ["G12.1", "I61.9"]),
        ("en", "g12.1", ["G12.1"], ["G12.0"]),
        ("en", "G121", ["G12.1"], ["G12.0"]),
        ("en", "atrophy", ["G12.1", "G12.8"], ["M54.5"]),
        ("kk", "миастения", ["G70.0"], ["G12.1"]),
    ],
)
def test_the_code_list_is_searched_by_code_or_title_in_the_user_language(
    world, patient_a, lang, query, found, not_found
):
    page = page_of(signed_in(world.clinician_a, lang).get(url("diagnosis_new", patient_a), {"q": query}))
    for code in found:
        assert f'value="{code}"' in page, code
    for code in not_found:
        assert f'value="{code}"' not in page, code


def test_a_search_without_match_says_so_and_keeps_every_code(world, patient_a):
    page = page_of(signed_in(world.clinician_a).get(url("diagnosis_new", patient_a), {"q": "zzzz"}))
    assert "No code matches “zzzz”; every code is listed." in page
    assert 'value="G12.1"' in page and 'value="I63.9"' in page


def test_a_code_chosen_before_a_narrower_search_stays_in_the_list(world, patient_a):
    response = signed_in(world.clinician_a).post(
        url("diagnosis_new", patient_a) + "?q=stroke", diagnosis_post(icd10="G12.1", diagnosed_on="")
    )
    page = page_of(response)
    assert response.status_code == 400
    assert '<option value="G12.1" selected>' in page
    assert 'value="G12.0"' not in page


@pytest.mark.parametrize("query", ["x" * 5000, "\x00", "%", "' OR 1=1 --", "[", ".", "   "])
def test_any_search_answers_with_the_form(world, patient_a, query):
    response = signed_in(world.clinician_a).get(url("diagnosis_new", patient_a), {"q": query})
    assert response.status_code == 200
    assert 'name="icd10"' in page_of(response)


def test_search_matching_tolerates_word_endings_but_codes_stay_exact():
    assert code_matches("атрофия", "G12.1", "Другие наследственные спинальные мышечные атрофии")
    assert code_matches("жұлындық атрофиясы", "G12.9", "Жұлындық бұлшықет атрофиясы, анықталмаған")
    assert not code_matches("I63.1", "I63.9", "Cerebral infarction, unspecified")
    assert not code_matches("G12 stroke", "G12.1", "Other inherited spinal muscular atrophy")


@pytest.mark.parametrize(
    "icd10,message",
    [
        ("Z99.9", "“Z99.9” is not an ICD-10 code the registry offers."),
        ("g12.1", "“g12.1” is not an ICD-10 code the registry offers."),
        ("", "Choose the ICD-10 code of the diagnosis."),
        ("G12.1" * 1000, "is not an ICD-10 code the registry offers."),
    ],
)
def test_an_unknown_code_is_refused_with_a_message(world, patient_a, icd10, message):
    response = signed_in(world.clinician_a).post(url("diagnosis_new", patient_a), diagnosis_post(icd10=icd10))
    assert response.status_code == 400
    page = page_of(response)
    assert message in page and 'href="#id_icd10"' in page
    assert not Diagnosis.objects.exists()


@pytest.mark.parametrize("value", BAD_DATES)
def test_a_diagnosis_date_that_is_not_a_date_is_refused(world, patient_a, value):
    response = signed_in(world.clinician_a).post(url("diagnosis_new", patient_a), diagnosis_post(diagnosed_on=value))
    assert response.status_code == 400
    assert 'href="#id_diagnosed_on"' in page_of(response)
    assert not Diagnosis.objects.exists()


@pytest.mark.parametrize(
    "value,lang,message",
    [
        ("1980-01-01", "en", "The date cannot be before the date of birth"),
        (FUTURE, "ru", "Дата не может быть в будущем"),
        ("", "kk", "Диагноз қойылған күнді енгізіңіз."),
    ],
)
def test_a_diagnosis_date_breaking_a_rule_is_explained_in_the_user_language(world, patient_a, value, lang, message):
    response = signed_in(world.clinician_a, lang).post(
        url("diagnosis_new", patient_a), diagnosis_post(diagnosed_on=value)
    )
    assert response.status_code == 400 and message in page_of(response)
    assert not Diagnosis.objects.exists()


def test_a_note_with_a_nul_character_is_refused(world, patient_a):
    response = signed_in(world.clinician_a).post(url("diagnosis_new", patient_a), diagnosis_post(note="a\x00b"))
    assert response.status_code == 400 and not Diagnosis.objects.exists()


# ---- SMA genetics and status -----------------------------------------------------------------------


def genetics_post(**fields):
    return {"smn1_status": "homozygous_deletion", "smn2_copies": "2", "tested_on": "2020-02-03", **fields}


def status_post(**fields):
    return {"recorded_on": "2025-09-01", "sma_type": "2", "functional_status": "sitter", **fields}


@pytest.mark.parametrize("name", ["sma_genetics_edit", "sma_status_new"])
def test_sma_screens_send_a_patient_without_sma_back_with_the_reason(world, patient_a, name):
    client = signed_in(world.clinician_a)
    data = genetics_post() if name == "sma_genetics_edit" else status_post()
    response = client.post(url(name, patient_a), data, follow=True)
    assert response.redirect_chain[-1][0] == url("patient_detail", patient_a) + "#condition"
    assert "Add the diagnosis first." in page_of(response)
    assert not SmaGenetics.objects.exists() and not SmaStatus.objects.exists()


def test_sma_genetics_are_recorded_and_audited(world, sma_patient):
    client = signed_in(world.clinician_a, "ru")
    response = client.post(url("sma_genetics_edit", sma_patient), genetics_post())
    assert response.status_code == 302
    genetics = SmaGenetics.objects.get(patient=sma_patient)
    assert (genetics.smn1_status, genetics.smn2_copies, genetics.tested_on) == (
        "homozygous_deletion",
        2,
        datetime.date(2020, 2, 3),
    )
    (entry,) = entries_for(genetics, "create")
    assert entry.changes["smn2_copies"] == [None, 2] and entry.actor_username == "clinician_a"
    page = page_of(client.get(url("patient_detail", sma_patient)))
    assert "Гомозиготная делеция SMN1" in page


def test_an_unknown_smn2_copy_number_is_stored_as_unknown(world, sma_patient):
    signed_in(world.clinician_a).post(
        url("sma_genetics_edit", sma_patient), genetics_post(smn2_copies="unknown", tested_on="")
    )
    genetics = SmaGenetics.objects.get(patient=sma_patient)
    assert genetics.smn2_copies is None and genetics.tested_on is None


def test_correcting_the_genetics_keeps_the_reason_in_the_audit_log(world, sma_patient):
    client = signed_in(world.clinician_a)
    client.post(url("sma_genetics_edit", sma_patient), genetics_post())
    page = page_of(client.get(url("sma_genetics_edit", sma_patient)))
    assert "Correct the SMA genetics" in page and 'id="id_reason"' in page
    assert 'value="2" id="id_smn2_copies_2" checked' in page or 'id="id_smn2_copies_2" checked' in page
    client.post(
        url("sma_genetics_edit", sma_patient),
        genetics_post(smn2_copies="3", reason="Repeat MLPA at the republican lab"),
    )
    genetics = SmaGenetics.objects.get(patient=sma_patient)
    (entry,) = entries_for(genetics, "update")
    assert entry.changes == {"smn2_copies": [2, 3]} and entry.reason == "Repeat MLPA at the republican lab"


@pytest.mark.parametrize(
    "fields,anchor,message",
    [
        ({"smn2_copies": "9"}, "id_smn2_copies", "Choose an SMN2 copy number from 0 to 8, or “not known”."),
        ({"smn2_copies": "99999999999999999999999"}, "id_smn2_copies", "from 0 to 8"),
        ({"smn2_copies": "-1"}, "id_smn2_copies", "from 0 to 8"),
        ({"smn2_copies": ""}, "id_smn2_copies", "Choose the SMN2 copy number, or “not known”."),
        ({"smn1_status": "deleted"}, "id_smn1_status", "Choose one of the SMN1 findings listed."),
        ({"tested_on": "2020-02-31"}, "id_tested_on", "Enter the date of the genetic test as a real date."),
        ({"tested_on": "1985-01-01"}, "id_tested_on", "cannot be before the date of birth"),
        ({"tested_on": FUTURE}, "id_tested_on", "cannot be in the future"),
    ],
)
def test_wrong_genetics_are_refused_field_by_field(world, sma_patient, fields, anchor, message):
    response = signed_in(world.clinician_a).post(url("sma_genetics_edit", sma_patient), genetics_post(**fields))
    assert response.status_code == 400
    page = page_of(response)
    assert f'href="#{anchor}"' in page and message in page
    assert not SmaGenetics.objects.exists()


def test_an_sma_status_is_added_to_the_history_and_audited(world, sma_patient):
    client = signed_in(world.clinician_a)
    client.post(url("sma_status_new", sma_patient), status_post(recorded_on="2023-01-10", functional_status="walker"))
    response = client.post(url("sma_status_new", sma_patient), status_post())
    assert response.status_code == 302
    statuses = list(SmaStatus.objects.filter(patient=sma_patient))
    assert [(s.recorded_on.year, s.functional_status) for s in statuses] == [(2023, "walker"), (2025, "sitter")]
    (entry,) = entries_for(statuses[-1], "create")
    assert entry.changes["functional_status"] == [None, "sitter"] and entry.actor_username == "clinician_a"
    page = page_of(client.get(url("patient_detail", sma_patient)))
    current = page[page.index('data-testid="sma-status"') :]
    assert current.index("Sitter") < current.index("Earlier records") < current.index("Walker")


def test_the_status_form_lists_what_was_recorded_before_in_russian(world, sma_patient):
    services.sma_status_add(
        by=world.clinician_a,
        patient=sma_patient,
        recorded_on=datetime.date(2022, 3, 4),
        sma_type="3",
        functional_status="walker",
    )
    page = page_of(signed_in(world.clinician_a, "ru").get(url("sma_status_new", sma_patient)))
    assert "4 марта 2022 г." in page
    assert 'value="3" id="id_sma_type_3" checked' in page or 'id="id_sma_type_3" checked' in page


@pytest.mark.parametrize(
    "fields,anchor",
    [
        ({"sma_type": "5"}, "id_sma_type"),
        ({"sma_type": "9" * 40}, "id_sma_type"),
        ({"sma_type": ""}, "id_sma_type"),
        ({"functional_status": "runner"}, "id_functional_status"),
        ({"recorded_on": "2025-02-29"}, "id_recorded_on"),
        ({"recorded_on": "1989-12-31"}, "id_recorded_on"),
        ({"recorded_on": FUTURE}, "id_recorded_on"),
    ],
)
def test_a_wrong_sma_status_is_refused(world, sma_patient, fields, anchor):
    response = signed_in(world.clinician_a).post(url("sma_status_new", sma_patient), status_post(**fields))
    assert response.status_code == 400 and f'href="#{anchor}"' in page_of(response)
    assert not SmaStatus.objects.exists()


# ---- consents -------------------------------------------------------------------------------------


def test_a_consent_is_recorded_and_audited(world, patient_a):
    client = signed_in(world.clinician_a, "kk")
    response = client.post(
        url("consent_new", patient_a), {"kind": "research", "given_on": "2025-11-20", "note": "Signed by the mother"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#consents")
    consent = Consent.objects.get(patient=patient_a)
    assert (consent.kind, consent.given_on, consent.note) == (
        "research",
        datetime.date(2025, 11, 20),
        "Signed by the mother",
    )
    (entry,) = entries_for(consent, "create")
    assert entry.changes == {"kind": [None, "research"], "given_on": [None, "2025-11-20"]}


@pytest.mark.parametrize(
    "fields,anchor",
    [
        ({"kind": "marketing"}, "id_kind"),
        ({"kind": ""}, "id_kind"),
        ({"given_on": ""}, "id_given_on"),
        ({"given_on": "31.02.2025"}, "id_given_on"),
        ({"given_on": "1900-01-01"}, "id_given_on"),
        ({"given_on": FUTURE}, "id_given_on"),
        ({"note": "x" * 2001}, "id_note"),
    ],
)
def test_a_wrong_consent_is_refused(world, patient_a, fields, anchor):
    data = {"kind": "registry", "given_on": "2025-01-01", **fields}
    response = signed_in(world.clinician_a).post(url("consent_new", patient_a), data)
    assert response.status_code == 400 and f'href="#{anchor}"' in page_of(response)
    assert not Consent.objects.exists()


def test_a_consent_withdrawal_is_recorded_with_its_reason(world, patient_a, consent_a):
    client = signed_in(world.clinician_a)
    response = client.post(
        url("consent_withdraw", patient_a, consent_a.pk),
        {"withdrawn_on": "2025-06-30", "reason": "Written request of the patient"},
    )
    assert response.status_code == 302
    consent_a.refresh_from_db()
    assert consent_a.withdrawn_on == datetime.date(2025, 6, 30)
    (entry,) = entries_for(consent_a, "update")
    assert entry.changes == {"withdrawn_on": [None, "2025-06-30"]}
    assert entry.reason == "Written request of the patient" and entry.actor_username == "clinician_a"
    page = page_of(client.get(url("patient_detail", patient_a)))
    assert "withdrawn" in page and "30 June 2025" in page


def test_a_withdrawal_needs_no_reason(world, patient_a, consent_a):
    response = signed_in(world.clinician_a).post(
        url("consent_withdraw", patient_a, consent_a.pk), {"withdrawn_on": "2025-06-30"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "value,message",
    [
        ("2024-05-01", "The date cannot be before the consent was given"),
        ("", "Enter the date the consent was withdrawn."),
        ("2024-02-30", "Enter the date of withdrawal as a real date."),
        (FUTURE, "cannot be in the future"),
    ],
)
def test_a_wrong_withdrawal_date_is_refused(world, patient_a, consent_a, value, message):
    response = signed_in(world.clinician_a).post(
        url("consent_withdraw", patient_a, consent_a.pk), {"withdrawn_on": value}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert message in page and 'href="#id_withdrawn_on"' in page
    consent_a.refresh_from_db()
    assert consent_a.withdrawn_on is None


def test_a_consent_already_withdrawn_opens_no_withdrawal_form(world, patient_a, consent_a):
    services.consent_withdraw(by=world.clinician_a, consent=consent_a, withdrawn_on=datetime.date(2025, 1, 3))
    response = signed_in(world.clinician_a).get(url("consent_withdraw", patient_a, consent_a.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("patient_detail", patient_a) + "#consents"
    assert "This consent was already withdrawn on 3 January 2025." in page_of(response)


def test_a_withdrawal_recorded_meanwhile_by_someone_else_is_a_conflict(world, patient_a, consent_a):
    mine = signed_in(world.clinician_a, "ru")
    assert mine.get(url("consent_withdraw", patient_a, consent_a.pk)).status_code == 200
    # The coordinator records the withdrawal while the clinician's form is open.
    signed_in(world.coordinator_a).post(
        url("consent_withdraw", patient_a, consent_a.pk), {"withdrawn_on": "2025-01-03"}
    )
    response = mine.post(url("consent_withdraw", patient_a, consent_a.pk), {"withdrawn_on": "2025-06-30"})
    assert response.status_code == 409
    assert "Это согласие уже отозвано 3 января 2025 г." in page_of(response)
    consent_a.refresh_from_db()
    assert consent_a.withdrawn_on == datetime.date(2025, 1, 3)
    assert [e.actor_username for e in entries_for(consent_a, "update")] == ["coordinator_a"]


def test_a_consent_of_another_patient_cannot_be_withdrawn_through_this_patient(world, patient_a, patient_b):
    other = services.consent_record(
        by=world.clinician_b, patient=patient_b, kind="registry", given_on=datetime.date(2024, 1, 1)
    )
    response = signed_in(world.clinician_a).post(
        url("consent_withdraw", patient_a, other.pk), {"withdrawn_on": "2025-06-30"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_on is None


# ---- patient details ------------------------------------------------------------------------------


def edit_post(patient, **fields):
    return {
        "birth_date": "1990-01-02",
        "sex": "female",
        "full_name": "Aigerim Sadykova",
        "iin": "900101300007",
        "reason": "Birth certificate checked",
        "row_version": str(patient.row_version),
        **fields,
    }


def test_the_edit_form_shows_the_recorded_values_and_the_identity_to_the_own_center(world, patient_a):
    page = page_of(signed_in(world.clinician_a).get(url("patient_edit", patient_a)))
    assert 'value="1990-01-01"' in page and 'value="Aigerim Sadykova"' in page and 'value="900101300007"' in page
    assert f'name="row_version" value="{patient_a.row_version}"' in page


def test_details_are_corrected_with_a_reason_and_audited(world, patient_a):
    client = signed_in(world.clinician_a)
    response = client.post(url("patient_edit", patient_a), edit_post(patient_a, full_name="Aigerim Sadykova-Nur"))
    assert response.status_code == 302 and response["Location"].endswith("#who")
    patient = Patient.objects.get(pk=patient_a.pk)
    assert patient.birth_date == datetime.date(1990, 1, 2) and patient.row_version == patient_a.row_version + 1
    assert PatientIdentity.objects.get(patient=patient).full_name == "Aigerim Sadykova-Nur"
    (entry,) = entries_for(patient, "update")
    assert entry.reason == "Birth certificate checked" and entry.actor_username == "clinician_a"
    assert entry.changes["birth_date"] == ["1990-01-01", "1990-01-02"]
    # The log keeps the identity masked.
    assert entry.changes["full_name"] == ["A. S.", "A. S."]
    assert "Patient details saved" in page_of(client.get(response["Location"]))


def test_the_audit_page_names_the_corrected_fields_in_the_reader_language(world, patient_a):
    signed_in(world.clinician_a).post(
        url("patient_edit", patient_a), edit_post(patient_a, full_name="Aigerim Nur", iin="", reason="Свидетельство")
    )
    page = page_of(signed_in(world.coordinator_a, "ru").get(url("patient_audit", patient_a)))
    assert "ФИО" in page and "ИИН" in page and "Свидетельство" in page
    assert "Full_name" not in page and "Iin" not in page


def test_sending_the_same_values_changes_nothing(world, patient_a):
    client = signed_in(world.clinician_a)
    response = client.post(url("patient_edit", patient_a), edit_post(patient_a, birth_date="1990-01-01"), follow=True)
    assert "Nothing was changed" in page_of(response)
    assert Patient.objects.get(pk=patient_a.pk).row_version == patient_a.row_version
    assert not entries_for(patient_a, "update")


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(world, patient_a):
    other = signed_in(world.coordinator_a)
    mine = signed_in(world.clinician_a, "ru")
    assert (
        other.post(
            url("patient_edit", patient_a), edit_post(patient_a, birth_date="1990-01-01", sex="male")
        ).status_code
        == 302
    )
    response = mine.post(url("patient_edit", patient_a), edit_post(patient_a, birth_date="1991-01-01"))
    assert response.status_code == 409
    page = page_of(response)
    assert "Пока вы редактировали эту запись, её изменил другой пользователь" in page
    assert 'class="q-error-summary"' in page and 'value="1991-01-01"' in page
    patient = Patient.objects.get(pk=patient_a.pk)
    assert (patient.birth_date, patient.sex) == (datetime.date(1990, 1, 1), "male")
    assert len(entries_for(patient_a, "update")) == 1


@pytest.mark.parametrize("version", ["99999999999999999999999", "0", "2147483648"])
def test_any_version_other_than_the_current_one_is_a_conflict(world, patient_a, version):
    response = signed_in(world.clinician_a).post(
        url("patient_edit", patient_a), edit_post(patient_a, row_version=version)
    )
    assert response.status_code in (400, 409)
    assert Patient.objects.get(pk=patient_a.pk).birth_date == datetime.date(1990, 1, 1)


@pytest.mark.parametrize("version", ["", "abc", "-1", "1.0"])
def test_a_form_without_its_version_saves_nothing(world, patient_a, version):
    response = signed_in(world.clinician_a).post(
        url("patient_edit", patient_a), edit_post(patient_a, row_version=version)
    )
    assert response.status_code == 400
    assert "The form is incomplete: reload the page and enter the values again." in page_of(response)
    assert Patient.objects.get(pk=patient_a.pk).birth_date == datetime.date(1990, 1, 1)


@pytest.mark.parametrize(
    "fields,lang,anchor,message",
    [
        ({"reason": ""}, "en", "id_reason", "Give a reason for this change."),
        ({"reason": "   "}, "ru", "id_reason", "Укажите причину этого изменения."),
        ({"iin": "900101300008"}, "ru", "id_iin", "Контрольная цифра ИИН «900101300008» не совпадает"),
        ({"iin": "12345"}, "kk", "id_iin", "ЖСН дәл 12 цифрдан тұруы керек"),
        ({"iin": "9" * 40}, "en", "id_iin", "at most 32 characters"),
        ({"birth_date": "1990-02-30"}, "en", "id_birth_date", "Enter the date of birth as a real date"),
        ({"birth_date": FUTURE}, "en", "id_birth_date", "cannot be in the future"),
        ({"birth_date": "1899-12-31"}, "en", "id_birth_date", "cannot be before 1900"),
        ({"sex": "other"}, "en", "id_sex", "other"),
        ({"full_name": "x" * 201}, "en", "id_full_name", "at most 200 characters"),
        ({"full_name": "A\x00B"}, "en", "id_full_name", "Null characters are not allowed."),
    ],
)
def test_wrong_details_are_refused_with_the_reason(world, patient_a, fields, lang, anchor, message):
    response = signed_in(world.clinician_a, lang).post(url("patient_edit", patient_a), edit_post(patient_a, **fields))
    assert response.status_code == 400
    page = page_of(response)
    assert f'href="#{anchor}"' in page and message in page
    patient = Patient.objects.get(pk=patient_a.pk)
    assert (patient.birth_date, patient.row_version) == (datetime.date(1990, 1, 1), patient_a.row_version)
    assert PatientIdentity.objects.get(patient=patient).iin == "900101300007"


def test_a_missing_reason_and_a_wrong_iin_are_reported_together(world, patient_a):
    response = signed_in(world.clinician_a).post(
        url("patient_edit", patient_a), edit_post(patient_a, reason="", iin="900101300008")
    )
    page = page_of(response)
    assert response.status_code == 400
    assert 'href="#id_reason"' in page and 'href="#id_iin"' in page


def test_an_iin_of_another_patient_is_refused(world, patient_a):
    other = services.patient_register(
        by=world.clinician_a, center=world.center_a, birth_date=datetime.date(2001, 1, 1), sex="male"
    )
    response = signed_in(world.clinician_a).post(url("patient_edit", other), edit_post(other, full_name=""))
    assert response.status_code == 400
    assert "Another patient in the registry already has the IIN 900101300007." in page_of(response)
    assert not PatientIdentity.objects.filter(patient=other).exists()


# ---- every input a form can receive answers without a server error ------------------------------


def _valid_edit():
    return {"birth_date": "1990-01-01", "sex": "female", "reason": "x", "row_version": "1"}


VALID_POSTS = {
    "patient_edit": _valid_edit,
    "diagnosis_new": diagnosis_post,
    "sma_genetics_edit": genetics_post,
    "sma_status_new": status_post,
    "consent_new": lambda: {"kind": "registry", "given_on": "2025-01-01"},
    "consent_withdraw": lambda: {"withdrawn_on": "2025-01-01"},
}

ODD_VALUES = ["", " ", "0", "-0", "1e999", "NaN", "9" * 400, "x" * 10000, "\x00", "<script>", "1 OR 1=1", "٣"]


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_values_in_every_field_answer_without_a_server_error(world, screens, name, value):
    client = signed_in(world.clinician_a)
    for field in [*VALID_POSTS[name](), "unexpected"]:
        data = {**VALID_POSTS[name](), field: value}
        response = client.post(screens[name], data)
        assert response.status_code in (302, 400, 409), (field, response.status_code)
