"""The ICD-10 codes shipped with Qadam (``reference/icd10.json``) and how they are loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ICD10_JSON = Path(__file__).resolve().parent / "reference" / "icd10.json"
FIELDS = ("title_en", "title_kk", "title_ru", "group")


def shipped_codes() -> list[dict[str, Any]]:
    """Return the shipped codes as dictionaries with ``code``, the three titles and ``group``."""
    return json.loads(ICD10_JSON.read_text(encoding="utf-8"))


def load_codes(model: Any) -> int:
    """Insert or refresh every shipped code through ``model`` (a historical model in migrations).

    Codes that an administrator added in the admin are left alone; shipped codes get the shipped
    titles back, so a later migration can call this again after the JSON grows.
    """
    rows = shipped_codes()
    for row in rows:
        model.objects.update_or_create(code=row["code"], defaults={f: row[f] for f in FIELDS})
    return len(rows)
