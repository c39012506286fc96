"""The facts an assessment run scores: for each unit and metric, the rows counted and those counted against
the unit, as they stand at one instant. One grouped read per metric over every unit of the run.

What counts, per metric (a row falls in the period by its deadline, and only once that deadline is past at
`as_of`: work not yet due is not judged):
- reports on time: progress reports the unit owed; a hit is one sent and not marked late.
- tasks on time: tasks the unit leads, not withdrawn; a hit is one completed on or before its deadline (a
  deadline the office moved counts as moved: the move is approved and shown wherever the task is).
- deliveries first time: deliveries (交账) of the unit's tasks the office accepted in the period; a hit is one
  with no earlier rejected delivery of the same task or milestone.
- items on time: supervision items the unit leads; a hit is one whose accepted feedback was sent on or
  before the deadline (an extension granted counts: it is shown as such wherever the item is).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from luoshi.core import clock
from luoshi.dispatch.models import Report
from luoshi.plans.models import Delivery, Task
from luoshi.supervision.models import Feedback, SupervisionItem

from .models import Metric


@dataclass
class Counted:
    """One unit's rows for one metric: every row counted, and those counted against it."""

    rows: list[int] = field(default_factory=list)
    misses: list[int] = field(default_factory=list)

    def add(self, pk: int, hit: bool) -> None:
        self.rows.append(pk)
        if not hit:
            self.misses.append(pk)

    def as_fact(self) -> dict[str, object]:
        return {
            "kind": "rate",
            "hits": len(self.rows) - len(self.misses),
            "of": len(self.rows),
            "excused": 0,
            "rows": sorted(self.rows),
            "misses": sorted(self.misses),
        }


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    as_of: dt.datetime

    @property
    def last_day(self) -> dt.date:
        """The last deadline judged: the period's end, or the day before `as_of` if that is sooner."""
        return min(self.end, clock.local(self.as_of).date() - dt.timedelta(days=1))


def _reports(units: list[int], w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    rows = (
        Report.objects.filter(
            unit_id__in=units,
            due_at__gte=clock.at_local(w.start),
            due_at__lt=clock.at_local(w.end + dt.timedelta(days=1)),
            due_at__lte=w.as_of,
            task__cancelled_on__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "unit_id", "is_late", "submitted_at")
    )
    for pk, unit_id, is_late, submitted_at in rows:
        counted[unit_id].add(pk, not is_late and submitted_at is not None and submitted_at <= w.as_of)
    return counted


def _tasks(units: list[int], w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    rows = (
        Task.objects.filter(
            lead_unit_id__in=units, due__gte=w.start, due__lte=w.last_day, cancelled_on__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "lead_unit_id", "due", "completed_on")
    )
    for pk, unit_id, due, completed_on in rows:
        counted[unit_id].add(pk, completed_on is not None and completed_on <= due)
    return counted


def _deliveries(units: list[int], w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    accepted = list(
        Delivery.objects.filter(
            task__lead_unit_id__in=units,
            state=Delivery.State.ACCEPTED,
            decided_at__gte=clock.at_local(w.start),
            decided_at__lt=clock.at_local(w.end + dt.timedelta(days=1)),
            decided_at__lte=w.as_of,
        )
        .order_by("pk")
        .values_list("pk", "task__lead_unit_id", "task_id", "milestone_id", "decided_at")
    )
    first_rejected: dict[tuple[int, int | None], dt.datetime] = {}
    for task_id, milestone_id, decided_at in Delivery.objects.filter(
        task_id__in={a[2] for a in accepted}, state=Delivery.State.REJECTED, decided_at__lte=w.as_of
    ).values_list("task_id", "milestone_id", "decided_at"):
        if decided_at is not None:
            key = (task_id, milestone_id)
            first_rejected[key] = min(decided_at, first_rejected.get(key, decided_at))
    for pk, unit_id, task_id, milestone_id, decided_at in accepted:
        rejected = first_rejected.get((task_id, milestone_id))
        counted[unit_id].add(pk, rejected is None or decided_at is None or rejected > decided_at)
    return counted


def _items(units: list[int], w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    items = list(
        SupervisionItem.objects.filter(lead_unit_id__in=units, due__gte=w.start, due__lte=w.last_day)
        .order_by("pk")
        .values_list("pk", "lead_unit_id", "due")
    )
    answered: dict[int, dt.datetime] = {}
    for item_id, at in Feedback.objects.filter(
        item_id__in=[i[0] for i in items], outcome=Feedback.Outcome.ACCEPTED, at__lte=w.as_of
    ).values_list("item_id", "at"):
        answered[item_id] = min(at, answered.get(item_id, at))
    for pk, unit_id, due in items:
        sent = answered.get(pk)
        counted[unit_id].add(pk, sent is not None and clock.local(sent).date() <= due)
    return counted


COLLECTORS = {
    Metric.REPORTS_ON_TIME: _reports,
    Metric.TASKS_ON_TIME: _tasks,
    Metric.DELIVERIES_FIRST_TIME: _deliveries,
    Metric.ITEMS_ON_TIME: _items,
}
# The rows each metric counts, for the links from a score to them.
ROWS_OF = {
    Metric.REPORTS_ON_TIME: "report",
    Metric.TASKS_ON_TIME: "task",
    Metric.DELIVERIES_FIRST_TIME: "delivery",
    Metric.ITEMS_ON_TIME: "item",
}


def collect(metrics: Iterable[str], units: list[int], w: Window) -> dict[str, dict[int, Counted]]:
    """Each metric's counted rows by unit, for the metrics asked (ratings are read with the marks)."""
    return {m: COLLECTORS[Metric(m)](units, w) for m in sorted(set(metrics)) if m in COLLECTORS}
