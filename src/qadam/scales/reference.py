"""Predicted values from published reference equations: six-minute walk and spirometry.

Pure functions of sex, age and body size. The GLI-2012 look-up tables are package data
(``data/gli_2012.json``), read once through ``importlib.resources`` so the library stays
standard-library only and works from a wheel or a zip.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Sex = Literal["male", "female"]
SEXES: tuple[str, ...] = ("male", "female")

# --- six-minute walk: Enright & Sherrill 1998 -----------------------------------------------------

ENRIGHT_1998 = "Enright PL, Sherrill DL. Am J Respir Crit Care Med 1998;158:1384–1387"
# Healthy adults aged 40–80 years formed the derivation sample; outside it the equation extrapolates.
ENRIGHT_1998_DERIVATION_AGES = (40, 80)


@dataclass(frozen=True)
class WalkPrediction:
    """Predicted six-minute walk distance and its lower limit of normal, in metres."""

    predicted_m: float
    lower_limit_m: float
    equation: str = ENRIGHT_1998


def enright_1998(sex: str, age_years: float, height_cm: float, weight_kg: float) -> WalkPrediction:
    """Predicted 6MWD for adults (Enright & Sherrill 1998), as tabulated in the ERS/ATS technical
    standard on field walking tests (Holland AE et al. Eur Respir J 2014;44:1428–1446, Table 5).

    Men: 7.57·height − 5.02·age − 1.76·weight − 309; women: 2.11·height − 2.29·weight − 5.78·age + 667
    (height in cm, weight in kg, age in years). The lower limit of normal is the prediction minus
    153 m for men and 139 m for women (Enright & Sherrill 1998).

    >>> enright_1998("male", 50, 175, 80).predicted_m
    623.95
    >>> enright_1998("female", 50, 165, 65).lower_limit_m
    438.3
    """
    if sex == "male":
        predicted = 7.57 * height_cm - 5.02 * age_years - 1.76 * weight_kg - 309
        lower = predicted - 153
    elif sex == "female":
        predicted = 2.11 * height_cm - 2.29 * weight_kg - 5.78 * age_years + 667
        lower = predicted - 139
    else:
        raise ValueError(f"sex must be one of {SEXES}, got {sex!r}")
    return WalkPrediction(round(predicted, 2), round(lower, 2))


# --- spirometry: GLI-2012 --------------------------------------------------------------------------

GLI_2012 = "Quanjer PH et al. Eur Respir J 2012;40:1324–1343 (GLI-2012)"
GLI_2012_PARAMETERS: tuple[str, ...] = ("FEV1", "FVC", "FEV1FVC")
GLI_2012_AGE_RANGE: tuple[float, float] = (3.0, 95.0)
# The order gives the indicator terms of the equations: a3/p2 African-American, a4/p3 North-East
# Asian, a5/p4 South-East Asian, a6/p5 other or mixed; Caucasian is the reference group.
GLI_2012_ETHNICITIES: tuple[str, ...] = (
    "caucasian",
    "african_american",
    "north_east_asian",
    "south_east_asian",
    "other",
)
# The 5th and 95th centiles of a normal distribution of z-scores (Quanjer 2012).
LLN_Z = -1.645
ULN_Z = 1.645
# Below this |L| the Box-Cox transform is its log-normal limit to within rounding (GLI L values are
# of order 0.1–5); dividing by L·S there would lose every digit.
_L_AS_ZERO = 1e-9


@dataclass(frozen=True)
class Lms:
    """The L (skewness), M (median) and S (coefficient of variation) of a reference distribution.

    Cole's LMS method, as used by GLI (Quanjer 2012, online supplement):
    z = ((x/M)^L − 1) / (L·S), and the value at a given z is M·(1 + L·S·z)^(1/L).
    """

    l: float  # noqa: E741 - the letter of the published method
    m: float
    s: float

    @property
    def predicted(self) -> float:
        return self.m

    def z_score(self, measured: float) -> float:
        if abs(self.l) < _L_AS_ZERO:
            return math.log(measured / self.m) / self.s
        # expm1/log1p: the same formula, kept exact when L is close to 0
        return math.expm1(self.l * math.log(measured / self.m)) / (self.l * self.s)

    def percent_predicted(self, measured: float) -> float:
        return 100 * measured / self.m

    def value_at(self, z: float) -> float:
        if abs(self.l) < _L_AS_ZERO:
            return self.m * math.exp(self.s * z)
        return self.m * math.exp(math.log1p(self.l * self.s * z) / self.l)

    @property
    def lower_limit(self) -> float:
        return self.value_at(LLN_Z)

    @property
    def upper_limit(self) -> float:
        return self.value_at(ULN_Z)


@cache
def gli_2012_tables() -> dict[str, Any]:
    """The GLI-2012 coefficients and quarter-year spline tables shipped with the package."""
    text = resources.files("qadam.scales.data").joinpath("gli_2012.json").read_text(encoding="utf-8")
    return json.loads(text)


def gli_2012(parameter: str, sex: str, age_years: float, height_cm: float, ethnicity: str = "caucasian") -> Lms:
    """L, M and S of a GLI-2012 spirometry index for one person (Quanjer 2012).

    L = q0 + q1·ln(age) + Lspline; M = exp(a0 + a1·ln(height) + a2·ln(age) + ethnic term + Mspline);
    S = exp(p0 + p1·ln(age) + ethnic term + Sspline). The spline values are interpolated linearly
    between the quarter-year rows of the look-up table, as the GLI online supplement (section 4)
    prescribes and as rspiro and pyspiro ≥ 1.0 do; the closed-form terms use the exact age.
    Ages outside 3–95 years are outside the tables and raise ``ValueError``.

    >>> lms = gli_2012("FVC", "male", 25, 175)
    >>> round(lms.predicted, 3), round(lms.lower_limit, 3)
    (5.326, 4.308)
    """
    if parameter not in GLI_2012_PARAMETERS:
        raise ValueError(f"parameter must be one of {GLI_2012_PARAMETERS}, got {parameter!r}")
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, got {sex!r}")
    if ethnicity not in GLI_2012_ETHNICITIES:
        raise ValueError(f"ethnicity must be one of {GLI_2012_ETHNICITIES}, got {ethnicity!r}")
    low, high = GLI_2012_AGE_RANGE
    if not low <= age_years <= high:
        raise ValueError(f"GLI-2012 covers ages {low:g}–{high:g} years, got {age_years!r}")
    if height_cm <= 0:
        raise ValueError(f"height must be positive, got {height_cm!r}")
    tables = gli_2012_tables()
    entry = tables["parameters"][parameter][sex]
    c = entry["coefficients"]
    l_spline, m_spline, s_spline = (
        _interpolate(entry["splines"][letter], age_years, tables["age_first"], tables["age_step"]) for letter in "LMS"
    )
    group = GLI_2012_ETHNICITIES.index(ethnicity)  # 0 = Caucasian, the reference group
    m_ethnic = (0.0, c["a3"], c["a4"], c["a5"], c["a6"])[group]
    s_ethnic = (0.0, c["p2"], c["p3"], c["p4"], c["p5"])[group]
    ln_age = math.log(age_years)
    l_value = c["q0"] + c["q1"] * ln_age + l_spline
    m_value = math.exp(c["a0"] + c["a1"] * math.log(height_cm) + c["a2"] * ln_age + m_ethnic + m_spline)
    s_value = math.exp(c["p0"] + c["p1"] * ln_age + s_ethnic + s_spline)
    return Lms(l_value, m_value, s_value)


def _interpolate(column: list[float], age: float, first: float, step: float) -> float:
    position = (age - first) / step
    index = min(int(math.floor(position)), len(column) - 1)
    weight = position - index
    if weight == 0 or index == len(column) - 1:
        return column[index]
    return (1 - weight) * column[index] + weight * column[index + 1]
