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
- rectifications on time: rectifications (整改) an inspection gave the unit; a hit is one whose close-out,
  asked for on or before the deadline, the office verified (销号) by `as_of`.

A late task or item whose lateness an exemption under the fault-tolerance rules (容错免责) excuses, approved
by `as_of`, is counted as excused: neither for nor against the unit (scoring takes it out of the rate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from luoshi.core import clock
from luoshi.dispatch.models import Report
from luoshi.plans.models import Delivery, Task
from luoshi.supervision.models import AccountabilityRecord, CloseOut, Feedback, Rectification, SupervisionItem

from .models import Metric

Units = list[int] | QuerySet[Any, Any]


@dataclass
class Counted:
    """One unit's rows for one metric: every row counted, and those counted against it."""

    rows: list[int] = field(default_factory=list)
    misses: list[int] = field(default_factory=list)
    excused: list[int] = field(default_factory=list)  # missed, and exempted (容错免责): not against the unit

    def add(self, pk: int, hit: bool, excused: bool = False) -> None:
        self.rows.append(pk)
        if not hit:
            (self.excused if excused else self.misses).append(pk)

    def as_fact(self) -> dict[str, object]:
        fact: dict[str, object] = {
            "kind": "rate",
            "hits": len(self.rows) - len(self.misses) - len(self.excused),
            "of": len(self.rows),
            "excused": len(self.excused),
            "rows": sorted(self.rows),
            "misses": sorted(self.misses),
        }
        if self.excused:
            fact["excused_rows"] = sorted(self.excused)
        return fact


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    as_of: dt.datetime

    @property
    def last_day(self) -> dt.date:
        """The last deadline judged: the period's end, or the day before `as_of` if that is sooner."""
        return min(self.end, clock.local(self.as_of).date() - dt.timedelta(days=1))


def _reports(units: Units, w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    # Whether each report is a hit is decided by the database: a province's 200,000 submission times
    # need not be read and converted one by one to be compared with `as_of`.
    hit = ExpressionWrapper(
        Q(is_late=False, submitted_at__isnull=False, submitted_at__lte=w.as_of), output_field=BooleanField()
    )
    rows = (
        Report.objects.filter(
            unit_id__in=units,
            due_at__gte=clock.at_local(w.start),
            due_at__lt=clock.at_local(w.end + dt.timedelta(days=1)),
            due_at__lte=w.as_of,
            task__cancelled_on__isnull=True,
        )
        .annotate(hit=hit)
        .order_by("pk")
        .values_list("pk", "unit_id", "hit")
    )
    for pk, unit_id, on_time in rows:
        counted[unit_id].add(pk, bool(on_time))
    return counted


def _exempted(w: Window, **on: object) -> set[int]:
    """The tasks or items (`task__in=…` or `item__in=…`) whose lateness an exemption under the
    fault-tolerance rules (容错免责) approved by `as_of` excuses."""
    field = "task_id" if any(k.startswith("task") for k in on) else "item_id"
    approved = AccountabilityRecord.objects.approved_exemptions().filter(decided_at__lte=w.as_of, **on)
    if field == "task_id":
        approved = approved.filter(item__isnull=True)
    return set(approved.values_list(field, flat=True))


def _tasks(units: Units, w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    judged = Task.objects.filter(
        lead_unit_id__in=units, due__gte=w.start, due__lte=w.last_day, cancelled_on__isnull=True
    )
    rows = list(judged.order_by("pk").values_list("pk", "lead_unit_id", "due", "completed_on"))
    excused = _exempted(w, task__in=judged.values("pk"))
    for pk, unit_id, due, completed_on in rows:
        counted[unit_id].add(pk, completed_on is not None and completed_on <= due, pk in excused)
    return counted


def _deliveries(units: Units, w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    judged = Delivery.objects.filter(
        task__lead_unit_id__in=units,
        state=Delivery.State.ACCEPTED,
        decided_at__gte=clock.at_local(w.start),
        decided_at__lt=clock.at_local(w.end + dt.timedelta(days=1)),
        decided_at__lte=w.as_of,
    )
    accepted = list(
        judged.order_by("pk").values_list("pk", "task__lead_unit_id", "task_id", "milestone_id", "decided_at")
    )
    first_rejected: dict[tuple[int, int | None], dt.datetime] = {}
    for task_id, milestone_id, decided_at in (
        Delivery.objects.filter(
            task_id__in=judged.values("task_id"), state=Delivery.State.REJECTED, decided_at__lte=w.as_of
        )
        .order_by()
        .values_list("task_id", "milestone_id", "decided_at")
    ):
        if decided_at is not None:
            key = (task_id, milestone_id)
            first_rejected[key] = min(decided_at, first_rejected.get(key, decided_at))
    for pk, unit_id, task_id, milestone_id, decided_at in accepted:
        rejected = first_rejected.get((task_id, milestone_id))
        counted[unit_id].add(pk, rejected is None or decided_at is None or rejected > decided_at)
    return counted


def _items(units: Units, w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    judged = SupervisionItem.objects.filter(lead_unit_id__in=units, due__gte=w.start, due__lte=w.last_day)
    items = list(judged.order_by("pk").values_list("pk", "lead_unit_id", "due"))
    answered: dict[int, dt.datetime] = {}
    for item_id, at in (
        Feedback.objects.filter(
            item_id__in=judged.values("pk"), outcome=Feedback.Outcome.ACCEPTED, at__lte=w.as_of
        )
        .order_by()
        .values_list("item_id", "at")
    ):
        answered[item_id] = min(at, answered.get(item_id, at))
    excused = _exempted(w, item__in=judged.values("pk"))
    for pk, unit_id, due in items:
        sent = answered.get(pk)
        counted[unit_id].add(pk, sent is not None and clock.local(sent).date() <= due, pk in excused)
    return counted


def _rectifications(units: Units, w: Window) -> dict[int, Counted]:
    counted: dict[int, Counted] = defaultdict(Counted)
    judged = Rectification.objects.filter(unit_id__in=units, due__gte=w.start, due__lte=w.last_day)
    rows = list(judged.order_by("pk").values_list("pk", "unit_id", "due"))
    asked: dict[int, dt.datetime] = {}
    for rect_id, at in (
        CloseOut.objects.filter(
            rectification_id__in=judged.values("pk"),
            outcome=CloseOut.Outcome.VERIFIED,
            decided_at__lte=w.as_of,
        )
        .order_by()
        .values_list("rectification_id", "at")
    ):
        asked[rect_id] = min(at, asked.get(rect_id, at))
    for pk, unit_id, due in rows:
        first = asked.get(pk)
        counted[unit_id].add(pk, first is not None and clock.local(first).date() <= due)
    return counted


COLLECTORS = {
    Metric.REPORTS_ON_TIME: _reports,
    Metric.TASKS_ON_TIME: _tasks,
    Metric.DELIVERIES_FIRST_TIME: _deliveries,
    Metric.ITEMS_ON_TIME: _items,
    Metric.RECTIFICATIONS_ON_TIME: _rectifications,
}
# The rows each metric counts, for the links from a score to them.
ROWS_OF = {
    Metric.REPORTS_ON_TIME: "report",
    Metric.TASKS_ON_TIME: "task",
    Metric.DELIVERIES_FIRST_TIME: "delivery",
    Metric.ITEMS_ON_TIME: "item",
    Metric.RECTIFICATIONS_ON_TIME: "rectification",
}


def collect(metrics: Iterable[str], units: Units, w: Window) -> dict[str, dict[int, Counted]]:
    """Each metric's counted rows by unit, for the metrics asked (ratings are read with the marks); the units
    as ids, or a query of them (a province's 3,000 ids are cheaper to the database as a subquery)."""
    return {m: COLLECTORS[Metric(m)](units, w) for m in sorted(set(metrics)) if m in COLLECTORS}
