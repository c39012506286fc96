"""A task's history of changes, read from the audit trail and made readable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import changed
from luoshi.orgs.models import Unit, User
from luoshi.plans.models import Milestone, Task

ACTIONS = {
    "task.create": _("created the task"),
    "task.decompose": _("handed this task down as a subtask"),
    "task.update": _("changed the task"),
    "task.complete": _("recorded the task as done"),
    "task.progress": _("updated the progress from an accepted report"),
    "milestone.create": _("added a milestone"),
    "milestone.update": _("changed a milestone"),
    "milestone.delete": _("deleted a milestone"),
    "pledge.sign": _("signed a pledge"),
}
HIDDEN = {"version", "updated_at", "created_at", "sort_path", "id", "task_id"}


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


def _label(model: type, attname: str) -> str:
    name = attname.removesuffix("_id")
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def task_history(task: Task, limit: int = 50) -> list[HistoryEntry]:
    """The newest events about the task, its milestones and pledges, naming fields, units and people."""
    related = Q(object_type__in=["plans.milestone", "plans.pledge"]) & (
        Q(after__task_id=task.pk) | Q(before__task_id=task.pk)
    )
    events = list(
        AuditEvent.objects.filter(Q(object_type="plans.task", object_id=str(task.pk)) | related).order_by(
            "-id"
        )[:limit]
    )
    unit_ids: set[int] = set()
    user_ids: set[int] = set()
    for e in events:
        for snap in (e.before or {}, e.after or {}):
            unit_ids.update(v for k in ("lead_unit_id", "issuer_id") if isinstance(v := snap.get(k), int))
            unit_ids.update(snap.get("co_units") or [])
            user_ids.update(v for k in ("leader_id", "owner_id") if isinstance(v := snap.get(k), int))
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    people = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)}

    def show(key: str, value: Any) -> Any:
        if key in ("lead_unit_id", "issuer_id"):
            return units.get(value, value)
        if key in ("leader_id", "owner_id"):
            return people.get(value, value)
        if key == "co_units":
            return "、".join(str(units.get(v, v)) for v in value or [])
        return value

    entries = []
    for e in events:
        model = Task if e.object_type == "plans.task" else Milestone
        diffs = changed(e.before or {}, e.after or {}) if e.before and e.after else {}
        changes = [
            Change(_label(model, k), show(k, b), show(k, a)) for k, (b, a) in diffs.items() if k not in HIDDEN
        ]
        entries.append(HistoryEntry(event=e, label=str(ACTIONS.get(e.action, e.action)), changes=changes))
    return entries
