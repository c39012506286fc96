"""Who may do what with an open call, in the terms of the one scope policy (orgs.policy).

The office over the issuing unit drafts, publishes, closes, cancels and decides; a liaison or head applies
for a unit the call is open to (their own, or one below it); the head of a selected unit signs the task's
军令状 (plans' own rule, policy.can_sign_pledge). Seeing is the QuerySets' business (models.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from luoshi.challenges.models import Application, OpenCall
from luoshi.orgs import policy
from luoshi.orgs.models import Unit


def can_create_call(user: Any) -> bool:
    return policy.is_supervisor(user)


def can_manage(user: Any, call: OpenCall) -> bool:
    """The office that issued the call (or one above it) edits, publishes, closes, cancels and decides."""
    return policy.can_supervise(user, call.issuer)


def applying_units(user: Any, call: OpenCall) -> QuerySet[Unit]:
    """The units the call is open to that the user may apply for: their own, or those below it."""
    if not policy.reports_for_a_unit(user):
        return Unit.objects.none()
    return call.open_units().filter(policy.unit_q(user)).order_by("path")


def can_apply(user: Any, call: OpenCall, unit: Unit) -> bool:
    return policy.can_report_for(user, unit) and call.is_open_to(unit)


def can_write_application(user: Any, application: Application) -> bool:
    """The applicant unit's liaisons and heads edit or withdraw its application."""
    return policy.can_report_for(user, application.unit)


def can_sign(user: Any, application: Application) -> bool:
    """The selected unit's head signs the pledge of the task the selection created."""
    task = application.task
    return task is not None and policy.can_sign_pledge(user, task)
