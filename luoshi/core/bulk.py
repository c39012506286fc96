"""Rows inserted or updated many at a time, with the SQL written once instead of compiled field by field.

`insert` does what `QuerySet.bulk_create` does for a model with an automatic primary key and nothing else
the database fills in (each field's `pre_save(add=True)` and `get_db_prep_save`, one multi-row INSERT per
batch, the keys read back with RETURNING), without Django's per-value SQL compilation, which is most of
the time bulk_create takes at ten thousand rows. A database that cannot return keys from a bulk insert
gets bulk_create itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

Row = TypeVar("Row", bound=models.Model)

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
    fields = [f for f in meta.concrete_fields if f is not pk]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        or list(meta.db_returning_fields) != [pk]
    ):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return objs
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {qn(str(pk.column))}"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in batch for f in fields]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
            for obj, (key,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


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
