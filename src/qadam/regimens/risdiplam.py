"""Risdiplam (Evrysdi): the expected daily dose by age and weight, and the check of a recorded dose.

Dose table (clinical.md §B.1.2, EVRYSDI US prescribing information [V]):

=====================================  ===============
Age / weight on the day of dosing       Daily dose
=====================================  ===============
< 2 months                              0.15 mg/kg
2 months to < 2 years                   0.2 mg/kg
≥ 2 years and < 20 kg                   0.25 mg/kg
≥ 2 years and ≥ 20 kg                   5 mg
=====================================  ===============

Doses above 5 mg/day have not been studied (EU SmPC [V]). Ages are counted in calendar months
from the date of birth (a child is 2 months old on the same day number two months later).
The label gives no rounding rule, so a recorded dose counts as matching when it is within a
configurable tolerance of the expected dose (default 10 % [RD]); the weight must be the latest one
on or before the dosing day, and a weight older than a configurable age (default 90 days [RD]) is
reported because the dose is recalculated as the child grows (clinical.md §B.1.2, §A.1.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qadam.scales import Text

from .calendar_months import add_months
from .model import Finding, InputProblem, RegimenError, Rule, decimal

SOURCE = "EVRYSDI US prescribing information, dosage by age and weight (clinical.md §B.1.2)"
SMPC_5MG = "EVRYSDI EU SmPC: doses above 5 mg/day not studied (clinical.md §B.1.2)"
MAX_STUDIED_MG = 5.0
DEFAULT_TOLERANCE = 0.10  # [RD]: the label states no rounding rule
DEFAULT_WEIGHT_MAX_AGE_DAYS = 90  # [RD]

BAND_UNDER_2_MONTHS = Rule(
    "under_2_months",
    Text(
        "Under 2 months: 0.15 mg/kg once daily.",
        "2 айға дейін: тәулігіне бір рет 0,15 мг/кг.",
        "До 2 месяцев: 0,15 мг/кг один раз в сутки.",
    ),
    SOURCE,
)
BAND_UNDER_2_YEARS = Rule(
    "2_months_to_under_2_years",
    Text(
        "2 months to under 2 years: 0.2 mg/kg once daily.",
        "2 айдан 2 жасқа дейін: тәулігіне бір рет 0,2 мг/кг.",
        "От 2 месяцев до 2 лет: 0,2 мг/кг один раз в сутки.",
    ),
    SOURCE,
)
BAND_UNDER_20_KG = Rule(
    "2_years_under_20_kg",
    Text(
        "2 years and older, under 20 kg: 0.25 mg/kg once daily.",
        "2 жас және одан үлкен, 20 кг-нан аз: тәулігіне бір рет 0,25 мг/кг.",
        "От 2 лет, масса менее 20 кг: 0,25 мг/кг один раз в сутки.",
    ),
    SOURCE,
)
BAND_20_KG = Rule(
    "2_years_20_kg_or_more",
    Text(
        "2 years and older, 20 kg or more: 5 mg once daily.",
        "2 жас және одан үлкен, 20 кг және одан көп: тәулігіне бір рет 5 мг.",
        "От 2 лет, масса 20 кг и более: 5 мг один раз в сутки.",
    ),
    SOURCE,
)


@dataclass(frozen=True)
class ExpectedDose:
    """The label's daily dose for the child on that day, and the table row that gives it."""

    mg: float
    mg_per_kg: float | None
    band: Rule


def expected_risdiplam_dose(birth_date: date, on: date, weight_kg: float) -> ExpectedDose:
    """The daily dose by age and weight on ``on`` (clinical.md §B.1.2; EVRYSDI US label)."""
    _require(birth_date <= on and weight_kg > 0, birth_date, on, weight_kg)
    if on < add_months(birth_date, 2):
        return ExpectedDose(round(0.15 * weight_kg, 3), 0.15, BAND_UNDER_2_MONTHS)
    if on < add_months(birth_date, 24):
        return ExpectedDose(round(0.2 * weight_kg, 3), 0.2, BAND_UNDER_2_YEARS)
    if weight_kg < 20:
        return ExpectedDose(round(0.25 * weight_kg, 3), 0.25, BAND_UNDER_20_KG)
    return ExpectedDose(MAX_STUDIED_MG, None, BAND_20_KG)


