"""The state machine of a 整改 (rectification): which action is legal in which state, and where it leads.

One table, read by the services (which lock the rectification and ask here) and tested over every
(state, action) pair. An illegal action is refused with a message saying why, in the reader's language.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.supervision.models import RectState


class RectAct(StrEnum):
    REQUEST_CLOSE = "request_close"  # 申请销号, the unit, with evidence
    VERIFY = "verify"  # 销号, the office, after checking
    RETURN = "return"  # 退回, the office: not rectified yet


# (state, action) -> the state it leads to. Every pair not here is refused.
TRANSITIONS: dict[tuple[RectState, RectAct], RectState] = {
    (RectState.IN_PROGRESS, RectAct.REQUEST_CLOSE): RectState.REQUESTED,
    (RectState.REQUESTED, RectAct.VERIFY): RectState.CLOSED,
    (RectState.REQUESTED, RectAct.RETURN): RectState.IN_PROGRESS,
}

CLOSED_MESSAGE = _("This rectification is closed out: nothing more is done on it.")


def _refusal(state: RectState, act: RectAct) -> Promise | None:
    """Why `act` is refused in `state`, or None if it is legal."""
    if (state, act) in TRANSITIONS:
        return None
    if state == RectState.CLOSED:
        return CLOSED_MESSAGE
    messages: dict[RectAct, Promise] = {
        RectAct.REQUEST_CLOSE: _("A close-out request already awaits the office's verification."),
        RectAct.VERIFY: _("No close-out request awaits verification: the unit has not asked for it."),
        RectAct.RETURN: _("No close-out request awaits the office: there is nothing to return."),
    }
    return messages[act]


def next_state(state: str, act: RectAct) -> RectState:
    """The state `act` leads to from `state`; ValidationError (on "state") if it is not legal there."""
    current = RectState(state)
    refusal = _refusal(current, act)
    if refusal is not None:
        raise ValidationError({"state": str(refusal)})
    return TRANSITIONS[(current, act)]


def allowed(state: str, act: RectAct) -> bool:
    return _refusal(RectState(state), act) is None
