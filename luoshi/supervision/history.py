"""An item's timeline, read from the audit trail (as a task's history is): who did what when, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.supervision.models import SupervisionItem

STEPS: dict[str, Promise] = {
    Action.SUPERVISION_CREATE: _("issued the item"),
    Action.SUPERVISION_SIGN: _("signed for the item"),
    Action.SUPERVISION_START: _("started work on the item"),
    Action.SUPERVISION_FEEDBACK: _("sent feedback to the office"),
    Action.SUPERVISION_RETURN: _("returned the feedback for rework"),
    Action.SUPERVISION_CLOSE: _("closed the item"),
    Action.SUPERVISION_EXTENSION_REQUEST: _("asked for an extension"),
    Action.SUPERVISION_EXTENSION_GRANT: _("granted the extension"),
    Action.SUPERVISION_EXTENSION_DENY: _("denied the extension"),
    Action.SUPERVISION_NOTE: _("wrote the co-unit's note"),
    Action.SUPERVISION_ESCALATE: _("escalated the overdue item"),
}
# These are recorded on the item (its state or deadline) and on the feedback or request they concern: the
# timeline tells them once, from the latter, which holds the words.
TOLD_BY_DETAIL = {Action.SUPERVISION_FEEDBACK, Action.SUPERVISION_RETURN, Action.SUPERVISION_EXTENSION_GRANT}
TEXT_OF: dict[str, str] = {
    Action.SUPERVISION_FEEDBACK: "statement",
    Action.SUPERVISION_RETURN: "reason",
    Action.SUPERVISION_EXTENSION_REQUEST: "reason",
    Action.SUPERVISION_EXTENSION_GRANT: "decision_reason",
    Action.SUPERVISION_EXTENSION_DENY: "decision_reason",
    Action.SUPERVISION_NOTE: "text",
    Action.SUPERVISION_ESCALATE: "step",  # the rung's name
}


@dataclass
class Step:
    kind: str
    at: dt.datetime
    actor: str
    label: str
    text: str = ""
    new_due: str = ""  # an extension's date asked for


def timeline(item: SupervisionItem) -> list[Step]:
    """Every step of the item, oldest first, in one query."""
    own = SupervisionItem._meta.label_lower
    events = AuditEvent.objects.filter(
        subject_type=own, subject_id=str(item.pk), action__in=list(STEPS)
    ).order_by("id")
    steps = []
    for e in events:
        if e.action in TOLD_BY_DETAIL and e.object_type == own:
            continue
        after = e.after or {}
        field = TEXT_OF.get(e.action)
        steps.append(
            Step(
                kind=e.action.split(".")[-1],
                at=e.occurred_at,
                actor=e.actor_name,
                label=str(STEPS[e.action]),
                text=str(after.get(field) or "") if field else "",
                new_due=str(after.get("requested_due") or "")
                if e.action == Action.SUPERVISION_EXTENSION_REQUEST
                else "",
            )
        )
    return steps
