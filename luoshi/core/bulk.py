"""Rows inserted or updated many at a time, with the SQL written once instead of compiled field by field.

`insert` does what `QuerySet.bulk_create` does for a model whose primary key is automatic or set by the
caller (a one-to-one key) and with nothing else the database fills in (each field's `pre_save(add=True)`
and `get_db_prep_save`, one multi-row INSERT per batch, automatic keys read back with RETURNING), without
Django's per-value SQL compilation, which is most of the time bulk_create takes at ten thousand rows. A
database that cannot return keys from a bulk insert gets bulk_create itself.

On PostgreSQL automatic keys are drawn from the table's sequence first and the rows go by COPY: a VALUES
list of thousands of placeholders cost psycopg (binding on the client) more to split and quote than the
insert itself, 3.4 s of a 10,000-task import's 14, and UNNEST's arrays as much again to quote their JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

Row = TypeVar("Row", bound=models.Model)
# A tuple, not a union: the stubs make these fields generic, and a bare union of them fails mypy.
AUTO = (models.AutoField, models.BigAutoField, models.SmallAutoField)

# The field classes whose preparation hands back a value of one plain type unchanged (text for text, an
# integer for an integer or a key to one, a bool for a bool): most of a wide row's values, whose four calls
# of preparation each were a third of a 10,000-task insert. Exact classes only: a subclass may prepare
# differently. Integers are bound as they are only in the inserts; on PostgreSQL a comparison needs their
# declared width (`adapt_integerfield_value`), which `update` keeps.
_PLAIN: dict[type, type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.BooleanField: bool,
    **{
        kind: int
        for kind in (
            *AUTO,
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveBigIntegerField,
            models.PositiveSmallIntegerField,
        )
    },
}

# `update` does what `QuerySet.bulk_update` does (each field's `get_db_prep_save`, rows matched by primary
# key, no signals, no `pre_save`, so an auto_now field stays as it was) with one plain UPDATE run for each
# row: bulk_update's CASE expression per field and row cost more to build than the database took to run it.


def insert(objs: Sequence[Row], *, batch_size: int = 500) -> Sequence[Row]:
    """Insert the unsaved `objs` (all of one model) and set their keys; no signals, as bulk_create."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    pk: Any = meta.pk
    connection = connections[router.db_for_write(model)]
    auto = isinstance(pk, AUTO)
    if (
        (auto and not connection.features.can_return_rows_from_bulk_insert)
        or list(meta.db_returning_fields) != ([pk] if auto else [])
        or (not auto and any(getattr(obj, pk.attname) is None for obj in objs))
    ):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return objs
    fields = [f for f in meta.concrete_fields if f is not pk or not auto]
    if connection.vendor == "postgresql":
        _copy(objs, meta, fields, connection, auto=auto)
        return objs
    preps = [(f, _preparer(f, connection)) for f in fields]
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {qn(str(pk.column))}" if auto else ""
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [prep(f.pre_save(obj, True)) for obj in batch for f, prep in preps]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
            if auto:
                for obj, (key,) in zip(batch, cursor.fetchall(), strict=True):
                    setattr(obj, pk.attname, key)
    _saved(objs, connection)
    return objs


def _copy(objs: Sequence[Row], meta: Any, fields: list[Any], connection: Any, *, auto: bool) -> None:
    """Insert through COPY on PostgreSQL, an automatic key drawn for each row from the table's sequence."""
    pk = meta.pk
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in ([pk] if auto else []) + fields)
    with connection.cursor() as cursor:
        keys: list[Any] = [None] * len(objs)
        if auto:
            # As one array: ten thousand rows of one key each cost more to fetch than to draw.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
                [qn(meta.db_table), pk.column, len(objs)],
            )
            # Ascending in the objects' order, as RETURNING gives them: the audit chain seals by key.
            keys = sorted(cursor.fetchone()[0])
        preps = [(f, _preparer(f, connection)) for f in fields]
        rows = [[prep(f.pre_save(obj, True)) for f, prep in preps] for obj in objs]
        if auto:
            rows = [[key, *row] for key, row in zip(keys, rows, strict=True)]
        # Django's cursor wraps the errors of `execute` alone: a broken constraint must reach the caller
        # as the IntegrityError it catches, not as psycopg's own.
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    if auto:
        for obj, key in zip(objs, keys, strict=True):
            setattr(obj, pk.attname, key)
    _saved(objs, connection)


def _preparer(field: Any, connection: Any) -> Callable[[Any], Any]:
    """How to prepare `field`'s values for an insert: as Django does, except that a value of the one plain
    type the field (or the key it points to) hands back unchanged is taken as it is."""
    kind = _PLAIN.get(type(field.target_field if type(field) in _FOREIGN else field))

    def prepare(value: Any) -> Any:
        if value is None or type(value) is kind:
            return value
        return field.get_db_prep_save(value, connection)

    if kind is None:
        return lambda value: field.get_db_prep_save(value, connection)
    return prepare


_FOREIGN = (models.ForeignKey, models.OneToOneField)


def _saved(objs: Sequence[models.Model], connection: Any) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def update(objs: Sequence[Row], fields: Sequence[str]) -> int:
    """Write `fields` of the saved `objs` (all of one model) to their rows; return how many were sent."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    pk: Any = meta.pk
    connection = connections[router.db_for_write(model)]
    concrete = {f.name: f for f in meta.concrete_fields}
    written = [concrete[name] for name in fields]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in written)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(str(pk.column))} = %s"
    params = [
        [
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in written),
            pk.get_db_prep_save(obj.pk, connection),
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objs)
