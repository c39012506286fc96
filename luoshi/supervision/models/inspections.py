"""督查 (inspections) and 整改 (rectifications).

An office inspects units (and, if it says so, tasks) over a few days and records what it found (问题);
each finding becomes a rectification its unit carries out by a deadline, with a person answerable and the
measures promised. The unit asks for close-out (申请销号) with evidence; only the office's verification
closes it (销号), or the office returns it. Overdue is derived from the deadline, never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.core.fields import StampField
from luoshi.notify.models import EscalationStep
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task
from luoshi.supervision.models.items import SupervisionItem


class RectState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("rectifying")
    REQUESTED = "requested", _("close-out requested")
    CLOSED = "closed", _("closed out")


RECT_COLOURS = {RectState.IN_PROGRESS: "primary", RectState.REQUESTED: "warning", RectState.CLOSED: "success"}


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: Any) -> InspectionQuerySet:
        """Inspections of an office in the user's scope, or of a unit in it: outsiders see none."""
        if policy.sees_everything(user):
            return self
        inspected = Inspection.units.through.objects.filter(policy.unit_q(user, "unit"))
        return self.filter(
            policy.unit_q(user, "issuer")
            | Q(models.Exists(inspected.filter(inspection_id=models.OuterRef("pk"))))
        )

    def in_window(self, first: dt.date, last: dt.date) -> InspectionQuerySet:
        """Inspections some day of which falls between `first` and `last`."""
        return self.filter(starts__lte=last, ends__gte=first)


class Inspection(models.Model):
    """A 督查: an office's visit to units (and tasks) between two dates."""

    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspecting office")
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("what is inspected"), blank=True)
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))
    units = models.ManyToManyField(Unit, related_name="inspections", verbose_name=_("units inspected"))
    tasks = models.ManyToManyField(
        Task, blank=True, related_name="inspections", verbose_name=_("tasks inspected")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = StampField(_("planned at"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="inspection_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def visible_to(self, user: Any) -> RectificationQuerySet:
        """Rectifications of an inspection by an office in scope, or owned by a unit in scope."""
        if policy.sees_everything(user):
            return self
        return self.filter(policy.unit_q(user, "finding__inspection__issuer") | policy.unit_q(user, "unit"))

    def open(self) -> RectificationQuerySet:
        return self.exclude(state=RectState.CLOSED)

    def overdue(self, today: dt.date) -> RectificationQuerySet:
        return self.open().filter(due__lt=today)

    def for_listing(self) -> RectificationQuerySet:
        return self.select_related("unit", "finding__inspection__issuer").prefetch_related(
            "escalations__step"
        )


class Finding(models.Model):
    """A 问题 an inspection found at a unit; it becomes one rectification (and may raise a 督办件)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("inspection")
    )
    problem = models.TextField(_("problem found"))
    item = models.ForeignKey(
        SupervisionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("supervision item raised"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    at = models.DateTimeField(_("recorded at"))

    audit_subject = "inspection"

    class Meta:
        ordering = ["inspection", "at", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.problem[:40]


class Rectification(models.Model):
    """A 整改: what a unit does about a finding, by when, who answers for it, in which state."""

    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, related_name="rectification", verbose_name=_("finding")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("unit rectifying")
    )
    responsible = models.CharField(_("person responsible"), max_length=50)
    measures = models.TextField(_("measures"))
    due = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=20, choices=RectState.choices, default=RectState.IN_PROGRESS
    )
    created_at = StampField(_("assigned at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="rectification_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "due"], name="rectification_state_due")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.finding.problem[:30]}"

    @property
    def state_colour(self) -> str:
        return RECT_COLOURS[RectState(self.state)]

    @property
    def is_closed(self) -> bool:
        return self.state == RectState.CLOSED

    def is_overdue_on(self, today: dt.date) -> bool:
        return not self.is_closed and self.due < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())

    @property
    def rung(self) -> Any:
        """The highest rung of the escalation ladder climbed (RectificationEscalation), or None."""
        taken = list(self.escalations.all())
        return max(taken, key=lambda e: e.step.order) if taken else None

    @property
    def closed_late(self) -> bool:
        return self.closed_at is not None and clock.local(self.closed_at).date() > self.due


class CloseOut(models.Model):
    """A 申请销号: the unit's account of the rectification done, with evidence, for the office to verify."""

    class Outcome(models.TextChoices):
        AWAITING = "awaiting", _("awaiting verification")
        VERIFIED = "verified", _("verified: closed out")
        RETURNED = "returned", _("returned")

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="close_outs", verbose_name=_("rectification")
    )
    statement = models.TextField(_("what was rectified"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    at = models.DateTimeField(_("asked at"))
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

    audit_subject = "rectification"

    class Meta:
        ordering = ["rectification", "at", "id"]
        verbose_name = _("close-out request")
        verbose_name_plural = _("close-out requests")
        constraints = [
            models.UniqueConstraint(
                fields=["rectification"], condition=Q(outcome="awaiting"), name="close_out_one_awaiting"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(reason=""), name="close_out_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rectification} · {self.get_outcome_display()}"


def close_out_file_path(instance: CloseOutFile, filename: str) -> str:
    return f"rectification/{clock.local():%Y/%m}/{filename}"


class CloseOutFile(models.Model):
    """Evidence sent with a close-out request: the same rules as a delivery's evidence (core.attachments)."""

    close_out = models.ForeignKey(CloseOut, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=close_out_file_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)

    audit_subject = "close_out"

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["close_out", "sha256"], name="close_out_file_once_per_request"),
        ]

    def __str__(self) -> str:
        return self.name


class RectificationEscalation(models.Model):
    """A rung of the shared ladder taken for an overdue rectification, as an item's are."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("rectification")
    )
    step = models.ForeignKey(
        EscalationStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("rung")
    )
    misses = models.PositiveSmallIntegerField(_("chasing periods missed"))
    due = models.DateField(_("deadline it was measured against"))
    at = models.DateTimeField(_("taken at"))

    audit_subject = "rectification"

    class Meta:
        ordering = ["rectification", "at", "id"]
        verbose_name = _("rectification escalation")
        verbose_name_plural = _("rectification escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["rectification", "step"], name="rectification_escalation_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.rectification}"
