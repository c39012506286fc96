"""Pages of the dispatch rhythm: a liaison's inbox, the report form, and an office's cycle view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.core.forms import attach_errors, choices_answer
from luoshi.core.services import StaleVersion
from luoshi.dispatch import reminders, services
from luoshi.dispatch.forms import CadenceForm, CycleFilterForm, ReportForm, ReturnForm
from luoshi.dispatch.history import report_history
from luoshi.dispatch.models import UNSENT, Cadence, Cycle, Report, ReportState
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.plans.models import TaskList


def may_accept(user: Any, report: Report) -> bool:
    """Whether `services.accept_reports` takes this report from the user; pages show its controls by it."""
    return report.is_awaiting_review and policy.can_edit_task(user, report.task)


def visible_report_or_404(request: AuthenticatedRequest, pk: int) -> Report:
    reports = Report.objects.visible_to(request.user).select_related(
        "task__lead_unit", "task__issuer", "cycle__cadence", "unit"
    )
    return get_object_or_404(reports, pk=pk)


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """What the user's unit must report: returned first, then overdue, then due, then awaiting approval."""
    mine = (
        Report.objects.filter(policy.unit_q(request.user, "unit"), cycle__state=Cycle.State.OPEN)
        .filter(task__cancelled_on__isnull=True)  # a cancelled task asks nothing more of the unit
        .for_listing()
        .order_by("due_at")
    )
    now = clock.now()
    context = {
        "returned": mine.filter(state=ReportState.RETURNED),
        "overdue": mine.filter(state__in=(ReportState.PENDING, ReportState.DRAFT), due_at__lt=now),
        "due": mine.filter(state__in=(ReportState.PENDING, ReportState.DRAFT), due_at__gte=now),
        "awaiting": mine.filter(state=ReportState.AWAITING_APPROVAL),
        "sent": mine.filter(state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED)).order_by(
            "-submitted_at"
        )[:10],
        "now": now,
    }
    return render(request, "dispatch/inbox.html", context)


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = visible_report_or_404(request, pk)
    if request.method == "POST" and _resent(request, report):
        # The first send committed but its answer was lost: the browser sends the same form again. The report
        # is no longer editable, so say that it was sent, as the first answer would have.
        messages.success(request, _sent_message(report))
        return _answer(request, report)
    form = _report_form(request, report, bound=request.method == "POST")
    if form is not None and form.is_valid() and (saved := _save(request, report, form)):
        return _answer(request, saved)
    return _page(request, report, form)


def _report_form(request: AuthenticatedRequest, report: Report, *, bound: bool) -> ReportForm | None:
    """The form to fill in the report, for those who fill it in while it can still be changed."""
    if not (report.is_editable and policy.can_report_for(request.user, report.unit)):
        return None
    initial = {f: getattr(report, f) for f in services.REPORT_FIELDS} | {"version": report.version}
    return ReportForm(
        (request.POST or None) if bound else None,
        (request.FILES or None) if bound else None,
        initial=initial,
        has_indicator=report.task.has_indicator,
    )


def _partial(request: AuthenticatedRequest) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _answer(request: AuthenticatedRequest, report: Report) -> HttpResponse:
    """After a write: htmx swaps the report in place, in this one answer; a browser without JavaScript is
    redirected to the report's page (POST/redirect/GET), so a reload never sends the form again.

    `report` is as the write left it (the service's answer, read with the page's relations), so it is not
    looked up again."""
    if not _partial(request):
        return redirect("dispatch:report_detail", pk=report.pk)
    return _page(request, report, _report_form(request, report, bound=False))


def _page(request: AuthenticatedRequest, report: Report, form: ReportForm | None) -> HttpResponse:
    """The report's page, or for htmx only its body (the part a write changes), with the messages in it."""
    context = {
        "report": report,
        "task": report.task,
        "form": form,
        "return_form": ReturnForm(),
        "can_review": may_accept(request.user, report),
        "can_approve": report.state == ReportState.AWAITING_APPROVAL
        and policy.can_approve_for(request.user, report.unit),
        "previous": report.previous,
        "history": report_history(report),
        "evidence": report.evidence.select_related("uploaded_by"),
        "partial": _partial(request),
    }
    template = "dispatch/_report_body.html" if context["partial"] else "dispatch/report_detail.html"
    return render(request, template, context)


def _resent(request: AuthenticatedRequest, report: Report) -> bool:
    """Whether this POST repeats a submit of this report by this user that has already gone through."""
    key = request.POST.get("idempotency_key", "")
    return (
        request.POST.get("action") == "submit"
        and 0 < len(key) <= 64
        and not report.is_editable
        and report.submissions.filter(idempotency_key=key, submitted_by=request.user).exists()
    )


def _sent_message(report: Report) -> str:
    if report.state == ReportState.AWAITING_APPROVAL:
        return _("Report sent to the unit head for approval.")
    return _("Report sent.")


def _save(request: AuthenticatedRequest, report: Report, form: ReportForm) -> Report | None:
    """Save or submit the form and return the report as saved; attach errors and return None when it cannot
    be done."""
    data, version = form.data_for_service(), form.cleaned_data["version"]
    uploads = form.cleaned_data["evidence"]
    try:
        if request.POST.get("action") == "submit":
            done = services.submit_report(
                report=report,
                by=request.user,
                data=data,
                expected_version=version,
                idempotency_key=form.cleaned_data["idempotency_key"],
                uploads=uploads,
            )
            messages.success(request, _sent_message(done))
        else:
            done = services.save_draft(
                report=report, by=request.user, data=data, expected_version=version, uploads=uploads
            )
            messages.success(request, _("Draft saved."))
    except StaleVersion:
        form.add_error(
            None,
            _(
                "Someone else changed this report while you were editing. Reload it to see "
                "their changes, then make yours again."
            ),
        )
        return None
    except ValidationError as exc:
        attach_errors(form, exc)
        return None
    return done


