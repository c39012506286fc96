"""The words of each kind of notice, kept as catalogue entries and filled in when a notice is read.

A notice stores its kind and its numbers and names (`params`); the sentence is made in the reader's
language each time it is shown, and in the office's language when it goes out by e-mail or group robot.
A list of lines (`params["items"]`: tasks, units) is data and is shown as it was stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

# Each kind's title and body, %-formatted with the notice's params. A body of None is the list of lines
# in params["items"]; a title counting things is a plural form, chosen by params["n"].
TEXTS: dict[str, tuple[Promise, Promise | None]] = {
    "report_due": (
        ngettext_lazy("%(n)s progress report due soon", "%(n)s progress reports due soon", "n"),
        None,
    ),
    "report_late": (
        ngettext_lazy("%(n)s progress report overdue", "%(n)s progress reports overdue", "n"),
        None,
    ),
    "report_chase": (
        ngettext_lazy(
            "Reminder from the office: %(n)s progress report not sent yet",
            "Reminder from the office: %(n)s progress reports not sent yet",
            "n",
        ),
        None,
    ),
    "report_returned": (_("Report returned: %(task)s"), None),  # items: the reviewer's comment
    "report_submitted": (
        _("Report waiting for your review: %(task)s"),
        _("Sent by %(unit)s for %(cadence)s, cycle %(number)s."),
    ),
    "report_awaiting_approval": (
        _("Report waiting for your approval: %(task)s"),
        _("Sent by %(person)s. Approve it to send it on to the office."),
    ),
    "cycle_digest": (
        ngettext_lazy(
            "%(n)s unit has not reported for %(cadence)s, cycle %(number)s",
            "%(n)s units have not reported for %(cadence)s, cycle %(number)s",
            "n",
        ),
        None,
    ),
    "escalation": (_("%(step)s: %(task)s"), _("%(n)s progress reports in a row are late.")),
    # 交账 (plans.deliveries): the office hears of a delivery, the units of its decision.
    "delivery_submitted": (
        _("Delivery awaiting your acceptance: %(task)s"),
        _("%(unit)s declared the task done."),
    ),
    "milestone_delivery_submitted": (
        _("Milestone delivery awaiting your acceptance: %(task)s"),
        _("%(unit)s declared the milestone “%(milestone)s” reached."),
    ),
    "contribution_awaited": (
        _("Your contribution is awaited: %(task)s"),
        _("%(unit)s has delivered the task; write what your unit did as a co-unit."),
    ),
    "delivery_accepted": (
        _("Delivery accepted: %(task)s"),
        _("The office accepted it: done on %(date)s, on time."),
    ),
    "delivery_accepted_late": (
        _("Delivery accepted: %(task)s"),
        _("The office accepted it: done on %(date)s, late (the deadline was %(due)s)."),
    ),
    "delivery_rejected": (
        _("Delivery rejected: %(task)s"),
        _("The task stays open. Reason: %(reason)s"),
    ),
    "milestone_accepted": (
        _("Milestone confirmed reached: %(task)s"),
        _("The office confirmed “%(milestone)s” reached on %(date)s."),
    ),
    "milestone_delivery_rejected": (
        _("Milestone delivery rejected: %(task)s"),
        _("“%(milestone)s” stays open. Reason: %(reason)s"),
    ),
    # 揭榜挂帅 (challenges.services): a call published to the units, an application, the office's decision.
    "open_call_published": (
        _("Open call (揭榜挂帅): %(call)s"),
        _("%(office)s invites your unit to apply until %(closes)s."),
    ),
    "open_call_application": (
        _("Application for the open call: %(call)s"),
        _("%(unit)s applied."),
    ),
    "open_call_selected": (
        _("Your unit was selected: %(call)s"),
        _(
            "Task %(task)s was created, due %(due)s; your unit head signs its pledge. "
            "The office's note: %(note)s"
        ),
    ),
    "open_call_not_selected": (
        _("Not selected: %(call)s"),
        _("The office's note: %(note)s"),
    ),
    "open_call_cancelled": (
        _("Open call cancelled: %(call)s"),
        _("Reason: %(reason)s"),
    ),
    "pledge_awaited": (
        _("A pledge awaits your signature: %(task)s"),
        _(
            "Your unit was selected for the open call “%(call)s”; "
            "sign the pledge (军令状) on the call's page."
        ),
    ),
    "task_cancelled": (
        _("Task cancelled by the office: %(task)s"),
        _("No more reports are due for it. Reason: %(reason)s"),
    ),
    "task_deadline_moved": (
        _("Deadline moved: %(task)s"),
        _("The office moved the deadline from %(previous)s to %(new)s. Reason: %(reason)s"),
    ),
    # 督办件 and 领导批示 (supervision): the units hear what the office asks, the office what the units do.
    "supervision_assigned": (
        _("Supervision item %(code)s: %(title)s"),
        _("%(issuer)s assigned it to %(unit)s, due %(due)s. Sign for it."),
    ),
    "supervision_signed": (
        _("Signed for: %(code)s"),
        _("%(unit)s signed for “%(title)s”."),
    ),
    "supervision_feedback": (
        _("Feedback awaiting your decision: %(code)s"),
        _("%(unit)s reported what was done on “%(title)s”."),
    ),
    "supervision_returned": (
        _("Feedback returned: %(code)s"),
        _("The office returned your feedback on “%(title)s” for rework. Reason: %(reason)s"),
    ),
    "supervision_closed": (
        _("Supervision item closed: %(code)s"),
        _("The office closed “%(title)s”."),
    ),
    "supervision_extension_requested": (
        _("Extension requested: %(code)s"),
        _("%(unit)s asks to move the deadline of “%(title)s” from %(due)s to %(new)s. Reason: %(reason)s"),
    ),
    "supervision_extension_granted": (
        _("Extension granted: %(code)s"),
        _("The deadline of “%(title)s” moves from %(due)s to %(new)s. %(reason)s"),
    ),
    "supervision_extension_denied": (
        _("Extension denied: %(code)s"),
        _("The deadline of “%(title)s” stays %(due)s. Reason: %(reason)s"),
    ),
    "supervision_due": (
        _("Due tomorrow: %(code)s"),
        _("“%(title)s” is due on %(due)s. Send your feedback before then, or ask for an extension."),
    ),
    "supervision_late": (
        _("Overdue: %(code)s"),
        _("“%(title)s” was due on %(due)s and is not done. The office chases it until it is."),
    ),
    "supervision_escalation": (
        _("%(step)s: %(code)s"),
        _(
            "“%(title)s”, led by %(unit)s, was due on %(due)s and has gone unanswered "
            "for %(n)s chasing periods."
        ),
    ),
    "supervision_note": (
        _("Co-unit note: %(code)s"),
        _("%(unit)s wrote what it did for “%(title)s”."),
    ),
    "meeting_letter": (
        _("Work reminder letter: %(meeting)s"),
        ngettext_lazy(
            "%(office)s: %(n)s decision for %(unit)s. Read the letter and sign for its item.",
            "%(office)s: %(n)s decisions for %(unit)s. Read the letter and sign for their items.",
            "n",
        ),
    ),
    # 督查 and 整改 (inspections): the units hear what was found and decided, the office what they ask.
    "inspection_planned": (
        _("Inspection coming: %(inspection)s"),
        _("%(issuer)s inspects your unit from %(starts)s to %(ends)s."),
    ),
    "rectification_assigned": (
        _("Rectification required: %(inspection)s"),
        _("The inspection found: %(problem)s. %(unit)s rectifies it by %(due)s."),
    ),
    "rectification_close_out_requested": (
        _("Close-out awaiting verification: %(unit)s"),
        _("%(unit)s asks to close out “%(problem)s” (%(inspection)s). Check the evidence."),
    ),
    "rectification_closed": (
        _("Rectification closed out: %(inspection)s"),
        _("The office verified the rectification of “%(problem)s” and closed it out."),
    ),
    "rectification_returned": (
        _("Close-out returned: %(inspection)s"),
        _("The office returned the close-out of “%(problem)s”. Reason: %(reason)s"),
    ),
    "rectification_due": (
        _("Rectification due tomorrow: %(unit)s"),
        _("“%(problem)s” (%(inspection)s) is due on %(due)s. Ask for close-out with evidence before then."),
    ),
    "rectification_late": (
        _("Rectification overdue: %(unit)s"),
        _("“%(problem)s” (%(inspection)s) was due on %(due)s and is not closed out. The office chases it."),
    ),
    "rectification_escalation": (
        _("%(step)s: rectification by %(unit)s"),
        _(
            "“%(problem)s” (%(inspection)s) was due on %(due)s and has gone unrectified "
            "for %(n)s chasing periods."
        ),
    ),
    # 问责与容错 (supervision.accountability): the person named, or the unit, hears of a record about them.
    "accountability_commendation": (
        _("Commendation: %(who)s"),
        _("The office commended %(who)s (%(unit)s): %(reason)s"),
    ),
    "accountability_criticism": (
        _("Criticism in a bulletin: %(who)s"),
        _("The office criticised %(who)s (%(unit)s) in a bulletin: %(reason)s"),
    ),
    "accountability_interview": (
        _("Interview: %(who)s"),
        _("The office recorded an interview (约谈) with %(who)s (%(unit)s): %(reason)s"),
    ),
    "accountability_accountability": (
        _("Held accountable: %(who)s"),
        _("The office held %(who)s (%(unit)s) accountable: %(reason)s"),
    ),
    "accountability_exemption_requested": (
        _("Fault-tolerance exemption awaiting your decision: %(who)s"),
        _("The office asks to exempt the late work of %(who)s (%(unit)s) under %(rule)s. Reason: %(reason)s"),
    ),
    "accountability_exemption_approved": (
        _("Fault-tolerance exemption approved: %(who)s"),
        _("The late work of %(who)s (%(unit)s) is exempted under the fault-tolerance rules. %(decision)s"),
    ),
    "accountability_exemption_denied": (
        _("Fault-tolerance exemption denied: %(who)s"),
        _("The exemption asked for %(who)s (%(unit)s) is denied. Reason: %(decision)s"),
    ),
    "instruction_written": (
        _("Leader's instruction: %(target)s"),
        _("%(leader)s: %(text)s"),
    ),
}


def _fill(template: Promise, params: dict[str, Any]) -> str:
    try:
        return str(template % params)
    except (KeyError, TypeError, ValueError):
        return ""


def render(kind: str, params: dict[str, Any] | None) -> tuple[str, str] | None:
    """The notice's title and body in the active language, or None when it has no words of its own."""
    text = TEXTS.get(kind)
    if text is None or params is None:
        return None
    title, body = text
    lines = "\n".join(str(line) for line in params.get("items", ()))
    return _fill(title, params), (_fill(body, params) if body is not None else lines)


