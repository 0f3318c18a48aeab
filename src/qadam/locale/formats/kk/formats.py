"""Kazakh formats: "26 қараша 2026 ж.", "26.11.2026", "1 234,5".

Month names come from the ``alt. month`` entries of our Kazakh catalogue (lower case, as a month is
written inside a date); Django's own Kazakh catalogue lacks them.
"""

DATE_FORMAT = r"j E Y \ж."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j E Y \ж. H:i"
YEAR_MONTH_FORMAT = r"Y \ж. E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '26.11.2026'
    "%d.%m.%y",  # '26.11.26'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # no-break space
NUMBER_GROUPING = 3
