"""Botulinum toxin type A sessions: minimum re-injection interval and product-specific maxima.

Rules (clinical.md §B.3):

- Units are product-specific and never interchangeable: totals are kept per product, never summed,
  compared or converted across onabotulinumtoxinA, abobotulinumtoxinA and incobotulinumtoxinA
  [V: Botox and Xeomin labels, Dysport US HCP site, AHFS monograph].
- Block a new session less than 84 days (12 weeks) after the previous session of *any* botulinum
  toxin product, unless a clinician override with a reason is recorded [RD implementing the labels'
  "≥12 weeks"].
- Per-session maxima: onabotulinumtoxinA ≤400 U cumulative in any 3-month period across adult
  indications [V]; abobotulinumtoxinA 1500 U per session [V]; incobotulinumtoxinA ≤400 U per
  session (US) [V; EU limits not checked, U]. "Any 3-month period" is counted in calendar months.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from qadam.scales import Text

from .calendar_months import add_months
from .catalogue import BOTULINUM_DRUGS, product_of
from .model import Finding, InputProblem, RegimenError, Rule

MIN_INTERVAL_DAYS = 84
INTERVAL_SOURCE = "clinical.md §B.3 [RD] implementing the labels' ≥12 weeks (Botox, Dysport, Xeomin)"
_PRODUCT_CODES = {p.code for d in BOTULINUM_DRUGS for p in d.products}


@dataclass(frozen=True)
class SessionLimit:
    """The product's maximum: per session, or cumulative over a number of calendar months."""

    units: float
    months: int | None  # None: per session; 3: cumulative in any 3-month period
    source: str


LIMITS: dict[str, SessionLimit] = {
    "onabotulinumtoxinA": SessionLimit(
        400, 3, "BOTOX US prescribing information: ≤400 U in any 3 months (clinical.md §B.3)"
    ),
    "abobotulinumtoxinA": SessionLimit(
        1500, None, "Dysport US HCP site; Ipsen SmPC: 1500 U per session (clinical.md §B.3)"
    ),
    "incobotulinumtoxinA": SessionLimit(
        400, None, "XEOMIN US prescribing information: ≤400 U per session (clinical.md §B.3); EU limits [U]"
    ),
}

R_NEXT = Rule(
    "botulinum_min_interval_84_days",
    Text(
        "Next session at least 84 days (12 weeks) after the previous session of any botulinum toxin product.",
        "Келесі сеанс кез келген ботулиндік токсин препаратының алдыңғы сеансынан кемінде 84 күн (12 апта) өткен соң.",
        "Следующий сеанс не ранее 84 дней (12 недель) после предыдущего сеанса любого препарата ботулотоксина.",
    ),
    INTERVAL_SOURCE,
)


@dataclass(frozen=True)
class BotulinumSession:
    """One injection session: a product code (``botox``, ``dysport``, ``xeomin``) or drug code, units."""

    day: date
    product: str
    units: float

    @property
    def drug(self) -> str:
        return _drug_code(self.product)


def _drug_code(product: str) -> str:
    if product in LIMITS:
        return product
    if product in _PRODUCT_CODES:
        return product_of(product)[0].code
    known = ", ".join(sorted(_PRODUCT_CODES | set(LIMITS)))
    raise RegimenError(
        [
            InputProblem(
                "unknown_botulinum_product",
                Text(
                    f"Unknown botulinum toxin product {product!r}; known: {known}.",
                    f"Белгісіз ботулиндік токсин препараты {product!r}; белгілілері: {known}.",
                    f"Неизвестный препарат ботулотоксина {product!r}; известные: {known}.",
                ),
                product,
            )
        ]
    )


def earliest_next_session(previous: date) -> tuple[date, Rule]:
    """The earliest day of the next session: 84 days after the previous one of any product."""
    return previous + timedelta(days=MIN_INTERVAL_DAYS), R_NEXT


def units_by_product(sessions: Iterable[BotulinumSession]) -> dict[str, float]:
    """Units per product (drug code). There is deliberately no grand total: units do not add up."""
    totals: dict[str, float] = {}
    for session in sessions:
        totals[session.drug] = totals.get(session.drug, 0) + session.units
    return totals


