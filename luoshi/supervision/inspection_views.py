"""Pages of 督查 and 整改: the inspections with their calendar, an inspection with its findings, the
rectifications and one rectification with its close-out requests and actions.

Every page looks the object up within the user's scope (404 outside it); each action checks the role (403)
and calls one service; a refused action says why above the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.core import clock
from luoshi.core.attachments import file_response
from luoshi.core.forms import attach_errors, say_refused
from luoshi.core.paging import KeysFirstPaginator
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.supervision import accountability, calendar, inspections
from luoshi.supervision.inspection_forms import (
    OVERDUE,
    CloseOutForm,
    FindingForm,
    InspectionForm,
    MonthForm,
    RectFilterForm,
    ReturnForm,
)
from luoshi.supervision.inspection_rules import RectAct, allowed
from luoshi.supervision.models import (
    CloseOutFile,
    Finding,
    Inspection,
    Rectification,
    RectificationQuerySet,
    RectState,
)
from luoshi.supervision.views import int_or_none, task_in_scope

PER_PAGE = 25
MONDAY = dt.date(2026, 11, 16)  # any Monday: the calendar's column heads are its week's day names
DEFAULT_DAYS = 30  # a finding's deadline unless the office sets another


def _inspection_or_404(request: AuthenticatedRequest, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("issuer", "created_by"), pk=pk
    )


def _rectification_or_404(request: AuthenticatedRequest, pk: int) -> Rectification:
    return get_object_or_404(
        Rectification.objects.visible_to(request.user).select_related(
            "unit", "finding__inspection__issuer", "finding__item", "closed_by"
        ),
        pk=pk,
    )


def _rectifications(request: AuthenticatedRequest) -> RectificationQuerySet:
    return Rectification.objects.visible_to(request.user)


def _back(rectification: Rectification) -> HttpResponse:
    return redirect(reverse("supervision:rectification_detail", args=[rectification.pk]))


def _run(request: AuthenticatedRequest, back: HttpResponse, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, done)
    return back


# Inspections ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def inspection_list(request: AuthenticatedRequest) -> HttpResponse:
    today = clock.today()
    seen = _rectifications(request)
    inspections_shown = (
        Inspection.objects.visible_to(request.user)
        .select_related("issuer")
        .prefetch_related("units")
        .annotate(
            found=Count("findings", filter=Q(findings__rectification__in=seen), distinct=True),
            open=Count(
                "findings",
                filter=Q(findings__rectification__in=seen.open()),
                distinct=True,
            ),
            late=Count(
                "findings",
                filter=Q(findings__rectification__in=seen.overdue(today)),
                distinct=True,
            ),
        )
        .order_by("-starts", "-id")
    )
    page = KeysFirstPaginator(inspections_shown, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "inspections": page.object_list,
        "can_create": inspections.can_inspect(request.user),
        "today": today,
    }
    return render(request, "supervision/inspections/inspection_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthenticatedRequest) -> HttpResponse:
    if not inspections.can_inspect(request.user):
        raise PermissionDenied
    office = policy.issuing_unit(request.user)
    units = (
        Unit.objects.active().subtree_of(office).filter(policy.supervised_q(request.user, "")).in_tree_order()
    )
    start = clock.today() + dt.timedelta(days=7)
    initial: dict[str, Any] = {"starts": start, "ends": start + dt.timedelta(days=2)}
    task = task_in_scope(request, int_or_none(request.GET.get("task", "")))
    if task is not None:  # an inspection of a task: its units, and the task, filled in
        initial |= {"task": task.pk, "units": [task.lead_unit_id, *(u.pk for u in task.co_units.all())]}
    form = InspectionForm(request.POST or None, units=units, initial=initial)
    crowding: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = task_in_scope(request, data["task"])
        crowding = (
            [] if data["crowding_seen"] else _crowding(request, data["units"], data["starts"], data["ends"])
        )
        if crowding:  # shown first; the form comes back ready to plan anyway
            seen = {**request.POST.dict(), "units": request.POST.getlist("units"), "crowding_seen": "on"}
            form = InspectionForm(seen, units=units)
            form.is_valid()
        elif (inspection := _plan(request, form, office, task)) is not None:
            messages.success(request, _("Inspection planned; the units are told."))
            return redirect(reverse("supervision:inspection_detail", args=[inspection.pk]))
    context = {"form": form, "office": office, "task": task, "crowding": crowding}
    return render(request, "supervision/inspections/inspection_form.html", context)


def _plan(request: AuthenticatedRequest, form: InspectionForm, office: Unit, task: Any) -> Inspection | None:
    """Plan the inspection the valid `form` describes, or attach why not to the form and return None."""
    data = form.cleaned_data
    try:
        if data["task"] and task is None:
            raise ValidationError({"task": _("This task is outside your scope.")})
        return inspections.create_inspection(
            by=request.user,
            issuer=office,
            title=data["title"],
            scope=data["scope"],
            starts=data["starts"],
            ends=data["ends"],
            units=list(data["units"]),
            tasks=[task] if task is not None else [],
        )
    except ValidationError as exc:
        attach_errors(form, exc)
        return None


def _crowding(
    request: AuthenticatedRequest, units: Any, starts: dt.date, ends: dt.date
) -> list[dict[str, Any]]:
    """The inspections in scope already falling on some of `units` between `starts` and `ends` (不扎堆),
    each with the units they share, as the calendar finds them."""
    chosen = {u.pk: u for u in units}
    others = {
        i.pk: i
        for i in Inspection.objects.visible_to(request.user)
        .in_window(starts, ends)
        .filter(units__in=list(chosen))
        .distinct()
        .select_related("issuer")
        .prefetch_related("units")
    }
    planned = calendar.Visit(0, frozenset(chosen), starts, ends)
    visits = [planned, *(calendar.Visit(k, frozenset(u.pk for u in i.units.all()), i.starts, i.ends)
                         for k, i in others.items())]  # fmt: skip
    shared: dict[int, list[Unit]] = {}
    for overlap in calendar.overlaps(visits):
        if 0 in (overlap.first, overlap.second):
            other = overlap.second or overlap.first
            shared.setdefault(other, []).append(chosen[overlap.unit])
    return [{"inspection": others[k], "units": found} for k, found in sorted(shared.items())]


@login_required
@require_safe
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = _inspection_or_404(request, pk)
    manage = inspections.can_manage(request.user, inspection)
    units = inspection.units.order_by("path")
    rows = list(
        _rectifications(request)
        .filter(finding__inspection=inspection)
        .select_related("unit", "finding__item__issuer__supervision_series")
        .prefetch_related("escalations__step")
        .order_by("finding__at", "pk")
    )
    context = {
        "inspection": inspection,
        "units": list(units),
        "tasks": list(inspection.tasks.visible_to(request.user).order_by("pk")),
        "rectifications": rows,
        "can_manage": manage,
        "finding_form": FindingForm(
            units=units, initial={"due": clock.today() + dt.timedelta(days=DEFAULT_DAYS)}
        ),
        "today": clock.today(),
    }
    return render(request, "supervision/inspections/inspection_detail.html", context)


def _office_inspection_or_403(request: AuthenticatedRequest, pk: int) -> Inspection:
    inspection = _inspection_or_404(request, pk)
    if not inspections.can_manage(request.user, inspection):
        raise PermissionDenied
    return inspection


@login_required
@require_POST
def finding_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = _office_inspection_or_403(request, pk)
    back = redirect(reverse("supervision:inspection_detail", args=[inspection.pk]))
    form = FindingForm(request.POST, units=inspection.units.all())
    if not form.is_valid():
        say_refused(request, form)
        return back
    data = form.cleaned_data
    return _run(
        request,
        back,
        _("Finding recorded; the unit is told to rectify it."),
        lambda: inspections.record_finding(inspection=inspection, by=request.user, **data),
    )


@login_required
@require_POST
def finding_raise_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        Finding.objects.filter(inspection__in=Inspection.objects.visible_to(request.user)).select_related(
            "inspection__issuer"
        ),
        pk=pk,
    )
    if not inspections.can_manage(request.user, finding.inspection):
        raise PermissionDenied
    back = redirect(reverse("supervision:inspection_detail", args=[finding.inspection_id]))
    return _run(
        request,
        back,
        _("Supervision item raised from the finding."),
        lambda: inspections.raise_item(finding=finding, by=request.user),
    )


# The calendar --------------------------------------------------------------------------------------------


def _month(request: AuthenticatedRequest) -> dt.date:
    form = MonthForm(request.GET)
    chosen = form.cleaned_data.get("month") if form.is_valid() else None
    day = chosen or clock.today()
    return day.replace(day=1)


@login_required
@require_safe
def inspection_calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The month's inspections in scope, and where two fall on one unit at one time (统筹, 不扎堆)."""
    first = _month(request)
    first_day, last_day = calendar.month_bounds(first.year, first.month)
    shown = list(
        Inspection.objects.visible_to(request.user)
        .in_window(first_day, last_day)
        .select_related("issuer")
        .prefetch_related("units")
        .order_by("starts", "pk")
    )
    by_key = {i.pk: i for i in shown}
    visits = [calendar.Visit(i.pk, frozenset(u.pk for u in i.units.all()), i.starts, i.ends) for i in shown]
    units = {u.pk: u for i in shown for u in i.units.all()}
    overlaps = [
        {
            "unit": units[o.unit],
            "first": by_key[o.first],
            "second": by_key[o.second],
            "starts": o.starts,
            "ends": o.ends,
        }
        for o in calendar.overlaps(visits)
    ]
    crowded = calendar.crowded(visits)
    weeks = [
        [(day, [by_key[k] for k in calendar.on_day(visits, day)] if day else []) for day in week]
        for week in calendar.weeks(first.year, first.month)
    ]
    context = {
        "month": first,
        "previous": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
        "next": (last_day + dt.timedelta(days=1)).strftime("%Y-%m"),
        "inspections": shown,
        "crowded": {k: [by_key[o] for o in sorted(v)] for k, v in crowded.items()},
        "overlaps": overlaps,
        "weeks": weeks,
        "weekdays": [MONDAY + dt.timedelta(days=n) for n in range(7)],
        "today": clock.today(),
    }
    return render(request, "supervision/inspections/calendar.html", context)


