"""Who is told when work climbs the ladder: the one description the escalation and the ladder page share.

`told_at(step, report)` is what `reminders._escalate` sends a rung's notice to, and `audience(step)` is
what the ladder page lists for the rung; both walk the same tuple, so the page cannot say one thing while
the notices go elsewhere. The reminder (催报) below the first stored rung is the late notice itself; its
audience is LATE_NOTICE, which `reminders.mark_late` sends to through `_tell_units`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import leaders_over, people_of


class Audience(StrEnum):
    UNIT = "unit"  # the liaisons and head of the unit whose report is late (the task's lead unit)
    UNIT_ROBOTS = "unit_robots"  # that unit's group robots, where it has set some up
    LEADERS_OVER = "leaders_over"  # the leaders whose jurisdiction holds that unit
    TASK_LEADER = "task_leader"  # the task's responsible leader (责任领导)


LABELS: dict[Audience, Promise] = {
    Audience.UNIT: _("the liaisons and head of the lead unit whose report is late"),
    Audience.UNIT_ROBOTS: _("the lead unit's group robots, where it has set them up"),
    Audience.LEADERS_OVER: _(
        "the leaders over that unit (the city's, and its county's for a unit below one)"
    ),
    Audience.TASK_LEADER: _("the task's responsible leader"),
}

# The late notice every late report already sends (the first rung, 催报): the unit's own people.
LATE_NOTICE: tuple[Audience, ...] = (Audience.UNIT, Audience.UNIT_ROBOTS)


class Rung(Protocol):
    notify_leader: bool


class LateReport(Protocol):
    @property
    def unit(self) -> Unit: ...

    @property
    def task(self) -> _Task: ...


class _Task(Protocol):
    @property
    def leader(self) -> User | None: ...


def audience(step: Rung) -> tuple[Audience, ...]:
    """Who a rung's notice goes to: the late unit and the leaders over it; the task's leader if it says so."""
    told = (Audience.UNIT, Audience.UNIT_ROBOTS, Audience.LEADERS_OVER)
    return (*told, Audience.TASK_LEADER) if step.notify_leader else told


@dataclass(frozen=True)
class Told:
    people: list[User]
    robots_of: list[Unit]  # units whose group robots are posted to


def _task_leader(report: LateReport) -> list[User]:
    leader = report.task.leader
    return [leader] if leader is not None and leader.is_active else []


PEOPLE: dict[Audience, Callable[[LateReport], list[User]]] = {
    Audience.UNIT: lambda report: people_of(report.unit),
    Audience.UNIT_ROBOTS: lambda report: [],
    Audience.LEADERS_OVER: lambda report: leaders_over(report.unit),
    Audience.TASK_LEADER: _task_leader,
}


def resolve(who: tuple[Audience, ...], report: LateReport) -> Told:
    """The people and robot units `who` names for a late report, each person once, in the order named."""
    people: dict[int, User] = {}
    for member in who:
        for person in PEOPLE[member](report):
            people.setdefault(person.pk, person)
    robots = [report.unit] if Audience.UNIT_ROBOTS in who else []
    return Told(people=list(people.values()), robots_of=robots)


def told_at(step: Rung, report: LateReport) -> Told:
    """Everyone a rung's notice about `report`'s task reaches."""
    return resolve(audience(step), report)
