"""Treatment response (clinical.md §C): change from baseline classified by the instrument's MCID
(qadam.scales), observed least-squares slope, and the expected untreated slope of §C.5:
Wadman RI et al. Eur J Neurol 2018;25:512–518 and Mercuri E et al. Neuromuscul Disord
2016;26:126–131 (HFMSE), Pera MC et al. Muscle Nerve 2019;59:426–430 (RULM), Mazzone E et al.
Neuromuscul Disord 2013;23:624 (6MWT), Mercuri E et al. Orphanet J Rare Dis 2020 (CHOP INTEND)."""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.model import RegimenError
from qadam.regimens.response import (
    Observation as O,
)
from qadam.regimens.response import (
    Population,
    assess_response,
    expected_untreated_slope,
    references,
    select_baseline,
)

D = date
START = D(2024, 1, 10)
HFMSE = [O(D(2024, 1, 5), 30), O(D(2024, 7, 10), 32), O(D(2024, 11, 5), 33), O(D(2025, 3, 20), 34)]
ADULT_TYPE_3 = Population(sma_type=3, age_years=34, ambulant=False)


def test_the_issue_example_hfmse_plus_4_after_14_months_of_nusinersen():
    """Baseline 30 on 5 Jan 2024, start 10 Jan; 34 on 20 Mar 2025: +4 ≥ 3 → improved, 14 calendar
    months, 435 days (366 in 2024 + 59 to 10 Mar + 10).
    Slope by hand, days from baseline x = 0, 187, 305, 440; y = 30, 32, 33, 34: mean x 233, mean y
    32.25; Sxy = 952, Sxx = 104438; 952 / 104438 × 365.25 = 3.33 points/year.
    Expected untreated (adult type 3, −0.5/year) over 440 / 365.25 = 1.2047 years: −0.60;
    z = (4 + 0.602) / (2.7 × √1.2047) = 1.55 → as expected (|z| < 1.96)."""
    r = assess_response("hfmse", HFMSE, START, therapy="nusinersen", population=ADULT_TYPE_3)
    assert (r.change, r.classification, r.months_on_therapy, r.days_on_therapy) == (4, "improved", 14, 435)
    assert r.baseline == HFMSE[0]
    assert r.observed_slope_per_year == 3.33
    assert r.reference.id == "hfmse_adult_type3_default" and r.reference.slope_per_year == -0.5
    assert (r.expected_change, r.z, r.comparison) == (-0.6, 1.55, "as_expected")
    assert r.threshold.value == 3
    assert [(f.change, f.classification, f.months_on_therapy) for f in r.follow_ups] == [
        (2, "stable", 6),
        (3, "improved", 9),
        (4, "improved", 14),
    ]
    assert r.sentence.en == (
        "HFMSE +4 after 14 months of nusinersen: improved by at least the 3-point threshold; untreated adults with SMA type 3 "
        "lose about 0.5 points a year (individual 12-month change varies, SD 2.7)."
    )


def test_the_sentence_in_kazakh_and_russian():
    r = assess_response("hfmse", HFMSE, START, therapy="nusinersen", population=ADULT_TYPE_3)
    assert r.sentence.kk == (
        "Нусинерсен емінің 14 айынан кейін HFMSE +4: 3 ұпайлық шектен кем емес жақсарды; СМА 3 типі бар емделмеген ересектер "
        "жылына шамамен 0,5 ұпай жоғалтады (12 айдағы жеке өзгеріс әртүрлі, SD 2,7)."
    )
    assert r.sentence.ru == (
        "HFMSE +4 через 14 месяцев терапии (нусинерсен): улучшение не меньше порога в 3 балла; нелеченые взрослые со СМА 3 типа "
        "теряют около 0,5 балла в год (индивидуальное изменение за 12 месяцев различается, SD 2,7)."
    )


