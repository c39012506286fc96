"""From a document to a task list: make the draft, review its items, then create the list in one step.

Every task and target the extractor finds becomes a DraftItem, kept or dropped, grouped by the document's
sections; review edits them in bulk (keep, drop, units, deadline, list), merges adjacent ones and splits one
at a sentence boundary. Each edit is audited against the draft.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Frequency
from luoshi.ingest.models import DraftItem, ImportDraft
from luoshi.ingest.rhythm import next_period_start
from luoshi.ingest.roles import Role, assignment_end, lead_first, roles
from luoshi.ingest.sections import find_sections, section_of
from luoshi.ingest.units import Directory, find_mentions
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.plans import services as plans
from luoshi.plans.models import Direction, Plan, TaskList
from luoshi.text.clean import Cleaned, clean
from luoshi.text.dates import deadline_date
from luoshi.text.extract import extract
from luoshi.text.extraction.text import Layout

MAX_CHARS = 400_000
# Longer than this, a document uploaded through the page is read by the job worker: damaged text is
# repaired at some 10,000 characters a second, so the longest (MAX_CHARS) would outlast a request.
LARGE_CHARS = 20_000
REVIEW_KINDS = ("task", "target")
BULKY = (
    "raw_text",
    "text",
    "items",
    "boilerplate",
    "sections",
)  # kept in the draft itself, not copied into the audit trail
log = logging.getLogger(__name__)
SENTENCE_END = "。；;！!？?\n"
MAX_TITLE = 200


def assignable(by: User) -> Any:
    """Units a supervisor may give work to (what plans.forms.assignable_units offers)."""
    return (
        policy.visible_units(by).filter(is_active=True) if policy.is_supervisor(by) else Unit.objects.none()
    )


def _require(by: User, draft: ImportDraft) -> None:
    if not policy.can_supervise(by, draft.plan.issuer):
        raise PermissionDenied


def _open(draft: ImportDraft) -> ImportDraft:
    """The draft locked for a change, refused once a list was made from it."""
    draft = ImportDraft.objects.select_for_update().select_related("plan__issuer").get(pk=draft.pk)
    if draft.state == ImportDraft.State.USED:
        raise ValidationError({"__all__": _("A list was already created from this document.")})
    if draft.state != ImportDraft.State.DRAFT:
        raise ValidationError({"__all__": _("The document has not been read yet.")})
    return draft


def _receivable(plan: Plan, by: User, raw_text: str) -> None:
    if not policy.can_supervise(by, plan.issuer):
        raise PermissionDenied
    if not raw_text.strip():
        raise ValidationError({"text": _("The document is empty.")})
    if len(raw_text) > MAX_CHARS:
        raise ValidationError({"text": _("The document is longer than %(n)s characters.") % {"n": MAX_CHARS}})


@transaction.atomic
def create_draft(
    *,
    plan: Plan,
    by: User,
    source_name: str,
    raw_text: str,
    simplified: bool = True,
    pages_without_text: Sequence[int] = (),
    later: bool = False,
) -> ImportDraft:
    """Repair the text, extract its commitments and lay every task and target out for review.

    `pages_without_text` are the pages of the source that could not be read (a partly scanned PDF,
    files.Reading): kept on the draft, so the review says what is missing from it. With `later`, a
    document longer than LARGE_CHARS is only kept, in state "reading", and the job worker reads it
    (read_draft) after the commit: what the upload page asks for, so no request waits on a long read.
    """
    _receivable(plan, by, raw_text)
    draft = ImportDraft(
        plan=plan,
        source_name=source_name[:200] or _("pasted text"),
        raw_text=raw_text,
        simplified=simplified,
        pages_without_text=list(pages_without_text),
        created_by=by,
    )
    if later and len(raw_text) > LARGE_CHARS:
        draft.state = ImportDraft.State.READING
        draft.save()
        record(
            actor=by,
            action=Action.INGEST_RECEIVE,
            obj=draft,
            after={
                "plan_id": plan.pk,
                "chars": len(raw_text),
                "pages_without_text": list(pages_without_text),
            },
        )
        transaction.on_commit(lambda: _enqueue(draft.pk))
        return draft
    units = _units(by)
    _fill(draft, _read(raw_text, simplified, units), units)
    return draft


@dataclass
class _Reading:
    """What reading a document gives, before anything is written."""

    cleaned: Cleaned
    items: list[dict[str, Any]]


def _units(by: User) -> list[Unit]:
    return list(assignable(by).only("pk", "name", "short_name", "depth"))


def _read(
    raw_text: str, simplified: bool, units: list[Unit], step: Callable[[int], None] = lambda _n: None
) -> _Reading:
    """Repair the text and extract its items (no database): the long part of drafting."""
    step(ImportDraft.Step.REPAIRING)
    cleaned = clean(raw_text, simplified=simplified)
    step(ImportDraft.Step.FINDING)
    items = [asdict(item) for item in extract(cleaned.text, unit_names=[u.name for u in units])]
    step(ImportDraft.Step.LAYING_OUT)
    return _Reading(cleaned, items)


def _fill(draft: ImportDraft, reading: _Reading, units: list[Unit]) -> None:
    """Keep what reading found on the draft, lay its items out and audit it (inside a transaction)."""
    cleaned, items = reading.cleaned, reading.items
    draft.text = cleaned.text
    draft.boilerplate = cleaned.boilerplate
    draft.repairs = cleaned.repairs
    draft.items = items
    draft.sections = find_sections(cleaned.text)
    draft.state = ImportDraft.State.DRAFT
    draft.save()
    rows = lay_out(draft, items, Directory.for_units(units))
    record(
        actor=draft.created_by,
        action=Action.INGEST_DRAFT,
        obj=draft,
        after={
            "plan_id": draft.plan_id,
            "chars": len(draft.raw_text),
            "items": len(items),
            "rows": len(rows),
            "kept": sum(r.state == DraftItem.State.KEPT for r in rows),
            "repairs": cleaned.repairs,
            "pages_without_text": list(draft.pages_without_text),
        },
    )


def _enqueue(pk: int) -> None:
    from luoshi.ingest import jobs  # the job module imports this one

    jobs.read_document(pk)


def read_draft(pk: int) -> ImportDraft | None:
    """The worker's reading of a long document (as the person who uploaded it).

    The long part runs outside any transaction, saying which step it is at so the page can show it; the
    result is written in one transaction, only if the draft is still being read. Whatever goes wrong
    leaves the draft failed, saying so, with nothing of the reading written.
    """
    draft = (
        ImportDraft.objects.select_related("plan__issuer", "created_by")
        .filter(pk=pk, state=ImportDraft.State.READING)
        .first()
    )
    if draft is None:
        return None
    by = draft.created_by
    if not policy.can_supervise(by, draft.plan.issuer):  # the person lost the right since
        return _fail(draft, gettext_noop("You may no longer make task lists of this plan."))

    def step(n: int) -> None:
        ImportDraft.objects.filter(pk=pk, state=ImportDraft.State.READING).update(step=n)

    units = _units(by)
    try:
        reading = _read(draft.raw_text, draft.simplified, units, step)
        with transaction.atomic():
            locked = ImportDraft.objects.select_for_update().select_related("created_by").get(pk=pk)
            if locked.state != ImportDraft.State.READING:
                return locked
            _fill(locked, reading, units)
            return locked
    except Exception:
        log.exception("reading document draft %s failed", pk)
        return _fail(
            draft, gettext_noop("Luoshi could not read this document. Upload it again, or save it as .docx.")
        )


@transaction.atomic
def _fail(draft: ImportDraft, message: str) -> ImportDraft:
    """The draft failed, with `message` (kept untranslated: the page shows it in its reader's language)."""
    draft.state, draft.error = ImportDraft.State.FAILED, message
    draft.save(update_fields=["state", "error"])
    record(actor=draft.created_by, action=Action.INGEST_FAIL, obj=draft, after={"error": message})
    return draft


def lay_out(draft: ImportDraft, items: list[dict[str, Any]], directory: Directory) -> list[DraftItem]:
    """A DraftItem for every task and target, with its section, units named and matched, and deadline.

    An item starts kept when the extractor says it commits someone (`commitment`, where it says so); the
    units named in its sentence (and in the brackets or 责任单位 sentence right after it) are matched
    (directory), the lead unit being the one the text says leads (roles: 牵头, 负责, 配合…, the first matched
    where no role word tells) and the others co-units; a name not matched is kept on the row for the
    supervisor to choose.
    """
    text, year = draft.text, draft.plan.year
    starts = [s["start"] for s in draft.sections]
    layout = Layout(text)
    mentions = find_mentions(text)
    rows: list[DraftItem] = []
    co: list[list[int]] = []
    for item in items:
        if item["kind"] not in REVIEW_KINDS:
            continue
        lo, hi = layout.sentence_at(item["start"])
        lo, hi = min(lo, item["start"]), assignment_end(text, max(hi, item["end"]))
        named = [(at, name) for at, name in mentions if lo <= at < hi]
        seen = {name for _at, name in named}
        named += [(text.find(n, lo, hi), n) for n in item.get("units") or [] if n not in seen]
        named.sort(key=lambda pair: (pair[0] < 0, pair[0]))  # a name found elsewhere only (-1): last
        placed = [(at, name) for at, name in named if at >= 0]
        matched = [directory.match(name) for _at, name in named]
        said = roles(text, placed, start=lo) + [Role.NAMED] * (len(named) - len(placed))
        lead, co_ids = lead_first(said, [m.unit_id for m in matched])
        is_target = item["kind"] == "target"
        keep = item.get("commitment", True) is not False
        rows.append(
            DraftItem(
                draft=draft,
                section=section_of(draft.sections, starts, item["start"]),
                kind=item["kind"],
                start=item["start"],
                end=item["end"],
                text=item["text"],
                state=DraftItem.State.KEPT if keep else DraftItem.State.DROPPED,
                reason=str(item.get("reason") or "")[:40],
                lead_unit_id=lead,
                due=deadline_date(item.get("deadline"), year=year) or dt.date(year, 12, 31),
                deadline_text=(item.get("deadline") or "")[:40],
                indicator_unit=(item.get("unit") or "")[:20] if is_target else "",
                target=parse_target(item.get("value")) if is_target else None,
                direction=(item.get("direction") or Direction.HIGHER) if is_target else "",
                mentions=[
                    {"name": m.mention, "unit": m.unit_id, "how": m.how, "score": m.score} for m in matched
                ],
            )
        )
        co.append(co_ids)
    DraftItem.objects.bulk_create(rows, batch_size=500)
    through = DraftItem.co_units.through
    through.objects.bulk_create(
        [through(draftitem_id=row.pk, unit_id=u) for row, ids in zip(rows, co, strict=True) for u in ids],
        batch_size=1000,
    )
    return rows


def _rows(draft: ImportDraft, ids: Sequence[int]) -> list[DraftItem]:
    rows = list(draft.rows.filter(pk__in=ids).exclude(state=DraftItem.State.MERGED))
    if not rows or len(rows) != len(set(ids)):
        raise ValidationError({"selected": _("Select the items to change.")})
    return rows


@dataclass(frozen=True)
class Assignment:
    """What a bulk edit sets on the selected items; None (or an empty list name) leaves a field as it is."""

    keep: bool | None = None
    lead_unit: Unit | None = None
    co_units: Sequence[Unit] | None = None
    due: dt.date | None = None
    list_name: str | None = None


@transaction.atomic
def update_items(*, draft: ImportDraft, by: User, ids: Sequence[int], change: Assignment) -> int:
    """Set keep, lead unit, co-units, deadline or list on the selected items at once; returns how many."""
    _require(by, draft)
    draft = _open(draft)
    rows = _rows(draft, ids)
    errors: dict[str, str] = {}
    if change.lead_unit is not None and not policy.can_assign_to(by, change.lead_unit):
        errors["lead_unit"] = _("You cannot assign work to this unit.")
    if change.co_units and any(not policy.can_assign_to(by, u) for u in change.co_units):
        errors["co_units"] = _("You cannot assign work to all of these units.")
    if change.due is not None and change.due.year != draft.plan.year:
        errors["due"] = _("The deadline falls outside the plan's year %(year)s.") % {"year": draft.plan.year}
    if errors:
        raise ValidationError(errors)
    fields: list[str] = []
    for row in rows:
        if change.keep is not None:
            row.state = DraftItem.State.KEPT if change.keep else DraftItem.State.DROPPED
        if change.lead_unit is not None:
            row.lead_unit = change.lead_unit
        if change.due is not None:
            row.due = change.due
        if change.list_name is not None:
            row.list_name = change.list_name.strip()[:100]
    fields += ["state"] if change.keep is not None else []
    fields += ["lead_unit"] if change.lead_unit is not None else []
    fields += ["due"] if change.due is not None else []
    fields += ["list_name"] if change.list_name is not None else []
    if fields:
        DraftItem.objects.bulk_update(rows, fields, batch_size=500)
    through = DraftItem.co_units.through
    lead_ids = {row.pk: row.lead_unit_id for row in rows}
    if change.co_units is not None:
        through.objects.filter(draftitem_id__in=lead_ids).delete()
        through.objects.bulk_create(
            [
                through(draftitem_id=pk, unit_id=u.pk)
                for pk, lead in lead_ids.items()
                for u in change.co_units
                if u.pk != lead
            ]
        )
        fields.append("co_units")
    elif change.lead_unit is not None:  # the new lead unit is no longer also a co-unit
        through.objects.filter(draftitem_id__in=lead_ids, unit_id=change.lead_unit.pk).delete()
    record(
        actor=by,
        action=Action.INGEST_REVIEW,
        obj=draft,
        after={
            "items": sorted(lead_ids),
            "keep": change.keep,
            "lead_unit_id": change.lead_unit.pk if change.lead_unit else None,
            "co_unit_ids": [u.pk for u in change.co_units] if change.co_units is not None else None,
            "due": change.due.isoformat() if change.due else None,
            "list_name": change.list_name,
        },
    )
    return len(rows)


@transaction.atomic
def merge_items(*, draft: ImportDraft, by: User, ids: Sequence[int]) -> DraftItem:
    """Adjacent items become one whose evidence spans them all: the first keeps its units and deadline.

    Adjacent means next to each other among the draft's unmerged items, in one section; the others stay
    as merged rows, counted, and are shown inside the item they joined.
    """
    _require(by, draft)
    draft = _open(draft)
    if len(set(ids)) < 2:
        raise ValidationError({"selected": _("Select at least two adjacent items to merge.")})
    order = list(draft.rows.exclude(state=DraftItem.State.MERGED).values_list("pk", "section"))
    position = {pk: i for i, (pk, _section) in enumerate(order)}
    if any(pk not in position for pk in ids):
        raise ValidationError({"selected": _("Select the items to change.")})
    places = sorted(position[pk] for pk in set(ids))
    if places[-1] - places[0] != len(places) - 1:
        raise ValidationError({"selected": _("Only adjacent items can be merged.")})
    if len({order[i][1] for i in places}) > 1:
        raise ValidationError({"selected": _("Items of different sections cannot be merged.")})
    rows = sorted(draft.rows.filter(pk__in=ids), key=lambda r: (r.start, r.pk))
    first, rest = rows[0], rows[1:]
    before = {"start": first.start, "end": first.end}
    first.end = max(r.end for r in rows)
    first.text = draft.text[first.start : first.end]
    if first.kind != "target" and any(r.kind == "target" for r in rest):
        target = next(r for r in rest if r.kind == "target")
        first.kind, first.target = "target", target.target
        first.indicator_unit, first.direction = target.indicator_unit, target.direction
    if any(r.state == DraftItem.State.KEPT for r in rows):
        first.state = DraftItem.State.KEPT
    first.save(update_fields=["end", "text", "kind", "target", "indicator_unit", "direction", "state"])
    for row in rest:
        row.state, row.merged_into = DraftItem.State.MERGED, first
    DraftItem.objects.bulk_update(rest, ["state", "merged_into"])
    draft.rows.filter(merged_into__in=rest).update(merged_into=first)
    record(
        actor=by,
        action=Action.INGEST_MERGE,
        obj=draft,
        before={"item": first.pk, **before},
        after={"item": first.pk, "start": first.start, "end": first.end, "merged": [r.pk for r in rest]},
    )
    return first


def split_points(text: str, start: int, end: int) -> list[int]:
    """Offsets inside [start, end) just after a sentence ends, where an item may be split in two."""
    return [
        start + m.end()
        for m in re.finditer(f"[{SENTENCE_END}]+", text[start:end])
        if start + m.end() < end and text[start + m.end() : end].strip()
    ]


@transaction.atomic
def split_item(*, draft: ImportDraft, by: User, item_id: int, at: int) -> DraftItem:
    """An item cut in two at a sentence boundary; the second half keeps the units, deadline and state."""
    _require(by, draft)
    draft = _open(draft)
    row = draft.rows.exclude(state=DraftItem.State.MERGED).filter(pk=item_id).first()
    if row is None:
        raise ValidationError({"selected": _("Select the items to change.")})
    if at not in split_points(draft.text, row.start, row.end):
        raise ValidationError({"at": _("An item is split where a sentence ends.")})
    second_start = at
    while second_start < row.end and draft.text[second_start].isspace():
        second_start += 1
    old_end = row.end
    row.end = at
    row.text = draft.text[row.start : row.end]
    if row.kind == "target" and not _has_number(row.text):
        row.kind, row.target, row.indicator_unit, row.direction = "task", None, "", ""
    row.save(update_fields=["end", "text", "kind", "target", "indicator_unit", "direction"])
    second = DraftItem.objects.create(
        draft=draft,
        section=row.section,
        kind="task",
        start=second_start,
        end=old_end,
        text=draft.text[second_start:old_end],
        state=row.state,
        lead_unit_id=row.lead_unit_id,
        due=row.due,
        deadline_text=row.deadline_text,
        mentions=row.mentions,
        list_name=row.list_name,
    )
    second.co_units.set(row.co_units.all())
    draft.rows.filter(merged_into=row, start__gte=second_start).update(merged_into=second)
    record(
        actor=by,
        action=Action.INGEST_SPLIT,
        obj=draft,
        before={"item": row.pk, "start": row.start, "end": old_end},
        after={"item": row.pk, "end": row.end, "new_item": second.pk, "start": second.start},
    )
    return second


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", text))


@transaction.atomic
def resolve_mention(*, draft: ImportDraft, by: User, name: str, unit: Unit) -> int:
    """A unit name the matching could not place, given its unit: lead unit where none is set, else co-unit."""
    _require(by, draft)
    draft = _open(draft)
    if not policy.can_assign_to(by, unit):
        raise ValidationError({"unit": _("You cannot assign work to this unit.")})
    rows = [r for r in draft.rows.exclude(state=DraftItem.State.MERGED) if name in r.unmatched]
    if not rows:
        raise ValidationError({"name": _("No item names “%(name)s” without a unit.") % {"name": name}})
    through = DraftItem.co_units.through
    for row in rows:
        row.mentions = [
            {**m, "unit": unit.pk, "how": "chosen"} if m["name"] == name and m.get("unit") is None else m
            for m in row.mentions
        ]
        if row.lead_unit_id is None:
            row.lead_unit_id = unit.pk
        elif row.lead_unit_id != unit.pk:
            through.objects.get_or_create(draftitem_id=row.pk, unit_id=unit.pk)
    DraftItem.objects.bulk_update(rows, ["mentions", "lead_unit"])
    record(
        actor=by,
        action=Action.INGEST_RESOLVE_UNIT,
        obj=draft,
        after={"name": name, "unit_id": unit.pk, "items": [r.pk for r in rows]},
    )
    return len(rows)


@dataclass(frozen=True)
class Rhythm:
    """The reporting rhythm the new list gets: a cadence from the start of the next period."""

    frequency: str
    name: str
    due_weekday: int = 4
    due_time: dt.time = dt.time(17, 0)


@transaction.atomic
def create_list_from_draft(
    *, draft: ImportDraft, by: User, list_name: str, rhythm: Rhythm | None = None
) -> list[TaskList]:
    """Create the list (and any other list items were given) with every kept item at once, or nothing.

    A document names units, not people: each task says its responsible leader and person are still to be
    named (plans.services.create_tasks). With a rhythm, each list made here gets a cadence that starts with
    the next period, so its tasks are asked for reports from the next cycle on.
    """
    _require(by, draft)
    draft = _open(draft)
    rows = list(
        draft.rows.filter(state=DraftItem.State.KEPT).select_related("lead_unit").prefetch_related("co_units")
    )
    if not rows:
        raise ValidationError({"__all__": _("Keep at least one item to create a list.")})
    missing = [r for r in rows if r.lead_unit_id is None]
    if missing:
        raise ValidationError(
            {
                "__all__": _("%(n)s kept items have no lead unit yet, the first: “%(title)s”.")
                % {"n": len(missing), "title": missing[0].text[:40]}
            }
        )
    if rhythm is not None and rhythm.frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose a reporting rhythm.")})
    default = list_name.strip() or draft.source_name.rsplit(".", 1)[0][:100]
    existing = {tl.name: tl for tl in draft.plan.lists.all()}
    # Each list's items in the document's order, with their numbers there; lists in order of first mention.
    grouped: dict[str, list[tuple[int, DraftItem]]] = {}
    for number, row in enumerate(rows, start=1):
        grouped.setdefault(row.list_name or default, []).append((number, row))
    lists: dict[str, TaskList] = {}
    for name, numbered in grouped.items():
        lists[name] = existing.get(name) or _new_list(draft, by, name, rhythm)
        specs = [_task_spec(row, draft.plan.year) for _, row in numbered]
        try:
            plans.create_tasks(task_list=lists[name], by=by, specs=specs)
        except plans.SpecError as exc:
            number = numbered[exc.index][0]
            raise ValidationError(
                {"__all__": _("Item %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.messages)}}
            ) from None
    before = snapshot(draft, exclude=BULKY)
    first = lists.get(default) or next(iter(lists.values()))
    draft.state, draft.task_list = ImportDraft.State.USED, first
    draft.save(update_fields=["state", "task_list"])
    record(
        actor=by,
        action=Action.INGEST_CREATE_LIST,
        obj=draft,
        before=before,
        after={
            **snapshot(draft, exclude=BULKY),
            "lists": [tl.pk for tl in lists.values()],
            "tasks": len(rows),
            "rhythm": rhythm.frequency if rhythm else None,
        },
    )
    return list(lists.values())


def _task_spec(row: DraftItem, year: int) -> plans.TaskSpec:
    """The task a kept item becomes: its text as title and content, from the start of the plan's year."""
    assert row.lead_unit is not None  # create_list_from_draft checked every kept row
    title = row.text if len(row.text) <= MAX_TITLE else row.text[: MAX_TITLE - 1] + "…"
    is_target = row.kind == "target" and row.target is not None
    return plans.TaskSpec(
        title=title,
        content=row.text,
        lead_unit=row.lead_unit,
        co_units=tuple(row.co_units.all()),
        start=dt.date(year, 1, 1),
        due=max(row.due, dt.date(year, 1, 1)),
        indicator_name=title[:100] if is_target else "",
        indicator_unit=row.indicator_unit if is_target else "",
        target=row.target if is_target else None,
        direction=row.direction if is_target else "",
        responsibility_note=_("To be named"),
    )


def _new_list(draft: ImportDraft, by: User, name: str, rhythm: Rhythm | None) -> TaskList:
    task_list = plans.create_task_list(plan=draft.plan, name=name, by=by, description=draft.source_name)
    if rhythm is not None:
        dispatch.create_cadence(
            by=by,
            task_list=task_list,
            name=rhythm.name or str(Frequency(rhythm.frequency).label),
            frequency=rhythm.frequency,
            anchor=next_period_start(rhythm.frequency, clock.today()),
            due_weekday=rhythm.due_weekday,
            due_time=rhythm.due_time,
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
