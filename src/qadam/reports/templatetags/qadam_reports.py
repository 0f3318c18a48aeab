"""Template tags of the reports: the patient's responses and trajectory charts on the patient page.

The tags stay thin: ``patient_reports`` calls ``qadam.reports.selectors.patient_report`` once per
request and patient (the response card and the results section share it), ``trajectory_chart``
renders the SVG of ``qadam.reports.figures``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from qadam.core.exceptions import NotVisible
from qadam.reports import charts, figures, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_reports(context: Any, patient: Any) -> selectors.PatientReport | None:
    """The patient's report data for the signed-in user (``None`` when they may not see it)."""
    request = context.get("request")
    if request is None or patient is None:
        return None
    cache = getattr(request, "_qadam_reports", None)
    if cache is None:
        cache = request._qadam_reports = {}
    if patient.pk not in cache:
        try:
            cache[patient.pk] = selectors.patient_report(viewer=request.user, patient=patient)
        except NotVisible:
            cache[patient.pk] = None
    return cache[patient.pk]


@register.simple_tag
def trajectory_chart(trajectory: selectors.Trajectory, today: Any, prefix: str = "chart") -> str:
    """The inline SVG of one trajectory in the active language."""
    chart = figures.chart_for(trajectory, today=today, chart_id=f"{prefix}-{trajectory.key}")
    return mark_safe(charts.render(chart))  # noqa: S308 - every text inside is escaped by the renderer


@register.filter
def trajectories_of(report: selectors.PatientReport | None, code: str) -> list[selectors.Trajectory]:
    """The trajectories (one per side) of instrument ``code``."""
    if report is None:
        return []
    return [t for t in report.trajectories if t.instrument == code]


@register.filter
def instrument_label(trajectory: selectors.Trajectory) -> str:
    return figures.instrument_label(trajectory)


@register.filter
def drug_label(course: selectors.Course) -> str:
    return course.name(figures.language())


@register.filter
def signed_number(value: Any) -> str:
    """+4, −2,5 or 0 in the active locale."""
    if value is None:
        return "—"
    return figures.signed(float(value))


@register.filter
def problem_text(problem: Any) -> str:
    """An ``InputProblem`` of ``qadam.regimens`` in the active language."""
    return problem.message.get(figures.language())


@register.filter
def courses_on(report: selectors.PatientReport | None, day: Any) -> str:
    """The drugs given on ``day`` (courses running that day), as a comma-separated list."""
    if report is None or day is None:
        return ""
    return ", ".join(c.name(figures.language()) for c in report.courses if c.covers(day))


@register.filter
def band_of(judgement: selectors.Judgement) -> tuple[float, float] | None:
    return figures.band_limits(judgement)


@register.filter
def stop_reason_label(course: selectors.Course) -> str:
    from qadam.therapy.models import StopReason

    return str(dict(StopReason.choices).get(course.stop_reason, course.stop_reason))


@register.filter
def product_label(course: selectors.Course) -> str:
    """The brand of the course's product (Spinraza), or the substance as entered."""
    from qadam.therapy.labels import product_label as label

    return label(course.drug, course.product)
