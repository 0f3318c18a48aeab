"""Reference equations: Enright & Sherrill 1998 (6MWD) and GLI-2012 spirometry (Quanjer 2012).

GLI-2012 is checked three ways: against pyspiro (a test-only dependency) over a grid of sexes, ages,
heights and ethnic groups for FEV1, FVC and FEV1/FVC; the shipped tables against rows of the GLI R
look-up table as distributed in rspiro (data-raw/RLookupTable.csv, 4 decimals), an independent
transcription; and the LMS identities themselves.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyspiro import GLI_2012 as PySpiroGli2012

from qadam.scales.reference import (
    GLI_2012_ETHNICITIES,
    GLI_2012_PARAMETERS,
    Lms,
    enright_1998,
    gli_2012,
    gli_2012_tables,
)

PYSPIRO = PySpiroGli2012()
PYSPIRO_SEX = {"female": 0, "male": 1}
PYSPIRO_ETHNICITY = {name: code for code, name in enumerate(GLI_2012_ETHNICITIES, start=1)}
PYSPIRO_PARAMETER = {"FEV1": 1, "FVC": 2, "FEV1FVC": 3}
# (age in years, height in cm): table edges, quarter-year rows and ages between rows.
PEOPLE = [
    (3, 95),
    (3.1, 97),
    (5.37, 110),
    (7.25, 122),
    (12.6, 152),
    (17.9, 171),
    (25, 175),
    (40.3, 168),
    (64.8, 182),
    (80, 158),
    (94.9, 150),
    (95, 165),
]


# --- Enright & Sherrill 1998 ------------------------------------------------------------------------


def test_enright_spec_vectors():
    """Spec §10: man 175 cm, 80 kg, 50 y → 623.95 m (LLN 470.95); woman 165 cm, 65 kg, 50 y → 577.3 m (LLN 438.3)."""
    man = enright_1998("male", 50, 175, 80)
    woman = enright_1998("female", 50, 165, 65)
    assert (man.predicted_m, man.lower_limit_m) == (623.95, 470.95)
    assert (woman.predicted_m, woman.lower_limit_m) == (577.3, 438.3)


def test_enright_coefficients_move_the_prediction_as_published():
    base = enright_1998("male", 60, 170, 70).predicted_m
    assert enright_1998("male", 61, 170, 70).predicted_m == pytest.approx(base - 5.02)
    assert enright_1998("male", 60, 171, 70).predicted_m == pytest.approx(base + 7.57)
    assert enright_1998("male", 60, 170, 71).predicted_m == pytest.approx(base - 1.76)
    base = enright_1998("female", 60, 160, 60).predicted_m
    assert enright_1998("female", 61, 160, 60).predicted_m == pytest.approx(base - 5.78)
    assert enright_1998("female", 60, 161, 60).predicted_m == pytest.approx(base + 2.11)
    assert enright_1998("female", 60, 160, 61).predicted_m == pytest.approx(base - 2.29)


def test_enright_needs_a_known_sex():
    with pytest.raises(ValueError, match="sex"):
        enright_1998("other", 50, 170, 70)


# --- GLI-2012 against pyspiro -----------------------------------------------------------------------


@pytest.mark.parametrize("parameter", GLI_2012_PARAMETERS)
@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("ethnicity", GLI_2012_ETHNICITIES)
def test_lms_matches_pyspiro_over_a_grid(parameter, sex, ethnicity):
    for age, height in PEOPLE:
        ours = gli_2012(parameter, sex, age, height, ethnicity)
        theirs = PYSPIRO.lms(
            PYSPIRO_SEX[sex], age, height, PYSPIRO_ETHNICITY[ethnicity], PYSPIRO_PARAMETER[parameter], 1.0
        )
        assert (ours.l, ours.m, ours.s) == pytest.approx(tuple(float(v) for v in theirs), rel=1e-12), (age, height)


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("ethnicity", GLI_2012_ETHNICITIES)
def test_fvc_z_lln_uln_and_percent_match_pyspiro(sex, ethnicity):
    for age, height in PEOPLE:
        lms = gli_2012("FVC", sex, age, height, ethnicity)
        args = (PYSPIRO_SEX[sex], age, height, PYSPIRO_ETHNICITY[ethnicity], PYSPIRO_PARAMETER["FVC"])
        for measured in (0.4, 0.8 * lms.predicted, 1.2 * lms.predicted):
            assert lms.z_score(measured) == pytest.approx(float(PYSPIRO.zscore(*args, measured)), rel=1e-12, abs=1e-12)
            assert round(lms.percent_predicted(measured), 2) == pytest.approx(float(PYSPIRO.percent(*args, measured)))
        assert lms.lower_limit == pytest.approx(float(PYSPIRO.lln(*args, 1.0)), rel=1e-12)
        assert lms.upper_limit == pytest.approx(float(PYSPIRO.uln(*args, 1.0)), rel=1e-12)


# --- GLI-2012 tables against an independent transcription --------------------------------------------

# Rows of the GLI R look-up table in rspiro (thlytras/rspiro, data-raw/RLookupTable.csv): parameter,
# sex, age, Mspline, Sspline, rounded there to 4 decimals.
RSPIRO_ROWS = [
    ("FEV1", "male", 3, -0.1133, 0.2143),
    ("FEV1", "male", 10, -0.0549, -0.0461),
    ("FEV1", "male", 20, 0.2081, -0.0901),
    ("FVC", "male", 6.5, -0.0618, 0.0978),
    ("FVC", "male", 6.75, -0.0627, 0.0871),
    ("FVC", "male", 25, 0.1571, -0.0822),
    ("FVC", "male", 32.5, 0.1099, -0.0725),
    ("FVC", "female", 41, 0.0919, -0.0945),
    ("FVC", "female", 53.25, 0.0012, -0.018),
    ("FVC", "female", 67, -0.1375, 0.1131),
]
# Coefficients from the same rspiro table: a0…a6, p0…p5, q0, q1.
RSPIRO_COEFFICIENTS = {
    ("FEV1", "male"): (
        -10.342,
        2.2196,
        0.0574,
        -0.1589,
        -0.0351,
        -0.0881,
        -0.0708,
        -2.3268,
        0.0798,
        0.1096,
        -0.3973,
        0.0327,
        0.0114,
        0.8866,
        0.085,
    ),
    ("FVC", "male"): (
        -11.2281,
        2.4135,
        0.0865,
        -0.1684,
        -0.0405,
        -0.1177,
        -0.0825,
        -2.2963,
        0.0718,
        0.0794,
        -0.46,
        0.0325,
        -0.0503,
        0.9481,
        0,
    ),
    ("FVC", "female"): (
        -10.403,
        2.2633,
        0.0234,
        -0.1555,
        -0.0262,
        -0.1516,
        -0.0833,
        -2.3549,
        0.1017,
        0.081,
        -0.1809,
        0.0459,
        -0.0503,
        0.8236,
        0,
    ),
}
COEFFICIENT_NAMES = ("a0", "a1", "a2", "a3", "a4", "a5", "a6", "p0", "p1", "p2", "p3", "p4", "p5", "q0", "q1")


@pytest.mark.parametrize(("parameter", "sex", "age", "m_spline", "s_spline"), RSPIRO_ROWS)
def test_shipped_spline_rows_agree_with_the_gli_r_table(parameter, sex, age, m_spline, s_spline):
    tables = gli_2012_tables()
    row = round((age - tables["age_first"]) / tables["age_step"])
    splines = tables["parameters"][parameter][sex]["splines"]
    assert round(splines["M"][row], 4) == m_spline
    assert round(splines["S"][row], 4) == s_spline


@pytest.mark.parametrize(("key", "values"), RSPIRO_COEFFICIENTS.items())
def test_shipped_coefficients_agree_with_the_gli_r_table(key, values):
    coefficients = gli_2012_tables()["parameters"][key[0]][key[1]]["coefficients"]
    assert tuple(coefficients[name] for name in COEFFICIENT_NAMES) == values


def test_every_table_covers_3_to_95_years_in_quarter_years():
    tables = gli_2012_tables()
    assert (tables["age_first"], tables["age_step"]) == (3.0, 0.25)
    for parameter in GLI_2012_PARAMETERS:
        for sex in ("male", "female"):
            splines = tables["parameters"][parameter][sex]["splines"]
            assert {letter: len(column) for letter, column in splines.items()} == {"L": 369, "M": 369, "S": 369}


def test_hand_calculation_from_the_published_table_at_25_years():
    """Male, 25 y, 175 cm, Caucasian, from the rspiro row (Mspline 0.1571, Sspline −0.0822):
    M = exp(−11.2281 + 2.4135·ln 175 + 0.0865·ln 25 + 0.1571) = 5.326 L;
    S = exp(−2.2963 + 0.0718·ln 25 − 0.0822) = 0.1168; L = 0.9481."""
    lms = gli_2012("FVC", "male", 25, 175)
    assert (round(lms.m, 3), round(lms.s, 4), lms.l) == (5.326, 0.1168, 0.9481)
    assert round(lms.lower_limit, 3) == 4.308  # M·(1 − 1.645·L·S)^(1/L)


def test_splines_are_interpolated_linearly_between_quarter_year_rows():
    tables = gli_2012_tables()
    entry = tables["parameters"]["FVC"]["female"]
    c, splines = entry["coefficients"], entry["splines"]
    row = round((41 - 3) / 0.25)
    age = 41.1  # 40 % of the way from the 41.0 row to the 41.25 row
    m_spline = 0.6 * splines["M"][row] + 0.4 * splines["M"][row + 1]
    expected = math.exp(c["a0"] + c["a1"] * math.log(160) + c["a2"] * math.log(age) + m_spline)
    assert gli_2012("FVC", "female", age, 160).m == pytest.approx(expected, rel=1e-12)


def test_ethnic_groups_shift_the_median_by_their_coefficient():
    base = gli_2012("FVC", "male", 40, 175)
    for name, coefficient in zip(GLI_2012_ETHNICITIES[1:], ("a3", "a4", "a5", "a6"), strict=True):
        shifted = gli_2012("FVC", "male", 40, 175, name)
        expected = gli_2012_tables()["parameters"]["FVC"]["male"]["coefficients"][coefficient]
        assert math.log(shifted.m / base.m) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"age_years": 2.99}, "ages 3–95"),
        ({"age_years": 95.01}, "ages 3–95"),
        ({"parameter": "TLC"}, "parameter"),
        ({"sex": "x"}, "sex"),
        ({"ethnicity": "kazakh"}, "ethnicity"),
        ({"height_cm": 0}, "height"),
    ],
)
def test_inputs_outside_the_equations_are_refused(kwargs, message):
    arguments = {
        "parameter": "FVC",
        "sex": "male",
        "age_years": 40,
        "height_cm": 175,
        "ethnicity": "caucasian",
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        gli_2012(**arguments)


# --- LMS identities ------------------------------------------------------------------------------------


@given(
    st.floats(-2, 2),
    st.floats(0.5, 8),
    st.floats(0.02, 0.4),
    st.floats(-4, 4),
)
def test_value_at_and_z_score_are_inverse(l_value, m, s, z):
    lms = Lms(l_value, m, s)
    base = 1 + l_value * s * z
    if l_value != 0 and base <= 0.05:
        return  # outside the support of the Box-Cox transform
    assert lms.z_score(lms.value_at(z)) == pytest.approx(z, abs=1e-9)


def test_l_of_zero_is_the_log_normal_limit():
    lms = Lms(0.0, 4.0, 0.1)
    assert lms.z_score(4.0) == 0
    assert lms.value_at(-1.645) == pytest.approx(4.0 * math.exp(-0.1645))
    assert lms.z_score(lms.lower_limit) == pytest.approx(-1.645)


def test_limits_bracket_the_median_at_z_plus_minus_1_645():
    lms = gli_2012("FVC", "female", 60, 160)
    assert lms.lower_limit < lms.predicted < lms.upper_limit
    assert lms.z_score(lms.lower_limit) == pytest.approx(-1.645)
    assert lms.z_score(lms.upper_limit) == pytest.approx(1.645)
    assert lms.percent_predicted(lms.predicted) == pytest.approx(100)
