"""What the tasks' lights are likely to be a cycle or two ahead (dispatch.forecast applied to stored reports):
for one task's page, or for many tasks at once in a fixed number of queries (the cockpit). Advice only: a
forecast never changes a light."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from luoshi.core import clock
from luoshi.dispatch import calendar, forecast, lights, status
from luoshi.dispatch.models import UNSENT, LightChoice, Report, TaskLight
from luoshi.plans.models import Task

AHEAD = 2  # cycles a forecast looks ahead
REPORTS_READ = 40  # a task's latest reports that its page and its forecast read


def ahead(
    task: Task, facts: lights.TaskFacts, reports: list[Report], today: dt.date
) -> list[forecast.Forecast]:
    """The task's likely light at each of its next cycles' deadlines, from the progress it sent: advice only,
    never its light. Nothing for a task done or withdrawn, or one no cycle has asked of yet."""
    if not reports or task.completed_on is not None or task.is_cancelled:
        return []
    latest = max(reports, key=lambda r: r.cycle.due_at).cycle
    cadence = latest.cadence
    dues = [
        calendar.period(
            frequency=cadence.frequency, anchor=cadence.anchor, number=latest.number + n,
            due_weekday=cadence.due_weekday,
        ).due
        for n in range(1, AHEAD + 1)
    ]  # fmt: skip
    dues = [d for d in dues if d > today] or dues
    history = [
        forecast.Point(clock.local(r.submitted_at).date(), float(r.percent))
        for r in reports
        if r.submitted_at is not None and r.percent is not None and r.state not in UNSENT
    ]
    cycle_days = max((latest.period_end - latest.period_start).days + 1, 1)
    return [forecast.forecast(facts, history, d, today=today, cycle_days=cycle_days) for d in dues]


def red_in(forecasts: list[forecast.Forecast], light: TaskLight | None) -> int | None:
    """In how many cycles a task not red now is likely to be: what a leader wants to see coming."""
    if light is None or light.light == LightChoice.RED:
        return None
    return next((n for n, f in enumerate(forecasts, start=1) if f.likely_red), None)


def latest_reports(task: Task) -> list[Report]:
    """The task's latest reports, newest cycle first: what its page charts and forecasts from."""
    reports = Report.objects.filter(task=task).select_related("cycle__cadence").order_by("-cycle__due_at")
    return list(reports[:REPORTS_READ])


def forecasts_for(tasks: Sequence[Task], today: dt.date) -> dict[int, list[forecast.Forecast]]:
    """`ahead` for each of `tasks`, from the same reports its page reads, in a fixed number of queries."""
    ids = [t.pk for t in tasks]
    newest_first = Window(RowNumber(), partition_by=[F("task_id")], order_by=[F("cycle__due_at").desc()])
    rows = (
        Report.objects.filter(task_id__in=ids)
        .select_related("cycle__cadence")
        .annotate(nth=newest_first)
        .filter(nth__lte=REPORTS_READ)
        .order_by("task_id", "-cycle__due_at")
    )
    reports: dict[int, list[Report]] = defaultdict(list)
    for report in rows:
        reports[report.task_id].append(report)
    facts = status.facts_for(tasks, today)
    return {t.pk: ahead(t, facts[t.pk], reports[t.pk], today) for t in tasks}