@login_required
@require_POST
def report_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = visible_report_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is returned."))
        return redirect("dispatch:report_detail", pk=pk)
    services.return_report(report=report, by=request.user, comment=form.cleaned_data["comment"])
    messages.success(request, _("Report returned to the unit."))
    return redirect("dispatch:cycle_detail", pk=report.cycle_id)


@login_required
@require_POST
def report_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = visible_report_or_404(request, pk)
    services.accept_reports(reports=[report], by=request.user)
    messages.success(request, _("Report accepted."))
    return redirect("dispatch:cycle_detail", pk=report.cycle_id)


@login_required
@require_POST
def report_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = visible_report_or_404(request, pk)
    services.approve_report(report=report, by=request.user)
    messages.success(request, _("Report approved and sent to the office."))
    return redirect("dispatch:inbox")


@login_required
def cycle_list(request: AuthenticatedRequest) -> HttpResponse:
    reports = Report.objects.visible_to(request.user)
    cycles = (
        Cycle.objects.filter(pk__in=reports.values("cycle"))
        .select_related("cadence__task_list", "cadence__task")
        .annotate(
            total=Count("reports", filter=Q(reports__in=reports)),
            sent=Count("reports", filter=Q(reports__in=reports) & ~Q(reports__state__in=UNSENT)),
            late=Count("reports", filter=Q(reports__in=reports, reports__is_late=True)),
        )
        .order_by("-due_at")[:30]
    )
    context = {"cycles": cycles, "can_set_rhythm": policy.is_supervisor(request.user)}
    return render(request, "dispatch/cycle_list.html", context)


def visible_cycle_or_404(request: AuthenticatedRequest, pk: int) -> Cycle:
    cycles = Cycle.objects.visible_to(request.user).select_related("cadence__task_list", "cadence__task")
    return get_object_or_404(cycles, pk=pk)


def filtered_reports(request: AuthenticatedRequest, cycle: Cycle) -> tuple[CycleFilterForm, Any, Any]:
    """The cycle page's filter form, the user's reports of the cycle, and those the form selects."""
    in_cycle = Report.objects.visible_to(request.user).filter(cycle=cycle)
    units = Unit.objects.filter(pk__in=in_cycle.values("unit")).order_by("path")
    form = CycleFilterForm(request.GET or None, units=units)
    reports = in_cycle.for_listing()
    if form.is_valid():
        f = form.cleaned_data
        reports = reports.filter(unit=f["unit"]) if f["unit"] else reports
        reports = reports.filter(state=f["state"]) if f["state"] else reports
        reports = reports.filter(task__light__light=f["light"]) if f["light"] else reports
        reports = reports.filter(is_late=True) if f["late"] else reports
    return form, in_cycle, reports.order_by("unit__path", "task__sort_path")


@login_required
def cycle_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cycle = visible_cycle_or_404(request, pk)
    form, in_cycle, reports = filtered_reports(request, cycle)
    if (answer := choices_answer(request, form)) is not None:
        return answer  # the unit filter's search, among a province's units
    reports = list(reports.select_related("task__issuer"))
    tally = dict(in_cycle.values_list("state").annotate(n=Count("pk")))
    not_reported = (
        in_cycle.filter(state__in=(ReportState.PENDING, ReportState.DRAFT), task__cancelled_on__isnull=True)
        .values("unit__id", "unit__name")
        .annotate(n=Count("pk"))
        .order_by("unit__path")
    )
    context = {
        "cycle": cycle,
        "reports": reports,
        "form": form,
        "tally": [(label, tally.get(state, 0), state) for state, label in ReportState.choices],
        "not_reported": not_reported,
        # The reports this user may tick: the page offers accepting only to those the POST will let accept.
        "reviewable": {r.pk for r in reports if may_accept(request.user, r)},
        "can_chase": reminders.can_chase(request.user, cycle),
    }
    return render(request, "dispatch/cycle_detail.html", context)


@login_required
@require_POST
def cycle_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Accept the ticked reports of a cycle at once."""
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=pk)
    ids = [int(i) for i in request.POST.getlist("report") if i.isascii() and i.isdigit() and len(i) < 19]
    if not ids:
        messages.warning(request, _("Nothing is selected: tick the reports to accept first."))
        return redirect("dispatch:cycle_detail", pk=pk)
    chosen = list(Report.objects.visible_to(request.user).filter(cycle=cycle, pk__in=ids))
    if len(chosen) != len(set(ids)):
        raise PermissionDenied
    try:
        count = services.accept_reports(reports=chosen, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s report(s) accepted.") % {"n": count})
    return redirect("dispatch:cycle_detail", pk=pk)


def _lists_for(user: Any) -> Any:
    """The lists whose reporting rhythm the user may set: those of plans their office issued."""
    return TaskList.objects.managed_by(user).select_related("plan__issuer")


@login_required
def cadence_list(request: AuthenticatedRequest) -> HttpResponse:
    """The reporting rhythms (调度频次) in force, and a form to set a new one for a list."""
    lists = _lists_for(request.user)
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    form = CadenceForm(request.POST or None, lists=lists)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cadence = services.create_cadence(by=request.user, **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            opened = services.open_due_cycles(now=clock.now())
            messages.success(
                request,
                _("Cadence “%(name)s” set; %(n)s cycle(s) opened.")
                % {"name": cadence.name, "n": len(opened)},
            )
            return redirect("dispatch:cadence_list")
    cadences = Cadence.objects.filter(task_list__in=TaskList.objects.visible_to(request.user)).select_related(
        "task_list"
    )
    return render(request, "dispatch/cadence_list.html", {"form": form, "cadences": cadences})
