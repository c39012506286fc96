"""`bulk.insert` and `bulk.update` write what `bulk_create` and `bulk_update` write, on either database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils.functional import lazy

from luoshi.core import bulk
from luoshi.dispatch.models import LightChoice, TaskLight
from luoshi.testing import make_task

FIELDS = ["light", "reason", "expected", "actual", "computed_on", "unit"]


def stored(task_ids):
    return list(
        TaskLight.objects.filter(task_id__in=task_ids)
        .order_by("task_id")
        .values_list("task_id", "light", "reason", "expected", "actual", "computed_on", "unit_id")
    )


def changed(task_ids, city):
    rows = list(TaskLight.objects.filter(task_id__in=task_ids).order_by("task_id"))
    for n, row in enumerate(rows):
        row.light, row.reason = "red", "unreported"
        row.expected, row.actual = Decimal("62.5") + n, Decimal("0.1") if n == 0 else None
        row.computed_on, row.unit_id = dt.date(2026, 12, 31), city.baisha.pk
    return rows


def test_bulk_update_writes_each_field_of_the_rows_given_as_bulk_update_does(city):
    ids = [make_task(city, title=f"青山县的第{n}项任务").pk for n in range(3)]
    as_made = list(TaskLight.objects.filter(task_id__in=ids).order_by("task_id"))
    before = stored(ids)

    assert bulk.update(changed(ids, city)[:2], FIELDS) == 2
    ours = stored(ids)
    TaskLight.objects.bulk_update(as_made, FIELDS)
    assert stored(ids) == before
    TaskLight.objects.bulk_update(changed(ids, city)[:2], FIELDS)

    assert ours == stored(ids)
    assert ours[:2] != before[:2] and ours[2] == before[2]  # a row not given is left as it was
    assert bulk.update([], FIELDS) == 0


def test_bulk_insert_writes_what_bulk_create_writes_from_plain_values_and_from_values_to_prepare(city):
    """Plain values of a field's own type go as they are; any other value is prepared as Django does."""
    ids = [make_task(city, title=f"白沙镇的第{n}项任务").pk for n in range(4)]
    rows = list(TaskLight.objects.filter(task_id__in=ids).order_by("task_id"))
    TaskLight.objects.filter(task_id__in=ids).delete()
    text = lazy(str, str)
    for n, row in enumerate(rows):
        row.light = ["red", text("yellow"), LightChoice.GREEN, "grey"][n]  # a lazy text, a choice
        row.unit_id = [city.baisha.pk, str(city.baisha.pk), city.baisha.pk, None][n]  # a key as text
        row.reason, row.expected = "unreported", [Decimal("12.5"), 7, "8.5", Decimal(0)][n]
    assert stored(ids) == []
    # A row without its unit is refused, not written as something.
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert([rows[3]])
    bulk.insert(rows[:3])
    ours = stored(ids)
    TaskLight.objects.filter(task_id__in=ids).delete()
    TaskLight.objects.bulk_create(rows[:3])
    assert ours == stored(ids)
    assert [r[1] for r in ours] == ["red", "yellow", "green"]
    assert [r[6] for r in ours] == [city.baisha.pk] * 3
    assert [r[3] for r in ours] == [Decimal("12.5"), Decimal("7.0"), Decimal("8.5")]
