"""Writes to plans, lists, tasks, milestones and pledges: one function per use case, each audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, prefetch_related_objects
from django.utils.translation import gettext as _

from luoshi.audit.services import record, record_many, snapshot
from luoshi.core import bulk, clock
from luoshi.core.actions import Action
from luoshi.core.events import tasks_changed
from luoshi.core.services import StaleVersion, require
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.plans.models import Milestone, Plan, Pledge, Task, TaskList

SORT_STEP = 4  # digits per level of Task.sort_path


@dataclass(frozen=True)
class MilestoneSpec:
    title: str
    due: dt.date
    expected_progress: int


@dataclass(frozen=True)
class TaskSpec:
    """What `create_task` takes for a top-level task and its milestones, for `create_tasks` to make many."""

    title: str
    lead_unit: Unit
    start: dt.date
    due: dt.date
    content: str = ""
    measures: str = ""
    co_units: Sequence[Unit] = ()
    leader: User | None = None
    owner: User | None = None
    weight: Decimal = Decimal(1)
    indicator_name: str = ""
    indicator_unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    direction: str = ""
    responsibility_note: str = ""
    milestones: Sequence[MilestoneSpec] = ()


class SpecError(ValidationError):
    """`create_tasks` refused a spec: `index` says which (from 0), the messages why."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error)
        self.index = index


