"""Pages for the unit tree and a unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from luoshi.core.panels import panels_for
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit, User


@dataclass
class Node:
    unit: Unit
    children: list[Node] = field(default_factory=list)


def build_forest(units: Sequence[Unit]) -> list[Node]:
    """Nest units (in path order) under their nearest visible ancestor."""
    nodes = {u.pk: Node(u) for u in units}
    roots: list[Node] = []
    for u in units:
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(nodes[u.pk])
    return roots


@login_required
def unit_tree(request: AuthenticatedRequest) -> HttpResponse:
    units = list(
        policy.visible_units(request.user).annotate(
            # Cancelled tasks (撤销) count nowhere.
            lead_count=Count("led_tasks", filter=Q(led_tasks__cancelled_on__isnull=True), distinct=True),
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        )
    )
    context = {
        "forest": build_forest(units),
        "unit_count": len(units),
        "can_import": policy.sees_everything(request.user),  # as import_views decides
        "can_edit_ladder": policy.can_edit_ladder(request.user),
    }
    return render(request, "orgs/unit_tree.html", context)


@login_required
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(policy.visible_units(request.user).select_related("parent"), pk=pk)
    members = list(User.objects.filter(unit=unit, is_active=True).order_by("role", "id"))
    context = {
        "unit": unit,
        "ancestors": [a for a in unit.ancestors() if policy.can_see_unit(request.user, a)],
        "children": unit.children.filter(is_active=True).order_by("path"),
        "members": members,
        "resettable": {p.pk for p in members if policy.can_reset_password(request.user, p)},
        "manageable": {p.pk for p in members if policy.can_manage_person(request.user, p)},
        "can_manage": policy.can_manage_unit(request.user, unit),
        "can_add_below": policy.can_create_unit_under(request.user, unit),
        "can_add_person": unit.is_active and policy.can_supervise(request.user, unit),
        "panels": panels_for("unit", request, unit),
    }
    return render(request, "orgs/unit_detail.html", context)
