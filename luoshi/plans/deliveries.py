"""交账 (closing work, 真交账、交真账): the lead unit declares a task, or one of its milestones, done with
evidence; each co-unit writes its contribution (配合单位完成情况), gathered into the lead unit's delivery;
the office accepts it (done, or done late) or rejects it with reasons. Each write is audited.

A co-unit writes its contribution while the task is open and may rewrite it until it is gathered: when the
lead unit declares the whole task done, every pending contribution joins that delivery, and one written
while a delivery awaits the office joins it at once. A milestone's delivery stands on the lead unit's own
statement: contributions are for the task's final account. Files follow the rules of a report's evidence
(core.attachments); a delivery's are frozen once sent, a pending contribution's can be taken off again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.attachments import (
    StoredFiles,
    atomic_with_files,
    delete_on_commit,
    upload_errors,
)
from luoshi.core.events import tasks_changed
from luoshi.core.services import require
from luoshi.notify import outbound
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of_units, supervisors_over
from luoshi.plans.models import Contribution, Delivery, DeliveryFile, Milestone, Task
from luoshi.plans.services import complete_task, confirm_milestone

logger = logging.getLogger(__name__)


# Reads -------------------------------------------------------------------------------------------------


def can_deliver(user: Any, task: Task) -> bool:
    """A liaison or head of the task's lead unit (or of a unit above it) declares it done (交账)."""
    return policy.can_report_for(user, task.lead_unit)


def can_contribute(user: Any, task: Task) -> bool:
    return bool(contributing_units(user, task))


def contributing_units(user: Any, task: Task) -> list[Unit]:
    """The task's co-units whose contribution the user may write: those they report for."""
    return [unit for unit in task.co_units.all() if policy.can_report_for(user, unit)]


def open_delivery(task: Task) -> Delivery | None:
    """The whole task's delivery awaiting the office, if there is one."""
    return (
        task.deliveries.filter(state=Delivery.State.SUBMITTED, milestone__isnull=True)
        .select_related("by")
        .first()
    )


def is_closed(task: Task) -> bool:
    """Done or cancelled: nothing more is delivered or contributed."""
    return task.completed_on is not None or task.cancelled_on is not None


@dataclass
class MilestoneState:
    milestone: Milestone
    open: Delivery | None  # its delivery awaiting the office
    last_rejected: Delivery | None  # the latest rejection while it is still open
    accepted: Delivery | None = None  # the delivery that made it reached

    @property
    def has_news(self) -> bool:
        return bool(self.open or self.last_rejected or self.accepted)


@dataclass
class CoUnitState:
    unit: Unit
    contribution: Contribution | None  # pending, or gathered into the delivery awaiting the office
    can_write: bool = False


@dataclass
class Closing:
    """What the task page shows of the closing work, read in a handful of queries."""

    delivery: Delivery | None  # the whole task's, awaiting the office
    decided: list[Delivery]  # decided deliveries of the whole task, newest first
    co_units: list[CoUnitState]
    milestones: list[MilestoneState]
    can_deliver: bool
    can_decide: bool
    declared_late: bool = False  # the open delivery was declared after the deadline
    missing: list[Unit] = field(default_factory=list)  # co-units without a contribution yet

    @property
    def shown(self) -> bool:
        writes = self.can_deliver or any(c.can_write for c in self.co_units)
        return bool(self.delivery or self.decided or writes or self.shows_milestones)

    @property
    def shows_milestones(self) -> bool:
        """The lead unit sees every milestone it may deliver; the others those with a delivery."""
        return self.can_deliver and bool(self.milestones) or any(m.has_news for m in self.milestones)


