"""Rows of a hand-written SELECT turned into model instances exactly as the ORM turns them.

Every API request reads its token, and every submission its visit, by a unique key. Building those
few fixed statements through the ORM's query compiler cost about half a millisecond of CPU each,
many times what running them costs; written out once here, they are only executed. The instances
are made as the ORM makes them: every concrete column of the table, each value passed through the
converters the ORM would apply (the backend's and the field's), then ``Model.from_db``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from django.db.models import Model


class RowReader:
    """The columns of ``model``'s table (under ``alias`` in a statement) and the instance built from them."""

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: weakref.WeakKeyDictionary[Any, list[tuple[int, list[Any], Any]]] = weakref.WeakKeyDictionary()

    def columns(self, connection: Any) -> str:
        """``alias.column, …`` of every concrete field, in the model's order."""
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def converters(self, connection: Any) -> list[tuple[int, list[Any], Any]]:
        """(position, converters, expression) of the columns that have any, as the SQL compiler finds them."""
        found = self._converters.get(connection)
        if found is None:
            found = []
            for position, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if functions:
                    found.append((position, functions, column))
            self._converters[connection] = found
        return found

    def instance(self, connection: Any, row: Sequence[Any], start: int = 0) -> Model:
        """The instance from ``row[start : start + width]``."""
        values = list(row[start : start + self.width])
        for position, functions, column in self.converters(connection):
            value = values[position]
            for function in functions:
                value = function(value, column, connection)
            values[position] = value
        return self.model.from_db(connection.alias, self.attnames, values)
