"""Writes to notices and group-robot endpoints: one function per use case, each audited.

Sending (e-mail, robots) never happens here: `notify` queues a job once the caller's transaction commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.notify import channels, egress, jobs, outbound, texts
from luoshi.notify.models import (
    Delivery,
    Notice,
    OutboundDelivery,
    OutboundEvent,
    OutboundState,
    OutboundWebhook,
    Platform,
    WebhookEndpoint,
)
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User

KIND_MAX = 40
TITLE_MAX = 200
KEY_MAX = 120
TEST_KIND = "robot_test"


@transaction.atomic
def notify(
    *,
    recipients: Sequence[User],
    kind: str,
    title: str = "",
    body: str = "",
    params: dict[str, Any] | None = None,
    key: str = "",
    url: str = "",
    units: Sequence[Unit] = (),
    by: User | None = None,
) -> list[Notice]:
    """Give each recipient a notice now; after commit, e-mail them and post to the units' group robots.

    A kind with words of its own (texts.TEXTS) takes `params` and is worded for each reader; `title` and
    `body` are then filled in the office's language for the log. With a `key` (the event: kind and object),
    a recipient who already holds a notice of that key is not told again. Recipients are taken once each;
    with none left nothing is written or sent, robots included. `by` is None for the system (a job).
    """
    people = list({u.pk: u for u in recipients}.values())
    key = key.strip()
    if len(key) > KEY_MAX:
        raise ValueError(f"a notice key is at most {KEY_MAX} characters, not {key!r}")
    if key and people:
        # `key` is never "" here; saying so lets the database read the unique partial index on (recipient,
        # key) rather than every notice the recipients hold, which a supervisor's grow by one per submit.
        told = set(
            Notice.objects.filter(key=key, recipient__in=people)
            .exclude(key="")
            .order_by()
            .values_list("recipient_id", flat=True)
        )
        people = [p for p in people if p.pk not in told]
    if not people:
        return []
    kind = kind.strip()
    if params is not None:
        with translation.override(settings.LANGUAGE_CODE):
            title, body = texts.render(kind, params) or (title, body)
    title = " ".join(title.split())[:TITLE_MAX]  # one line: it is also the e-mail subject
    if not kind or len(kind) > KIND_MAX:
        raise ValueError(f"a notice kind is a short code, not {kind!r}")
    if not title:
        raise ValueError("a notice needs a title")
    if url and not url.startswith(("/", "http://", "https://")):
        raise ValueError(f"a notice links to a path or an http(s) address, not {url!r}")
    notices = Notice.objects.bulk_create(
        [
            Notice(recipient=p, kind=kind, title=title, body=body, params=params, key=key, url=url)
            for p in people
        ]
    )
    unit_ids = sorted({u.pk for u in units})
    record(
        actor=by,
        action=Action.NOTIFY_SEND,
        obj=notices[0],
        after={
            "kind": kind,
            "title": title,
            "recipients": [p.pk for p in people],
            "units": unit_ids,
            **({"key": key} if key else {}),
        },
    )
    # A job only when it has something to send (channels.send_deliveries: e-mail to an active recipient
    # with an address, posts to the units' robots): queueing one costs a write to the queue per notice,
    # at a deadline surge once per submit.
    if unit_ids or any(p.email and p.is_active for p in people):
        notice_ids = [n.pk for n in notices]
        transaction.on_commit(lambda: _enqueue(notice_ids, unit_ids))
    return notices


def _enqueue(notice_ids: list[int], unit_ids: list[int]) -> None:
    jobs.deliver(notice_ids, unit_ids)


@transaction.atomic
def mark_read(*, notice: Notice, by: User) -> Notice:
    if notice.recipient_id != by.pk:
        raise PermissionDenied
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
        record(actor=by, action=Action.NOTICE_READ, obj=notice, after={"read_at": notice.read_at.isoformat()})
    return notice


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    """Mark every unread notice of the user read; return how many were."""
    unread = Notice.objects.for_user(by).unread()
    ids = list(unread.values_list("pk", flat=True))
    if not ids:
        return 0
    now = clock.now()
    Notice.objects.filter(pk__in=ids).update(read_at=now)
    record(
        actor=by, action=Action.NOTICE_READ_ALL, obj=by, after={"read_at": now.isoformat(), "notices": ids}
    )
    return len(ids)


def _audit_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The endpoint without its credentials: the URL's token and the secret appear only as fingerprints,
    so the log shows that they changed without ever holding them."""
    data = snapshot(endpoint, exclude=["url", "secret"])
    parts = urlsplit(endpoint.url)
    data["url"] = f"{parts.scheme}://{parts.netloc}/… #{_fingerprint(endpoint.url)}"
    data["secret"] = f"#{_fingerprint(endpoint.secret)}" if endpoint.secret else ""
    return data


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:8]


