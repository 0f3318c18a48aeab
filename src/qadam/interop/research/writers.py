"""Streaming table writers: CSV row by row, Parquet in record batches, memory bounded by one batch.

Both formats hold the same values: CSV writes empty for null, ``true``/``false``, dates as ISO 8601
and numbers as Python writes them (integral floats without ``.0``), so reading a CSV with the types
of the data dictionary gives the Parquet table back.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .columns import Column

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("csv", "parquet")


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    # PyArrow is imported on first use: it adds about 50 MB to every web worker that never exports.
    import pyarrow as pa

    arrow_types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }
    return pa.schema([pa.field(c.name, arrow_types[c.type], nullable=True) for c in columns])


def csv_text(value: Any) -> str:
    kind = type(value)  # the common cases first: this runs for every cell
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class TableWriter:
    """Write rows (dicts keyed by column name) to ``<base>.csv`` and/or ``<base>.parquet``."""

    def __init__(self, base: Path, columns: Sequence[Column], formats: Iterable[str], *, batch_size: int = 2000):
        self.columns = list(columns)
        self.names = [c.name for c in self.columns]
        self.batch_size = batch_size
        self.paths: list[Path] = []
        self.rows = 0
        self._csv_file = None
        self._csv = None
        self._parquet = None
        self._batch: list[dict[str, Any]] = []
        formats = set(formats)
        if "csv" in formats:
            path = base.with_suffix(".csv")
            self._csv_file = path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._csv_file, lineterminator="\n")
            self._csv.writerow(self.names)
            self.paths.append(path)
        if "parquet" in formats:
            path = base.with_suffix(".parquet")
            import pyarrow.parquet as pq

            self.schema = arrow_schema(self.columns)
            self._parquet = pq.ParquetWriter(path, self.schema, compression="zstd")
            self.paths.append(path)

    def write(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if self._csv is not None:
            self._csv.writerow([csv_text(row.get(name)) for name in self.names])
        if self._parquet is not None:
            self._batch.append(row)
            if len(self._batch) >= self.batch_size:
                self._flush()

    def _flush(self) -> None:
        if self._parquet is not None and self._batch:
            import pyarrow as pa

            data = {name: [row.get(name) for row in self._batch] for name in self.names}
            self._parquet.write_batch(pa.RecordBatch.from_pydict(data, schema=self.schema))
        self._batch = []

    def close(self) -> None:
        self._flush()
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._csv_file is not None:
            self._csv_file.close()
            self._csv_file = None

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_json(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, default=str)
        handle.write("\n")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_text(value) for value in row])
