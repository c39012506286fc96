"""Every write on a 督查 (inspection) and its 整改 (rectifications): one function per use case, in one
transaction, audited, and told to those concerned (the units what the office found and decided, the
office what the units ask).

A rectification is locked for each change and its state machine (inspection_rules.py) decides whether the
change is legal from the state it is in now, so two people acting at once cannot both move it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    upload_errors,
)
from luoshi.core.services import check_date, require, required_text
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of_units, supervisors_over
from luoshi.plans.models import Task
from luoshi.supervision import services as items
from luoshi.supervision.inspection_rules import RectAct, next_state
from luoshi.supervision.models import (
    CloseOut,
    CloseOutFile,
    Finding,
    Inspection,
    Rectification,
    Source,
    SupervisionItem,
    Urgency,
)

TITLE_MAX = items.TITLE_MAX
TEXT_MAX = items.TEXT_MAX
PERSON_MAX = 50
LONGEST_DAYS = 92  # an inspection is a visit of days or weeks, not a standing presence


# Who may do what ------------------------------------------------------------------------------------------


def can_inspect(user: Any) -> bool:
    """An office's supervisors plan inspections (on behalf of their jurisdiction)."""
    return policy.is_supervisor(user)


def can_manage(user: Any, inspection: Inspection) -> bool:
    """The inspecting office (or one above it) records findings and verifies close-outs."""
    return policy.can_supervise(user, inspection.issuer)


def can_rectify(user: Any, rectification: Rectification) -> bool:
    """The rectifying unit's liaisons and head (or those above it) ask for close-out."""
    return policy.can_report_for(user, rectification.unit)


# Helpers -------------------------------------------------------------------------------------------------


def inspection_url(inspection: Inspection) -> str:
    return f"/supervision/inspections/{inspection.pk}/"


def rectification_url(rectification: Rectification) -> str:
    return f"/supervision/rectifications/{rectification.pk}/"


def _params(rectification: Rectification, **more: str) -> dict[str, str]:
    inspection = rectification.finding.inspection
    return {
        "inspection": inspection.title,
        "problem": rectification.finding.problem[:60],
        "unit": rectification.unit.name,
        "due": rectification.due.isoformat(),
        **more,
    }


def _tell_unit(rectification: Rectification, kind: str, key: str, by: User | None, **more: str) -> None:
    notify(
        recipients=people_of_units([rectification.unit]),
        kind=kind,
        params=_params(rectification, **more),
        key=key,
        url=rectification_url(rectification),
        units=[rectification.unit],
        by=by,
    )


def _locked(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("unit", "finding__inspection__issuer")
        .get(pk=rectification.pk)
    )


def _move(
    rectification: Rectification, act: RectAct, by: User, action: Action, **changes: Any
) -> Rectification:
    """Move the locked rectification by `act` (refused unless legal from its state), save and audit it."""
    current = _locked(rectification)
    state = next_state(current.state, act)
    before = snapshot(current)
    current.state = state
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=["state", *changes])
    record(actor=by, action=action, obj=current, before=before, after=snapshot(current))
    return current


def _awaiting(rectification: Rectification) -> CloseOut:
    request = rectification.close_outs.select_for_update().filter(outcome=CloseOut.Outcome.AWAITING).first()
    assert request is not None, "a rectification with close-out requested has its request awaiting"
    return request


