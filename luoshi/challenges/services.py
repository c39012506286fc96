"""Writes of 揭榜挂帅: one function per use case, each in one transaction with its audit event.

The office drafts a call and publishes it to the units it is open to; a unit applies, edits or withdraws
while the call is open; the call closes on its closing date (a nightly job) or by hand; the office then
selects or turns down each application with a note, and each selection becomes a task of the call's list
through plans' own service, whose 军令状 the selected unit's head signs (plans.services.sign_pledge). The
tables in rules.py decide which move is legal from which state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.challenges import access
from luoshi.challenges.models import Application, ApplicationFile, OpenCall
from luoshi.challenges.rules import (
    ApplicationAction,
    ApplicationState,
    CallAction,
    CallState,
    application_move,
    call_move,
)
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.attachments import (
    StoredFiles,
    atomic_with_files,
    content_type_of,
    file_name,
    sha256_of,
    upload_errors,
)
from luoshi.core.services import StaleVersion, require
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import heads_of, people_of_units, supervisors_over
from luoshi.plans import services as plans
from luoshi.plans.models import Pledge, TaskList

TITLE_MAX = 200


@dataclass(frozen=True)
class CallText:
    """What an office writes of a call: the same for drafting and editing."""

    title: str
    problem: str
    requirements: str
    goal: str
    closes_on: dt.date
    open_to_all: bool = True
    units: Sequence[Unit] = ()
    max_selected: int | None = None


@dataclass(frozen=True)
class Commitment:
    """What a unit writes when it applies: its proposal, what it commits to by when, and who answers."""

    proposal: str
    target: str
    committed_due: dt.date
    leader: User
    owner: User


@dataclass(frozen=True)
class Choice:
    """The office's decision on one application: selected or not, and its note (the reason)."""

    application: Application
    selected: bool
    note: str


def call_url(call: OpenCall) -> str:
    return f"/calls/{call.pk}/"


# The office's writes ----------------------------------------------------------------------------------


def _check_call(call: OpenCall, text: CallText, *, by: User) -> None:
    """Field checks with messages naming the field; the chosen units must be below the office."""
    errors: dict[str, str] = {}
    for name in ("title", "problem", "requirements", "goal"):
        if not getattr(text, name).strip():
            errors[name] = _("This field is required.")
    if len(text.title.strip()) > TITLE_MAX:
        errors["title"] = _("A title is at most %(n)s characters.") % {"n": TITLE_MAX}
    if text.closes_on < clock.today():
        errors["closes_on"] = _("The closing date cannot be in the past.")
    if text.max_selected is not None and text.max_selected < 1:
        errors["max_selected"] = _("At least one application is selected.")
    if not text.open_to_all:
        if not text.units:
            errors["units"] = _("Choose the units the call is open to, or open it to every unit.")
        outside = [u.name for u in text.units if u.pk == call.issuer_id or not call.issuer.contains(u)]
        outside += [u.name for u in text.units if not policy.can_assign_to(by, u)]
        if outside:
            errors["units"] = _("Not within the office's jurisdiction: %(units)s.") % {
                "units": "、".join(sorted(set(outside)))
            }
    if errors:
        raise ValidationError(errors)


def _apply_text(call: OpenCall, text: CallText) -> None:
    call.title, call.problem = text.title.strip(), text.problem.strip()
    call.requirements, call.goal = text.requirements.strip(), text.goal.strip()
    call.closes_on, call.open_to_all, call.max_selected = text.closes_on, text.open_to_all, text.max_selected


@transaction.atomic
def create_call(*, by: User, task_list: TaskList, text: CallText) -> OpenCall:
    """Draft an open call whose selections go into `task_list`, a list of a plan the office manages."""
    require(access.can_create_call(by))
    if not policy.can_supervise(by, task_list.plan.issuer):
        raise ValidationError({"task_list": _("Choose a list of a plan your office manages.")})
    call = OpenCall(issuer=policy.issuing_unit(by), task_list=task_list, created_by=by)
    _check_call(call, text, by=by)
    _apply_text(call, text)
    call.full_clean(exclude=["issuer", "task_list", "created_by"], validate_constraints=False)
    call.save()
    call.units.set([] if text.open_to_all else text.units)
    record(actor=by, action=Action.OPEN_CALL_CREATE, obj=call, after=snapshot(call))
    return call


def _locked(call: OpenCall) -> OpenCall:
    return (
        OpenCall.objects.select_for_update(of=("self",)).select_related("issuer", "task_list").get(pk=call.pk)
    )


