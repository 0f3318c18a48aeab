"""The columns of the research tables, described once: the writers, the rows and the data dictionary
all read them from here, so a column cannot be exported without being described.

Wide table (one row per assessment)::

    pseudonym, assessment_key, center, sex, age_years[, age_months], assessment_date, visit_kind,
    status, instrument_version, scoring_version, ctx_<context>…, item_<item>[, item_<item>_not_tested]…,
    total, band, sub_<subscale>[, sub_<subscale>_band]…, complete, flags

Long table (one row per item response)::

    pseudonym, assessment_key, center, sex, age_years[, age_months], assessment_date, status,
    instrument_version, scoring_version, item_id, value, value_number, points, not_tested_reason

``age_months`` appears for the instruments of ``AGE_MONTHS_INSTRUMENTS``. Context values that are
free text (comments, postures, equations) or mappings are left out, and so are ``age`` and ``sex``
(the patient columns carry them, age top-coded). Goal Attainment Scaling names its goals in the
clinician's words; the words stay in the registry and the goals are exported by their number as
``goal_1`` … ``goal_10`` (wide) or ``goal_<n>`` (long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from qadam import scales
from qadam.assessments.models import Status, VisitKind
from qadam.patients.models import Sex
from qadam.scales.model import NOT_TESTED_REASONS, Choice, Instrument, Item, Text

ColumnType = Literal["string", "integer", "number", "date", "boolean"]

# Instruments of infants and children with SMA, whose changes are read against age in months
# (Glanzman 2010, CHOP INTEND; O'Hagen 2007, HFMSE; Mazzone 2017, RULM).
AGE_MONTHS_INSTRUMENTS = frozenset({"chop_intend", "hfmse", "rulm"})
# Context values already exported as patient columns, or free text, or not a single value.
SKIPPED_CONTEXT = frozenset({"age", "sex"})
GOAL_SLOTS = 10
_NUMBERED_GOAL = re.compile(r"([1-9][0-9]{0,2})\. ")
EXPORTED_STATUSES = (Status.COMPLETED, Status.SIGNED)


@dataclass(frozen=True)
class Allowed:
    """One allowed value of a coded column, with its points and label where it has them."""

    code: str
    label: Text | None = None
    points: float | int | None = None


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    label: Text
    description: str
    allowed: tuple[Allowed, ...] = ()
    range: str = ""
    unit: str = ""
    item: str = ""
    # Where the row builder reads the value: ("item", id), ("not_tested", id), ("context", name),
    # ("goal", n), ("goal_not_tested", n), ("goal_context", (name, n)), ("subscore", id),
    # ("subscore_band", id), or ("field", name) for the fixed columns.
    source: tuple[str, Any] = ("field", "")

    def allowed_text(self) -> str:
        if self.allowed:
            return ", ".join(a.code for a in self.allowed)
        return self.range


def _t(en: str, kk: str, ru: str) -> Text:
    return Text(en, kk, ru)


def _choices(enum: Any) -> tuple[Allowed, ...]:
    return tuple(Allowed(str(value)) for value in enum.values)


def _not_tested_allowed() -> tuple[Allowed, ...]:
    return tuple(Allowed(reason.code, reason.label) for reason in NOT_TESTED_REASONS)


def _patient_columns(instrument: Instrument) -> list[Column]:
    columns = [
        Column(
            "pseudonym",
            "string",
            _t("Patient pseudonym", "Пациенттің бүркеншік аты", "Псевдоним пациента"),
            "The patient's pseudonym in this export only (HMAC of the registry id with the export id); "
            "the same in every file of the export, different in the next export.",
        ),
        Column(
            "assessment_key",
            "string",
            _t("Assessment key", "Бағалау кілті", "Ключ оценки"),
            "The assessment's id in this export only; joins the wide and long tables.",
        ),
        Column(
            "center",
            "string",
            _t("Center", "Орталық", "Центр"),
            "Code of the center where the visit took place.",
            source=("field", "center"),
        ),
        Column(
            "sex",
            "string",
            _t("Sex", "Жынысы", "Пол"),
            "Sex recorded in the registry.",
            allowed=tuple(Allowed(code, _sex_label(code)) for code in Sex.values),
        ),
        Column(
            "age_years",
            "integer",
            _t(
                "Age at assessment (completed years)",
                "Бағалау кезіндегі жасы (толық жыл)",
                "Возраст на дату оценки (полных лет)",
            ),
            "Completed years on the real assessment date; 90 means 90 or older.",
            range="0–90",
            unit="years",
        ),
    ]
    if instrument.code in AGE_MONTHS_INSTRUMENTS:
        columns.append(
            Column(
                "age_months",
                "integer",
                _t(
                    "Age at assessment (completed months, under 18 years)",
                    "Бағалау кезіндегі жасы (толық ай, 18 жасқа дейін)",
                    "Возраст на дату оценки (полных месяцев, до 18 лет)",
                ),
                "Completed months on the real assessment date; empty from 18 years on.",
                range="0–215",
                unit="months",
            )
        )
    columns.append(
        Column(
            "assessment_date",
            "date",
            _t("Assessment date (shifted)", "Бағалау күні (жылжытылған)", "Дата оценки (смещённая)"),
            "The assessment date moved by the patient's secret shift (±1 to ±N days, the same for every "
            "date of the patient): intervals within a patient are exact, calendar dates are not.",
        )
    )
    return columns


def _sex_label(code: str) -> Text:
    return {"female": _t("Female", "Әйел", "Женский"), "male": _t("Male", "Ер", "Мужской")}[code]


def _record_columns(*, wide: bool) -> list[Column]:
    columns = []
    if wide:
        columns.append(
            Column(
                "visit_kind",
                "string",
                _t("Visit type", "Келу түрі", "Тип визита"),
                "Type of the visit the assessment belongs to.",
                allowed=_choices(VisitKind),
            )
        )
    columns += [
        Column(
            "status",
            "string",
            _t("Status", "Күйі", "Статус"),
            "completed: complete but not signed; signed: signed by a clinician of the center (an "
            "assessment whose amendment awaits a new signature is exported as its last signed version).",
            allowed=tuple(Allowed(str(s)) for s in EXPORTED_STATUSES),
        ),
        Column(
            "instrument_version",
            "string",
            _t("Instrument version", "Құрал нұсқасы", "Версия инструмента"),
            "The version of the instrument the assessment was recorded with.",
        ),
        Column(
            "scoring_version",
            "string",
            _t("Scoring version", "Есептеу нұсқасы", "Версия подсчёта"),
            "The version of the qadam.scales rule that computed the stored result.",
        ),
    ]
    return columns


def _item_type(item: Item) -> ColumnType:
    if item.choices:
        return "integer" if all(isinstance(c.code, int) for c in item.choices) else "string"
    return "integer" if item.integer else "number"


def _allowed(choices: tuple[Choice, ...]) -> tuple[Allowed, ...]:
    return tuple(Allowed(str(c.code), c.label, c.points) for c in choices)


def _range(item: Item) -> str:
    return "" if item.choices else item.allowed_description()


def _item_column(instrument: Instrument, item: Item, name: str, source: tuple[str, Any], label: Text) -> Column:
    parts = [f"Item {item.id} of {instrument.name}"]
    if item.side:
        parts.append({"L": "left side", "R": "right side"}[item.side])
    if not item.scored:
        parts.append("not scored")
    return Column(
        name,
        _item_type(item),
        label,
        "; ".join(parts) + ". Empty when not tested or not answered.",
        allowed=_allowed(item.choices),
        range=_range(item),
        unit=item.unit or "",
        item=item.id,
        source=source,
    )


def _not_tested_column(item_label: Text, name: str, item_id: str, source: tuple[str, Any]) -> Column:
    return Column(
        name,
        "string",
        _t(
            f"{item_label.en}: reason not tested",
            f"{item_label.kk}: тексерілмеу себебі",
            f"{item_label.ru}: причина, по которой не оценено",
        ),
        f"Why item {item_id} was not tested (the free-text note is not exported). Empty when tested.",
        allowed=_not_tested_allowed(),
        item=item_id,
        source=source,
    )


def _context_columns(instrument: Instrument) -> list[Column]:
    columns = []
    for spec in instrument.context:
        if spec.name in SKIPPED_CONTEXT or spec.kind not in ("choice", "number"):
            continue
        if spec.kind == "choice":
            kind: ColumnType = "string"
            allowed = tuple(Allowed(str(c)) for c in spec.choices)
            value_range = ""
        else:
            kind, allowed = "number", ()
            low = "" if spec.minimum is None else f"{spec.minimum:g}"
            high = "" if spec.maximum is None else f"{spec.maximum:g}"
            value_range = f"{low}–{high}" if (low or high) else ""
        columns.append(
            Column(
                f"ctx_{spec.name}",
                kind,
                spec.label,
                f"Context of the assessment: {spec.label.en}.",
                allowed=allowed,
                range=value_range,
                unit=spec.unit or "",
                source=("context", spec.name),
            )
        )
    return columns


def goal_number(item_id: str) -> int | None:
    """The number of a GAS goal: a declared slot ("3") or a named goal ("3. Walk 10 m …")."""
    if item_id.isdigit():
        return int(item_id)
    match = _NUMBERED_GOAL.match(item_id)
    return int(match.group(1)) if match else None


def _goal_columns(instrument: Instrument) -> list[Column]:
    template = instrument.item_template
    assert template is not None
    per_goal = [s for s in instrument.context if s.kind == "mapping"]
    columns = []
    for n in range(1, GOAL_SLOTS + 1):
        label = _t(f"Goal {n}: attainment", f"{n}-мақсат: жету деңгейі", f"Цель {n}: степень достижения")
        column = _item_column(instrument, template, f"item_goal_{n}", ("goal", n), label)
        columns.append(
            Column(
                column.name,
                column.type,
                column.label,
                f"Attainment of goal {n} (the goal's wording stays in the registry). Empty when not set.",
                allowed=column.allowed,
                item=f"goal_{n}",
                source=column.source,
            )
        )
        if template.not_tested_allowed:
            columns.append(_not_tested_column(label, f"item_goal_{n}_not_tested", f"goal_{n}", ("goal_not_tested", n)))
        for spec in per_goal:
            columns.append(
                Column(
                    f"ctx_{spec.name}_goal_{n}",
                    "number",
                    _t(f"{spec.label.en}: goal {n}", f"{spec.label.kk}: {n}-мақсат", f"{spec.label.ru}: цель {n}"),
                    f"Context of the assessment: {spec.label.en}, for goal {n}.",
                    source=("goal_context", (spec.name, n)),
                )
            )
    return columns


def _item_columns(instrument: Instrument) -> list[Column]:
    if instrument.item_template is not None:
        return _goal_columns(instrument)
    columns = []
    for item in instrument.items:
        columns.append(_item_column(instrument, item, f"item_{item.id}", ("item", item.id), item.label))
        if item.not_tested_allowed:
            columns.append(
                _not_tested_column(item.label, f"item_{item.id}_not_tested", item.id, ("not_tested", item.id))
            )
    return columns


def _band_allowed(bands: tuple[scales.Band, ...]) -> tuple[Allowed, ...]:
    return tuple(Allowed(b.code, b.label) for b in bands)


def _result_columns(instrument: Instrument) -> list[Column]:
    low, high = instrument.total_range or (None, None)
    total_range = (
        ""
        if instrument.total_range is None
        else f"{'' if low is None else f'{low:g}'}–{'' if high is None else f'{high:g}'}"
    )
    columns = [
        Column(
            "total",
            "number",
            _t("Total score", "Жалпы балл", "Общий балл"),
            f"Total computed by qadam.scales: {instrument.scoring_rule} Empty when the instrument's "
            "missing-item rule gives no total or the instrument has none.",
            range=total_range,
        )
    ]
    if instrument.bands:
        columns.append(
            Column(
                "band",
                "string",
                _t("Interpretation band", "Интерпретация деңгейі", "Категория интерпретации"),
                "The band of the total.",
                allowed=_band_allowed(instrument.bands),
            )
        )
    for sub in instrument.subscales:
        high = "" if sub.maximum is None else f"{sub.maximum:g}"
        columns.append(
            Column(
                f"sub_{sub.id}",
                "number",
                sub.label,
                f"Subscore {sub.id} (items {', '.join(sub.items)}).",
                range=f"{sub.minimum:g}–{high}",
                source=("subscore", sub.id),
            )
        )
        if sub.bands:
            columns.append(
                Column(
                    f"sub_{sub.id}_band",
                    "string",
                    _t(f"{sub.label.en}: band", f"{sub.label.kk}: деңгейі", f"{sub.label.ru}: категория"),
                    f"The band of subscore {sub.id}.",
                    allowed=_band_allowed(sub.bands),
                    source=("subscore_band", sub.id),
                )
            )
    columns += [
        Column(
            "complete",
            "boolean",
            _t("Complete", "Толық", "Полная"),
            "true when every required item was answered or not tested for a reason the instrument accepts.",
        ),
        Column(
            "flags",
            "string",
            _t("Flags", "Белгілер", "Отметки"),
            "Codes of the flags qadam.scales raised (e.g. safety_self_harm), separated by ';'.",
        ),
    ]
    return columns


def wide_columns(instrument: Instrument) -> list[Column]:
    return [
        *_patient_columns(instrument),
        *_record_columns(wide=True),
        *_context_columns(instrument),
        *_item_columns(instrument),
        *_result_columns(instrument),
    ]


def long_columns(instrument: Instrument) -> list[Column]:
    if instrument.item_template is not None:
        item_ids = tuple(Allowed(f"goal_{n}") for n in range(1, GOAL_SLOTS + 1))
        item_note = "goal_<n> for goal n (more than ten goals continue goal_11, goal_12 …)."
    else:
        item_ids = tuple(Allowed(item.id, item.label) for item in instrument.items)
        item_note = "The item's id in the instrument."
    return [
        *_patient_columns(instrument),
        *_record_columns(wide=False),
        Column("item_id", "string", _t("Item", "Тармақ", "Пункт"), item_note, allowed=item_ids),
        Column(
            "value",
            "string",
            _t("Answer", "Жауап", "Ответ"),
            "The answer as recorded: a choice code (see the item's column in the wide table for its "
            "allowed values) or a measured number. Empty when not tested.",
        ),
        Column(
            "value_number",
            "number",
            _t("Answer as a number", "Жауап сан ретінде", "Ответ числом"),
            "The answer when it is a number (choice codes such as 'UN' or '1+' stay empty).",
        ),
        Column(
            "points",
            "number",
            _t("Points", "Ұпай", "Баллы"),
            "Points the chosen answer carries in the instrument's definition; empty for measured "
            "items, for answers without points and when not tested.",
        ),
        Column(
            "not_tested_reason",
            "string",
            _t("Reason not tested", "Тексерілмеу себебі", "Причина, по которой не оценено"),
            "Why the item was not tested (the free-text note is not exported). Empty when tested.",
            allowed=_not_tested_allowed(),
        ),
    ]
