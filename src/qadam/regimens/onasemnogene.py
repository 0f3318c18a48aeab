"""Onasemnogene abeparvovec IV (Zolgensma): dose by weight, steroid course and liver monitoring.

Facts (clinical.md §B.1.3):

- One IV infusion over 60 min of 1.1 × 10¹⁴ vector genomes per kg [V, US label]; kit volumes are
  calculated from the upper limit of the weight band. US label: patients under 2 years; its dosing
  table covers 2.6–21.0 kg [V]. EU SmPC: weight-based, typically used up to about 21 kg [K/U].
- Before the infusion: liver function, platelets, troponin-I, anti-AAV9 antibodies (titre ≤1:50 in
  practice [K]); no active infection [V].
- Prednisolone-equivalent 1 mg/kg/day from 24 h before the infusion, for 30 days, then a taper
  (typically over 28 days) guided by liver tests [V].
- Liver function tests for at least 3 months [V].

Decisions where the spec is silent (docs/regimens.md):

- The weight-band kit table is not in the spec, so the dose check accepts any dose from
  1.1 × 10¹⁴ vg × weight up to 1.1 × 10¹⁴ vg × (weight + ``kit_band_kg``), the most a kit chosen
  from the upper limit of a band can add; ``kit_band_kg`` defaults to 0.5 kg [U].
- Pre-infusion checks are due by the day the steroid starts (day −1) [RD].
- The 30 days of full-dose steroid are counted from the day before the infusion (day −1 to day 28),
  liver tests at the end of that period decide the taper (day 29 to day 56).
- Liver-test dates within the 3 months are a registry default [RD]: weekly in the first month, then
  every 2 weeks, and one at 3 months.
- Intrathecal onasemnogene (Itvisma) is a distinct product with a single fixed dose; its steroid
  regimen and monitoring were not read from the label [U], so no plan is produced for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from qadam.scales import Text

from .calendar_months import add_months
from .model import DEFAULT_JURISDICTION, Finding, InputProblem, Jurisdiction, RegimenError, Rule

VG_PER_KG = 1.1e14
US_MIN_KG, US_MAX_KG = 2.6, 21.0
DEFAULT_KIT_BAND_KG = 0.5  # [U] the kit table is not in the spec
LABEL = "ZOLGENSMA US prescribing information (clinical.md §B.1.3)"
STEROID_SOURCE = (
    "ZOLGENSMA label: prednisolone-equivalent 1 mg/kg/day from 24 h before, 30 days, then taper (clinical.md §B.1.3)"
)
MONITORING_RD = "clinical.md §B.1.3: liver tests for ≥3 months [V]; dates weekly in month 1, then every 2 weeks [RD]"

ItemKind = Literal["check", "infusion", "steroid", "monitoring"]


@dataclass(frozen=True)
class PlanItem:
    """One dated step around the infusion: a check, the infusion, a steroid phase or a liver test."""

    code: str
    kind: ItemKind
    start: date
    end: date
    rule: Rule
    daily_dose_mg: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "daily_dose_mg": self.daily_dose_mg,
            "rule": self.rule.as_dict(),
        }


R_PRE = Rule(
    "pre_infusion_checks",
    Text(
        "Before the infusion: liver function, platelets, troponin-I, anti-AAV9 antibodies; no active infection.",
        "Инфузияға дейін: бауыр функциясы, тромбоциттер, тропонин-I, AAV9-ға қарсы антиденелер; белсенді инфекция болмауы керек.",
        "До инфузии: функция печени, тромбоциты, тропонин I, антитела к AAV9; отсутствие активной инфекции.",
    ),
    LABEL,
)
R_INFUSION = Rule(
    "single_iv_infusion",
    Text(
        "Single IV infusion over 60 minutes, 1.1 × 10^14 vector genomes per kg.",
        "60 минут бойы бір реттік к/і инфузия, 1 кг-ға 1,1 × 10^14 вектор геномы.",
        "Однократная в/в инфузия в течение 60 минут, 1,1 × 10^14 векторных геномов на кг.",
    ),
    LABEL,
)
R_STEROID = Rule(
    "prednisolone_1_mg_per_kg_30_days",
    Text(
        "Prednisolone-equivalent 1 mg/kg/day from 24 hours before the infusion, for 30 days.",
        "Инфузиядан 24 сағат бұрын бастап 30 күн бойы преднизолон баламасы 1 мг/кг/тәул.",
        "Эквивалент преднизолона 1 мг/кг/сут, начиная за 24 часа до инфузии, в течение 30 дней.",
    ),
    STEROID_SOURCE,
)
R_LIVER_END = Rule(
    "liver_tests_before_taper",
    Text(
        "Liver tests at the end of the 30 days decide the taper.",
        "30 күннің соңындағы бауыр сынамалары дозаны азайтуды анықтайды.",
        "Печёночные пробы в конце 30 дней определяют снижение дозы.",
    ),
    STEROID_SOURCE,
)
R_TAPER = Rule(
    "steroid_taper_28_days",
    Text(
        "Taper the steroid, typically over 28 days, guided by liver tests.",
        "Стероидті әдетте 28 күн бойы бауыр сынамаларына сүйене отырып азайту.",
        "Постепенное снижение дозы стероида, обычно в течение 28 дней, под контролем печёночных проб.",
    ),
    STEROID_SOURCE,
)
R_LIVER = Rule(
    "liver_tests_3_months",
    Text(
        "Liver function tests for at least 3 months after the infusion.",
        "Инфузиядан кейін кемінде 3 ай бойы бауыр функциясының сынамалары.",
        "Печёночные пробы не менее 3 месяцев после инфузии.",
    ),
    MONITORING_RD,
)


@dataclass(frozen=True)
class OnasemnogenePlan:
    infusion: date
    weight_kg: float
    dose_vg: float
    items: tuple[PlanItem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "drug": "onasemnogene_abeparvovec_iv",
            "infusion": self.infusion.isoformat(),
            "weight_kg": self.weight_kg,
            "dose_vg": self.dose_vg,
            "items": [i.as_dict() for i in self.items],
        }


def expected_dose_vg(weight_kg: float) -> float:
    """1.1 × 10¹⁴ vector genomes per kg (clinical.md §B.1.3, US label)."""
    _positive_weight(weight_kg)
    return VG_PER_KG * weight_kg


def onasemnogene_plan(infusion: date, weight_kg: float) -> OnasemnogenePlan:
    """Dated steps from the pre-infusion checks to the end of liver monitoring (day 0 = infusion)."""
    _positive_weight(weight_kg)
    day = infusion
    steroid_start = day - timedelta(days=1)
    steroid_end = steroid_start + timedelta(days=29)  # 30 days, day -1 to day 28 inclusive
    items = [
        # Due by the day the steroid starts, so that results are known before the infusion [RD].
        PlanItem("pre_infusion_checks", "check", steroid_start, steroid_start, R_PRE),
        PlanItem("infusion", "infusion", day, day, R_INFUSION),
        PlanItem(
            "prednisolone_full_dose",
            "steroid",
            steroid_start,
            steroid_end,
            R_STEROID,
            daily_dose_mg=round(weight_kg, 2),
        ),
        PlanItem("liver_tests_before_taper", "monitoring", steroid_end, steroid_end, R_LIVER_END),
        PlanItem(
            "prednisolone_taper", "steroid", steroid_end + timedelta(days=1), steroid_end + timedelta(days=28), R_TAPER
        ),
    ]
    # The test that decides the taper is one of the weekly tests; list it once, with its purpose.
    items.extend(
        PlanItem("liver_tests", "monitoring", d, d, R_LIVER) for d in liver_test_dates(infusion) if d != steroid_end
    )
    items.sort(key=lambda i: (i.start, i.end))
    return OnasemnogenePlan(infusion, weight_kg, expected_dose_vg(weight_kg), tuple(items))


def liver_test_dates(infusion: date) -> tuple[date, ...]:
    """Weekly to day 28, then every 2 weeks, and a last test at 3 calendar months [RD]."""
    end = add_months(infusion, 3)
    dates = [infusion + timedelta(days=7 * w) for w in range(1, 5)]
    while dates[-1] + timedelta(days=14) < end:
        dates.append(dates[-1] + timedelta(days=14))
    dates.append(end)
    return tuple(dates)


def check_onasemnogene_dose(
    *,
    weight_kg: float,
    dose_vg: float,
    birth_date: date | None = None,
    infusion: date | None = None,
    jurisdiction: Jurisdiction = DEFAULT_JURISDICTION,
    kit_band_kg: float = DEFAULT_KIT_BAND_KG,
) -> tuple[Finding, ...]:
    """Warnings for an IV dose that does not fit the weight, or a patient outside the label."""
    expected = expected_dose_vg(weight_kg)
    findings: list[Finding] = []
    # Floating-point vector-genome counts: compare with a relative margin of one part in a million.
    if dose_vg < expected * (1 - 1e-6):
        findings.append(_dose_finding("onasemnogene_dose_below_label", dose_vg, expected, weight_kg))
    elif dose_vg > VG_PER_KG * (weight_kg + kit_band_kg) * (1 + 1e-6):
        findings.append(_dose_finding("onasemnogene_dose_above_weight_band", dose_vg, expected, weight_kg))
    if not US_MIN_KG <= weight_kg <= US_MAX_KG:
        findings.append(_outside_weight_table(weight_kg, jurisdiction))
    if jurisdiction == "US" and birth_date and infusion and infusion >= add_months(birth_date, 24):
        findings.append(_us_age(birth_date, infusion))
    return tuple(findings)


def _positive_weight(weight_kg: float) -> None:
    if weight_kg <= 0:
        raise RegimenError(
            [
                InputProblem(
                    "invalid_weight",
                    Text(
                        f"Weight must be a positive number of kg; got {weight_kg:g}.",
                        f"Салмақ оң кг саны болуы керек; алынғаны: {weight_kg:g}.",
                        f"Масса должна быть положительным числом кг; получено: {weight_kg:g}.",
                    ),
                    weight_kg,
                )
            ]
        )


def _dose_finding(code: str, dose_vg: float, expected: float, weight_kg: float) -> Finding:
    below = code.endswith("below_label")
    return Finding(
        code,
        "warning",
        Text(
            f"Dose {dose_vg:.3g} vg for {weight_kg:g} kg is {'below' if below else 'above'} the label dose of 1.1 × 10^14 vg/kg ({expected:.3g} vg{'' if below else ', plus at most one weight band'}).",
            f"{weight_kg:g} кг үшін {dose_vg:.3g} vg дозасы нұсқаулықтағы 1,1 × 10^14 vg/кг дозасынан {'төмен' if below else 'жоғары'} ({expected:.3g} vg).",
            f"Доза {dose_vg:.3g} vg для {weight_kg:g} кг {'ниже' if below else 'выше'} дозы по инструкции 1,1 × 10^14 vg/кг ({expected:.3g} vg).",
        ),
        LABEL + ("" if below else "; weight-band width [U]"),
        {"dose_vg": dose_vg, "expected_vg": expected, "weight_kg": weight_kg},
    )


def _outside_weight_table(weight_kg: float, jurisdiction: str) -> Finding:
    return Finding(
        "onasemnogene_weight_outside_label_table",
        "warning" if jurisdiction == "US" else "info",
        Text(
            f"{weight_kg:g} kg is outside the US dosing table (2.6–21.0 kg).",
            f"{weight_kg:g} кг АҚШ дозалау кестесінен (2,6–21,0 кг) тыс.",
            f"{weight_kg:g} кг вне таблицы дозирования США (2,6–21,0 кг).",
        ),
        "ZOLGENSMA US label dosing table (clinical.md §B.1.3); EU use up to about 21 kg [K/U]",
        {"weight_kg": weight_kg},
    )


def _us_age(birth_date: date, infusion: date) -> Finding:
    return Finding(
        "onasemnogene_iv_age_2_years_or_more",
        "warning",
        Text(
            "The US label covers IV onasemnogene for patients under 2 years of age.",
            "АҚШ нұсқаулығы к/і онасемногенді 2 жасқа дейінгі науқастарға ғана қамтиды.",
            "Инструкция США распространяется на в/в онасемноген только у пациентов младше 2 лет.",
        ),
        LABEL,
        {"birth_date": birth_date, "infusion": infusion},
    )
