"""Treatment response (clinical.md §C): change from baseline, judged by the instrument's meaningful
change, the observed slope, and the expected untreated slope of the patient's population.

- Baseline: the last result on or before the first day of the course, within a configurable window
  (default 3 calendar months, the baseline rule of clinical.md §A rule 3 [RD]). A result on the
  start day counts as baseline: assessments are done before the first dose.
- Follow-ups: every result after the start day. Change = latest − baseline, classified improved /
  stable / worsened by ``qadam.scales.classify_change`` (the instrument's MCID and direction).
- Observed slope per year: ordinary least squares over the baseline and every follow-up (x in
  years of 365.25 days), which with one follow-up is the two-point slope of clinical.md §C.2.
- Expected untreated slope: the first comparator row of the §C.5 table (``data/
  expected_untreated_slopes.json``) whose population contains the patient (SMA type, age at
  baseline, walking status); outside every row there is no reference.
- Rough screen (§C.5 [RD]): z = (observed change − expected slope × years) / (SD₁₂ₘ × √years);
  |z| ≥ 1.96 is reported as better or worse than the expected untreated course.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from qadam import scales
from qadam.scales import MeaningfulChange, Text

from .calendar_months import add_months, whole_months_between
from .catalogue import ADJUVANT_CLASSES, DRUGS
from .model import InputProblem, RegimenError, decimal

DEFAULT_BASELINE_WINDOW_MONTHS = 3
Z_THRESHOLD = 1.96  # [RD] two-sided 95 % as a rough screen, clinical.md §C.5
DAYS_PER_YEAR = 365.25

Comparison = Literal["better_than_expected", "as_expected", "worse_than_expected"]


@dataclass(frozen=True)
class Observation:
    """One result of an instrument: the day and the total. ``version``/``side`` keep forms apart."""

    day: date
    value: float
    version: str | None = None
    side: str | None = None


@dataclass(frozen=True)
class Population:
    """Who the patient is, for choosing the untreated reference. ``None`` means not known."""

    sma_type: int | None = None
    age_years: float | None = None
    ambulant: bool | None = None


@dataclass(frozen=True)
class Reference:
    """One row of the expected untreated slope table (clinical.md §C.5)."""

    id: str
    instrument: str
    comparator: bool
    sma_types: tuple[int, ...]
    age_years: tuple[float | None, float | None] | None
    ambulant: bool | None
    population_label: Text
    unit: str
    slope_per_year: float | None
    direction: str
    sd_change_12m: float | None
    horizon_months: int | None
    design: str
    source: str
    tag: str
    note: str

    def contains(self, population: Population) -> bool:
        """Whether the patient is inside the source's population and age range."""
        if population.sma_type is None or population.sma_type not in self.sma_types:
            return False
        if self.ambulant is not None and population.ambulant is not self.ambulant:
            return False
        if self.age_years is not None:
            low, high = self.age_years
            if population.age_years is None:
                return False
            if (low is not None and population.age_years < low) or (high is not None and population.age_years > high):
                return False
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "instrument": self.instrument,
            "population": self.population_label.as_dict(),
            "unit": self.unit,
            "slope_per_year": self.slope_per_year,
            "direction": self.direction,
            "sd_change_12m": self.sd_change_12m,
            "horizon_months": self.horizon_months,
            "design": self.design,
            "source": self.source,
            "tag": self.tag,
            "note": self.note,
        }


@dataclass(frozen=True)
class FollowUp:
    day: date
    value: float
    change: float
    classification: str
    months_on_therapy: int


