"""Validation against the FHIR R4 (4.0.1) resource models of ``fhirclient``.

``fhirclient`` 4.x is generated from FHIR 4.0.1; read strictly it refuses unknown elements, wrong
JSON types, malformed dates and missing mandatory elements. It does not look inside the
``_element`` siblings that carry extensions of primitives (our translations), so those are read as
``Element``s here; and it accepts empty strings, arrays and objects, which FHIR JSON forbids, so
that is checked here too. Terminology bindings and invariants (FHIRPath rules) are not checked, except the required code lists of the elements that
decide how Questionnaires and their responses are read (status, item type, enableWhen operator).
"""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace
from typing import Any

from ..errors import InteropError, InteropProblem

_MAX_REPORTED = 5


@cache
def _fhir() -> SimpleNamespace:
    """fhirclient's R4 models, imported on first use (they add about 20 MB to a process that never validates)."""
    from fhirclient.models.element import Element
    from fhirclient.models.fhirabstractbase import FHIRValidationError
    from fhirclient.models.fhirelementfactory import FHIRElementFactory

    return SimpleNamespace(Element=Element, ValidationError=FHIRValidationError, Factory=FHIRElementFactory)


def validate_resource(resource: Any) -> None:
    """Raise ``InteropError`` (``not_a_resource`` or ``invalid_fhir``) unless ``resource`` is valid R4."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        shown = type(resource).__name__ if not isinstance(resource, dict) else "an object without resourceType"
        raise InteropError([InteropProblem("not_a_resource", value=shown)])
    resource_type = resource["resourceType"]
    errors = _model_errors(resource_type, resource)
    errors += _primitive_extension_errors(resource, "") + _empty_errors(resource, "")
    errors += _binding_errors(resource_type, resource)
    if errors:
        shown = "; ".join(errors[:_MAX_REPORTED]) + (" …" if len(errors) > _MAX_REPORTED else "")
        raise InteropError([InteropProblem("invalid_fhir", item=resource_type, value=shown)])


def _model_errors(resource_type: str, resource: dict[str, Any]) -> list[str]:
    # The factory falls back to a plain Element for names it does not know: ask it for an empty one first.
    if getattr(type(_fhir().Factory.instantiate(resource_type, None)), "resource_type", None) != resource_type:
        return [f"resourceType: '{resource_type}' is not an R4 resource type"]
    try:
        _fhir().Factory.instantiate(resource_type, resource)
    except _fhir().ValidationError as error:
        return _flatten(error, "")
    return []


def _flatten(error: BaseException, path: str) -> list[str]:
    """The leaves of fhirclient's error tree as 'path: message' lines."""
    if not isinstance(error, _fhir().ValidationError):
        message = _readable(str(error).strip("'\""))
        return [f"{path}: {message}" if path else message]
    here = f"{path}.{error.path}" if path and error.path else (error.path or path)
    lines: list[str] = []
    for inner in error.errors:
        lines.extend(_flatten(inner, here))
    return lines


def _readable(message: str) -> str:
    """fhirclient names Python classes and objects; say the FHIR type instead."""
    message = re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", message)
    return re.sub(r"<fhirclient\.models\.[\w.]+\.(\w+) object at 0x[0-9a-f]+>", r"\1", message)


def _primitive_extension_errors(node: Any, path: str) -> list[str]:
    errors: list[str] = []
    if isinstance(node, list):
        for index, value in enumerate(node):
            errors.extend(_primitive_extension_errors(value, f"{path}.{index}"))
    elif isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if key.startswith("_"):
                errors.extend(_element_errors(value, where))
            else:
                errors.extend(_primitive_extension_errors(value, where))
    return errors


def _element_errors(value: Any, path: str) -> list[str]:
    elements = value if isinstance(value, list) else [value]
    errors: list[str] = []
    for element in elements:
        if element is None:  # a primitive array may hold null where an entry has no extension
            continue
        try:
            _fhir().Element(element)
        except _fhir().ValidationError as error:
            errors.extend(_flatten(error, path))
    return errors


def _empty_errors(node: Any, path: str) -> list[str]:
    """FHIR JSON: 'empty' strings, arrays and objects are never allowed."""
    if node == "" or node == [] or node == {}:
        return [f"{path}: empty values are not allowed"]
    errors: list[str] = []
    if isinstance(node, list):
        for index, value in enumerate(node):
            errors.extend(_empty_errors(value, f"{path}.{index}"))
    elif isinstance(node, dict):
        for key, value in node.items():
            errors.extend(_empty_errors(value, f"{path}.{key}" if path else key))
    return errors


# Required bindings of FHIR R4 (value sets publication-status, item-type, questionnaire-enable-operator,
# questionnaire-answers-status, codesystem-content-mode, codesystem-hierarchy-meaning).
_PUBLICATION_STATUS = frozenset({"draft", "active", "retired", "unknown"})
_ITEM_TYPES = frozenset(
    {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url",
     "choice", "open-choice", "attachment", "reference", "quantity"}
)  # fmt: skip
_ENABLE_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
_RESPONSE_STATUS = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
_CONTENT_MODES = frozenset({"not-present", "example", "fragment", "complete", "supplement"})
_HIERARCHY_MEANINGS = frozenset({"grouped-by", "is-a", "part-of", "classified-with"})


def _binding_errors(resource_type: str, resource: dict[str, Any]) -> list[str]:
    checks: list[tuple[str, Any, frozenset[str]]] = []
    if resource_type == "Questionnaire":
        checks.append(("status", resource.get("status"), _PUBLICATION_STATUS))
        for path, item in _items_with_paths(resource.get("item"), "item"):
            checks.append((f"{path}.type", item.get("type"), _ITEM_TYPES))
            for index, condition in enumerate(_list(item.get("enableWhen"))):
                operator = condition.get("operator") if isinstance(condition, dict) else None
                checks.append((f"{path}.enableWhen.{index}.operator", operator, _ENABLE_OPERATORS))
    elif resource_type == "QuestionnaireResponse":
        checks.append(("status", resource.get("status"), _RESPONSE_STATUS))
    elif resource_type == "CodeSystem":
        checks.append(("status", resource.get("status"), _PUBLICATION_STATUS))
        checks.append(("content", resource.get("content"), _CONTENT_MODES))
        if "hierarchyMeaning" in resource:
            checks.append(("hierarchyMeaning", resource["hierarchyMeaning"], _HIERARCHY_MEANINGS))
    return [
        f"{path}: '{value}' is not one of {', '.join(sorted(allowed))}"
        for path, value, allowed in checks
        if isinstance(value, str) and value not in allowed
    ]


def _items_with_paths(items: Any, path: str):
    for index, item in enumerate(_list(items)):
        if isinstance(item, dict):
            here = f"{path}.{index}"
            yield here, item
            yield from _items_with_paths(item.get("item"), f"{here}.item")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
