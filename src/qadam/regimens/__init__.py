"""Qadam regimens: therapy catalogue, dose schedules, safety checks and treatment response.

Standard library only (and the pure ``qadam.scales``): no Django, no database, no I/O beyond
reading the package's own data file. The therapy app of the registry stores courses and
administrations and calls these functions; the ``qadam schedule`` command calls them directly.
"""