def test_worsened_and_better_than_expected_screens():
    """HFMSE 40 → 35 from 5 Jan 2024 to 4 Jan 2025 (365 days = 0.99932 years): −5, worsened. Mixed type
    2/3 row for a 12-year-old: expected −0.56 × 0.99932 = −0.5596; z = (−5 + 0.5596) / (2.72 × √0.99932)
    = −4.4404 / 2.7191 = −1.63 → as expected. 40 → 47: z = 7.5596 / 2.7191 = 2.78 → better."""
    child = Population(sma_type=2, age_years=12)
    worse = assess_response(
        "hfmse", [O(D(2024, 1, 5), 40), O(D(2025, 1, 4), 35)], START, therapy="risdiplam", population=child
    )
    assert (worse.classification, worse.reference.id, worse.comparison) == (
        "worsened",
        "hfmse_sma23_mixed",
        "as_expected",
    )
    assert worse.z == -1.63
    assert "worsened by at least the 3-point threshold" in worse.sentence.en
    assert "lose about 0.56 points a year" in worse.sentence.en
    better = assess_response(
        "hfmse", [O(D(2024, 1, 5), 40), O(D(2025, 1, 4), 47)], START, therapy="risdiplam", population=child
    )
    assert better.comparison == "better_than_expected" and better.z == 2.78


def test_stable_sentence_and_russian_plural_of_points():
    """RULM 20 → 21: +1 < 2 → stable; RULM threshold «в 2 балла», slope «около 0,41 балла»."""
    r = assess_response(
        "rulm",
        [O(D(2024, 1, 10), 20), O(D(2024, 7, 15), 21)],
        START,
        therapy="nusinersen",
        population=Population(2, 25),
    )
    assert r.classification == "stable" and r.reference.id == "rulm_sma23"
    assert "stable, within the 2-point threshold" in r.sentence.en
    assert "в пределах порога в 2 балла" in r.sentence.ru and "около 0,41 балла в год" in r.sentence.ru
    assert "6 месяцев" in r.sentence.ru


def test_six_minute_walk_is_in_metres():
    r = assess_response(
        "6mwt",
        [O(D(2024, 1, 5), 300), O(D(2025, 1, 20), 262)],
        START,
        therapy="risdiplam",
        population=Population(3, 20, True),
    )
    assert r.classification == "worsened"
    assert "30 m threshold" in r.sentence.en and "about 1.46 m a year" in r.sentence.en
    assert "порога в 30 м" in r.sentence.ru and "1,46 м" in r.sentence.kk


@pytest.mark.parametrize(
    ("instrument", "population", "reference"),
    [
        ("hfmse", Population(3, 34), "hfmse_adult_type3_default"),
        ("hfmse", Population(3, 17.9), "hfmse_sma23_mixed"),  # not yet an adult
        ("hfmse", Population(2, 55.5), "hfmse_sma23_mixed"),
        ("hfmse", Population(2, 56), None),  # outside 2.5–55.5: no reference
        ("hfmse", Population(2, None), None),  # age unknown: the range cannot be checked
        ("hfmse", Population(None, 30), None),
        ("rulm", Population(3, 40, True), "rulm_sma23"),
        ("6mwt", Population(3, 30, True), "sixmwt_sma3_amb"),
        ("6mwt", Population(3, 30, False), None),
        ("chop_intend", Population(1, 0.3), "chop_sma1_untreated"),
        ("fvc", Population(2, 10), "fvc_sma23"),
    ],
)
def test_reference_only_within_the_source_population(instrument, population, reference):
    found, reason = expected_untreated_slope(instrument, population)
    assert (found.id if found else None) == reference
    assert (reason is None) == (reference is not None)


def test_no_slope_for_myasthenia_and_stroke():
    _, reason = expected_untreated_slope("mg_adl", Population())
    assert "fluctuates" in reason.en and reason.kk and reason.ru
    _, reason = expected_untreated_slope("nihss", Population())
    assert "front-loaded" in reason.en


