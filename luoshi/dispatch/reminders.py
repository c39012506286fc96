"""Chasing (催报): reminders before the due time, late marks after it, and the escalation ladder.

The ladder's first rung is the late notice itself; the stored steps (blue, yellow, red supervision notices,
an interview) are taken when reports are late several cycles in a row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.dispatch.models import UNSENT, Escalation, EscalationStep, Report
from luoshi.dispatch.people import people_of
from luoshi.notify.services import notify

REMIND_BEFORE = dt.timedelta(hours=24)


def _by_unit(reports: list[Report]) -> dict[int, list[Report]]:
    grouped: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        grouped[r.unit_id].append(r)
    return grouped


def _titles(reports: list[Report]) -> str:
    return "\n".join(
        f"· {r.task.code} {r.task.title}（{clock.local(r.due_at):%m-%d %H:%M}）" for r in reports
    )


@transaction.atomic
def remind_before_due(*, now: dt.datetime, within: dt.timedelta = REMIND_BEFORE) -> int:
    """Remind each unit once about reports due within `within` that it has not sent yet."""
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(state__in=UNSENT, reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + within)
        .select_related("task", "unit")
        .order_by("unit_id", "due_at")
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(reminded_at=now)
    for r in reports:
        record(
            actor=None,
            action=Action.REPORT_REMIND,
            obj=r,
            before={"reminded_at": None},
            after={"reminded_at": now.isoformat()},
        )
    _tell_units(reports, kind="report_due", title=lambda n: _("%(n)s progress report(s) due soon") % {"n": n})
    return len(reports)


def _tell_units(reports: list[Report], *, kind: str, title: Callable[[int], str]) -> None:
    """One notice per unit, listing its reports, to its liaisons and head (and its group robots)."""
    for reports_of_unit in _by_unit(reports).values():
        unit = reports_of_unit[0].unit
        notify(
            recipients=people_of(unit),
            kind=kind,
            title=title(len(reports_of_unit)),
            body=_titles(reports_of_unit),
            url="/reports/",
            units=[unit],
        )


@transaction.atomic
def mark_late(*, now: dt.datetime) -> int:
    """Mark reports unsent past their due time (and grace) as late, tell the units, and escalate."""
    candidates = list(
        Report.objects.select_for_update(of=("self",))
        .filter(state__in=UNSENT, is_late=False, due_at__lt=now)
        .select_related("task", "unit", "cycle__cadence")
        .order_by("unit_id", "due_at")
    )
    late = [r for r in candidates if r.due_at + dt.timedelta(minutes=r.cycle.cadence.grace_minutes) < now]
    if not late:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in late]).update(is_late=True)
    for r in late:
        record(
            actor=None, action=Action.REPORT_LATE, obj=r, before={"is_late": False}, after={"is_late": True}
        )
    _tell_units(late, kind="report_late", title=lambda n: _("%(n)s progress report(s) overdue") % {"n": n})
    for r in late:
        _escalate(r, now)
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


def _escalate(report: Report, now: dt.datetime) -> None:
    """Take the highest rung the task has reached and not yet taken."""
    in_a_row = _late_in_a_row(report)
    taken = set(Escalation.objects.filter(task_id=report.task_id).values_list("step_id", flat=True))
    step = (
        EscalationStep.objects.filter(missed_in_a_row__lte=in_a_row)
        .exclude(pk__in=taken)
        .order_by("-order")
        .first()
    )
    if step is None:
        return
    escalation = Escalation.objects.create(
        task_id=report.task_id, step=step, cycle_id=report.cycle_id, created_at=now
    )
    record(
        actor=None,
        action=Action.TASK_ESCALATE,
        obj=escalation,
        after={"task_id": report.task_id, "step": step.name, "late_in_a_row": in_a_row},
    )
    recipients = people_of(report.unit)
    if step.notify_leader and report.task.leader:
        recipients.append(report.task.leader)
    notify(
        recipients=recipients,
        kind="escalation",
        title=_("%(step)s: %(task)s") % {"step": step.name, "task": report.task},
        body=_("%(n)s progress reports in a row are late.") % {"n": in_a_row},
        url=f"/tasks/{report.task_id}/",
        units=[report.unit],
    )
