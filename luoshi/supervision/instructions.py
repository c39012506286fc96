"""领导批示: a leader writes an instruction on a task or a supervision item in their scope; it is recorded,
the units that own the work and the issuing office hear it, and the office may raise an item from it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.services import require
from luoshi.notify.services import notify
from luoshi.orgs.models import User
from luoshi.orgs.people import people_of_units, supervisors_over
from luoshi.plans.models import Task
from luoshi.supervision.models import Instruction, SupervisionItem
from luoshi.supervision.services import TEXT_MAX, can_instruct

EXCERPT = 80


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


@transaction.atomic
def write_instruction(
    *, by: User, text: str, task: Task | None = None, item: SupervisionItem | None = None
) -> Instruction:
    """Record the leader's instruction on `task` or `item` (exactly one) and tell its owners and office."""
    require(can_instruct(by))
    if (task is None) == (item is None):
        raise ValueError("an instruction is written on a task or an item")
    if task is not None:
        require(Task.objects.visible_to(by).filter(pk=task.pk).exists())
    if item is not None:
        require(SupervisionItem.objects.visible_to(by).filter(pk=item.pk).exists())
    body = text.strip()
    if not body:
        raise ValidationError({"text": _("Write the instruction.")})
    if len(body) > TEXT_MAX:
        raise ValidationError({"text": _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}})
    instruction = Instruction.objects.create(author=by, text=body, task=task, item=item, at=clock.now())
    record(actor=by, action=Action.INSTRUCTION_CREATE, obj=instruction, after=snapshot(instruction))
    _tell(instruction, by)
    return instruction


def _tell(instruction: Instruction, by: User) -> None:
    target: Any = instruction.task or instruction.item
    assert target is not None
    if instruction.task is not None:
        url, name = f"/tasks/{target.pk}/#instructions", f"{target.code} {target.title}"
    else:
        url, name = f"/supervision/{target.pk}/", target.code
    params = {"target": name, "leader": by.display_name, "text": _excerpt(instruction.text)}
    key = f"instruction:{instruction.pk}"
    units = [target.lead_unit]
    notify(
        recipients=people_of_units(units),
        kind="instruction_written",
        params=params,
        key=key,
        url=url,
        units=units,
        by=by,
    )
    notify(
        recipients=supervisors_over(target.issuer),
        kind="instruction_written",
        params=params,
        key=key,
        url=url,
        by=by,
    )
