"""What supervision adds to the task page (a plans page, extended by registration): the leaders'
instructions on the task, the items raised on it, a leader's instruction form and the office's one-step
"raise an item"; and the exemption of the task's lateness under the fault-tolerance rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.core import clock
from luoshi.core.panels import Panel
from luoshi.orgs import policy
from luoshi.plans.models import Task
from luoshi.supervision.accountability import can_record, task_exemption, task_is_late
from luoshi.supervision.forms import InstructionForm
from luoshi.supervision.models import LIVE_EXEMPTION, Instruction, SupervisionItem
from luoshi.supervision.services import can_create, can_instruct


def task_panel(request: HttpRequest, task: Task) -> Panel | None:
    user: Any = request.user
    instructions = list(Instruction.objects.on_task(task))
    items = list(
        SupervisionItem.objects.visible_to(user)
        .filter(task=task)
        .select_related("issuer__supervision_series", "lead_unit")
        .prefetch_related("escalations__step")
        .with_exemptions()
        .order_by("-year", "-number")
    )
    may_instruct = can_instruct(user)
    may_raise = can_create(user) and policy.can_supervise(user, task.lead_unit)
    if not (instructions or items or may_instruct or may_raise):
        return None
    context = {
        "task": task,
        "instructions": [(i, [item for item in items if item.instruction_id == i.pk]) for i in instructions],
        "items": items,
        "can_instruct": may_instruct,
        "can_raise": may_raise,
        "form": InstructionForm(),
    }
    return Panel("supervision/_task_panel.html", context)


def exemption_panel(request: HttpRequest, task: Task) -> Panel | None:
    """The task's approved fault-tolerance exemption (容错免责), wherever its lateness is counted: shown to
    everyone who sees the task, as a granted extension is; to the office over a late task without one, the
    way to ask for it."""
    exemption = task_exemption(task)
    may_ask = (
        exemption is None
        and task_is_late(task, clock.today())
        and can_record(request.user, task.lead_unit)
        and not task.accountability_records.filter(LIVE_EXEMPTION, item__isnull=True).exists()
    )
    if exemption is None and not may_ask:
        return None
    context = {"exemption": exemption, "task": task, "may_ask": may_ask}
    return Panel("supervision/accountability/_task_exemption.html", context, side=True)
