"""The audit trail's action names: one enum, so a writer and a reader (a history, a check) cannot drift.

Stored as the plain string (`task.create`), which is what `AuditEvent.action` holds and what verify covers.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """What an audit event records, as `object.verb`."""

    CADENCE_CREATE = "cadence.create"
    CYCLE_CLOSE = "cycle.close"
    CYCLE_OPEN = "cycle.open"
    INGEST_CREATE_LIST = "ingest.create_list"
    INGEST_DRAFT = "ingest.draft"
    MILESTONE_CONFIRM = "milestone.confirm"
    MILESTONE_CREATE = "milestone.create"
    MILESTONE_DELETE = "milestone.delete"
    MILESTONE_UPDATE = "milestone.update"
    NOTICE_READ = "notice.read"
    NOTICE_READ_ALL = "notice.read_all"
    NOTIFY_SEND = "notify.send"
    PLAN_CREATE = "plan.create"
    PLEDGE_SIGN = "pledge.sign"
    REPORT_ACCEPT = "report.accept"
    REPORT_APPROVE = "report.approve"
    REPORT_EVIDENCE = "report.evidence"
    REPORT_LATE = "report.late"
    REPORT_REMIND = "report.remind"
    REPORT_RETURN = "report.return"
    REPORT_SAVE = "report.save"
    REPORT_SUBMIT = "report.submit"
    REPORT_SUBMIT_TO_HEAD = "report.submit_to_head"
    TASK_COMPLETE = "task.complete"
    TASK_CREATE = "task.create"
    TASK_DECOMPOSE = "task.decompose"
    TASK_ESCALATE = "task.escalate"
    TASK_PROGRESS = "task.progress"
    TASK_UPDATE = "task.update"
    TASK_LIST_CREATE = "task_list.create"
    UNIT_CREATE = "unit.create"
    USER_CREATE = "user.create"
    USER_LOCKED_OUT = "user.locked_out"
    USER_PASSWORD_CHANGE = "user.password_change"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_SIGN_IN = "user.sign_in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed"
    USER_SIGN_OUT = "user.sign_out"
    USER_SIGN_OUT_EVERYWHERE = "user.sign_out_everywhere"
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_DELETE = "webhook.delete"
    WEBHOOK_TEST = "webhook.test"
    WEBHOOK_UPDATE = "webhook.update"
