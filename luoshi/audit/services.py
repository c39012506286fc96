"""Record audit events, seal them into blocks, and verify the chain."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from luoshi.audit import context, subjects
from luoshi.audit.models import GENESIS, AuditBlock, AuditEvent
from luoshi.core import clock
from luoshi.core.services import plain

SEAL_BATCH = 5000


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The instance's fields as JSON-safe values: foreign keys as ids, many-to-many as sorted id lists."""
    skip = set(exclude)
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in skip:
            continue
        value = getattr(instance, f.attname)
        if isinstance(f, models.DecimalField) and value is not None:
            # As the database will hold it, so "1" and "1.00" never show up as a change.
            value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-f.decimal_places))
        data[f.attname] = plain(value)
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            if m2m.name not in skip:
                data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return data


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event for a write the caller is making in the same transaction.

    Its subject, the object whose history it joins, follows from `obj` (see audit.subjects).
    """
    ctx = context.get()
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=getattr(actor, "pk", None),
        actor_name=str(actor) if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
    )
    [subject] = subjects.derive([event], known=subjects.known_from(obj))
    event.subject_type, event.subject_id = subject or (event.object_type, event.object_id)
    event.digest = event.compute_digest()
    event.save()
    return event


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as (before, after) pairs."""
    keys = before.keys() | after.keys()
    return {k: (before.get(k), after.get(k)) for k in sorted(keys) if before.get(k) != after.get(k)}


@transaction.atomic
def seal(*, limit: int = SEAL_BATCH) -> AuditBlock | None:
    """Seal the oldest unsealed events into the next block; None when there is nothing to seal."""
    last = AuditBlock.objects.select_for_update().order_by("-id").first()
    pending = list(AuditEvent.objects.filter(block__isnull=True).order_by("id").only("id", "digest")[:limit])
    if not pending:
        return None
    entries = [(i, e.pk, e.digest) for i, e in enumerate(pending)]
    sealed_at = clock.now()
    prev_hash = last.hash if last else GENESIS
    root = AuditBlock.root_of(entries)
    block = AuditBlock.objects.create(
        sealed_at=sealed_at,
        event_count=len(pending),
        events_root=root,
        prev_hash=prev_hash,
        hash=AuditBlock.hash_of(
            prev_hash=prev_hash, events_root=root, event_count=len(pending), sealed_at=sealed_at.isoformat()
        ),
    )
    for i, event in enumerate(pending):
        event.block = block
        event.position = i
    AuditEvent.objects.bulk_update(pending, ["block", "position"], batch_size=500)
    return block


def seal_all() -> int:
    """Seal every pending event; return how many blocks were made."""
    blocks = 0
    while seal() is not None:
        blocks += 1
    return blocks


@dataclass
class Verification:
    blocks: int = 0
    events: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Check every event's digest and subject, every block's root and count, and the links between blocks."""
    result = Verification()
    prev_hash = GENESIS
    for block in AuditBlock.objects.order_by("id").iterator():
        result.blocks += 1
        if block.prev_hash != prev_hash:
            result.problems.append(f"block {block.pk}: does not link to the block before it")
        expected = AuditBlock.hash_of(
            prev_hash=block.prev_hash,
            events_root=block.events_root,
            event_count=block.event_count,
            sealed_at=block.sealed_at.isoformat(),
        )
        if expected != block.hash:
            result.problems.append(f"block {block.pk}: its hash does not match its contents")
        events = list(AuditEvent.objects.filter(block=block).order_by("position"))
        result.events += len(events)
        _check_events(events, result)
        entries = [(event.position, event.pk, event.digest) for event in events]
        if len(entries) != block.event_count:
            result.problems.append(
                f"block {block.pk}: holds {len(entries)} events, sealed with {block.event_count}"
            )
        elif [e[0] for e in entries] != list(range(block.event_count)) or (
            AuditBlock.root_of(entries) != block.events_root
        ):
            result.problems.append(f"block {block.pk}: events were changed, removed or reordered")
        prev_hash = block.hash
    last = 0
    while events := list(
        AuditEvent.objects.filter(block__isnull=True, id__gt=last).order_by("id")[:SEAL_BATCH]
    ):
        last = events[-1].pk
        result.events += len(events)
        result.unsealed += len(events)
        _check_events(events, result)
    return result


def _check_events(events: list[AuditEvent], result: Verification) -> None:
    for event, subject in zip(events, subjects.derive(events), strict=True):
        if event.compute_digest() != event.digest:
            result.problems.append(f"event {event.pk} ({event.action}): content does not match its digest")
        # None: the link leads to a row deleted since, so the subject cannot be derived again.
        stored = (event.subject_type, event.subject_id)
        if subject is not None and stored != subject:
            result.problems.append(
                f"event {event.pk} ({event.action}): its subject {':'.join(stored)} is not "
                f"{':'.join(subject)}, which its content names"
            )
