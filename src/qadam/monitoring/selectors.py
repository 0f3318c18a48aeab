"""Reading monitoring protocols, what each patient has due, and the worklist of a user's centers.

Access comes from ``qadam.centers.selectors`` and ``qadam.patients.selectors``: a protocol is seen
by anyone who sees its center's patients; the worklist lists only the centers the user belongs to
(any role), even for registry managers, because it is a to-do list for the people who see the
patients. Due dates come from the pure ``qadam.monitoring.due`` and, for doses, from
``qadam.therapy.schedules.due_doses``.

The worklist of a center is computed from a fixed number of queries whatever the number of
patients (patients, diagnoses, SMA statuses, baseline visits, completed assessments, therapy courses
with their administrations, transition steps and the protocols in force): nothing is read per
patient. docs/monitoring.md gives the figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext, ngettext

from qadam import regimens, scales
from qadam.assessments.models import Assessment, Visit
from qadam.centers.models import Center, Role
from qadam.centers.selectors import can_see_patients, can_write_clinical, centers_for, is_registry_manager, roles_for
from qadam.core.exceptions import NotVisible
from qadam.patients.models import Diagnosis, Icd10Code, Patient, SmaStatus
from qadam.patients.selectors import REDACTED, ensure_visible, identity_visible
from qadam.regimens.calendar_months import add_months

from . import due
from .models import Condition, ProtocolVersion, TransitionItem, TransitionStep

DONE_STATUSES = ("completed", "signed", "amended")
CONDITION_OF_GROUP = {
    Icd10Code.Group.SMA: "sma",
    Icd10Code.Group.MG: "mg",
    Icd10Code.Group.STROKE: "stroke",
    Icd10Code.Group.PAIN: "pain",
}
TREATMENT_OF_CLASS = {
    "SMN2_ASO": ("sma", "nusinersen"),
    "SMN2_SMALL_MOLECULE": ("sma", "risdiplam"),
    "SMN1_GENE_THERAPY": ("sma", "onasemnogene"),
    "C5_INHIBITOR": ("mg", "c5_inhibitor"),
    "FCRN_BLOCKER": ("mg", "fcrn_blocker"),
    "ANTI_CD20": ("mg", "rituximab"),
    "IMMUNOMODULATION": ("mg", "ivig_plex"),
    "MG_STANDARD": ("mg", "standard"),
    "BOTULINUM_TOXIN_A": ("stroke", "botulinum"),
}
# Single-dose therapies count for the protocol for life once given (clinical.md §A.1.2 rows).
LIFELONG_TREATMENTS = frozenset({"onasemnogene"})
KIND_ASSESSMENT = "assessment"
KIND_DOSE = "dose"
KIND_TRANSITION = "transition"
KINDS = (KIND_ASSESSMENT, KIND_DOSE, KIND_TRANSITION)
STATES = (due.OVERDUE, due.UPCOMING)
TRANSITION_AGE = 18
DEFAULT_TRANSITION_MONTHS = 12
MAX_HORIZON_DAYS = 730


def transition_months() -> int:
    """Months before the 18th birthday from which a patient appears for transition (settings:
    ``QADAM_TRANSITION_MONTHS``, default 12)."""
    return int(getattr(settings, "QADAM_TRANSITION_MONTHS", DEFAULT_TRANSITION_MONTHS))


# --- protocols ------------------------------------------------------------------------------------


def can_edit_protocol(user: Any, center: Center | None) -> bool:
    """Registry managers edit every protocol (defaults included); a center's coordinator (the center
    lead) edits the center's own."""
    if is_registry_manager(user):
        return True
    return center is not None and Role.COORDINATOR in roles_for(user, center)


def ensure_protocol_visible(*, viewer: Any, center: Center | None) -> None:
    """Raise ``NotVisible`` unless the viewer sees the center's patients (defaults: any role anywhere)."""
    if center is None:
        if not (centers_for(viewer).exists() or is_registry_manager(viewer)):
            raise NotVisible()
    elif not can_see_patients(viewer, center):
        raise NotVisible(params={"center": center.code})


def default_version(condition: str) -> ProtocolVersion | None:
    return ProtocolVersion.objects.filter(center__isnull=True, condition=condition).order_by("-number").first()


def center_version(center: Center, condition: str) -> ProtocolVersion | None:
    return ProtocolVersion.objects.filter(center=center, condition=condition).order_by("-number").first()


