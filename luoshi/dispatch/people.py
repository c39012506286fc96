"""Who hears about a unit's reports."""

from __future__ import annotations

from luoshi.orgs.models import Role, Unit, User


def people_of(unit: Unit, roles: tuple[str, ...] = (Role.LIAISON, Role.UNIT_HEAD)) -> list[User]:
    """The unit's own liaisons and head: the people a reminder about its report goes to."""
    return list(User.objects.filter(unit=unit, role__in=roles, is_active=True).order_by("id"))
