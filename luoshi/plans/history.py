"""A task's history, read from the audit trail and made readable.

The history is every event whose subject is the task: its own, and those of its milestones, pledges,
reports and their evidence (audit.subjects). Higher apps name the ids their snapshots hold through
`name_with`, as they add panels to the page, so that nothing here imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import changed
from luoshi.core.actions import Action
from luoshi.orgs.models import Unit, User
from luoshi.plans.models import Milestone, Pledge, Task

# Keyed by str: an event's stored action is the plain string, which equals its Action member.
ACTIONS: dict[str, Promise] = {
    Action.TASK_CREATE: _("created the task"),
    Action.TASK_DECOMPOSE: _("handed this task down as a subtask"),
    Action.TASK_UPDATE: _("changed the task"),
    Action.TASK_COMPLETE: _("recorded the task as done"),
    Action.TASK_PROGRESS: _("updated the progress from an accepted report"),
    Action.TASK_ESCALATE: _("escalated the task: %(step)s"),
    Action.TASK_DEADLINE: _("moved the deadline"),
    Action.TASK_CANCEL: _("cancelled the task"),
    Action.MILESTONE_CREATE: _("added a milestone"),
    Action.MILESTONE_UPDATE: _("changed a milestone"),
    Action.MILESTONE_DELETE: _("deleted a milestone"),
    Action.MILESTONE_CONFIRM: _("confirmed a milestone reached"),
    Action.PLEDGE_SIGN: _("signed a pledge"),
    Action.DELIVERY_SUBMIT: _("declared the task done"),
    Action.DELIVERY_ACCEPT: _("accepted the delivery"),
    Action.DELIVERY_REJECT: _("rejected the delivery; the task stays open"),
    Action.CONTRIBUTION_SUBMIT: _("wrote the co-unit's contribution to the delivery"),
    Action.DELIVERY_FILE_ADD: _("attached a file to the delivery"),
    Action.DELIVERY_FILE_REMOVE: _("removed a file from a contribution before it was delivered"),
    Action.REPORT_CREATE: _("added the task to %(cycle)s, which was open: its report is due there"),
    Action.REPORT_SAVE: _("saved a draft of the report for %(cycle)s"),
    Action.REPORT_SUBMIT: _("submitted the report for %(cycle)s"),
    Action.REPORT_SUBMIT_TO_HEAD: _("submitted the report for %(cycle)s to the unit head"),
    Action.REPORT_APPROVE: _("approved the report for %(cycle)s as the unit head"),
    Action.REPORT_RETURN: _("returned the report for %(cycle)s"),
    Action.REPORT_ACCEPT: _("accepted the report for %(cycle)s"),
    Action.REPORT_EVIDENCE: _("attached evidence to a report"),
    Action.REPORT_EVIDENCE_REMOVE: _("removed evidence from a report before sending it"),
    Action.REPORT_REMIND: _("reminded the unit that a report is due"),
    Action.REPORT_LATE: _("marked a report late"),
    Action.REPORT_WITHDRAW: _("withdrew the unsent report for %(cycle)s: the task was cancelled"),
}
# The office's adjustments (plans.adjustments) give their reason; the event says what it was for.
ADJUSTMENTS = {Action.TASK_DEADLINE, Action.TASK_CANCEL}
# A milestone's delivery (its snapshot names the milestone) reads as such.
MILESTONE_DELIVERY: dict[str, Promise] = {
    Action.DELIVERY_SUBMIT: _("declared a milestone reached"),
    Action.DELIVERY_ACCEPT: _("accepted the milestone delivery: the milestone is reached"),
    Action.DELIVERY_REJECT: _("rejected the milestone delivery; the milestone stays open"),
}
# The models whose changes are listed field by field, and the ones an entry names ("added a milestone: …").
LISTED = {"plans.task": Task, "plans.milestone": Milestone, "plans.pledge": Pledge}
NAMED = {"plans.milestone", "plans.pledge", "dispatch.evidence", "plans.deliveryfile"}
STATED = {Action.DELIVERY_SUBMIT, Action.CONTRIBUTION_SUBMIT}  # entries that show what was declared
HIDDEN = {"version", "updated_at", "created_at", "sort_path", "id", "task_id", "reason", "adjustment_id"}


@dataclass
class Change:
    field: str
    before: Any
    after: Any


@dataclass
class HistoryEntry:
    event: AuditEvent
    label: str
    changes: list[Change]
    detail: str = ""  # the milestone, pledge or file the event is about
    reason: str = ""  # why a report was returned, a delivery rejected, a deadline moved or the task cancelled
    reason_label: str = ""  # how the reason is introduced, when not as a return ("Returned:")


Namer = Callable[[set[int]], dict[int, str]]


def _unit_names(ids: set[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _people_names(ids: set[int]) -> dict[int, str]:
    return {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)}


# Snapshot keys whose ids are shown by name, and how to name them: one query per namer.
NAMERS: dict[str, Namer] = {
    "lead_unit_id": _unit_names,
    "issuer_id": _unit_names,
    "co_units": _unit_names,
    "leader_id": _people_names,
    "owner_id": _people_names,
}


def name_with(key: str, namer: Namer) -> Namer:
    """Show the ids under `key` in snapshots by the names `namer` gives them (from an AppConfig.ready())."""
    NAMERS[key] = namer
    return namer


def _label(model: type[models.Model], attname: str) -> str:
    name = attname.removesuffix("_id")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def task_history(task: Task, limit: int = 50) -> list[HistoryEntry]:
    """The newest events of the task's history, naming fields, units, people and cycles."""
    events = list(AuditEvent.objects.about(task).order_by("-id")[:limit])
    wanted: dict[Namer, set[int]] = {}
    for e in events:
        for snap in (e.before or {}, e.after or {}):
            for key, namer in NAMERS.items():
                value = snap.get(key)
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(namer, set()).update(v for v in ids if isinstance(v, int))
    names = {namer: namer(ids) if ids else {} for namer, ids in wanted.items()}

    def show(key: str, value: Any) -> Any:
        if key not in NAMERS:
            return value
        known = names.get(NAMERS[key], {})
        if isinstance(value, list):
            return "、".join(str(known.get(v, v)) for v in value)
        return known.get(value, value)

    return [_entry(e, show) for e in events]