@dataclass
class ProtocolView:
    """The protocol in force for a center and condition, with its history."""

    center: Center | None
    condition: str
    version: ProtocolVersion | None
    rows: list[due.ProtocolRow]
    is_default: bool
    history: list[ProtocolVersion]
    default_history: list[ProtocolVersion]
    can_edit: bool


def protocol_view(*, viewer: Any, center: Center | None, condition: str) -> ProtocolView:
    """The protocol in force for ``center`` (the default when the center has none) and every version."""
    ensure_protocol_visible(viewer=viewer, center=center)
    if condition not in Condition.values:
        raise NotVisible(params={"condition": condition})
    own = list(
        ProtocolVersion.objects.filter(center=center, condition=condition).select_related("created_by")
        if center is not None
        else []
    )
    defaults = list(
        ProtocolVersion.objects.filter(center__isnull=True, condition=condition).select_related("created_by")
    )
    own.sort(key=lambda v: -v.number)
    defaults.sort(key=lambda v: -v.number)
    version = own[0] if own else (defaults[0] if defaults else None)
    rows = [due.ProtocolRow.from_dict(r) for r in version.rows] if version else []
    return ProtocolView(
        center=center,
        condition=condition,
        version=version,
        rows=rows,
        is_default=not own,
        history=own if center is not None else defaults,
        default_history=defaults,
        can_edit=can_edit_protocol(viewer, center),
    )


def protocol_version_get(*, viewer: Any, version_id: int) -> ProtocolVersion:
    version = ProtocolVersion.objects.select_related("center", "created_by").filter(pk=version_id).first()
    if version is None:
        raise NotVisible()
    ensure_protocol_visible(viewer=viewer, center=version.center)
    return version


def _rows_in_force(center_ids: Iterable[int]) -> dict[tuple[int | None, str], list[due.ProtocolRow]]:
    """{(center id or None, condition): rows} of the newest versions: one query."""
    latest: dict[tuple[int | None, str], ProtocolVersion] = {}
    versions = ProtocolVersion.objects.filter(Q(center__isnull=True) | Q(center_id__in=list(center_ids)))
    for version in versions.only("id", "center_id", "condition", "number", "rows"):
        slot = (version.center_id, version.condition)
        if slot not in latest or version.number > latest[slot].number:
            latest[slot] = version
    return {slot: [due.ProtocolRow.from_dict(r) for r in v.rows] for slot, v in latest.items()}


# --- per-patient inputs, loaded in bulk -----------------------------------------------------------


@dataclass
class _PatientData:
    patient: Patient
    diagnoses: dict[str, list[datetime.date]] = field(default_factory=lambda: defaultdict(list))
    status: str = ""
    status_since: datetime.date | None = None  # the first record of the current run of this status
    admissions: list[datetime.date] = field(default_factory=list)
    done: dict[str, list[datetime.date]] = field(default_factory=lambda: defaultdict(list))
    courses: list[Any] = field(default_factory=list)
    steps: dict[str, TransitionStep] = field(default_factory=dict)


def treatment_of(drug_code: str) -> tuple[str, str] | None:
    """(condition, treatment) of a drug for the protocols, or None for drugs no protocol names."""
    if drug_code.startswith("adjuvant:"):
        return ("pain", "analgesic")
    found = regimens.DRUGS.get(drug_code)
    if found is None:
        return None
    return TREATMENT_OF_CLASS.get(found.drug_class.code)


def _load(patients: QuerySet[Patient]) -> dict[int, _PatientData]:
    """Everything the schedules need for ``patients``, in a fixed number of queries."""
    from qadam.therapy.models import Administration, TherapyCourse

    data = {p.pk: _PatientData(patient=p) for p in patients.select_related("center")}
    if not data:
        return data
    chosen = patients.values("pk")
    diagnoses = Diagnosis.objects.filter(patient__in=chosen).values_list("patient_id", "icd10__group", "diagnosed_on")
    for patient_id, group, day in diagnoses:
        condition = CONDITION_OF_GROUP.get(group)
        if condition:
            data[patient_id].diagnoses[condition].append(day)
    statuses = (
        SmaStatus.objects.filter(patient__in=chosen)
        .order_by("patient_id", "recorded_on", "id")
        .values_list("patient_id", "functional_status", "recorded_on")
    )
    for patient_id, status, recorded_on in statuses:
        entry = data[patient_id]
        if status != entry.status:
            entry.status, entry.status_since = status, recorded_on
    visits = Visit.objects.filter(patient__in=chosen, kind=Visit.Kind.BASELINE).values_list("patient_id", "visit_date")
    for patient_id, day in visits:
        data[patient_id].admissions.append(day)
    assessments = Assessment.objects.filter(visit__patient__in=chosen, status__in=DONE_STATUSES).values_list(
        "visit__patient_id", "instrument", "assessed_on"
    )
    for patient_id, instrument, day in assessments:
        data[patient_id].done[instrument].append(day)
    courses = TherapyCourse.objects.filter(patient__in=chosen).prefetch_related(
        Prefetch("administrations", queryset=Administration.objects.order_by("given_on", "id"))
    )
    for course in courses:
        data[course.patient_id].courses.append(course)
    for step in TransitionStep.objects.filter(patient__in=chosen):
        data[step.patient_id].steps[step.item] = step
    return data