@transaction.atomic
def create_plan(*, title: str, year: int, issuer: Unit, by: User, summary: str = "") -> Plan:
    require(policy.can_supervise(by, issuer))
    plan = Plan(title=title.strip(), year=year, issuer=issuer, summary=summary)
    plan.full_clean()
    plan.save()
    record(actor=by, action=Action.PLAN_CREATE, obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def create_task_list(*, plan: Plan, name: str, by: User, description: str = "") -> TaskList:
    require(policy.can_supervise(by, plan.issuer))
    order = (plan.lists.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    task_list = TaskList(plan=plan, name=name.strip(), description=description, sort_order=order)
    task_list.full_clean()
    task_list.save()
    record(actor=by, action=Action.TASK_LIST_CREATE, obj=task_list, after=snapshot(task_list))
    return task_list


def _check_people_and_units(
    *, by: User, lead_unit: Unit, co_units: Sequence[Unit], leader: User | None, owner: User | None
) -> None:
    errors: dict[str, str] = {}
    if not policy.can_assign_to(by, lead_unit):
        errors["lead_unit"] = _("You cannot assign work to this unit.")
    outside = [u.name for u in co_units if not policy.can_assign_to(by, u)]
    if outside:
        errors["co_units"] = _("You cannot assign work to: %(units)s.") % {"units": "、".join(outside)}
    if any(u.pk == lead_unit.pk for u in co_units):
        errors["co_units"] = _("The lead unit cannot also be a co-unit.")
    for name, person in (("leader", leader), ("owner", owner)):
        if person is not None and (person.unit is None or not policy.can_see_unit(by, person.unit)):
            errors[name] = _("This person is outside your scope.")
    if errors:
        raise ValidationError(errors)


def _next_number(task_list: TaskList, parent: Task | None) -> int:
    """The number the parent's next child takes: one past the last."""
    last = Task.objects.filter(task_list=task_list, parent=parent).aggregate(m=Max("sort_path"))["m"]
    return int(last.rsplit(".", 1)[-1]) + 1 if last else 1


def _position(parent: Task | None, n: int) -> tuple[str, str]:
    """The (code, sort_path) of the parent's n-th child, e.g. ("3.2", "0003.0002")."""
    code = f"{parent.code}.{n}" if parent else str(n)
    sort_path = (parent.sort_path + "." if parent else "") + f"{n:0{SORT_STEP}d}"
    return code, sort_path


TASK_RELATIONS = ["task_list", "parent", "issuer", "lead_unit", "leader", "owner"]


def _people_errors(task: Task) -> dict[str, str]:
    """抓落实: both the responsible leader and the responsible person are named, or the task says why not."""
    if not task.lacks_people or task.responsibility_note:
        return {}
    missing = {"leader": task.leader_id is None, "owner": task.owner_id is None}
    message = _("Name both the responsible leader and the responsible person, or say below why not.")
    return {name: message for name, absent in missing.items() if absent}


def _validate_task(task: Task) -> None:
    """Field checks, and the table's constraints as clear messages. The related objects are already
    loaded and checked for scope, so Django's per-relation existence queries are skipped."""
    errors: dict[str, str] = {}
    if task.due < task.start:
        errors["due"] = _("The deadline cannot be before the start.")
    if task.weight <= 0:
        errors["weight"] = _("The weight must be positive.")
    if task.indicator_name and task.target is None:
        errors["target"] = _("An indicator needs a target.")
    if task.indicator_name and not task.direction:
        errors["direction"] = _("Say whether higher or lower is better.")
    errors |= _people_errors(task)
    if errors:
        raise ValidationError(errors)
    task.full_clean(exclude=TASK_RELATIONS, validate_constraints=False)


@transaction.atomic
def create_task(
    *,
    task_list: TaskList,
    by: User,
    title: str,
    lead_unit: Unit,
    start: dt.date,
    due: dt.date,
    parent: Task | None = None,
    content: str = "",
    measures: str = "",
    co_units: Sequence[Unit] = (),
    leader: User | None = None,
    owner: User | None = None,
    weight: Decimal = Decimal(1),
    indicator_name: str = "",
    indicator_unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    direction: str = "",
    milestones: Sequence[MilestoneSpec] = (),
    responsibility_note: str = "",
) -> Task:
    """Create a task in a list, or, with `parent`, hand a share of that task down to a unit (decompose).

    The task names its responsible leader and person, or `responsibility_note` says why not.
    """
    if parent is not None:
        require(policy.can_decompose_task(by, parent))
        if parent.is_cancelled:
            raise ValidationError(
                {"parent": _("This task was cancelled: nothing more is handed down from it.")}
            )
        if parent.task_list_id != task_list.pk:
            raise ValidationError({"parent": _("A subtask belongs to its parent's list.")})
        if start < parent.start or due > parent.due:
            raise ValidationError(
                {
                    "due": _("A subtask must run within its parent's dates (%(start)s – %(due)s).")
                    % {"start": parent.start, "due": parent.due}
                }
            )
        issuer = parent.issuer if policy.can_edit_task(by, parent) else parent.lead_unit
    else:
        require(policy.can_supervise(by, task_list.plan.issuer))
        issuer = policy.issuing_unit(by)
    described = TaskSpec(
        title=title,
        lead_unit=lead_unit,
        start=start,
        due=due,
        content=content,
        measures=measures,
        co_units=co_units,
        leader=leader,
        owner=owner,
        weight=weight,
        indicator_name=indicator_name,
        indicator_unit=indicator_unit,
        baseline=baseline,
        target=target,
        direction=direction,
        responsibility_note=responsibility_note,
    )
    _check_people_and_units(by=by, lead_unit=lead_unit, co_units=co_units, leader=leader, owner=owner)
    position = _position(parent, _next_number(task_list, parent))
    task = _new_task(described, task_list=task_list, parent=parent, issuer=issuer, position=position)
    _validate_task(task)
    task.save()
    task.co_units.set(co_units)
    record(
        actor=by,
        action=Action.TASK_DECOMPOSE if parent else Action.TASK_CREATE,
        obj=task,
        after=snapshot(task),
    )
    made: list[Milestone] = []  # the new task's milestones are these: checked against them, not read back
    for spec in sorted(milestones, key=lambda m: m.due):
        made.append(_create_milestone(task=task, by=by, spec=spec, others=made))
    tasks_changed([task.pk])
    return task


def _new_task(
    spec: TaskSpec, *, task_list: TaskList, parent: Task | None, issuer: Unit, position: tuple[str, str]
) -> Task:
    """The unsaved task a spec describes, at `position` (code, sort_path)."""
    code, sort_path = position
    indicator_name = spec.indicator_name.strip()
    return Task(
        task_list=task_list,
        parent=parent,
        code=code,
        sort_path=sort_path,
        title=spec.title.strip(),
        content=spec.content.strip(),
        measures=spec.measures.strip(),
        issuer=issuer,
        lead_unit=spec.lead_unit,
        leader=spec.leader,
        owner=spec.owner,
        # A reason why someone is not named stops applying once both are.
        responsibility_note=(
            spec.responsibility_note.strip() if spec.leader is None or spec.owner is None else ""
        ),
        start=spec.start,
        due=spec.due,
        weight=spec.weight,
        indicator_name=indicator_name,
        indicator_unit=spec.indicator_unit.strip(),
        baseline=spec.baseline,
        target=spec.target,
        direction=spec.direction if indicator_name else "",
    )


@transaction.atomic
def create_tasks(*, task_list: TaskList, by: User, specs: Sequence[TaskSpec]) -> list[Task]:
    """Create top-level tasks in a list at once, numbered on in the order given: what `create_task` would
    make of each spec in turn, checked the same way, with its audit event, or nothing at all.

    A refused spec raises SpecError with its index. The queries do not grow with the number of specs: the
    scope checks run on units and people loaded up front, and the rows, the co-units, the audit events and
    the tasks_changed receivers go in bulk.
    """
    require(policy.can_supervise(by, task_list.plan.issuer))
    if not specs:
        return []
    issuer = policy.issuing_unit(by)
    milestones: list[list[Milestone]] = []
    # The checks read each person's unit: load those not at hand in one query, not one per row.
    prefetch_related_objects([p for s in specs for p in (s.leader, s.owner) if p is not None], "unit")
    first = _next_number(task_list, None)
    tasks = []
    for index, spec in enumerate(specs):
        try:
            _check_people_and_units(
                by=by, lead_unit=spec.lead_unit, co_units=spec.co_units, leader=spec.leader, owner=spec.owner
            )
            task = _new_task(
                spec, task_list=task_list, parent=None, issuer=issuer, position=_position(None, first + index)
            )
            _validate_task(task)
            milestones.append(_new_milestones(task, spec.milestones))
        except ValidationError as exc:
            raise SpecError(index, exc) from None
        tasks.append(task)
    bulk.insert(tasks)
    made = []
    for task, own in zip(tasks, milestones, strict=True):
        for milestone in own:
            milestone.task = task  # saved now: its id is known
            made.append(milestone)
    bulk.insert(made)
    through = Task.co_units.through
    # Each co-unit once, as `set` stores them, and sorted, as `snapshot` lists them.
    co_units = [sorted({u.pk for u in spec.co_units}) for spec in specs]
    bulk.insert(
        [through(task_id=t.pk, unit_id=u) for t, units in zip(tasks, co_units, strict=True) for u in units]
    )
    record_many(
        actor=by,
        action=Action.TASK_CREATE,
        written=[
            (t, snapshot(t, exclude=["co_units"]) | {"co_units": units})
            for t, units in zip(tasks, co_units, strict=True)
        ],
    )
    if made:
        record_many(actor=by, action=Action.MILESTONE_CREATE, written=[(m, snapshot(m)) for m in made])
    tasks_changed([t.pk for t in tasks], written=tasks, created=True)
    return tasks


def _new_milestones(task: Task, specs: Sequence[MilestoneSpec]) -> list[Milestone]:
    """A new task's milestones, each checked against those before it as `_check_milestone` would, unsaved."""
    made: list[Milestone] = []
    for spec in specs:
        _check_dates(task, spec.due, spec.expected_progress)
        _check_progress(spec.expected_progress, spec.due, made)
        milestone = Milestone(
            task=task, title=spec.title.strip(), due=spec.due, expected_progress=spec.expected_progress
        )
        milestone.full_clean(exclude=["task"], validate_unique=False, validate_constraints=False)
        made.append(milestone)
    return made


EDITABLE_TASK_FIELDS = (
    "title",
    "content",
    "measures",
    "lead_unit",
    "co_units",
    "leader",
    "owner",
    "responsibility_note",
    "start",
    "due",
    "weight",
    "indicator_name",
    "indicator_unit",
    "baseline",
    "target",
    "direction",
)


@transaction.atomic
def update_task(*, task: Task, by: User, expected_version: int, changes: dict[str, Any]) -> Task:
    """Change a task's fields. Raises StaleVersion when someone saved it since `expected_version`."""
    require(policy.can_edit_task(by, task))
    unknown = set(changes) - set(EDITABLE_TASK_FIELDS)
    if unknown:
        raise ValidationError({"__all__": f"not editable: {', '.join(sorted(unknown))}"})
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.version != expected_version:
        raise StaleVersion(current.version)
    if "due" in changes and changes["due"] != current.due:
        # No silent deadline moves: plans.adjustments.change_deadline keeps the first one, with a reason.
        raise ValidationError({"due": _("Move the deadline with “Change the deadline”, giving a reason.")})
    if current.is_cancelled:
        raise ValidationError({"__all__": _("This task was cancelled and can no longer be changed.")})
    before = snapshot(current)
    co_units = changes.pop("co_units", None)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if not current.indicator_name:
        current.direction = ""
    if not current.lacks_people:
        current.responsibility_note = ""
    _check_people_and_units(
        by=by,
        lead_unit=current.lead_unit,
        co_units=list(co_units) if co_units is not None else list(current.co_units.all()),
        leader=current.leader,
        owner=current.owner,
    )
    if current.parent is not None and (
        current.start < current.parent.start or current.due > current.parent.due
    ):
        raise ValidationError({"due": _("A subtask must run within its parent's dates.")})
    current.version += 1
    _validate_task(current)
    current.save()
    if co_units is not None:
        current.co_units.set(co_units)
    record(actor=by, action=Action.TASK_UPDATE, obj=current, before=before, after=snapshot(current))
    tasks_changed([current.pk])
    return current


def _check_milestone(task: Task, due: dt.date, expected_progress: int, exclude_pk: int | None) -> None:
    _check_dates(task, due, expected_progress)
    others = task.milestones.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    _check_progress(expected_progress, due, others)


def _check_dates(task: Task, due: dt.date, expected_progress: int) -> None:
    if not (task.start <= due <= task.due):
        raise ValidationError(
            {
                "due": _("A milestone must fall within its task's dates (%(start)s – %(due)s).")
                % {"start": task.start, "due": task.due}
            }
        )
    if not 0 <= expected_progress <= 100:
        raise ValidationError({"expected_progress": _("Expected progress is a percentage from 0 to 100.")})


def _check_progress(expected_progress: int, due: dt.date, others: Iterable[Milestone]) -> None:
    """No milestone expects more progress than a later one."""
    for other in others:
        if (other.due < due and other.expected_progress > expected_progress) or (
            other.due > due and other.expected_progress < expected_progress
        ):
            raise ValidationError(
                {
                    "expected_progress": _(
                        "Expected progress must not fall over time: milestone “%(other)s”, "
                        "due %(due)s, already expects %(pct)s%%."
                    )
                    % {"other": other.title, "pct": other.expected_progress, "due": other.due}
                }
            )


def _create_milestone(
    *, task: Task, by: User, spec: MilestoneSpec, others: Sequence[Milestone] | None = None
) -> Milestone:
    """Add a milestone to `task`, checked against its others (`others`, when the caller holds them all)."""
    if others is None:
        _check_milestone(task, spec.due, spec.expected_progress, exclude_pk=None)
    else:
        _check_dates(task, spec.due, spec.expected_progress)
        _check_progress(spec.expected_progress, spec.due, others)
    milestone = Milestone(
        task=task, title=spec.title.strip(), due=spec.due, expected_progress=spec.expected_progress
    )
    # The task is in hand and _check_milestone covered the constraints: skip their per-row queries.
    milestone.full_clean(exclude=["task"], validate_constraints=False)
    milestone.save()
    record(actor=by, action=Action.MILESTONE_CREATE, obj=milestone, after=snapshot(milestone))
    return milestone


@transaction.atomic
def add_milestone(*, task: Task, by: User, spec: MilestoneSpec) -> Milestone:
    require(policy.can_edit_task(by, task))
    milestone = _create_milestone(task=task, by=by, spec=spec)
    tasks_changed([task.pk])
    return milestone


def milestone_stamp(milestone: Milestone) -> str:
    """What an edit form saw of a milestone, standing in for the version number a milestone does not keep."""
    seen = (milestone.title, milestone.due, milestone.expected_progress, milestone.reached_on)
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:16]


@transaction.atomic
def update_milestone(
    *,
    milestone: Milestone,
    by: User,
    title: str,
    due: dt.date,
    expected_progress: int,
    expected_stamp: str | None = None,
) -> Milestone:
    """Change a milestone. Raises StaleVersion when it changed since the form showed `expected_stamp`."""
    task = milestone.task
    require(policy.can_edit_task(by, task))
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if expected_stamp is not None and milestone_stamp(current) != expected_stamp:
        raise StaleVersion(0)  # a milestone keeps no version number; the stamp stood in for one
    _check_milestone(task, due, expected_progress, exclude_pk=milestone.pk)
    before = snapshot(current)
    milestone.title, milestone.due, milestone.expected_progress = title.strip(), due, expected_progress
    milestone.full_clean()
    milestone.save()
    record(actor=by, action=Action.MILESTONE_UPDATE, obj=milestone, before=before, after=snapshot(milestone))
    tasks_changed([task.pk])
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, by: User) -> None:
    task = milestone.task
    require(policy.can_edit_task(by, task))
    before = snapshot(milestone)
    record(actor=by, action=Action.MILESTONE_DELETE, obj=milestone, before=before)
    milestone.delete()
    tasks_changed([task.pk])


