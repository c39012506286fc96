"""Bulk writing for the generated demo data: rows in large batches, and a progress bar on the terminal."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from django.core.management.color import no_style
from django.db import connection, models

# ---------------------------------------------------------------------------------------------- progress


class Bar:
    """A textual progress bar on one terminal line, redrawn at most five times a second."""

    def __init__(self, label: str, total: int, out: IO[str] | None) -> None:
        self.label, self.total, self.out = label, max(total, 1), out
        self.done, self.began, self.drawn = 0, time.monotonic(), 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.drawn >= 0.2 or self.done >= self.total:
            self.drawn = now
            self._draw(now)

    def finish(self) -> float:
        elapsed = time.monotonic() - self.began
        self._draw(time.monotonic())
        if self.out is not None:
            self.out.write("\n")
            self.out.flush()
        return elapsed

    def _draw(self, now: float) -> None:
        if self.out is None:
            return
        share = min(self.done / self.total, 1.0)
        filled = round(share * 30)
        elapsed = now - self.began
        rate = self.done / elapsed if elapsed > 0 else 0.0
        self.out.write(
            f"\r{self.label:<8} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} "
            f"{self.done:,}/{self.total:,}  {elapsed:6.1f} s  {rate:,.0f}/s"
        )
        self.out.flush()


# ------------------------------------------------------------------------------------------------ writing


def next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def write(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows (values in the order of `fields`, attnames, ids included) in large batches: COPY on
    PostgreSQL, multi-row executemany on SQLite.

    Not bulk_create: preparing each value through its field costs about 150 µs a row on this machine, ten
    times the database's own work. The values are adapted here once per type instead, as Django would.
    """
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows)
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    adapt = [_sqlite_adapter(by_attname[f]) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(str(by_attname[f].column)) for f in fields)}) "
        f"VALUES ({', '.join('%s' for _ in fields)})"
    )
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        # Each cycle's rows land all over the (task, cycle) indexes: with SQLite's default 2 MB page cache
        # a city's million reports are written at a third of the speed. This connection only.
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
        for row in rows:
            batch.append(
                tuple(v if a is None or v is None else a(v) for a, v in zip(adapt, row, strict=True))
            )
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count + len(batch)


def _sqlite_adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How Django's SQLite backend stores the field's values, or None where the driver's own is the same."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        return json.dumps
    return None


def _copy(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    opts = model._meta
    quote = connection.ops.quote_name
    by_attname = {f.attname: f for f in opts.concrete_fields}
    columns = ", ".join(quote(str(by_attname[f].column)) for f in fields)
    json_at = [i for i, f in enumerate(fields) if isinstance(by_attname[f], models.JSONField)]
    count = 0
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        with raw.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
                copy.write_row(row)
                count += 1
    return count


def reset_sequences(*used: type[models.Model]) -> None:
    """Ids were chosen here, so PostgreSQL's sequences must be moved past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(used)):
            cursor.execute(sql)