def _counting(course: Any, today: datetime.date) -> bool:
    mapped = treatment_of(course.drug)
    if mapped is None or course.started_on > today + datetime.timedelta(days=MAX_HORIZON_DAYS):
        return False
    if mapped[1] in LIFELONG_TREATMENTS:
        return True
    return course.stopped_on is None or course.stopped_on > today


def patient_dates(data: _PatientData, condition: str, today: datetime.date) -> due.PatientDates:
    """The scheduler's view of one patient for one condition."""
    courses = []
    changes = []  # the days the condition's therapy changed: each start, and each stop before today
    for course in data.courses:
        mapped = treatment_of(course.drug)
        if not mapped or mapped[0] != condition:
            continue
        if course.started_on <= today:
            changes.append(course.started_on)
        if course.stopped_on is not None and course.stopped_on <= today and mapped[1] not in LIFELONG_TREATMENTS:
            changes.append(course.stopped_on)
        if _counting(course, today):
            given = [a for a in course.administrations.all() if a.given_on <= today]
            doses = tuple(a.given_on for a in given)
            cycles = _cycles(course, given) if mapped[1] == "fcrn_blocker" else ()
            courses.append(due.Course(treatment=mapped[1], started_on=course.started_on, doses=doses, cycles=cycles))
    days = sorted(data.diagnoses.get(condition, []))
    # A new stroke starts a new episode; other conditions date from their first diagnosis.
    diagnosis = (days[-1] if condition == "stroke" else days[0]) if days else None
    status = data.status if condition == "sma" else ""
    return due.PatientDates(
        birth_date=data.patient.birth_date,
        diagnosis=diagnosis,
        status=status,
        courses=tuple(courses),
        admissions=tuple(d for d in data.admissions if diagnosis is None or d >= diagnosis),
        stable_since=_stable_since(diagnosis, changes, data.status_since if status else None),
    )


def _cycles(course: Any, given: list[Any]) -> tuple[tuple[datetime.date, datetime.date | None], ...]:
    """(first dose, last dose) of each FcRn-blocker cycle, grouped as the dosing schedule groups them
    (``qadam.therapy.schedules.cycles``: the recorded cycle number, else a gap of more than 21 days or
    a full cycle). A cycle still running ends on its planned last dose, the label's weekly doses
    (clinical.md §B.2: efgartigimod × 4, rozanolixizumab × 6); for a product whose cycle size Qadam
    does not know, the end is known only once the next cycle has started."""
    from qadam.therapy.schedules import CYCLE_DOSES, cycles, fcrn_product

    size = CYCLE_DOSES.get(fcrn_product(course))
    groups = cycles(given, size)
    found = []
    for index, group in enumerate(groups):
        start, last = group[0].given_on, group[-1].given_on
        if size is not None and len(group) < size and index == len(groups) - 1:
            end = start + datetime.timedelta(weeks=size - 1)
        elif size is None and index == len(groups) - 1:
            end = None
        else:
            end = last
        found.append((start, end))
    return tuple(found)


def _stable_since(
    diagnosis: datetime.date | None, therapy_changes: list[datetime.date], status_since: datetime.date | None
) -> datetime.date | None:
    """Since when the patient's therapy and functional status are unchanged (clinical.md §A.1.2 note,
    "stable for ≥2 years on the same therapy"): the latest of the diagnosis, each start or stop of a
    course of the condition, and the first record of the current functional status [RD]."""
    known = [d for d in (diagnosis, status_since, *therapy_changes) if d is not None]
    return max(known) if known else None


