"""Changing the escalation ladder (督办升级阶梯): add, edit and delete its rungs.

The rungs stand in the order of their thresholds: `order` is renumbered from `missed_in_a_row` after every
change, so a later rung can never fire before an earlier one and nobody has to arrange them by hand. Two
rungs cannot share a threshold (the climb would take only one of them), nor a name (the register and the
notices name the rung). A rung that has issued supervision notices is never deleted: the register keeps
pointing at it (every register's step is PROTECT); it may still be renamed or given another threshold.

Each change locks the whole ladder, checks that the editor saw the ladder as it is now (`seen`, the stamp of
the page they edited on), and records the rung before and after with the ladder's order around it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ForeignObjectRel
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from luoshi.audit.services import record, snapshot
from luoshi.core.actions import Action
from luoshi.core.services import require
from luoshi.notify.models import EscalationStep
from luoshi.orgs import policy
from luoshi.orgs.models import User

NAME_MAX = 50
THRESHOLD_MIN, THRESHOLD_MAX = 1, 52  # at most a year of weekly reports in a row
COLOURS = {
    "blue": gettext_lazy("Blue notice"),
    "yellow": gettext_lazy("Yellow notice"),
    "red": gettext_lazy("Red notice"),
    "": gettext_lazy("Grey (no colour)"),
}
_PARKED = 1000  # orders are moved above every real one while they are renumbered (they are unique)


def ladder_stamp(steps: list[EscalationStep] | None = None) -> str:
    """A short fingerprint of the ladder as it stands: a form carries it to show which ladder it edited."""
    rows = steps if steps is not None else list(EscalationStep.objects.order_by("order"))
    text = repr([(s.pk, s.order, s.name, s.color, s.missed_in_a_row, s.notify_leader) for s in rows])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _locked(seen: str | None) -> list[EscalationStep]:
    """The ladder, locked against other editors; refused if it changed since the editor's page showed it."""
    steps = list(EscalationStep.objects.select_for_update().order_by("order"))
    if seen is not None and seen != ladder_stamp(steps):
        raise ValidationError(
            _("Someone changed the ladder after you opened this page. Reload it and make your change again.")
        )
    return steps


def _find(steps: list[EscalationStep], step: EscalationStep) -> EscalationStep:
    """The rung as the locked ladder holds it; refused if someone deleted it meanwhile."""
    found = next((s for s in steps if s.pk == step.pk), None)
    if found is None:
        raise ValidationError(_("This rung is no longer on the ladder. Reload the page."))
    return found


def _ladder(steps: list[EscalationStep]) -> list[list[Any]]:
    """The ladder for the audit trail: [id, order, name, threshold] of every rung, in order."""
    return [[s.pk, s.order, s.name, s.missed_in_a_row] for s in sorted(steps, key=lambda s: s.order)]


def _check(
    step: EscalationStep, others: list[EscalationStep], *, name: str, color: str, missed_in_a_row: int
) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the rung a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("A rung's name is at most %(n)s characters.") % {"n": NAME_MAX}
    elif any(o.name == name for o in others):
        errors["name"] = _("Another rung is already called %(name)s.") % {"name": name}
    if color not in COLOURS:
        errors["color"] = _("Choose one of the colours offered.")
    if not THRESHOLD_MIN <= missed_in_a_row <= THRESHOLD_MAX:
        errors["missed_in_a_row"] = _("Enter a number from %(low)s to %(high)s.") % {
            "low": THRESHOLD_MIN,
            "high": THRESHOLD_MAX,
        }
    else:
        same = next((o for o in others if o.missed_in_a_row == missed_in_a_row), None)
        if same is not None:
            errors["missed_in_a_row"] = _(
                "%(name)s already fires at %(n)s late reports in a row; "
                "each rung needs a threshold of its own."
            ) % {"name": same.name, "n": missed_in_a_row}
    if errors:
        raise ValidationError(errors)


def _renumber() -> None:
    """Give the rungs the orders 1, 2, 3… of their thresholds, in two passes (an order is unique)."""
    EscalationStep.objects.update(order=F("order") + _PARKED)
    for order, pk in enumerate(
        EscalationStep.objects.order_by("missed_in_a_row").values_list("pk", flat=True), start=1
    ):
        EscalationStep.objects.filter(pk=pk).update(order=order)


