"""Canonical JSON for the audit chain: one byte string per entry, identical on every database.

The values stored in ``AuditEntry.changes`` are canonicalised *before* they are written, so what the
database returns is exactly what was hashed. PostgreSQL's ``jsonb`` re-prints numbers (``1e20``
comes back as ``100000000000000000000``), so integral floats are stored as integers and
non-finite floats as strings; everything else (dates, decimals, model choices) becomes a string.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from typing import Any

GENESIS_HASH = "0" * 64


# Exact types that are canonical as they are, or whose containers only need their items converted:
# checked first because audit changes are mostly [old, new] lists of these (same result as below).
_PLAIN = frozenset({str, int, bool, type(None)})


def canonical_value(value: Any) -> Any:
    """Return ``value`` as plain JSON data that survives a round trip through SQLite and PostgreSQL."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        return [canonical_value(v) for v in value]
    if kind is dict:
        return {str(k): canonical_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return canonical_value(value.value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical_value(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if hasattr(value, "pk") and hasattr(value, "_meta"):
        return canonical_value(value.pk)
    return str(value)


def canonical_json(data: Mapping[str, Any]) -> str:
    """Serialise with sorted keys, no spaces and real Unicode: the exact text that is hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(payload: Mapping[str, Any], prev_hash: str) -> str:
    """Return SHA-256 (hex) over the canonical JSON of ``payload`` together with ``prev_hash``."""
    text = canonical_json({**payload, "prev_hash": prev_hash})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
