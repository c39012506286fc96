"""Writes of the dispatch rhythm: cadences, cycles, reports and their review. Each is audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock, db
from luoshi.core.actions import Action
from luoshi.core.attachments import (
    StoredFiles,
    atomic_with_files,
    content_type_of,
    delete_on_commit,
    file_name,
    sha256_of,
    upload_errors,
)
from luoshi.core.services import StaleVersion, plain, require
from luoshi.dispatch import calendar, cycles, status
from luoshi.dispatch.models import Cadence, Cycle, Evidence, Report, ReportState, Submission
from luoshi.notify import outbound
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import User
from luoshi.orgs.people import heads_of, people_of, supervisors_over
from luoshi.plans.models import Task, TaskList
from luoshi.text.quality import check_report

logger = logging.getLogger(__name__)

REPORT_FIELDS = ("percent", "indicator_value", "progress", "problems", "next_steps", "coordination")


@dataclass(frozen=True)
class ReportData:
    percent: int | None
    progress: str
    problems: str = ""
    next_steps: str = ""
    coordination: str = ""
    indicator_value: Decimal | None = None


@transaction.atomic
def create_cadence(
    *,
    by: User,
    name: str,
    frequency: str,
    anchor: dt.date,
    due_time: dt.time,
    due_weekday: int = 4,
    task_list: TaskList | None = None,
    task: Task | None = None,
    grace_minutes: int = 0,
    lead_days_per_level: int = 1,
    needs_head_approval: bool = False,
) -> Cadence:
    """Set how often a list (or a task and its subtasks) reports: e.g. 一周一调度, due Friday 17:00."""
    if task is not None:
        require(policy.can_edit_task(by, task))
    elif task_list is not None:
        require(policy.can_supervise(by, task_list.plan.issuer))
    else:
        raise ValidationError({"task_list": _("A cadence belongs to a list or a task.")})
    cadence = Cadence(
        task_list=task_list,
        task=task,
        name=name.strip(),
        frequency=frequency,
        anchor=anchor,
        due_weekday=due_weekday,
        due_time=due_time,
        grace_minutes=grace_minutes,
        lead_days_per_level=lead_days_per_level,
        needs_head_approval=needs_head_approval,
    )
    cadence.full_clean()
    cadence.save()
    record(actor=by, action=Action.CADENCE_CREATE, obj=cadence, after=snapshot(cadence))
    return cadence


@transaction.atomic
def open_cycle(*, cadence: Cadence, number: int, now: dt.datetime, by: User | None = None) -> Cycle:
    """Open period `number` of the cadence and create a pending report for every task it asks of."""
    existing = Cycle.objects.filter(cadence=cadence, number=number).first()
    if existing is not None:
        return existing
    p = calendar.period(
        frequency=cadence.frequency, anchor=cadence.anchor, number=number, due_weekday=cadence.due_weekday
    )
    tz = timezone.get_current_timezone()
    due_at = dt.datetime.combine(p.due, cadence.due_time, tzinfo=tz)
    cycle = Cycle.objects.create(
        cadence=cadence, number=number, period_start=p.start, period_end=p.end, due_at=due_at, opened_at=now
    )
    tasks = cycles.asked_of(cadence, start=p.start, end=p.end)
    reports = [
        Report(task=t, cycle=cycle, unit_id=t.lead_unit_id, due_at=cycles.report_due(t, cycle))
        for t in tasks.only("id", "lead_unit_id", "sort_path")
    ]
    Report.objects.bulk_create(reports, batch_size=1000)
    record(actor=by, action=Action.CYCLE_OPEN, obj=cycle, after={**snapshot(cycle), "reports": len(reports)})
    return cycle


def open_due_cycles(*, now: dt.datetime) -> list[Cycle]:
    """Open the current period of every active cadence that has not opened yet (the scheduled job)."""
    today = clock.local(now).date()
    opened = []
    for cadence in Cadence.objects.filter(is_active=True).select_related("task"):
        number = calendar.period_number_on(frequency=cadence.frequency, anchor=cadence.anchor, day=today)
        last = cadence.cycles.aggregate(m=Max("number"))["m"] or 0
        if number > last:
            opened.append(open_cycle(cadence=cadence, number=number, now=now))
    return opened


@transaction.atomic
def close_cycles(*, now: dt.datetime) -> list[Cycle]:
    """Close cycles due more than LUOSHI_CYCLE_CLOSE_DAYS ago; what is unsent then stays missed."""
    cutoff = now - dt.timedelta(days=settings.LUOSHI_CYCLE_CLOSE_DAYS)
    closing = list(Cycle.objects.select_for_update().filter(state=Cycle.State.OPEN, due_at__lt=cutoff))
    for cycle in closing:
        cycle.state = Cycle.State.CLOSED
        cycle.save(update_fields=["state"])
        record(
            actor=None,
            action=Action.CYCLE_CLOSE,
            obj=cycle,
            before={"state": "open"},
            after={"state": "closed"},
        )
    return closing


# What the report's page reads of a report's relations: the writes load them with the locked row, so that the
# page can be answered from what they return.
PAGE_RELATIONS = ("cycle__cadence", "task__issuer", "task__lead_unit", "unit")


# What the locked read joins: what the write decides by (is the cycle open, what its cadence asks, is the
# task cancelled), read in the transaction. The page's units come from the caller's read of the report.
LOCKED_RELATIONS = ("cycle__cadence", "task")
SHARED_RELATIONS = ("unit", "task__issuer", "task__lead_unit")


def _locked(report: Report) -> Report:
    """The report's row, locked (its own row only: its cycle, cadence and task are shared by every report of
    the cycle, and locking them too made a cycle's submits wait one behind another at the deadline).

    The units the page shows (the report's, the task's issuer and lead unit) are taken from `report` when it
    holds them, as the page's scoped lookup does: the same rows, read a moment before, and reading them
    again was a third of this query's columns. Those it does not hold are joined here."""
    missing = [path for path in SHARED_RELATIONS if _held(report, path) is None]
    locking = Report.objects.select_for_update(of=("self",)).select_related(*LOCKED_RELATIONS, *missing)
    current = locking.get(pk=report.pk)
    for path in SHARED_RELATIONS:
        if path not in missing:
            _share(report, current, path)
    return current


