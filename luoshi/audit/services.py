"""Record audit events, seal them into blocks, and verify the chain."""

from __future__ import annotations

import decimal
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction

from luoshi.audit import anchor, context, hashing, subjects
from luoshi.audit.hashing import UNKEYED, Scheme
from luoshi.audit.models import GENESIS, AuditBlock, AuditEvent, configured_scheme
from luoshi.core import bulk, clock
from luoshi.core.services import plain

SEAL_BATCH = 5000
SEAL_LOCK = 0x4C55_4F53_4849  # "LUOSHI": the PostgreSQL advisory lock that one sealer holds at a time
_sealing_deferred: ContextVar[bool] = ContextVar("luoshi_audit_sealing_deferred", default=False)


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
    event.digest = event.compute_digest(configured_scheme())
    event.save()
    _seal_on_commit()
    return event


def record_many(
    *,
    actor: Any,
    action: str,
    written: Sequence[tuple[models.Model, dict[str, Any] | None]],
    before: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one event per (object, after) pair for a bulk write in the caller's transaction; `before`, when
    given, is what every object held before it.

    The events are those `record` would append one by one: the same content, subjects and digests (each
    digest covers its own event only; the chain links them when they are sealed, in the order written).
    Their subjects are derived together, with one query per model and step at most.
    """
    ctx = context.get()
    at = clock.now()
    actor_id, actor_name = getattr(actor, "pk", None), str(actor) if actor is not None else ""
    events = [
        AuditEvent(
            occurred_at=at,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            before=before,
            after=after,
            ip_address=ctx.ip_address,
            request_id=ctx.request_id,
        )
        for obj, after in written
    ]
    if not events:
        return []
    known: dict[tuple[str, str, str], Any] = {}
    for obj, _after in written:
        known |= subjects.known_from(obj)
    scheme = configured_scheme()
    for event, subject in zip(events, subjects.derive(events, known=known), strict=True):
        event.subject_type, event.subject_id = subject or (event.object_type, event.object_id)
        event.digest = event.compute_digest(scheme)
    bulk.insert(events)
    _seal_on_commit()
    return events


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as (before, after) pairs."""
    keys = before.keys() | after.keys()
    return {k: (before.get(k), after.get(k)) for k in sorted(keys) if before.get(k) != after.get(k)}


def seal(*, limit: int = SEAL_BATCH) -> AuditBlock | None:
    """Seal the oldest unsealed events into the next block and anchor its head; None if none are waiting.

    Call it outside a transaction (after a commit, from the worker or the command): the head goes to the
    anchor file once the block is committed, so the anchor never names a block that was rolled back.
    """
    block = _seal_next(limit=limit, scheme=configured_scheme())
    if block is not None:
        anchor.append(block)
    return block


@transaction.atomic
def _seal_next(*, limit: int, scheme: Scheme) -> AuditBlock | None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # One sealer at a time, and the head read after the lock: FOR UPDATE on the head row would hand a
        # second sealer the head it waited on, not the block the first one just added, and fork the chain.
        # SQLite's IMMEDIATE transactions already take the write lock at BEGIN.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
    last = AuditBlock.objects.order_by("-id").first()
    pending = list(AuditEvent.objects.filter(block__isnull=True).order_by("id").only("id", "digest")[:limit])
    if not pending:
        return None
    entries = [(i, e.pk, e.digest) for i, e in enumerate(pending)]
    sealed_at = clock.now()
    prev_hash = last.hash if last else GENESIS
    root = AuditBlock.root_of(entries, scheme)
    block = AuditBlock.objects.create(
        sealed_at=sealed_at,
        event_count=len(pending),
        events_root=root,
        prev_hash=prev_hash,
        scheme=scheme.name,
        key_id=scheme.key_id,
        hash=AuditBlock.hash_of(
            scheme=scheme,
            prev_hash=prev_hash,
            events_root=root,
            event_count=len(pending),
            sealed_at=sealed_at.isoformat(),
        ),
    )
    # The one update the append-only querysets and triggers allow: placing unsealed events in their block.
    # One plain statement run for each event: bulk_update's CASE expressions cost more to build in Python
    # than the whole seal, thousands of events at a time.
    table, q = AuditEvent._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the block: its events' ids as one array, each placed at its index there
            # (12,000 events: 0.7 s one by one in a pipeline).
            cursor.execute(
                f"UPDATE {q(table)} SET {q('block_id')} = %s, {q('position')} = placed.position - 1 "
                f"FROM UNNEST(%s::bigint[]) WITH ORDINALITY AS placed(id, position) "
                f"WHERE {q(table)}.{q('id')} = placed.id",
                [block.pk, [event.pk for event in pending]],
            )
        else:
            cursor.executemany(
                f"UPDATE {q(table)} SET {q('block_id')} = %s, {q('position')} = %s WHERE {q('id')} = %s",
                [(block.pk, i, event.pk) for i, event in enumerate(pending)],
            )
    return block


def seal_all() -> int:
    """Seal every pending event; return how many blocks were made."""
    blocks = 0
    while (block := seal()) is not None:
        blocks += 1
        if block.event_count < SEAL_BATCH:
            break  # it took every event pending then; one committed since has its own seal on the way
    return blocks


_last_sealed = -math.inf  # this process's last seal after a commit, on clock.monotonic()


def _seal_committed() -> None:
    """Seal what waits, unless this process sealed less than AUDIT_SEAL_EVERY seconds ago.

    At the deadline surge every commit would otherwise begin a second write transaction of its own (a
    block of one or two events, its own commit and fsync): group sealing, as a transparency log does, makes
    that at most one per process per interval, in larger blocks. What a quiet moment leaves unsealed is
    sealed by the next commit after the interval, or by the worker's job within the minute.
    """
    global _last_sealed
    every = settings.AUDIT_SEAL_EVERY
    started = clock.monotonic()
    if every and started - _last_sealed < every:
        return
    _last_sealed = started
    # A read first: when another writer's seal has already taken this transaction's events (at the surge,
    # most of the time), no write transaction is begun for nothing.
    if AuditEvent.objects.filter(block__isnull=True).exists():
        seal_all()


@contextmanager
def sealing_deferred() -> Iterator[None]:
    """Seal once at the end rather than after every commit, for a bulk load (the demo city) that commits
    thousands of small transactions.

    The events are the same and sealed in the same order, into fewer and larger blocks; whatever the load
    committed is sealed on the way out, whether it finished or failed.
    """
    token = _sealing_deferred.set(True)
    try:
        yield
    finally:
        _sealing_deferred.reset(token)
        seal_all()


def _seal_on_commit() -> None:
    """Seal once the writer's transaction commits: once per transaction, however many events it wrote.

    Sealing inside the writer's transaction would make every writer wait for the one before it to commit.
    After the commit it takes a few milliseconds, and a failure there (logged) leaves the events for the
    worker's next run.
    """
    if _sealing_deferred.get():
        return
    connection = transaction.get_connection()
    # One already waiting under savepoints that are all still open commits (or rolls back) with this one.
    active = set(connection.savepoint_ids)
    if not any(func is _seal_committed and sids <= active for sids, func, _ in connection.run_on_commit):
        transaction.on_commit(_seal_committed, robust=True)


@dataclass
class Verification:
    blocks: int = 0
    events: int = 0
    unsealed: int = 0
    unanchored: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, scheme: Scheme | None = None) -> Verification:
    """Check every event's digest and subject, every block's root, count, scheme and key, the links
    between blocks, and the chain against the heads in the anchor file.
    """
    current = scheme or configured_scheme()
    result = Verification()
    hashes: dict[int, str] = {}
    prev_hash = GENESIS
    keyed = False
    groups = _sealed_events_by_block()
    group: tuple[int, list[AuditEvent]] | None = next(groups, None)
    checking = _EventChecks(result)
    for block in AuditBlock.objects.order_by("id").iterator():
        result.blocks += 1
        hashes[block.pk] = block.hash
        events: list[AuditEvent] = []
        while group is not None and group[0] < block.pk:  # only with the foreign key switched off
            result.problems.append(f"events {', '.join(str(e.pk) for e in group[1])}: their block is missing")
            group = next(groups, None)
        if group is not None and group[0] == block.pk:
            events = group[1]
            group = next(groups, None)
        block_scheme = _scheme_of(block, current, keyed, result)
        keyed = keyed or block.scheme != UNKEYED
        if block.prev_hash != prev_hash:
            result.problems.append(f"block {block.pk}: does not link to the block before it")
        expected = AuditBlock.hash_of(
            scheme=block_scheme,
            prev_hash=block.prev_hash,
            events_root=block.events_root,
            event_count=block.event_count,
            sealed_at=block.sealed_at.isoformat(),
        )
        if expected != block.hash:
            result.problems.append(f"block {block.pk}: its hash does not match its contents")
        result.events += len(events)
        checking.add(events, block_scheme)
        entries = [(event.position, event.pk, event.digest) for event in events]
        if len(entries) != block.event_count:
            result.problems.append(
                f"block {block.pk}: holds {len(entries)} events, sealed with {block.event_count}"
            )
        elif [e[0] for e in entries] != list(range(block.event_count)) or (
            AuditBlock.root_of(entries, block_scheme) != block.events_root
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
        checking.add(events, current)
    checking.flush()
    _compare_with_anchor(hashes, keyed, result)
    return result


def _sealed_events_by_block() -> Iterator[tuple[int, list[AuditEvent]]]:
    """The sealed events in one pass, block by block in the blocks' order, each block's by position."""
    events = AuditEvent.objects.filter(block__isnull=False).order_by("block_id", "position", "id")
    for block_id, group in itertools.groupby(events.iterator(chunk_size=SEAL_BATCH), lambda e: e.block_id):
        yield int(block_id or 0), list(group)


def _scheme_of(block: AuditBlock, current: Scheme, keyed: bool, result: Verification) -> Scheme:
    """The scheme the block says it was sealed with, reporting what is wrong with that."""
    if block.scheme == UNKEYED:
        if keyed:
            result.problems.append(f"block {block.pk}: unkeyed after keyed blocks, so it was rewritten")
        return Scheme(UNKEYED)
    if not hashing.known(block.scheme):
        result.problems.append(f"block {block.pk}: sealed with an unknown scheme {block.scheme!r}")
        return current
    scheme = _keyed(block.scheme, current.key)
    if block.key_id != scheme.key_id:
        result.problems.append(
            f"block {block.pk}: sealed with another key (id {block.key_id}; this one's {scheme.key_id})"
        )
    return scheme


@functools.lru_cache(maxsize=8)
def _keyed(name: str, key: bytes) -> Scheme:
    """One Scheme per name and key, so its key id is computed once, not once per block."""
    return Scheme(name, key=key)


def _compare_with_anchor(hashes: dict[int, str], keyed: bool, result: Verification) -> None:
    anchored = anchor.read()
    if anchored is None:
        # Not a problem in itself (a fresh database, or tests that seal elsewhere), but nothing then shows
        # blocks deleted from the end, so say so.
        if keyed:
            result.warnings.append(f"no anchor file at {anchor.path()}: a chain cut short would not show")
        result.unanchored = len(hashes)
        return
    heads, unreadable = anchored
    result.problems += [f"anchor {where}: cannot be read" for where in unreadable]
    for head in heads:
        held = hashes.get(head.block_id)
        if held is None:
            result.problems.append(
                f"block {head.block_id}, anchored when sealed at {head.sealed_at}, is missing: "
                "the chain was cut short"
            )
        elif held != head.hash:
            result.problems.append(
                f"block {head.block_id}: its hash is not the one anchored, so it was rewritten"
            )
    newest = max((head.block_id for head in heads), default=0)
    result.unanchored = sum(1 for pk in hashes if pk > newest)


class _EventChecks:
    """Checks events in batches, so that deriving their subjects takes a few queries, not one per block."""

    def __init__(self, result: Verification) -> None:
        self.result = result
        self.batch: list[tuple[AuditEvent, Scheme]] = []

    def add(self, events: list[AuditEvent], scheme: Scheme) -> None:
        self.batch += [(event, scheme) for event in events]
        if len(self.batch) >= SEAL_BATCH:
            self.flush()

    def flush(self) -> None:
        events = [event for event, _ in self.batch]
        for (event, scheme), subject in zip(self.batch, subjects.derive(events), strict=True):
            if event.compute_digest(scheme) != event.digest:
                self.result.problems.append(
                    f"event {event.pk} ({event.action}): content does not match its digest"
                )
            # None: the link leads to a row deleted since, so the subject cannot be derived again.
            stored = (event.subject_type, event.subject_id)
            if subject is not None and stored != subject:
                self.result.problems.append(
                    f"event {event.pk} ({event.action}): its subject {':'.join(stored)} is not "
                    f"{':'.join(subject)}, which its content names"
                )
        self.batch = []
