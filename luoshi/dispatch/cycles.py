"""Which tasks a cycle asks for a report, and by when: when it opens, and for tasks that appear while it runs.

A task created or handed down while a cycle is open joins it, as long as its report is not due yet: a task
made after the due time waits for the next cycle rather than starting out late (and being chased for it).
A task the office cancels leaves the open cycles: its reports not yet sent are withdrawn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from luoshi.audit.services import record, record_many, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.attachments import delete_on_commit
from luoshi.dispatch import calendar
from luoshi.dispatch.models import UNSENT, Cadence, Cycle, Evidence, Report, Submission
from luoshi.plans.models import Task

logger = logging.getLogger(__name__)


def asked_of(cadence: Cadence, *, start: dt.date, end: dt.date) -> QuerySet[Task]:
    """The cadence's tasks at work in the period: begun by its end, not finished before its start, and not
    cancelled by the office (a cancelled task is asked for nothing more)."""
    return (
        cadence.tasks()
        .live()
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
def join_open_cycles(
    *, task_ids: Iterable[int], now: dt.datetime, written: Sequence[Task] = ()
) -> list[Report]:
    """Give these tasks their report in every open cycle that asks for them and is not due yet.

    `written`, the tasks as their sender just saved them, names their lists without ten thousand keys sent
    to the database to find them.
    """
    ids = list(task_ids)
    lists: Any = (
        sorted({t.task_list_id for t in written})
        if written
        else Task.objects.filter(pk__in=ids).values("task_list")
    )
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
            added.append(Report(task=task, cycle=cycle, unit_id=task.lead_unit_id, due_at=due))
    # In bulk: a list created from a document joins hundreds of tasks at once.
    Report.objects.bulk_create(added, batch_size=500)
    record_many(actor=None, action=Action.REPORT_CREATE, written=[(r, snapshot(r)) for r in added])
    return added


def join_changed(*, task_ids: Iterable[int], written: Sequence[Task] = (), **_: object) -> None:
    """Receive `core.events.task_changed`: a new or handed-down task joins the cycles open now."""
    join_open_cycles(task_ids=task_ids, now=clock.now(), written=written)


# No savepoint of its own: it runs inside the cancellation, and fails or commits with it.
@transaction.atomic(savepoint=False)
def leave_open_cycles(*, task_ids: Iterable[int]) -> list[int]:
    """Withdraw the unsent reports of these tasks, if cancelled, from the cycles still open; return their ids.

    Only reports never sent go: a report the unit sent once (returned since, or awaiting its head) keeps
    its history, and a cancelled task's leftover reports are chased no more (reminders skip them).
    """
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(
            task_id__in=list(task_ids),
            task__cancelled_on__isnull=False,
            cycle__state=Cycle.State.OPEN,
            state__in=UNSENT,
        )
        .exclude(pk__in=Submission.objects.values("report_id"))
        .order_by("pk")
    )
    files = [e.file for e in Evidence.objects.filter(report__in=reports)]
    for report in reports:
        record(actor=None, action=Action.REPORT_WITHDRAW, obj=report, before=snapshot(report))
    Report.objects.filter(pk__in=[r.pk for r in reports]).delete()
    delete_on_commit(files)
    return [r.pk for r in reports]


def leave_changed(*, task_ids: Iterable[int], written: Sequence[Task] = (), **_: object) -> None:
    """Receive `core.events.task_changed`: a cancelled task leaves the cycles open now.

    Of the tasks the sender handed over as it wrote them, only the cancelled are looked up (none, when a
    list is created).
    """
    if written:
        task_ids = [t.pk for t in written if t.cancelled_on is not None]
    if task_ids:
        leave_open_cycles(task_ids=task_ids)