def check_risdiplam_dose(
    *,
    birth_date: date,
    dose_date: date,
    dose_mg: float,
    weight_kg: float,
    weight_date: date,
    tolerance: float = DEFAULT_TOLERANCE,
    weight_max_age_days: int = DEFAULT_WEIGHT_MAX_AGE_DAYS,
) -> tuple[Finding, ...]:
    """Warnings for a recorded daily dose that does not match the latest weight and the age.

    ``weight_kg``/``weight_date`` must be the latest weight on or before ``dose_date``.
    """
    problems = []
    if weight_date > dose_date:
        problems.append(
            InputProblem(
                "weight_after_dose",
                Text(
                    f"The weight of {weight_date.isoformat()} is after the dose of {dose_date.isoformat()}; use the latest weight on or before the dosing day.",
                    f"{weight_date.isoformat()} күнгі салмақ {dose_date.isoformat()} күнгі дозадан кейін; дозалау күніне дейінгі соңғы салмақты алыңыз.",
                    f"Вес от {weight_date.isoformat()} измерен после дозы от {dose_date.isoformat()}; используйте последний вес на день дозирования или раньше.",
                ),
                weight_date,
            )
        )
    if dose_mg <= 0:
        problems.append(
            InputProblem(
                "invalid_dose",
                Text(
                    f"The dose must be a positive number of mg; got {dose_mg:g}.",
                    f"Доза оң мг саны болуы керек; алынғаны: {dose_mg:g}.",
                    f"Доза должна быть положительным числом мг; получено: {dose_mg:g}.",
                ),
                dose_mg,
            )
        )
    if problems:
        raise RegimenError(problems)
    expected = expected_risdiplam_dose(birth_date, dose_date, weight_kg)
    findings: list[Finding] = []
    if abs(dose_mg - expected.mg) > tolerance * expected.mg:
        findings.append(_mismatch(dose_mg, expected, weight_kg, tolerance))
    if dose_mg > MAX_STUDIED_MG:
        findings.append(_above_studied(dose_mg))
    age_days = (dose_date - weight_date).days
    if age_days > weight_max_age_days:
        findings.append(_weight_outdated(weight_date, dose_date, age_days))
    return tuple(findings)


def _require(ok: bool, birth_date: date, on: date, weight_kg: float) -> None:
    if ok:
        return
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
    raise RegimenError(
        [
            InputProblem(
                "date_before_birth",
                Text(
                    f"The date {on.isoformat()} is before the date of birth {birth_date.isoformat()}.",
                    f"{on.isoformat()} күні туған күннен ({birth_date.isoformat()}) бұрын.",
                    f"Дата {on.isoformat()} раньше даты рождения {birth_date.isoformat()}.",
                ),
                on,
            )
        ]
    )


def _mismatch(dose_mg: float, expected: ExpectedDose, weight_kg: float, tolerance: float) -> Finding:
    def say(lang: str) -> tuple[str, str, str]:
        return decimal(dose_mg, lang, 3), decimal(expected.mg, lang, 3), decimal(weight_kg, lang, 2)

    en, kk, ru = say("en"), say("kk"), say("ru")
    return Finding(
        "risdiplam_dose_not_matching_weight",
        "warning",
        Text(
            f"Risdiplam {en[0]} mg/day does not match the label dose for {en[2]} kg at this age: {en[1]} mg/day ({expected.band.text.en})",
            f"Рисдиплам {kk[0]} мг/тәул. осы жастағы {kk[2]} кг үшін нұсқаулықтағы дозаға сәйкес емес: {kk[1]} мг/тәул. ({expected.band.text.kk})",
            f"Рисдиплам {ru[0]} мг/сут не соответствует дозе по инструкции для {ru[2]} кг в этом возрасте: {ru[1]} мг/сут ({expected.band.text.ru})",
        ),
        SOURCE + f"; tolerance {tolerance:.0%} [RD]",
        {"dose_mg": dose_mg, "expected_mg": expected.mg, "band": expected.band.code, "weight_kg": weight_kg},
    )


def _above_studied(dose_mg: float) -> Finding:
    return Finding(
        "risdiplam_above_5_mg",
        "warning",
        Text(
            f"Risdiplam {dose_mg:g} mg/day: doses above 5 mg/day have not been studied.",
            f"Рисдиплам {decimal(dose_mg, 'kk', 3)} мг/тәул.: тәулігіне 5 мг-нан жоғары дозалар зерттелмеген.",
            f"Рисдиплам {decimal(dose_mg, 'ru', 3)} мг/сут: дозы выше 5 мг/сут не изучались.",
        ),
        SMPC_5MG,
        {"dose_mg": dose_mg},
    )


def _weight_outdated(weight_date: date, dose_date: date, age_days: int) -> Finding:
    return Finding(
        "risdiplam_weight_outdated",
        "warning",
        Text(
            f"The latest weight is from {weight_date.isoformat()}, {age_days} days before the dose; weigh the child and recalculate.",
            f"Соңғы салмақ {weight_date.isoformat()} күнгі, дозадан {age_days} күн бұрын; баланы өлшеп, дозаны қайта есептеңіз.",
            f"Последний вес от {weight_date.isoformat()}, за {age_days} дн. до дозы; взвесьте ребёнка и пересчитайте дозу.",
        ),
        "clinical.md §B.1.2 (weight on the day of dosing); maximum age of a weight [RD]",
        {"weight_date": weight_date, "dose_date": dose_date, "days": age_days},
    )
