"""A cycle's reports out to Excel (with who has not reported), and the light column of every task sheet.

Reads only, so no audit event; scope comes from the same queryset and filter form as the cycle page.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _

from luoshi.core import clock, sheets
from luoshi.dispatch.lights import Light
from luoshi.dispatch.models import LightChoice, Report, ReportState
from luoshi.dispatch.views import filtered_reports, visible_cycle_or_404
from luoshi.orgs.http import AuthenticatedRequest

# Print-friendly tints of the page's light colours: black text stays readable on paper.
LIGHT_FILLS = {
    Light.RED: "E06666",
    Light.YELLOW: "FFD966",
    Light.GREEN: "93C47D",
    Light.DONE: "6FA8DC",
    Light.DONE_LATE: "B4A7D6",
}


def light_of(task: Any) -> str | None:
    stored = getattr(task, "light", None)
    return stored.light if stored is not None else None


def light_label(value: str | None) -> str:
    return str(LightChoice(value).label) if value is not None and value in LightChoice.values else "—"


def light_fill(value: str | None) -> str | None:
    return LIGHT_FILLS.get(Light(value)) if value is not None and value in LightChoice.values else None


def light_column() -> sheets.Column:
    """The task's light, named and coloured; added to the plans' task sheets at start-up."""
    return sheets.Column(
        _("Light"),
        10,
        lambda t: light_label(light_of(t)),
        fill=lambda t: light_fill(light_of(t)),
        related=("light",),
        centred=True,
    )


def _when(at: Any) -> str:
    return formats.date_format(clock.local(at), "Y-m-d H:i") if at is not None else ""


def report_columns() -> list[sheets.Column]:
    return [
        sheets.Column(_("Number"), 8, lambda r: r.task.code, centred=True),
        sheets.Column(_("Task"), 30, lambda r: r.task.title),
        sheets.Column(_("State"), 11, lambda r: r.get_state_display(), centred=True),
        sheets.Column(_("Sent at"), 15, lambda r: _when(r.submitted_at), centred=True),
        sheets.Column(_("Late"), 6, lambda r: _("late") if r.is_late else "", centred=True),
        sheets.Column(_("Progress (%)"), 9, lambda r: r.percent, centred=True),
        sheets.Column(_("Progress made"), 36, lambda r: r.progress),
        sheets.Column(_("Problems"), 24, lambda r: r.problems),
        sheets.Column(_("Next steps"), 24, lambda r: r.next_steps),
        sheets.Column(_("Deadline"), 12, lambda r: r.task.due, centred=True),
        # A deadline the office moved shows its first date too (no silent deadline moves).
        sheets.Column(
            _("Original deadline"),
            12,
            lambda r: r.task.first_due if r.task.due_was_moved else "",
            centred=True,
        ),
        sheets.Column(
            _("Light"),
            10,
            lambda r: light_label(light_of(r.task)),
            fill=lambda r: light_fill(light_of(r.task)),
            centred=True,
        ),
    ]


def missing_columns() -> list[sheets.Column]:
    return [
        sheets.Column(_("Number"), 8, lambda r: r.task.code, centred=True),
        sheets.Column(_("Task"), 40, lambda r: r.task.title),
        sheets.Column(_("State"), 12, lambda r: r.get_state_display(), centred=True),
        sheets.Column(_("Due"), 16, lambda r: _when(r.due_at), centred=True),
        sheets.Column(_("Reminded"), 16, lambda r: _when(r.reminded_at), centred=True),
    ]


def by_unit(reports: list[Report]) -> list[tuple[str | None, list[Report]]]:
    return [(unit.name, list(rs)) for unit, rs in groupby(reports, key=lambda r: r.unit)]


@login_required
def cycle_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The cycle's reports as the page filters them, by unit; a second sheet of who has not reported."""
    cycle = visible_cycle_or_404(request, pk)
    form, in_cycle, reports = filtered_reports(request, cycle)
    if form.is_bound and not form.is_valid():
        raise Http404  # a filter naming a unit out of the user's scope
    missing = (
        in_cycle.for_listing()
        .filter(state__in=(ReportState.PENDING, ReportState.DRAFT), task__cancelled_on__isnull=True)
        .order_by("unit__path", "task__sort_path")
    )
    book = sheets.Book.for_user(request.user)
    title = f"{cycle}"
    try:
        rows = list(reports[: sheets.MAX_ROWS + 1])
        book.sheet(
            title=_("Reports: %(cycle)s") % {"cycle": title}, columns=report_columns(), groups=by_unit(rows)
        )
        rows = list(missing[: sheets.MAX_ROWS + 1])
        book.sheet(title=_("Not reported"), columns=missing_columns(), groups=by_unit(rows))
    except sheets.TooManyRows:
        messages.error(
            request, _("More than %(n)s reports: filter by unit to export them.") % {"n": sheets.MAX_ROWS}
        )
        return redirect("dispatch:cycle_detail", pk=pk)
    return book.response(sheets.filename(book.office, title, on=book.on))
