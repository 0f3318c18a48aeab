"""From a patient's trajectory to a chart in the user's language (the Django side of ``charts``).

``charts`` draws; this module decides what is drawn and says it in words: the active language's
labels (gettext), dates written out with the locale's month names, numbers with its decimal mark.
The meaningful-change band is the baseline ± the instrument's threshold (a percentage threshold is
taken of the baseline), drawn from the baseline to the course's last follow-up; the expected
untreated course starts at the baseline with the slope of the reference row chosen by
``qadam.regimens.assess_response`` (clinical.md §C.5) and runs to the same day.
"""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

from qadam import scales

from . import charts
from .selectors import Judgement, Trajectory


def language() -> str:
    lang = (get_language() or "en").split("-")[0]
    return lang if lang in scales.LANGUAGES else "en"


def number(value: float) -> str:
    """A number in the active locale: whole numbers without decimals, others with up to two."""
    if float(value).is_integer():
        return formats.number_format(int(value), use_l10n=True)
    return formats.number_format(round(float(value), 2), decimal_pos=None, use_l10n=True)


def signed(value: float) -> str:
    return f"+{number(value)}" if value > 0 else f"−{number(-value)}" if value < 0 else number(value)


def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT", use_l10n=True)


def month_year(day: datetime.date) -> str:
    return formats.date_format(day, "M Y", use_l10n=True)


def instrument_label(trajectory: Trajectory) -> str:
    definition = trajectory.definition
    name = definition.name if definition else trajectory.instrument
    if trajectory.side == "L":
        return gettext("%(instrument)s, left side") % {"instrument": name}
    if trajectory.side == "R":
        return gettext("%(instrument)s, right side") % {"instrument": name}
    return name


def band_limits(judgement: Judgement) -> tuple[float, float] | None:
    """Baseline ± the meaningful change (a percentage threshold as a share of the baseline)."""
    response = judgement.response
    if response is None or response.threshold is None:
        return None
    threshold = float(response.threshold.value)
    baseline = response.baseline.value
    if response.threshold.kind == "percent":
        threshold = abs(baseline) * threshold / 100
    return baseline - threshold, baseline + threshold


def chart_for(trajectory: Trajectory, *, today: datetime.date, chart_id: str | None = None) -> charts.Chart:
    """The chart of one trajectory, in the active language."""
    name = instrument_label(trajectory)
    definition = trajectory.definition
    bounds = tuple(definition.total_range) if definition and definition.total_range else (None, None)
    points = tuple(charts.Point(r.day, r.value, f"{long_date(r.day)}: {number(r.value)}") for r in trajectory.results)
    periods = tuple(charts.Period(c.started_on, c.stopped_on, c.name(language())) for c in trajectory.courses)
    doses = tuple(
        charts.Dose(d.day, _dose_words(c.name(language()), d), index)
        for index, c in enumerate(trajectory.courses)
        for d in c.doses
    )
    bands, expected = [], []
    for judgement in trajectory.judgements:
        response = judgement.response
        if response is None:
            continue
        end = response.follow_ups[-1].day
        limits = band_limits(judgement)
        if limits is not None:
            bands.append(
                charts.Band(
                    response.baseline.day,
                    end,
                    limits[0],
                    limits[1],
                    gettext("Meaningful change from the baseline of %(baseline)s: %(low)s to %(high)s")
                    % {
                        "baseline": number(response.baseline.value),
                        "low": number(limits[0]),
                        "high": number(limits[1]),
                    },
                )
            )
        reference = response.reference
        if reference is not None and reference.slope_per_year is not None:
            expected.append(
                charts.ExpectedCourse(
                    response.baseline.day,
                    end,
                    response.baseline.value,
                    reference.slope_per_year,
                    gettext("Expected without treatment: %(slope)s a year (%(source)s)")
                    % {"slope": signed(reference.slope_per_year), "source": reference.source},
                )
            )
    threshold = definition.mcid if definition else None
    min_span = 0.0
    if threshold is not None and threshold.kind == "points":
        min_span = 4 * float(threshold.value)
    return charts.Chart(
        id=chart_id or f"chart-{trajectory.key}",
        title=gettext("%(instrument)s over time") % {"instrument": name},
        description=describe(trajectory, name),
        x_label=gettext("Date of assessment"),
        y_label=_y_label(trajectory, name),
        points=points,
        periods=periods,
        doses=doses,
        bands=tuple(bands),
        expected=tuple(expected),
        bounds=bounds,
        min_span=min_span,
        today=today,
        legend=charts.Legend(
            scores=gettext("Results"),
            therapy=gettext("Therapy"),
            dose=gettext("Dose given"),
            band=gettext("Meaningful change from baseline"),
            expected=gettext("Expected without treatment"),
        ),
        format_day=month_year,
        format_number=number,
    )


def _y_label(trajectory: Trajectory, name: str) -> str:
    definition = trajectory.definition
    if definition and definition.total_range and definition.total_range[1] is not None:
        low, high = definition.total_range
        return gettext("%(instrument)s total (%(low)s–%(high)s)") % {
            "instrument": name,
            "low": number(low),
            "high": number(high),
        }
    return gettext("%(instrument)s total") % {"instrument": name}


def _dose_words(drug: str, dose) -> str:
    amount = f" {number(float(dose.dose))} {dose.unit}".rstrip() if dose.dose is not None else ""
    return f"{long_date(dose.day)}: {drug}{amount}"


def describe(trajectory: Trajectory, name: str) -> str:
    """The chart's long description: the results, the therapies and what the lines mean."""
    results = trajectory.results
    parts = []
    if results:
        parts.append(
            ngettext(
                "%(count)d result of %(instrument)s from %(first)s to %(last)s: %(values)s.",
                "%(count)d results of %(instrument)s from %(first)s to %(last)s: %(values)s.",
                len(results),
            )
            % {
                "count": len(results),
                "instrument": name,
                "first": long_date(results[0].day),
                "last": long_date(results[-1].day),
                "values": "; ".join(f"{long_date(r.day)} {number(r.value)}" for r in results),
            }
        )
    for course in trajectory.courses:
        words = {"drug": course.name(language()), "start": long_date(course.started_on)}
        if course.stopped_on:
            words["stop"] = long_date(course.stopped_on)
            text = gettext("%(drug)s from %(start)s to %(stop)s") % words
        else:
            text = gettext("%(drug)s since %(start)s") % words
        count = len(course.doses)
        text += ", " + ngettext("%(count)d dose given.", "%(count)d doses given.", count) % {"count": count}
        parts.append(text)
    for judgement in trajectory.judgements:
        if judgement.response is not None:
            parts.append(judgement.response.sentence.get(language()))
    return " ".join(parts)
