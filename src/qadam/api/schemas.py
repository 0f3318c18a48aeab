"""Request and response bodies of the API (Pydantic models through django-ninja).

Inputs refuse unknown fields (a misspelt field is an error, not silently ignored) and text with NUL
characters; what a value must mean (a date not in the future, a valid IIN, an ICD-10 code the
registry offers) is decided by the services, so the web app and the API give the same answer.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from qadam import scales
from qadam.assessments.models import Status, VisitKind
from qadam.patients.models import Sex

T = TypeVar("T")
BIGINT = 2**63 - 1


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("text_null_character", "The text contains a NUL character, which cannot be stored.")
    return value


PlainText = Annotated[str, AfterValidator(_without_nul)]
RowVersion = Annotated[int, Field(ge=0, le=BIGINT, description="The `row_version` you read; a stale one is a 409.")]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """Base of the answers' bodies: plain Pydantic models.

    ``shapes.py`` hands over plain dictionaries, which pydantic-core validates by itself; django-ninja's
    ``Schema`` would first wrap every object of the answer in its attribute resolver (Python code per
    field), which made a timeline page about ten times as costly to validate. Objects with attributes
    are still accepted (``from_attributes``), and the OpenAPI document is the same.
    """

    model_config = ConfigDict(from_attributes=True)


class Page(Output, Generic[T]):
    """One page of a list."""

    items: list[T]
    count: int = Field(description="Number of items in the whole list")
    page: int
    page_size: int
    next: str | None = Field(description="Address of the next page, if any")
    previous: str | None = Field(description="Address of the previous page, if any")


# -- people and centers ----------------------------------------------------------------------------


class MembershipOut(Output):
    center: str
    center_name: str
    role: str


class MeOut(Output):
    username: str
    language: str | None
    registry_manager: bool
    memberships: list[MembershipOut]


class TokenIn(Input):
    name: PlainText = Field("", max_length=100, description="What the token is for, e.g. the name of a script")


class TokenOut(Output):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The secret: shown only in this answer, never again")


# -- patients and diagnoses ------------------------------------------------------------------------


class IdentityOut(Output):
    full_name: str
    iin: str


class PatientOut(Output):
    registry_id: str
    center: str
    birth_date: datetime.date
    sex: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    row_version: int
    identity: IdentityOut | None = Field(
        description="Name and IIN: only for staff of the patient's own center, otherwise null"
    )


class PatientIn(Input):
    center: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")] = Field(
        description="Code of one of your centers where you enter data"
    )
    birth_date: datetime.date
    sex: Literal[tuple(Sex.values)]  # type: ignore[valid-type]
    full_name: PlainText = Field("", max_length=200)
    iin: PlainText = Field("", max_length=20, description="12 digits; the check digit is verified")


class DiagnosisIn(Input):
    icd10: PlainText = Field(max_length=8, description="An ICD-10 code the registry offers, e.g. G12.1")
    diagnosed_on: datetime.date
    is_primary: bool = False
    note: PlainText = Field("", max_length=5000)


class DiagnosisOut(Output):
    id: int
    icd10: str
    title: str
    diagnosed_on: datetime.date
    is_primary: bool
    note: str


class PermissionsOut(Output):
    view_identity: bool
    edit: bool
    sign: bool
    read_audit: bool


class SmaGeneticsOut(Output):
    smn1_status: str
    smn2_copies: int | None
    tested_on: datetime.date | None


class SmaStatusOut(Output):
    recorded_on: datetime.date
    sma_type: str
    functional_status: str


class ConsentOut(Output):
    id: int
    kind: str
    given_on: datetime.date
    withdrawn_on: datetime.date | None
    note: str


class PatientDetailOut(PatientOut):
    age_years: int
    permissions: PermissionsOut
    diagnoses: list[DiagnosisOut]
    sma_genetics: SmaGeneticsOut | None
    sma_statuses: list[SmaStatusOut]
    consents: list[ConsentOut]


# -- visits and assessments ------------------------------------------------------------------------


class AssessmentSummaryOut(Output):
    id: int
    visit_id: int
    instrument: str
    status: str
    assessed_on: datetime.date
    total: float | None
    band: str | None
    complete: bool
    scoring_version: str
    row_version: int


class VisitIn(Input):
    visit_date: datetime.date
    kind: Literal[tuple(VisitKind.values)]  # type: ignore[valid-type]
    note: PlainText = Field("", max_length=5000)


class VisitOut(Output):
    id: int
    patient: str
    visit_date: datetime.date
    kind: str
    center: str
    note: str
    created_by: str
    created_at: datetime.datetime
    assessments: list[AssessmentSummaryOut]


class TimelineOut(Page[VisitOut]):
    """A patient's record header and one page of their visits, newest first, each with its assessments."""

    patient: PatientOut


