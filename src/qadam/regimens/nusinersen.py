"""Nusinersen (Spinraza) dosing schedule from the doses given, with the label's missed-dose rules.

Rules (clinical.md §B.1.1):

- 12 mg intrathecally per dose. Four loading doses: EU SmPC (Qadam's default jurisdiction) on days
  0, 14, 28 and 63; US label: the first three 14 days apart and the fourth 30 days after the third
  (day 58). Then a maintenance dose every 4 months.
- Missed loading dose: give it as soon as possible and shift the later doses to keep the intervals.
- Missed maintenance dose, by the time since the last dose: <8 months: give it as soon as possible,
  then resume the original schedule with at least 14 days between the two doses; 8 to <16 months:
  the dose plus one extra dose 14 days later, then maintenance 4 months later; 16 to <40 months: the
  dose plus two extra doses 14 days apart, then maintenance 4 months later; ≥40 months: restart the
  full loading schedule. Source: SPINRAZA US prescribing information, missed doses.
- High-dose regimen (EU, Jan 2026): 50 mg × 2 loading doses 14 days apart, then 28 mg every 4
  months; a patient switching from 12 mg receives one 50 mg dose in place of the next 12 mg dose,
  then 28 mg every 4 months.

Decisions where the spec is silent (each reported in docs/regimens.md):

- "Every 4 months" and "8/16/40 months since the last dose" are calendar months
  (``calendar_months``), clamped to the end of a shorter month.
- Each maintenance dose is due 4 months after the dose actually given before it, except after a
  late dose with <8 months since the previous one, where the label says to resume the *original*
  schedule: 8 months after the dose before the missed one.
- A maintenance dose counts as missed once the tolerance window has passed. Windows are the
  registry defaults of clinical.md §A rule 1 [RD]: ±14 days for 4-month intervals, ±3 days for the
  loading and extra doses; never earlier than 14 days after the previous dose.
- The spec gives the missed-dose rules of the US label only; they are applied in both
  jurisdictions, and a restart after ≥40 months uses the jurisdiction's loading days [U].
- The missed-dose rules of the 50/28 mg regimen are not in the spec [U]: an overdue dose on that
  regimen is due as soon as possible with a warning to check the label, and nothing else is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from qadam.scales import Text

from .calendar_months import add_months, whole_months_between
from .model import DEFAULT_JURISDICTION, JURISDICTIONS, Finding, InputProblem, Jurisdiction, RegimenError, Rule, Window

Regimen = Literal["standard", "high_dose"]
REGIMENS: tuple[str, ...] = ("standard", "high_dose")
DoseKind = Literal["loading", "extra", "maintenance", "reloading", "switch"]

MIN_DAYS_BETWEEN_DOSES = 14  # US label, missed doses: "at least 14 days between the two doses"
MAINTENANCE_MONTHS = 4
LOADING_TOLERANCE_DAYS = 3  # clinical.md §A rule 1 [RD]: ±3 days for intervals of about a month
MAINTENANCE_TOLERANCE_DAYS = 14  # clinical.md §A rule 1 [RD]: ±2 weeks for intervals ≥3 months
STANDARD_MG = 12.0
HIGH_LOADING_MG = 50.0
HIGH_MAINTENANCE_MG = 28.0

US_LABEL = "SPINRAZA US prescribing information, Dosage and Administration (clinical.md §B.1.1)"
US_MISSED = "SPINRAZA US prescribing information, Dosage and Administration: missed doses (clinical.md §B.1.1)"
EU_SMPC = "SPINRAZA EU SmPC, section 4.2 Posology (clinical.md §B.1.1)"
HIGH_DOSE = "SPINRAZA 50/28 mg regimen, EU authorisation Jan 2026 (Biogen announcement; clinical.md §B.1.1)"
WINDOW_RD = "clinical.md §A rule 1 [RD]: tolerance window"


def _rule(code: str, en: str, kk: str, ru: str, source: str) -> Rule:
    return Rule(code, Text(en, kk, ru), source)


R_LOADING_1 = _rule(
    "loading_1",
    "First loading dose (day 0).",
    "Бірінші жүктеме доза (0-күн).",
    "Первая нагрузочная доза (день 0).",
    EU_SMPC + "; " + US_LABEL,
)
R_LOADING_2 = _rule(
    "loading_2",
    "Second loading dose, 14 days after the first (day 14).",
    "Екінші жүктеме доза, біріншісінен 14 күн өткен соң (14-күн).",
    "Вторая нагрузочная доза через 14 дней после первой (день 14).",
    EU_SMPC + "; " + US_LABEL,
)
R_LOADING_3 = _rule(
    "loading_3",
    "Third loading dose, 14 days after the second (day 28).",
    "Үшінші жүктеме доза, екіншісінен 14 күн өткен соң (28-күн).",
    "Третья нагрузочная доза через 14 дней после второй (день 28).",
    EU_SMPC + "; " + US_LABEL,
)
R_LOADING_4_EU = _rule(
    "loading_4_day_63",
    "Fourth loading dose, 35 days after the third (day 63, EU SmPC).",
    "Төртінші жүктеме доза, үшіншісінен 35 күн өткен соң (63-күн, ЕО SmPC).",
    "Четвёртая нагрузочная доза через 35 дней после третьей (день 63, SmPC ЕС).",
    EU_SMPC,
)
R_LOADING_4_US = _rule(
    "loading_4_day_58",
    "Fourth loading dose, 30 days after the third (day 58, US label).",
    "Төртінші жүктеме доза, үшіншісінен 30 күн өткен соң (58-күн, АҚШ нұсқаулығы).",
    "Четвёртая нагрузочная доза через 30 дней после третьей (день 58, инструкция США).",
    US_LABEL,
)
R_LOADING_LATE = _rule(
    "loading_dose_delayed",
    "Loading dose delayed: give it as soon as possible; the later doses keep their intervals from it.",
    "Жүктеме доза кешіктірілді: мүмкіндігінше тез енгізу керек; кейінгі дозалар одан бастап өз аралықтарын сақтайды.",
    "Нагрузочная доза задержана: ввести как можно скорее; последующие дозы сохраняют свои интервалы от неё.",
    US_MISSED,
)
R_MAINTENANCE = _rule(
    "maintenance_every_4_months",
    "Maintenance dose 4 months after the previous dose.",
    "Демеуші доза алдыңғы дозадан 4 ай өткен соң.",
    "Поддерживающая доза через 4 месяца после предыдущей.",
    EU_SMPC + "; " + US_LABEL,
)
R_MISSED_UNDER_8 = _rule(
    "missed_maintenance_under_8_months",
    "Maintenance dose missed, less than 8 months since the last dose: give it as soon as possible, then resume the original schedule with at least 14 days between the two doses.",
    "Демеуші доза өткізілді, соңғы дозадан 8 айдан аз уақыт өтті: мүмкіндігінше тез енгізіп, бастапқы кестеге оралу керек, екі доза арасы кемінде 14 күн.",
    "Поддерживающая доза пропущена, с последней дозы прошло менее 8 месяцев: ввести как можно скорее, затем вернуться к исходному графику, не менее 14 дней между двумя дозами.",
    US_MISSED,
)
R_RESUME_ORIGINAL = _rule(
    "resume_original_schedule",
    "Next dose on the original schedule, 8 months after the dose before the missed one, and at least 14 days after the late dose.",
    "Келесі доза бастапқы кесте бойынша: өткізілген дозаның алдындағы дозадан 8 ай өткен соң және кешіккен дозадан кемінде 14 күн кейін.",
    "Следующая доза по исходному графику: через 8 месяцев после дозы, предшествовавшей пропущенной, и не ранее 14 дней после запоздалой.",
    US_MISSED,
)
R_MISSED_8_16 = _rule(
    "missed_maintenance_8_to_16_months",
    "Maintenance dose missed, 8 to less than 16 months since the last dose: give it as soon as possible plus one extra dose 14 days later, then maintenance 4 months after.",
    "Демеуші доза өткізілді, соңғы дозадан 8 айдан 16 айға дейін өтті: мүмкіндігінше тез енгізіп, 14 күннен кейін бір қосымша доза, одан соң 4 айдан кейін демеуші доза.",
    "Поддерживающая доза пропущена, с последней дозы прошло от 8 до менее 16 месяцев: ввести как можно скорее и одну дополнительную дозу через 14 дней, затем поддерживающая доза через 4 месяца.",
    US_MISSED,
)
R_MISSED_16_40 = _rule(
    "missed_maintenance_16_to_40_months",
    "Maintenance dose missed, 16 to less than 40 months since the last dose: give it as soon as possible plus two extra doses 14 days apart, then maintenance 4 months after.",
    "Демеуші доза өткізілді, соңғы дозадан 16 айдан 40 айға дейін өтті: мүмкіндігінше тез енгізіп, 14 күн аралықпен екі қосымша доза, одан соң 4 айдан кейін демеуші доза.",
    "Поддерживающая доза пропущена, с последней дозы прошло от 16 до менее 40 месяцев: ввести как можно скорее и две дополнительные дозы с интервалом 14 дней, затем поддерживающая доза через 4 месяца.",
    US_MISSED,
)
R_MISSED_40 = _rule(
    "missed_40_months_or_more_restart_loading",
    "40 months or more since the last dose: restart the full loading schedule.",
    "Соңғы дозадан 40 ай немесе одан көп өтті: жүктеме дозалардың толық кестесін қайта бастау керек.",
    "С последней дозы прошло 40 месяцев или более: начать полную схему нагрузочных доз заново.",
    US_MISSED,
)
R_EXTRA = _rule(
    "extra_dose_after_missed_maintenance",
    "Extra dose after a missed maintenance dose, 14 days after the previous dose.",
    "Өткізілген демеуші дозадан кейінгі қосымша доза, алдыңғы дозадан 14 күн өткен соң.",
    "Дополнительная доза после пропущенной поддерживающей, через 14 дней после предыдущей.",
    US_MISSED,
)
R_HIGH_LOADING_1 = _rule(
    "high_dose_loading_1",
    "First 50 mg loading dose (day 0).",
    "Бірінші 50 мг жүктеме доза (0-күн).",
    "Первая нагрузочная доза 50 мг (день 0).",
    HIGH_DOSE,
)
R_HIGH_LOADING_2 = _rule(
    "high_dose_loading_2",
    "Second 50 mg loading dose, 14 days after the first.",
    "Екінші 50 мг жүктеме доза, біріншісінен 14 күн өткен соң.",
    "Вторая нагрузочная доза 50 мг через 14 дней после первой.",
    HIGH_DOSE,
)
R_HIGH_MAINTENANCE = _rule(
    "high_dose_maintenance_every_4_months",
    "28 mg maintenance dose 4 months after the previous dose.",
    "28 мг демеуші доза алдыңғы дозадан 4 ай өткен соң.",
    "Поддерживающая доза 28 мг через 4 месяца после предыдущей.",
    HIGH_DOSE,
)
R_SWITCH = _rule(
    "switch_to_high_dose",
    "Switch from 12 mg: one 50 mg dose in place of the next 12 mg dose, then 28 mg every 4 months.",
    "12 мг-нан ауысу: келесі 12 мг дозаның орнына бір рет 50 мг, одан соң әр 4 ай сайын 28 мг.",
    "Переход с 12 мг: одна доза 50 мг вместо очередной дозы 12 мг, затем 28 мг каждые 4 месяца.",
    HIGH_DOSE,
)
R_HIGH_LATE = _rule(
    "high_dose_overdue_label_rule_unverified",
    "Dose overdue on the 50/28 mg regimen: give it as soon as possible. The missed-dose rules of this regimen are not in the spec; check the current label.",
    "50/28 мг режимінде доза мерзімі өтті: мүмкіндігінше тез енгізу керек. Бұл режимнің өткізілген доза ережелері спецификацияда жоқ; қолданыстағы нұсқаулықты тексеріңіз.",
    "Доза по схеме 50/28 мг просрочена: ввести как можно скорее. Правил пропуска доз для этой схемы в спецификации нет; сверьтесь с действующей инструкцией.",
    HIGH_DOSE + " [U: missed-dose rules not in the spec]",
)

_LOADING_RULES = (R_LOADING_1, R_LOADING_2, R_LOADING_3)
# Days from the previous loading dose: EU days 0, 14, 28, 63; US days 0, 14, 28, 58.
LOADING_INTERVALS: dict[str, tuple[int, int, int]] = {"EU": (14, 14, 35), "US": (14, 14, 30)}


@dataclass(frozen=True)
class GivenDose:
    """A dose that was given. ``dose_mg`` may be left out: it is then the dose the schedule expects."""

    day: date
    dose_mg: float | None = None


@dataclass(frozen=True)
class DoseRecord:
    """A given dose as the rules read it: its place in the schedule and whether it was on time."""

    number: int
    day: date
    kind: DoseKind
    dose_mg: float
    due: date | None
    window: Window | None
    timing: Literal["first", "on_time", "early", "late"]
    rule: Rule

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.day.isoformat(),
            "kind": self.kind,
            "dose_mg": self.dose_mg,
            "due": self.due.isoformat() if self.due else None,
            "window": self.window.as_dict() if self.window else None,
            "timing": self.timing,
            "rule": self.rule.as_dict(),
        }


@dataclass(frozen=True)
class DueDose:
    """A dose to give: the date, the window in which it is on time, and the rule that produced it.

    ``overdue_since`` is set when the scheduled window has already passed on ``today``: the dose is
    then due as soon as possible (``due`` = today, or 14 days after the last dose if later) and the
    rule is the label's missed-dose rule that applies on that day.
    """

    number: int
    kind: DoseKind
    dose_mg: float
    due: date
    window: Window
    rule: Rule
    overdue_since: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "dose_mg": self.dose_mg,
            "due": self.due.isoformat(),
            "window": self.window.as_dict(),
            "overdue_since": self.overdue_since.isoformat() if self.overdue_since else None,
            "rule": self.rule.as_dict(),
        }


@dataclass(frozen=True)
class Schedule:
    """Everything the rules say about one patient's nusinersen course on ``today``."""

    jurisdiction: Jurisdiction
    regimen: Regimen
    today: date | None
    given: tuple[DoseRecord, ...]
    due: tuple[DueDose, ...]
    findings: tuple[Finding, ...]

    @property
    def next_due(self) -> DueDose:
        return self.due[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "drug": "nusinersen",
            "jurisdiction": self.jurisdiction,
            "regimen": self.regimen,
            "today": self.today.isoformat() if self.today else None,
            "given": [g.as_dict() for g in self.given],
            "due": [d.as_dict() for d in self.due],
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class _Step:
    """A planned dose: days or calendar months after the previous dose, or on a fixed date."""

    kind: DoseKind
    dose_mg: float
    rule: Rule
    after_days: int | None = None
    after_months: int | None = None
    on: date | None = None

    def due(self, last: date) -> date:
        if self.on is not None:
            return max(self.on, last + timedelta(days=MIN_DAYS_BETWEEN_DOSES))
        if self.after_months is not None:
            return add_months(last, self.after_months)
        return last + timedelta(days=self.after_days or 0)

    @property
    def tolerance_days(self) -> int:
        monthly = self.after_months is not None or self.on is not None
        return MAINTENANCE_TOLERANCE_DAYS if monthly else LOADING_TOLERANCE_DAYS

    def window(self, last: date) -> Window:
        due = self.due(last)
        earliest = max(due - timedelta(days=self.tolerance_days), last + timedelta(days=MIN_DAYS_BETWEEN_DOSES))
        return Window(earliest, due + timedelta(days=self.tolerance_days))


@dataclass(frozen=True)
class _State:
    jurisdiction: Jurisdiction
    regimen: Regimen
    on_high_dose: bool = False
    last: date | None = None
    queue: tuple[_Step, ...] = ()
    count: int = 0


def nusinersen_schedule(
    given: Sequence[date | GivenDose],
    today: date | None = None,
    *,
    jurisdiction: Jurisdiction = DEFAULT_JURISDICTION,
    regimen: Regimen = "standard",
    maintenance_doses: int = 1,
) -> Schedule:
    """Read the doses given and return the doses due, each with its date, window and rule.

    ``given`` must be in date order, without two doses on one day and none after ``today``
    (``RegimenError`` lists every problem). The due list holds the rest of the current loading or
    catch-up series and then ``maintenance_doses`` maintenance doses. With ``today``, a dose whose
    window has passed is due as soon as possible under the missed-dose rule that applies on
    ``today``; without it, the nominal dates are returned.
    """
    doses = _validated(given, today, jurisdiction, regimen, maintenance_doses)
    state = _State(jurisdiction, regimen, on_high_dose=_starts_on_high_dose(doses, regimen))
    records: list[DoseRecord] = []
    findings: list[Finding] = []
    for dose in doses:
        record, state, found = _advance(state, dose.day, dose.dose_mg)
        records.append(record)
        findings.extend(found)
    due = _project(state, today, maintenance_doses)
    if regimen == "high_dose" and jurisdiction == "US":
        findings.append(_us_high_dose_unverified())
    return Schedule(jurisdiction, regimen, today, tuple(records), tuple(due), tuple(findings))


def _validated(given, today, jurisdiction, regimen, maintenance_doses) -> list[GivenDose]:
    doses = [g if isinstance(g, GivenDose) else GivenDose(g) for g in given]
    problems: list[InputProblem] = []
    if jurisdiction not in JURISDICTIONS:
        problems.append(
            InputProblem(
                "unknown_jurisdiction",
                Text(
                    f"Jurisdiction must be one of {', '.join(JURISDICTIONS)}; got {jurisdiction!r}.",
                    f"Юрисдикция мыналардың бірі болуы керек: {', '.join(JURISDICTIONS)}; алынғаны: {jurisdiction!r}.",
                    f"Юрисдикция должна быть одной из: {', '.join(JURISDICTIONS)}; получено: {jurisdiction!r}.",
                ),
                jurisdiction,
            )
        )
    if regimen not in REGIMENS:
        problems.append(
            InputProblem(
                "unknown_regimen",
                Text(
                    f"Regimen must be one of {', '.join(REGIMENS)}; got {regimen!r}.",
                    f"Режим мыналардың бірі болуы керек: {', '.join(REGIMENS)}; алынғаны: {regimen!r}.",
                    f"Схема должна быть одной из: {', '.join(REGIMENS)}; получено: {regimen!r}.",
                ),
                regimen,
            )
        )
    if not doses and today is None:
        problems.append(
            InputProblem(
                "start_date_required",
                Text(
                    "With no dose given yet, today's date is needed to plan the loading doses.",
                    "Әлі бірде-бір доза берілмегенде жүктеме дозаларды жоспарлау үшін бүгінгі күн қажет.",
                    "Если доз ещё не было, для планирования нагрузочных доз нужна сегодняшняя дата.",
                ),
                None,
            )
        )
    if maintenance_doses < 1:
        problems.append(
            InputProblem(
                "invalid_horizon",
                Text(
                    "At least one maintenance dose must be listed.",
                    "Кемінде бір демеуші доза көрсетілуі керек.",
                    "Нужно показать хотя бы одну поддерживающую дозу.",
                ),
                maintenance_doses,
            )
        )
    for before, after in zip(doses, doses[1:], strict=False):
        if after.day == before.day:
            problems.append(
                InputProblem(
                    "duplicate_date",
                    Text(
                        f"Two doses are given on {after.day.isoformat()}; each date may appear once.",
                        f"{after.day.isoformat()} күні екі доза көрсетілген; әр күн бір рет қана болуы мүмкін.",
                        f"Две дозы указаны на {after.day.isoformat()}; каждая дата может быть указана один раз.",
                    ),
                    after.day,
                )
            )
        elif after.day < before.day:
            problems.append(
                InputProblem(
                    "dates_out_of_order",
                    Text(
                        f"Doses must be listed in date order: {after.day.isoformat()} comes after {before.day.isoformat()}.",
                        f"Дозалар күн ретімен берілуі керек: {after.day.isoformat()} күні {before.day.isoformat()} күнінен кейін тұр.",
                        f"Дозы должны идти по порядку дат: {after.day.isoformat()} стоит после {before.day.isoformat()}.",
                    ),
                    after.day,
                )
            )
    if today is not None:
        for dose in doses:
            if dose.day > today:
                problems.append(
                    InputProblem(
                        "given_after_today",
                        Text(
                            f"A dose given on {dose.day.isoformat()} is after today ({today.isoformat()}).",
                            f"{dose.day.isoformat()} күнгі доза бүгінгі күннен ({today.isoformat()}) кейін.",
                            f"Доза от {dose.day.isoformat()} позже сегодняшнего дня ({today.isoformat()}).",
                        ),
                        dose.day,
                    )
                )
    for dose in doses:
        if dose.dose_mg is not None and dose.dose_mg <= 0:
            problems.append(
                InputProblem(
                    "invalid_dose",
                    Text(
                        f"The dose on {dose.day.isoformat()} must be a positive number of mg; got {dose.dose_mg:g}.",
                        f"{dose.day.isoformat()} күнгі доза оң мг саны болуы керек; алынғаны: {dose.dose_mg:g}.",
                        f"Доза от {dose.day.isoformat()} должна быть положительным числом мг; получено: {dose.dose_mg:g}.",
                    ),
                    dose.dose_mg,
                )
            )
    if problems:
        raise RegimenError(problems)
    return doses


def _starts_on_high_dose(doses: list[GivenDose], regimen: Regimen) -> bool:
    """On the 50/28 mg regimen, a history that starts with 12 mg doses is a switch from 12 mg."""
    if regimen != "high_dose":
        return False
    return not doses or doses[0].dose_mg != STANDARD_MG


def _advance(state: _State, day: date, dose_mg: float | None) -> tuple[DoseRecord, _State, list[Finding]]:
    """Apply one given dose: what it was, and the plan that follows from it."""
    findings: list[Finding] = []
    if state.last is not None and (day - state.last).days < MIN_DAYS_BETWEEN_DOSES:
        findings.append(_too_close(state.last, day))
    if state.last is None:
        record, state = _first_dose(state, day)
    elif state.regimen == "high_dose" and not state.on_high_dose and dose_mg != STANDARD_MG:
        record, state = _switch_dose(state, day)
    elif state.queue and state.queue[0].kind != "maintenance":
        record, state = _planned_dose(state, day)
    else:
        record, state, late = _maintenance_dose(state, day)
        findings.extend(late)
    if dose_mg is not None and dose_mg != record.dose_mg:
        findings.append(_dose_mismatch(day, dose_mg, record.dose_mg))
        record = replace(record, dose_mg=dose_mg)
    return record, state, findings


def _first_dose(state: _State, day: date) -> tuple[DoseRecord, _State]:
    if state.on_high_dose:
        queue: tuple[_Step, ...] = (_Step("loading", HIGH_LOADING_MG, R_HIGH_LOADING_2, after_days=14),)
        record = DoseRecord(1, day, "loading", HIGH_LOADING_MG, None, None, "first", R_HIGH_LOADING_1)
    else:
        queue = _loading_steps(state.jurisdiction, "loading")[1:]
        record = DoseRecord(1, day, "loading", STANDARD_MG, None, None, "first", R_LOADING_1)
    return record, replace(state, last=day, queue=queue, count=1)


def _loading_steps(jurisdiction: Jurisdiction, kind: DoseKind) -> tuple[_Step, ...]:
    """The four loading doses; the first has no interval (it is the day the series starts)."""
    fourth = R_LOADING_4_EU if jurisdiction == "EU" else R_LOADING_4_US
    rules = (*_LOADING_RULES, fourth)
    intervals = (0, *LOADING_INTERVALS[jurisdiction])
    return tuple(_Step(kind, STANDARD_MG, rule, after_days=days) for rule, days in zip(rules, intervals, strict=True))


def _switch_dose(state: _State, day: date) -> tuple[DoseRecord, _State]:
    assert state.last is not None
    step = _switch_step(state)
    record = _record(state, step, day)
    return record, replace(state, on_high_dose=True, last=day, queue=(), count=state.count + 1)


def _switch_step(state: _State) -> _Step:
    """The 50 mg dose replaces whatever 12 mg dose was next, on that dose's date."""
    following = state.queue[0] if state.queue else _maintenance_step(state)
    return replace(following, kind="switch", dose_mg=HIGH_LOADING_MG, rule=R_SWITCH)


def _maintenance_step(state: _State) -> _Step:
    if state.on_high_dose:
        return _Step("maintenance", HIGH_MAINTENANCE_MG, R_HIGH_MAINTENANCE, after_months=MAINTENANCE_MONTHS)
    return _Step("maintenance", STANDARD_MG, R_MAINTENANCE, after_months=MAINTENANCE_MONTHS)


def _planned_dose(state: _State, day: date) -> tuple[DoseRecord, _State]:
    step = state.queue[0]
    record = _record(state, step, day)
    if record.timing == "late" and step.kind in ("loading", "extra", "reloading"):
        record = replace(record, rule=R_HIGH_LATE if state.on_high_dose else R_LOADING_LATE)
    return record, replace(state, last=day, queue=state.queue[1:], count=state.count + 1)


def _record(state: _State, step: _Step, day: date) -> DoseRecord:
    assert state.last is not None
    due = step.due(state.last)
    window = step.window(state.last)
    timing: Literal["on_time", "early", "late"] = (
        "early" if day < window.earliest else "late" if day > window.latest else "on_time"
    )
    return DoseRecord(state.count + 1, day, step.kind, step.dose_mg, due, window, timing, step.rule)


def _maintenance_dose(state: _State, day: date) -> tuple[DoseRecord, _State, list[Finding]]:
    """A maintenance dose: on time, or late under the missed-dose rules (by months since the last dose)."""
    assert state.last is not None
    step = state.queue[0] if state.queue else _maintenance_step(state)
    record = _record(state, step, day)
    moved = replace(state, last=day, queue=(), count=state.count + 1)
    if record.timing != "late":
        return record, moved, []
    if state.on_high_dose:
        return replace(record, rule=R_HIGH_LATE), moved, [_high_dose_late(day)]
    months = whole_months_between(state.last, day)
    if months < 8:
        resume = _Step("maintenance", STANDARD_MG, R_RESUME_ORIGINAL, on=add_months(state.last, 2 * MAINTENANCE_MONTHS))
        return replace(record, rule=R_MISSED_UNDER_8), replace(moved, queue=(resume,)), []
    if months < 16:
        return replace(record, rule=R_MISSED_8_16), replace(moved, queue=_extra_doses(1)), []
    if months < 40:
        return replace(record, rule=R_MISSED_16_40), replace(moved, queue=_extra_doses(2)), []
    reloading = _loading_steps(state.jurisdiction, "reloading")
    record = replace(record, kind="reloading", rule=R_MISSED_40)
    return record, replace(moved, queue=reloading[1:]), []


def _extra_doses(count: int) -> tuple[_Step, ...]:
    return tuple(_Step("extra", STANDARD_MG, R_EXTRA, after_days=MIN_DAYS_BETWEEN_DOSES) for _ in range(count))


def _project(state: _State, today: date | None, maintenance_doses: int) -> list[DueDose]:
    """The doses still to give, assuming each is given on its due date from now on."""
    if state.last is None:
        assert today is not None  # checked by _validated
        return _project_start(state, today, maintenance_doses)
    due: list[DueDose] = []
    maintenance_seen = 0
    while maintenance_seen < maintenance_doses:
        step = _next_step(state)
        scheduled = step.due(state.last)
        window = step.window(state.last)
        overdue_since = None
        day = scheduled
        if not due and today is not None and today > window.latest:
            overdue_since = window.latest + timedelta(days=1)
            day = max(today, state.last + timedelta(days=MIN_DAYS_BETWEEN_DOSES))
        record, state, _ = _advance(state, day, None)
        if overdue_since is not None:
            window = Window(day, day + timedelta(days=step.tolerance_days))
        due.append(DueDose(record.number, record.kind, record.dose_mg, day, window, record.rule, overdue_since))
        # An overdue dose given "as soon as possible" is listed with the regular dose that follows it.
        if record.kind == "maintenance" and not state.queue and overdue_since is None:
            maintenance_seen += 1
    return due


def _next_step(state: _State) -> _Step:
    if state.regimen == "high_dose" and not state.on_high_dose:
        return _switch_step(state)
    return state.queue[0] if state.queue else _maintenance_step(state)


def _project_start(state: _State, today: date, maintenance_doses: int) -> list[DueDose]:
    """No dose given yet: the whole loading series from ``today``."""
    record, state, _ = _advance(state, today, None)
    first = DueDose(
        1,
        record.kind,
        record.dose_mg,
        today,
        Window(today, today + timedelta(days=LOADING_TOLERANCE_DAYS)),
        record.rule,
    )
    return [first, *_project(state, None, maintenance_doses)]


def _too_close(last: date, day: date) -> Finding:
    gap = (day - last).days
    return Finding(
        "interval_under_14_days",
        "warning",
        Text(
            f"Only {gap} days between the doses of {last.isoformat()} and {day.isoformat()}; the label asks for at least 14.",
            f"{last.isoformat()} және {day.isoformat()} дозаларының арасы небәрі {gap} күн; нұсқаулық бойынша кемінде 14 күн болуы керек.",
            f"Между дозами {last.isoformat()} и {day.isoformat()} всего {gap} дн.; по инструкции нужно не менее 14 дней.",
        ),
        US_MISSED,
        {"previous": last, "date": day, "days": gap},
    )


def _dose_mismatch(day: date, given_mg: float, expected_mg: float) -> Finding:
    return Finding(
        "dose_not_as_scheduled",
        "warning",
        Text(
            f"The dose on {day.isoformat()} was {given_mg:g} mg; the schedule expects {expected_mg:g} mg.",
            f"{day.isoformat()} күнгі доза {given_mg:g} мг болды; кесте бойынша {expected_mg:g} мг күтіледі.",
            f"Доза {day.isoformat()} составила {given_mg:g} мг; по графику ожидается {expected_mg:g} мг.",
        ),
        f"{EU_SMPC}; {HIGH_DOSE}",
        {"date": day, "dose_mg": given_mg, "expected_mg": expected_mg},
    )


def _high_dose_late(day: date) -> Finding:
    return Finding(
        "high_dose_missed_dose_rule_unverified", "warning", R_HIGH_LATE.text, R_HIGH_LATE.source, {"date": day}
    )


def _us_high_dose_unverified() -> Finding:
    return Finding(
        "high_dose_us_status_unverified",
        "info",
        Text(
            "US approval of the 50/28 mg regimen rests on one third-party report; confirm the current US label.",
            "50/28 мг режимінің АҚШ-та мақұлдануы бір ғана үшінші тарап дереккөзіне негізделген; қолданыстағы АҚШ нұсқаулығын тексеріңіз.",
            "Одобрение схемы 50/28 мг в США подтверждено лишь одним сторонним источником; сверьтесь с действующей инструкцией США.",
        ),
        "clinical.md §B.1.1 [U]: FDA approval 30 Mar 2026 reported by medaptly.com only",
    )


def due_doses(schedule: Schedule, kinds: Iterable[DoseKind]) -> tuple[DueDose, ...]:
    """The due doses of the given kinds (e.g. only maintenance doses, for a worklist column)."""
    wanted = set(kinds)
    return tuple(d for d in schedule.due if d.kind in wanted)