# --- what is due -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One line of the worklist: an assessment, a dose or a transition due for a patient."""

    patient_id: int
    registry_id: str
    center_code: str
    center_name: str
    condition: str
    kind: str
    code: str  # instrument code, drug code or "transition"
    label: str
    due: datetime.date
    window_start: datetime.date | None
    window_end: datetime.date | None
    state: str
    rule: str
    source: str
    missed: int = 0
    detail: str = ""
    fixed_text: Any = ""  # the reason of a dose or a transition, as written
    due_item: due.DueItem | None = None  # the reason of an assessment, put in words when shown

    @property
    def rule_text(self) -> str:
        """Why the item is due, in the active language (written only for the rows shown or exported)."""
        if self.due_item is not None:
            return _rule_text(self.due_item)
        return str(self.fixed_text)

    def as_dict(self) -> dict[str, Any]:
        def iso(day: datetime.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "registry_id": self.registry_id,
            "center": self.center_code,
            "condition": self.condition,
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "due": self.due.isoformat(),
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "state": self.state,
            "rule": self.rule,
            "rule_text": self.rule_text,
            "source": self.source,
            "missed": self.missed,
            "detail": self.detail,
        }


@dataclass
class TransitionStatus:
    """A patient near or just past 18: the birthday and each checklist item's state."""

    eighteenth_birthday: datetime.date
    steps: list[tuple[str, str, TransitionStep | None]]  # (item, label, step)

    @property
    def done_count(self) -> int:
        return sum(1 for _item, _label, step in self.steps if step is not None and step.done_on is not None)

    @property
    def complete(self) -> bool:
        return self.done_count == len(self.steps)


def _lang() -> str:
    from django.utils.translation import get_language

    lang = (get_language() or "en").split("-")[0]
    return lang if lang in scales.LANGUAGES else "en"


def _instrument_label(code: str) -> str:
    found = scales.INSTRUMENTS.get(code)
    if found is None:
        return code
    name = found.name
    return name.get(_lang()) if hasattr(name, "get") else str(name)


def duration_words(text: str) -> str:
    """``P6M`` as "6 months", ``P63D`` as "63 days", ``P2W`` as "2 weeks" in the active language."""
    try:
        duration = due.Duration.parse(text)
    except ValueError:
        return text
    n = duration.amount
    words = {
        "D": ngettext("%(n)s day", "%(n)s days", n),
        "W": ngettext("%(n)s week", "%(n)s weeks", n),
        "M": ngettext("%(n)s month", "%(n)s months", n),
        "Y": ngettext("%(n)s year", "%(n)s years", n),
    }[duration.unit]
    return words % {"n": n}


def _rule_text(item: due.DueItem) -> str:
    if item.rule == due.RULE_BASELINE:
        return gettext("Baseline within 3 months before the first dose (clinical.md §A rule 3)")
    anchor = {
        "diagnosis": gettext("diagnosis"),
        "treatment_start": gettext("treatment start"),
        "dose": gettext("dose"),
        "admission": gettext("admission (baseline visit)"),
        "cycle_start": gettext("the start of a cycle"),
        "cycle_end": gettext("the end of a cycle"),
    }[item.anchor]
    values = {"offset": duration_words(item.offset), "anchor": anchor, "date": formats.date_format(item.anchor_date)}
    if item.repeat and item.stable:
        return (
            gettext(
                "Every %(offset)s after the last assessment: an adult stable on the same therapy "
                "(clinical.md §A.1.2; from %(anchor)s on %(date)s)"
            )
            % values
        )
    if item.repeat:
        return gettext("Every %(offset)s after the last assessment (from %(anchor)s on %(date)s)") % values
    if item.offset == "P0D":
        return gettext("At %(anchor)s (%(date)s)") % values
    return gettext("%(offset)s after %(anchor)s (%(date)s)") % values


def transition_status(data: _PatientData, today: datetime.date, months: int | None = None) -> TransitionStatus | None:
    """The checklist of a patient who turns 18 within ``months`` or turned 18 within the last 12 months."""
    months = transition_months() if months is None else months
    birthday = add_months(data.patient.birth_date, TRANSITION_AGE * 12)
    if not (add_months(today, -12) <= birthday <= add_months(today, months)):
        return None
    steps = [(item, str(label), data.steps.get(item)) for item, label in TransitionItem.choices]
    return TransitionStatus(eighteenth_birthday=birthday, steps=steps)