def _after() -> list[EscalationStep]:
    return list(EscalationStep.objects.order_by("order"))


@transaction.atomic
def add_step(
    *,
    by: User,
    name: str,
    color: str,
    missed_in_a_row: int,
    notify_leader: bool,
    seen: str | None = None,
) -> EscalationStep:
    """Add a rung; it takes its place in the ladder by its threshold."""
    require(policy.can_edit_ladder(by))
    steps = _locked(seen)
    name = name.strip()
    step = EscalationStep(
        order=_PARKED * 2,
        name=name,
        color=color,
        missed_in_a_row=missed_in_a_row,
        notify_leader=notify_leader,
    )
    _check(step, steps, name=name, color=color, missed_in_a_row=missed_in_a_row)
    step.save()
    _renumber()
    step.refresh_from_db()
    record(
        actor=by,
        action=Action.ESCALATION_STEP_CREATE,
        obj=step,
        before={"ladder": _ladder(steps)},
        after={**snapshot(step), "ladder": _ladder(_after())},
    )
    return step


@transaction.atomic
def update_step(
    *,
    step: EscalationStep,
    by: User,
    name: str,
    color: str,
    missed_in_a_row: int,
    notify_leader: bool,
    seen: str | None = None,
) -> EscalationStep:
    """Rename a rung, change its colour or threshold, or whether it tells the responsible leader.

    A new threshold moves the rung to its place in the ladder. Notices already issued keep their rung, and
    so show its new name in the register; the audit trail keeps the old one.
    """
    require(policy.can_edit_ladder(by))
    steps = _locked(seen)
    step = _find(steps, step)
    name = name.strip()
    _check(
        step, [s for s in steps if s.pk != step.pk], name=name, color=color, missed_in_a_row=missed_in_a_row
    )
    before = {**snapshot(step), "ladder": _ladder(steps)}
    step.name, step.color, step.notify_leader = name, color, notify_leader
    step.missed_in_a_row = missed_in_a_row
    step.save(update_fields=["name", "color", "missed_in_a_row", "notify_leader"])
    _renumber()
    step.refresh_from_db()
    after = {**snapshot(step), "ladder": _ladder(_after())}
    if after != before:
        record(actor=by, action=Action.ESCALATION_STEP_UPDATE, obj=step, before=before, after=after)
    return step


def issued_count(step: EscalationStep) -> int:
    """How many notices this rung has issued, in every register that climbs the ladder.

    The registers live above this layer (late reports' escalations in dispatch, overdue items' in
    supervision), so they are found by the relations that point at the rung rather than by name.
    """
    relations = [
        f
        for f in EscalationStep._meta.get_fields(include_hidden=True)  # the registers' related_name is "+"
        if isinstance(f, ForeignObjectRel)
    ]
    return sum(r.related_model._default_manager.filter(**{r.field.name: step}).count() for r in relations)


@transaction.atomic
def delete_step(*, step: EscalationStep, by: User, seen: str | None = None) -> None:
    """Take a rung off the ladder: only one that has issued no notice, and never the last one."""
    require(policy.can_edit_ladder(by))
    steps = _locked(seen)
    step = _find(steps, step)
    issued = issued_count(step)
    if issued:
        raise ValidationError(
            ngettext(
                "%(name)s cannot be deleted: the register holds %(n)s supervision notice it issued. "
                "Rename it or change its threshold instead.",
                "%(name)s cannot be deleted: the register holds %(n)s supervision notices it issued. "
                "Rename it or change its threshold instead.",
                issued,
            )
            % {"name": step.name, "n": issued}
        )
    if len(steps) == 1:
        raise ValidationError(_("The ladder needs at least one rung."))
    before = {**snapshot(step), "ladder": _ladder(steps)}
    pk = step.pk
    step.delete()
    _renumber()
    step.pk = pk  # the event names the rung that was
    record(
        actor=by,
        action=Action.ESCALATION_STEP_DELETE,
        obj=step,
        before=before,
        after={"ladder": _ladder(_after())},
    )
