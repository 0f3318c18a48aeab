"""sma instruments."""

from __future__ import annotations

INSTRUMENTS: tuple = ()