def _items_for(
    data: _PatientData,
    rows_in_force: dict[tuple[int | None, str], list[due.ProtocolRow]],
    today: datetime.date,
    horizon_days: int,
    months: int,
) -> list[WorkItem]:
    """Everything due for one patient: protocol assessments, therapy doses and the transition."""
    patient = data.patient
    common = {
        "patient_id": patient.pk,
        "registry_id": patient.registry_id,
        "center_code": patient.center.code,
        "center_name": patient.center.name,
    }
    items = _assessment_items(data, rows_in_force, today, horizon_days, common)
    items += _dose_items(data, today, today + datetime.timedelta(days=horizon_days), common)
    transition = _transition_item(data, today, months, common)
    return items + ([transition] if transition else [])


def _assessment_items(data: _PatientData, rows_in_force: dict, today: datetime.date, horizon_days: int, common: dict) -> list[WorkItem]:  # fmt: skip
    """The assessments due under the protocol in force for each of the patient's conditions
    (the center's own version, else the registry default)."""
    labels: dict[str, str] = {}
    items = []
    for condition in data.diagnoses:
        rows = rows_in_force.get((data.patient.center_id, condition)) or rows_in_force.get((None, condition)) or []
        dates = patient_dates(data, condition, today)
        for item in due.due_items(
            rows=rows, patient=dates, done=data.done, today=today, horizon_days=horizon_days, condition=condition
        ):
            if item.instrument not in labels:
                labels[item.instrument] = _instrument_label(item.instrument)
            items.append(
                WorkItem(
                    **common,
                    condition=condition,
                    kind=KIND_ASSESSMENT,
                    code=item.instrument,
                    label=labels[item.instrument],
                    due=item.due,
                    window_start=item.window_start,
                    window_end=item.window_end,
                    state=item.state,
                    rule=item.rule,
                    due_item=item,
                    source=item.source,
                    missed=item.missed,
                )
            )
    return items


def _dose_items(data: _PatientData, today: datetime.date, limit: datetime.date, common: dict) -> list[WorkItem]:
    """The doses due by the therapy schedules (``qadam.therapy.schedules.due_doses``, each with its
    label rule) of the courses still running, overdue ones and those due by ``limit``."""
    from qadam.therapy.schedules import due_doses

    lang = _lang()
    items = []
    for course in data.courses:
        if course.stopped_on is not None and course.stopped_on <= today:
            continue
        mapped = treatment_of(course.drug)
        for dose in due_doses(course, list(course.administrations.all()), today):
            if not dose.overdue and dose.due > limit:
                continue
            items.append(
                WorkItem(
                    **common,
                    condition=mapped[0] if mapped else "",
                    kind=KIND_DOSE,
                    code=dose.drug,
                    label=dose.label_in(lang),
                    due=dose.due,
                    window_start=dose.window_start,
                    window_end=dose.window_end,
                    state=due.OVERDUE if dose.overdue else due.UPCOMING,
                    rule=dose.rule.code,
                    fixed_text=dose.rule.text.get(lang),
                    source=dose.rule.source,
                )
            )
    return items


def _transition_item(data: _PatientData, today: datetime.date, months: int, common: dict) -> WorkItem | None:
    """The handover to adult care of a patient turning 18 within ``months`` [RD], until every item is done."""
    transition = transition_status(data, today, months)
    if transition is None or transition.complete:
        return None
    birthday = transition.eighteenth_birthday
    return WorkItem(
        **common,
        condition=next(iter(sorted(data.diagnoses)), ""),
        kind=KIND_TRANSITION,
        code="transition",
        label=gettext("Transition to adult care"),
        due=birthday,
        window_start=add_months(birthday, -months),
        window_end=birthday,
        state=due.OVERDUE if birthday < today else due.UPCOMING,
        rule="transition_at_18",
        fixed_text=gettext("%(done)s of %(total)s handover items done")
        % {"done": transition.done_count, "total": len(transition.steps)},
        source=gettext("Qadam registry design [RD]"),
    )


def _sort_key(item: WorkItem) -> tuple:
    return (0 if item.state == due.OVERDUE else 1, item.due, item.registry_id, item.kind, item.code)


SORT_URGENCY = ""  # overdue first, then by due date
SORT_DUE = "due"
SORT_PATIENT = "patient"
SORT_CENTER = "center"
SORT_KEYS = {
    SORT_URGENCY: _sort_key,
    SORT_DUE: lambda item: (item.due, _sort_key(item)),
    SORT_PATIENT: lambda item: (item.registry_id, _sort_key(item)),
    SORT_CENTER: lambda item: (item.center_name, _sort_key(item)),
}