def _held(obj: Any, path: str) -> Any:
    """The related object at `path` (e.g. "task__issuer") that `obj` holds already, or None."""
    for step in path.split("__"):
        field = type(obj)._meta.get_field(step)
        if not field.is_cached(obj) or (obj := field.get_cached_value(obj)) is None:
            return None
    return obj


def _share(source: Any, target: Any, path: str) -> None:
    """Give `target` the related object at `path` that `source` holds, where both point at the same row."""
    *steps, last = path.split("__")
    for step in steps:
        target = getattr(target, step)
    field = type(target)._meta.get_field(last)
    held = _held(source, path)
    if held is not None and getattr(target, field.attname) == held.pk:
        field.set_cached_value(target, held)


def _check_version(report: Report, expected_version: int) -> Report:
    current = _locked(report)
    if current.version != expected_version:
        raise StaleVersion(current.version)
    return current


def _apply(report: Report, data: ReportData) -> None:
    if data.percent is not None and not 0 <= data.percent <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    for name in REPORT_FIELDS:
        value = getattr(data, name)
        setattr(report, name, value.strip() if isinstance(value, str) else value)


def save_draft(
    *,
    report: Report,
    by: User,
    data: ReportData,
    expected_version: int,
    uploads: Sequence[UploadedFile[bytes]] = (),
) -> Report:
    """Keep what the liaison has written so far (暂存), without sending it, with `uploads` as evidence.

    Durable (RuntimeError inside another transaction): a draft that cannot be saved attaches nothing and
    leaves no file in storage.
    """
    require(policy.can_report_for(by, report.unit))
    with atomic_with_files() as files:
        current = _check_version(report, expected_version)
        if not current.is_editable:
            raise ValidationError({"__all__": _("This report has been sent and can no longer be changed.")})
        before = snapshot(current)
        _apply(current, data)
        if bad := upload_errors(uploads):
            raise ValidationError({"evidence": bad})
        _attach(current, by, uploads, files)
        current.state = ReportState.DRAFT if current.state == ReportState.PENDING else current.state
        current.version += 1
        current.save()
        record(actor=by, action=Action.REPORT_SAVE, obj=current, before=before, after=snapshot(current))
        return current


