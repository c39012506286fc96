"""In-app notices, group-robot endpoints of units, and the log of what was sent where."""

from __future__ import annotations

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