def _reason(action: str, after: dict[str, Any]) -> str:
    if action == Action.REPORT_RETURN:
        return str(after.get("review_comment", ""))
    if action == Action.DELIVERY_REJECT or action in ADJUSTMENTS:
        return str(after.get("reason", ""))
    return ""


def _entry(e: AuditEvent, show: Callable[[str, Any], Any]) -> HistoryEntry:
    before, after = e.before or {}, e.after or {}
    label = ACTIONS.get(e.action, e.action)
    if e.action in MILESTONE_DELIVERY and (after.get("milestone_id") or before.get("milestone_id")):
        label = MILESTONE_DELIVERY[e.action]
    cycle = show("cycle_id", after.get("cycle_id", before.get("cycle_id")))
    text = str(label) % {"cycle": cycle, "step": after.get("step", "")}
    changes = []
    if (model := LISTED.get(e.object_type)) and before and after:
        changes = [
            Change(_label(model, k), show(k, b), show(k, a))
            for k, (b, a) in changed(before, after).items()
            if k not in HIDDEN
        ]
    return HistoryEntry(
        event=e,
        label=text,
        changes=changes,
        detail=(
            str(after.get("statement", ""))
            if e.action in STATED
            else e.object_repr
            if e.object_type in NAMED
            else ""
        ),
        reason=_reason(e.action, after),
        reason_label=str(_("Reason:")) if e.action in ADJUSTMENTS else "",
    )
