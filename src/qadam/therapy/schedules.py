"""Due doses and safety findings of a therapy course, from the pure rules of ``qadam.regimens``.

Plain functions over model instances (no queries: the caller passes the administrations,
vaccinations and weights it has loaded). The rules themselves live in ``qadam.regimens`` and are
not repeated here; this module turns records into the library's inputs and its answers into
``DoseDue`` rows and ``Finding`` lists:

- nusinersen: ``nusinersen_schedule`` (SPINRAZA EU SmPC 4.2 / US prescribing information: loading
  days 0, 14, 28, 63 (EU) or 58 (US), every 4 months, the label's missed-dose rules);
- risdiplam: ``check_risdiplam_dose`` against the latest weight (EVRYSDI US label, EU SmPC);
- onasemnogene abeparvovec IV: ``onasemnogene_plan`` and ``check_onasemnogene_dose`` (ZOLGENSMA
  US label);
- C5 inhibitors: ``check_c5_start`` (meningococcal vaccination ≥2 weeks before the first dose:
  boxed warnings of SOLIRIS, ULTOMIRIS, ZILBRYSQ);
- FcRn blockers: ``earliest_next_cycle`` / ``check_fcrn_cycle_start`` (VYVGART EU SmPC and US
  label, RYSTIGGO US label), ``check_during_immunotherapy`` for PLEX or IVIG during a cycle;
- botulinum toxin A: ``earliest_next_session`` / ``check_botulinum_session`` (≥12 weeks between
  sessions of any product; product-specific maxima; clinical.md §B.3).

Where the library has no schedule, the dosing intervals of clinical.md §B.2 are written here as
``Rule`` objects with their source: eculizumab (900 mg weekly × 4, 1200 mg at week 5, then every
2 weeks: SOLIRIS label), ravulizumab (maintenance 2 weeks after the loading dose, then every 8
weeks: ULTOMIRIS US label) and the weekly doses within an FcRn-blocker cycle (VYVGART, RYSTIGGO).
Daily drugs (risdiplam, zilucoplan, standard MG therapy, pain adjuvants) and courses given on
clinical decision (IVIG, plasma exchange, rituximab) have no dated doses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from qadam.regimens import (
    DRUGS,
    BotulinumSession,
    Finding,
    GivenDose,
    RegimenError,
    Rule,
    check_botulinum_session,
    check_c5_start,
    check_during_immunotherapy,
    check_fcrn_cycle_start,
    check_onasemnogene_dose,
    check_risdiplam_dose,
    earliest_next_cycle,
    earliest_next_session,
    nusinersen_schedule,
    onasemnogene_plan,
)
from qadam.scales import Text

if TYPE_CHECKING:
    from .models import Administration, TherapyCourse, Vaccination, WeightRecord

C5_INHIBITORS = ("eculizumab", "ravulizumab", "zilucoplan")
FCRN_BLOCKERS = ("efgartigimod_alfa", "rozanolixizumab", "nipocalimab")
BOTULINUM = ("onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA")
# Doses in one FcRn-blocker cycle (clinical.md §B.2: efgartigimod weekly × 4, rozanolixizumab weekly
# × 6; nipocalimab not read [U]); a gap of more than 21 days between doses starts a new cycle
# where no cycle number was recorded (the shortest gap between cycles in §B.2 is 4 weeks).
CYCLE_DOSES = {"vyvgart": 4, "vyvgart_hytrulo": 4, "rystiggo": 6}
NEW_CYCLE_AFTER_DAYS = 21


def _t(en: str, kk: str, ru: str) -> Text:
    return Text(en, kk, ru)


@dataclass(frozen=True)
class DoseDue:
    """One dose (or step) due in a course: when, the window in which it is on time, and why.

    ``due`` is the date to give it; for an overdue dose that is "as soon as possible" (``today``, or
    the earliest date the rules allow) and ``overdue_since`` is the first day after the window.
    ``window_end`` is ``None`` for an earliest date with no deadline (next botulinum session, next
    FcRn cycle: on clinical evaluation).
    """

    course_id: int | None
    patient_id: int | None
    drug: str
    label: Text
    due: date
    window_start: date | None
    window_end: date | None
    overdue: bool
    rule: Rule
    kind: str = "dose"
    dose: float | None = None
    dose_unit: str = ""
    overdue_since: date | None = None

    def label_in(self, lang: str = "en") -> str:
        return self.label.get(lang)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "course_id": self.course_id,
            "drug": self.drug,
            "kind": self.kind,
            "label": self.label.get(lang) if lang else self.label.as_dict(),
            "due": self.due.isoformat(),
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "overdue": self.overdue,
            "overdue_since": iso(self.overdue_since),
            "dose": self.dose,
            "dose_unit": self.dose_unit,
            "rule": self.rule.as_dict(),
        }


KIND_WORDS: dict[str, Text] = {
    "loading": _t("loading dose", "жүктеме доза", "нагрузочная доза"),
    "reloading": _t("loading dose (restart)", "жүктеме доза (қайта бастау)", "нагрузочная доза (повторный курс)"),
    "extra": _t("extra dose", "қосымша доза", "дополнительная доза"),
    "maintenance": _t("maintenance dose", "демеуші доза", "поддерживающая доза"),
    "switch": _t("50 mg switch dose", "50 мг ауысу дозасы", "переходная доза 50 мг"),
    "first_dose": _t("first dose", "бірінші доза", "первая доза"),
    "infusion": _t("infusion", "инфузия", "инфузия"),
    "cycle_dose": _t("dose in cycle", "циклдағы доза", "доза цикла"),
    "next_cycle": _t("next cycle", "келесі цикл", "следующий цикл"),
    "next_session": _t("next session", "келесі сеанс", "следующий сеанс"),
    "steroid": _t("prednisolone", "преднизолон", "преднизолон"),
    "monitoring": _t("liver function tests", "бауыр сынамалары", "печёночные пробы"),
    "check": _t("pre-infusion checks", "инфузия алдындағы тексерулер", "проверки перед инфузией"),
}


def _label(drug: str, kind: str, number: int | None = None, dose: float | None = None, unit: str = "") -> Text:
    from .models import drug_name

    word = KIND_WORDS.get(kind, _t(kind, kind, kind))
    suffix = f" {number}" if number else ""

    def amount(lang: str) -> str:
        if dose is None:
            return ""
        text = f"{dose:g}".replace(".", "," if lang != "en" else ".")
        return f" {text} {UNIT_WORDS.get(unit, _t(unit, unit, unit)).get(lang)}".rstrip()

    return Text(*(f"{drug_name(drug, lang)}{amount(lang)}: {word.get(lang)}{suffix}" for lang in ("en", "kk", "ru")))


UNIT_WORDS = {"mg": _t("mg", "мг", "мг"), "mg/day": _t("mg/day", "мг/тәул.", "мг/сут")}


def _float(value: Decimal | float | None) -> float | None:
    return float(value) if value is not None else None


def _sorted(administrations: Iterable[Administration]) -> list[Administration]:
    return sorted(administrations, key=lambda a: (a.given_on, a.pk or 0))


# --- due doses -----------------------------------------------------------------------------------


def due_doses(course: TherapyCourse, administrations: Sequence[Administration], today: date) -> list[DoseDue]:
    """The doses still due in ``course`` on ``today`` (none for a stopped course).

    Which rule applies depends on the drug: see the module docstring. Each row carries the rule
    (code, sentence in three languages, source) that produced its date.
    """
    if course.stopped_on is not None and course.stopped_on <= today:
        return []
    given = [a for a in _sorted(administrations) if a.given_on <= today]
    drug = course.drug
    if drug == "nusinersen":
        return _nusinersen_due(course, given, today)
    if drug in ("onasemnogene_abeparvovec_iv", "onasemnogene_abeparvovec_it"):
        return _onasemnogene_due(course, given, today)
    if drug == "eculizumab":
        return _interval_due(course, given, today, _ECULIZUMAB_STEPS, _ECULIZUMAB_MAINTENANCE)
    if drug == "ravulizumab":
        return _interval_due(course, given, today, _RAVULIZUMAB_STEPS, _RAVULIZUMAB_MAINTENANCE)
    if drug in FCRN_BLOCKERS:
        return _fcrn_due(course, given, today)
    if drug in BOTULINUM:
        return _botulinum_due(course, given)
    return []


def _row(course: TherapyCourse, kind: str, due: date, rule: Rule, **fields: Any) -> DoseDue:
    number = fields.pop("number", None)
    dose = fields.get("dose")
    label = _label(course.drug, kind, number, dose, fields.get("dose_unit", ""))
    fields.setdefault("window_start", due)
    fields.setdefault("window_end", due)
    fields.setdefault("overdue", False)
    return DoseDue(course.pk, course.patient_id, course.drug, label, due, rule=rule, kind=kind, **fields)


def _nusinersen_given(given: Sequence[Administration]) -> list[GivenDose]:
    return [GivenDose(a.given_on, _float(a.dose) if a.dose_unit == "mg" and a.dose else None) for a in given]


def _nusinersen_due(course: TherapyCourse, given: Sequence[Administration], today: date) -> list[DoseDue]:
    regimen = course.regimen if course.regimen in ("standard", "high_dose") else "standard"
    jurisdiction = course.jurisdiction if course.jurisdiction in ("EU", "US") else "EU"
    overdue_start: date | None = None
    try:
        if given:
            schedule = nusinersen_schedule(_nusinersen_given(given), today, jurisdiction=jurisdiction, regimen=regimen)
        else:
            # No dose yet: the loading series starts on the course's start date; once its first dose
            # is late (±3 days, clinical.md §A rule 1), the series is planned from today.
            schedule = nusinersen_schedule([], course.started_on, jurisdiction=jurisdiction, regimen=regimen)
            first = schedule.due[0]
            if today > first.window.latest:
                overdue_start = first.window.latest + timedelta(days=1)
                schedule = nusinersen_schedule([], today, jurisdiction=jurisdiction, regimen=regimen)
    except RegimenError:
        return []
    rows = []
    for index, dose in enumerate(schedule.due):
        since = dose.overdue_since or (overdue_start if index == 0 else None)
        rows.append(
            _row(
                course,
                dose.kind,
                dose.due,
                dose.rule,
                number=dose.number,
                dose=dose.dose_mg,
                dose_unit="mg",
                window_start=dose.window.earliest,
                window_end=dose.window.latest,
                overdue=since is not None,
                overdue_since=since,
            )
        )
    return rows


def _onasemnogene_due(course: TherapyCourse, given: Sequence[Administration], today: date) -> list[DoseDue]:
    if not given:
        overdue = today > course.started_on
        return [
            _row(
                course,
                "infusion",
                today if overdue else course.started_on,
                R_SINGLE_DOSE,
                overdue=overdue,
                overdue_since=course.started_on + timedelta(days=1) if overdue else None,
            )
        ]
    infusion = given[0]
    if course.drug != "onasemnogene_abeparvovec_iv" or not infusion.weight_kg:
        return []
    plan = onasemnogene_plan(infusion.given_on, float(infusion.weight_kg))
    return [
        _row(
            course,
            item.kind,
            item.start,
            item.rule,
            window_start=item.start,
            window_end=item.end,
            dose=item.daily_dose_mg,
            dose_unit="mg/day" if item.daily_dose_mg else "",
        )
        for item in plan.items
        if item.end >= today and item.kind in ("steroid", "monitoring")
    ]


@dataclass(frozen=True)
class _Step:
    """A planned dose ``days`` after the previous one, on time within ``tolerance`` days either side."""

    days: int
    dose: float | None
    unit: str
    rule: Rule
    tolerance: int
    kind: str = "loading"


SOLIRIS = "SOLIRIS prescribing information / EU SmPC, gMG dosing (clinical.md §B.2)"
ULTOMIRIS = "ULTOMIRIS US prescribing information, gMG dosing table (clinical.md §B.2)"
R_ECU_WEEKLY = Rule(
    "eculizumab_900_mg_weekly_x4",
    _t(
        "Eculizumab 900 mg weekly for the first 4 weeks (within 2 days of the time point).",
        "Экулизумаб 900 мг алғашқы 4 апта бойы апта сайын (белгіленген күннен 2 күн ішінде).",
        "Экулизумаб 900 мг еженедельно первые 4 недели (в пределах 2 дней от срока).",
    ),
    SOLIRIS,
)
R_ECU_WEEK5 = Rule(
    "eculizumab_1200_mg_week_5",
    _t(
        "Eculizumab 1200 mg at week 5, 7 days after the fourth dose.",
        "Экулизумаб 1200 мг 5-аптада, төртінші дозадан 7 күн өткен соң.",
        "Экулизумаб 1200 мг на 5-й неделе, через 7 дней после четвёртой дозы.",
    ),
    SOLIRIS,
)
R_ECU_MAINT = Rule(
    "eculizumab_1200_mg_every_2_weeks",
    _t(
        "Eculizumab 1200 mg every 2 weeks (EU: every 14 ± 2 days).",
        "Экулизумаб 1200 мг әр 2 апта сайын (ЕО: әр 14 ± 2 күн).",
        "Экулизумаб 1200 мг каждые 2 недели (ЕС: каждые 14 ± 2 дня).",
    ),
    SOLIRIS,
)
R_RAVU_FIRST = Rule(
    "ravulizumab_maintenance_2_weeks_after_loading",
    _t(
        "First ravulizumab maintenance dose 2 weeks after the weight-based loading dose.",
        "Равулизумабтың алғашқы демеуші дозасы салмаққа сай жүктеме дозадан 2 апта өткен соң.",
        "Первая поддерживающая доза равулизумаба через 2 недели после нагрузочной дозы по массе тела.",
    ),
    ULTOMIRIS,
)
R_RAVU_MAINT = Rule(
    "ravulizumab_every_8_weeks",
    _t(
        "Ravulizumab maintenance every 8 weeks (± 7 days).",
        "Равулизумаб демеуші дозасы әр 8 апта сайын (± 7 күн).",
        "Поддерживающая доза равулизумаба каждые 8 недель (± 7 дней).",
    ),
    ULTOMIRIS,
)
R_SINGLE_DOSE = Rule(
    "onasemnogene_single_dose",
    _t(
        "Onasemnogene abeparvovec is given once, on the planned day of the course.",
        "Онасемноген абепарвовек курстың жоспарланған күні бір рет енгізіледі.",
        "Онасемноген абепарвовек вводится однократно, в запланированный день курса.",
    ),
    "ZOLGENSMA US prescribing information; Itvisma (FDA approval Nov 2025): single dose (clinical.md §B.1.3)",
)
R_CYCLE_WEEKLY = Rule(
    "fcrn_weekly_dose_in_cycle",
    _t(
        "Next dose of the cycle 1 week after the previous one (up to 3 days late, at least 3 days between doses).",
        "Циклдың келесі дозасы алдыңғысынан 1 апта өткен соң (3 күнге дейін кешігуге болады, дозалар арасы кемінде 3 күн).",
        "Следующая доза цикла через 1 неделю после предыдущей (опоздание до 3 дней, не менее 3 дней между дозами).",
    ),
    "VYVGART EU SmPC and US label; RYSTIGGO US prescribing information (clinical.md §B.2)",
)

_ECULIZUMAB_STEPS = (
    *(_Step(7, 900, "mg", R_ECU_WEEKLY, 2) for _ in range(3)),
    _Step(7, 1200, "mg", R_ECU_WEEK5, 2),
)
_ECULIZUMAB_MAINTENANCE = _Step(14, 1200, "mg", R_ECU_MAINT, 2, "maintenance")
# The first maintenance dose of ravulizumab allows no ±7 days (ULTOMIRIS US label); 2 days are used.
_RAVULIZUMAB_STEPS = (_Step(14, None, "mg", R_RAVU_FIRST, 2, "maintenance"),)
_RAVULIZUMAB_MAINTENANCE = _Step(56, None, "mg", R_RAVU_MAINT, 7, "maintenance")


def _interval_due(
    course: TherapyCourse, given: Sequence[Administration], today: date, steps: tuple[_Step, ...], repeat: _Step
) -> list[DoseDue]:
    if not given:
        return [_first_dose_due(course, today)]
    step = steps[len(given) - 1] if len(given) - 1 < len(steps) else repeat
    return [_next_after(course, given[-1].given_on, today, step, number=len(given) + 1)]


def _first_dose_due(course: TherapyCourse, today: date) -> DoseDue:
    rule = Rule(
        "first_dose_on_course_start",
        _t(
            "First dose on the day the course starts.",
            "Бірінші доза курс басталған күні.",
            "Первая доза в день начала курса.",
        ),
        "clinical.md §B.2",
    )
    overdue = today > course.started_on
    return _row(
        course,
        "first_dose",
        today if overdue else course.started_on,
        rule,
        overdue=overdue,
        overdue_since=course.started_on + timedelta(days=1) if overdue else None,
    )


def _next_after(course: TherapyCourse, last: date, today: date, step: _Step, number: int) -> DoseDue:
    due = last + timedelta(days=step.days)
    start, end = due - timedelta(days=step.tolerance), due + timedelta(days=step.tolerance)
    overdue = today > end
    return _row(
        course,
        step.kind,
        today if overdue else due,
        step.rule,
        number=number,
        dose=step.dose,
        dose_unit=step.unit if step.dose is not None else "",
        window_start=start,
        window_end=end,
        overdue=overdue,
        overdue_since=end + timedelta(days=1) if overdue else None,
    )


def fcrn_product(course: TherapyCourse) -> str:
    """The FcRn-blocker product of a course: recorded, or the drug's only (or IV) product."""
    if course.product:
        return course.product
    return {"efgartigimod_alfa": "vyvgart", "rozanolixizumab": "rystiggo", "nipocalimab": "imaavy"}[course.drug]


