"""Outbound event webhooks: signed JSON posts to outside systems when something happens in a unit's subtree.

`emit` is called by the services where an event happens (a report submitted or returned, a task turned red,
a delivery accepted, a supervision item overdue, a bulletin published). It logs one OutboundDelivery per
active subscription that chose the event and covers the unit, and sends them once the caller commits.

Each send is a POST of the event as JSON with the headers

    X-Luoshi-Event: report.submitted
    X-Luoshi-Delivery: <the event's id, a UUID, the same on every retry and replay>
    X-Luoshi-Timestamp: <unix seconds>
    X-Luoshi-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

A send that gets no 2xx answer is tried again after 1, 2, 4, … minutes (at most an hour apart), MAX_ATTEMPTS
times in all, then given up as failed; an office can replay any delivery from the log. Addresses follow the
group robots' egress rules (https, public addresses only, the checked address connected to), on any host.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from luoshi.core import clock
from luoshi.core.memo import remembered
from luoshi.notify import egress
from luoshi.notify.models import OutboundDelivery, OutboundEvent, OutboundState, OutboundWebhook
from luoshi.orgs.models import Unit

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
# A send in progress holds its delivery this long, so that the every-minute sweep does not send it twice.
LEASE = dt.timedelta(minutes=5)
ANSWER_MAX = 16 * 1024
SECRET_BYTES = 32


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def rules() -> egress.Rules:
    """Where outbound webhooks may post: https on any host name, public addresses only. Tests that post to
    a local receiver replace this function (the `loopback_hooks` fixture); nothing else can."""
    return egress.Rules(hosts=frozenset(), any_host=True)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Luoshi-Signature value: HMAC-SHA256 keyed by the secret over "timestamp.body", in hex."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, never more than LONGEST_WAIT."""
    wait: dt.timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


@dataclass(frozen=True)
class Event:
    """One happening to tell of: where it happened, what to say (ids, titles, the state, a path) and what
    it is about (`key`: kind and object), so that it is posted to a webhook once."""

    unit: Unit
    data: dict[str, Any]
    key: str = ""


def emit(kind: str, *, unit: Unit, data: dict[str, Any], key: str = "") -> list[OutboundDelivery]:
    """Log the event for each active webhook that chose `kind` and whose unit's subtree holds `unit`, and
    send them after the caller's transaction commits. With a `key`, a webhook that already has a delivery
    of that key is not told again. `data` holds ids, titles and a path only: never anything from outside
    `unit`."""
    return emit_each(kind, [Event(unit, data, key)])


def listening(kind: str) -> list[OutboundWebhook]:
    """The active webhooks that chose `kind`, with their units. Few exist: they are read whole, and each
    event's unit is matched to them by path."""
    if kind not in OutboundEvent.values:
        raise ValueError(f"not an outbound event: {kind!r}")
    return remembered(
        ("outbound.listening", kind),
        lambda: [
            h
            for h in OutboundWebhook.objects.active().select_related("unit").order_by("pk")
            if kind in h.events
        ],
    )


def emit_each(
    kind: str, events: Sequence[Event], *, hooks: list[OutboundWebhook] | None = None
) -> list[OutboundDelivery]:
    """`emit` for many events of a kind (a sweep turning many tasks red) in as many queries as for one;
    `hooks` is `listening(kind)` when the caller has asked already."""
    if kind not in OutboundEvent.values:
        raise ValueError(f"not an outbound event: {kind!r}")
    if not events:
        return []
    hooks = listening(kind) if hooks is None else hooks
    if not hooks:
        return []
    keys = {e.key for e in events if e.key}
    told = set(
        OutboundDelivery.objects.filter(webhook__in=hooks, key__in=keys).values_list("webhook_id", "key")
        if keys
        else ()
    )
    now = clock.now()
    rows = []
    for event in events:
        chosen = [
            h for h in hooks if event.unit.path.startswith(h.unit.path) and (h.pk, event.key) not in told
        ]
        if not chosen:
            continue
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id),
            "event": kind,
            "occurred_at": now.isoformat(),
            "unit": {"id": event.unit.pk, "name": event.unit.name},
            "data": event.data,
        }
        rows += [
            OutboundDelivery(
                webhook=h, event_id=event_id, kind=kind, key=event.key, payload=payload, next_attempt_at=now
            )
            for h in chosen
        ]
        told |= {(h.pk, event.key) for h in chosen if event.key}
    if not rows:
        return []
    deliveries = OutboundDelivery.objects.bulk_create(rows)
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids: list[int]) -> None:
    from luoshi.notify import jobs  # jobs imports this module

    jobs.send_outbound(ids)


def body_of(delivery: OutboundDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _claim(pk: int, now: dt.datetime, *, force: bool) -> OutboundDelivery | None:
    """The delivery if it is due (or `force`d, for a replay), held for LEASE; None if not to be sent now."""
    with transaction.atomic():
        delivery = (
            OutboundDelivery.objects.select_for_update().select_related("webhook").filter(pk=pk).first()
        )
        if delivery is None:
            return None
        if not force and (
            delivery.state != OutboundState.PENDING
            or not delivery.webhook.is_active
            or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now)
        ):
            return None
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at", "updated_at"])
        return delivery


def send(pk: int, *, force: bool = False) -> OutboundDelivery | None:
    """Try one delivery once, if it is due, and log the outcome: delivered, to be tried again, or failed.

    Posts outside any transaction: no row is held while the receiver takes its time.
    """
    now = clock.now()
    delivery = _claim(pk, now, force=force)
    if delivery is None:
        return None
    body = body_of(delivery)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Luoshi-Webhook/1",
        "X-Luoshi-Event": delivery.kind,
        "X-Luoshi-Delivery": str(delivery.event_id),
        "X-Luoshi-Timestamp": str(timestamp),
        "X-Luoshi-Signature": signature(delivery.webhook.secret, timestamp, body),
    }
    status: int | None = None
    error = ""
    give_up = False
    try:
        answer = egress.post(
            delivery.webhook.url,
            body,
            headers=headers,
            rules=rules(),
            timeout=settings.WEBHOOK_TIMEOUT,
            limit=ANSWER_MAX,
        )
    except egress.Blocked as exc:  # the address breaks the rules: no retry makes it right
        error, give_up = f"not sent: {exc}", True
    except Exception as exc:  # unreachable, timed out, cut off: worth another try
        error = f"{type(exc).__name__}: {exc}"
    else:
        status = answer.status
        if not 200 <= status < 300:
            error = f"HTTP {answer.status} {answer.reason}"
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error
    done = clock.now()
    if not error:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = OutboundState.DELIVERED, done, None
    elif give_up or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = OutboundState.FAILED, None
    else:
        delivery.state, delivery.next_attempt_at = OutboundState.PENDING, done + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts", "last_status", "last_error", "state", "delivered_at", "next_attempt_at", "updated_at"
        ]
    )  # fmt: skip
    return delivery


def send_all(ids: Iterable[int]) -> int:
    """Send these deliveries if due; return how many were tried. One failing never stops the others."""
    tried = 0
    for pk in ids:
        try:
            tried += send(pk) is not None
        except Exception:
            log.exception("outbound delivery %s could not be tried", pk)
    return tried


def send_due(*, now: dt.datetime | None = None) -> int:
    """Try every pending delivery whose time has come (the every-minute job)."""
    now = now or clock.now()
    due = OutboundDelivery.objects.filter(
        state=OutboundState.PENDING, next_attempt_at__lte=now, webhook__is_active=True
    ).order_by("next_attempt_at", "pk")
    return send_all(list(due.values_list("pk", flat=True)[:500]))
