"""Pages of 揭榜挂帅. Look up in scope (404 outside it), check the policy (403), validate, call one service,
redirect to the call's page; a refused action says why there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.challenges import access, services
from luoshi.challenges.forms import (
    ApplicationForm,
    CallEditForm,
    CallForm,
    CancelForm,
    DecideForm,
    PledgeForm,
    call_initial,
    initial_pledge,
)
from luoshi.challenges.models import Application, ApplicationFile, OpenCall, overseer_q
from luoshi.challenges.rules import ApplicationState, CallAction, CallState, call_allows
from luoshi.core import clock
from luoshi.core.attachments import file_response
from luoshi.core.forms import attach_errors, say_refused
from luoshi.core.services import StaleVersion
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.plans.models import Pledge, TaskList


def visible_call_or_404(request: AuthenticatedRequest, pk: int) -> OpenCall:
    calls = OpenCall.objects.visible_to(request.user).select_related(
        "issuer", "task_list__plan", "created_by"
    )
    return get_object_or_404(calls, pk=pk)


def managed_call_or_404(request: AuthenticatedRequest, pk: int) -> OpenCall:
    call = visible_call_or_404(request, pk)
    if not access.can_manage(request.user, call):
        raise PermissionDenied
    return call


def visible_application_or_404(request: AuthenticatedRequest, pk: int) -> Application:
    applications = Application.objects.visible_to(request.user).select_related("call__issuer", "unit", "task")
    return get_object_or_404(applications, pk=pk)


def _back(call_pk: int, anchor: str = "") -> HttpResponse:
    return redirect(f"/calls/{call_pk}/{anchor}")


def _counted(state: str | None = None, exclude: str | None = None) -> Coalesce:
    rows = Application.objects.filter(call=OuterRef("pk"))
    rows = rows.filter(state=state) if state else rows.exclude(state=exclude)
    n = rows.order_by().values("call").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(n, output_field=IntegerField()), 0)


@login_required
@require_safe
def call_list(request: AuthenticatedRequest) -> HttpResponse:
    """The office's calls with their counts; a unit's the calls open to it with its application's state."""
    user = request.user
    own = (
        Application.objects.filter(call=OuterRef("pk"))
        .filter(policy.unit_q(user, "unit"))
        .order_by("unit__path")
    )
    calls = list(
        OpenCall.objects.visible_to(user)
        .select_related("issuer", "task_list")
        .annotate(
            applied=_counted(exclude=ApplicationState.WITHDRAWN),
            selected=_counted(state=ApplicationState.SELECTED),
            own_state=Subquery(own.values("state")[:1]),
            overseen=OpenCall.objects.filter(pk=OuterRef("pk")).filter(overseer_q(user)).values("pk")[:1],
        )
        .order_by("-id")
    )
    context = {"calls": calls, "today": clock.today(), "can_create": access.can_create_call(user)}
    return render(request, "challenges/call_list.html", context)


def _call_form_context(request: AuthenticatedRequest, office: Unit | None = None) -> dict[str, Any]:
    """The lists the office may fill, and the units below the issuing office it may open the call to."""
    lists = TaskList.objects.managed_by(request.user)
    office = office or policy.issuing_unit(request.user)
    units = policy.visible_units(request.user).filter(is_active=True, path__startswith=office.path)
    return {"lists": lists, "units": units.exclude(pk=office.pk)}


