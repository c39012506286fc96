"""Chasing (催报): reminders before the due time, late marks after it, and the escalation ladder.

The ladder's first rung is the late notice itself; the stored steps (blue, yellow, red supervision notices,
an interview) are taken when reports are late several cycles in a row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from luoshi.audit.services import record, record_many
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.dispatch.models import UNSENT, Cycle, Escalation, Report
from luoshi.notify.ladder_audience import told_at
from luoshi.notify.models import EscalationStep, Notice
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of, supervisors_over

REMIND_BEFORE = dt.timedelta(hours=24)
CHASE_EVERY = dt.timedelta(hours=1)
BATCH = 200  # reports a transaction of the tick takes at most, unless one unit has more (about a second)


def _by_unit(reports: list[Report]) -> dict[int, list[Report]]:
    grouped: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        grouped[r.unit_id].append(r)
    return grouped


def _lines(reports: list[Report]) -> list[str]:
    return [f"· {r.task.code} {r.task.title}（{clock.local(r.due_at):%m-%d %H:%M}）" for r in reports]


def _chunks(rows: Iterable[tuple[int, int]]) -> Iterator[list[int]]:
    """(report, unit) keys in order, cut into chunks of about BATCH reports that never split a unit's."""
    chunk: list[int] = []
    last = None
    for pk, unit_id in rows:
        if len(chunk) >= BATCH and unit_id != last:
            yield chunk
            chunk = []
        chunk.append(pk)
        last = unit_id
    if chunk:
        yield chunk


def remind_before_due(*, now: dt.datetime, within: dt.timedelta = REMIND_BEFORE) -> int:
    """Remind each unit once about reports due within `within` that it has not sent yet.

    In chunks of whole units (BATCH), each its own transaction, as mark_late.
    """
    due = (
        Report.objects.filter(
            state__in=UNSENT, reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + within
        )
        .filter(task__cancelled_on__isnull=True)  # a cancelled task is reminded of nothing
        .order_by("unit_id", "due_at")
        .values_list("pk", "unit_id")
    )
    return sum(_remind(chunk, now) for chunk in _chunks(due))


@transaction.atomic
def _remind(pks: list[int], now: dt.datetime) -> int:
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=pks, state__in=UNSENT, reminded_at__isnull=True, task__cancelled_on__isnull=True)
        .select_related("task", "unit")
        .order_by("unit_id", "due_at")
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(reminded_at=now)
    record_many(
        actor=None,
        action=Action.REPORT_REMIND,
        before={"reminded_at": None},
        written=[(r, {"reminded_at": now.isoformat()}) for r in reports],
    )
    _tell_units(reports, kind="report_due")
    return len(reports)


def _tell_units(reports: list[Report], *, kind: str, by: User | None = None, key: str = "") -> None:
    """One notice per unit, listing its reports, to its liaisons and head (and its group robots)."""
    for reports_of_unit in _by_unit(reports).values():
        unit = reports_of_unit[0].unit
        notify(
            recipients=people_of(unit),
            kind=kind,
            params={"n": len(reports_of_unit), "unit": unit.pk, "items": _lines(reports_of_unit)},
            key=key.format(unit=unit.pk),
            url="/reports/",
            units=[unit],
            by=by,
        )


def mark_late(*, now: dt.datetime) -> int:
    """Mark reports unsent past their due time (and grace) as late, tell the units, and escalate.

    In chunks of whole units (BATCH reports or so), each its own transaction: after a weekend, or at the
    deadline of a province's list, tens of thousands of reports go late at once, and one transaction would
    hold their rows (and, on SQLite, every write) for minutes. A chunk done stays done; a report sent
    meanwhile is left out.
    """
    due = (
        Report.objects.filter(state__in=UNSENT, is_late=False, due_at__lt=now)
        .filter(task__cancelled_on__isnull=True)  # nor marked late, nor escalated
        .order_by("unit_id", "due_at")
        .values_list("pk", "unit_id", "due_at", "cycle__cadence__grace_minutes")
    )
    late = ((pk, unit) for pk, unit, due_at, grace in due if due_at + dt.timedelta(minutes=grace) < now)
    steps = list(EscalationStep.objects.order_by("-order"))
    return sum(_mark_late(chunk, now, steps) for chunk in _chunks(late))


