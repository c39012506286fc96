"""What a meeting's agenda is built from: a small registry of sources, each a function finding candidates.

The agenda opens with what became of the previous meeting's decisions, then the red and the yellow tasks and
the overdue 督办件 in the meeting's scope (its task list and units, within the convening office). Another
source (rectifications, when they exist) is added with `register`, and it takes its place in that order.
Each source records what it saw as `facts`: codes, numbers and dates, never sentences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.dispatch.models import Report
from luoshi.meetings.models import Decision, Meeting
from luoshi.meetings.rules import Fate, Trail, fate
from luoshi.orgs.models import Unit
from luoshi.plans.models import Delivery, Task
from luoshi.supervision.models import SupervisionItem


@dataclass(frozen=True)
class Candidate:
    """One agenda entry as a source finds it."""

    unit: Unit
    title: str
    task: Task | None = None
    item: SupervisionItem | None = None
    decision: Decision | None = None
    facts: dict[str, Any] = field(default_factory=dict)


Find = Callable[[Meeting, dt.date], Iterable[Candidate]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: Promise
    find: Find


SOURCES: list[Source] = []


def register(kind: str, label: Promise, find: Find) -> None:
    """Add a source; the agenda lists its entries after those of the sources registered before it."""
    assert all(s.kind != kind for s in SOURCES), f"agenda source {kind} registered twice"
    SOURCES.append(Source(kind, label, find))


def label_of(kind: str) -> Promise | str:
    return next((s.label for s in SOURCES if s.kind == kind), kind)


# The meeting's scope -------------------------------------------------------------------------------------


def _unit_q(units: list[Unit], field_name: str) -> Q:
    return reduce(or_, (Q(**{f"{field_name}__path__startswith": u.path}) for u in units))


def tasks_in_scope(meeting: Meeting) -> Any:
    """Open tasks of the convening office's jurisdiction, in the meeting's list and led by (or shared with)
    one of its units."""
    office = meeting.convener
    tasks = Task.objects.open().filter(
        Q(issuer__path__startswith=office.path) | Q(lead_unit__path__startswith=office.path)
    )
    if meeting.task_list_id is not None:
        tasks = tasks.filter(task_list_id=meeting.task_list_id)
    units = list(meeting.units.all())
    if units:
        co = Task.co_units.through.objects.filter(_unit_q(units, "unit"), task_id=OuterRef("pk"))
        tasks = tasks.filter(_unit_q(units, "lead_unit") | Q(Exists(co)))
    return tasks


def items_in_scope(meeting: Meeting) -> Any:
    """督办件 issued within the office's jurisdiction, led by one of the meeting's units or on its list."""
    office = meeting.convener
    items = SupervisionItem.objects.filter(issuer__path__startswith=office.path)
    units = list(meeting.units.all())
    scope = Q(pk__in=[])
    if units:
        scope |= _unit_q(units, "lead_unit")
    if meeting.task_list_id is not None:
        scope |= Q(task__task_list_id=meeting.task_list_id)
    return items.filter(scope)


# The sources ---------------------------------------------------------------------------------------------


def trail_of(decision: Decision, since: dt.date) -> Trail:
    """What happened to the decision's item since `since` (the day of the meeting that decided it)."""
    item = decision.item
    if item is None:
        return Trail(has_item=False)
    activity = (
        item.feedbacks.filter(at__date__gte=since).count() + item.notes.filter(at__date__gte=since).count()
    )
    task_id = decision.task_id or item.task_id
    if task_id is not None:
        activity += Report.objects.filter(task_id=task_id, submitted_at__date__gte=since).sent().count()
        activity += Delivery.objects.filter(task_id=task_id, at__date__gte=since).count()
    closed_on = item.closed_at.date() if item.closed_at is not None else None
    return Trail(
        True, closed_on=closed_on, due=item.due, signed=item.signed_at is not None, activity=activity
    )


def followups(meeting: Meeting, today: dt.date) -> Iterable[Candidate]:
    """The previous meeting's decisions, worst fate first: 议而不决、决而不行 on top."""
    previous = meeting.previous
    if previous is None:
        return []
    found = []
    for decision in previous.decisions.select_related("lead_unit", "item__issuer", "task"):
        trail = trail_of(decision, previous.held_on)
        outcome = fate(trail, today)
        facts = {
            "fate": outcome.value,
            "number": decision.number,
            "due": decision.due.isoformat(),
            "activity": trail.activity,
            "state": decision.item.state if decision.item else "",
            "code": decision.item.code if decision.item else "",
            "item_due": decision.item.due.isoformat() if decision.item else "",
        }
        title = decision.text.splitlines()[0][:200] if decision.text else ""
        found.append(Candidate(decision.lead_unit, title, decision.task, decision.item, decision, facts))
    order = list(Fate)
    return sorted(found, key=lambda c: (order.index(Fate(c.facts["fate"])), c.facts["number"]))


def _lit(light: str) -> Find:
    def find(meeting: Meeting, today: dt.date) -> Iterable[Candidate]:
        tasks = (
            tasks_in_scope(meeting)
            .filter(light__light=light)
            .select_related("lead_unit", "light")
            .order_by("lead_unit__path", "sort_path", "id")
        )
        for task in tasks:
            facts = {
                "light": light,
                "reason": task.light.reason,
                "expected": str(task.light.expected),
                "actual": "" if task.light.actual is None else str(task.light.actual),
                "due": task.due.isoformat(),
                "code": task.code,
            }
            yield Candidate(task.lead_unit, task.title, task=task, facts=facts)

    return find


def overdue_items(meeting: Meeting, today: dt.date) -> Iterable[Candidate]:
    previous = meeting.previous
    items = items_in_scope(meeting).overdue_items(today)
    if previous is not None:  # already on the agenda as the fate of the decision that raised them
        items = items.exclude(meeting_decision__meeting=previous)
    for item in items.select_related("lead_unit", "issuer__supervision_series").order_by("due", "id"):
        facts = {
            "code": item.code,
            "state": item.state,
            "due": item.due.isoformat(),
            "late": (today - item.due).days,
        }
        yield Candidate(item.lead_unit, item.title, task=item.task, item=item, facts=facts)


register("followup", _("what became of the last meeting's decisions"), followups)
register("red", _("red tasks"), _lit("red"))
register("yellow", _("yellow tasks"), _lit("yellow"))
register("overdue_item", _("overdue supervision items"), overdue_items)
# Rectifications (督查整改) are not a source yet: once supervision has them, a function here finding the
# overdue ones in the meeting's scope is registered after the items, e.g.
#   register("rectification", _("overdue rectifications"), overdue_rectifications)


def build(meeting: Meeting, today: dt.date) -> list[tuple[str, Candidate]]:
    """Every source's candidates, in the sources' order: (kind, candidate)."""
    return [(source.kind, c) for source in SOURCES for c in source.find(meeting, today)]
