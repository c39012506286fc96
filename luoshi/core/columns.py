"""Extension points of the list pages: a higher app adds a column, and a filter by it, to a lower app's list.

As with panels (core.panels), a lower app must not import the apps built on it, so those register a
`Column` here, by list name ("tasks"), from their AppConfig.ready(). The list adds each column's filter to
its form, narrows its rows by the value chosen, joins what its cells read (`fields`) into the list's own
query (so the number of queries stays the same whatever the page size), and renders each cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.safestring import SafeString

# The list's QuerySet, of its own class (TaskQuerySet), which a column hands back narrowed.
Rows = Any


@dataclass(frozen=True)
class Column:
    name: str  # the filter's query parameter, e.g. "light"
    header: Any  # the column's heading (a lazy translation)
    # One cell: a function of the row giving safe HTML (a hundred rows a page: no template include each).
    cell: Callable[[Any], SafeString]
    field: Callable[[], forms.Field]  # the filter's form field, made afresh for each form
    narrow: Callable[[Rows, Any], Rows]  # the rows that match the filter's cleaned value
    # What the cell reads ("light__light"): the list joins the relations they pass through, and a list that
    # reads only what it shows reads these too.
    fields: tuple[str, ...] = ()


def joined(fields: Iterable[str]) -> list[str]:
    """The relations `fields` pass through, for select_related ("light__light" gives "light")."""
    return list(dict.fromkeys(f.rsplit("__", 1)[0] for f in fields if "__" in f))


_columns: dict[str, list[Column]] = {}


def register(page: str, column: Column) -> Column:
    columns = _columns.setdefault(page, [])
    if all(c.name != column.name for c in columns):
        columns.append(column)
    return column


def columns_for(page: str) -> list[Column]:
    return list(_columns.get(page, []))