@transaction.atomic
def update_call(*, call: OpenCall, by: User, expected_version: int, text: CallText) -> OpenCall:
    """Change a draft or an open call. Raises StaleVersion when it was saved since `expected_version`."""
    require(access.can_manage(by, call))
    current = _locked(call)
    if current.version != expected_version:
        raise StaleVersion(current.version)
    call_move(current.state, CallAction.EDIT)
    _check_call(current, text, by=by)
    before = snapshot(current)
    _apply_text(current, text)
    current.version += 1
    current.full_clean(exclude=["issuer", "task_list", "created_by"], validate_constraints=False)
    current.save()
    current.units.set([] if text.open_to_all else text.units)
    record(actor=by, action=Action.OPEN_CALL_UPDATE, obj=current, before=before, after=snapshot(current))
    return current


@transaction.atomic
def publish_call(*, call: OpenCall, by: User) -> OpenCall:
    """Open the call to applications; the liaisons and heads of the units it is open to are told."""
    require(access.can_manage(by, call))
    current = _locked(call)
    state = call_move(current.state, CallAction.PUBLISH)
    if current.closes_on < clock.today():
        raise ValidationError(
            {"closes_on": _("The closing date has passed: set a new one before publishing.")}
        )
    units = list(current.open_units())
    if not units:
        raise ValidationError({"units": _("The call is open to no unit.")})
    before = snapshot(current)
    current.state, current.published_at, current.version = state, clock.now(), current.version + 1
    current.save(update_fields=["state", "published_at", "version"])
    record(actor=by, action=Action.OPEN_CALL_PUBLISH, obj=current, before=before, after=snapshot(current))
    notify(
        recipients=people_of_units(units),
        kind="open_call_published",
        params={
            "call": current.title,
            "office": current.issuer.name,
            "closes": current.closes_on.isoformat(),
        },
        key=f"open_call_published:{current.pk}",
        url=call_url(current),
        units=units,
        by=by,
    )
    return current


def _close(current: OpenCall, by: User | None) -> OpenCall:
    state = call_move(current.state, CallAction.CLOSE)
    before = snapshot(current)
    current.state, current.closed_at, current.version = state, clock.now(), current.version + 1
    current.save(update_fields=["state", "closed_at", "version"])
    record(actor=by, action=Action.OPEN_CALL_CLOSE, obj=current, before=before, after=snapshot(current))
    return current


@transaction.atomic
def close_call(*, call: OpenCall, by: User) -> OpenCall:
    """Stop taking applications before the closing date, so the office can decide."""
    require(access.can_manage(by, call))
    return _close(_locked(call), by)