def closing_for(user: Any, task: Task) -> Closing:
    """The delivery awaiting the office, the decided ones, each co-unit's contribution and each milestone's
    delivery, and what the user may do about them."""
    deliveries = list(
        task.deliveries.select_related("by", "decided_by", "milestone")
        .prefetch_related("files__uploaded_by", "contributions__unit", "contributions__by")
        .prefetch_related("contributions__files__uploaded_by")
        .order_by("-at", "-id")
    )
    whole = [d for d in deliveries if d.milestone_id is None]
    awaiting = next((d for d in whole if d.state == Delivery.State.SUBMITTED), None)
    pending = {
        c.unit_id: c
        for c in task.contributions.filter(delivery__isnull=True)
        .select_related("by")
        .prefetch_related("files__uploaded_by")
    }
    if awaiting is not None:
        pending |= {c.unit_id: c for c in awaiting.contributions.all()}
    open_task = not is_closed(task)
    co_units = [
        CoUnitState(unit, pending.get(unit.pk), open_task and policy.can_report_for(user, unit))
        for unit in task.co_units.order_by("path")
    ]
    milestones = []
    for m in task.milestones.all():
        own = [d for d in deliveries if d.milestone_id == m.pk]
        milestones.append(
            MilestoneState(
                milestone=m,
                open=next((d for d in own if d.state == Delivery.State.SUBMITTED), None),
                last_rejected=(
                    next((d for d in own if d.state == Delivery.State.REJECTED), None)
                    if m.reached_on is None
                    else None
                ),
                accepted=next((d for d in own if d.state == Delivery.State.ACCEPTED), None),
            )
        )
    return Closing(
        delivery=awaiting,
        decided=[d for d in whole if d.state != Delivery.State.SUBMITTED],
        co_units=co_units,
        milestones=milestones,
        can_deliver=open_task and can_deliver(user, task),
        can_decide=policy.can_edit_task(user, task),
        declared_late=awaiting is not None and clock.local(awaiting.at).date() > task.due,
        missing=[c.unit for c in co_units if c.contribution is None],
    )


# Who is told -------------------------------------------------------------------------------------------


def _task_url(task: Task) -> str:
    return f"/tasks/{task.pk}/#closing"


def _tell_office(delivery: Delivery, task: Task, *, by: User) -> None:
    """交账待验收: the supervisors over the issuing office hear of a delivery once."""
    params = {"task": str(task), "unit": task.lead_unit.name}
    kind = "delivery_submitted"
    if delivery.milestone is not None:
        kind, params["milestone"] = "milestone_delivery_submitted", delivery.milestone.title
    notify(
        recipients=supervisors_over(task.issuer),
        kind=kind,
        params=params,
        key=f"delivery_submitted:{delivery.pk}",
        url=_task_url(task),
        by=by,
    )


def _tell_missing_co_units(delivery: Delivery, task: Task, missing: Sequence[Unit], *, by: User) -> None:
    """A co-unit that has not written its contribution hears that the lead unit's delivery awaits it."""
    if not missing:
        return
    notify(
        recipients=people_of_units(missing),
        kind="contribution_awaited",
        params={"task": str(task), "unit": task.lead_unit.name},
        key=f"contribution_awaited:{delivery.pk}",
        url=_task_url(task),
        units=missing,
        by=by,
    )


def _tell_units(delivery: Delivery, task: Task, *, kind: str, params: dict[str, Any], by: User) -> None:
    """The lead unit and the co-units hear the office's decision, once."""
    units = [task.lead_unit, *task.co_units.all()] if delivery.milestone_id is None else [task.lead_unit]
    notify(
        recipients=people_of_units(units),
        kind=kind,
        params={"task": str(task), **params},
        key=f"delivery_decided:{delivery.pk}",
        url=_task_url(task),
        units=units,
        by=by,
    )


# Files -------------------------------------------------------------------------------------------------


def _store(
    files: StoredFiles,
    *,
    task: Task,
    by: User,
    uploads: Sequence[UploadedFile[bytes]],
    delivery: Delivery | None = None,
    contribution: Contribution | None = None,
) -> list[DeliveryFile]:
    """Store checked uploads on the delivery or the contribution, each audited. A file whose content it
    already holds (sent again, or twice in one go) is not stored again."""
    owner: Delivery | Contribution | None = delivery or contribution
    assert owner is not None
    made = files.store_uploads(
        uploads,
        lambda **f: DeliveryFile(
            task=task, delivery=delivery, contribution=contribution, uploaded_by=by, **f
        ),
        held={f.sha256: f for f in owner.files.all()},
    )
    for row in (row for row, new in made if new):
        record(actor=by, action=Action.DELIVERY_FILE_ADD, obj=row, after=snapshot(row))
    return [row for row, _new in made]


def remove_delivery_file(*, file: DeliveryFile, by: User) -> None:
    """Take a file off a co-unit's contribution that is not yet gathered; a delivery's files, and those of a
    contribution sent with it, stay as the office received them."""
    if file.contribution_id is None:
        require(can_deliver(by, file.task))
        raise ValidationError({"evidence": _("Files sent with a delivery cannot be removed.")})
    contribution = file.contribution
    assert contribution is not None
    require(policy.can_report_for(by, contribution.unit))
    with transaction.atomic():
        current = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if current.delivery_id is not None:
            raise ValidationError(
                {"evidence": _("This contribution is part of a delivery already; its files stay as sent.")}
            )
        row = DeliveryFile.objects.filter(pk=file.pk, contribution=current).first()
        if row is None:  # removed meanwhile, by a twin request: nothing is left to do
            return
        record(actor=by, action=Action.DELIVERY_FILE_REMOVE, obj=row, before=snapshot(row))
        row.delete()
        delete_on_commit([row.file])


