"""The registry's default monitoring protocols, shipped as data (``data/default_protocols.json``).

The file transcribes clinical.md §A (tables A.1.2, A.2, A.3, A.4): one protocol per condition, each
row with its instruments (``qadam.scales`` codes), anchor event, offsets, repetition, tolerance and
source tag. Migration 0002 loads it as version 1 of each default protocol; a later change of the
file is loaded as a new version by ``services.protocol_defaults_refresh``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qadam import scales

from .due import ProtocolRow, parse_rows

DATA_FILE = Path(__file__).resolve().parent / "data" / "default_protocols.json"
DEFAULT_REASON = "Registry defaults from clinical.md §A"


@dataclass(frozen=True)
class DefaultProtocol:
    condition: str
    title: str
    source: str
    rows: tuple[ProtocolRow, ...]

    def rows_as_data(self) -> list[dict[str, Any]]:
        return [row.as_dict() for row in self.rows]


@cache
def default_protocols() -> dict[str, DefaultProtocol]:
    """The default protocol of every condition, checked against the instrument catalogue."""
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    found = {}
    for protocol in document["protocols"]:
        condition = protocol["condition"]
        rows = parse_rows(condition, protocol["rows"], scales.INSTRUMENTS)
        found[condition] = DefaultProtocol(condition, protocol["title"], protocol["source"], tuple(rows))
    return found


def load_defaults(protocol_model: Any) -> int:
    """Create version 1 of each default protocol that has no version yet (for the data migration)."""
    created = 0
    for condition, protocol in default_protocols().items():
        if protocol_model.objects.filter(center__isnull=True, condition=condition).exists():
            continue
        protocol_model.objects.create(
            center=None,
            condition=condition,
            number=1,
            rows=protocol.rows_as_data(),
            source=protocol.source,
            reason=DEFAULT_REASON,
        )
        created += 1
    return created