@transaction.atomic
def confirm_milestone(*, milestone: Milestone, by: User, on: dt.date) -> Milestone:
    """The office confirms a 节点 reached (节点验收), whatever the reported percentages say."""
    require(policy.can_edit_task(by, milestone.task))
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if current.reached_on is not None:
        raise ValidationError({"reached_on": _("This milestone was already confirmed.")})
    before = snapshot(current)
    current.reached_on = on
    current.save(update_fields=["reached_on"])
    record(actor=by, action=Action.MILESTONE_CONFIRM, obj=current, before=before, after=snapshot(current))
    tasks_changed([current.task_id])
    return current


@transaction.atomic
def sign_pledge(*, task: Task, by: User, commitment: str, signed_at: dt.datetime | None = None) -> Pledge:
    """A unit head signs a 军令状 for the task their unit leads."""
    require(policy.can_sign_pledge(by, task))
    if not commitment.strip():
        raise ValidationError({"commitment": _("Say what is promised.")})
    pledge = Pledge(
        task=task,
        unit=task.lead_unit,
        signer=by,
        commitment=commitment.strip(),
        signed_at=signed_at or clock.now(),
    )
    pledge.full_clean()
    pledge.save()
    record(actor=by, action=Action.PLEDGE_SIGN, obj=pledge, after=snapshot(pledge))
    return pledge


@transaction.atomic
def complete_task(*, task: Task, by: User, on: dt.date) -> Task:
    """Record that a task was finished on a date (the office's acceptance of delivery)."""
    require(policy.can_edit_task(by, task))
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.completed_on is not None:
        raise ValidationError({"completed_on": _("This task is already done.")})
    if on < current.start:
        raise ValidationError({"completed_on": _("A task cannot be finished before it starts.")})
    before = snapshot(current)
    current.completed_on, current.progress, current.version = on, 100, current.version + 1
    current.save(update_fields=["completed_on", "progress", "version", "updated_at"])
    record(actor=by, action=Action.TASK_COMPLETE, obj=current, before=before, after=snapshot(current))
    tasks_changed([current.pk])
    return current
