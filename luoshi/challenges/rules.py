"""Which change an open call (揭榜挂帅) and an application (揭榜申请) may make from which state.

Each machine is a table: an action, the states it may start from, and the state it leads to. A move the
table does not hold is refused with a message naming the action and the state, in the reader's language.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CallState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("open for applications")
    CLOSED = "closed", _("closed, under review")
    DECIDED = "decided", _("decided")
    CANCELLED = "cancelled", _("cancelled")


class CallAction(models.TextChoices):
    EDIT = "edit", _("edit")
    PUBLISH = "publish", _("publish")
    CLOSE = "close", _("close")
    DECIDE = "decide", _("decide")
    CANCEL = "cancel", _("cancel")


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SELECTED = "selected", _("selected")
    NOT_SELECTED = "not_selected", _("not selected")


class ApplicationAction(models.TextChoices):
    SUBMIT = "submit", _("submit or edit")
    WITHDRAW = "withdraw", _("withdraw")
    SELECT = "select", _("select")
    NOT_SELECT = "not_select", _("not select")


C, A = CallState, ApplicationState

CALL_MOVES: dict[str, tuple[frozenset[str], str]] = {
    CallAction.EDIT: (frozenset({C.DRAFT, C.PUBLISHED}), ""),  # "" stays where it is
    CallAction.PUBLISH: (frozenset({C.DRAFT}), C.PUBLISHED),
    CallAction.CLOSE: (frozenset({C.PUBLISHED}), C.CLOSED),
    CallAction.DECIDE: (frozenset({C.CLOSED}), C.DECIDED),
    CallAction.CANCEL: (frozenset({C.DRAFT, C.PUBLISHED, C.CLOSED}), C.CANCELLED),
}

APPLICATION_MOVES: dict[str, tuple[frozenset[str], str]] = {
    # A withdrawn application may be sent again while the call is open: one application per unit.
    ApplicationAction.SUBMIT: (frozenset({A.SUBMITTED, A.WITHDRAWN}), A.SUBMITTED),
    ApplicationAction.WITHDRAW: (frozenset({A.SUBMITTED}), A.WITHDRAWN),
    ApplicationAction.SELECT: (frozenset({A.SUBMITTED}), A.SELECTED),
    ApplicationAction.NOT_SELECT: (frozenset({A.SUBMITTED}), A.NOT_SELECTED),
}

# The call's state each application action needs: units write while it is open, the office decides after.
CALL_STATE_FOR: dict[str, str] = {
    ApplicationAction.SUBMIT: C.PUBLISHED,
    ApplicationAction.WITHDRAW: C.PUBLISHED,
    ApplicationAction.SELECT: C.CLOSED,
    ApplicationAction.NOT_SELECT: C.CLOSED,
}

CALL_REFUSALS: dict[str, Promise] = {
    CallAction.EDIT: _("This open call is %(state)s: it can no longer be edited."),
    CallAction.PUBLISH: _("Only a draft is published; this open call is %(state)s."),
    CallAction.CLOSE: _("Only an open call is closed; this one is %(state)s."),
    CallAction.DECIDE: _("Applications are decided once the call is closed; this one is %(state)s."),
    CallAction.CANCEL: _("This open call is %(state)s: it can no longer be cancelled."),
}

APPLICATION_REFUSALS: dict[str, Promise] = {
    ApplicationAction.SUBMIT: _("This application is %(state)s: it can no longer be changed."),
    ApplicationAction.WITHDRAW: _("This application is %(state)s: it cannot be withdrawn."),
    ApplicationAction.SELECT: _("This application is %(state)s: it cannot be selected."),
    ApplicationAction.NOT_SELECT: _("This application is %(state)s: it cannot be marked not selected."),
}

APPLICATION_CALL_REFUSALS: dict[str, Promise] = {
    ApplicationAction.SUBMIT: _("Applications are taken only while the call is open; it is %(state)s."),
    ApplicationAction.WITHDRAW: _(
        "An application is withdrawn only while the call is open; it is %(state)s."
    ),
    ApplicationAction.SELECT: _("Applications are selected once the call is closed; it is %(state)s."),
    ApplicationAction.NOT_SELECT: _("Applications are decided once the call is closed; it is %(state)s."),
}


def call_allows(state: str, action: str) -> bool:
    return state in CALL_MOVES[action][0]


def call_move(state: str, action: str) -> str:
    """The state a call in `state` reaches by `action`; ValidationError if the table does not allow it."""
    starts, to = CALL_MOVES[action]
    if state not in starts:
        raise ValidationError(
            {"state": str(CALL_REFUSALS[action] % {"state": CallState(state).label})}, code="illegal"
        )
    return to or state


def application_move(state: str, action: str, call_state: str) -> str:
    """The state an application reaches by `action` while its call is in `call_state`; ValidationError
    if either machine refuses."""
    if call_state != CALL_STATE_FOR[action]:
        message = APPLICATION_CALL_REFUSALS[action] % {"state": CallState(call_state).label}
        raise ValidationError({"state": str(message)}, code="illegal")
    starts, to = APPLICATION_MOVES[action]
    if state not in starts:
        message = APPLICATION_REFUSALS[action] % {"state": ApplicationState(state).label}
        raise ValidationError({"state": str(message)}, code="illegal")
    return to
