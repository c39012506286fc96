"""Chasing 督办件 as a late report is chased: a reminder before the deadline, a late notice the day after it,
then the shared escalation ladder (notify.EscalationStep) climbed rung by rung.

A report misses one cycle at a time; an item has one deadline, so it counts a missed chasing period for the
first day past its deadline and one more for each further week (CHASE_PERIOD_DAYS, the weekly rhythm of
一周一调度): with the default ladder a blue notice a week after the deadline, yellow after two, red after
three, an interview (约谈) after five. A granted extension moves the deadline, and the count starts again
from the new one; rungs already taken stay in the register. An item whose feedback awaits the office is
not chased: the unit has answered, the office is the one to act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.notify import outbound
from luoshi.notify.ladder_audience import LATE_NOTICE, resolve, told_at
from luoshi.notify.models import EscalationStep
from luoshi.notify.services import notify
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of_units
from luoshi.supervision.models import ItemEscalation, State, SupervisionItem

CHASE_PERIOD_DAYS = 7
REMIND_DAYS_BEFORE = 1
CHASED = (State.ASSIGNED, State.SIGNED, State.IN_PROGRESS)  # not FEEDBACK (the office's turn), not CLOSED


def misses_on(due: dt.date, today: dt.date, period: int = CHASE_PERIOD_DAYS) -> int:
    """Chasing periods an item due on `due` has missed by `today`: 0 up to its deadline, 1 the day after."""
    late_by = (today - due).days
    return 0 if late_by <= 0 else 1 + (late_by - 1) // period


@dataclass(frozen=True)
class NoLeader:
    """Where an item is on no task: the ladder asks its task for a leader and finds none."""

    leader: User | None


@dataclass(frozen=True)
class Overdue:
    """An overdue item as the ladder's audience sees late work: its lead unit, and its task's leader."""

    unit: Unit
    task: Any  # has .leader (a plans Task, or NoLeader(None) for an item on no task)


def _as_late(item: SupervisionItem) -> Overdue:
    return Overdue(unit=item.lead_unit, task=item.task if item.task is not None else NoLeader(None))


def _params(item: SupervisionItem, **more: Any) -> dict[str, Any]:
    return {"code": item.code, "title": item.title, "unit": item.lead_unit.name, "due": str(item.due), **more}


@dataclass
class Chased:
    reminded: int = 0
    late: int = 0
    escalated: int = 0


@transaction.atomic
def chase_items(*, now: dt.datetime) -> Chased:
    """Remind, tell of lateness and escalate every open item as of `now`; a second run tells nobody twice."""
    today = clock.local(now).date()
    done = Chased()
    items = list(
        SupervisionItem.objects.select_for_update(of=("self",))
        .filter(state__in=CHASED, due__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("issuer__supervision_series", "lead_unit", "task__leader")
        .prefetch_related("co_units")
        .order_by("due", "pk")
    )
    steps = list(EscalationStep.objects.order_by("order"))
    taken: dict[int, set[int]] = {}
    for item_id, step_id in ItemEscalation.objects.filter(item__in=items).values_list("item_id", "step_id"):
        taken.setdefault(item_id, set()).add(step_id)
    for item in items:
        url = f"/supervision/{item.pk}/"
        if item.due >= today:
            units = [item.lead_unit, *item.co_units.all()]
            told = notify(
                recipients=people_of_units(units),
                kind="supervision_due",
                params=_params(item),
                key=f"supervision_due:{item.pk}:{item.due}",
                url=url,
                units=units,
            )
            done.reminded += bool(told)
            continue
        late = resolve(LATE_NOTICE, _as_late(item))
        told = notify(
            recipients=late.people,
            kind="supervision_late",
            params=_params(item),
            key=f"supervision_late:{item.pk}:{item.due}",
            url=url,
            units=late.robots_of,
        )
        done.late += bool(told)
        outbound.emit(
            "supervision.overdue",
            unit=item.lead_unit,
            data={
                "item": {"id": item.pk, "code": item.code, "title": item.title},
                "due": str(item.due),
                "state": item.state,
                "url": url,
            },
            key=f"supervision.overdue:{item.pk}:{item.due}",
        )
        done.escalated += _climb(item, misses_on(item.due, today), steps, taken.get(item.pk, set()), now)
    return done


def _climb(
    item: SupervisionItem, misses: int, steps: list[EscalationStep], taken: set[int], now: dt.datetime
) -> int:
    """Climb to the highest rung `misses` reaches above the item's highest so far (one per run, as reports
    do); a rung jumped over is not sent afterwards, which would take the item down the ladder."""
    top = max((s.order for s in steps if s.pk in taken), default=0)
    reached = [s for s in steps if s.missed_in_a_row <= misses and s.order > top]
    if not reached:
        return 0
    step = reached[-1]
    escalation = ItemEscalation.objects.create(item=item, step=step, misses=misses, due=item.due, at=now)
    record(
        actor=None,
        action=Action.SUPERVISION_ESCALATE,
        obj=escalation,
        after={"item_id": item.pk, "step": step.name, "misses": misses, "due": str(item.due)},
    )
    told = told_at(step, _as_late(item))
    notify(
        recipients=told.people,
        kind="supervision_escalation",
        params=_params(item, step=step.name, n=misses),
        key=f"supervision_escalation:{escalation.pk}",
        url=f"/supervision/{item.pk}/",
        units=told.robots_of,
    )
    return 1