@transaction.atomic
def _mark_late(pks: list[int], now: dt.datetime, steps: list[EscalationStep]) -> int:
    late = list(
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=pks, state__in=UNSENT, is_late=False, task__cancelled_on__isnull=True)
        .select_related("task", "unit", "cycle__cadence")
        .order_by("unit_id", "due_at")
    )
    if not late:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in late]).update(is_late=True)
    record_many(
        actor=None,
        action=Action.REPORT_LATE,
        before={"is_late": False},
        written=[(r, {"is_late": True}) for r in late],
    )
    _tell_units(late, kind="report_late")
    # The highest rung each task has taken, kept up to date as this chunk takes more.
    tops: dict[int, int] = dict(
        Escalation.objects.filter(task_id__in={r.task_id for r in late})
        .values("task_id")
        .annotate(top=Max("step__order"))
        .values_list("task_id", "top")
    )
    for r in late:
        _escalate(r, now, steps, tops)
    return len(late)


def _late_in_a_row(report: Report) -> int:
    states = (
        Report.objects.filter(task_id=report.task_id, due_at__lte=report.due_at)
        .order_by("-due_at")
        .values_list("is_late", "submitted_at", "due_at")[:20]
    )
    count = 0
    for is_late, submitted_at, due_at in states:
        if not (is_late or (submitted_at is None and due_at <= report.due_at)):
            break
        count += 1
    return count


def _escalate(report: Report, now: dt.datetime, steps: list[EscalationStep], tops: dict[int, int]) -> None:
    """Take the highest rung the task has reached and not yet taken (`steps` highest first)."""
    # Up to the highest rung reached above the task's highest so far: a rung jumped over is not sent
    # afterwards, which would take the task down the ladder.
    top = tops.get(report.task_id, 0)
    above = [s for s in steps if s.order > top]
    if not above:
        return
    in_a_row = _late_in_a_row(report)
    step = next((s for s in above if s.missed_in_a_row <= in_a_row), None)
    if step is None:
        return
    tops[report.task_id] = step.order
    escalation = Escalation.objects.create(
        task_id=report.task_id, step=step, cycle_id=report.cycle_id, created_at=now
    )
    record(
        actor=None,
        action=Action.TASK_ESCALATE,
        obj=escalation,
        after={"task_id": report.task_id, "step": step.name, "late_in_a_row": in_a_row},
    )
    # Whom the ladder page says the rung tells: ladder_audience is the one description of it.
    told = told_at(step, report)
    notify(
        recipients=told.people,
        kind="escalation",
        params={"step": step.name, "task": str(report.task), "n": in_a_row},
        key=f"escalation:{escalation.pk}",
        url=f"/tasks/{report.task_id}/",
        units=told.robots_of,
    )


@transaction.atomic
def send_cycle_digests(*, now: dt.datetime) -> int:
    """Once a cycle is past its due time, tell each supervisor once which of their units have not reported.

    Each supervisor hears of the units whose reports they may review (the tasks their office issued).
    The cycle is marked (late_marked_at) so that later ticks pass it by; the notice key makes a second
    run harmless even so. Returns the number of cycles digested.
    """
    cycles = list(
        Cycle.objects.select_for_update(of=("self",))
        .filter(state=Cycle.State.OPEN, late_marked_at__isnull=True, due_at__lt=now)
        .select_related("cadence")
        .order_by("due_at", "pk")
    )
    cycles = [c for c in cycles if c.due_at + dt.timedelta(minutes=c.cadence.grace_minutes) < now]
    for cycle in cycles:
        _digest(cycle)
        Cycle.objects.filter(pk=cycle.pk).update(late_marked_at=now)
    return len(cycles)