def cycles(administrations: Sequence[Administration], size: int | None = None) -> list[list[Administration]]:
    """Doses grouped into cycles: by recorded cycle number, else a new cycle after a gap of more than
    21 days or once a cycle has its ``size`` doses."""
    groups: list[list[Administration]] = []
    for dose in _sorted(administrations):
        if groups:
            last = groups[-1][-1]
            if dose.cycle_number is not None and last.cycle_number is not None:
                same = dose.cycle_number == last.cycle_number
            else:
                full = size is not None and len(groups[-1]) >= size
                same = not full and (dose.given_on - last.given_on).days <= NEW_CYCLE_AFTER_DAYS
            if same:
                groups[-1].append(dose)
                continue
        groups.append([dose])
    return groups


def _fcrn_due(course: TherapyCourse, given: Sequence[Administration], today: date) -> list[DoseDue]:
    if not given:
        return [_first_dose_due(course, today)]
    product = fcrn_product(course)
    size = CYCLE_DOSES.get(product)
    current = cycles(given, size)[-1]
    if size is not None and len(current) < size:
        step = _Step(7, None, "", R_CYCLE_WEEKLY, 3, "cycle_dose")
        return [_next_after(course, current[-1].given_on, today, step, number=len(current) + 1)]
    try:
        earliest = earliest_next_cycle(
            product, current[0].given_on, current[-1].given_on, _jurisdiction(course), _label_version(course)
        )
    except RegimenError:
        return []
    if earliest is None:
        return []
    day, rule = earliest
    return [_row(course, "next_cycle", day, rule, window_start=day, window_end=None)]