@dataclass(frozen=True)
class Response:
    """The response judgement for one instrument and one therapy course."""

    instrument: str
    therapy: str
    course_start: date
    baseline: Observation
    follow_ups: tuple[FollowUp, ...]
    change: float
    classification: str
    threshold: MeaningfulChange | None
    higher_is_better: bool | None
    days_on_therapy: int
    months_on_therapy: int
    observed_slope_per_year: float
    reference: Reference | None
    no_reference_reason: Text | None
    expected_change: float | None
    z: float | None
    comparison: Comparison | None
    sentence: Text

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "therapy": self.therapy,
            "course_start": self.course_start.isoformat(),
            "baseline": {"date": self.baseline.day.isoformat(), "value": self.baseline.value},
            "follow_ups": [
                {
                    "date": f.day.isoformat(),
                    "value": f.value,
                    "change": f.change,
                    "classification": f.classification,
                    "months_on_therapy": f.months_on_therapy,
                }
                for f in self.follow_ups
            ],
            "change": self.change,
            "classification": self.classification,
            "threshold": None
            if self.threshold is None
            else {"value": self.threshold.value, "kind": self.threshold.kind, "source": self.threshold.source},
            "higher_is_better": self.higher_is_better,
            "days_on_therapy": self.days_on_therapy,
            "months_on_therapy": self.months_on_therapy,
            "observed_slope_per_year": self.observed_slope_per_year,
            "reference": self.reference.as_dict() if self.reference else None,
            "no_reference_reason": self.no_reference_reason.as_dict() if self.no_reference_reason else None,
            "expected_change": self.expected_change,
            "z": self.z,
            "comparison": self.comparison,
            "sentence": self.sentence.as_dict(),
        }