def submit_report(
    *,
    report: Report,
    by: User,
    data: ReportData,
    expected_version: int,
    idempotency_key: str,
    at: dt.datetime | None = None,
    uploads: Sequence[UploadedFile[bytes]] = (),
) -> Report:
    """Send the report to the office (or to the unit head first). A repeated key returns the first result.

    The submission is committed before this returns, so an acknowledged report is never lost; it is a
    durable transaction, and calling it inside another one raises RuntimeError. `uploads` are attached as
    evidence in the same transaction: a submission that fails attaches nothing and leaves no file in
    storage. `at` is the time of submission: now, unless a backfill or an import says otherwise.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError({"idempotency_key": _("A submission needs a key of at most 64 characters.")})
    require(policy.can_report_for(by, report.unit))
    # Advice, worked out before the row is locked: it reads only the text sent and an earlier cycle's report,
    # and it is stored with the submission (and in its audit event) in the one commit.
    flags = _quality_flags(report, data)
    try:
        with atomic_with_files() as files:
            return _submit(
                report=report,
                by=by,
                data=data,
                expected_version=expected_version,
                key=idempotency_key,
                at=at,
                uploads=uploads,
                files=files,
                flags=flags,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its result.
        done = Submission.objects.filter(idempotency_key=idempotency_key).select_related("report").first()
        if done is None:
            raise
        return _replayed(done, report)


def _replayed(done: Submission, report: Report) -> Report:
    if done.report_id != report.pk:
        raise ValidationError({"idempotency_key": _("This key was already used for another report.")})
    return Report.objects.select_related(*PAGE_RELATIONS).get(pk=report.pk)


def _submit(
    *,
    report: Report,
    by: User,
    data: ReportData,
    expected_version: int,
    key: str,
    at: dt.datetime | None,
    uploads: Sequence[UploadedFile[bytes]],
    files: StoredFiles,
    flags: list[dict[str, Any]],
) -> Report:
    current = _locked(report)
    current.previous = report.previous  # the same task and cycle: read once, for the advice
    # A repeated key is answered with its first result. Checked with the row locked, so that a twin request
    # that got here first has committed by now.
    done = Submission.objects.filter(idempotency_key=key).first()
    if done is not None:
        return _replayed(done, report)
    if current.version != expected_version:
        raise StaleVersion(current.version)
    if not current.is_editable:
        raise ValidationError({"__all__": _("This report has already been sent.")})
    if current.cycle.state == Cycle.State.CLOSED:
        raise ValidationError({"__all__": _("This cycle has closed; its reports can no longer be sent.")})
    if current.task.is_cancelled:
        raise ValidationError({"__all__": _("The office cancelled this task: no report is due for it.")})
    _apply(current, data)
    errors: dict[str, str | list[str]] = {}
    if current.percent is None:
        errors["percent"] = _("Say how far the task has got.")
    if not current.progress:
        errors["progress"] = _("Describe the progress made.")
    if bad := upload_errors(uploads):
        errors["evidence"] = bad
    if errors:
        raise ValidationError(errors)
    _attach(current, by, uploads, files)
    before = snapshot(current)
    now = at or clock.now()
    needs_head = current.cycle.cadence.needs_head_approval and not policy.is_unit_head(by)
    current.state = ReportState.AWAITING_APPROVAL if needs_head else ReportState.SUBMITTED
    current.submitted_at, current.submitted_by = now, by
    grace = dt.timedelta(minutes=current.cycle.cadence.grace_minutes)
    current.is_late = current.is_late or now > current.due_at + grace
    current.review_comment = "" if current.state == ReportState.SUBMITTED else current.review_comment
    current.quality_flags = flags
    current.version += 1
    current.save()
    content = {name: plain(getattr(current, name)) for name in REPORT_FIELDS}
    Submission.objects.create(
        report=current,
        idempotency_key=key,
        version=current.version,
        content=content,
        submitted_by=by,
        submitted_at=now,
    )

    action = Action.REPORT_SUBMIT_TO_HEAD if needs_head else Action.REPORT_SUBMIT
    record(actor=by, action=action, obj=current, before=before, after=snapshot(current))
    # The reviewers' notice goes in the same commit: one transaction per submit, not a second one (its own
    # lock and commit) after it, which at the deadline surge cost as much again. Only the report's row is
    # locked meanwhile. The notice is a courtesy, so one that cannot be written is logged and rolled back
    # to its savepoint, never undoing the submission.
    try:
        with transaction.atomic():
            (_tell_heads if needs_head else _tell_supervisors)(current, by=by)
            _emit_report(current, "report.submitted")
    except Exception:  # whatever it was, as a failed callback after the commit would have been
        if db.broken():
            raise  # not rolled back to its savepoint (the connection cut): the submission cannot commit
        logger.exception("the reviewers of report %s were not told of its submission", current.pk)
    return current


def _emit_report(report: Report, kind: str) -> None:
    """Tell the outbound webhooks over the report's unit (notify.outbound), once per version."""
    outbound.emit(
        kind,
        unit=report.unit,
        data={
            "report": report.pk,
            "task": {"id": report.task_id, "code": report.task.code, "title": report.task.title},
            "cycle": {"id": report.cycle_id, "number": report.cycle.number},
            "state": report.state,
            "url": f"/reports/{report.pk}/",
        },
        key=f"{kind}:{report.pk}:{report.version}",
    )


