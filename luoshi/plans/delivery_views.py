"""Pages of 交账: the lead unit delivers, a co-unit contributes, the office decides; files opened by whoever
sees the task (404 for everyone else). Each action answers on the task page (#closing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.core.attachments import file_response
from luoshi.core.forms import say_refused
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans import deliveries
from luoshi.plans.forms import ContributionForm, DeliveryForm
from luoshi.plans.models import Delivery, DeliveryFile, Task
from luoshi.plans.views import visible_task_or_404


def _back(task_pk: int) -> HttpResponse:
    return redirect(reverse("plans:task_detail", args=[task_pk]) + "#closing")


@login_required
@require_POST
def delivery_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = visible_task_or_404(request, pk)
    if not deliveries.can_deliver(request.user, task):
        raise PermissionDenied
    form = DeliveryForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        say_refused(request, form)
        return _back(task.pk)
    milestone = form.cleaned_data["milestone"]
    try:
        deliveries.submit_delivery(
            task=task,
            by=request.user,
            statement=form.cleaned_data["statement"],
            milestone=milestone,
            uploads=form.cleaned_data["evidence"],
        )
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(
            request,
            _("Milestone delivery sent to the office.") if milestone else _("Delivery sent to the office."),
        )
    return _back(task.pk)


@login_required
@require_POST
def contribution_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = visible_task_or_404(request, pk)
    units = deliveries.contributing_units(request.user, task)
    if not units:
        raise PermissionDenied
    form = ContributionForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        say_refused(request, form)
        return _back(task.pk)
    try:
        contribution = deliveries.submit_contribution(
            task=task,
            unit=form.cleaned_data["unit"],
            by=request.user,
            statement=form.cleaned_data["statement"],
            uploads=form.cleaned_data["evidence"],
        )
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(
            request,
            _("Contribution sent with the delivery awaiting the office.")
            if contribution.delivery_id
            else _("Contribution saved; it goes to the office with the lead unit's delivery."),
        )
    return _back(task.pk)


def _decidable_or_404(request: AuthenticatedRequest, pk: int) -> Delivery:
    delivery = get_object_or_404(
        Delivery.objects.filter(task__in=Task.objects.visible_to(request.user)).select_related("task"), pk=pk
    )
    if not policy.can_edit_task(request.user, delivery.task):
        raise PermissionDenied
    return delivery


@login_required
@require_POST
def delivery_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = _decidable_or_404(request, pk)
    try:
        deliveries.accept_delivery(delivery=delivery, by=request.user)
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(
            request,
            _("Delivery accepted: the milestone is reached.")
            if delivery.milestone_id
            else _("Delivery accepted: the task is done."),
        )
    return _back(delivery.task_id)


@login_required
@require_POST
def delivery_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = _decidable_or_404(request, pk)
    try:
        deliveries.reject_delivery(delivery=delivery, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(
            request,
            _("Delivery rejected: the milestone stays open.")
            if delivery.milestone_id
            else _("Delivery rejected: the task stays open."),
        )
    return _back(delivery.task_id)


def delivery_file_or_404(request: AuthenticatedRequest, pk: int, file_pk: int) -> DeliveryFile:
    """The file, if it belongs to this task and the user sees the task; 404 otherwise."""
    task = visible_task_or_404(request, pk)
    return get_object_or_404(
        DeliveryFile.objects.select_related("task", "contribution__unit"), pk=file_pk, task=task
    )


@login_required
@require_safe
def delivery_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """The file itself, streamed: PDFs and photos shown in the browser, other kinds saved (`?download`)."""
    row = delivery_file_or_404(request, pk, file_pk)
    return file_response(row.file, row.name, download="download" in request.GET)


@login_required
@require_POST
def delivery_file_remove(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponse:
    row = delivery_file_or_404(request, pk, file_pk)
    try:
        deliveries.remove_delivery_file(file=row, by=request.user)
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": row.name})
    return _back(pk)
