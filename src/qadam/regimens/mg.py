"""Myasthenia gravis therapies: meningococcal rule for C5 inhibitors, FcRn inter-cycle intervals,
and the drug–procedure interactions of clinical.md §B.2.

- C5 inhibitors (eculizumab, ravulizumab, zilucoplan) share a boxed warning: complete or update
  meningococcal vaccination (ACWY and B) at least 2 weeks before the first dose, unless delaying is
  riskier, in which case give antibacterial prophylaxis and vaccinate as soon as possible [V].
  Software rule: block the first dose unless both vaccinations are ≥14 days earlier, or antibiotic
  prophylaxis is recorded [RD implementing the label].
- FcRn blockers: further cycles on clinical evaluation, not before the label's minimum gap [V]:
  efgartigimod IV — EU SmPC 7 weeks from the first infusion of the previous cycle; current US
  wording 4 weeks after the last infusion; older US label 50 days from the start of the previous
  cycle. Efgartigimod SC (Vyvgart Hytrulo): the current US wording. Rozanolixizumab (US): safety of
  starting sooner than 63 days from the previous cycle start not established. Nipocalimab: not read.
- Each plasma exchange in a patient on eculizumab triggers a supplemental dose within 60 minutes
  after it: 300 mg if the last dose was 300 mg, 600 mg if it was ≥600 mg [V]. Plasma exchange or
  IVIG during an FcRn-blocker cycle, and live vaccines during FcRn-blocker or anti-CD20 treatment,
  are warned about [K / V].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from qadam.scales import Text

from .model import DEFAULT_JURISDICTION, Finding, InputProblem, Jurisdiction, RegimenError, Rule

C5_INHIBITORS = ("eculizumab", "ravulizumab", "zilucoplan")
MENINGOCOCCAL_DAYS = 14
MENINGOCOCCAL_SOURCE = (
    "Boxed warnings of SOLIRIS, ULTOMIRIS and ZILBRYSQ (openFDA label records); clinical.md §B.2 software rule [RD]"
)

FcrnProduct = Literal["vyvgart", "vyvgart_hytrulo", "rystiggo", "imaavy"]
FCRN_PRODUCTS: tuple[str, ...] = ("vyvgart", "vyvgart_hytrulo", "rystiggo", "imaavy")
LabelVersion = Literal["current", "previous"]


def _t(en: str, kk: str, ru: str) -> Text:
    return Text(en, kk, ru)


def check_c5_start(
    *,
    drug: str,
    first_dose: date,
    meningococcal_acwy: date | None,
    meningococcal_b: date | None,
    antibiotic_prophylaxis_start: date | None = None,
) -> tuple[Finding, ...]:
    """Findings for the first dose of a C5 inhibitor against the meningococcal rule.

    A vaccination counts only if given at least 14 days before the first dose. Without both, the
    first dose is blocked unless antibiotic prophylaxis has been started (on or before the first
    dose); then the finding is an ``info`` to vaccinate as soon as possible.
    """
    if drug not in C5_INHIBITORS:
        raise RegimenError(
            [
                InputProblem(
                    "not_a_c5_inhibitor",
                    _t(
                        f"{drug!r} is not a C5 inhibitor; expected one of {', '.join(C5_INHIBITORS)}.",
                        f"{drug!r} C5 тежегіші емес; мыналардың бірі күтіледі: {', '.join(C5_INHIBITORS)}.",
                        f"{drug!r} не является ингибитором C5; ожидается один из: {', '.join(C5_INHIBITORS)}.",
                    ),
                    drug,
                )
            ]
        )
    latest_valid = first_dose - timedelta(days=MENINGOCOCCAL_DAYS)
    gaps = [
        (name, day)
        for name, day in (("ACWY", meningococcal_acwy), ("B", meningococcal_b))
        if day is None or day > latest_valid
    ]
    if not gaps:
        return ()
    covered = antibiotic_prophylaxis_start is not None and antibiotic_prophylaxis_start <= first_dose
    return tuple(_vaccine_finding(name, day, first_dose, covered) for name, day in gaps)


def _vaccine_finding(name: str, day: date | None, first_dose: date, covered: bool) -> Finding:
    if day is None:
        state_en, state_kk, state_ru, code = (
            "not recorded",
            "тіркелмеген",
            "не зарегистрирована",
            f"meningococcal_{name.lower()}_missing",
        )
    else:
        gap = (first_dose - day).days
        state_en = f"given {day.isoformat()}, {gap} days before the first dose (needs ≥14)"
        state_kk = f"{day.isoformat()} күні, алғашқы дозадан {gap} күн бұрын салынған (кемінде 14 күн керек)"
        state_ru = f"сделана {day.isoformat()}, за {gap} дн. до первой дозы (нужно ≥14)"
        code = f"meningococcal_{name.lower()}_too_recent"
    if covered:
        action = _t(
            "Antibiotic prophylaxis is recorded: vaccinate as soon as possible.",
            "Антибиотикпен алдын алу тіркелген: мүмкіндігінше тез вакцинациялаңыз.",
            "Антибиотикопрофилактика зарегистрирована: вакцинируйте как можно скорее.",
        )
    else:
        action = _t(
            "Do not start without vaccination at least 2 weeks earlier or antibiotic prophylaxis.",
            "Кемінде 2 апта бұрын вакцинациясыз немесе антибиотикпен алдын алусыз бастамаңыз.",
            "Не начинайте без вакцинации не менее чем за 2 недели или антибиотикопрофилактики.",
        )
    return Finding(
        code,
        "info" if covered else "block",
        _t(
            f"Meningococcal {name} vaccination {state_en}. {action.en}",
            f"Менингококкқа қарсы {name} вакцинациясы {state_kk}. {action.kk}",
            f"Вакцинация против менингококка {name} {state_ru}. {action.ru}",
        ),
        MENINGOCOCCAL_SOURCE,
        {"vaccine": name, "vaccinated": day, "first_dose": first_dose, "prophylaxis": covered},
    )


@dataclass(frozen=True)
class CycleGap:
    """The minimum gap before a new FcRn-blocker cycle: days from the first or the last dose."""

    days: int
    counted_from: Literal["first", "last"]
    rule: Rule


_EU_VYVGART = CycleGap(
    49,
    "first",
    Rule(
        "fcrn_efgartigimod_eu_7_weeks_from_first",
        _t(
            "Next cycle not sooner than 7 weeks from the first infusion of the previous cycle (EU SmPC).",
            "Келесі цикл алдыңғы циклдің алғашқы инфузиясынан 7 аптадан ерте емес (ЕО SmPC).",
            "Следующий цикл не ранее 7 недель от первой инфузии предыдущего цикла (SmPC ЕС).",
        ),
        "Vyvgart EU SmPC (RxReasoner); clinical.md §B.2",
    ),
)
_US_CURRENT = CycleGap(
    28,
    "last",
    Rule(
        "fcrn_efgartigimod_us_4_weeks_from_last",
        _t(
            "Next cycle not sooner than 4 weeks after the last infusion of the previous cycle (current US wording).",
            "Келесі цикл алдыңғы циклдің соңғы инфузиясынан 4 аптадан ерте емес (АҚШ-тың қазіргі тұжырымы).",
            "Следующий цикл не ранее 4 недель после последней инфузии предыдущего цикла (текущая формулировка США).",
        ),
        "VYVGART US label, current wording per the argenx HCP page; clinical.md §B.2",
    ),
)
_US_PREVIOUS = CycleGap(
    50,
    "first",
    Rule(
        "fcrn_efgartigimod_us_50_days_from_start",
        _t(
            "Next cycle not sooner than 50 days from the start of the previous cycle (older US label).",
            "Келесі цикл алдыңғы циклдің басынан 50 күннен ерте емес (АҚШ-тың бұрынғы нұсқаулығы).",
            "Следующий цикл не ранее 50 дней от начала предыдущего цикла (прежняя инструкция США).",
        ),
        "VYVGART US label, DailyMed highlights Jan 2024; clinical.md §B.2",
    ),
)
_ROZANOLIXIZUMAB = CycleGap(
    63,
    "first",
    Rule(
        "fcrn_rozanolixizumab_63_days_from_start",
        _t(
            "Starting a cycle sooner than 63 days from the start of the previous one is not established as safe (US label).",
            "Циклды алдыңғысының басынан 63 күннен ерте бастаудың қауіпсіздігі анықталмаған (АҚШ нұсқаулығы).",
            "Безопасность начала цикла ранее 63 дней от начала предыдущего не установлена (инструкция США).",
        ),
        "RYSTIGGO US prescribing information (prescriberpoint); clinical.md §B.2; EU gap not in the spec [U], the US gap is applied",
    ),
)


def fcrn_cycle_gap(
    product: str, jurisdiction: Jurisdiction = DEFAULT_JURISDICTION, label_version: LabelVersion = "current"
) -> CycleGap | None:
    """The minimum gap between cycles for ``product`` under ``jurisdiction``; ``None`` if not read."""
    if product == "vyvgart":
        if jurisdiction == "EU":
            return _EU_VYVGART
        return _US_CURRENT if label_version == "current" else _US_PREVIOUS
    if product == "vyvgart_hytrulo":
        # The spec gives the current US wording for the SC product; its EU gap is not in the spec [U].
        return _US_CURRENT
    if product == "rystiggo":
        return _ROZANOLIXIZUMAB
    if product == "imaavy":
        return None
    raise RegimenError(
        [
            InputProblem(
                "unknown_fcrn_product",
                _t(
                    f"Unknown FcRn-blocker product {product!r}; known: {', '.join(FCRN_PRODUCTS)}.",
                    f"Белгісіз FcRn блокаторы {product!r}; белгілілері: {', '.join(FCRN_PRODUCTS)}.",
                    f"Неизвестный блокатор FcRn {product!r}; известные: {', '.join(FCRN_PRODUCTS)}.",
                ),
                product,
            )
        ]
    )


def earliest_next_cycle(
    product: str,
    previous_first: date,
    previous_last: date,
    jurisdiction: Jurisdiction = DEFAULT_JURISDICTION,
    label_version: LabelVersion = "current",
) -> tuple[date, Rule] | None:
    """The earliest start of the next cycle, or ``None`` where the label's gap was not read."""
    gap = fcrn_cycle_gap(product, jurisdiction, label_version)
    if gap is None:
        return None
    anchor = previous_first if gap.counted_from == "first" else previous_last
    return anchor + timedelta(days=gap.days), gap.rule


