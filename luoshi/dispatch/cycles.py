"""Which tasks a cycle asks for a report, and by when: when it opens, and for tasks that appear while it runs.

A task created or handed down while a cycle is open joins it, as long as its report is not due yet: a task
made after the due time waits for the next cycle rather than starting out late (and being chased for it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.dispatch import calendar
from luoshi.dispatch.models import Cadence, Cycle, Report
from luoshi.plans.models import Task


def asked_of(cadence: Cadence, *, start: dt.date, end: dt.date) -> QuerySet[Task]:
    """The cadence's tasks at work in the period: begun by its end and not finished before its start."""
    return (
        cadence.tasks()
        .filter(start__lte=end)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gte=start))
    )


def report_due(task: Task, cycle: Cycle) -> dt.datetime:
    """The task's due time in the cycle: a working day earlier per level it was handed down (by default)."""
    cadence = cycle.cadence
    top = cadence.task.sort_path.count(".") if cadence.task is not None else 0
    level = task.sort_path.count(".") - top
    return calendar.due_for_level(
        clock.local(cycle.due_at), level=level, lead_days=cadence.lead_days_per_level
    )


# No savepoint of its own: it runs inside the write that created the task, and fails or commits with it.
@transaction.atomic(savepoint=False)
def join_open_cycles(*, task_ids: Iterable[int], now: dt.datetime) -> list[Report]:
    """Give these tasks their report in every open cycle that asks for them and is not due yet."""
    ids = list(task_ids)
    lists = Task.objects.filter(pk__in=ids).values("task_list")
    cycles = Cycle.objects.filter(
        Q(cadence__task_list__in=lists) | Q(cadence__task__task_list__in=lists),
        state=Cycle.State.OPEN,
        cadence__is_active=True,
        due_at__gt=now,
    ).select_related("cadence__task")
    added = []
    for cycle in cycles:
        joining = (
            asked_of(cycle.cadence, start=cycle.period_start, end=cycle.period_end)
            .filter(pk__in=ids)
            .exclude(reports__cycle=cycle)
            .only("id", "lead_unit_id", "sort_path", "code", "title")
        )
        for task in joining:
            due = report_due(task, cycle)
            if due <= now:
                continue
            report = Report.objects.create(task=task, cycle=cycle, unit_id=task.lead_unit_id, due_at=due)
            record(actor=None, action=Action.REPORT_CREATE, obj=report, after=snapshot(report))
            added.append(report)
    return added


def join_changed(*, task_ids: Iterable[int], **_: object) -> None:
    """Receive `core.events.task_changed`: a new or handed-down task joins the cycles open now."""
    join_open_cycles(task_ids=task_ids, now=clock.now())
