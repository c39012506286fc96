"""The state machine of a 督办件: which action is legal in which state, and what it leads to.

One table, read by the services (which lock the item and ask here) and tested over every (state, action)
pair. An illegal action is refused with a message saying why, in the reader's language.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.supervision.models import State


class Act(StrEnum):
    SIGN = "sign"  # 签收, the lead unit
    START = "start"  # 开始办理, the lead unit
    FEEDBACK = "feedback"  # 反馈, the lead unit
    RETURN = "return"  # 退回, the office
    CLOSE = "close"  # 办结, the office
    REQUEST_EXTENSION = "request_extension"  # 申请延期, the lead unit
    GRANT_EXTENSION = "grant_extension"  # the office
    DENY_EXTENSION = "deny_extension"  # the office
    NOTE = "note"  # a co-unit's note


OPEN = (State.ASSIGNED, State.SIGNED, State.IN_PROGRESS, State.FEEDBACK)
WORKING = (State.SIGNED, State.IN_PROGRESS)  # signed for and not with the office

# (state, action) -> the state it leads to. Every pair not here is refused.
TRANSITIONS: dict[tuple[State, Act], State] = {
    (State.ASSIGNED, Act.SIGN): State.SIGNED,
    (State.SIGNED, Act.START): State.IN_PROGRESS,
    (State.SIGNED, Act.FEEDBACK): State.FEEDBACK,
    (State.IN_PROGRESS, Act.FEEDBACK): State.FEEDBACK,
    (State.FEEDBACK, Act.RETURN): State.IN_PROGRESS,
    (State.FEEDBACK, Act.CLOSE): State.CLOSED,
    **{(s, Act.REQUEST_EXTENSION): s for s in WORKING},
    **{(s, Act.GRANT_EXTENSION): s for s in OPEN},
    **{(s, Act.DENY_EXTENSION): s for s in OPEN},
    **{(s, Act.NOTE): s for s in OPEN},
}
# Actions about an extension request: legal only while one awaits the office (or, to ask, while none does).
NEEDS_PENDING = {Act.GRANT_EXTENSION, Act.DENY_EXTENSION}

CLOSED_MESSAGE = _("This item is closed: nothing more is done on it.")


def _refusal(state: State, act: Act, pending: bool) -> Promise | None:
    """Why `act` is refused in `state` (with an extension request `pending` or not), or None if legal."""
    if (state, act) in TRANSITIONS:
        if act in NEEDS_PENDING and not pending:
            return _("No extension request awaits a decision.")
        if act == Act.REQUEST_EXTENSION and pending:
            return _("An extension request already awaits the office.")
        return None
    if state == State.CLOSED:
        return CLOSED_MESSAGE
    if state == State.ASSIGNED and act in (Act.START, Act.FEEDBACK, Act.REQUEST_EXTENSION):
        return _("Sign for the item first.")
    messages: dict[Act, Promise] = {
        Act.SIGN: _("This item was already signed for."),
        Act.START: _("This item is already in progress.")
        if state == State.IN_PROGRESS
        else _("The unit's feedback is with the office."),
        Act.FEEDBACK: _("The unit's feedback already awaits the office."),
        Act.RETURN: _("No feedback awaits the office: there is nothing to return."),
        Act.CLOSE: _("An item is closed on the lead unit's feedback, and none awaits the office."),
        Act.REQUEST_EXTENSION: _("The feedback is with the office: no extension is asked while it decides."),
    }
    return messages[act]


def next_state(state: str, act: Act, *, pending: bool = False) -> State:
    """The state `act` leads to from `state`; ValidationError (on "state") if it is not legal there."""
    current = State(state)
    refusal = _refusal(current, act, pending)
    if refusal is not None:
        raise ValidationError({"state": str(refusal)})
    return TRANSITIONS[(current, act)]


def allowed(state: str, act: Act, *, pending: bool = False) -> bool:
    return _refusal(State(state), act, pending) is None
