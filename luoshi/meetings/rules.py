"""The state machine of a 调度会, and what became of a decision (议而不决、决而不行 made visible).

One table of (state, action) → state, read by the services (which lock the meeting and ask here) and tested
over every pair; an illegal action is refused with a message saying why. `fate` is a pure function of the
facts about a decision's 督办件 and an explicit date, table-tested likewise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.meetings.models import State


class Act(StrEnum):
    EDIT_AGENDA = "edit_agenda"  # build the agenda again, or take an entry off it
    HOLD = "hold"  # the meeting takes place: the minutes open
    DECIDE = "decide"  # record a 议定事项
    WITHDRAW_DECISION = "withdraw_decision"  # take back one recorded by mistake
    CLOSE = "close"  # close the minutes: items are issued and letters sent


TRANSITIONS: dict[tuple[State, Act], State] = {
    (State.PREPARING, Act.EDIT_AGENDA): State.PREPARING,
    (State.PREPARING, Act.HOLD): State.HELD,
    (State.HELD, Act.DECIDE): State.HELD,
    (State.HELD, Act.WITHDRAW_DECISION): State.HELD,
    (State.HELD, Act.CLOSE): State.CLOSED,
}

REFUSALS: dict[tuple[State, Act], Promise] = {
    (State.PREPARING, Act.DECIDE): _("The meeting has not been held yet: decisions are recorded once it is."),
    (State.PREPARING, Act.WITHDRAW_DECISION): _("The meeting has not been held yet: it has no decisions."),
    (State.PREPARING, Act.CLOSE): _("The meeting has not been held yet: there are no minutes to close."),
    (State.HELD, Act.EDIT_AGENDA): _("The meeting was held: its agenda stays as it was."),
    (State.HELD, Act.HOLD): _("The meeting was already held."),
    (State.CLOSED, Act.EDIT_AGENDA): _("The minutes are closed: the agenda stays as it was."),
    (State.CLOSED, Act.HOLD): _("The meeting was already held and its minutes closed."),
    (State.CLOSED, Act.DECIDE): _("The minutes are closed: no decision is added after them."),
    (State.CLOSED, Act.WITHDRAW_DECISION): _(
        "The minutes are closed: a decision is tracked as a supervision item now, not withdrawn."
    ),
    (State.CLOSED, Act.CLOSE): _("The minutes are already closed."),
}


def next_state(state: str, act: Act) -> State:
    """The state `act` leads to from `state`; ValidationError (on "state") if it is not legal there."""
    current = State(state)
    if (current, act) not in TRANSITIONS:
        raise ValidationError({"state": str(REFUSALS[(current, act)])})
    return TRANSITIONS[(current, act)]


def allowed(state: str, act: Act) -> bool:
    return (State(state), act) in TRANSITIONS


# What became of a decision -------------------------------------------------------------------------------


class Fate(StrEnum):
    """Worst first: the order the next meeting reads them in."""

    NO_ITEM = "no_item"  # 议而不决: decided, never made tracked work
    OVERDUE = "overdue"  # 决而不行: past its deadline, not done
    NO_PROGRESS = "no_progress"  # 决而不行: nothing reported since the meeting
    IN_PROGRESS = "in_progress"
    DONE_LATE = "done_late"
    DONE = "done"


FLAGGED = (Fate.NO_ITEM, Fate.OVERDUE, Fate.NO_PROGRESS)
FATE_LABELS: dict[Fate, Promise] = {
    Fate.NO_ITEM: _("decided, never tracked (议而不决)"),
    Fate.OVERDUE: _("overdue, not done (决而不行)"),
    Fate.NO_PROGRESS: _("no progress since the meeting (决而不行)"),
    Fate.IN_PROGRESS: _("in progress"),
    Fate.DONE_LATE: _("done late"),
    Fate.DONE: _("done"),
}
FATE_COLOURS = {
    Fate.NO_ITEM: "danger",
    Fate.OVERDUE: "danger",
    Fate.NO_PROGRESS: "warning",
    Fate.IN_PROGRESS: "primary",
    Fate.DONE_LATE: "info",
    Fate.DONE: "success",
}


@dataclass(frozen=True)
class Trail:
    """What happened to a decision's item since the meeting: its state and the signs of work."""

    has_item: bool
    closed_on: dt.date | None = None
    due: dt.date | None = None
    signed: bool = False  # the lead unit signed for it
    activity: int = 0  # feedback, notes, reports and deliveries on its task since the meeting


def fate(trail: Trail, today: dt.date) -> Fate:
    """What became of a decision by `today`."""
    if not trail.has_item:
        return Fate.NO_ITEM
    assert trail.due is not None, "an item always has a deadline"
    if trail.closed_on is not None:
        return Fate.DONE_LATE if trail.closed_on > trail.due else Fate.DONE
    if trail.due < today:
        return Fate.OVERDUE
    if not trail.signed or trail.activity == 0:
        return Fate.NO_PROGRESS
    return Fate.IN_PROGRESS
