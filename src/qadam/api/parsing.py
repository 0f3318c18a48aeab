"""Reading request bodies: strict JSON that can be stored as it is.

Python's ``json`` accepts ``NaN`` and ``Infinity`` and turns ``1e400`` into infinity; neither can be
stored (PostgreSQL's ``jsonb`` refuses them) nor is it JSON by RFC 8259. It also turns an unpaired
surrogate escape (``"\\ud800"``) into a string that no database can encode. All of these are refused
here with a precise reason, as are bodies that are not UTF-8, nest too deeply or hold integers too
long to read.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ninja.parser import Parser


class BodyUnreadable(ValueError):
    """The body cannot be read as JSON; ``code`` says why, ``params`` where."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(code)


def _refuse_constant(name: str) -> Any:
    raise BodyUnreadable("json_not_finite", value=name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyUnreadable("json_not_finite", value=text)
    return value


SURROGATE = re.compile(r"[\ud800-\udfff]")


def _holds_unpaired_surrogate(data: Any) -> bool:
    """True if any key or string in ``data`` holds a surrogate code point (walked without recursion)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def parse_json(body: bytes) -> Any:
    """Parse ``body`` as strict JSON or raise ``BodyUnreadable``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyUnreadable("json_not_utf8") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise BodyUnreadable("malformed_json", line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise BodyUnreadable("json_too_deep") from None
    except BodyUnreadable:
        raise
    except ValueError:
        # int() refuses integers of more than 4,300 digits (CPython's conversion limit).
        raise BodyUnreadable("json_number_too_long") from None
    if _holds_unpaired_surrogate(data):
        raise BodyUnreadable("json_unpaired_surrogate")
    return data


class StrictJsonParser(Parser):
    """django-ninja's parser with ``parse_json`` for bodies."""

    def parse_body(self, request: Any) -> Any:
        return parse_json(request.body)
