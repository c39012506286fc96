"""Every write on a 督办件: one function per use case, in one transaction, audited, and told to those
concerned (the units what the office asks, the office what the units do).

The item is locked for each change and the state machine (rules.py) decides whether the change is legal
from the state it is in now, so two people acting at once cannot both move it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.attachments import (
    StoredFiles,
    atomic_with_files,
    upload_errors,
)
from luoshi.core.services import check_date, require, required_text
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Role, Unit, User
from luoshi.orgs.people import people_of_units, supervisors_over
from luoshi.plans.models import Task
from luoshi.supervision.models import (
    CoUnitNote,
    Extension,
    Feedback,
    FeedbackFile,
    Instruction,
    Series,
    Source,
    SupervisionItem,
    Urgency,
    default_prefix,
)
from luoshi.supervision.rules import Act, next_state

TITLE_MAX = 200
TEXT_MAX = 5000
PREFIX_MAX = 20


# Who may do what ------------------------------------------------------------------------------------------


def can_create(user: Any) -> bool:
    """An office's supervisors issue items (on behalf of their jurisdiction, policy.issuing_unit)."""
    return policy.is_supervisor(user)


def can_manage(user: Any, item: SupervisionItem) -> bool:
    """The issuing office (or one above it) closes, returns and decides extensions."""
    return policy.can_supervise(user, item.issuer)


def can_act_for_lead(user: Any, item: SupervisionItem) -> bool:
    """The lead unit's liaisons and head (or those above it) sign for it, feed back, ask for more time."""
    return policy.can_report_for(user, item.lead_unit)


def noting_units(user: Any, item: SupervisionItem) -> list[Unit]:
    """The item's co-units whose note the user may write."""
    return [u for u in item.co_units.all() if policy.can_report_for(user, u)]


def can_instruct(user: Any) -> bool:
    """A leader writes instructions (批示)."""
    return bool(user.is_authenticated and user.role == Role.LEADER)


# Numbering -----------------------------------------------------------------------------------------------


def prefix_of(issuer: Unit) -> str:
    series = Series.objects.filter(issuer=issuer).first()
    return series.prefix if series is not None and series.prefix else default_prefix(issuer)


def _locked_series(issuer: Unit) -> Series:
    """The issuer's series row, locked: whoever numbers an item of this office waits for the one before."""
    try:
        with transaction.atomic():
            Series.objects.get_or_create(issuer=issuer)
    except IntegrityError:  # made at this moment by a twin request: it is there now
        pass
    return Series.objects.select_for_update().get(issuer=issuer)


def next_number(issuer: Unit, year: int) -> int:
    """The next number of the issuer's series for `year`, without gaps or twins: call it inside the
    transaction that saves the item, which holds the series' lock until it commits."""
    _locked_series(issuer)
    last = SupervisionItem.objects.filter(issuer=issuer, year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def set_prefix(*, issuer: Unit, by: User, prefix: str) -> Series:
    """Set the office's number prefix (临督办); empty means the default from its short name."""
    require(policy.can_supervise(by, issuer))
    text = prefix.strip()
    if len(text) > PREFIX_MAX or any(ch in text for ch in "〔〕\n\r\t"):
        raise ValidationError({"prefix": _("A prefix is a few characters, such as 临督办.")})
    series = _locked_series(issuer)
    before = snapshot(series)
    series.prefix = text
    series.save(update_fields=["prefix"])
    record(actor=by, action=Action.SUPERVISION_PREFIX, obj=series, before=before, after=snapshot(series))
    return series


# Helpers -------------------------------------------------------------------------------------------------


def _locked(item: SupervisionItem) -> SupervisionItem:
    return (
        SupervisionItem.objects.select_for_update(of=("self",))
        .select_related("issuer", "lead_unit")
        .get(pk=item.pk)
    )


def _pending(item: SupervisionItem) -> Extension | None:
    return item.extensions.filter(decision=Extension.Decision.PENDING).first()


def item_url(item: SupervisionItem) -> str:
    return f"/supervision/{item.pk}/"


def _params(item: SupervisionItem, **more: str) -> dict[str, str]:
    return {"code": item.code, "title": item.title, "unit": item.lead_unit.name, **more}


def _units(item: SupervisionItem) -> list[Unit]:
    return [item.lead_unit, *item.co_units.order_by("path")]


def _tell_units(
    item: SupervisionItem, kind: str, key: str, by: User, units: Sequence[Unit] | None = None, **more: str
) -> None:
    told = list(units) if units is not None else _units(item)
    notify(
        recipients=people_of_units(told),
        kind=kind,
        params=_params(item, **more),
        key=key,
        url=item_url(item),
        units=told,
        by=by,
    )


def _tell_office(item: SupervisionItem, kind: str, key: str, by: User, **more: str) -> None:
    notify(
        recipients=supervisors_over(item.issuer),
        kind=kind,
        params=_params(item, **more),
        key=key,
        url=item_url(item),
        by=by,
    )


def _move(item: SupervisionItem, act: Act, by: User, action: Action, **changes: Any) -> SupervisionItem:
    """Move the locked item by `act` (refused unless legal from its state), save and audit it."""
    current = _locked(item)
    state = next_state(current.state, act, pending=_pending(current) is not None)
    before = snapshot(current)
    current.state = state
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=["state", *changes])
    record(actor=by, action=action, obj=current, before=before, after=snapshot(current))
    return current