Responses = Annotated[
    dict[str, Any],
    Field(
        description=(
            'Item id -> value (a choice code or a number), or {"not_tested": "<reason>", "note": "…"} '
            "where the instrument allows it. Missing items are simply left out."
        )
    ),
]
Context = Annotated[dict[str, Any], Field(description="Values the scoring needs besides the items (sex, age, side …)")]


class AssessmentCreateIn(Input):
    instrument: Literal[tuple(scales.INSTRUMENTS)] = Field(  # type: ignore[valid-type]
        description="Instrument code, as listed at /api/v1/instruments"
    )
    responses: Responses = Field(default_factory=dict)
    context: Context = Field(default_factory=dict)
    status: Literal["draft", "completed", "signed"] = Field(
        "draft", description="`completed` and `signed` need every item answered or not tested"
    )
    password: str | None = Field(None, max_length=4096, description="Your password; required to sign")


class AssessmentSaveIn(Input):
    responses: Responses
    context: Context | None = Field(None, description="Omit to keep the stored context")
    row_version: RowVersion


class AssessmentCompleteIn(Input):
    row_version: RowVersion


class AssessmentSignIn(Input):
    password: str = Field(max_length=4096, description="Your password, checked again before signing")
    row_version: RowVersion | None = None


class AssessmentAmendIn(Input):
    responses: Responses
    context: Context | None = Field(None, description="Omit to keep the stored context")
    reason: PlainText = Field(max_length=5000, description="Why the signed record is changed (required)")
    row_version: RowVersion


class RevisionOut(Output):
    number: int
    status_before: str
    instrument_version: str
    assessed_on: datetime.date
    responses: dict[str, Any]
    context: dict[str, Any]
    result: dict[str, Any] | None
    total: float | None
    band: str | None
    scoring_version: str
    signed_by: str | None
    signed_at: datetime.datetime | None
    reason: str
    author: str
    created_at: datetime.datetime


class AssessmentOut(Output):
    id: int
    visit_id: int
    patient: str
    instrument: str
    instrument_version: str
    status: Literal[tuple(Status.values)]  # type: ignore[valid-type]
    assessed_on: datetime.date
    responses: dict[str, Any]
    context: dict[str, Any]
    result: dict[str, Any] | None
    total: float | None
    band: str | None
    scoring_version: str
    row_version: int
    rater: str
    signed_by: str | None
    signed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class AssessmentDetailOut(AssessmentOut):
    revisions: list[RevisionOut] = Field(description="Earlier signed versions that were amended, oldest first")


# -- instruments ---------------------------------------------------------------------------------------

Label = dict[str, str]
Number = int | float


class InstrumentSummaryOut(Output):
    code: str
    name: str
    title: Label
    version: str
    scoring_version: str
    domain: str
    item_count: int
    total_range: list[Number | None] | None
    higher_is_better: bool | None
    licence: str


class ChoiceOut(Output):
    code: int | str
    points: Number | None
    label: Label | None


class ItemOut(Output):
    id: str
    label: Label
    kind: Literal["choice", "number"]
    choices: list[ChoiceOut]
    minimum: Number | None
    maximum: Number | None
    unit: str | None
    integer: bool
    side: str | None
    group: str | None
    not_tested_allowed: bool
    scored: bool
    required: bool


class ContextFieldOut(Output):
    name: str
    label: Label
    kind: str
    choices: list[str]
    minimum: Number | None
    maximum: Number | None
    unit: str | None
    required: bool


class BandOut(Output):
    low: Number
    high: Number
    code: str
    label: Label


class MeaningfulChangeOut(Output):
    value: Number
    kind: str
    source: str


class SubscaleOut(Output):
    id: str
    label: Label
    items: list[str]
    minimum: Number
    maximum: Number | None
    bands: list[BandOut]
    mcid: MeaningfulChangeOut | None


class LoincOut(Output):
    panel: str | None
    total: str | None
    items: dict[str, str]


class NotTestedReasonOut(Output):
    code: str
    label: Label


class InstrumentOut(InstrumentSummaryOut):
    population: Label
    citation: str
    scoring_rule: str
    items: list[ItemOut]
    groups: dict[str, Label]
    context: list[ContextFieldOut]
    subscales: list[SubscaleOut]
    bands: list[BandOut]
    mcid: MeaningfulChangeOut | None
    loinc: LoincOut
    notes: list[str]
    not_tested_reasons: list[NotTestedReasonOut]
