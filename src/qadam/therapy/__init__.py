"""Therapies: courses, administrations, adverse events and safety preconditions, per patient."""
