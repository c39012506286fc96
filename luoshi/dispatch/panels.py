"""What dispatch adds to lower pages: the task and unit panels, and the light column of the task list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import clock
from luoshi.core.columns import Column
from luoshi.core.panels import Panel
from luoshi.dispatch import lights, outlook, status
from luoshi.dispatch.models import LightChoice, Report, ReportState, Rollup, TaskLight
from luoshi.dispatch.templatetags.light_tags import light_badge
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task


def trajectory(task: Task, facts: lights.TaskFacts, reports: list[Report], today: dt.date) -> dict[str, Any]:
    """Expected against actual progress over time, with the milestones marked: data for ECharts."""
    step = max(1, (task.due - task.start).days // 40)
    days = [task.start + dt.timedelta(days=d) for d in range(0, (task.due - task.start).days + 1, step)]
    days = sorted({*days, task.due, *(m.due for m in facts.milestones if task.start <= m.due <= task.due)})
    expected = [[d.isoformat(), round(lights.expected_progress(facts, d), 1)] for d in days]
    accepted = [r for r in reports if r.state == ReportState.ACCEPTED]
    actual = [
        [clock.local(r.cycle.due_at).date().isoformat(), r.percent]
        for r in reversed(accepted)
        if r.percent is not None
    ]
    milestones = [
        {"name": m.title, "date": m.due.isoformat(), "value": m.expected_progress}
        for m in task.milestones.all()
    ]
    chart: dict[str, Any] = {
        "expected": expected,
        "actual": actual,
        "milestones": milestones,
        "today": today.isoformat(),
        "labels": {"expected": _("Expected"), "actual": _("Reported"), "today": _("Today")},
    }
    # A task with an indicator always has a target (constraint task_indicator_has_target_and_direction).
    if task.has_indicator and task.target is not None:
        readings = [
            (r.cycle.due_at, r.indicator_value) for r in reversed(accepted) if r.indicator_value is not None
        ]
        span = [
            float(v)
            for v in (task.baseline, task.target, *(value for _at, value in readings))
            if v is not None
        ]
        pad = (max(span) - min(span)) * 0.1 or 1
        chart["indicator"] = {
            "min": round(min(span) - pad, 4),
            "max": round(max(span) + pad, 4),
            "name": f"{task.indicator_name}（{task.indicator_unit}）",
            "target": float(task.target),
            "target_label": _("Target"),
            "values": [[clock.local(due_at).date().isoformat(), float(value)] for due_at, value in readings],
        }
    return chart


def task_panel(request: HttpRequest, task: Task) -> Panel | None:
    today = clock.today()
    reports = outlook.latest_reports(task)
    light = TaskLight.objects.filter(task=task).first()
    facts = status.facts_for([task], today)[task.pk]
    milestones = [
        (
            m,
            lights.milestone_state(
                status.milestone_point(m.due, m.expected_progress, m.reached_on), facts, today
            ),
        )
        for m in task.milestones.all()
    ]
    context = {
        "light": light,
        "reason": light.get_reason_display() if light else "",
        "milestones": milestones,
        "REACHED": lights.MilestoneState.REACHED,
        "OVERDUE": lights.MilestoneState.OVERDUE,
        "can_edit": policy.can_edit_task(request.user, task),
        "reports": reports[:8],
        "chart": trajectory(task, facts, reports, today),
        "task": task,
        "forecasts": (seen := outlook.ahead(task, facts, reports, today)),
        "red_in": outlook.red_in(seen, light),
    }
    return Panel("dispatch/_task_panel.html", context)


def light_cell(task: Task) -> SafeString:
    """The task's light as its badge; none (a cancelled task) as a dash."""
    try:
        return light_badge(task.light.light)
    except ObjectDoesNotExist:
        return light_badge(None)


def light_filter() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Light"), choices=[("", _("All")), *LightChoice.choices], required=False)


# The light as a column of the task list, with a filter by it (core.columns).
task_list_light = Column(
    name="light",
    header=gettext_lazy("Light"),
    cell=light_cell,
    field=light_filter,
    narrow=lambda tasks, light: tasks.filter(light__light=light),
    fields=("light__light",),
)


def unit_panel(request: HttpRequest, unit: Unit) -> Panel | None:
    """Lights of the tasks the unit leads, and of everything below it, from the stored rollups."""
    own = Rollup.objects.filter(unit=unit).first()
    below = Rollup.objects.filter(unit__path__startswith=unit.path).aggregate(
        **{c: Sum(c) for c in LightChoice.values}
    )
    mine = own.counts() if own else dict.fromkeys(LightChoice.values, 0)
    rows = [
        (_("Led by this unit"), [(c, mine[c]) for c in LightChoice.values]),
        (_("This unit and all below it"), [(c, below[c] or 0) for c in LightChoice.values]),
    ]
    return Panel("dispatch/_unit_panel.html", {"rows": rows, "lights": LightChoice.values, "unit": unit})


LATEST_REPORTS = 3


def latest_reports_panel(request: HttpRequest, task: Task) -> Panel | None:
    """The task's last reports, for a page that would otherwise ask the unit again (最多报一次): a
    supervision item on the task shows what its lead unit has already reported."""
    user: Any = request.user
    reports = list(
        Report.objects.visible_to(user)
        .filter(task=task, submitted_at__isnull=False)
        .select_related("unit", "cycle__cadence")
        .order_by("-submitted_at", "-pk")[:LATEST_REPORTS]
    )
    if not reports:
        return None
    return Panel("dispatch/_latest_reports.html", {"task": task, "reports": reports}, side=True)
