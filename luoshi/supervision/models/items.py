"""督办件 (supervision items) and 领导批示 (leaders' instructions).

An item carries a number in its issuing office's own yearly series (临督办〔2026〕15号), one lead unit and
co-units, a deadline that a granted extension moves (the first one is kept, so the move always shows), and
a state that only services change (rules.py says which change is legal from which state).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task
from luoshi.supervision.models.accountability import AccountabilityRecord


class State(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    SIGNED = "signed", _("signed for")
    IN_PROGRESS = "in_progress", _("in progress")
    FEEDBACK = "feedback", _("feedback awaiting the office")
    CLOSED = "closed", _("closed")


class Source(models.TextChoices):
    INSTRUCTION = "instruction", _("leader's instruction")
    MEETING = "meeting", _("meeting decision")
    COMPLAINT = "complaint", _("public complaint")
    INSPECTION = "inspection", _("inspection finding")
    OTHER = "other", _("other")


class Urgency(models.TextChoices):
    EXTRA_URGENT = "extra_urgent", _("extra urgent")
    URGENT = "urgent", _("urgent")
    ORDINARY = "ordinary", _("ordinary")


STATE_COLOURS = {
    State.ASSIGNED: "secondary",
    State.SIGNED: "info",
    State.IN_PROGRESS: "primary",
    State.FEEDBACK: "warning",
    State.CLOSED: "success",
}
URGENCY_COLOURS = {Urgency.EXTRA_URGENT: "danger", Urgency.URGENT: "warning", Urgency.ORDINARY: "light"}


class Series(models.Model):
    """An issuing office's numbering: its prefix (临督办), which its supervisors may set."""

    issuer = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="supervision_series", verbose_name=_("issuing office")
    )
    prefix = models.CharField(_("number prefix"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")

    def __str__(self) -> str:
        return self.prefix or default_prefix(self.issuer)


def default_prefix(unit: Unit) -> str:
    """临江市 → 临督办: the first character of the unit's short name (or name), then 督办."""
    name = (unit.short_name or unit.name).strip()
    return f"{name[:1]}督办" if name else "督办"


class InstructionQuerySet(models.QuerySet["Instruction"]):
    def on_task(self, task: Task) -> InstructionQuerySet:
        return self.filter(task=task).select_related("author").order_by("-at", "-id")


class Instruction(models.Model):
    """A 领导批示: a leader's written instruction on a task or a supervision item."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader")
    )
    text = models.TextField(_("instruction"))
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("task"),
    )
    item = models.ForeignKey(
        "SupervisionItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("supervision item"),
    )
    at = models.DateTimeField(_("written at"))

    objects = InstructionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, item__isnull=True) | Q(task__isnull=True, item__isnull=False),
                name="instruction_on_a_task_or_an_item",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ItemQuerySet(models.QuerySet["SupervisionItem"]):
    def visible_to(self, user: Any) -> ItemQuerySet:
        """Items of an office in the user's scope, or whose lead or co-unit is: outsiders see none."""
        if policy.sees_everything(user):
            return self
        co = SupervisionItem.co_units.through.objects.filter(policy.unit_q(user, "unit"))
        return self.filter(
            policy.unit_q(user, "issuer")
            | policy.unit_q(user, "lead_unit")
            | Q(models.Exists(co.filter(supervisionitem_id=models.OuterRef("pk"))))
        )

    def open(self) -> ItemQuerySet:
        return self.exclude(state=State.CLOSED)

    def overdue_items(self, today: dt.date) -> ItemQuerySet:
        """Past their (possibly extended) deadline and not closed: what chasing and escalation climb."""
        return self.open().filter(due__lt=today)

    def asking_again(self, lead_unit: Unit, *, task: Task | None, title: str) -> ItemQuerySet:
        """Open items that already ask `lead_unit` for the same thing: on the same task, or of the same
        title. An office creating one more sees them first (最多报一次: a unit is asked a thing once)."""
        same = Q(title=title.strip())
        if task is not None:
            same |= Q(task=task)
        return self.open().filter(same, lead_unit=lead_unit)

    def extended(self) -> ItemQuerySet:
        return self.filter(first_due__isnull=False)

    def with_exemptions(self) -> ItemQuerySet:
        """Each item's approved fault-tolerance exemption (容错免责) read in the same query, as its rule and
        approver: what a list shows and exports (`is_exempted`, `exemption_rule`, `exemption_approver`)."""
        approved = (
            AccountabilityRecord.objects.approved_exemptions()
            .filter(item=models.OuterRef("pk"))
            .order_by("-decided_at", "-pk")
        )
        approver = Coalesce(NullIf("decided_by__full_name", Value("")), "decided_by__username")
        return self.annotate(
            exemption_rule=models.Subquery(approved.values("rule")[:1]),
            exemption_approver=models.Subquery(approved.annotate(name=approver).values("name")[:1]),
        )

    def for_listing(self) -> ItemQuerySet:
        return (
            self.select_related("issuer", "lead_unit", "issuer__supervision_series", "signed_by")
            .prefetch_related("co_units", "escalations__step")
            .with_exemptions()
        )


class SupervisionItem(models.Model):
    """A 督办件: what must be done, by whom, by when, numbered in the issuing office's series."""

    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing office")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("what must be done"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_items",
        verbose_name=_("task"),
    )
    instruction = models.ForeignKey(
        Instruction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_items",
        verbose_name=_("raised from the instruction"),
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ORDINARY)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_supervision_items", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(
        Unit, blank=True, related_name="supervision_items_as_co_unit", verbose_name=_("co-units")
    )
    due = models.DateField(_("deadline"))
    first_due = models.DateField(_("original deadline"), null=True, blank=True)  # set by a granted extension
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ASSIGNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    created_at = StampField(_("issued at"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for by"),
    )
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="supervision_item_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="supervision_item_number_positive"),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="supervision_item_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "due"], name="supervision_item_state_due")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def prefix(self) -> str:
        series = getattr(self.issuer, "supervision_series", None)
        return series.prefix if series is not None and series.prefix else default_prefix(self.issuer)

    @property
    def code(self) -> str:
        """临督办〔2026〕15号."""
        return f"{self.prefix}〔{self.year}〕{self.number}号"

    @property
    def state_colour(self) -> str:
        """The Bootstrap colour of the state's badge."""
        return STATE_COLOURS[State(self.state)]

    @property
    def urgency_colour(self) -> str:
        return URGENCY_COLOURS[Urgency(self.urgency)]

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED

    @property
    def was_extended(self) -> bool:
        return self.first_due is not None

    def is_overdue_on(self, today: dt.date) -> bool:
        return not self.is_closed and self.due < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())

    @property
    def rung(self) -> Any:
        """The highest rung of the escalation ladder the item has climbed (ItemEscalation), or None."""
        taken = list(self.escalations.all())
        return max(taken, key=lambda e: e.step.order) if taken else None

    @property
    def closed_late(self) -> bool:
        return self.closed_at is not None and clock.local(self.closed_at).date() > self.due

    def is_late_on(self, today: dt.date) -> bool:
        """Late work: closed after its deadline, or open past it."""
        return self.closed_late or self.is_overdue_on(today)

    @property
    def exemption(self) -> AccountabilityRecord | None:
        """The approved fault-tolerance exemption (容错免责) of the item's lateness, or None (one query: a
        list reads `is_exempted` from `ItemQuerySet.with_exemptions()` instead)."""
        if "_exemption" not in self.__dict__:
            self.__dict__["_exemption"] = (
                self.accountability_records.approved_exemptions()
                .select_related("decided_by")
                .order_by("-decided_at", "-pk")
                .first()
            )
        found: AccountabilityRecord | None = self.__dict__["_exemption"]
        return found

    @property
    def is_exempted(self) -> bool:
        if "exemption_rule" in self.__dict__:
            return self.__dict__["exemption_rule"] is not None
        return self.exemption is not None


