"""驾驶舱: the jurisdiction's lights, rankings, on-time trend, red tasks and forecasts on one page for its
leaders and supervision office, and the drill-down from each count to the units and the tasks behind it.

Who: those who follow a whole jurisdiction (policy.sees_jurisdiction: supervisors, leaders, admins), each over
their own. A unit's liaison or head gets 403: their unit's own work is on their home page, and a
jurisdiction's totals are the office's to circulate.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from luoshi.cockpit import figures
from luoshi.core import clock
from luoshi.dispatch.models import LightChoice
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest

UNITS_PER_PAGE = 100
REFRESH_SECONDS = 60  # the meeting-room display reloads itself


def _may_see_cockpit(request: AuthenticatedRequest) -> None:
    if not policy.sees_jurisdiction(request.user):
        raise PermissionDenied


@login_required
@require_safe
def cockpit(request: AuthenticatedRequest) -> HttpResponse:
    _may_see_cockpit(request)
    user, today = request.user, clock.today()
    tasks = figures.tasks_in_scope(user)
    counts = figures.light_counts(tasks)
    run = figures.latest_run(user)
    red = figures.red_tasks(tasks)
    context = {
        "screen": request.GET.get("screen") == "1",
        "refresh": REFRESH_SECONDS,
        "scope": policy.scope_root(user),
        "today": today,
        "counts": counts,
        "total": sum(c.count for c in counts),
        "all_tasks": figures.task_list_url(),
        "lights_chart": figures.lights_chart(counts),
        "run": run,
        "rankings": figures.rankings(run, user) if run else [],
        "trend": figures.on_time_trend(user, clock.now()),
        "red": list(red[: figures.RED_SHOWN]),
        "red_count": next(c.count for c in counts if c.light == LightChoice.RED),
        "red_url": figures.task_list_url(light=LightChoice.RED),
        "likely_red": figures.likely_red(tasks, today),
    }
    return render(request, "cockpit/screen.html" if context["screen"] else "cockpit/cockpit.html", context)


@login_required
@require_safe
def units(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """The units behind a count: per lead unit its tasks of each light, each number linking to those tasks;
    within one unit's subtree when `pk` names a unit in scope (any other → 404)."""
    within = get_object_or_404(policy.visible_units(request.user), pk=pk) if pk is not None else None
    _may_see_cockpit(request)
    light = request.GET.get("light")
    light = light if light in LightChoice.values else None
    tasks = figures.tasks_in_scope(request.user)
    if within is not None:
        tasks = tasks.filter(lead_unit__path__startswith=within.path)
    page = Paginator(figures.units_by_light(tasks, light), UNITS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "within": within,
        "light": light,
        "light_label": dict(LightChoice.choices).get(light, ""),
        "counts": figures.light_counts(tasks, within),
        "page": page,
        "rows": figures.unit_rows(list(page.object_list)),
        "lights": LightChoice.choices,
    }
    return render(request, "cockpit/units.html", context)
