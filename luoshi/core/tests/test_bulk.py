"""`bulk.update` writes what `QuerySet.bulk_update` writes, on either database."""

import datetime as dt
from decimal import Decimal

from luoshi.core import bulk
from luoshi.dispatch.models import TaskLight
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