# Inspections ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_inspection(
    *,
    by: User,
    title: str,
    starts: dt.date,
    ends: dt.date,
    units: Sequence[Unit],
    scope: str = "",
    tasks: Sequence[Task] = (),
    issuer: Unit | None = None,
) -> Inspection:
    """Plan a 督查 of units (and tasks) between two days, and tell the units when it comes."""
    office = issuer or policy.issuing_unit(by)
    require(can_inspect(by) and policy.can_supervise(by, office))
    errors: dict[str, str] = {}
    if not units:
        errors["units"] = _("Choose the units to inspect.")
    for unit in units:
        if not policy.can_assign_to(by, unit) or not office.contains(unit):
            errors["units"] = _("%(unit)s is outside your office's jurisdiction.") % {"unit": unit.name}
    visible = Task.objects.visible_to(by)
    if any(not visible.filter(pk=task.pk).exists() for task in tasks):
        errors["tasks"] = _("This task is outside your scope.")
    if errors:
        raise ValidationError(errors)
    check_date(starts, "starts")
    check_date(ends, "ends")
    if ends < starts:
        raise ValidationError({"ends": _("The last day comes on or after the first.")})
    if (ends - starts).days >= LONGEST_DAYS:
        raise ValidationError({"ends": _("An inspection lasts at most %(n)s days.") % {"n": LONGEST_DAYS}})
    title_text = required_text(title, "title", _("Give the inspection a title."), TITLE_MAX)
    scope_text = scope.strip()
    if len(scope_text) > TEXT_MAX:
        raise ValidationError({"scope": _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}})
    inspection = Inspection.objects.create(
        issuer=office, title=title_text, scope=scope_text, starts=starts, ends=ends, created_by=by
    )
    inspection.units.set(units)
    inspection.tasks.set(tasks)
    record(
        actor=by,
        action=Action.INSPECTION_CREATE,
        obj=inspection,
        after=snapshot(inspection)
        | {"units": sorted(u.pk for u in units), "tasks": sorted(t.pk for t in tasks)},
    )
    told = sorted(units, key=lambda u: u.path)
    notify(
        recipients=people_of_units(told),
        kind="inspection_planned",
        params={
            "inspection": inspection.title,
            "issuer": office.name,
            "starts": starts.isoformat(),
            "ends": ends.isoformat(),
        },
        key=f"inspection_planned:{inspection.pk}",
        url=inspection_url(inspection),
        units=told,
        by=by,
    )
    return inspection


@transaction.atomic
def record_finding(
    *,
    inspection: Inspection,
    by: User,
    unit: Unit,
    problem: str,
    measures: str,
    responsible: str,
    due: dt.date,
) -> Rectification:
    """Record a 问题 found at an inspected unit; it becomes that unit's rectification, due by `due`."""
    require(can_manage(by, inspection))
    errors: dict[str, str] = {}
    if not inspection.units.filter(pk=unit.pk).exists():
        errors["unit"] = _("%(unit)s was not inspected by this inspection.") % {"unit": unit.name}
    person = responsible.strip()
    if not person:
        errors["responsible"] = _("Name the person responsible.")
    elif len(person) > PERSON_MAX:
        errors["responsible"] = _("Keep it within %(n)s characters.") % {"n": PERSON_MAX}
    if errors:
        raise ValidationError(errors)
    problem_text = required_text(problem, "problem", _("Say what was found."), TEXT_MAX)
    measures_text = required_text(measures, "measures", _("Say what the unit must do about it."), TEXT_MAX)
    check_date(due, "due")
    if due < clock.today():
        raise ValidationError({"due": _("The deadline cannot be in the past.")})
    finding = Finding.objects.create(inspection=inspection, problem=problem_text, by=by, at=clock.now())
    record(actor=by, action=Action.INSPECTION_FINDING, obj=finding, after=snapshot(finding))
    rectification = Rectification.objects.create(
        finding=finding, unit=unit, responsible=person, measures=measures_text, due=due
    )
    record(actor=by, action=Action.RECTIFICATION_CREATE, obj=rectification, after=snapshot(rectification))
    _tell_unit(rectification, "rectification_assigned", f"rectification_assigned:{rectification.pk}", by)
    return rectification


@transaction.atomic
def raise_item(*, finding: Finding, by: User, urgency: str = Urgency.URGENT) -> SupervisionItem:
    """Raise a 督办件 from a finding (source: inspection finding), led by the rectifying unit, due when
    the rectification is; the finding points at it from then on."""
    current = Finding.objects.select_for_update().select_related("inspection__issuer").get(pk=finding.pk)
    require(can_manage(by, current.inspection))
    if current.item_id is not None:
        raise ValidationError({"item": _("This finding already raised a supervision item.")})
    rectification = Rectification.objects.select_related("unit").get(finding=current)
    if rectification.is_closed:
        raise ValidationError({"item": _("This finding is closed out: there is nothing left to supervise.")})
    item = items.create_item(
        by=by,
        issuer=current.inspection.issuer,
        title=_("Rectify: %(problem)s") % {"problem": current.problem[:60]},
        content=f"{current.problem}\n{rectification.measures}",
        source=Source.INSPECTION,
        urgency=urgency,
        lead_unit=rectification.unit,
        due=max(rectification.due, clock.today()),
    )
    before = snapshot(current)
    current.item = item
    current.save(update_fields=["item"])
    record(
        actor=by, action=Action.INSPECTION_FINDING_ITEM, obj=current, before=before, after=snapshot(current)
    )
    return item


