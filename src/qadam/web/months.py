"""Month names as they stand inside a written-out date.

Django's ``E`` date format takes the month from the ``alt. month`` context. Its Kazakh catalogue
capitalises those names ("26 Қараша 2026"), whereas Kazakh writes a month in lower case inside a
date ("26 қараша 2026 ж."); our Kazakh catalogue supplies the lower-case forms under the same
context, and declaring the messages here keeps them in the catalogue when it is regenerated.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_DATES = {
    1: pgettext_lazy("alt. month", "January"),
    2: pgettext_lazy("alt. month", "February"),
    3: pgettext_lazy("alt. month", "March"),
    4: pgettext_lazy("alt. month", "April"),
    5: pgettext_lazy("alt. month", "May"),
    6: pgettext_lazy("alt. month", "June"),
    7: pgettext_lazy("alt. month", "July"),
    8: pgettext_lazy("alt. month", "August"),
    9: pgettext_lazy("alt. month", "September"),
    10: pgettext_lazy("alt. month", "October"),
    11: pgettext_lazy("alt. month", "November"),
    12: pgettext_lazy("alt. month", "December"),
}
