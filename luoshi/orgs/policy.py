"""Data scope: what a user may see and do. Every scope check in Luoshi is made here.

A user's scope is the subtree of their unit: a liaison or unit head sees their own unit and the units
below it, a supervisor or leader the whole jurisdiction of their office (a city or a county), an admin
everything. Objects are mapped onto units by their callers (a task by its lead unit, co-units and the
unit that issued it); this module decides on units and roles only, so it imports nothing above `orgs`.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from luoshi.orgs.models import Role, Unit, User


class HasIssuer(Protocol):
    issuer: Unit
    lead_unit: Unit


# Whoever asks: a page's request.user is a User once signed in and the anonymous user before.
Someone = User | AnonymousUser
NOTHING = Q(pk__in=[])
# Every row, as a filter that stays every row when OR'd with another: Django drops an empty Q() from an OR,
# so `Q() | Q(x)` is Q(x) alone (a supervisor over the whole city was offered only the units leading tasks).
EVERYTHING = ~NOTHING


def sees_everything(user: Someone) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def scope_root(user: Someone) -> Unit | None:
    """The unit whose subtree the user sees; None for an admin (everything) or a user without a unit."""
    if not user.is_authenticated or sees_everything(user):
        return None
    return user.unit


def covers_everything(user: Someone) -> bool:
    """Whether every unit is in the user's scope: an admin, or someone at the root of the only unit tree
    (the city's or the province's own office and leaders). Their filters need not test each row's unit,
    which on a province's tables is the difference between an index and a pass over every row.

    Asked once per user object (a request's), as the tree's roots rarely change.
    """
    if sees_everything(user):
        return True
    root = scope_root(user)
    if root is None or root.parent_id is not None:
        return False
    cached: bool | None = user.__dict__.get("_covers_everything")
    if cached is None:
        cached = not Unit.objects.filter(parent__isnull=True).exclude(pk=root.pk).exists()
        user.__dict__["_covers_everything"] = cached
    return cached


def unit_q(user: Someone, field: str = "") -> Q:
    """A filter keeping rows whose unit (reached through `field`, a unit foreign key) is in scope."""
    if sees_everything(user):
        return EVERYTHING
    root = scope_root(user)
    if root is None:
        return NOTHING
    if covers_everything(user):  # every unit's path starts with the only root's: no row needs the test
        return Q(**{f"{field}__isnull": False}) if field else EVERYTHING
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return Q(**{lookup: root.path})


def exists_in_scope(
    user: Someone, related: QuerySet[Any], unit_field: str, outer_field: str = "pk"
) -> Exists:
    """An Exists() over `related` rows linked to the outer row whose `unit_field` is in scope."""
    return Exists(related.filter(unit_q(user, unit_field), **{outer_field: OuterRef("pk")}))


def at_or_above_q(user: Someone, field: str) -> Q:
    """A filter keeping rows whose unit (through `field`) is the user's own or one above it: the offices
    over the user, whose circulars (rankings, bulletins) reach the user's unit."""
    root = scope_root(user)
    if root is None:
        return EVERYTHING if sees_everything(user) else NOTHING
    return Q(**{f"{field}__path__in": [root.path, *root.ancestors().values_list("path", flat=True)]})


def visible_units(user: Someone) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_q(user))


