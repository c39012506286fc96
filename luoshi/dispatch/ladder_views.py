"""The escalation ladder page: every signed-in user reads it; an administrator or the city's office edits it.

A rung that does not exist answers 404 to everyone; editing answers 403 to whoever may only read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core.forms import STALE_FORM, attach_errors
from luoshi.dispatch.ladder_forms import StampForm, StepForm
from luoshi.dispatch.models import Escalation
from luoshi.notify import ladder_services as services
from luoshi.notify.ladder_audience import LABELS, LATE_NOTICE, audience
from luoshi.notify.models import EscalationStep
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest


@dataclass(frozen=True)
class RungView:
    step: EscalationStep
    told: list[Promise]
    issued: int


def _editor(request: AuthenticatedRequest) -> None:
    if not policy.can_edit_ladder(request.user):
        raise PermissionDenied


@login_required
def ladder(request: AuthenticatedRequest) -> HttpResponse:
    """The ladder as an office reads it: each rung, when it is taken, and exactly who is told."""
    can_edit = policy.can_edit_ladder(request.user)
    steps = list(EscalationStep.objects.order_by("order"))
    issued: dict[int, int] = {}
    if can_edit:  # counts over the whole tree: only for those who see all of it
        rows = Escalation.objects.values("step").annotate(n=Count("pk")).values_list("step", "n")
        issued = dict(rows)
    context = {
        "rungs": [RungView(s, [LABELS[a] for a in audience(s)], issued.get(s.pk, 0)) for s in steps],
        "reminder_told": [LABELS[a] for a in LATE_NOTICE],
        "can_edit": can_edit,
        "stamp": services.ladder_stamp(steps),
    }
    return render(request, "dispatch/ladder.html", context)


@login_required
def ladder_add(request: AuthenticatedRequest) -> HttpResponse:
    _editor(request)
    form = StepForm(request.POST or None, initial={"seen": services.ladder_stamp()})
    if request.method == "POST" and form.is_valid():
        try:
            step = services.add_step(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Rung %(name)s added.") % {"name": step.name})
            return redirect("dispatch:ladder")
    return render(request, "dispatch/ladder_form.html", {"form": form})


@login_required
def ladder_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(EscalationStep, pk=pk)
    _editor(request)
    fields = ("name", "color", "missed_in_a_row", "notify_leader")
    initial = {**{f: getattr(step, f) for f in fields}, "seen": services.ladder_stamp()}
    form = StepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_step(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Rung saved."))
            return redirect("dispatch:ladder")
    context = {"form": form, "step": step, "issued": services.issued_count(step), "stamp": initial["seen"]}
    return render(request, "dispatch/ladder_form.html", context)


@require_POST
@login_required
def ladder_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(EscalationStep, pk=pk)
    _editor(request)
    form = StampForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(STALE_FORM))
        return redirect("dispatch:ladder")
    try:
        services.delete_step(step=step, by=request.user, seen=form.cleaned_data["seen"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dispatch:ladder")
    messages.success(request, _("Rung %(name)s deleted.") % {"name": step.name})
    return redirect("dispatch:ladder")
