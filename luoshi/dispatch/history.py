"""Dispatch's histories: the cycles that task history entries name, and the whole story of one report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.dispatch.models import Cycle, Report, Submission


def cycle_names(ids: set[int]) -> dict[int, str]:
    """The cycles' names, by id, in one query."""
    return {c.pk: str(c) for c in Cycle.objects.filter(pk__in=ids).select_related("cadence")}


# What a report's history shows, keyed by the stored action. Drafts saved are the unit's own working state,
# never sent, so they are left out.
REPORT_STEPS: dict[str, Promise] = {
    Action.REPORT_SUBMIT: _("sent the report to the office"),
    Action.REPORT_SUBMIT_TO_HEAD: _("sent the report to the unit head for approval"),
    Action.REPORT_APPROVE: _("approved the report and sent it to the office"),
    Action.REPORT_RETURN: _("returned the report"),
    Action.REPORT_ACCEPT: _("accepted the report"),
    Action.REPORT_LATE: _("marked the report late"),
    Action.REPORT_REMIND: _("reminded the unit that the report is due"),
}
SUBMITS = {Action.REPORT_SUBMIT, Action.REPORT_SUBMIT_TO_HEAD}


@dataclass
class ReportStep:
    """One step of a report's history: who did what when, with what was sent or why it came back."""

    kind: str  # the action, e.g. "report.return"
    at: dt.datetime
    actor: str  # empty for the system (reminders, lateness)
    label: str
    content: dict[str, Any] = field(default_factory=dict)  # a submission as sent
    reason: str = ""  # why it was returned


def report_history(report: Report) -> list[ReportStep]:
    """Every submission with its content, every return with its reason, approvals and acceptance, in order.

    From the audit trail, in the order it was written; a submit event is matched to its kept Submission by
    the version the submit gave the report. A step shows the time the service recorded for it (a review
    backdated by `at`, as the demo's history is, shows when it happened), in two queries whatever its length.
    """
    events = AuditEvent.objects.filter(
        object_type=Report._meta.label_lower, object_id=str(report.pk), action__in=list(REPORT_STEPS)
    ).order_by("id")
    sent = {s.version: s for s in Submission.objects.filter(report=report).select_related("submitted_by")}
    steps = []
    for e in events:
        after = e.after or {}
        label = str(REPORT_STEPS[e.action])
        step = ReportStep(kind=e.action, at=e.occurred_at, actor=e.actor_name, label=label)
        submission = sent.get(after.get("version", -1)) if e.action in SUBMITS else None
        if submission is not None:
            step.at, step.actor = submission.submitted_at, submission.submitted_by.display_name
            step.content = submission.content
        if e.action in (Action.REPORT_RETURN, Action.REPORT_ACCEPT) and after.get("reviewed_at"):
            step.at = dt.datetime.fromisoformat(after["reviewed_at"])
        if e.action == Action.REPORT_RETURN:
            step.reason = after.get("review_comment", "")
        steps.append(step)
    return steps
