"""What supervision adds to the task page (a plans page, extended by registration): the leaders'
instructions on the task, the items raised on it, a leader's instruction form and the office's one-step
"raise an item"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.core.panels import Panel
from luoshi.orgs import policy
from luoshi.plans.models import Task
from luoshi.supervision.forms import InstructionForm
from luoshi.supervision.models import Instruction, SupervisionItem
from luoshi.supervision.services import can_create, can_instruct


def task_panel(request: HttpRequest, task: Task) -> Panel | None:
    user: Any = request.user
    instructions = list(Instruction.objects.on_task(task))
    items = list(
        SupervisionItem.objects.visible_to(user)
        .filter(task=task)
        .select_related("issuer__supervision_series", "lead_unit")
        .prefetch_related("escalations__step")
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