def _botulinum_due(course: TherapyCourse, given: Sequence[Administration]) -> list[DoseDue]:
    if not given:
        return []
    day, rule = earliest_next_session(given[-1].given_on)
    return [_row(course, "next_session", day, rule, window_start=day, window_end=None)]


def _jurisdiction(course: TherapyCourse) -> Any:
    return course.jurisdiction if course.jurisdiction in ("EU", "US") else "EU"


def _label_version(course: TherapyCourse) -> Any:
    return course.label_version if course.label_version in ("current", "previous") else "current"


# --- safety findings -----------------------------------------------------------------------------


def safety_findings(
    course: TherapyCourse,
    administrations: Sequence[Administration],
    vaccinations: Sequence[Vaccination],
    weights: Sequence[WeightRecord],
    today: date,
    *,
    candidate: Administration | None = None,
    birth_date: date | None = None,
    others: Sequence[tuple[TherapyCourse, Sequence[Administration]]] = (),
) -> list[Finding]:
    """Findings about one dose of ``course`` against the rules of its drug.

    With ``candidate`` (an unsaved administration about to be recorded) the findings concern that
    dose, read against ``administrations`` (the doses already recorded). Without it they concern
    the latest recorded dose, or, before the first dose, the preconditions of starting (C5
    inhibitors: meningococcal vaccination). ``others`` are the patient's other courses with their
    doses (botulinum interval across products; PLEX or IVIG during an FcRn-blocker cycle).
    ``birth_date`` defaults to the course's patient's.
    """
    history = _sorted(a for a in administrations if a is not candidate)
    if candidate is None:
        if not history:
            return _start_findings(course, vaccinations, max(today, course.started_on))
        dose, history = history[-1], history[:-1]
    else:
        dose = candidate
        history = [a for a in history if a.given_on <= dose.given_on]
    if birth_date is None:
        birth_date = course.patient.birth_date
    try:
        return _dose_findings(course, history, dose, vaccinations, weights, birth_date, others)
    except RegimenError as error:
        return [
            Finding(
                problem.code,
                "block",
                problem.message,
                "qadam.regimens input check",
                {"value": problem.value},
            )
            for problem in error.problems
        ]