# Writes --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_item(
    *,
    by: User,
    title: str,
    content: str,
    source: str,
    urgency: str,
    lead_unit: Unit,
    due: dt.date,
    co_units: Sequence[Unit] = (),
    task: Task | None = None,
    instruction: Instruction | None = None,
    issuer: Unit | None = None,
) -> SupervisionItem:
    """Issue an item in the office's series (the next number of the year) and tell its units."""
    office = issuer or policy.issuing_unit(by)
    require(can_create(by) and policy.can_supervise(by, office))
    errors: dict[str, str] = {}
    for unit in (lead_unit, *co_units):
        if not policy.can_assign_to(by, unit) or not office.contains(unit):
            errors["lead_unit" if unit == lead_unit else "co_units"] = _(
                "%(unit)s is outside your office's jurisdiction."
            ) % {"unit": unit.name}
    if lead_unit in co_units:
        errors["co_units"] = _("The lead unit is not also a co-unit.")
    if source not in Source.values:
        errors["source"] = _("Choose the source.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose the urgency.")
    if task is not None and not Task.objects.visible_to(by).filter(pk=task.pk).exists():
        errors["task"] = _("This task is outside your scope.")
    if errors:
        raise ValidationError(errors)
    check_date(due, "due")
    today = clock.today()
    if due < today:
        raise ValidationError({"due": _("The deadline cannot be in the past.")})
    title_text = required_text(title, "title", _("Give the item a title."), TITLE_MAX)
    content_text = required_text(content, "content", _("Say what must be done."), TEXT_MAX)
    year = today.year
    item = SupervisionItem(
        issuer=office,
        year=year,
        number=next_number(office, year),
        title=title_text,
        content=content_text,
        source=source,
        urgency=urgency,
        lead_unit=lead_unit,
        due=due,
        task=task,
        instruction=instruction,
        created_by=by,
    )
    item.save()
    item.co_units.set(co_units)
    record(actor=by, action=Action.SUPERVISION_CREATE, obj=item, after=snapshot(item))
    _tell_units(
        item,
        "supervision_assigned",
        f"supervision_assigned:{item.pk}",
        by,
        issuer=office.name,
        due=due.isoformat(),
    )
    return item


@transaction.atomic
def sign_item(*, item: SupervisionItem, by: User) -> SupervisionItem:
    """签收: the lead unit acknowledges the item; the office hears it."""
    require(can_act_for_lead(by, item))
    current = _move(item, Act.SIGN, by, Action.SUPERVISION_SIGN, signed_by=by, signed_at=clock.now())
    _tell_office(current, "supervision_signed", f"supervision_signed:{current.pk}", by)
    return current


@transaction.atomic
def start_item(*, item: SupervisionItem, by: User) -> SupervisionItem:
    """开始办理: the lead unit says the work is under way."""
    require(can_act_for_lead(by, item))
    return _move(item, Act.START, by, Action.SUPERVISION_START)


