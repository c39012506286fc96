"""Every write on a 调度会: one function per use case, in one transaction, audited.

The meeting is locked for each change and the state machine (rules.py) decides whether the change is legal
in the state it is in now. Closing the minutes issues each decision as a 督办件 through supervision's own
service (source: meeting decision) and sends each unit concerned its 工作提醒函.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.services import check_date, require, required_text
from luoshi.meetings import agenda
from luoshi.meetings.models import AgendaEntry, Decision, Meeting, ReminderLetter, State
from luoshi.meetings.rules import Act, next_state
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of_units
from luoshi.plans.models import TaskList
from luoshi.supervision import services as supervision
from luoshi.supervision.models import Source, Urgency

TITLE_MAX = 200
TEXT_MAX = 2000
MINUTES_MAX = 20000
ITEM_TITLE_MAX = 60  # a decision's first line, as the title of its 督办件


def can_convene(user: Any) -> bool:
    """An office's supervisors prepare its meetings."""
    return policy.is_supervisor(user)


def can_manage(user: Any, meeting: Meeting) -> bool:
    """The convening office (or one above it) edits the agenda, records decisions and closes the minutes."""
    return policy.can_supervise(user, meeting.convener)


def meeting_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/"


def letter_url(letter: ReminderLetter) -> str:
    return f"/meetings/letters/{letter.pk}/"


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("convener").get(pk=meeting.pk)


def _agenda_facts(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind, "unit": e.unit_id, "task": e.task_id, "item": e.item_id, "decision": e.decision_id}
        for e in meeting.entries.order_by("order", "id")
    ]


def _fill_agenda(meeting: Meeting) -> None:
    """Replace the agenda with what the sources find today."""
    meeting.entries.all().delete()
    found = agenda.build(meeting, clock.today())
    AgendaEntry.objects.bulk_create(
        AgendaEntry(
            meeting=meeting,
            order=n,
            kind=kind,
            unit=c.unit,
            task=c.task,
            item=c.item,
            decision=c.decision,
            title=c.title[:TITLE_MAX],
            facts=c.facts,
        )
        for n, (kind, c) in enumerate(found, start=1)
    )


def _default_previous(office: Unit, held_on: dt.date, task_list: TaskList | None) -> Meeting | None:
    """The office's latest meeting on the same list held before this one: whose decisions this one reviews."""
    return (
        Meeting.objects.filter(convener=office, held_on__lte=held_on, task_list=task_list)
        .exclude(state=State.PREPARING)
        .order_by("-held_on", "-id")
        .first()
    )


@transaction.atomic
def create_meeting(
    *,
    by: User,
    title: str,
    held_on: dt.date,
    task_list: TaskList | None = None,
    units: Sequence[Unit] = (),
    previous: Meeting | None = None,
) -> Meeting:
    """Prepare a meeting of the user's office for a list or a set of units, with its agenda built."""
    require(can_convene(by))
    office = policy.issuing_unit(by)
    require(policy.can_supervise(by, office))
    errors: dict[str, str] = {}
    for unit in units:
        if not policy.can_supervise(by, unit) or not office.contains(unit):
            errors["units"] = _("%(unit)s is outside your office's jurisdiction.") % {"unit": unit.name}
    if task_list is not None and not TaskList.objects.visible_to(by).filter(pk=task_list.pk).exists():
        errors["task_list"] = _("This list is outside your scope.")
    if task_list is None and not units:
        errors["units"] = _("Choose a task list or at least one unit: the agenda is built from their work.")
    if errors:
        raise ValidationError(errors)
    check_date(held_on, "held_on")
    if previous is not None and (
        previous.convener_id != office.pk or previous.state == State.PREPARING or previous.held_on > held_on
    ):
        raise ValidationError({"previous": _("The previous meeting is an earlier one of your office, held.")})
    meeting = Meeting.objects.create(
        convener=office,
        title=required_text(title, "title", _("Give the meeting a title."), TITLE_MAX),
        held_on=held_on,
        task_list=task_list,
        previous=previous or _default_previous(office, held_on, task_list),
        created_by=by,
    )
    meeting.units.set(units)
    _fill_agenda(meeting)
    record(
        actor=by,
        action=Action.MEETING_CREATE,
        obj=meeting,
        after={**snapshot(meeting), "agenda": _agenda_facts(meeting)},
    )
    return meeting


@transaction.atomic
def rebuild_agenda(*, meeting: Meeting, by: User) -> Meeting:
    """Build the agenda again from today's lights, items and decisions (entries taken off come back)."""
    require(can_manage(by, meeting))
    current = _locked(meeting)
    next_state(current.state, Act.EDIT_AGENDA)
    before = {**snapshot(current), "agenda": _agenda_facts(current)}
    _fill_agenda(current)
    after = {**snapshot(current), "agenda": _agenda_facts(current)}
    record(actor=by, action=Action.MEETING_AGENDA_BUILD, obj=current, before=before, after=after)
    return current


@transaction.atomic
def remove_entry(*, entry: AgendaEntry, by: User) -> None:
    """Take an entry off the agenda before the meeting."""
    require(can_manage(by, entry.meeting))
    current = _locked(entry.meeting)
    next_state(current.state, Act.EDIT_AGENDA)
    row = AgendaEntry.objects.get(pk=entry.pk, meeting=current)
    before = snapshot(row)
    row.delete()
    row.pk = entry.pk  # the event names the entry it removed
    record(actor=by, action=Action.MEETING_AGENDA_REMOVE, obj=row, before=before)