def _tell_supervisors(report: Report, *, by: User) -> None:
    """Tell the offices that may review a report that it is waiting for them, once per submission."""
    cycle = report.cycle
    notify(
        recipients=supervisors_over(report.task.issuer),
        kind="report_submitted",
        params={
            "task": str(report.task),
            "unit": report.unit.name,
            "cadence": cycle.cadence.name,
            "number": cycle.number,
        },
        key=f"report_submitted:{report.pk}:{report.version}",
        url=f"/reports/{report.pk}/",
        by=by,
    )


def _tell_heads(report: Report, *, by: User) -> None:
    """Tell the unit's head that a report waits for their approval, once per submission."""
    notify(
        recipients=[head for head in heads_of(report.unit) if head.pk != by.pk],
        kind="report_awaiting_approval",
        params={"task": str(report.task), "person": by.full_name or by.username},
        key=f"report_awaiting_approval:{report.pk}:{report.version}",
        url=f"/reports/{report.pk}/",
        by=by,
    )


def _narrative(report: Report | ReportData) -> str:
    parts = (report.progress.strip(), report.problems.strip(), report.next_steps.strip())
    return "\n".join(part for part in parts if part)


def _quality_flags(report: Report, data: ReportData) -> list[dict[str, Any]]:
    """Advise the reviewer: is `data` last cycle's text again, or words without facts? (text.quality)

    Stored as codes and numbers, never a sentence: `flags.flag_reason` words them for each reader.
    """
    previous = report.previous
    flags = check_report(_narrative(data), previous=_narrative(previous) if previous else None)
    return [{"code": f.code, "score": round(f.score, 3), **f.numbers} for f in flags]


@transaction.atomic
def approve_report(*, report: Report, by: User) -> Report:
    """The unit head signs off a report, which then goes to the office."""
    require(policy.can_approve_for(by, report.unit))
    current = (
        Report.objects.select_for_update(of=("self",))
        .select_related("task__issuer", "unit", "cycle__cadence")
        .get(pk=report.pk)
    )
    if current.state != ReportState.AWAITING_APPROVAL:
        raise ValidationError({"__all__": _("Only a report awaiting approval can be approved.")})
    if current.task.is_cancelled:
        raise ValidationError({"__all__": _("The office cancelled this task: no report is due for it.")})
    before = snapshot(current)
    current.state, current.version = ReportState.SUBMITTED, current.version + 1
    current.save()
    record(actor=by, action=Action.REPORT_APPROVE, obj=current, before=before, after=snapshot(current))
    _tell_supervisors(current, by=by)
    return current


@transaction.atomic
def return_report(*, report: Report, by: User, comment: str, at: dt.datetime | None = None) -> Report:
    """Send a report back (退回) with what must be fixed."""
    require(policy.can_edit_task(by, report.task) or _sent_back_by_head(by, report))
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.state not in (ReportState.SUBMITTED, ReportState.AWAITING_APPROVAL):
        raise ValidationError({"__all__": _("Only a sent report can be returned.")})
    before = snapshot(current)
    current.state, current.review_comment = ReportState.RETURNED, comment.strip()
    current.reviewed_at, current.reviewed_by, current.version = at or clock.now(), by, current.version + 1
    current.save()
    record(actor=by, action=Action.REPORT_RETURN, obj=current, before=before, after=snapshot(current))
    _emit_report(current, "report.returned")
    _tell_unit(
        current,
        kind="report_returned",
        params={"task": str(current.task), "items": [comment.strip()]},
        by=by,
    )
    return current


def _sent_back_by_head(by: User, report: Report) -> bool:
    return report.state == ReportState.AWAITING_APPROVAL and policy.can_approve_for(by, report.unit)


