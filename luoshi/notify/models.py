"""In-app notices, group-robot endpoints of units, and the log of what was sent where."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import StampField
from luoshi.notify import texts
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User


class NoticeKind(models.TextChoices):
    """Kinds the product sends today. Callers may use other short codes; these only give labels."""

    REPORT_DUE = "report_due", _("Report due")
    REPORT_LATE = "report_late", _("Report late")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_CHASE = "report_chase", _("Reminder")
    REPORT_SUBMITTED = "report_submitted", _("Waiting for review")
    REPORT_AWAITING_APPROVAL = "report_awaiting_approval", _("Waiting for approval")
    CYCLE_DIGEST = "cycle_digest", _("Not reported")
    ESCALATION = "escalation", _("Escalation")
    TASK_CANCELLED = "task_cancelled", _("Task cancelled")
    TASK_DEADLINE_MOVED = "task_deadline_moved", _("Deadline moved")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_user(self, user: Any) -> NoticeQuerySet:
        """A user's own notices: nobody reads another's, not even an admin."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)

    def newest_first(self) -> NoticeQuerySet:
        return self.order_by("-created_at", "-id")


class Notice(models.Model):
    """A notice for one person, shown in the app and sent on by e-mail."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # The kind's words are filled with these when the notice is read; title and body keep the words in the
    # office's language, for the log and for notices written before notices had parameters (params null).
    params = models.JSONField(_("parameters"), null=True, blank=True)
    # What the notice is about, so that one event tells each person once ("" for no such promise).
    key = models.CharField(_("event"), max_length=120, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = StampField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notice_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def words(self) -> tuple[str, str]:
        """The title and body in the active language; the stored words if the kind has none of its own."""
        return texts.render(self.kind, self.params) or (self.title, self.body)

    def words_for_the_office(self) -> tuple[str, str]:
        """The title and body in the office's language (settings.LANGUAGE_CODE): for e-mail and robots."""
        with translation.override(settings.LANGUAGE_CODE):
            title, body = self.words()
        return title or self.title, body

    @property
    def kind_label(self) -> str:
        if self.kind in NoticeKind.values:
            return str(NoticeKind(self.kind).label)
        return texts.family(self.kind) or self.kind


class Platform(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")
    FEISHU = "feishu", _("Feishu")


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def visible_to(self, user: Any) -> WebhookEndpointQuerySet:
        return self.filter(policy.unit_q(user, "unit"))

    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(is_active=True)


class WebhookEndpoint(models.Model):
    """A unit's group robot (群机器人) in DingTalk, WeCom or Feishu."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("unit")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    # The URL carries the robot's access token, so neither it nor the secret goes into the audit log.
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = StampField(_("created"), auto_now_add=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "id"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.unit}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot")


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One send of a notification to one target: an e-mail address or a group robot."""

    notice = models.ForeignKey(
        Notice, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=254)  # an address, or a WebhookEndpoint id
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = StampField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_created")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target}: {self.status}"


class EscalationStep(models.Model):
    """A rung of the ladder overdue work climbs: 催报提醒 → 蓝/黄/红色督办单 → 约谈 → …

    One ladder for all chasing: late reports (dispatch) and overdue supervision items climb the same rungs.
    """

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=10, blank=True)
    missed_in_a_row = models.PositiveSmallIntegerField(_("late reports in a row"))
    notify_leader = models.BooleanField(_("also tell the responsible leader"), default=False)

    class Meta:
        # The table dispatch created before the ladder became shared (notify migration 0004 took it over).
        db_table = "dispatch_escalationstep"
        ordering = ["order"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        return self.name

    @property
    def badge(self) -> str:
        """The Bootstrap badge of the rung's colour (蓝/黄/红色督办单)."""
        return {"blue": "text-bg-primary", "yellow": "text-bg-warning", "red": "text-bg-danger"}.get(
            self.color, "text-bg-secondary"
        )


class OutboundEvent(models.TextChoices):
    """What an outbound webhook can be told of."""

    REPORT_SUBMITTED = "report.submitted", _("Report submitted")
    REPORT_RETURNED = "report.returned", _("Report returned")
    TASK_RED = "task.red", _("Task turned red")
    DELIVERY_ACCEPTED = "delivery.accepted", _("Delivery accepted")
    SUPERVISION_OVERDUE = "supervision.overdue", _("Supervision item overdue")
    BULLETIN_PUBLISHED = "bulletin.published", _("Bulletin published")


class OutboundWebhookQuerySet(models.QuerySet["OutboundWebhook"]):
    def visible_to(self, user: Any) -> OutboundWebhookQuerySet:
        return self.filter(policy.unit_q(user, "unit"))

    def active(self) -> OutboundWebhookQuerySet:
        return self.filter(is_active=True)


class OutboundWebhook(models.Model):
    """A subscription of an outside system to events in a unit's subtree, posted as signed JSON."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="outbound_webhooks", verbose_name=_("unit")
    )
    url = models.URLField(_("receiver address"), max_length=500)
    # Kept as it is, not hashed: every send signs its body with HMAC-SHA256 keyed by this very secret, and a
    # hash could not sign. It is generated here, shown once on creation, and never shown, logged or audited
    # again (the audit log holds a fingerprint).
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = StampField(_("created"), auto_now_add=True)

    objects = OutboundWebhookQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "id"]
        verbose_name = _("outbound webhook")
        verbose_name_plural = _("outbound webhooks")

    def __str__(self) -> str:
        return f"{self.url} · {self.unit}"

    def event_labels(self) -> list[str]:
        return [str(OutboundEvent(e).label) for e in self.events if e in OutboundEvent.values]


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboundDelivery(models.Model):
    """One event for one outbound webhook, and how sending it went: tried until delivered or given up."""

    webhook = models.ForeignKey(
        OutboundWebhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    # The event's id, the same for every subscriber, every retry and every replay: receivers dedupe on it.
    event_id = models.UUIDField(_("event id"))
    kind = models.CharField(_("event"), max_length=40, choices=OutboundEvent.choices)
    # What the event is about ("report.submitted:12:3"), so that one event is posted to a webhook once.
    key = models.CharField(_("key"), max_length=120, blank=True)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=10, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = StampField(_("created"), auto_now_add=True)
    updated_at = StampField(_("updated"), auto_now=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound delivery")
        verbose_name_plural = _("outbound deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.webhook_id}: {self.state}"

    @property
    def badge(self) -> str:
        """The colour of its state's badge on the delivery log."""
        return {OutboundState.DELIVERED: "text-bg-success", OutboundState.FAILED: "text-bg-danger"}.get(
            OutboundState(self.state), "text-bg-warning"
        )

    @property
    def retry_at(self) -> dt.datetime | None:
        """When it is tried next, while it is still being tried."""
        return self.next_attempt_at if self.state == OutboundState.PENDING else None
