"""The office cancels a task (撤销) or moves its deadline (调整完成时限): always with a reason, audited, told.

Kept apart from plans.services, which holds the task's ordinary writes: these two are the office's
corrections of a task already under way, and every one leaves an Adjustment row, so that a moved deadline
shows as moved wherever the task is counted (Task.first_due) and a cancelled task names why.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.events import tasks_changed
from luoshi.core.forms import EARLIEST, LATEST
from luoshi.core.services import require
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Role, User
from luoshi.plans.models import Adjustment, Delivery, Task

REASON_MAX = 2000


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason: the units and the leader are told it.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason within %(n)s characters.") % {"n": REASON_MAX}})
    return text


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "leader", "owner", "parent")
        .get(pk=task.pk)
    )


def _subtree(task: Task) -> Q:
    """The tasks handed down from `task`, at any depth (they share its list and its sort path)."""
    return Q(task_list_id=task.task_list_id, sort_path__startswith=task.sort_path + ".")


@transaction.atomic
def change_deadline(*, task: Task, by: User, new_due: dt.date, reason: str) -> Task:
    """Move an open task's deadline, keeping the first one (Task.first_due) so the move always shows.

    The new deadline keeps the task's own rules: not before its start, within its parent's deadline (as
    when it was handed down), not before a subtask's or a milestone's date (move those first).
    """
    require(policy.can_edit_task(by, task))
    text = _reason(reason)
    current = _locked(task)
    if current.is_cancelled:
        raise ValidationError({"new_due": _("This task was cancelled: its deadline no longer applies.")})
    if current.is_done:
        raise ValidationError({"new_due": _("This task is already done: its deadline cannot move.")})
    _check_new_due(current, new_due)
    before = snapshot(current)
    previous = current.due
    current.first_due = current.first_due or previous
    current.due, current.version = new_due, current.version + 1
    current.save(update_fields=["due", "first_due", "version", "updated_at"])
    adjustment = Adjustment.objects.create(
        task=current,
        kind=Adjustment.Kind.DEADLINE,
        previous_due=previous,
        new_due=new_due,
        reason=text,
        by=by,
        at=clock.now(),
    )
    _record(current, adjustment, Action.TASK_DEADLINE, before, by)
    _tell(
        current,
        adjustment,
        kind="task_deadline_moved",
        params={"previous": previous.isoformat(), "new": new_due.isoformat()},
        by=by,
    )
    tasks_changed([current.pk])
    return current


def _check_new_due(task: Task, new_due: dt.date) -> None:
    if not EARLIEST <= new_due <= LATEST:
        raise ValidationError(
            {
                "new_due": _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.year, "latest": LATEST.year}
            }
        )
    if new_due == task.due:
        raise ValidationError({"new_due": _("This is the present deadline: choose another date.")})
    if new_due < task.start:
        raise ValidationError({"new_due": _("The deadline cannot be before the start.")})
    parent = task.parent
    # As plans.services.create_task checks a subtask handed down: it runs within its parent's dates.
    if parent is not None and new_due > parent.due:
        raise ValidationError(
            {
                "new_due": _("A subtask must run within its parent's dates (%(start)s – %(due)s).")
                % {"start": parent.start, "due": parent.due}
            }
        )
    later = Task.objects.filter(_subtree(task), due__gt=new_due).open().order_by("-due").first()
    if later is not None:
        raise ValidationError(
            {
                "new_due": _("Subtask %(code)s is due on %(due)s: move its deadline first.")
                % {"code": later.code, "due": later.due}
            }
        )
    milestone = task.milestones.filter(due__gt=new_due).order_by("-due").first()
    if milestone is not None:
        raise ValidationError(
            {
                "new_due": _("Milestone “%(title)s” is due on %(due)s: move it first.")
                % {"title": milestone.title, "due": milestone.due}
            }
        )


@transaction.atomic
def cancel_task(*, task: Task, by: User, reason: str) -> Task:
    """Cancel (撤销) a task that is not done, and with it the open subtasks handed down from it.

    An office that withdraws a task withdraws the work handed down for it: leaving the subtasks open would
    keep units reporting on, and being chased for, work that no longer exists, and refusing until each is
    cancelled by hand would make the office do bottom-up what it decided once. Each subtask gets its own
    adjustment, audit event and notices, with the same reason; done subtasks stay done.

    A delivery (交账) awaiting the office is decided first, here or on a subtask: the unit says the work is
    done, and only the office can say whether it is — cancelling over it would hide that answer.
    """
    require(policy.can_edit_task(by, task))
    text = _reason(reason)
    current = _locked(task)
    if current.is_cancelled:
        raise ValidationError({"reason": _("This task was already cancelled.")})
    if current.is_done:
        raise ValidationError({"reason": _("This task is already done: it cannot be cancelled.")})
    subtasks = list(
        Task.objects.select_for_update(of=("self",))
        .filter(_subtree(current))
        .open()
        .select_related("lead_unit", "leader", "owner")
        .order_by("sort_path")
    )
    waiting = (
        Delivery.objects.filter(task__in=[current, *subtasks], state=Delivery.State.SUBMITTED)
        .select_related("task")
        .order_by("task__sort_path")
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            {
                "reason": _(
                    "Task %(code)s was declared done and awaits your decision: accept or reject "
                    "the delivery before cancelling."
                )
                % {"code": waiting.task.code}
            }
        )
    today = clock.today()
    for each in [current, *subtasks]:
        before = snapshot(each)
        each.cancelled_on, each.version = today, each.version + 1
        each.save(update_fields=["cancelled_on", "version", "updated_at"])
        adjustment = Adjustment.objects.create(
            task=each, kind=Adjustment.Kind.CANCEL, previous_due=each.due, reason=text, by=by, at=clock.now()
        )
        _record(each, adjustment, Action.TASK_CANCEL, before, by)
        _tell(each, adjustment, kind="task_cancelled", params={}, by=by)
    tasks_changed([current.pk, *(s.pk for s in subtasks)])
    return current


def _record(task: Task, adjustment: Adjustment, action: Action, before: dict[str, object], by: User) -> None:
    """One event on the task: its fields before and after, with the reason and the adjustment it made."""
    after = snapshot(task) | {"reason": adjustment.reason, "adjustment_id": adjustment.pk}
    record(actor=by, action=action, obj=task, before=before, after=after)


def _told(task: Task) -> list[User]:
    """Who hears of an adjustment: the lead unit's and co-units' liaisons and heads, and the task's
    responsible leader and person."""
    units = [task.lead_unit_id, *task.co_units.values_list("pk", flat=True)]
    people = list(
        User.objects.filter(unit__in=units, role__in=(Role.LIAISON, Role.UNIT_HEAD), is_active=True).order_by(
            "unit__path", "id"
        )
    )
    people += [p for p in (task.leader, task.owner) if p is not None and p.is_active]
    return people


def _tell(task: Task, adjustment: Adjustment, *, kind: str, params: dict[str, str], by: User) -> None:
    notify(
        recipients=_told(task),
        kind=kind,
        params={"task": str(task), "reason": adjustment.reason, **params},
        key=f"{kind}:{adjustment.pk}",
        url=f"/tasks/{task.pk}/",
        units=[task.lead_unit, *task.co_units.all()],
        by=by,
    )
