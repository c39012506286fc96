"""Accountability and fault tolerance (问责与容错): writing the records, deciding exemptions, and the person
page's reads (the tasks and items a person answers for, on time or late, and the records about them).

Every write is one function in one transaction with one audit event, and tells the unit (or the person
named) of the record about them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.audit.services import record as audit
from luoshi.audit.services import snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.services import require, required_text
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import leaders_over, people_of_units
from luoshi.plans.models import Task
from luoshi.supervision.accountability_rules import Step, next_state
from luoshi.supervision.models import (
    LIVE_EXEMPTION,
    AccountabilityRecord,
    Finding,
    Kind,
    RecordState,
    Rectification,
    SupervisionItem,
    entitled,
)

TEXT_MAX = 5000
RULE_MAX = 200


# Who may do what ------------------------------------------------------------------------------------------


def can_record(user: Any, unit: Unit | None = None) -> bool:
    """The office writes the records: a supervisor whose jurisdiction holds the unit, or an admin."""
    if unit is None:
        return policy.is_supervisor(user)
    return policy.can_supervise(user, unit)


def can_read(user: Any) -> bool:
    """Whether the user reads records at all (the register): supervisors, leaders, administrators."""
    return policy.sees_jurisdiction(user)


def can_decide(user: Any, record: AccountabilityRecord) -> bool:
    """An exemption is decided by someone entitled over the unit other than the one who asked for it."""
    return entitled(user, record.unit) and user.pk != record.recorded_by_id


# Lateness ------------------------------------------------------------------------------------------------


def task_is_late(task: Task, today: dt.date) -> bool:
    """Late work: completed after its deadline, or open past it (a cancelled task counts nowhere)."""
    if task.cancelled_on is not None:
        return False
    if task.completed_on is not None:
        return task.completed_on > task.due
    return task.due < today


def task_exemption(task: Task) -> AccountabilityRecord | None:
    """The approved exemption of the task's lateness, from `task.approved_exemptions` when prefetched."""
    found = getattr(task, "approved_exemptions", None)
    if found is None:
        found = list(task.accountability_records.approved_exemptions().filter(item__isnull=True))
    return next((r for r in found if r.item_id is None), None)


def tasks_exemptions() -> Prefetch[Any]:
    """The approved exemptions of tasks, read with them into `task.approved_exemptions`."""
    return Prefetch(
        "accountability_records",
        queryset=AccountabilityRecord.objects.approved_exemptions().select_related("decided_by"),
        to_attr="approved_exemptions",
    )


# Helpers -------------------------------------------------------------------------------------------------


def record_url(record: AccountabilityRecord) -> str:
    return f"/supervision/accountability/{record.pk}/"


def _tell(record: AccountabilityRecord, kind: str, by: User) -> None:
    """The person named is told of the record about them; with no one named, the unit's people."""
    told = [record.person] if record.person is not None else people_of_units([record.unit])
    who = record.person.display_name if record.person is not None else record.unit.name
    notify(
        recipients=told,
        kind=kind,
        params={
            "who": who,
            "unit": record.unit.name,
            "reason": record.reason,
            "decision": record.decision_reason,
        },
        key=f"{kind}:{record.pk}",
        url=record_url(record),
        units=[] if record.person is not None else [record.unit],
        by=by,
    )


def _ask_leaders(record: AccountabilityRecord, by: User) -> None:
    """The leaders whose scope holds the unit hear that an exemption awaits a decision."""
    who = record.person.display_name if record.person is not None else record.unit.name
    notify(
        recipients=leaders_over(record.unit),
        kind="accountability_exemption_requested",
        params={"who": who, "unit": record.unit.name, "reason": record.reason, "rule": record.rule},
        key=f"accountability_exemption_requested:{record.pk}",
        url=record_url(record),
        by=by,
    )