# Rectifications ------------------------------------------------------------------------------------------


def counts(rows: QuerySet[Rectification], today: dt.date) -> dict[str, int]:
    """How many rectifications in each state, and overdue, in one query."""
    return rows.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=~Q(state=RectState.CLOSED) & Q(due__lt=today)),
        **{state: Count("pk", filter=Q(state=state)) for state in RectState.values},
    )


@login_required
@require_safe
def rectification_list(request: AuthenticatedRequest) -> HttpResponse:
    units = Unit.objects.filter(policy.unit_q(request.user)).active().in_tree_order()
    form = RectFilterForm(request.GET or None, units=units)
    today = clock.today()
    rows = _rectifications(request)
    tally = counts(rows, today)
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["overdue"] == OVERDUE.YES:
            rows = rows.overdue(today)
        if data["unit"] is not None:
            rows = rows.filter(unit__path__startswith=data["unit"].path)
    page = KeysFirstPaginator(rows.for_listing().order_by("due", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rectifications": page.object_list,
        "counts": tally,
        "states": [(value, label, tally[value]) for value, label in RectState.choices],
        "query": query.urlencode(),
        "today": today,
    }
    return render(request, "supervision/inspections/rectification_list.html", context)


@login_required
@require_safe
def rectification_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rect = _rectification_or_404(request, pk)
    inspection = rect.finding.inspection
    unit = inspections.can_rectify(request.user, rect)
    manage = inspections.can_manage(request.user, inspection)
    context = {
        "rect": rect,
        "inspection": inspection,
        "close_outs": list(
            rect.close_outs.select_related("by", "decided_by")
            .prefetch_related("files")
            .order_by("-at", "-id")
        ),
        "escalations": list(rect.escalations.select_related("step").order_by("at", "pk")),
        "can_request": unit and allowed(rect.state, RectAct.REQUEST_CLOSE),
        "can_verify": manage and allowed(rect.state, RectAct.VERIFY),
        "can_return": manage and allowed(rect.state, RectAct.RETURN),
        "can_record": accountability.can_record(request.user, rect.unit),
        "close_out_form": CloseOutForm(),
        "today": clock.today(),
    }
    return render(request, "supervision/inspections/rectification_detail.html", context)


def _unit_or_403(request: AuthenticatedRequest, pk: int) -> Rectification:
    rect = _rectification_or_404(request, pk)
    if not inspections.can_rectify(request.user, rect):
        raise PermissionDenied
    return rect


def _office_or_403(request: AuthenticatedRequest, pk: int) -> Rectification:
    rect = _rectification_or_404(request, pk)
    if not inspections.can_manage(request.user, rect.finding.inspection):
        raise PermissionDenied
    return rect


@login_required
@require_POST
def rectification_close_out(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rect = _unit_or_403(request, pk)
    form = CloseOutForm(request.POST, request.FILES)
    if not form.is_valid():
        say_refused(request, form)
        return _back(rect)
    data = form.cleaned_data
    return _run(
        request,
        _back(rect),
        _("Close-out requested: the office verifies it."),
        lambda: inspections.request_close_out(
            rectification=rect, by=request.user, statement=data["statement"], uploads=data["evidence"]
        ),
    )


@login_required
@require_POST
def rectification_verify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rect = _office_or_403(request, pk)
    return _run(
        request,
        _back(rect),
        _("Verified: the rectification is closed out."),
        lambda: inspections.verify_close_out(rectification=rect, by=request.user),
    )


@login_required
@require_POST
def rectification_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rect = _office_or_403(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(rect)
    reason = form.cleaned_data["reason"]
    return _run(
        request,
        _back(rect),
        _("Close-out returned: the unit carries on."),
        lambda: inspections.return_close_out(rectification=rect, by=request.user, reason=reason),
    )


@login_required
@require_safe
def close_out_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponseBase:
    rect = _rectification_or_404(request, pk)
    row = get_object_or_404(CloseOutFile, pk=file_pk, close_out__rectification=rect)
    return file_response(row.file, row.name, download="download" in request.GET)
