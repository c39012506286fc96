"""The home page: what the user's unit owns, and what needs attention."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luoshi.orgs import policy
from luoshi.plans.models import Task


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show "my unit": tasks the user's unit leads or helps with, the ones due soon and the ones overdue."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=30)
    unit = policy.scope_root(request.user) or policy.issuing_unit(request.user)
    owned = Task.objects.visible_to(request.user).owned_by_unit(unit)
    tally = owned.aggregate(
        total=Count("pk"),
        leading=Count("pk", filter=Q(lead_unit=unit)),
        done=Count("pk", filter=Q(completed_on__isnull=False)),
        overdue=Count("pk", filter=Q(completed_on__isnull=True, due__lt=today)),
        due_soon=Count("pk", filter=Q(completed_on__isnull=True, due__gte=today, due__lte=soon)),
    )
    attention = owned.open().filter(due__lte=soon).for_listing().order_by("due", "sort_path")[:15]
    led_here = owned.filter(lead_unit=unit).for_listing().order_by("due", "sort_path")[:15]
    context = {"unit": unit, "tally": tally, "attention": attention, "led_here": led_here, "today": today}
    return render(request, "web/home.html", context)