@transaction.atomic
def accept_reports(
    *, reports: Iterable[Report], by: User, today: dt.date | None = None, at: dt.datetime | None = None
) -> int:
    """Accept sent reports (采纳): the task's progress and light follow, and the rollups with them."""
    today = today or clock.today()
    ids = [r.pk for r in reports]
    locked = list(
        # The rows locked are the reports', their tasks' and cycles', as ever; the issuer (who may accept)
        # and the cadence (each audit event names the report by it) come along unlocked.
        Report.objects.select_for_update(of=("self", "task", "cycle"))
        .filter(pk__in=ids)
        .select_related("task__issuer", "cycle__cadence")
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise PermissionDenied
    for report in locked:
        require(policy.can_edit_task(by, report.task))
        if report.state != ReportState.SUBMITTED:
            raise ValidationError(
                {"__all__": _("Only submitted reports can be accepted (%(task)s).") % {"task": report.task}}
            )
    now = at or clock.now()
    touched: dict[int, Task] = {}
    for report in locked:
        before = snapshot(report)
        report.state, report.reviewed_at, report.reviewed_by = ReportState.ACCEPTED, now, by
        report.version += 1
        report.save()
        record(actor=by, action=Action.REPORT_ACCEPT, obj=report, before=before, after=snapshot(report))
        touched[report.task_id] = report.task
    _follow_latest_reports(list(touched.values()), by)
    status.refresh(list(touched.values()), today=today)
    return len(locked)


def _follow_latest_reports(tasks: list[Task], by: User) -> None:
    """Cache each task's latest accepted report's percentage on it (Task.progress), read in one query."""
    reached = Report.objects.latest_accepted([t.pk for t in tasks])
    for task in tasks:
        latest, _value = reached.get(task.pk, (None, None))
        if latest is not None and latest != task.progress:
            before = {"progress": task.progress}
            Task.objects.filter(pk=task.pk).update(progress=latest)
            task.progress = latest
            record(actor=by, action=Action.TASK_PROGRESS, obj=task, before=before, after={"progress": latest})


def _tell_unit(report: Report, *, kind: str, params: dict[str, Any], by: User | None) -> None:
    recipients = people_of(report.unit)
    if recipients:
        notify(
            recipients=recipients,
            kind=kind,
            params=params,
            url=f"/reports/{report.pk}/",
            units=[report.unit],
            by=by,
        )


def add_evidence(*, report: Report, by: User, upload: UploadedFile[bytes]) -> Evidence:
    """Attach a file (佐证材料) to an unsent report, after checking its type by name and by content.

    Durable, as the report's own writes are: the file stays in storage only if its row commits.
    """
    require(policy.can_report_for(by, report.unit))
    with atomic_with_files() as files:
        current = Report.objects.select_for_update().get(pk=report.pk)
        if not current.is_editable:
            raise ValidationError({"evidence": _("Files can be added only before the report is sent.")})
        if bad := upload_errors([upload]):
            raise ValidationError({"evidence": bad})
        return _attach(current, by, [upload], files)[0]


def remove_evidence(*, evidence: Evidence, by: User) -> None:
    """Take a file off an unsent report; the stored file is deleted once the removal commits."""
    require(policy.can_report_for(by, evidence.report.unit))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=evidence.report_id)
        if not report.is_editable:
            raise ValidationError({"evidence": _("Files can be removed only before the report is sent.")})
        current = Evidence.objects.filter(pk=evidence.pk, report=report).first()
        if current is None:  # removed meanwhile, by a twin request: nothing is left to do
            return
        record(actor=by, action=Action.REPORT_EVIDENCE_REMOVE, obj=current, before=snapshot(current))
        current.delete()
        delete_on_commit([current.file])


def _attach(
    report: Report, by: User, uploads: Sequence[UploadedFile[bytes]], files: StoredFiles
) -> list[Evidence]:
    """Store checked uploads as the report's evidence, each audited; `files` takes them back on rollback.

    A file whose content the report already holds (sent again after a return, or twice in one go) is not
    stored again: the evidence already there is returned for it.
    """
    if not uploads:
        return []
    attached = []
    held = {e.sha256: e for e in report.evidence.exclude(sha256="")}
    for upload in uploads:
        name = file_name(upload)
        assert upload.size is not None, "upload_errors() refuses a file of unknown size"
        digest = sha256_of(upload)
        if digest in held:
            attached.append(held[digest])
            continue
        evidence = Evidence(
            report=report,
            name=name,
            size=upload.size,
            content_type=content_type_of(name),
            sha256=digest,
            uploaded_by=by,
        )
        held[digest] = evidence
        files.save(evidence.file, name, upload)
        evidence.save()
        record(actor=by, action=Action.REPORT_EVIDENCE, obj=evidence, after=snapshot(evidence))
        attached.append(evidence)
    return attached
