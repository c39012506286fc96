"""Chasing 整改 (rectifications) exactly as 督办件 are chased (chasing.py): a reminder the day before the
deadline, a late notice the day after it, then the shared escalation ladder climbed one rung a run, a
missed chasing period counted for the first day late and one more for each further week.

A rectification whose close-out awaits the office is not chased: the unit has answered, the office is the
one to act. A returned one is chased again from its deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.notify.ladder_audience import LATE_NOTICE, resolve, told_at
from luoshi.notify.models import EscalationStep
from luoshi.notify.services import notify
from luoshi.orgs.people import people_of_units
from luoshi.supervision.chasing import REMIND_DAYS_BEFORE, Chased, NoLeader, Overdue, misses_on
from luoshi.supervision.models import Rectification, RectificationEscalation, RectState

CHASED = (RectState.IN_PROGRESS,)  # not REQUESTED (the office's turn), not CLOSED


def _as_late(rectification: Rectification) -> Overdue:
    """As the ladder's audience sees late work: the rectifying unit; no task leader of its own."""
    return Overdue(unit=rectification.unit, task=NoLeader(None))


def _params(rectification: Rectification, **more: Any) -> dict[str, Any]:
    return {
        "inspection": rectification.finding.inspection.title,
        "problem": rectification.finding.problem[:60],
        "unit": rectification.unit.name,
        "due": str(rectification.due),
        **more,
    }


@transaction.atomic
def chase_rectifications(*, now: dt.datetime) -> Chased:
    """Remind, tell of lateness and escalate every open rectification as of `now`; a second run tells
    nobody twice."""
    today = clock.local(now).date()
    done = Chased()
    rows = list(
        Rectification.objects.select_for_update(of=("self",))
        .filter(state__in=CHASED, due__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("unit", "finding__inspection")
        .order_by("due", "pk")
    )
    steps = list(EscalationStep.objects.order_by("order"))
    taken: dict[int, set[int]] = {}
    for row_id, step_id in RectificationEscalation.objects.filter(rectification__in=rows).values_list(
        "rectification_id", "step_id"
    ):
        taken.setdefault(row_id, set()).add(step_id)
    for row in rows:
        url = f"/supervision/rectifications/{row.pk}/"
        if row.due >= today:
            told = notify(
                recipients=people_of_units([row.unit]),
                kind="rectification_due",
                params=_params(row),
                key=f"rectification_due:{row.pk}:{row.due}",
                url=url,
                units=[row.unit],
            )
            done.reminded += bool(told)
            continue
        late = resolve(LATE_NOTICE, _as_late(row))
        told = notify(
            recipients=late.people,
            kind="rectification_late",
            params=_params(row),
            key=f"rectification_late:{row.pk}:{row.due}",
            url=url,
            units=late.robots_of,
        )
        done.late += bool(told)
        done.escalated += _climb(row, misses_on(row.due, today), steps, taken.get(row.pk, set()), now)
    return done


def _climb(
    row: Rectification, misses: int, steps: list[EscalationStep], taken: set[int], now: dt.datetime
) -> int:
    """Take the highest rung `misses` reaches that the rectification has not taken yet (one per run)."""
    reached = [s for s in steps if s.missed_in_a_row <= misses and s.pk not in taken]
    if not reached:
        return 0
    step = reached[-1]
    escalation = RectificationEscalation.objects.create(
        rectification=row, step=step, misses=misses, due=row.due, at=now
    )
    record(
        actor=None,
        action=Action.RECTIFICATION_ESCALATE,
        obj=escalation,
        after={"rectification_id": row.pk, "step": step.name, "misses": misses, "due": str(row.due)},
    )
    told = told_at(step, _as_late(row))
    notify(
        recipients=told.people,
        kind="rectification_escalation",
        params=_params(row, step=step.name, n=misses),
        key=f"rectification_escalation:{escalation.pk}",
        url=f"/supervision/rectifications/{row.pk}/",
        units=told.robots_of,
    )
    return 1
