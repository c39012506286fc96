"""Who hears about a unit's work: its own people, and the offices and leaders over it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from luoshi.core.memo import remembered
from luoshi.orgs.models import Role, Unit, UnitAlias, User


def unit_matching(word: str) -> Q:
    """Units whose name, short name or an alias (住建局, 发改委) contains the word: one word of a search."""
    return (
        Q(name__icontains=word)
        | Q(short_name__icontains=word)
        | Q(pk__in=UnitAlias.objects.filter(alias__icontains=word).values("unit"))
    )


def person_matching(word: str) -> Q:
    """People whose name, account, position or unit contains the word: one word of a search."""
    return (
        Q(full_name__icontains=word)
        | Q(username__icontains=word)
        | Q(title__icontains=word)
        | Q(unit__name__icontains=word)
        | Q(unit__short_name__icontains=word)
    )


def people_of(unit: Unit, roles: tuple[str, ...] = (Role.LIAISON, Role.UNIT_HEAD)) -> list[User]:
    """The unit's own liaisons and head: the people a reminder about its report goes to."""
    return list(User.objects.filter(unit=unit, role__in=roles, is_active=True).order_by("id"))


def people_of_units(units: Sequence[Unit]) -> list[User]:
    """The liaisons and heads of each of the units (a task's lead and co-units), each person once."""
    return list(
        User.objects.filter(unit__in=units, role__in=(Role.LIAISON, Role.UNIT_HEAD), is_active=True).order_by(
            "id"
        )
    )


def heads_of(unit: Unit) -> list[User]:
    """The unit's heads: they approve its reports before the office sees them."""
    return people_of(unit, roles=(Role.UNIT_HEAD,))


def over(unit: Unit, role: str) -> list[User]:
    """Active people of `role` whose jurisdiction holds `unit` (an office or a leader at it or above it)."""
    steps = unit.path.split(".")[:-1]  # "000001.000004." → the paths of the unit and those above it
    paths = [".".join(steps[: i + 1]) + "." for i in range(len(steps))]
    return remembered(
        ("people.over", unit.path, role),
        lambda: list(User.objects.filter(unit__path__in=paths, role=role, is_active=True).order_by("id")),
    )


def supervisors_over(unit: Unit) -> list[User]:
    """The supervisors who may act on what `unit` does: for a task, those over the unit that issued it."""
    return over(unit, Role.SUPERVISOR)


def leaders_over(unit: Unit) -> list[User]:
    return over(unit, Role.LEADER)
