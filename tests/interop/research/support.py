"""Reading an export back: CSV typed by its data dictionary, Parquet with pyarrow."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from qadam.interop.research.services import research_export


def export(user: Any, out: Path, **options: Any):
    options.setdefault("reason", "Study 2026/14, approved by the ethics committee")
    return research_export(by=user, out_dir=out, **options)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def dictionary_types(out: Path) -> dict[tuple[str, str], str]:
    return {(row["table"], row["column"]): row["type"] for row in read_csv(out / "data_dictionary.csv")}


def typed(value: str, kind: str) -> Any:
    if value == "":
        return None
    return {
        "string": str,
        "integer": int,
        "number": float,
        "date": datetime.date.fromisoformat,
        "boolean": lambda v: {"true": True, "false": False}[v],
    }[kind](value)


def csv_as_typed(out: Path, table: str) -> list[dict[str, Any]]:
    types = dictionary_types(out)
    return [
        {name: typed(value, types[(table, name)]) for name, value in row.items()}
        for row in read_csv(out / f"{table}.csv")
    ]


def parquet_rows(out: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(out / f"{table}.parquet").to_pylist()


def dictionary_json(out: Path) -> dict[str, Any]:
    return json.loads((out / "data_dictionary.json").read_text(encoding="utf-8"))


def every_cell(out: Path) -> list[str]:
    """Every cell of every file as text: CSV cells, Parquet values, JSON strings, file names."""
    cells: list[str] = []
    for path in sorted(out.iterdir()):
        cells.append(path.name)
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    cells.extend(row)
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            cells.extend(table.column_names)
            for column in table.columns:
                cells.extend("" if v is None else str(v) for v in column.to_pylist())
        elif path.suffix == ".json":
            cells.append(path.read_text(encoding="utf-8"))
    return cells
