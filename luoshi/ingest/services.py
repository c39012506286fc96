"""From a document to a task list: make the draft, then create the list and its tasks in one step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core.actions import Action
from luoshi.ingest.models import ImportDraft
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.plans import services as plans
from luoshi.plans.models import Plan, TaskList
from luoshi.text.clean import clean
from luoshi.text.extract import extract

MAX_CHARS = 400_000
BULKY = (
    "raw_text",
    "text",
    "items",
    "boilerplate",
)  # kept in the draft itself, not copied into the audit trail


@dataclass(frozen=True)
class DraftRow:
    """One reviewed item, as the supervisor confirmed it."""

    title: str
    content: str
    lead_unit: Unit
    start: dt.date
    due: dt.date
    indicator_name: str = ""
    indicator_unit: str = ""
    target: Decimal | None = None
    direction: str = ""


@transaction.atomic
def create_draft(
    *, plan: Plan, by: User, source_name: str, raw_text: str, simplified: bool = True
) -> ImportDraft:
    """Repair the text and extract its commitments, kept for review."""
    if not policy.can_supervise(by, plan.issuer):
        raise PermissionDenied
    if not raw_text.strip():
        raise ValidationError({"text": _("The document is empty.")})
    if len(raw_text) > MAX_CHARS:
        raise ValidationError({"text": _("The document is longer than %(n)s characters.") % {"n": MAX_CHARS}})
    cleaned = clean(raw_text, simplified=simplified)
    names = policy.visible_units(by).filter(is_active=True).values_list("name", flat=True)
    items = [asdict(item) for item in extract(cleaned.text, unit_names=list(names))]
    draft = ImportDraft.objects.create(
        plan=plan,
        source_name=source_name[:200] or _("pasted text"),
        raw_text=raw_text,
        text=cleaned.text,
        boilerplate=cleaned.boilerplate,
        repairs=cleaned.repairs,
        items=items,
        created_by=by,
    )
    record(
        actor=by,
        action=Action.INGEST_DRAFT,
        obj=draft,
        after={"plan_id": plan.pk, "chars": len(raw_text), "items": len(items), "repairs": cleaned.repairs},
    )
    return draft


@transaction.atomic
def create_list_from_draft(
    *, draft: ImportDraft, by: User, list_name: str, rows: Sequence[DraftRow]
) -> TaskList:
    """Create the plan's list and every confirmed task at once: all of them or, on any error, none.

    A document names units, not people: each task is created saying its responsible leader and person are
    still to be named (plans.services.create_task), and the task page shows that as a warning.
    """
    if not policy.can_supervise(by, draft.plan.issuer):
        raise PermissionDenied
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.state != ImportDraft.State.DRAFT:
        raise ValidationError({"__all__": _("A list was already created from this document.")})
    if not rows:
        raise ValidationError({"__all__": _("Keep at least one item to create a list.")})
    task_list = plans.create_task_list(plan=draft.plan, name=list_name, by=by, description=draft.source_name)
    for number, row in enumerate(rows, start=1):
        try:
            plans.create_task(task_list=task_list, by=by, responsibility_note=_("To be named"), **asdict(row))
        except ValidationError as exc:
            raise ValidationError(
                {"__all__": _("Item %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.messages)}}
            ) from None
    before = snapshot(draft, exclude=BULKY)
    draft.state, draft.task_list = ImportDraft.State.USED, task_list
    draft.save(update_fields=["state", "task_list"])
    record(
        actor=by,
        action=Action.INGEST_CREATE_LIST,
        obj=draft,
        before=before,
        after=snapshot(draft, exclude=BULKY),
    )
    return task_list


def parse_target(value: str | None) -> Decimal | None:
    """The number a target item carries ("5", "1200", "4.5—5" → its upper end), or None."""
    if not value:
        return None
    last = value.replace("～", "—").replace("-", "—").split("—")[-1]
    try:
        return Decimal(last)
    except InvalidOperation:
        return None