def _start_findings(course: TherapyCourse, vaccinations: Sequence[Vaccination], first_dose: date) -> list[Finding]:
    if course.drug not in C5_INHIBITORS:
        return []
    return list(_c5_findings(course, vaccinations, first_dose))


def _c5_findings(course: TherapyCourse, vaccinations: Sequence[Vaccination], first_dose: date) -> tuple[Finding, ...]:
    def best(vaccine: str) -> date | None:
        days = sorted(v.given_on for v in vaccinations if v.vaccine == vaccine and v.given_on <= first_dose)
        valid = [d for d in days if d <= first_dose - timedelta(days=14)]
        return (valid or days or [None])[-1]

    return check_c5_start(
        drug=course.drug,
        first_dose=first_dose,
        meningococcal_acwy=best("meningococcal_acwy"),
        meningococcal_b=best("meningococcal_b"),
        antibiotic_prophylaxis_start=course.prophylaxis_started_on,
    )


def _dose_findings(
    course: TherapyCourse,
    history: list[Administration],
    dose: Administration,
    vaccinations: Sequence[Vaccination],
    weights: Sequence[WeightRecord],
    birth_date: date,
    others: Sequence[tuple[TherapyCourse, Sequence[Administration]]],
) -> list[Finding]:
    drug = course.drug
    findings: list[Finding] = []
    if drug == "nusinersen":
        schedule = nusinersen_schedule(
            _nusinersen_given([*history, dose]),
            None,
            jurisdiction=_jurisdiction(course),
            regimen=course.regimen if course.regimen in ("standard", "high_dose") else "standard",
        )
        findings += [f for f in schedule.findings if f.data.get("date") in (dose.given_on, None)]
    elif drug == "risdiplam":
        findings += _risdiplam_findings(dose, weights, birth_date)
    elif drug in ("onasemnogene_abeparvovec_iv", "onasemnogene_abeparvovec_it"):
        findings += _onasemnogene_findings(course, history, dose, weights, birth_date)
    elif drug in C5_INHIBITORS and not history:
        findings += _c5_findings(course, vaccinations, dose.given_on)
    elif drug in FCRN_BLOCKERS and history:
        findings += _fcrn_findings(course, history, dose)
    elif drug in BOTULINUM:
        findings += _botulinum_findings(course, history, dose, others)
    if drug in ("ivig", "plasma_exchange"):
        findings += _during_fcrn_cycle(drug, dose.given_on, others)
    return findings


