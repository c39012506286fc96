"""调度会 (dispatch meetings): the agenda an office prepares from lagging work, the decisions (议定事项)
its minutes record, each tracked as a 督办件, and the 工作提醒函 sent to the units concerned.

A meeting is seen by the office that convened it and those above it; a unit sees the decisions and letters
addressed to it (or to a unit below it). Only services change these rows (rules.py says what is legal when).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task, TaskList
from luoshi.supervision.models import SupervisionItem


class State(models.TextChoices):
    PREPARING = "preparing", _("preparing")
    HELD = "held", _("held: minutes open")
    CLOSED = "closed", _("minutes closed")


STATE_COLOURS = {State.PREPARING: "secondary", State.HELD: "warning", State.CLOSED: "success"}


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """Meetings of an office in the user's scope (the convener and the offices above it)."""
        return self.filter(policy.unit_q(user, "convener"))

    def for_listing(self) -> MeetingQuerySet:
        return self.select_related("convener", "task_list").annotate(
            entry_count=models.Count("entries", distinct=True),
            decision_count=models.Count("decisions", distinct=True),
        )


class Meeting(models.Model):
    """A 调度会 of an office, for a task list or a set of units (or both)."""

    convener = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("convening office")
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    task_list = models.ForeignKey(
        TaskList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task list"),
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous meeting"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREPARING)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(_("prepared at"), auto_now_add=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("minutes closed at"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("dispatch meeting")
        verbose_name_plural = _("dispatch meetings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="meeting_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS[State(self.state)]


class AgendaEntry(models.Model):
    """One point of the agenda: a lagging task, an overdue item, or the fate of a past decision.

    `kind` names the agenda source that found it (agenda.SOURCES); `facts` is what that source saw when the
    agenda was built (codes and numbers, never sentences), so the agenda reads as it stood at the meeting.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=30)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    item = models.ForeignKey(
        SupervisionItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_up_in"
    )
    title = models.CharField(_("title"), max_length=200)
    facts = models.JSONField(default=dict, blank=True)

    audit_subject = "meeting"

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda entry")
        verbose_name_plural = _("agenda entries")

    def __str__(self) -> str:
        return self.title

    @property
    def is_followup(self) -> bool:
        """The fate of a past decision (the first agenda source), not new lagging work."""
        return self.kind == "followup"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user: Any) -> DecisionQuerySet:
        """Decisions of a meeting the user sees, or addressed to a unit in their scope."""
        return self.filter(policy.unit_q(user, "meeting__convener") | policy.unit_q(user, "lead_unit"))


class Decision(models.Model):
    """A 议定事项: what the meeting decided, which unit leads it, by when; tracked as a 督办件 once the
    minutes close."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("what was decided"))
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    due = models.DateField(_("deadline"))
    entry = models.ForeignKey(
        AgendaEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda entry"),
    )
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    item = models.OneToOneField(
        SupervisionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decision",
        verbose_name=_("supervision item"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()
    audit_subject = "meeting"

    class Meta:
        ordering = ["meeting", "number", "id"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class LetterQuerySet(models.QuerySet["ReminderLetter"]):
    def visible_to(self, user: Any) -> LetterQuerySet:
        """Letters of a meeting the user sees, or addressed to a unit in their scope."""
        return self.filter(policy.unit_q(user, "meeting__convener") | policy.unit_q(user, "unit"))


class ReminderLetter(models.Model):
    """A 工作提醒函: what a meeting decided for one unit, sent to it when the minutes close."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="letters")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    number = models.PositiveIntegerField(_("number"))
    sent_at = models.DateTimeField(_("sent at"))

    objects = LetterQuerySet.as_manager()
    audit_subject = "meeting"

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("work reminder letter")
        verbose_name_plural = _("work reminder letters")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="letter_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.unit}"

    def decisions(self) -> models.QuerySet[Decision]:
        return self.meeting.decisions.filter(lead_unit=self.unit).select_related("item__issuer")
