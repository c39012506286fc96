"""The cockpit's figures, each read in a fixed number of aggregate queries (GROUP BY light, unit, cycle)
whatever the size of the city, and each with the address of the rows it counts.

The tasks counted are those led by a unit in the viewer's jurisdiction, not cancelled: a county's leader
sees the county's work, the city's everything. Every figure is read from stored rows (the cached lights,
the reports, the assessment's results); the forecasts are advice and change nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.assessment import trace
from luoshi.assessment.models import IndicatorSystem, Result, Run
from luoshi.core import clock
from luoshi.dispatch import forecast, outlook
from luoshi.dispatch.models import Cadence, Cycle, LightChoice, Report
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.orgs.policy import Someone
from luoshi.plans.models import Task, TaskList, TaskQuerySet

COLORS = {
    "red": "#b3261e",
    "yellow": "#e0a800",
    "green": "#198754",
    "done": "#0d6efd",
    "done_late": "#6f42c1",
}
RED_SHOWN = 50  # rows of the red-task table; its count links to all of them
FORECAST_CANDIDATES = 300  # open tasks forecast, nearest deadline first: a page's worth of arithmetic
FORECASTS_SHOWN = 30
RANKED_SHOWN = 15  # units per category on the cockpit; the run's page ranks them all
MAIN_CADENCES = 3  # the lists' cadences the on-time trend follows
TREND_CYCLES = 12


def tasks_in_scope(user: Someone) -> TaskQuerySet:
    """The tasks the cockpit counts: led within the user's jurisdiction and not cancelled by the office."""
    return Task.objects.visible_to(user).live().filter(policy.unit_q(user, "lead_unit"))


def task_list_url(**filters: Any) -> str:
    """The task list filtered: where a count's rows are listed."""
    return f"{reverse('plans:task_list')}?{urlencode({k: v for k, v in filters.items() if v is not None})}"


def units_url(light: str | None = None, within: Unit | None = None) -> str:
    base = reverse("cockpit:units_within", args=[within.pk]) if within else reverse("cockpit:units")
    return f"{base}?{urlencode({'light': light})}" if light else base


# Lights ----------------------------------------------------------------------------------------------------


@dataclass
class LightCount:
    light: str
    label: str
    count: int
    url: str  # the units holding these tasks

    @property
    def css(self) -> str:
        return self.light.replace("_", "-")


def light_counts(tasks: TaskQuerySet, within: Unit | None = None) -> list[LightCount]:
    """How many of the tasks show each light, worst first, each linking to the units that hold them."""
    counts = dict(tasks.order_by().values_list("light__light").annotate(n=Count("pk")))
    return [
        LightCount(light, str(label), counts.get(light, 0), units_url(light, within))
        for light, label in LightChoice.choices
    ]


def lights_chart(counts: list[LightCount]) -> dict[str, Any]:
    return {
        "series": [
            {"name": c.label, "value": c.count, "url": c.url, "itemStyle": {"color": COLORS[c.light]}}
            for c in counts
            if c.count
        ]
    }


@dataclass
class UnitRow:
    unit: Unit
    cells: list[tuple[str, int, str]]  # (light, count, the task list's address for them)
    total: int


def units_by_light(tasks: TaskQuerySet, light: str | None) -> list[dict[str, Any]]:
    """Per lead unit, its tasks' count of each light: one GROUP BY; the units with `light` only when given,
    most of it first."""
    counted: dict[int, dict[str, int]] = {}
    for unit_id, lit, n in tasks.order_by().values_list("lead_unit", "light__light").annotate(n=Count("pk")):
        counted.setdefault(unit_id, {})[lit] = n
    rows = [{"unit": unit_id, **counts} for unit_id, counts in counted.items()]
    if light:
        rows = [r for r in rows if r.get(light)]
        rows.sort(key=lambda r: -r[light])
    return rows


def unit_rows(page_rows: list[dict[str, Any]]) -> list[UnitRow]:
    """Name one page of `units_by_light` rows (one query) and give each number its task list."""
    units = Unit.objects.in_bulk([r["unit"] for r in page_rows])
    out = []
    for r in page_rows:
        unit = units[r["unit"]]
        cells = [
            (light, r.get(light, 0), task_list_url(lead_unit=unit.pk, unit_only="on", light=light))
            for light in LightChoice.values
        ]
        out.append(UnitRow(unit, cells, sum(n for _light, n, _url in cells)))
    return out


# Rankings --------------------------------------------------------------------------------------------------


def latest_run(user: Someone) -> Run | None:
    """The newest assessment run the user sees (a run is seen by whoever sees its system)."""
    systems = IndicatorSystem.objects.visible_to(user)
    return (
        Run.objects.filter(system__in=systems)
        .select_related("system")
        .order_by("-period_end", "-as_of", "-pk")
        .first()
    )