# Rectifications ------------------------------------------------------------------------------------------


def _store(
    files: StoredFiles, *, close_out: CloseOut, by: User, uploads: Sequence[UploadedFile[bytes]]
) -> list[int]:
    made = files.store_uploads(uploads, lambda **f: CloseOutFile(close_out=close_out, uploaded_by=by, **f))
    for row in (row for row, new in made if new):
        record(actor=by, action=Action.RECTIFICATION_FILE_ADD, obj=row, after=snapshot(row))
    return [row.pk for row, new in made if new]


def request_close_out(
    *, rectification: Rectification, by: User, statement: str, uploads: Sequence[UploadedFile[bytes]] = ()
) -> CloseOut:
    """申请销号: the unit says what it rectified, with evidence, for the office to verify.

    Durable (a RuntimeError inside another transaction): one that fails stores no file.
    """
    require(can_rectify(by, rectification))
    with atomic_with_files() as files:
        current = _locked(rectification)
        next_state(current.state, RectAct.REQUEST_CLOSE)  # refused before the text is looked at
        errors: dict[str, str | list[str]] = {}
        text = statement.strip()
        if not text:
            errors["statement"] = _("Say what was rectified.")
        elif len(text) > TEXT_MAX:
            errors["statement"] = _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}
        if not uploads:
            errors["evidence"] = _("Attach the evidence of the rectification (photos, documents).")
        elif bad := upload_errors(uploads):
            errors["evidence"] = bad
        if errors:
            raise ValidationError(errors)
        current = _move(current, RectAct.REQUEST_CLOSE, by, Action.RECTIFICATION_REQUEST_CLOSE)
        close_out = CloseOut.objects.create(rectification=current, statement=text, by=by, at=clock.now())
        stored = _store(files, close_out=close_out, by=by, uploads=uploads)
        record(
            actor=by,
            action=Action.RECTIFICATION_REQUEST_CLOSE,
            obj=close_out,
            after=snapshot(close_out) | {"files": stored},
        )
        notify(
            recipients=supervisors_over(current.finding.inspection.issuer),
            kind="rectification_close_out_requested",
            params=_params(current),
            key=f"rectification_close_out:{close_out.pk}",
            url=rectification_url(current),
            by=by,
        )
        return close_out


@transaction.atomic
def verify_close_out(*, rectification: Rectification, by: User) -> Rectification:
    """销号: the office has checked the evidence; the rectification is closed out."""
    require(can_manage(by, rectification.finding.inspection))
    now = clock.now()
    current = _move(
        rectification, RectAct.VERIFY, by, Action.RECTIFICATION_VERIFY, closed_by=by, closed_at=now
    )
    request = _awaiting(current)
    before = snapshot(request)
    request.outcome, request.decided_by, request.decided_at = CloseOut.Outcome.VERIFIED, by, now
    request.save(update_fields=["outcome", "decided_by", "decided_at"])
    record(actor=by, action=Action.RECTIFICATION_VERIFY, obj=request, before=before, after=snapshot(request))
    _tell_unit(current, "rectification_closed", f"rectification_closed:{current.pk}", by)
    return current


@transaction.atomic
def return_close_out(*, rectification: Rectification, by: User, reason: str) -> Rectification:
    """退回: the office finds the rectification not done; the unit carries on, told why."""
    require(can_manage(by, rectification.finding.inspection))
    text = required_text(reason, "reason", _("Say why the close-out is returned."), TEXT_MAX)
    current = _move(rectification, RectAct.RETURN, by, Action.RECTIFICATION_RETURN)
    request = _awaiting(current)
    before = snapshot(request)
    request.outcome, request.reason = CloseOut.Outcome.RETURNED, text
    request.decided_by, request.decided_at = by, clock.now()
    request.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    record(actor=by, action=Action.RECTIFICATION_RETURN, obj=request, before=before, after=snapshot(request))
    _tell_unit(current, "rectification_returned", f"rectification_returned:{request.pk}", by, reason=text)
    return current