@login_required
def call_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_create_call(request.user):
        raise PermissionDenied
    form = CallForm(request.POST or None, **_call_form_context(request))
    if request.method == "POST" and form.is_valid():
        try:
            call = services.create_call(
                by=request.user, task_list=form.cleaned_data["task_list"], text=form.text()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Open call drafted: check it, then publish it."))
            return _back(call.pk)
    return render(request, "challenges/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = managed_call_or_404(request, pk)
    form = CallEditForm(
        request.POST or None, initial=call_initial(call), **_call_form_context(request, call.issuer)
    )
    del form.fields["task_list"]  # the list the tasks go into is fixed with the call
    if request.method == "POST" and form.is_valid():
        try:
            services.update_call(
                call=call, by=request.user, expected_version=form.cleaned_data["version"], text=form.text()
            )
        except StaleVersion:
            form.add_error(
                None, _("Someone else changed this call meanwhile. Reload the page and edit again.")
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Open call saved."))
            return _back(call.pk)
    return render(request, "challenges/call_form.html", {"form": form, "call": call})


def _act(request: AuthenticatedRequest, call: OpenCall, done: str, write: Any) -> HttpResponse:
    try:
        write()
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, done)
    return _back(call.pk)


@login_required
@require_POST
def call_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = managed_call_or_404(request, pk)
    return _act(
        request,
        call,
        _("Open call published: the units are told."),
        lambda: services.publish_call(call=call, by=request.user),
    )


@login_required
@require_POST
def call_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = managed_call_or_404(request, pk)
    return _act(
        request,
        call,
        _("Applications closed: the call is ready for your decision."),
        lambda: services.close_call(call=call, by=request.user),
    )


@login_required
@require_POST
def call_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = managed_call_or_404(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(call.pk)
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        call,
        _("Open call cancelled."),
        lambda: services.cancel_call(call=call, by=request.user, reason=reason),
    )


def _annotate(row: Any, user: Any, call: OpenCall, pledge: Pledge | None) -> None:
    """What the call's page shows of an application: its pledge, and what the user may do with it."""
    row.pledge = pledge
    writable = call.takes_applications and row.state == ApplicationState.SUBMITTED
    row.can_withdraw = writable and access.can_write_application(user, row)
    row.can_sign = pledge is None and access.can_sign(user, row)
    if row.can_sign:
        row.pledge_form = PledgeForm(initial={"commitment": initial_pledge(row)})


@login_required
@require_safe
def call_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = visible_call_or_404(request, pk)
    user = request.user
    applications = list(
        Application.objects.visible_to(user)
        .filter(call=call)
        .select_related("unit", "leader", "owner", "by", "decided_by", "task")
        .prefetch_related("files")
        .order_by("unit__path")
    )
    pledges = {
        p.task_id: p
        for p in Pledge.objects.filter(
            task_id__in=[a.task_id for a in applications if a.task_id]
        ).select_related("signer")
    }
    for a in applications:
        _annotate(a, user, call, pledges.get(a.task_id or 0))
    manages = access.can_manage(user, call)
    undecided = [a for a in applications if a.state == ApplicationState.SUBMITTED]
    decide_form = DecideForm(applications=undecided) if manages and call.state == CallState.CLOSED else None
    applying = list(access.applying_units(user, call)) if call.takes_applications else []
    context = {
        "call": call,
        "today": clock.today(),
        "days_left": call.days_left(),
        "applications": applications,
        "overseen": policy.sees_jurisdiction(user) and policy.can_see_unit(user, call.issuer),
        "manages": manages,
        "can_edit": manages and call_allows(call.state, CallAction.EDIT),
        "can_publish": manages and call_allows(call.state, CallAction.PUBLISH),
        "can_close": manages and call_allows(call.state, CallAction.CLOSE),
        "can_cancel": manages and call_allows(call.state, CallAction.CANCEL),
        "counting_down": call.state == CallState.PUBLISHED,
        "decided": [a for a in applications if a.state != ApplicationState.SUBMITTED],
        "open_units": list(call.units.order_by("path")) if not call.open_to_all else [],
        "can_apply": bool(applying),
        "decide_form": decide_form,
        "cancel_form": CancelForm(prefix=None),
    }
    return render(request, "challenges/call_detail.html", context)


@login_required
def application_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Apply (揭榜), edit the application, or send a withdrawn one again."""
    call = visible_call_or_404(request, pk)
    units = access.applying_units(request.user, call)
    if not units.exists():
        raise PermissionDenied
    existing = Application.objects.filter(call=call, unit__in=units).order_by("unit__path").first()
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "unit": existing.unit_id,
            "proposal": existing.proposal,
            "target": existing.target,
            "committed_due": existing.committed_due,
            "leader": existing.leader_id,
            "owner": existing.owner_id,
        }
    form = ApplicationForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_application(
                call=call,
                unit=form.cleaned_data["unit"],
                by=request.user,
                commitment=form.commitment(),
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Application sent to the office."))
            return _back(call.pk, "#applications")
    context = {"form": form, "call": call, "existing": existing, "days_left": call.days_left()}
    return render(request, "challenges/application_form.html", context)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = visible_application_or_404(request, pk)
    if not access.can_write_application(request.user, application):
        raise PermissionDenied
    return _act(
        request,
        application.call,
        _("Application withdrawn. You may send it again until the call closes."),
        lambda: services.withdraw_application(application=application, by=request.user),
    )


@login_required
@require_POST
def call_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = managed_call_or_404(request, pk)
    undecided = list(
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED).select_related("unit")
    )
    form = DecideForm(request.POST, applications=undecided)
    if not form.is_valid():
        say_refused(request, form)
        return _back(call.pk, "#applications")
    choices = form.choices()
    return _act(
        request,
        call,
        _("Decision recorded: each unit is told."),
        lambda: services.decide_applications(call=call, by=request.user, choices=choices),
    )


@login_required
@require_POST
def pledge_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = visible_application_or_404(request, pk)
    if not access.can_sign(request.user, application):
        raise PermissionDenied
    form = PledgeForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(application.call_id, "#applications")
    commitment = form.cleaned_data["commitment"]
    return _act(
        request,
        application.call,
        _("Pledge signed."),
        lambda: services.sign_pledge(application=application, by=request.user, commitment=commitment),
    )


@login_required
@require_safe
def application_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file of an application, for whoever sees the application: shown inline, or saved (`?download`)."""
    application = visible_application_or_404(request, pk)
    row = get_object_or_404(ApplicationFile, pk=file_pk, application=application)
    return file_response(row.file, row.name, download="download" in request.GET)