@dataclass
class Ranking:
    category: str
    label: str
    rows: list[tuple[Result, str | None]] = field(default_factory=list)  # (result, its trace's address)

    @property
    def shown(self) -> list[tuple[Result, str | None]]:
        return self.rows[:RANKED_SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.rows) - RANKED_SHOWN, 0)

    def chart(self) -> dict[str, Any]:
        shown = [(r, url) for r, url in self.shown if r.total is not None]
        return {
            "categories": [r.unit.short_name or r.unit.name for r, _url in shown],
            "series": [
                {"name": _("Total"), "data": [float(r.total or 0) for r, _url in shown], "color": "#0d6efd"}
            ],
            "urls": [url for _r, url in shown],
        }


def rankings(run: Run, user: Someone) -> list[Ranking]:
    """The run's ranking in each category, each row linking to the rows behind the unit's score when the
    user sees the unit (rankings circulate within the jurisdiction, as on the run's own page)."""
    results = list(run.results.select_related("unit").order_by("category", "rank", "unit__path"))
    seen = set(
        policy.visible_units(user).filter(pk__in=[r.unit_id for r in results]).values_list("pk", flat=True)
    )
    by_category = {value: Ranking(value, label) for value, label in trace.categories_of(run)}
    for r in results:
        url = reverse("assessment:unit_trace", args=[run.pk, r.unit_id]) if r.unit_id in seen else None
        if r.category in by_category:
            by_category[r.category].rows.append((r, url))
    return [r for r in by_category.values() if r.rows]


# The on-time trend -----------------------------------------------------------------------------------------


def on_time_trend(user: Someone, now: dt.datetime) -> dict[str, Any]:
    """Per cycle of the main cadences (the last twelve due), the share of the jurisdiction's reports sent on
    time, each point linking to the cycle's reports. Three queries."""
    lists = TaskList.objects.visible_to(user)
    cadences = Cadence.objects.filter(is_active=True, task_list__in=lists).order_by("pk")[:MAIN_CADENCES]
    newest_first = Window(RowNumber(), partition_by=[F("cadence_id")], order_by=[F("due_at").desc()])
    cycles = list(
        Cycle.objects.filter(cadence__in=list(cadences), due_at__lte=now)
        .select_related("cadence")
        .annotate(nth=newest_first)
        .filter(nth__lte=TREND_CYCLES)
        .order_by("cadence_id", "due_at")
    )
    counted = {
        row["cycle"]: row
        for row in Report.objects.filter(cycle__in=[c.pk for c in cycles], task__cancelled_on__isnull=True)
        .filter(policy.unit_q(user, "unit"))
        .order_by()
        .values("cycle")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(is_late=False, submitted_at__isnull=False)))
    }
    series: dict[int, dict[str, Any]] = {}
    for c in cycles:
        row = counted.get(c.pk)
        if not row or not row["total"]:
            continue
        line = series.setdefault(c.cadence_id, {"name": c.cadence.name, "data": []})
        line["data"].append(
            {
                "value": [
                    clock.local(c.due_at).date().isoformat(),
                    round(100 * row["on_time"] / row["total"], 1),
                ],
                "url": reverse("dispatch:cycle_detail", args=[c.pk]),
                "counts": [row["on_time"], row["total"]],
            }
        )
    return {"series": list(series.values())}


# Red tasks and the forecasts -------------------------------------------------------------------------------


def red_tasks(tasks: TaskQuerySet) -> TaskQuerySet:
    """The red tasks with their last report's time, most overdue first."""
    last = Report.objects.filter(task=OuterRef("pk"), submitted_at__isnull=False).order_by("-submitted_at")
    return (
        tasks.filter(light__light=LightChoice.RED)
        .select_related("lead_unit", "owner", "light")
        .annotate(last_report=Subquery(last.values("submitted_at")[:1]))
        .order_by("due", "sort_path")
    )


@dataclass
class Outlook:
    task: Task
    cycles: int  # likely red in this many cycles
    forecast: forecast.Forecast  # the first forecast that says red


def likely_red(tasks: TaskQuerySet, today: dt.date) -> list[Outlook]:
    """Open tasks not red now that their trajectory says will be within two cycles, soonest and surest
    first: advice shown with its confidence; it changes no light."""
    candidates = list(
        tasks.filter(completed_on__isnull=True, light__light__in=[LightChoice.GREEN, LightChoice.YELLOW])
        .select_related("lead_unit", "light")
        .order_by("due", "pk")[:FORECAST_CANDIDATES]
    )
    seen = outlook.forecasts_for(candidates, today)
    found = []
    for task in candidates:
        n = outlook.red_in(seen[task.pk], task.light)
        if n is not None:
            found.append(Outlook(task, n, seen[task.pk][n - 1]))
    found.sort(key=lambda o: (o.cycles, -o.forecast.confidence, o.task.due))
    return found[:FORECASTS_SHOWN]