# Writes ------------------------------------------------------------------------------------------------


def submit_contribution(
    *,
    task: Task,
    unit: Unit,
    by: User,
    statement: str,
    uploads: Sequence[UploadedFile[bytes]] = (),
) -> Contribution:
    """A co-unit writes (or rewrites) its contribution to the task, with files.

    It waits for the lead unit's delivery, or joins the one already awaiting the office. Durable (a
    RuntimeError inside another transaction): one that fails stores no file.
    """
    require(policy.can_report_for(by, unit))
    with atomic_with_files() as files:
        current = Task.objects.select_for_update().get(pk=task.pk)
        if not current.co_units.filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("%(unit)s is not a co-unit of this task.") % {"unit": unit.name}}
            )
        if is_closed(current):
            raise ValidationError({"statement": _("This task is closed; contributions are no longer taken.")})
        awaiting = open_delivery(current)
        if awaiting is not None and awaiting.contributions.filter(unit=unit).exists():
            raise ValidationError(
                {
                    "statement": _(
                        "Your unit's contribution is with the office already, in the delivery it is deciding."
                    )
                }
            )
        errors: dict[str, str | list[str]] = {}
        if not statement.strip():
            errors["statement"] = _("Say what your unit did for this task.")
        if bad := upload_errors(uploads):
            errors["evidence"] = bad
        if errors:
            raise ValidationError(errors)
        contribution = (
            Contribution.objects.select_for_update()
            .filter(task=current, unit=unit, delivery__isnull=True)
            .first()
        )
        before = snapshot(contribution) if contribution is not None else None
        if contribution is None:
            contribution = Contribution(task=current, unit=unit)
        contribution.statement, contribution.by, contribution.at = statement.strip(), by, clock.now()
        contribution.delivery = awaiting
        contribution.save()
        _store(files, task=current, by=by, uploads=uploads, contribution=contribution)
        record(
            actor=by,
            action=Action.CONTRIBUTION_SUBMIT,
            obj=contribution,
            before=before,
            after=snapshot(contribution),
        )
        return contribution


def submit_delivery(
    *,
    task: Task,
    by: User,
    statement: str,
    milestone: Milestone | None = None,
    uploads: Sequence[UploadedFile[bytes]] = (),
) -> Delivery:
    """The lead unit declares the task (or `milestone`) done, with files, for the office to accept or
    reject. One open at a time for the task and for each milestone. A whole task's delivery gathers the
    co-units' pending contributions; the office is told, and so is each co-unit still missing.

    Durable (a RuntimeError inside another transaction): one that fails stores no file.
    """
    require(can_deliver(by, task))
    with atomic_with_files() as files:
        current = (
            Task.objects.select_for_update(of=("self",)).select_related("issuer", "lead_unit").get(pk=task.pk)
        )
        if current.completed_on is not None:
            raise ValidationError({"statement": _("This task is already done.")})
        if current.cancelled_on is not None:
            raise ValidationError({"statement": _("This task was cancelled by the office.")})
        if milestone is not None:
            _check_milestone_open(current, milestone)
        elif open_delivery(current) is not None:
            raise ValidationError({"statement": _("This task's delivery already awaits the office.")})
        errors: dict[str, str | list[str]] = {}
        if not statement.strip():
            errors["statement"] = _("Say what was done.")
        if bad := upload_errors(uploads):
            errors["evidence"] = bad
        if errors:
            raise ValidationError(errors)
        delivery = Delivery(
            task=current, milestone=milestone, statement=statement.strip(), by=by, at=clock.now()
        )
        delivery.full_clean(exclude=["task", "milestone", "by"], validate_constraints=False)
        delivery.save()
        gathered: list[int] = []
        missing: list[Unit] = []
        if milestone is None:
            pending = current.contributions.filter(delivery__isnull=True)
            gathered = sorted(pending.values_list("pk", flat=True))
            pending.update(delivery=delivery)
            contributed = set(delivery.contributions.values_list("unit_id", flat=True))
            missing = [u for u in current.co_units.order_by("path") if u.pk not in contributed]
        stored = _store(files, task=current, by=by, uploads=uploads, delivery=delivery)
        after = snapshot(delivery) | {"contributions": gathered, "files": [f.pk for f in stored]}
        record(actor=by, action=Action.DELIVERY_SUBMIT, obj=delivery, after=after)
        _tell_office(delivery, current, by=by)
        _tell_missing_co_units(delivery, current, missing, by=by)
        tasks_changed([current.pk])
        return delivery