@transaction.atomic
def hold_meeting(*, meeting: Meeting, by: User) -> Meeting:
    """The meeting took place: its agenda is kept as it stood, and its minutes open for decisions."""
    require(can_manage(by, meeting))
    current = _locked(meeting)
    before = snapshot(current)
    current.state = next_state(current.state, Act.HOLD)
    current.held_at = clock.now()
    current.save(update_fields=["state", "held_at"])
    record(actor=by, action=Action.MEETING_HOLD, obj=current, before=before, after=snapshot(current))
    return current


@transaction.atomic
def record_decision(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    lead_unit: Unit,
    due: dt.date,
    entry: AgendaEntry | None = None,
) -> Decision:
    """Record a 议定事项: what was decided, the unit that leads it, and by when."""
    require(can_manage(by, meeting))
    current = _locked(meeting)
    next_state(current.state, Act.DECIDE)
    errors: dict[str, str] = {}
    if not (policy.can_assign_to(by, lead_unit) and current.convener.contains(lead_unit)):
        errors["lead_unit"] = _("%(unit)s is outside your office's jurisdiction.") % {"unit": lead_unit.name}
    if entry is not None and entry.meeting_id != current.pk:
        errors["entry"] = _("This entry is not on this meeting's agenda.")
    if errors:
        raise ValidationError(errors)
    check_date(due, "due")
    if due < clock.today():
        raise ValidationError({"due": _("The deadline cannot be in the past.")})
    last = current.decisions.aggregate(n=Max("number"))["n"]
    decision = Decision.objects.create(
        meeting=current,
        number=(last or 0) + 1,
        text=required_text(text, "text", _("Say what was decided."), TEXT_MAX),
        lead_unit=lead_unit,
        due=due,
        entry=entry,
        task=entry.task if entry is not None else None,
        created_by=by,
    )
    record(actor=by, action=Action.MEETING_DECISION_RECORD, obj=decision, after=snapshot(decision))
    return decision


@transaction.atomic
def withdraw_decision(*, decision: Decision, by: User) -> None:
    """Take back a decision recorded by mistake, while the minutes are open."""
    require(can_manage(by, decision.meeting))
    current = _locked(decision.meeting)
    next_state(current.state, Act.WITHDRAW_DECISION)
    row = Decision.objects.get(pk=decision.pk, meeting=current)
    before = snapshot(row)
    row.delete()
    row.pk = decision.pk
    record(actor=by, action=Action.MEETING_DECISION_WITHDRAW, obj=row, before=before)


def _item_title(decision: Decision) -> str:
    first = decision.text.strip().splitlines()[0]
    return first if len(first) <= ITEM_TITLE_MAX else first[: ITEM_TITLE_MAX - 1] + "…"


@transaction.atomic
def close_minutes(*, meeting: Meeting, by: User, minutes: str) -> Meeting:
    """Close the minutes: each decision becomes a 督办件 of the office, and each unit concerned gets its
    工作提醒函 (and a notice)."""
    require(can_manage(by, meeting))
    current = _locked(meeting)
    state = next_state(current.state, Act.CLOSE)
    text = minutes.strip()
    if len(text) > MINUTES_MAX:
        raise ValidationError({"minutes": _("Keep it within %(n)s characters.") % {"n": MINUTES_MAX}})
    decisions = list(current.decisions.select_related("lead_unit", "task").order_by("number"))
    today = clock.today()
    late = [str(d.number) for d in decisions if d.due < today]
    if late:
        raise ValidationError(
            {
                "due": _("Decisions %(numbers)s are due in the past: withdraw and record them again.")
                % {"numbers": "、".join(late)}
            }
        )
    before = snapshot(current)
    for decision in decisions:
        decision.item = supervision.create_item(
            by=by,
            issuer=current.convener,
            title=_item_title(decision),
            content=decision.text,
            source=Source.MEETING,
            urgency=Urgency.URGENT,
            lead_unit=decision.lead_unit,
            due=decision.due,
            task=decision.task,
        )
        decision.save(update_fields=["item"])
    units = sorted({d.lead_unit for d in decisions}, key=lambda u: u.path)
    now = clock.now()
    letters = ReminderLetter.objects.bulk_create(
        ReminderLetter(meeting=current, unit=unit, number=n, sent_at=now)
        for n, unit in enumerate(units, start=1)
    )
    current.state, current.minutes, current.closed_at = state, text, now
    current.save(update_fields=["state", "minutes", "closed_at"])
    after = {
        **snapshot(current),
        "items": {str(d.pk): d.item_id for d in decisions},
        "letters": [{"unit": letter.unit_id, "number": letter.number} for letter in letters],
    }
    record(actor=by, action=Action.MEETING_CLOSE, obj=current, before=before, after=after)
    for letter in ReminderLetter.objects.filter(meeting=current).select_related("unit"):
        count = sum(1 for d in decisions if d.lead_unit_id == letter.unit_id)
        notify(
            recipients=people_of_units([letter.unit]),
            kind="meeting_letter",
            params={
                "meeting": current.title,
                "office": current.convener.name,
                "unit": letter.unit.name,
                "n": count,
            },
            key=f"meeting_letter:{letter.pk}",
            url=letter_url(letter),
            units=[letter.unit],
            by=by,
        )
    return current