@dataclass
class PatientMonitoring:
    """What the patient page shows under "Due and overdue"."""

    items: list[WorkItem]
    transition: TransitionStatus | None
    can_edit_transition: bool

    @property
    def overdue(self) -> list[WorkItem]:
        return [i for i in self.items if i.state == due.OVERDUE]

    @property
    def upcoming(self) -> list[WorkItem]:
        return [i for i in self.items if i.state == due.UPCOMING]


def patient_monitoring(
    *, viewer: Any, patient: Patient, today: datetime.date, horizon_days: int = due.DEFAULT_HORIZON_DAYS
) -> PatientMonitoring:
    """Overdue and upcoming assessments, doses and the transition checklist of one patient."""
    ensure_visible(viewer=viewer, patient=patient)
    data = _load(Patient.objects.filter(pk=patient.pk))[patient.pk]
    months = transition_months()
    rows = _rows_in_force([patient.center_id])
    items = sorted(_items_for(data, rows, today, horizon_days, months), key=_sort_key)
    return PatientMonitoring(
        items=items,
        transition=transition_status(data, today, months),
        can_edit_transition=can_write_clinical(viewer, patient.center_id),
    )


@dataclass(frozen=True)
class WorklistFilters:
    """What the worklist shows; every field is optional."""

    center: str = ""  # center code
    condition: str = ""
    kind: str = ""
    state: str = ""
    horizon_days: int = due.DEFAULT_HORIZON_DAYS
    transition_months: int | None = None
    sort: str = SORT_URGENCY  # a key of SORT_KEYS


@dataclass
class Worklist:
    items: list[WorkItem]
    centers: list[Center]
    today: datetime.date
    filters: WorklistFilters


def worklist(*, viewer: Any, today: datetime.date, filters: WorklistFilters = WorklistFilters()) -> Worklist:
    """Overdue and upcoming items of the patients of the viewer's centers, overdue first (or in the
    order ``filters.sort`` names: by due date, patient or center).

    ``filters.center`` must be one of the viewer's centers (``NotVisible`` otherwise). Bounded
    queries: see the module docstring.
    """
    centers = list(centers_for(viewer))
    chosen = centers
    if filters.center:
        chosen = [c for c in centers if c.code == filters.center]
        if not chosen:
            raise NotVisible(params={"center": filters.center})
    patients = Patient.objects.filter(center__in=[c.pk for c in chosen])
    if filters.condition:
        groups = [g for g, c in CONDITION_OF_GROUP.items() if c == filters.condition]
        if filters.kind != KIND_TRANSITION:
            patients = patients.filter(pk__in=Diagnosis.objects.filter(icd10__group__in=groups).values("patient_id"))
    months = filters.transition_months if filters.transition_months is not None else transition_months()
    data = _load(patients)
    rows = _rows_in_force([c.pk for c in chosen])
    items: list[WorkItem] = []
    for entry in data.values():
        for item in _items_for(entry, rows, today, filters.horizon_days, months):
            if filters.condition and item.kind != KIND_TRANSITION and item.condition != filters.condition:
                continue
            if filters.kind and item.kind != filters.kind:
                continue
            if filters.state and item.state != filters.state:
                continue
            items.append(item)
    items.sort(key=SORT_KEYS.get(filters.sort, _sort_key))
    return Worklist(items=items, centers=centers, today=today, filters=filters)


def can_write_transition(*, viewer: Any, patient: Patient) -> bool:
    """Clinicians and coordinators of the patient's center record transition progress."""
    return can_write_clinical(viewer, patient.center_id)


def transition_checklist(*, viewer: Any, patient: Patient, today: datetime.date) -> TransitionStatus:
    """The transition checklist of a patient (whatever the age: the page may be opened any time)."""
    ensure_visible(viewer=viewer, patient=patient)
    data = _load(Patient.objects.filter(pk=patient.pk))[patient.pk]
    if not identity_visible(viewer=viewer, patient=patient):
        for step in data.steps.values():
            step.note = REDACTED  # free text can carry names (docs/registry.md); never saved
    birthday = add_months(patient.birth_date, TRANSITION_AGE * 12)
    steps = [(item, str(label), data.steps.get(item)) for item, label in TransitionItem.choices]
    return TransitionStatus(eighteenth_birthday=birthday, steps=steps)


def condition_choices() -> Sequence[tuple[str, str]]:
    return Condition.choices