def latest_weight(
    weights: Sequence[WeightRecord], on: date, dose: Administration | None = None
) -> tuple[float, date] | None:
    """The latest weight on or before ``on``: the dose's own weight, else the latest record."""
    if dose is not None and dose.weight_kg:
        return float(dose.weight_kg), dose.given_on
    earlier = sorted((w for w in weights if w.measured_on <= on), key=lambda w: w.measured_on)
    return (float(earlier[-1].weight_kg), earlier[-1].measured_on) if earlier else None


def _no_weight(drug: str, day: date) -> Finding:
    return Finding(
        "weight_missing",
        "warning",
        _t(
            f"No weight is recorded on or before {day.isoformat()}: the weight-based dose cannot be checked.",
            f"{day.isoformat()} күнге дейін салмақ тіркелмеген: салмаққа сай дозаны тексеру мүмкін емес.",
            f"На {day.isoformat()} или раньше вес не зарегистрирован: дозу по массе тела проверить нельзя.",
        ),
        "clinical.md §B registry fields: weight on the day if weight-based",
        {"drug": drug, "date": day},
    )


def _risdiplam_findings(dose: Administration, weights: Sequence[WeightRecord], birth_date: date) -> list[Finding]:
    weight = latest_weight(weights, dose.given_on, dose)
    if weight is None:
        return [_no_weight("risdiplam", dose.given_on)]
    if dose.dose is None:
        return []
    mg = float(dose.dose) * weight[0] if dose.dose_unit == "mg/kg" else float(dose.dose)
    return list(
        check_risdiplam_dose(
            birth_date=birth_date, dose_date=dose.given_on, dose_mg=mg, weight_kg=weight[0], weight_date=weight[1]
        )
    )