def check_botulinum_session(
    history: Sequence[BotulinumSession], new: BotulinumSession, override_reason: str = ""
) -> tuple[Finding, ...]:
    """Findings for a planned session against the patient's earlier sessions (any products)."""
    if new.units <= 0:
        raise RegimenError(
            [
                InputProblem(
                    "invalid_units",
                    Text(
                        f"Units must be a positive number; got {new.units:g}.",
                        f"Бірліктер оң сан болуы керек; алынғаны: {new.units:g}.",
                        f"Единицы должны быть положительным числом; получено: {new.units:g}.",
                    ),
                    new.units,
                )
            ]
        )
    findings: list[Finding] = []
    earlier = [s for s in history if s.day <= new.day and s is not new]
    if earlier:
        previous = max(earlier, key=lambda s: s.day)
        findings.extend(_interval(previous, new, override_reason))
    findings.extend(_limit(earlier, new))
    return tuple(findings)


def _interval(previous: BotulinumSession, new: BotulinumSession, override_reason: str) -> list[Finding]:
    gap = (new.day - previous.day).days
    if gap >= MIN_INTERVAL_DAYS:
        return []
    severity = "warning" if override_reason.strip() else "block"
    return [
        Finding(
            "botulinum_interval_under_84_days",
            severity,
            Text(
                f"Only {gap} days since the session of {previous.day.isoformat()} ({previous.drug}); the minimum is 84 days. {'Clinician override: ' + override_reason.strip() if override_reason.strip() else 'A clinician override with a reason is required.'}",
                f"{previous.day.isoformat()} сеансынан ({previous.drug}) бері небәрі {gap} күн өтті; ең аз аралық 84 күн. {'Дәрігердің шешімі: ' + override_reason.strip() if override_reason.strip() else 'Дәрігердің себебі көрсетілген шешімі қажет.'}",
                f"С сеанса {previous.day.isoformat()} ({previous.drug}) прошло всего {gap} дн.; минимум 84 дня. {'Решение врача: ' + override_reason.strip() if override_reason.strip() else 'Требуется решение врача с указанием причины.'}",
            ),
            INTERVAL_SOURCE,
            {
                "previous": previous.day,
                "date": new.day,
                "days": gap,
                "override_reason": override_reason.strip() or None,
            },
        )
    ]


def _limit(earlier: Sequence[BotulinumSession], new: BotulinumSession) -> list[Finding]:
    limit = LIMITS[new.drug]
    if limit.months is None:
        counted, period = new.units, "session"
    else:
        since = add_months(new.day, -limit.months)
        same_product = [s for s in earlier if s.drug == new.drug and s.day > since]
        counted, period = new.units + sum(s.units for s in same_product), f"{limit.months} months"
    if counted <= limit.units:
        return []
    span_en = "in one session" if period == "session" else f"within {limit.months} months"
    span_kk = "бір сеанста" if period == "session" else f"{limit.months} ай ішінде"
    span_ru = "за один сеанс" if period == "session" else f"за {limit.months} мес."
    return [
        Finding(
            "botulinum_units_above_label_maximum",
            "block",
            Text(
                f"{counted:g} U of {new.drug} {span_en}; the label maximum is {limit.units:g} U of this product.",
                f"{span_kk} {new.drug} препаратының {counted:g} бірлігі; нұсқаулық бойынша осы препараттың ең көп мөлшері {limit.units:g} бірлік.",
                f"{counted:g} ЕД {new.drug} {span_ru}; максимум по инструкции — {limit.units:g} ЕД этого препарата.",
            ),
            limit.source,
            {"product": new.drug, "units": counted, "maximum": limit.units, "period": period},
        )
    ]


def describe_limits() -> list[dict[str, Any]]:
    """The product maxima as plain data (for a form's help text or the command line)."""
    return [
        {"product": code, "units": lim.units, "months": lim.months, "source": lim.source}
        for code, lim in LIMITS.items()
    ]