def can_see_unit(user: Someone, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    root = scope_root(user)
    return root is not None and root.contains(unit)


def can_supervise(user: Someone, unit: Unit) -> bool:
    """Whether the user supervises `unit`: an admin, or a supervisor whose jurisdiction holds it."""
    if sees_everything(user):
        return True
    return user.is_authenticated and user.role == Role.SUPERVISOR and can_see_unit(user, unit)


def is_supervisor(user: Someone) -> bool:
    return sees_everything(user) or (user.is_authenticated and user.role == Role.SUPERVISOR)


def supervised_q(user: Someone, field: str) -> Q:
    """A filter keeping rows whose unit (through `field`) the user supervises: `can_supervise` for a query."""
    return unit_q(user, field) if is_supervisor(user) else NOTHING


def sees_jurisdiction(user: Someone) -> bool:
    """An office or a leader follows the whole jurisdiction (its cycles, its totals); a unit its own work."""
    return sees_everything(user) or (user.is_authenticated and user.role in (Role.SUPERVISOR, Role.LEADER))


def reports_for_a_unit(user: Someone) -> bool:
    """Liaisons and unit heads fill in their unit's reports."""
    return user.is_authenticated and user.role in (Role.LIAISON, Role.UNIT_HEAD)


def is_unit_head(user: Someone) -> TypeGuard[User]:
    return user.is_authenticated and user.role == Role.UNIT_HEAD


def can_sign_pledge(user: Someone, task: HasIssuer) -> bool:
    """The head of the unit that leads a task (or of one above it) signs its 军令状."""
    return is_unit_head(user) and user.unit is not None and user.unit.contains(task.lead_unit)


def can_edit_task(user: Someone, task: HasIssuer) -> bool:
    """Only the office that issued a task (or one above it) changes it."""
    return can_supervise(user, task.issuer)


def can_decompose_task(user: Someone, task: HasIssuer) -> bool:
    """The issuer may split a task, and so may the supervisors of the unit that leads it (handing down)."""
    return can_supervise(user, task.issuer) or can_supervise(user, task.lead_unit)


def can_assign_to(user: Someone, unit: Unit) -> bool:
    """Whether the user may make `unit` the lead or a co-unit of a task they create."""
    return can_supervise(user, unit)


def issuing_unit(user: User) -> Unit:
    """The unit on whose behalf a supervisor issues tasks: their jurisdiction, or the root for an admin."""
    root = scope_root(user)
    if root is not None:
        return root
    top = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if top is None:
        raise Http404("no unit tree yet")
    return top


def can_report_for(user: Someone, unit: Unit) -> bool:
    """Liaisons and unit heads fill in their own unit's reports (and those of units below it)."""
    return reports_for_a_unit(user) and can_see_unit(user, unit)


def can_approve_for(user: Someone, unit: Unit) -> bool:
    """A unit head signs off their unit's reports before they go to the office."""
    return is_unit_head(user) and can_see_unit(user, unit)


def can_reset_password(user: Someone, person: User) -> bool:
    """An administrator resets the password of someone in their scope; their own they change themselves."""
    if not (user.is_authenticated and user.role == Role.ADMIN) or user.pk == person.pk:
        return False
    return person.unit is None or can_see_unit(user, person.unit)


def can_link_identity(user: Someone, person: User) -> bool:
    """Linking a provider's account hands it the person's access, as a password reset does: so the same
    administrators may, and never for themselves."""
    return can_reset_password(user, person)


# Managing units and people. An administrator manages everything; a supervisor the units below their
# jurisdiction's root and the people in it, except the administrators and their own office's supervisors
# (a colleague's account is the administrator's business, as are passwords and locks).


def can_create_unit_under(user: Someone, parent: Unit) -> bool:
    """Whether the user may add a unit below `parent`: an admin anywhere, a supervisor within their own."""
    return parent.is_active and can_supervise(user, parent)


def can_manage_unit(user: Someone, unit: Unit) -> bool:
    """Whether the user may rename, move or deactivate `unit`: never their own jurisdiction's root."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return can_supervise(user, unit) and root is not None and root.pk != unit.pk


def can_see_person(user: Someone, person: User) -> bool:
    """A person is seen with their unit; an administrator, who has none, only by administrators."""
    if sees_everything(user):
        return True
    return person.unit is not None and can_see_unit(user, person.unit)


def can_manage_person(user: Someone, person: User) -> bool:
    """Whether the user may change `person`'s details, unit and role, or deactivate them; never their own."""
    if not user.is_authenticated or user.pk == person.pk:
        return False
    if sees_everything(user):
        return True
    if person.role == Role.ADMIN or person.unit is None or not can_supervise(user, person.unit):
        return False
    return not (person.role == Role.SUPERVISOR and person.unit_id == user.unit_id)


def grantable_roles(user: Someone) -> list[str]:
    """The roles the user may give: an administrator's only by an administrator."""
    if sees_everything(user):
        return list(Role.values)
    if is_supervisor(user):
        return [r for r in Role.values if r != Role.ADMIN]
    return []


def can_edit_ladder(user: Someone) -> bool:
    """The escalation ladder is one for the whole tree: an administrator sets it, or a supervisor of the
    office at its top (whose jurisdiction is everything); everyone signed in may read it."""
    if sees_everything(user):
        return True
    root = scope_root(user)
    return is_supervisor(user) and root is not None and root.parent_id is None


def can_unlock(user: Someone, person: User) -> bool:
    """An administrator lifts the sign-in lock of someone else (as they reset passwords)."""
    return can_reset_password(user, person)
