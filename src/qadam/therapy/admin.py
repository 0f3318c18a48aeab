"""No admin pages for therapies.

Courses, doses, adverse events, vaccinations and weights are clinical records: they are written only
through ``qadam.therapy.services`` (access checks, safety rules, audit in the same transaction) from
the registry's own screens and API. The drug catalogue is the code of ``qadam.regimens``.
"""
