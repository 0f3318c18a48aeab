"""Reading the real FHIR files in shared/data/fhir and comparing resources with their R4 model form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FHIR_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "fhir"


def shared_file(name: str) -> dict[str, Any]:
    """One of the real files of shared/data/fhir, read as it is (they are never edited)."""
    return json.loads((FHIR_DATA / name).read_text(encoding="utf-8"))


def without_primitive_extensions(node: Any) -> Any:
    """The resource as fhirclient writes it back: it keeps no ``_element`` siblings of primitives."""
    if isinstance(node, dict):
        return {k: without_primitive_extensions(v) for k, v in node.items() if not k.startswith("_")}
    if isinstance(node, list):
        return [without_primitive_extensions(v) for v in node]
    return node


def questions(items: list[dict[str, Any]]):
    """Every item of an item tree, depth first."""
    for item in items:
        yield item
        yield from questions(item.get("item", []))


def by_link_id(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in questions(resource.get("item", []))}


def translation_of(element: dict[str, Any], lang: str) -> str | None:
    for extension in element.get("extension", []):
        parts = {e["url"]: e for e in extension.get("extension", [])}
        if parts.get("lang", {}).get("valueCode") == lang:
            return parts["content"]["valueString"]
    return None
