"""The data dictionary: every column of every table, as CSV (one row per column) and JSON."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from qadam.scales.model import Instrument, Text

from .columns import Allowed, Column, long_columns, wide_columns

CSV_HEADER = (
    "table",
    "instrument",
    "column",
    "type",
    "label_en",
    "label_kk",
    "label_ru",
    "description",
    "allowed_values",
    "value_labels_en",
    "unit",
    "item_id",
    "instrument_version",
    "scoring_version",
)


def table_name(instrument: Instrument, shape: str) -> str:
    return f"{instrument.code}_{shape}"


def tables(instrument: Instrument) -> list[tuple[str, list[Column]]]:
    return [("wide", wide_columns(instrument)), ("long", long_columns(instrument))]


def _value_labels(allowed: Sequence[Allowed]) -> str:
    return "; ".join(f"{a.code}={a.label.en}" for a in allowed if a.label is not None)


def csv_rows(instruments: Sequence[Instrument]) -> Iterator[list[Any]]:
    for instrument in instruments:
        for shape, columns in tables(instrument):
            for column in columns:
                yield [
                    table_name(instrument, shape),
                    instrument.code,
                    column.name,
                    column.type,
                    column.label.en,
                    column.label.kk,
                    column.label.ru,
                    column.description,
                    column.allowed_text(),
                    _value_labels(column.allowed),
                    column.unit,
                    column.item,
                    instrument.version,
                    instrument.scoring_version,
                ]


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else text.as_dict()


def _column(column: Column) -> dict[str, Any]:
    return {
        "name": column.name,
        "type": column.type,
        "label": _text(column.label),
        "description": column.description,
        "allowed_values": [{"code": a.code, "label": _text(a.label), "points": a.points} for a in column.allowed],
        "range": column.range,
        "unit": column.unit,
        "item_id": column.item,
    }


def as_json(instruments: Sequence[Instrument], files: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "instruments": [
            {
                "code": instrument.code,
                "name": instrument.name,
                "title": _text(instrument.title),
                "instrument_version": instrument.version,
                "scoring_version": instrument.scoring_version,
                "scoring_rule": instrument.scoring_rule,
                "citation": instrument.citation,
                "licence": instrument.licence,
                "higher_is_better": instrument.higher_is_better,
                "tables": [
                    {
                        "name": table_name(instrument, shape),
                        "shape": shape,
                        "files": files.get(table_name(instrument, shape), []),
                        "columns": [_column(column) for column in columns],
                    }
                    for shape, columns in tables(instrument)
                ],
            }
            for instrument in instruments
        ]
    }