def _digest(cycle: Cycle) -> None:
    unsent = list(
        Report.objects.filter(cycle=cycle, state__in=UNSENT, task__cancelled_on__isnull=True)
        .select_related("unit", "task__issuer")
        .order_by("unit__path", "pk")
    )
    missing: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)  # supervisor → unit → (name, n)
    people: dict[int, User] = {}
    for report in unsent:
        for supervisor in supervisors_over(report.task.issuer):
            people[supervisor.pk] = supervisor
            name, n = missing[supervisor.pk].get(report.unit_id, (report.unit.name, 0))
            missing[supervisor.pk][report.unit_id] = (name, n + 1)
    for pk, units in missing.items():
        notify(
            recipients=[people[pk]],
            kind="cycle_digest",
            params={
                "n": len(units),
                "cadence": cycle.cadence.name,
                "number": cycle.number,
                "items": [f"· {name}（{n}）" for name, n in units.values()],
            },
            key=f"cycle_digest:{cycle.pk}",
            url=f"/cycles/{cycle.pk}/",
        )


def can_chase(user: User, cycle: Cycle) -> bool:
    """Who may press 一键催报 on a cycle: the offices that review its reports."""
    if not policy.is_supervisor(user):
        return False
    return Report.objects.filter(policy.supervised_q(user, "task__issuer"), cycle=cycle).exists()


@dataclass(frozen=True)
class Chased:
    """What 一键催报 did: the units reminded, those skipped because they were reminded within the hour, and
    those with nobody to remind (no active liaison or head)."""

    reminded: list[Unit]
    skipped: list[Unit]
    unreachable: list[Unit]
    next_at: dt.datetime | None  # when the first skipped unit may be reminded again


@transaction.atomic
def chase_cycle(*, cycle: Cycle, by: User) -> Chased:
    """一键催报: remind every unit with reports of the cycle not yet sent, in the app, by e-mail and robot.

    A unit is reminded at most once an hour (CHASE_EVERY), by anyone: the hour runs from its last reminder.
    """
    if not can_chase(by, cycle):
        raise PermissionDenied
    now = clock.now()
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one chase of a cycle at a time
    unsent = list(
        Report.objects.filter(cycle=cycle, state__in=UNSENT, task__cancelled_on__isnull=True)
        .filter(policy.supervised_q(by, "task__issuer"))
        .select_related("task", "unit")
        .order_by("unit__path", "due_at", "pk")
    )
    grouped = _by_unit(unsent)
    last = _last_chased(list(grouped), since=now - CHASE_EVERY)
    reminded: list[Unit] = []
    skipped: list[Unit] = []
    unreachable: list[Unit] = []
    for unit_id, reports in grouped.items():
        unit = reports[0].unit
        if unit_id in last:
            skipped.append(unit)
            continue
        told = notify(
            recipients=people_of(unit),
            kind="report_chase",
            params={"n": len(reports), "unit": unit_id, "items": _lines(reports)},
            key=f"report_chase:{cycle.pk}:{unit_id}:{now.isoformat()}",
            url="/reports/",
            units=[unit],
            by=by,
        )
        (reminded if told else unreachable).append(unit)
    next_at = min((last[u.pk] + CHASE_EVERY for u in skipped), default=None)
    record(
        actor=by,
        action=Action.CYCLE_CHASE,
        obj=cycle,
        after={
            "reminded": [u.pk for u in reminded],
            "skipped": [u.pk for u in skipped],
            "unreachable": [u.pk for u in unreachable],
        },
    )
    return Chased(reminded=reminded, skipped=skipped, unreachable=unreachable, next_at=next_at)


def _last_chased(unit_ids: list[int], *, since: dt.datetime) -> dict[int, dt.datetime]:
    """The time each unit was last reminded by 一键催报, of those reminded after `since`."""
    last: dict[int, dt.datetime] = {}
    rows = Notice.objects.filter(kind="report_chase", created_at__gt=since).values_list(
        "params", "created_at"
    )
    for params, created_at in rows:
        unit_id = (params or {}).get("unit")
        if unit_id in unit_ids and (unit_id not in last or created_at > last[unit_id]):
            last[unit_id] = created_at
    return last
