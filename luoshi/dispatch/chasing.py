"""Pages of chasing: 一键催报 from a cycle, and the register of 督办单 the office has issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.dispatch import reminders
from luoshi.dispatch.models import Cycle, Escalation, Report
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans.models import Task

ESCALATIONS_PER_PAGE = 50


@login_required
@require_POST
def cycle_chase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """一键催报: remind every unit of the cycle that has not reported."""
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=pk)
    if not reminders.can_chase(request.user, cycle):
        raise PermissionDenied
    done = reminders.chase_cycle(cycle=cycle, by=request.user)
    if done.reminded:
        n = len(done.reminded)
        messages.success(request, ngettext("%(n)s unit reminded.", "%(n)s units reminded.", n) % {"n": n})
    if done.skipped:
        n = len(done.skipped)
        at = formats.time_format(clock.local(done.next_at), "H:i") if done.next_at else ""
        messages.warning(
            request,
            ngettext(
                "%(n)s unit was reminded less than an hour ago and was skipped; "
                "it may be reminded again from %(at)s.",
                "%(n)s units were reminded less than an hour ago and were skipped; "
                "they may be reminded again from %(at)s.",
                n,
            )
            % {"n": n, "at": at},
        )
    if done.unreachable:
        names = "、".join(u.name for u in done.unreachable)
        messages.warning(
            request,
            ngettext(
                "Nobody to remind at %(units)s.", "Nobody to remind at %(units)s.", len(done.unreachable)
            )
            % {"units": names},
        )
    if not (done.reminded or done.skipped or done.unreachable):
        messages.info(request, _("Every unit has reported."))
    return redirect("dispatch:cycle_detail", pk=pk)


@login_required
def escalation_list(request: AuthenticatedRequest) -> HttpResponse:
    """The register (台账) of 督办单: escalations on tasks the user can see, newest first, with state."""
    answered = Report.objects.filter(
        task=OuterRef("task"), submitted_at__isnull=False, submitted_at__gte=OuterRef("created_at")
    )
    escalations = (
        Escalation.objects.filter(task__in=Task.objects.visible_to(request.user))
        .select_related("step", "task__lead_unit", "task__leader", "cycle__cadence")
        .annotate(answered=Exists(answered))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(escalations, ESCALATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dispatch/escalation_list.html", {"page": page})