def close_due_calls(*, today: dt.date) -> list[OpenCall]:
    """Close every open call whose closing date has passed (the nightly job); each in its own transaction."""
    closed = []
    for pk in OpenCall.objects.filter(state=CallState.PUBLISHED, closes_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            current = OpenCall.objects.select_for_update().filter(pk=pk, state=CallState.PUBLISHED).first()
            if current is not None:
                closed.append(_close(current, None))
    return closed


@transaction.atomic
def cancel_call(*, call: OpenCall, by: User, reason: str) -> OpenCall:
    """Withdraw the call, with a reason; the units that applied are told."""
    require(access.can_manage(by, call))
    current = _locked(call)
    state = call_move(current.state, CallAction.CANCEL)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the call is cancelled.")})
    before = snapshot(current)
    current.state, current.cancel_reason = state, reason.strip()
    current.cancelled_at, current.version = clock.now(), current.version + 1
    current.save(update_fields=["state", "cancel_reason", "cancelled_at", "version"])
    record(actor=by, action=Action.OPEN_CALL_CANCEL, obj=current, before=before, after=snapshot(current))
    applicants = [
        a.unit for a in current.applications.filter(state=ApplicationState.SUBMITTED).select_related("unit")
    ]
    notify(
        recipients=people_of_units(applicants),
        kind="open_call_cancelled",
        params={"call": current.title, "reason": current.cancel_reason},
        key=f"open_call_cancelled:{current.pk}",
        url=call_url(current),
        units=applicants,
        by=by,
    )
    return current


# The units' writes ------------------------------------------------------------------------------------


def _check_commitment(unit: Unit, commitment: Commitment) -> None:
    errors: dict[str, str] = {}
    if not commitment.proposal.strip():
        errors["proposal"] = _("Describe how your unit will solve the problem.")
    if not commitment.target.strip():
        errors["target"] = _("Say what your unit commits to achieve.")
    if commitment.committed_due <= clock.today():
        errors["committed_due"] = _("The committed deadline must be in the future.")
    for name, person in (("leader", commitment.leader), ("owner", commitment.owner)):
        if person.unit_id != unit.pk or not person.is_active:
            errors[name] = _("Choose someone of %(unit)s.") % {"unit": unit.name}
    if errors:
        raise ValidationError(errors)


def _store(
    files: StoredFiles, *, application: Application, by: User, uploads: Sequence[UploadedFile[bytes]]
) -> list[ApplicationFile]:
    """Store checked uploads on the application, each audited; a content it holds already is skipped."""
    held = {f.sha256: f for f in application.files.all()}
    stored = []
    for upload in uploads:
        assert upload.size is not None, "upload_errors() refuses a file of unknown size"
        digest = sha256_of(upload)
        if digest in held:
            continue
        name = file_name(upload)
        row = ApplicationFile(
            application=application,
            name=name,
            size=upload.size,
            content_type=content_type_of(name),
            sha256=digest,
            uploaded_by=by,
        )
        files.save(row.file, name, upload)
        row.save()
        record(actor=by, action=Action.APPLICATION_FILE_ADD, obj=row, after=snapshot(row))
        held[digest] = row
        stored.append(row)
    return stored


def submit_application(
    *,
    call: OpenCall,
    unit: Unit,
    by: User,
    commitment: Commitment,
    uploads: Sequence[UploadedFile[bytes]] = (),
) -> Application:
    """A unit applies (揭榜) for the call, or edits its application, or sends a withdrawn one again: one
    application per unit and call, while the call is open. The office hears of the first sending.

    Durable when it stores files (a RuntimeError inside another transaction): one that fails stores none.
    """
    require(access.can_apply(by, call, unit))
    with atomic_with_files() as files:
        current = _locked(call)
        application = Application.objects.select_for_update().filter(call=current, unit=unit).first()
        if application is not None:
            state = application_move(application.state, ApplicationAction.SUBMIT, current.state)
        elif current.state != CallState.PUBLISHED:
            state = application_move(ApplicationState.SUBMITTED, ApplicationAction.SUBMIT, current.state)
        else:
            state = ApplicationState.SUBMITTED
        if current.closes_on < clock.today():
            raise ValidationError(
                {"state": _("The closing date has passed; applications are no longer taken.")}
            )
        _check_commitment(unit, commitment)
        if bad := upload_errors(uploads):
            raise ValidationError({"attachments": bad})
        before = snapshot(application) if application is not None else None
        if application is None:
            application = Application(call=current, unit=unit)
        else:
            application.version += 1
        application.proposal, application.target = commitment.proposal.strip(), commitment.target.strip()
        application.committed_due = commitment.committed_due
        application.leader, application.owner = commitment.leader, commitment.owner
        application.state, application.by, application.submitted_at = state, by, clock.now()
        application.full_clean(exclude=["call", "unit", "leader", "owner", "by"], validate_constraints=False)
        application.save()
        stored = _store(files, application=application, by=by, uploads=uploads)
        after = snapshot(application) | {"files": [f.pk for f in stored]}
        record(actor=by, action=Action.APPLICATION_SUBMIT, obj=application, before=before, after=after)
        if before is None:
            notify(
                recipients=supervisors_over(current.issuer),
                kind="open_call_application",
                params={"call": current.title, "unit": unit.name},
                key=f"open_call_application:{application.pk}",
                url=call_url(current),
                by=by,
            )
        return application


@transaction.atomic
def withdraw_application(*, application: Application, by: User) -> Application:
    """The unit takes its application back while the call is open; it may send it again until it closes."""
    require(access.can_write_application(by, application))
    call = _locked(application.call)
    current = Application.objects.select_for_update().get(pk=application.pk)
    state = application_move(current.state, ApplicationAction.WITHDRAW, call.state)
    before = snapshot(current)
    current.state, current.version = state, current.version + 1
    current.save(update_fields=["state", "version"])
    record(actor=by, action=Action.APPLICATION_WITHDRAW, obj=current, before=before, after=snapshot(current))
    return current


# The office's decision --------------------------------------------------------------------------------


def _task_content(call: OpenCall, application: Application) -> str:
    return "\n\n".join(
        [
            f"{_('The problem')}：{call.problem}",
            f"{_('What is expected')}：{call.goal}",
            f"{_('What the unit commits to')}：{application.target}",
        ]
    )


def _select(call: OpenCall, application: Application, *, by: User, note: str) -> Application:
    state = application_move(application.state, ApplicationAction.SELECT, call.state)
    chosen = call.applications.filter(state=ApplicationState.SELECTED).count()
    if call.max_selected is not None and chosen >= call.max_selected:
        raise ValidationError(
            {"state": _("At most %(n)s applications are selected for this call.") % {"n": call.max_selected}}
        )
    many = call.max_selected is None or call.max_selected > 1
    task = plans.create_task(
        task_list=call.task_list,
        by=by,
        title=(f"{call.title}（{application.unit.name}）" if many else call.title)[:TITLE_MAX],
        lead_unit=application.unit,
        start=min(clock.today(), application.committed_due),
        due=application.committed_due,
        content=_task_content(call, application),
        measures=application.proposal,
        leader=application.leader,
        owner=application.owner,
    )
    before = snapshot(application)
    application.state, application.task, application.decision_note = state, task, note
    application.decided_by, application.decided_at = by, clock.now()
    application.version += 1
    application.save()
    record(
        actor=by,
        action=Action.APPLICATION_SELECT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    units = [application.unit]
    notify(
        recipients=people_of_units(units),
        kind="open_call_selected",
        params={"call": call.title, "task": str(task), "due": task.due.isoformat(), "note": note},
        key=f"open_call_decided:{application.pk}",
        url=call_url(call),
        units=units,
        by=by,
    )
    notify(
        recipients=heads_of(application.unit),
        kind="pledge_awaited",
        params={"call": call.title, "task": str(task)},
        key=f"pledge_awaited:{application.pk}",
        url=call_url(call),
        by=by,
    )
    return application


def _turn_down(call: OpenCall, application: Application, *, by: User, note: str) -> Application:
    state = application_move(application.state, ApplicationAction.NOT_SELECT, call.state)
    before = snapshot(application)
    application.state, application.decision_note = state, note
    application.decided_by, application.decided_at = by, clock.now()
    application.version += 1
    application.save()
    record(
        actor=by,
        action=Action.APPLICATION_NOT_SELECT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    units = [application.unit]
    notify(
        recipients=people_of_units(units),
        kind="open_call_not_selected",
        params={"call": call.title, "note": note},
        key=f"open_call_decided:{application.pk}",
        url=call_url(call),
        units=units,
        by=by,
    )
    return application


@transaction.atomic
def decide_applications(*, call: OpenCall, by: User, choices: Sequence[Choice]) -> OpenCall:
    """The office selects or turns down applications of a closed call, each with its note (the reason it
    is told). A selection creates the unit's task in the call's list (lead unit the applicant, deadline
    its committed one, its leader and person the responsible ones) and asks its head for the pledge. When
    no application is left undecided, the call is decided. All of it or nothing.
    """
    require(access.can_manage(by, call))
    current = _locked(call)
    call_move(current.state, CallAction.DECIDE)  # a call is decided only once closed
    if not choices:
        raise ValidationError({"state": _("Choose, for at least one application, to select it or not.")})
    errors: list[str] = []
    for choice in choices:
        if not choice.note.strip():
            errors.append(
                _("Give the office's note for %(unit)s: the reason it is told.")
                % {"unit": choice.application.unit.name}
            )
    if errors:
        raise ValidationError({"note": errors})
    for choice in sorted(choices, key=lambda c: (not c.selected, c.application.pk)):
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("unit", "leader", "owner")
            .get(pk=choice.application.pk, call=current)
        )
        decide = _select if choice.selected else _turn_down
        decide(current, application, by=by, note=choice.note.strip())
    if not current.applications.filter(state=ApplicationState.SUBMITTED).exists():
        state = call_move(current.state, CallAction.DECIDE)
        before = snapshot(current)
        current.state, current.decided_at, current.version = state, clock.now(), current.version + 1
        current.save(update_fields=["state", "decided_at", "version"])
        record(actor=by, action=Action.OPEN_CALL_DECIDE, obj=current, before=before, after=snapshot(current))
    return current


# The pledge ------------------------------------------------------------------------------------------


def pledge_of(application: Application) -> Pledge | None:
    if application.task_id is None:
        return None
    return (
        Pledge.objects.filter(task_id=application.task_id, unit_id=application.unit_id)
        .select_related("signer")
        .first()
    )


@transaction.atomic
def sign_pledge(*, application: Application, by: User, commitment: str) -> Pledge:
    """The selected unit's head signs the 军令状 of the task its selection created (plans' own service)."""
    require(access.can_sign(by, application))
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("task__lead_unit")
        .get(pk=application.pk)
    )
    if current.state != ApplicationState.SELECTED or current.task is None:
        raise ValidationError({"commitment": _("Only a selected application's pledge is signed.")})
    if pledge_of(current) is not None:
        raise ValidationError({"commitment": _("The pledge for this task is signed already.")})
    return plans.sign_pledge(task=current.task, by=by, commitment=commitment)