class Feedback(models.Model):
    """The lead unit's account of what was done (反馈), with files; the office closes the item on it or
    returns it for rework (退回) with a reason."""

    class Outcome(models.TextChoices):
        AWAITING = "awaiting", _("awaiting the office")
        ACCEPTED = "accepted", _("accepted: item closed")
        RETURNED = "returned", _("returned for rework")

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="feedbacks", verbose_name=_("item")
    )
    statement = models.TextField(_("what was done"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    at = models.DateTimeField(_("sent at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.AWAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)

    audit_subject = "item"

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(outcome="awaiting"), name="feedback_one_awaiting_per_item"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(reason=""), name="feedback_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} · {self.get_outcome_display()}"


def feedback_file_path(instance: FeedbackFile, filename: str) -> str:
    return f"supervision/{clock.local():%Y/%m}/{filename}"


class FeedbackFile(models.Model):
    """A file sent with a feedback: the same rules as a delivery's evidence (core.attachments)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=feedback_file_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)

    audit_subject = "feedback"

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "sha256"], name="feedback_file_once_per_feedback"),
        ]

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    """A 申请延期: the lead unit asks for a later deadline with a reason; the office grants or denies it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("awaiting the office")
        GRANTED = "granted", _("granted")
        DENIED = "denied", _("denied")

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("item")
    )
    previous_due = models.DateField(_("deadline when asked"))
    requested_due = models.DateField(_("new deadline asked for"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    at = models.DateTimeField(_("asked at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    audit_subject = "item"

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(decision="pending"), name="extension_one_pending_per_item"
            ),
            models.CheckConstraint(
                condition=Q(requested_due__gt=models.F("previous_due")),
                name="extension_moves_the_deadline_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} → {self.requested_due}"


class CoUnitNote(models.Model):
    """A co-unit's note on what it did for the item (配合情况)."""

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="notes", verbose_name=_("item")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("co-unit"))
    text = models.TextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("written at"))

    audit_subject = "item"

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = _("co-unit note")
        verbose_name_plural = _("co-unit notes")

    def __str__(self) -> str:
        return f"{self.unit} · {self.item.code}"
