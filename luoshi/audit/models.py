"""Append-only audit events, sealed in order into hash-linked blocks.

Writers only append an event with its own digest, so they never wait on each other. A sealer later takes
the unsealed events, gives each a position in its block, and links the block to the one before by hash,
as transparency logs do. Editing, deleting or reordering a sealed event breaks its block's root or the
chain; editing an unsealed one breaks its digest.

Digests and block hashes are HMACs under a key kept outside the database (settings.AUDIT_KEY), so whoever
can write to the database cannot recompute them; each block records its scheme, and the blocks sealed
before the chain was keyed keep their plain SHA-256 (see audit.hashing). Rows are refused UPDATE and
DELETE here, in the querysets, and by triggers in the database (audit.guard); the sealer's one update,
placing an unsealed event in its block, is the exception both allow.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.audit.hashing import UNKEYED, Scheme

GENESIS = "0" * 64
M = TypeVar("M", bound=models.Model)


def configured_scheme() -> Scheme:
    """The scheme new events and blocks use: an HMAC with the configured key and hash."""
    return Scheme.keyed(algorithm=settings.AUDIT_HASH, key=settings.AUDIT_KEY.encode())


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[M]):
    """Refuses the bulk writes that would bypass the models' own refusal."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    def about(self, subject: models.Model) -> AuditEventQuerySet:
        """The events of the subject's history: its own and those of the objects that belong to it."""
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))


class AuditEvent(models.Model):
    """Who did what to which object, with the object before and after, when and from where."""

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    digest = models.CharField(max_length=64)
    block = models.ForeignKey(
        "AuditBlock", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    # The object whose history this is (a milestone's task, a report's task…), derived by audit.subjects
    # from the fields the digest covers. It is an index, not content: verify derives it again.
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject id"), max_length=40)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject_type", "subject_id", "id"], name="audit_event_subject"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["block", "position"], name="audit_event_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are append-only")

    def content(self) -> dict[str, Any]:
        """The fields the digest covers: not the subject, which is derived from them.

        Leaving it out keeps the digests of events recorded before subjects existed.
        """
        return {
            "occurred_at": self.occurred_at.astimezone(dt.UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
        }

    def compute_digest(self, scheme: Scheme | None = None) -> str:
        return (scheme or configured_scheme()).mac(canonical_json(self.content()).encode())


class AuditBlock(models.Model):
    """A sealed run of events; `hash` covers the previous block's hash and the events' digests in order."""

    sealed_at = models.DateTimeField()
    event_count = models.PositiveIntegerField()
    events_root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # How the block and its events were hashed (audit.hashing), and which key: a fingerprint, not the key.
    scheme = models.CharField(max_length=20)
    key_id = models.CharField(max_length=16, blank=True)

    objects = AppendOnlyQuerySet["AuditBlock"].as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"block {self.pk} ({self.event_count} events)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit blocks are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit blocks are append-only")

    @staticmethod
    def root_of(entries: Sequence[tuple[int | None, int, str]], scheme: Scheme) -> str:
        """Hash (position, event id, digest) triples in order.

        Positions are typed as their column is, nullable: verification hashes what it reads from the rows.
        """
        return scheme.hash("".join(f"{p}:{event_id}:{digest}\n" for p, event_id, digest in entries).encode())

    @staticmethod
    def hash_of(*, scheme: Scheme, prev_hash: str, events_root: str, event_count: int, sealed_at: str) -> str:
        text = f"{prev_hash}|{events_root}|{event_count}|{sealed_at}"
        if scheme.name != UNKEYED:
            text = f"{scheme.name}|{scheme.key_id}|{text}"
        return scheme.mac(text.encode())