def check_fcrn_cycle_start(
    *,
    product: str,
    previous_first: date,
    previous_last: date,
    new_start: date,
    jurisdiction: Jurisdiction = DEFAULT_JURISDICTION,
    label_version: LabelVersion = "current",
) -> tuple[Finding, ...]:
    """Findings for a new FcRn-blocker cycle that starts before the label's minimum gap."""
    if previous_last < previous_first or new_start <= previous_last:
        raise RegimenError(
            [
                InputProblem(
                    "cycle_dates_out_of_order",
                    _t(
                        "Cycle dates must run: previous first ≤ previous last < new start.",
                        "Цикл күндері мына ретпен болуы керек: алдыңғы бірінші ≤ алдыңғы соңғы < жаңа басы.",
                        "Даты циклов должны идти так: первая предыдущего ≤ последняя предыдущего < начало нового.",
                    ),
                    new_start,
                )
            ]
        )
    earliest = earliest_next_cycle(product, previous_first, previous_last, jurisdiction, label_version)
    if earliest is None:
        return (
            Finding(
                "fcrn_cycle_gap_not_in_label_data",
                "info",
                _t(
                    "The minimum gap between cycles of this product was not read from its label; check it before starting.",
                    "Бұл препарат циклдары арасындағы ең аз аралық нұсқаулықтан алынбаған; бастамас бұрын тексеріңіз.",
                    "Минимальный интервал между циклами этого препарата не взят из инструкции; проверьте перед началом.",
                ),
                "clinical.md §B.2: nipocalimab dosing not read [U]",
                {"product": product},
            ),
        )
    day, rule = earliest
    if new_start >= day:
        return ()
    return (
        Finding(
            "fcrn_cycle_too_soon",
            "block",
            _t(
                f"New cycle on {new_start.isoformat()} is before the earliest allowed day {day.isoformat()}. {rule.text.en}",
                f"{new_start.isoformat()} күнгі жаңа цикл рұқсат етілген ең ерте күннен ({day.isoformat()}) бұрын. {rule.text.kk}",
                f"Новый цикл {new_start.isoformat()} раньше самой ранней допустимой даты {day.isoformat()}. {rule.text.ru}",
            ),
            rule.source,
            {"product": product, "new_start": new_start, "earliest": day, "rule": rule.code},
        ),
    )