def _onasemnogene_findings(
    course: TherapyCourse,
    history: list[Administration],
    dose: Administration,
    weights: Sequence[WeightRecord],
    birth_date: date,
) -> list[Finding]:
    findings: list[Finding] = []
    if history:
        findings.append(
            Finding(
                "onasemnogene_second_dose",
                "block",
                _t(
                    f"Onasemnogene abeparvovec was already given on {history[0].given_on.isoformat()}; it is a single dose.",
                    f"Онасемноген абепарвовек {history[0].given_on.isoformat()} күні енгізілген; ол бір реттік доза.",
                    f"Онасемноген абепарвовек уже введён {history[0].given_on.isoformat()}; это однократная доза.",
                ),
                R_SINGLE_DOSE.source,
                {"previous": history[0].given_on, "date": dose.given_on},
            )
        )
    if course.drug != "onasemnogene_abeparvovec_iv":
        return findings
    weight = latest_weight(weights, dose.given_on, dose)
    if weight is None:
        return [*findings, _no_weight(course.drug, dose.given_on)]
    if dose.dose is None:
        return findings
    vg = float(dose.dose) * weight[0] if dose.dose_unit == "vg/kg" else float(dose.dose)
    findings += check_onasemnogene_dose(
        weight_kg=weight[0],
        dose_vg=vg,
        birth_date=birth_date,
        infusion=dose.given_on,
        jurisdiction=_jurisdiction(course),
    )
    return findings