# The badge each kind wears in the list of notices: what the notice is about, by the word its kind begins
# with (`supervision_due` is about a supervision item). A kind no family names shows its code.
FAMILIES: dict[str, Promise] = {
    "report": pgettext_lazy("notice kind", "Report"),
    "cycle": pgettext_lazy("notice kind", "Report"),
    "escalation": pgettext_lazy("notice kind", "Escalation"),
    "delivery": pgettext_lazy("notice kind", "Delivery"),
    "milestone": pgettext_lazy("notice kind", "Delivery"),
    "contribution": pgettext_lazy("notice kind", "Delivery"),
    "task": pgettext_lazy("notice kind", "Task"),
    "open": pgettext_lazy("notice kind", "Open call"),
    "pledge": pgettext_lazy("notice kind", "Pledge"),
    "supervision": pgettext_lazy("notice kind", "Supervision"),
    "meeting": pgettext_lazy("notice kind", "Meeting"),
    "inspection": pgettext_lazy("notice kind", "Inspection"),
    "rectification": pgettext_lazy("notice kind", "Rectification"),
    "accountability": pgettext_lazy("notice kind", "Accountability"),
    "instruction": pgettext_lazy("notice kind", "Instruction"),
    "bulletin": pgettext_lazy("notice kind", "Bulletin"),
}


def family(kind: str) -> str | None:
    """The badge of a kind of notice in the active language, or None for a kind of no known family."""
    label = FAMILIES.get(kind.split("_", 1)[0])
    return str(label) if label is not None else None