@cache
def _table() -> dict[str, Any]:
    text = resources.files("qadam.regimens").joinpath("data/expected_untreated_slopes.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def references() -> tuple[Reference, ...]:
    """Every row of the §C.5 table, in the file's order (comparators first tried in that order)."""
    rows = []
    for row in _table()["references"]:
        population = row["population"]
        age = population.get("age_years")
        rows.append(
            Reference(
                id=row["id"],
                instrument=row["instrument"],
                comparator=row["comparator"],
                sma_types=tuple(population["sma_types"]),
                age_years=None if age is None else (age[0], age[1]),
                ambulant=population.get("ambulant"),
                population_label=Text(**row["population_label"]),
                unit=row["unit"],
                slope_per_year=row["slope_per_year"],
                direction=row["direction"],
                sd_change_12m=row["sd_change_12m"],
                horizon_months=row["horizon_months"],
                design=row["design"],
                source=row["source"],
                tag=row["tag"],
                note=row["note"],
            )
        )
    return tuple(rows)


def expected_untreated_slope(instrument: str, population: Population) -> tuple[Reference | None, Text | None]:
    """The comparator row for the patient, or ``None`` and the reason there is none."""
    for row in references():
        if row.comparator and row.instrument == instrument and row.contains(population):
            return row, None
    for entry in _table()["no_slope"]:
        if instrument in entry["instruments"]:
            return None, Text(**entry["reason"])
    if any(r.instrument == instrument for r in references()):
        return None, Text(
            "no untreated reference covers this patient's population and age",
            "бұл науқастың популяциясы мен жасына емделмеген салыстыру дерегі жоқ",
            "нет данных без лечения для популяции и возраста этого пациента",
        )
    return None, Text(
        "no untreated reference for this instrument",
        "бұл шкала үшін емделмеген салыстыру дерегі жоқ",
        "для этой шкалы нет данных без лечения",
    )


def select_baseline(
    observations: Sequence[Observation], course_start: date, window_months: int = DEFAULT_BASELINE_WINDOW_MONTHS
) -> Observation | None:
    """The last result on or before ``course_start`` and not older than ``window_months``."""
    earliest = add_months(course_start, -window_months)
    candidates = [o for o in observations if earliest <= o.day <= course_start]
    return max(candidates, key=lambda o: o.day) if candidates else None


def assess_response(
    instrument: str,
    observations: Sequence[Observation],
    course_start: date,
    *,
    therapy: str,
    population: Population | None = None,
    baseline_window_months: int = DEFAULT_BASELINE_WINDOW_MONTHS,
) -> Response:
    """Judge the response of ``instrument`` to the course of ``therapy`` started on ``course_start``.

    ``observations`` are the patient's results of that instrument in any order. Raises
    ``RegimenError`` when the instrument or therapy is unknown, there is no baseline in the window,
    no follow-up after the start, or the results mix versions or sides.
    """
    definition = _instrument(instrument)
    therapy_name = _therapy_name(therapy)
    ordered = sorted(observations, key=lambda o: o.day)
    baseline = select_baseline(ordered, course_start, baseline_window_months)
    follow_ups = [o for o in ordered if o.day > course_start]
    _require_baseline_and_follow_up(baseline, follow_ups, course_start, baseline_window_months)
    assert baseline is not None
    judged = [_follow_up(definition, baseline, o, course_start) for o in follow_ups]
    latest, last = follow_ups[-1], judged[-1]
    years = (latest.day - baseline.day).days / DAYS_PER_YEAR
    slope = _least_squares_slope([baseline, *follow_ups])
    reference, reason = expected_untreated_slope(instrument, population or Population())
    expected, z, comparison = _against_reference(reference, last.change, years, definition.higher_is_better)
    months = whole_months_between(course_start, latest.day)
    response = Response(
        instrument=instrument,
        therapy=therapy,
        course_start=course_start,
        baseline=baseline,
        follow_ups=tuple(judged),
        change=last.change,
        classification=last.classification,
        threshold=definition.mcid,
        higher_is_better=definition.higher_is_better,
        days_on_therapy=(latest.day - course_start).days,
        months_on_therapy=months,
        observed_slope_per_year=round(slope, 2),
        reference=reference,
        no_reference_reason=reason,
        expected_change=None if expected is None else round(expected, 2),
        z=None if z is None else round(z, 2),
        comparison=comparison,
        sentence=Text("", "", ""),
    )
    sentence = Text(*(_sentence(response, definition.name, therapy_name, lang) for lang in ("en", "kk", "ru")))
    return replace(response, sentence=sentence)


def _instrument(code: str) -> scales.Instrument:
    try:
        return scales.get(code)
    except scales.ScaleError as error:
        raise RegimenError(
            [
                InputProblem("unknown_instrument", Text(p.message("en"), p.message("kk"), p.message("ru")), code)
                for p in error.problems
            ]
        ) from None


ADJUVANT_PREFIX = "adjuvant:"  # a pain-adjuvant class of §B.4 as a course's drug, e.g. "adjuvant:SNRI"


def _therapy_name(code: str) -> Text:
    entry = DRUGS.get(code)
    adjuvant = ADJUVANT_CLASSES.get(code.removeprefix(ADJUVANT_PREFIX)) if code.startswith(ADJUVANT_PREFIX) else None
    if adjuvant is not None:
        return adjuvant.name
    if entry is None:
        known = ", ".join(DRUGS)
        raise RegimenError(
            [
                InputProblem(
                    "unknown_therapy",
                    Text(
                        f"Unknown therapy {code!r}; known: {known}.",
                        f"Белгісіз ем {code!r}; белгілілері: {known}.",
                        f"Неизвестная терапия {code!r}; известные: {known}.",
                    ),
                    code,
                )
            ]
        )
    return entry.name


def _require_baseline_and_follow_up(
    baseline: Observation | None, follow_ups: list[Observation], start: date, window: int
) -> None:
    problems = []
    if baseline is None:
        problems.append(
            InputProblem(
                "no_baseline",
                Text(
                    f"No result in the {window} months up to the course start ({start.isoformat()}); a baseline is required before the first dose.",
                    f"Ем басталғанға ({start.isoformat()}) дейінгі {window} айда нәтиже жоқ; алғашқы дозаға дейін бастапқы бағалау қажет.",
                    f"Нет результата за {window} мес. до начала курса ({start.isoformat()}); перед первой дозой нужна исходная оценка.",
                ),
                start,
            )
        )
    if not follow_ups:
        problems.append(
            InputProblem(
                "no_follow_up",
                Text(
                    f"No result after the course start ({start.isoformat()}).",
                    f"Ем басталғаннан ({start.isoformat()}) кейін нәтиже жоқ.",
                    f"Нет результата после начала курса ({start.isoformat()}).",
                ),
                start,
            )
        )
    if problems:
        raise RegimenError(problems)


def _follow_up(definition: scales.Instrument, baseline: Observation, observation: Observation, start: date) -> FollowUp:
    try:
        change = scales.classify_change(
            definition.code, _as_result(definition, baseline), _as_result(definition, observation)
        )
    except scales.ScaleError as error:
        raise RegimenError(
            [
                InputProblem(p.code, Text(p.message("en"), p.message("kk"), p.message("ru")), observation.day)
                for p in error.problems
            ]
        ) from None
    difference = change.difference if change.difference is not None else observation.value - baseline.value
    return FollowUp(
        observation.day,
        observation.value,
        difference,
        change.classification,
        whole_months_between(start, observation.day),
    )


def _as_result(definition: scales.Instrument, observation: Observation) -> scales.Result:
    """A stored total as a scales ``Result``, so the change rule is the library's own."""
    return scales.Result(
        instrument=definition.code,
        version=observation.version or definition.version,
        total=observation.value,
        subscores={},
        band=None,
        flags=(),
        complete=True,
        derived={},
        missing=(),
        not_tested=(),
        side=observation.side,
        scoring_version=definition.scoring_version,
    )


def _least_squares_slope(points: Sequence[Observation]) -> float:
    """Ordinary least-squares slope of value on time, per year of 365.25 days."""
    origin = points[0].day
    xs = [(p.day - origin).days / DAYS_PER_YEAR for p in points]
    ys = [p.value for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx


def _against_reference(
    reference: Reference | None, change: float, years: float, higher_is_better: bool | None
) -> tuple[float | None, float | None, Comparison | None]:
    if reference is None or reference.slope_per_year is None:
        return None, None, None
    expected = reference.slope_per_year * years
    if reference.sd_change_12m is None or years <= 0:
        return expected, None, None
    z = (change - expected) / (reference.sd_change_12m * math.sqrt(years))
    better = z if higher_is_better is not False else -z
    if better >= Z_THRESHOLD:
        return expected, z, "better_than_expected"
    if better <= -Z_THRESHOLD:
        return expected, z, "worse_than_expected"
    return expected, z, "as_expected"


# --- the plain-language sentence -------------------------------------------------------------


def _sentence(response: Response, name: str, therapy: Text, lang: str) -> str:
    change = _signed(response.change, lang)
    months = response.months_on_therapy
    judgement = _judgement(response, lang)
    course = _course(response, lang)
    if lang == "kk":
        return f"{therapy.kk} емінің {months} айынан кейін {name} {change}: {judgement}; {course}."
    if lang == "ru":
        return f"{name} {change} через {months} {_ru_plural(months, 'месяц', 'месяца', 'месяцев')} терапии ({_lower_first(therapy.ru)}): {judgement}; {course}."
    return f"{name} {change} after {months} month{'s' if months != 1 else ''} of {_lower_first(therapy.en)}: {judgement}; {course}."


def _lower_first(name: str) -> str:
    """Drug names start a sentence in the catalogue; inside one only the first letter is lowered (IVIG stays)."""
    return name[:1].lower() + name[1:]


def _signed(value: float, lang: str) -> str:
    text = decimal(abs(value), lang)
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else text


def _judgement(response: Response, lang: str) -> str:
    threshold = response.threshold
    if threshold is None or response.classification == "not_classifiable":
        return {
            "en": "no meaningful-change threshold to judge it",
            "kk": "бағалау үшін маңызды өзгеріс шегі жоқ",
            "ru": "нет порога значимого изменения для оценки",
        }[lang]
    size = _threshold_words(threshold, _unit(response.instrument), lang)
    return {
        "improved": {
            "en": f"improved by at least the {size} threshold",
            "kk": f"{size} шектен кем емес жақсарды",
            "ru": f"улучшение не меньше порога {size}",
        },
        "worsened": {
            "en": f"worsened by at least the {size} threshold",
            "kk": f"{size} шектен кем емес нашарлады",
            "ru": f"ухудшение не меньше порога {size}",
        },
        "stable": {
            "en": f"stable, within the {size} threshold",
            "kk": f"тұрақты, {size} шек ішінде",
            "ru": f"стабильно, в пределах порога {size}",
        },
    }[response.classification][lang]


def _unit(instrument: str) -> str:
    """The unit of the instrument's total as the §C.5 table states it (metres for the 6MWT)."""
    return next((r.unit for r in references() if r.instrument == instrument), "points")


def _threshold_words(threshold: MeaningfulChange, unit: str, lang: str) -> str:
    value = decimal(threshold.value, lang)
    if threshold.kind == "percent":
        return {"en": f"{value} %", "kk": f"{value} %-дық", "ru": f"в {value} %"}[lang]
    if unit == "m":
        return {"en": f"{value} m", "kk": f"{value} метрлік", "ru": f"в {value} м"}[lang]
    if lang == "kk":
        return f"{value} ұпайлық"
    if lang == "ru":
        return f"в {value} {_ru_points_accusative(threshold.value)}"
    return f"{value}-point"


def _course(response: Response, lang: str) -> str:
    reference = response.reference
    if reference is None:
        assert response.no_reference_reason is not None
        return response.no_reference_reason.get(lang)
    who = reference.population_label.get(lang)
    if reference.slope_per_year is None:
        return {
            "en": f"{who} decline, with no reliable yearly rate",
            "kk": f"{who} нашарлайды, сенімді жылдық қарқын жоқ",
            "ru": f"{who} ухудшаются, надёжной годовой скорости нет",
        }[lang]
    amount = _amount(abs(reference.slope_per_year), reference.unit, lang)
    losing = reference.slope_per_year < 0
    text = {
        "en": f"{who} {'lose' if losing else 'gain'} about {amount} a year",
        "kk": f"{who} жылына шамамен {amount} {'жоғалтады' if losing else 'қосады'}",
        "ru": f"{who} {'теряют' if losing else 'прибавляют'} около {amount} в год",
    }[lang]
    if reference.sd_change_12m is not None:
        sd = decimal(reference.sd_change_12m, lang)
        text += {
            "en": f" (individual 12-month change varies, SD {sd})",
            "kk": f" (12 айдағы жеке өзгеріс әртүрлі, SD {sd})",
            "ru": f" (индивидуальное изменение за 12 месяцев различается, SD {sd})",
        }[lang]
    return text


def _amount(value: float, unit: str, lang: str) -> str:
    number = decimal(value, lang)
    if unit == "m":
        return f"{number} {'м' if lang in ('kk', 'ru') else 'm'}"
    if unit == "% predicted":
        return {"en": f"{number} % predicted", "kk": f"болжамдыдан {number} %", "ru": f"{number} % от должного"}[lang]
    if lang == "kk":
        return f"{number} ұпай"
    if lang == "ru":
        return f"{number} {_ru_points_genitive(value)}"
    return f"{number} point{'' if value == 1 else 's'}"


def _ru_plural(n: float, one: str, few: str, many: str) -> str:
    if n != int(n):
        return few
    n = int(abs(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _ru_points_accusative(n: float) -> str:
    """«порог в 1 балл / 3 балла / 5 баллов / 0,5 балла»."""
    return _ru_plural(n, "балл", "балла", "баллов")


def _ru_points_genitive(n: float) -> str:
    """After «около»: «около 1 балла / 0,5 балла / 2 баллов / 5 баллов»."""
    if n != int(n) or (int(n) % 10 == 1 and int(n) % 100 != 11):
        return "балла"
    return "баллов"