def _store(
    files: StoredFiles, *, feedback: Feedback, by: User, uploads: Sequence[UploadedFile[bytes]]
) -> list[int]:
    made = files.store_uploads(uploads, lambda **f: FeedbackFile(feedback=feedback, uploaded_by=by, **f))
    for row in (row for row, new in made if new):
        record(actor=by, action=Action.SUPERVISION_FEEDBACK_FILE_ADD, obj=row, after=snapshot(row))
    return [row.pk for row, new in made if new]


def submit_feedback(
    *, item: SupervisionItem, by: User, statement: str, uploads: Sequence[UploadedFile[bytes]] = ()
) -> Feedback:
    """反馈: the lead unit says what was done, with files, for the office to close the item or return it.

    Durable (a RuntimeError inside another transaction): one that fails stores no file.
    """
    require(can_act_for_lead(by, item))
    with atomic_with_files() as files:
        current = _locked(item)
        next_state(current.state, Act.FEEDBACK)  # refused before the text is looked at
        errors: dict[str, str | list[str]] = {}
        text = statement.strip()
        if not text:
            errors["statement"] = _("Say what was done.")
        elif len(text) > TEXT_MAX:
            errors["statement"] = _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}
        if bad := upload_errors(uploads):
            errors["evidence"] = bad
        if errors:
            raise ValidationError(errors)
        current = _move(current, Act.FEEDBACK, by, Action.SUPERVISION_FEEDBACK)
        feedback = Feedback.objects.create(item=current, statement=text, by=by, at=clock.now())
        stored = _store(files, feedback=feedback, by=by, uploads=uploads)
        record(
            actor=by,
            action=Action.SUPERVISION_FEEDBACK,
            obj=feedback,
            after=snapshot(feedback) | {"files": stored},
        )
        _tell_office(current, "supervision_feedback", f"supervision_feedback:{feedback.pk}", by)
        return feedback


def _awaiting(item: SupervisionItem) -> Feedback:
    feedback = item.feedbacks.select_for_update().filter(outcome=Feedback.Outcome.AWAITING).first()
    assert feedback is not None, "an item in feedback has its feedback awaiting"
    return feedback


@transaction.atomic
def return_item(*, item: SupervisionItem, by: User, reason: str) -> SupervisionItem:
    """退回: the office sends the feedback back for rework with a reason; the item is in progress again."""
    require(can_manage(by, item))
    text = required_text(reason, "reason", _("Say why the feedback is returned."), TEXT_MAX)
    current = _move(item, Act.RETURN, by, Action.SUPERVISION_RETURN)
    feedback = _awaiting(current)
    before = snapshot(feedback)
    feedback.outcome, feedback.reason = Feedback.Outcome.RETURNED, text
    feedback.decided_by, feedback.decided_at = by, clock.now()
    feedback.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    record(actor=by, action=Action.SUPERVISION_RETURN, obj=feedback, before=before, after=snapshot(feedback))
    _tell_units(
        current,
        "supervision_returned",
        f"supervision_returned:{feedback.pk}",
        by,
        units=[current.lead_unit],
        reason=text,
    )
    return current


@transaction.atomic
def close_item(*, item: SupervisionItem, by: User) -> SupervisionItem:
    """办结: the office closes the item on the lead unit's feedback."""
    require(can_manage(by, item))
    now = clock.now()
    current = _move(item, Act.CLOSE, by, Action.SUPERVISION_CLOSE, closed_by=by, closed_at=now)
    feedback = _awaiting(current)
    feedback.outcome, feedback.decided_by, feedback.decided_at = Feedback.Outcome.ACCEPTED, by, now
    feedback.save(update_fields=["outcome", "decided_by", "decided_at"])
    pending = _pending(current)
    if pending is not None:  # nothing is left to extend
        _decide(pending, current, by, grant=False, reason=_("The item was closed."))
    _tell_units(current, "supervision_closed", f"supervision_closed:{current.pk}", by)
    return current