def _check_milestone_open(task: Task, milestone: Milestone) -> None:
    if milestone.task_id != task.pk:
        raise ValidationError({"milestone": _("This milestone belongs to another task.")})
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if current.reached_on is not None:
        raise ValidationError({"milestone": _("This milestone was already confirmed reached.")})
    if current.deliveries.filter(state=Delivery.State.SUBMITTED).exists():
        raise ValidationError({"milestone": _("This milestone's delivery already awaits the office.")})


def _open_for_decision(delivery: Delivery, by: User) -> Delivery:
    require(policy.can_edit_task(by, delivery.task))
    current = (
        Delivery.objects.select_for_update(of=("self", "task"))
        .select_related("task__lead_unit", "task__issuer", "milestone")
        .get(pk=delivery.pk)
    )
    if current.state != Delivery.State.SUBMITTED:
        raise ValidationError({"state": _("This delivery was already decided.")})
    if current.task.cancelled_on is not None:
        raise ValidationError({"state": _("This task was cancelled by the office.")})
    return current


@transaction.atomic
def accept_delivery(*, delivery: Delivery, by: User) -> Delivery:
    """The office accepts the delivery. A whole task is done on the day it was declared (late if after the
    deadline), so its light turns done and it leaves the overdue counts at once; a milestone is confirmed
    reached on that day, and the task goes on."""
    current = _open_for_decision(delivery, by)
    before = snapshot(current)
    current.state, current.decided_by, current.decided_at = Delivery.State.ACCEPTED, by, clock.now()
    current.save(update_fields=["state", "decided_by", "decided_at"])
    record(actor=by, action=Action.DELIVERY_ACCEPT, obj=current, before=before, after=snapshot(current))
    task, declared = current.task, clock.local(current.at).date()
    outbound.emit(
        "delivery.accepted",
        unit=task.lead_unit,
        data={
            "delivery": current.pk,
            "task": {"id": task.pk, "code": task.code, "title": task.title},
            "milestone": None
            if current.milestone is None
            else {"id": current.milestone.pk, "title": current.milestone.title},
            "state": current.state,
            "url": f"/tasks/{task.pk}/",
        },
        key=f"delivery.accepted:{current.pk}",
    )
    milestone = current.milestone
    if milestone is not None:
        if Milestone.objects.filter(pk=milestone.pk, reached_on__isnull=True).exists():
            confirm_milestone(milestone=milestone, by=by, on=declared)  # sends tasks_changed
        params = {"milestone": milestone.title, "date": declared.isoformat()}
        _tell_units(current, task, kind="milestone_accepted", params=params, by=by)
        return current
    done_on = max(declared, task.start)
    complete_task(task=task, by=by, on=done_on)  # sends tasks_changed
    late = done_on > task.due
    params = {"date": done_on.isoformat(), "due": task.due.isoformat()}
    _tell_units(
        current, task, kind="delivery_accepted_late" if late else "delivery_accepted", params=params, by=by
    )
    return current


@transaction.atomic
def reject_delivery(*, delivery: Delivery, by: User, reason: str) -> Delivery:
    """The office rejects the delivery with reasons: the task (or milestone) stays open, the rejection and
    the contributions it gathered stay in its history, and the co-units write again for the next one."""
    current = _open_for_decision(delivery, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the delivery is rejected.")})
    before = snapshot(current)
    current.state, current.decided_by, current.decided_at = Delivery.State.REJECTED, by, clock.now()
    current.reason = reason.strip()
    current.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    record(actor=by, action=Action.DELIVERY_REJECT, obj=current, before=before, after=snapshot(current))
    task = current.task
    if current.milestone is not None:
        params = {"milestone": current.milestone.title, "reason": current.reason}
        _tell_units(current, task, kind="milestone_delivery_rejected", params=params, by=by)
    else:
        _tell_units(current, task, kind="delivery_rejected", params={"reason": current.reason}, by=by)
    tasks_changed([task.pk])
    return current
