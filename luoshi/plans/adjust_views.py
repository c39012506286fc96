"""Pages of the office's adjustments: move a task's deadline (调整完成时限) or cancel the task (撤销).

The task page shows both forms to the issuing office (plans/_adjust.html); a refused form comes back on a
page of its own, with the error by its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from luoshi.core.forms import attach_errors
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans import adjustments
from luoshi.plans.adjust_forms import CancelForm, DeadlineForm
from luoshi.plans.models import Task
from luoshi.plans.views import visible_task_or_404


def _adjustable_or_404(request: AuthenticatedRequest, pk: int) -> Task:
    """The task in scope (404 outside it), if the user's office issued it (403 otherwise)."""
    task = visible_task_or_404(request, pk)
    if not policy.can_edit_task(request.user, task):
        raise PermissionDenied
    return task


@login_required
def task_deadline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """调整完成时限: the office moves the deadline, with a reason; the move shows wherever the task does."""
    task = _adjustable_or_404(request, pk)
    form = DeadlineForm(request.POST or None, prefix="deadline")
    if request.method == "POST" and form.is_valid():
        try:
            adjustments.change_deadline(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Deadline moved; the units and the leader have been told."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/adjust_form.html", {"task": task, "form": form, "cancelling": False})


@login_required
def task_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """撤销: the office cancels the task (and the open subtasks handed down from it), with a reason."""
    task = _adjustable_or_404(request, pk)
    form = CancelForm(request.POST or None, prefix="cancel")
    if request.method == "POST" and form.is_valid():
        try:
            adjustments.cancel_task(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Task cancelled; the units and the leader have been told."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/adjust_form.html", {"task": task, "form": form, "cancelling": True})
