"""Date and number formats per language (``FORMAT_MODULE_PATH = ["qadam.locale.formats"]``).

Django ships no formats for Kazakh; ours follow the conventions of Kazakh official documents
(day, month name in lower case, year followed by "ж.", comma as decimal separator, no-break space
between thousands). Russian and English are set here too so that every screen shows dates written
out the same way whatever Django's defaults become.
"""