def _fcrn_findings(course: TherapyCourse, history: list[Administration], dose: Administration) -> list[Finding]:
    groups = cycles([*history, dose], CYCLE_DOSES.get(fcrn_product(course)))
    if len(groups) < 2 or groups[-1] != [dose]:
        return []  # a dose within a running cycle
    previous = groups[-2]
    return list(
        check_fcrn_cycle_start(
            product=fcrn_product(course),
            previous_first=previous[0].given_on,
            previous_last=previous[-1].given_on,
            new_start=dose.given_on,
            jurisdiction=_jurisdiction(course),
            label_version=_label_version(course),
        )
    )


def botulinum_product(course: TherapyCourse, dose: Administration) -> str:
    """The product of a botulinum dose: the procedure's, else the course's, else the drug code."""
    return (dose.procedure or {}).get("product") or course.product or course.drug


def botulinum_units_of(procedure: dict | None) -> float:
    """The sum of the units over a session's injections (one product: units never mix, §B.3)."""
    injections = (procedure or {}).get("injections") or []
    return float(sum(Decimal(str(i.get("units") or 0)) for i in injections))


def botulinum_units(dose: Administration) -> float:
    """Units of one session: the sum over the injections, else the recorded dose."""
    if (dose.procedure or {}).get("injections"):
        return botulinum_units_of(dose.procedure)
    return float(dose.dose or 0)


def _botulinum_findings(
    course: TherapyCourse,
    history: list[Administration],
    dose: Administration,
    others: Sequence[tuple[TherapyCourse, Sequence[Administration]]],
) -> list[Finding]:
    def session(c: TherapyCourse, a: Administration) -> BotulinumSession:
        return BotulinumSession(a.given_on, botulinum_product(c, a), botulinum_units(a))

    earlier = [session(course, a) for a in history]
    for other, doses in others:
        if other.drug in BOTULINUM and other.pk != course.pk:
            earlier += [session(other, a) for a in doses if a.given_on <= dose.given_on and a is not dose]
    return list(check_botulinum_session(earlier, session(course, dose), dose.override_reason or ""))


def _during_fcrn_cycle(
    drug: str, day: date, others: Sequence[tuple[TherapyCourse, Sequence[Administration]]]
) -> list[Finding]:
    procedure = "ivig" if drug == "ivig" else "plasma_exchange"
    for other, doses in others:
        if other.drug not in FCRN_BLOCKERS or not doses:
            continue
        size = CYCLE_DOSES.get(fcrn_product(other))
        for group in cycles(doses, size):
            # A cycle runs from its first dose to a week after its last planned dose.
            end = group[0].given_on + timedelta(days=7 * (size or len(group)))
            found = check_during_immunotherapy(procedure, day, fcrn_cycle=(group[0].given_on, end))
            if found:
                return list(found)
    return []


def drug_known(code: str) -> bool:
    from qadam.regimens import ADJUVANT_CLASSES

    from .models import ADJUVANT_PREFIX

    if code.startswith(ADJUVANT_PREFIX):
        return code[len(ADJUVANT_PREFIX) :] in ADJUVANT_CLASSES
    return code in DRUGS