# Why a robot address is refused, by the rule it breaks (egress.Blocked.code).
BLOCKED = {
    "scheme": gettext_lazy("A robot address must start with https://."),
    "credentials": gettext_lazy("A robot address may not contain a user name or password."),
    "number": gettext_lazy("Enter the robot address with the platform's host name, not a numeric address."),
    "host": gettext_lazy(
        "This host is not a group-robot host of DingTalk, WeCom or Feishu. "
        "Copy the robot address from the group's robot settings."
    ),
    "invalid": gettext_lazy("Enter the robot's https address."),
}


def robot_address_error(url: str) -> str:
    """Why a robot address may not be saved, or "" if it may (its host is resolved only when sending)."""
    try:
        egress.check_url(url, channels.robot_rules())
    except egress.Blocked as exc:
        return str(BLOCKED.get(exc.code, BLOCKED["invalid"]))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return str(BLOCKED["invalid"])
    return ""


def _check_endpoint(endpoint: WebhookEndpoint, *, new_url: bool = True) -> None:
    errors: dict[str, str] = {}
    if endpoint.platform not in Platform.values:
        errors["platform"] = _("Choose DingTalk, WeCom or Feishu.")
    # An address saved before today's rules can still be switched off; sending to it is refused anyway.
    url_error = robot_address_error(endpoint.url) if new_url else ""
    if url_error:
        errors["url"] = url_error
    if len(endpoint.url) > 500:
        errors["url"] = _("The address is too long.")
    if len(endpoint.secret) > 200:
        errors["secret"] = _("The secret is too long.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_webhook(
    *, unit: Unit, platform: str, url: str, secret: str = "", by: User, is_active: bool = True
) -> WebhookEndpoint:
    """Connect a group robot to a unit; only the unit's supervisors may."""
    if not policy.can_supervise(by, unit):
        raise PermissionDenied
    endpoint = WebhookEndpoint(
        unit=unit, platform=platform, url=url.strip(), secret=secret.strip(), is_active=is_active
    )
    _check_endpoint(endpoint)
    endpoint.save()
    record(actor=by, action=Action.WEBHOOK_CREATE, obj=endpoint, after=_audit_view(endpoint))
    return endpoint


