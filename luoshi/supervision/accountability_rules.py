"""The state machine of an accountability record: an exemption under the fault-tolerance rules (容错免责) is
requested, then approved or denied once; every other kind stands as the office recorded it.

One table, read by the services and tested over every (state, action) pair. An illegal action is refused
with a message saying why, in the reader's language.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.supervision.models import RecordState


class Step(StrEnum):
    APPROVE = "approve"  # 批准免责
    DENY = "deny"  # 不予免责


# (state, action) -> the state it leads to. Every pair not here is refused.
TRANSITIONS: dict[tuple[RecordState, Step], RecordState] = {
    (RecordState.REQUESTED, Step.APPROVE): RecordState.APPROVED,
    (RecordState.REQUESTED, Step.DENY): RecordState.DENIED,
}

REFUSALS: dict[RecordState, Promise] = {
    RecordState.RECORDED: _(
        "Only an exemption request is approved or denied: this record stands as the office wrote it."
    ),
    RecordState.APPROVED: _("This exemption was already approved."),
    RecordState.DENIED: _("This exemption request was already denied."),
}


def next_state(state: str, step: Step) -> RecordState:
    """The state `step` leads to from `state`; ValidationError (on "state") if it is not legal there."""
    current = RecordState(state)
    if (current, step) not in TRANSITIONS:
        raise ValidationError({"state": str(REFUSALS[current])})
    return TRANSITIONS[(current, step)]


def allowed(state: str, step: Step) -> bool:
    return (RecordState(state), step) in TRANSITIONS