@transaction.atomic
def request_extension(*, item: SupervisionItem, by: User, new_due: dt.date, reason: str) -> Extension:
    """申请延期: the lead unit asks for a later deadline, with a reason; the office decides."""
    require(can_act_for_lead(by, item))
    current = _locked(item)
    next_state(current.state, Act.REQUEST_EXTENSION, pending=_pending(current) is not None)
    text = required_text(reason, "reason", _("Say why more time is needed."), TEXT_MAX)
    check_date(new_due, "new_due")
    if new_due <= current.due:
        raise ValidationError(
            {
                "new_due": _("Ask for a date after the present deadline (%(due)s).")
                % {"due": current.due.isoformat()}
            }
        )
    extension = Extension.objects.create(
        item=current, previous_due=current.due, requested_due=new_due, reason=text, by=by, at=clock.now()
    )
    record(actor=by, action=Action.SUPERVISION_EXTENSION_REQUEST, obj=extension, after=snapshot(extension))
    _tell_office(
        current,
        "supervision_extension_requested",
        f"supervision_extension:{extension.pk}",
        by,
        due=current.due.isoformat(),
        new=new_due.isoformat(),
        reason=text,
    )
    return extension


def _decide(extension: Extension, item: SupervisionItem, by: User, *, grant: bool, reason: str) -> Extension:
    before = snapshot(extension)
    extension.decision = Extension.Decision.GRANTED if grant else Extension.Decision.DENIED
    extension.decided_by, extension.decided_at, extension.decision_reason = by, clock.now(), reason
    extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
    action = Action.SUPERVISION_EXTENSION_GRANT if grant else Action.SUPERVISION_EXTENSION_DENY
    record(actor=by, action=action, obj=extension, before=before, after=snapshot(extension))
    return extension


@transaction.atomic
def decide_extension(*, extension: Extension, by: User, grant: bool, reason: str = "") -> Extension:
    """The office grants (the deadline moves, the first one kept) or denies (with a reason) a request."""
    item = extension.item
    require(can_manage(by, item))
    current = _locked(item)
    next_state(
        current.state,
        Act.GRANT_EXTENSION if grant else Act.DENY_EXTENSION,
        pending=_pending(current) is not None,
    )
    ext = Extension.objects.select_for_update().get(pk=extension.pk)
    if ext.decision != Extension.Decision.PENDING:
        raise ValidationError({"state": _("This extension request was already decided.")})
    text = reason.strip()
    if not grant:
        text = required_text(reason, "reason", _("Say why the extension is denied."), TEXT_MAX)
    elif len(text) > TEXT_MAX:
        raise ValidationError({"reason": _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}})
    _decide(ext, current, by, grant=grant, reason=text)
    previous = current.due
    if grant:
        before = snapshot(current)
        current.first_due = current.first_due or previous
        current.due = ext.requested_due
        current.save(update_fields=["due", "first_due"])
        record(
            actor=by,
            action=Action.SUPERVISION_EXTENSION_GRANT,
            obj=current,
            before=before,
            after=snapshot(current),
        )
    kind = "supervision_extension_granted" if grant else "supervision_extension_denied"
    _tell_units(
        current,
        kind,
        f"supervision_extension_decided:{ext.pk}",
        by,
        units=[current.lead_unit],
        due=previous.isoformat(),
        new=ext.requested_due.isoformat(),
        reason=text,
    )
    return ext


@transaction.atomic
def add_note(*, item: SupervisionItem, unit: Unit, by: User, text: str) -> CoUnitNote:
    """A co-unit writes what it did for the item; the lead unit hears it."""
    require(policy.can_report_for(by, unit))
    current = _locked(item)
    if not current.co_units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("%(unit)s is not a co-unit of this item.") % {"unit": unit.name}})
    next_state(current.state, Act.NOTE)
    body = required_text(text, "text", _("Say what your unit did."), TEXT_MAX)
    note = CoUnitNote.objects.create(item=current, unit=unit, text=body, by=by, at=clock.now())
    record(actor=by, action=Action.SUPERVISION_NOTE, obj=note, after=snapshot(note))
    _tell_units(
        current,
        "supervision_note",
        f"supervision_note:{note.pk}",
        by,
        units=[current.lead_unit],
        **{"unit": unit.name},
    )
    return note