@transaction.atomic
def update_webhook(
    *,
    endpoint: WebhookEndpoint,
    by: User,
    platform: str | None = None,
    url: str | None = None,
    secret: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change a group robot; a None argument keeps the value, an empty secret turns signing off."""
    if not policy.can_supervise(by, endpoint.unit):
        raise PermissionDenied
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("unit").get(pk=endpoint.pk)
    before = _audit_view(endpoint)
    if platform is not None:
        endpoint.platform = platform
    if url is not None:
        endpoint.url = url.strip()
    if secret is not None:
        endpoint.secret = secret.strip()
    if is_active is not None:
        endpoint.is_active = is_active
    _check_endpoint(endpoint, new_url=url is not None)
    endpoint.save()
    record(actor=by, action=Action.WEBHOOK_UPDATE, obj=endpoint, before=before, after=_audit_view(endpoint))
    return endpoint


@transaction.atomic
def delete_webhook(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Disconnect a group robot; its past deliveries stay in the log."""
    if not policy.can_supervise(by, endpoint.unit):
        raise PermissionDenied
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _audit_view(endpoint)
    record(actor=by, action=Action.WEBHOOK_DELETE, obj=endpoint, before=before)
    endpoint.delete()


def send_test_message(*, endpoint: WebhookEndpoint, by: User, title: str, body: str) -> Delivery:
    """Post a test message to a robot now, under the same address rules as every send, and audit the result.

    Sends outside a transaction: no row is held while the robot's server takes its time.
    """
    if not policy.can_supervise(by, endpoint.unit):
        raise PermissionDenied
    delivery = channels.post_to_robot(endpoint, channels.Message(title, body), kind=TEST_KIND, notice=None)
    with transaction.atomic():
        record(
            actor=by,
            action=Action.WEBHOOK_TEST,
            obj=endpoint,
            after={"status": delivery.status, "error": delivery.error, "delivery": delivery.pk},
        )
    return delivery


# Why an outbound webhook's address is refused, by the rule it breaks (egress.Blocked.code).
HOOK_BLOCKED = {
    "scheme": gettext_lazy("A webhook address must start with https://."),
    "credentials": gettext_lazy("A webhook address may not contain a user name or password."),
    "number": gettext_lazy("Enter the receiver's host name, not a numeric address."),
    "invalid": gettext_lazy("Enter the receiver's https address."),
}


def hook_address_error(url: str) -> str:
    """Why an outbound webhook address may not be saved, or "" if it may. Its host is resolved when sending,
    and every address it resolves to must be public then."""
    try:
        egress.check_url(url, outbound.rules())
    except egress.Blocked as exc:
        return str(HOOK_BLOCKED.get(exc.code, HOOK_BLOCKED["invalid"]))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return str(HOOK_BLOCKED["invalid"])
    return ""


def _hook_view(hook: OutboundWebhook) -> dict[str, Any]:
    """The webhook for the audit log: its secret only as a fingerprint."""
    data = snapshot(hook, exclude=["secret"])
    data["secret"] = f"#{_fingerprint(hook.secret)}"
    return data


@transaction.atomic
def add_outbound_webhook(*, unit: Unit, url: str, events: Sequence[str], by: User) -> OutboundWebhook:
    """Subscribe an outside system to events in the unit's subtree; the server makes the secret, which the
    caller shows once (`hook.secret`) and never again."""
    if not policy.can_supervise(by, unit):
        raise PermissionDenied
    url = url.strip()
    chosen = [e for e in OutboundEvent.values if e in set(events)]
    errors: dict[str, str] = {}
    if error := hook_address_error(url):
        errors["url"] = error
    elif len(url) > 500:
        errors["url"] = _("The address is too long.")
    if not chosen or len(chosen) != len(set(events)):
        errors["events"] = _("Choose at least one of the listed events.")
    if errors:
        raise ValidationError(errors)
    hook = OutboundWebhook.objects.create(
        unit=unit, url=url, events=chosen, secret=outbound.new_secret(), created_by=by
    )
    record(actor=by, action=Action.OUTBOUND_WEBHOOK_CREATE, obj=hook, after=_hook_view(hook))
    return hook


@transaction.atomic
def set_outbound_webhook_active(*, hook: OutboundWebhook, by: User, is_active: bool) -> OutboundWebhook:
    """Pause or resume a webhook: paused, its events are not logged and its pending deliveries wait."""
    if not policy.can_supervise(by, hook.unit):
        raise PermissionDenied
    hook = OutboundWebhook.objects.select_for_update().select_related("unit").get(pk=hook.pk)
    before = _hook_view(hook)
    hook.is_active = is_active
    hook.save(update_fields=["is_active"])
    record(actor=by, action=Action.OUTBOUND_WEBHOOK_UPDATE, obj=hook, before=before, after=_hook_view(hook))
    return hook


@transaction.atomic
def delete_outbound_webhook(*, hook: OutboundWebhook, by: User) -> None:
    """Delete a webhook and its delivery log; the audit trail keeps that it was."""
    if not policy.can_supervise(by, hook.unit):
        raise PermissionDenied
    hook = OutboundWebhook.objects.select_for_update().get(pk=hook.pk)
    before = {**_hook_view(hook), "deliveries": hook.deliveries.count()}
    record(actor=by, action=Action.OUTBOUND_WEBHOOK_DELETE, obj=hook, before=before)
    hook.delete()


def replay_outbound_delivery(*, delivery: OutboundDelivery, by: User) -> OutboundDelivery:
    """Send a logged delivery again now: the same event and id, a fresh timestamp and signature. Audited
    before sending; a replay that fails is tried again as a new delivery would be."""
    if not policy.can_supervise(by, delivery.webhook.unit):
        raise PermissionDenied
    with transaction.atomic():
        current = OutboundDelivery.objects.select_for_update().get(pk=delivery.pk)
        before = {"state": current.state, "attempts": current.attempts, "last_status": current.last_status}
        # Held as a send in progress is, so that the every-minute job does not send it a second time.
        lease = clock.now() + outbound.LEASE
        current.state, current.attempts, current.next_attempt_at = OutboundState.PENDING, 0, lease
        current.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        record(
            actor=by,
            action=Action.OUTBOUND_WEBHOOK_REPLAY,
            obj=delivery.webhook,
            before=before,
            after={"delivery": current.pk, "event_id": str(current.event_id), "kind": current.kind},
        )
    sent = outbound.send(current.pk, force=True)
    return sent or OutboundDelivery.objects.get(pk=current.pk)
