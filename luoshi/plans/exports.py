"""Tasks out to Excel: the filtered task list, and a unit's tasks, in the layout an office prints.

Reads only, so no audit event; scope comes from the same form and queryset as the task list page.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.core import sheets
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans.models import Task
from luoshi.plans.views import filtered_tasks

SHEET = "tasks"  # the name under which higher apps add columns (dispatch adds the light)


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def progress(task: Task) -> object:
    """The percentage, or what became of a task no longer at work (cancelled by the office)."""
    return _("Cancelled") if task.is_cancelled else task.progress


def task_columns() -> list[sheets.Column]:
    """The columns of a task sheet, the registered ones (the light) after the plans' own."""
    return [
        sheets.Column(_("Number"), 8, lambda t: t.code, centred=True),
        sheets.Column(_("Task"), 40, lambda t: t.title),
        sheets.Column(_("Lead unit"), 18, lambda t: t.lead_unit.name),
        sheets.Column(_("Co-units"), 18, lambda t: "、".join(u.name for u in t.co_units.all())),
        sheets.Column(_("Responsible leader"), 12, lambda t: _person(t.leader)),
        sheets.Column(_("Responsible person"), 12, lambda t: _person(t.owner)),
        sheets.Column(_("Deadline"), 12, lambda t: t.due, centred=True),
        # No silent deadline moves: the deadline first set stands beside one the office moved.
        sheets.Column(
            _("Original deadline"), 12, lambda t: t.first_due if t.due_was_moved else "", centred=True
        ),
        sheets.Column(_("Progress (%)"), 9, progress, centred=True),
        *sheets.extra_columns(SHEET),
    ]


def grouped(tasks: Iterable[Task], by: str) -> list[tuple[str | None, list[Task]]]:
    """Tasks under a heading per list (or per lead unit), keeping their order within each group."""
    if by == "unit":
        ordered = sorted(tasks, key=lambda t: t.lead_unit.path)
        return [(unit.name, list(ts)) for unit, ts in groupby(ordered, key=lambda t: t.lead_unit)]
    ordered = sorted(tasks, key=lambda t: (t.task_list.sort_order, t.task_list_id))
    return [(tl.name, list(ts)) for tl, ts in groupby(ordered, key=lambda t: t.task_list)]


def _workbook(request: AuthenticatedRequest, tasks: Any, *, title: str, by: str) -> HttpResponse | None:
    """The export of `tasks`, or None (with a message) when there are more than one workbook may hold."""
    columns = task_columns()
    related = [path for c in columns for path in c.related]
    rows = list((tasks.select_related(*related) if related else tasks)[: sheets.MAX_ROWS + 1])
    book = sheets.Book.for_user(request.user)
    try:
        book.sheet(title=title, columns=columns, groups=grouped(rows, by))
    except sheets.TooManyRows:
        messages.error(
            request,
            _("More than %(n)s tasks match: narrow the filters to export them.") % {"n": sheets.MAX_ROWS},
        )
        return None
    return book.response(sheets.filename(book.office, title, on=book.on))


@login_required
def task_list_export(request: AuthenticatedRequest) -> HttpResponse:
    """The task list as the page filters it, grouped by list (or by lead unit with ?group=unit)."""
    form, tasks = filtered_tasks(request)
    if form.is_bound and not form.is_valid():
        raise Http404  # a filter naming a list, unit or person out of the user's scope
    by = "unit" if request.GET.get("group") == "unit" else "list"
    response = _workbook(request, tasks, title=_("Task list"), by=by)
    return response or redirect(f"{reverse('plans:task_list')}?{request.GET.urlencode()}")


@login_required
def unit_tasks_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The tasks a unit and the units under it lead, grouped by unit."""
    unit = get_object_or_404(policy.visible_units(request.user), pk=pk)
    tasks = (
        Task.objects.visible_to(request.user)
        .live()
        .filter(lead_unit__path__startswith=unit.path)
        .for_listing()
        .order_by("task_list__sort_order", "sort_path")
    )
    title = _("Tasks of %(unit)s") % {"unit": unit.name}
    response = _workbook(request, tasks, title=title, by="unit")
    return response or redirect("orgs:unit_detail", pk=pk)
