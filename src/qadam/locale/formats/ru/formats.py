"""Russian formats: "26 ноября 2026 г.", "26.11.2026", "1 234,5"."""

DATE_FORMAT = r"j E Y \г."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j E Y \г. H:i"
YEAR_MONTH_FORMAT = r"F Y \г."
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