def _work_errors(
    by: User, unit: Unit, kind: str, task: Task | None, item: SupervisionItem | None, today: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if task is not None and not (
        Task.objects.visible_to(by).filter(pk=task.pk).exists() and unit.contains(task.lead_unit)
    ):
        errors["task"] = _("This task is not led by %(unit)s within your scope.") % {"unit": unit.name}
    if item is not None and not (
        SupervisionItem.objects.visible_to(by).filter(pk=item.pk).exists() and unit.contains(item.lead_unit)
    ):
        errors["item"] = _("This supervision item is not led by %(unit)s within your scope.") % {
            "unit": unit.name
        }
    if kind != Kind.EXEMPTION or errors:
        return errors
    if task is None and item is None:
        errors["item"] = _("An exemption covers late work: name the supervision item or the task.")
    elif item is not None:
        if not item.is_late_on(today):
            errors["item"] = _("This supervision item is not late: there is nothing to exempt.")
        elif AccountabilityRecord.objects.filter(LIVE_EXEMPTION, item=item).exists():
            errors["item"] = _("An exemption of this item is already requested or approved.")
    elif task is not None:
        if not task_is_late(task, today):
            errors["task"] = _("This task is not late: there is nothing to exempt.")
        elif AccountabilityRecord.objects.filter(LIVE_EXEMPTION, task=task, item__isnull=True).exists():
            errors["task"] = _("An exemption of this task is already requested or approved.")
    return errors


# Writes --------------------------------------------------------------------------------------------------


@transaction.atomic
def record_kind(
    *,
    by: User,
    kind: str,
    unit: Unit,
    reason: str,
    person: User | None = None,
    task: Task | None = None,
    item: SupervisionItem | None = None,
    finding: Finding | None = None,
    rule: str = "",
) -> AccountabilityRecord:
    """The office records a commendation, a criticism, an interview or accountability about a unit (and a
    person of it), or asks for an exemption of late work under a fault-tolerance rule, to be decided."""
    require(can_record(by, unit))
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose the kind of record.")
    if person is not None and (person.unit is None or not unit.contains(person.unit)):
        errors["person"] = _("%(person)s does not work in %(unit)s.") % {
            "person": person.display_name,
            "unit": unit.name,
        }
    errors |= _work_errors(by, unit, kind, task, item, clock.today())
    if finding is not None and not (
        Rectification.objects.visible_to(by).filter(finding=finding).exists()
        and unit.contains(finding.rectification.unit)
    ):
        errors["finding"] = _("This inspection finding is not %(unit)s's within your scope.") % {
            "unit": unit.name
        }
    rule_text = rule.strip()
    if kind == Kind.EXEMPTION and not rule_text:
        errors["rule"] = _("Name the fault-tolerance rule the exemption invokes.")
    elif len(rule_text) > RULE_MAX:
        errors["rule"] = _("Keep it within %(n)s characters.") % {"n": RULE_MAX}
    if errors:
        raise ValidationError(errors)
    text = required_text(reason, "reason", _("Say what happened and why it is recorded."), TEXT_MAX)
    exemption = kind == Kind.EXEMPTION
    row = AccountabilityRecord.objects.create(
        kind=kind,
        state=RecordState.REQUESTED if exemption else RecordState.RECORDED,
        unit=unit,
        person=person,
        task=task,
        item=item,
        finding=finding,
        reason=text,
        rule=rule_text if exemption else "",
        recorded_by=by,
        recorded_at=clock.now(),
    )
    audit(actor=by, action=Action.ACCOUNTABILITY_RECORD, obj=row, after=snapshot(row))
    if exemption:  # the leaders over the unit decide it; the unit hears once it is decided
        _ask_leaders(row, by)
    else:
        _tell(row, f"accountability_{kind}", by)
    return row


@transaction.atomic
def decide_exemption(
    *, record: AccountabilityRecord, by: User, approve: bool, reason: str
) -> AccountabilityRecord:
    """Approve (the late work then counts as exempted wherever it is counted) or deny an exemption request,
    saying why; who decided is kept."""
    require(can_decide(by, record))
    current = (
        AccountabilityRecord.objects.select_for_update(of=("self",))
        .select_related("unit", "person")
        .get(pk=record.pk)
    )
    state = next_state(current.state, Step.APPROVE if approve else Step.DENY)
    text = required_text(
        reason,
        "reason",
        _("Say why the exemption is approved.") if approve else _("Say why the exemption is denied."),
        TEXT_MAX,
    )
    before = snapshot(current)
    current.state = state
    current.decided_by, current.decided_at, current.decision_reason = by, clock.now(), text
    current.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    action = Action.ACCOUNTABILITY_EXEMPTION_APPROVE if approve else Action.ACCOUNTABILITY_EXEMPTION_DENY
    audit(actor=by, action=action, obj=current, before=before, after=snapshot(current))
    _tell(current, "accountability_exemption_approved" if approve else "accountability_exemption_denied", by)
    return current


# The person page -----------------------------------------------------------------------------------------


ON_TIME, LATE, EXEMPTED, OPEN = "on_time", "late", "exempted", "open"


@dataclass(frozen=True)
class Verdict:
    """How a piece of work stands for its owner, with the badge a page shows for it."""

    value: str
    badge: str
    label: Any
    exempted: bool = False


VERDICTS = {
    LATE: Verdict(LATE, "danger", gettext_lazy("late")),
    EXEMPTED: Verdict(EXEMPTED, "info", gettext_lazy("late, exempted"), exempted=True),
    ON_TIME: Verdict(ON_TIME, "success", gettext_lazy("on time")),
    OPEN: Verdict(OPEN, "light border", gettext_lazy("open")),
}


@dataclass
class Tally:
    on_time: int = 0
    late: int = 0  # counted against the person
    exempted: int = 0  # late, and exempted under the fault-tolerance rules: not counted against them
    open: int = 0  # not yet due

    def add(self, verdict: Verdict) -> None:
        setattr(self, verdict.value, getattr(self, verdict.value) + 1)


@dataclass
class Standing:
    tasks: list[tuple[Task, Verdict]] = field(default_factory=list)
    items: list[tuple[SupervisionItem, Verdict]] = field(default_factory=list)
    task_tally: Tally = field(default_factory=Tally)
    item_tally: Tally = field(default_factory=Tally)
    records: list[AccountabilityRecord] = field(default_factory=list)


def _verdict(late: bool, exempted: bool, done_on_time: bool) -> Verdict:
    if late:
        return VERDICTS[EXEMPTED if exempted else LATE]
    return VERDICTS[ON_TIME if done_on_time else OPEN]


def standing(person: User, viewer: Any, today: dt.date) -> Standing:
    """What `viewer` (entitled over the person's unit) sees of `person`: the tasks they are responsible for
    and the supervision items they answer for (signed for, or on a task of theirs), each on time, late,
    exempted or still open, and the records about them. A fixed number of queries."""
    result = Standing()
    tasks = (
        Task.objects.visible_to(viewer)
        .filter(owner=person, cancelled_on__isnull=True)
        .select_related("task_list", "lead_unit")
        .prefetch_related(tasks_exemptions())
        .order_by("due", "pk")
    )
    for task in tasks:
        verdict = _verdict(
            task_is_late(task, today),
            task_exemption(task) is not None,
            task.completed_on is not None,
        )
        result.tasks.append((task, verdict))
        result.task_tally.add(verdict)
    items = (
        SupervisionItem.objects.visible_to(viewer)
        .filter(Q(signed_by=person) | Q(task__owner=person))
        .for_listing()
        .order_by("due", "pk")
    )
    for item in items:
        verdict = _verdict(item.is_late_on(today), item.is_exempted, item.is_closed)
        result.items.append((item, verdict))
        result.item_tally.add(verdict)
    result.records = list(AccountabilityRecord.objects.visible_to(viewer).filter(person=person).for_listing())
    return result
