"""Synthetic people for the demo cohort: names that say DEMO, valid IINs, plausible body size.

Nothing here describes a real person. Names are drawn from common Kazakh and Russian given names and
surnames and always start with ``DEMO``; IINs are built from the synthetic birth date and sex and
carry a correct check digit, so that the registry's validation accepts them.
"""

from __future__ import annotations

import random
from datetime import date

DEMO_PREFIX = "DEMO"

_KAZAKH_SURNAMES = (
    "Ахметов", "Жумабаев", "Сейткали", "Касымов", "Нурланов", "Абдрахманов", "Есенов", "Тулегенов",
    "Бекмуханов", "Сагинтаев", "Омаров", "Искаков", "Мусин", "Жаксылыков", "Кенжебаев", "Сулейменов",
    "Байжанов", "Утепов", "Нургалиев", "Амангельдин",
)  # fmt: skip
# Surnames ending in -и keep one form for both sexes; the others take the feminine -а.
_RUSSIAN_SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Морозов", "Волков",
    "Лебедев", "Ким", "Пак", "Шевченко",
)  # fmt: skip
_KAZAKH_MALE = (
    "Айбек",
    "Нурлан",
    "Ерлан",
    "Данияр",
    "Арман",
    "Бауыржан",
    "Асхат",
    "Тимур",
    "Ержан",
    "Алихан",
    "Санжар",
    "Мирас",
)
_KAZAKH_FEMALE = (
    "Айгерим",
    "Динара",
    "Жанар",
    "Гульнара",
    "Асель",
    "Мадина",
    "Сауле",
    "Алия",
    "Аружан",
    "Камила",
    "Томирис",
    "Дана",
)
_RUSSIAN_MALE = ("Александр", "Сергей", "Дмитрий", "Андрей", "Виктор", "Никита", "Максим", "Игорь")
_RUSSIAN_FEMALE = ("Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Анна", "Светлана", "Мария")
_UNCHANGED_FEMININE = ("и", "м", "к", "о")

# IIN check digit: weights 1..11, and 3..11,1,2 when the first sum leaves remainder 10.
_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def demo_name(rng: random.Random, sex: str) -> str:
    """``DEMO <Surname> <Given name>`` in Cyrillic, as registries in Kazakhstan write names."""
    kazakh = rng.random() < 0.7
    surname = rng.choice(_KAZAKH_SURNAMES if kazakh else _RUSSIAN_SURNAMES)
    if sex == "female" and not surname.endswith(_UNCHANGED_FEMININE):
        surname += "а"
    if kazakh:
        given = rng.choice(_KAZAKH_FEMALE if sex == "female" else _KAZAKH_MALE)
    else:
        given = rng.choice(_RUSSIAN_FEMALE if sex == "female" else _RUSSIAN_MALE)
    return f"{DEMO_PREFIX} {surname} {given}"


def iin_check_digit(first_eleven: str) -> int | None:
    """The 12th digit of an IIN, or ``None`` when no check digit exists (the number is skipped).

    Rule of the Kazakhstan IIN (individual identification number): weighted sum of the first 11
    digits with weights 1..11 modulo 11; if that is 10, weights 3..11, 1, 2; if again 10 the
    number is not issued.
    """
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def demo_iin(rng: random.Random, birth_date: date, sex: str, taken: set[str]) -> str:
    """A 12-digit IIN for ``birth_date`` and ``sex`` with a valid check digit, unique in ``taken``.

    The 7th digit encodes century and sex: 3/4 for 1900–1999 (male/female), 5/6 for 2000–2099.
    """
    century = 3 if birth_date.year < 2000 else 5
    century_sex = century + (1 if sex == "female" else 0)
    prefix = f"{birth_date:%y%m%d}{century_sex}"
    while True:
        first_eleven = f"{prefix}{rng.randrange(10000):04d}"
        check = iin_check_digit(first_eleven)
        if check is None:
            continue
        iin = f"{first_eleven}{check}"
        if iin not in taken:
            taken.add(iin)
            return iin


def height_cm(age_years: float, sex: str, rng_offset: float) -> float:
    """A plausible height for age and sex; ``rng_offset`` is the person's z-like deviation (SD units).

    Rough growth curve (WHO medians, simplified to straight segments): ~50 cm at birth, ~75 cm at
    1 year, ~87 cm at 2, ~6 cm a year to puberty, adult medians 176 cm (men) and 163 cm (women).
    """
    adult = 176.0 if sex == "male" else 163.0
    if age_years < 1:
        median = 50 + 25 * age_years
    elif age_years < 2:
        median = 75 + 12 * (age_years - 1)
    elif age_years < 12:
        median = 87 + 6.0 * (age_years - 2)
    elif age_years < 18:
        median = 147 + (adult - 147) * (age_years - 12) / 6
    else:
        median = adult
    return round(median * (1 + 0.04 * rng_offset), 1)


def weight_kg(age_years: float, height: float, rng_offset: float) -> float:
    """A plausible weight for age and height (BMI ~16 in children rising to ~26 in adults)."""
    bmi = 16.0 if age_years < 10 else 16.0 + min(age_years - 10, 30) * 0.33
    return round(bmi * (1 + 0.12 * rng_offset) * (height / 100) ** 2, 1)