def eculizumab_supplement_after_plex(last_dose_mg: float) -> tuple[float, Rule]:
    """Supplemental eculizumab within 60 minutes after each plasma exchange (clinical.md §B.2).

    300 mg if the last dose was 300 mg, 600 mg if it was 600 mg or more. Other last doses are not
    covered by the spec and raise ``RegimenError``.
    """
    source = "SOLIRIS label as summarised by Rare Disease Advisor (clinical.md §B.2)"
    rule = Rule(
        "eculizumab_supplement_after_plex",
        _t(
            "Supplemental eculizumab within 60 minutes after each plasma exchange.",
            "Әр плазмаалмасудан кейін 60 минут ішінде экулизумабтың қосымша дозасы.",
            "Дополнительная доза экулизумаба в течение 60 минут после каждого плазмообмена.",
        ),
        source,
    )
    if last_dose_mg >= 600:
        return 600.0, rule
    if last_dose_mg == 300:
        return 300.0, rule
    raise RegimenError(
        [
            InputProblem(
                "supplement_not_defined",
                _t(
                    f"No supplemental dose is defined for a last eculizumab dose of {last_dose_mg:g} mg (300 mg or ≥600 mg).",
                    f"Экулизумабтың соңғы дозасы {last_dose_mg:g} мг үшін қосымша доза анықталмаған (300 мг немесе ≥600 мг).",
                    f"Для последней дозы экулизумаба {last_dose_mg:g} мг дополнительная доза не определена (300 мг или ≥600 мг).",
                ),
                last_dose_mg,
            )
        ]
    )


