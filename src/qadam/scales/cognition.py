"""cognition instruments."""

from __future__ import annotations

INSTRUMENTS: tuple = ()