def test_mg_adl_lower_is_better():
    """MG-ADL 8 → 5: −3, a reduction of ≥2 → improved (Muppidi 2011 via qadam.scales)."""
    r = assess_response("mg_adl", [O(D(2024, 1, 5), 8), O(D(2024, 4, 5), 5)], START, therapy="efgartigimod_alfa")
    assert (r.change, r.classification, r.reference, r.comparison) == (-3, "improved", None, None)
    assert r.sentence.en == (
        "MG-ADL -3 after 2 months of efgartigimod alfa: improved by at least the 2-point threshold; "
        "myasthenia gravis fluctuates, so there is no untreated slope to compare with."
    )


def test_direction_only_reference():
    r = assess_response(
        "chop_intend",
        [O(D(2024, 1, 5), 30), O(D(2024, 7, 20), 31)],
        START,
        therapy="onasemnogene_abeparvovec_iv",
        population=Population(1, 0.3),
    )
    assert r.expected_change is None and r.z is None
    assert "untreated infants with SMA type 1 decline, with no reliable yearly rate" in r.sentence.en
    assert "onasemnogene abeparvovec (IV)" in r.sentence.en


def test_baseline_is_the_last_result_within_3_months_up_to_the_start_day():
    """Start 10 Jan 2024: window from 10 Oct 2023; a result on the start day is the baseline."""
    results = [
        O(D(2023, 10, 9), 10),
        O(D(2023, 10, 10), 11),
        O(D(2023, 12, 1), 12),
        O(D(2024, 1, 10), 13),
        O(D(2024, 2, 1), 14),
    ]
    assert select_baseline(results, START).value == 13
    assert select_baseline(results[:2], START).value == 11
    assert select_baseline(results[:1], START) is None
    assert select_baseline(results[:1], START, window_months=4).value == 10


def test_no_baseline_and_no_follow_up_are_reported_together():
    with pytest.raises(RegimenError) as raised:
        assess_response("hfmse", [O(D(2023, 1, 1), 30)], START, therapy="nusinersen")
    assert [p.code for p in raised.value.problems] == ["no_baseline", "no_follow_up"]


def test_different_versions_are_not_compared():
    with pytest.raises(RegimenError) as raised:
        assess_response(
            "hfmse",
            [O(D(2024, 1, 5), 30, version="2009"), O(D(2024, 7, 5), 34, version="2019")],
            START,
            therapy="nusinersen",
        )
    assert [p.code for p in raised.value.problems] == ["version_mismatch"]


def test_unknown_instrument_and_therapy():
    with pytest.raises(RegimenError) as raised:
        assess_response("mrc_sum", HFMSE, START, therapy="nusinersen")
    assert [p.code for p in raised.value.problems] == ["unknown_instrument"]
    with pytest.raises(RegimenError) as raised:
        assess_response("hfmse", HFMSE, START, therapy="spinraza")
    assert [p.code for p in raised.value.problems] == ["unknown_therapy"]


def test_the_table_is_read_from_the_package_data():
    rows = {r.id: r for r in references()}
    assert rows["hfmse_sma23_mixed"].slope_per_year == -0.56 and rows["hfmse_sma23_mixed"].sd_change_12m == 2.72
    assert rows["rulm_sma23"].slope_per_year == -0.41 and rows["rulm_sma23"].sd_change_12m == 2.93
    assert rows["sixmwt_sma3_amb"].sd_change_12m == 50.1
    assert rows["chop_sma1_untreated"].slope_per_year is None
    assert all(r.source and r.tag and r.population_label.kk and r.population_label.ru for r in rows.values())


def test_as_dict():
    data = assess_response("hfmse", HFMSE, START, therapy="nusinersen", population=ADULT_TYPE_3).as_dict()
    assert data["baseline"] == {"date": "2024-01-05", "value": 30}
    assert data["reference"]["source"].startswith("Registry default derived from Wadman")
    assert set(data["sentence"]) == {"en", "kk", "ru"}