Procedure = Literal["plasma_exchange", "ivig", "live_vaccine"]


def check_during_immunotherapy(
    procedure: Procedure, day: date, *, fcrn_cycle: tuple[date, date] | None = None, on_anti_cd20: bool = False
) -> tuple[Finding, ...]:
    """Warnings for plasma exchange or IVIG during an FcRn-blocker cycle, and live vaccines during
    FcRn-blocker or anti-CD20 treatment (clinical.md §B.2 scheduler rules 2 and 3)."""
    in_cycle = fcrn_cycle is not None and fcrn_cycle[0] <= day <= fcrn_cycle[1]
    if procedure in ("plasma_exchange", "ivig") and in_cycle:
        what = {
            "plasma_exchange": (
                "Plasma exchange removes the FcRn blocker",
                "Плазмаалмасу FcRn блокаторын шығарады",
                "Плазмообмен удаляет блокатор FcRn",
            ),
            "ivig": (
                "IVIG competes with the FcRn blocker",
                "IVIG FcRn блокаторымен бәсекелеседі",
                "ВВИГ конкурирует с блокатором FcRn",
            ),
        }[procedure]
        return (
            Finding(
                f"{procedure}_during_fcrn_cycle",
                "warning",
                _t(
                    f"{what[0]}: {procedure.replace('_', ' ')} on {day.isoformat()} falls within the current cycle.",
                    f"{what[1]}: {day.isoformat()} күнгі рәсім ағымдағы цикл ішінде.",
                    f"{what[2]}: процедура {day.isoformat()} приходится на текущий цикл.",
                ),
                "clinical.md §B.2 scheduler rule 2 [K]",
                {"date": day},
            ),
        )
    if procedure == "live_vaccine" and (in_cycle or on_anti_cd20):
        source = (
            "VYVGART and RYSTIGGO labels (clinical.md §B.2) [V]"
            if in_cycle
            else "clinical.md §B.2 scheduler rule 3 for anti-CD20 [K]"
        )
        return (
            Finding(
                "live_vaccine_during_immunotherapy",
                "warning",
                _t(
                    f"Live or live-attenuated vaccine on {day.isoformat()} during FcRn-blocker or anti-CD20 treatment is not recommended.",
                    f"{day.isoformat()} күнгі тірі немесе әлсіретілген вакцина FcRn блокаторы не CD20-ға қарсы ем кезінде ұсынылмайды.",
                    f"Живая или живая ослабленная вакцина {day.isoformat()} на фоне блокатора FcRn или анти-CD20 терапии не рекомендуется.",
                ),
                source,
                {"date": day},
            ),
        )
    return ()
