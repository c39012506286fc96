"""The rhythm of 落实: cadences (调度频次), cycles (调度期次), progress reports, and cached status lights."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.core.attachments import INLINE_TYPES, content_type_of
from luoshi.core.fields import StampField
from luoshi.dispatch import lights
from luoshi.notify.models import EscalationStep
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task, TaskList, TaskQuerySet, visible_task_q


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Cadence(models.Model):
    """A 调度频次: how often the tasks of a list (or one task and its subtasks) report, and by when."""

    task_list = models.ForeignKey(
        TaskList,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cadences",
        verbose_name=_("list"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="cadences", verbose_name=_("task")
    )
    name = models.CharField(_("name"), max_length=50)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    anchor = models.DateField(_("first period starts"))
    due_weekday = models.PositiveSmallIntegerField(_("due weekday"), default=4, help_text=_("0 is Monday"))
    due_time = models.TimeField(_("due time"))
    grace_minutes = models.PositiveIntegerField(_("grace period (minutes)"), default=0)
    lead_days_per_level = models.PositiveSmallIntegerField(
        _("working days earlier per level handed down"), default=1
    )
    needs_head_approval = models.BooleanField(_("unit head approves before submission"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(task_list__isnull=False, task__isnull=True)
                | Q(task_list__isnull=True, task__isnull=False),
                name="cadence_on_a_list_or_a_task",
            ),
            models.CheckConstraint(condition=Q(due_weekday__lte=6), name="cadence_weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return self.name

    def tasks(self) -> TaskQuerySet:
        """The tasks this cadence asks reports of."""
        if self.task is not None:
            return Task.objects.filter(
                Q(pk=self.task_id)
                | Q(sort_path__startswith=self.task.sort_path + ".", task_list_id=self.task.task_list_id)
            )
        return Task.objects.filter(task_list_id=self.task_list_id)


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, user: Any) -> CycleQuerySet:
        return self.filter(pk__in=Report.objects.visible_to(user).values("cycle"))


class Cycle(models.Model):
    """A 调度期次: one period of a cadence, with the time its reports are due."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    cadence = models.ForeignKey(
        Cadence, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("cadence")
    )
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    late_marked_at = models.DateTimeField(_("late reports marked at"), null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "id"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [models.UniqueConstraint(fields=["cadence", "number"], name="cycle_number_unique")]

    def __str__(self) -> str:
        period = f"{self.period_start:%m.%d}–{self.period_end:%m.%d}"
        return str(
            _("%(cadence)s, cycle %(number)s (%(period)s)")
            % {"cadence": self.cadence.name, "number": self.number, "period": period}
        )


class ReportState(models.TextChoices):
    PENDING = "pending", _("Not started")
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the unit head")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


UNSENT = (ReportState.PENDING, ReportState.DRAFT, ReportState.RETURNED)


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: Any) -> ReportQuerySet:
        """Reports of tasks the user can see; by primary key, one indexed query."""
        return self.filter(visible_task_q(user, "task"))

    def sent(self) -> ReportQuerySet:
        """Reports that reached the office or the unit head, whatever became of them since."""
        return self.exclude(state__in=UNSENT)

    def previous_to(self, report: Report) -> Report | None:
        """The same task's latest sent report of an earlier cycle: what this one is compared with."""
        return (
            self.filter(task_id=report.task_id, cycle__due_at__lt=report.cycle.due_at)
            .sent()
            .select_related("cycle__cadence")
            .order_by("-cycle__due_at")
            .first()
        )

    def latest_accepted(self, task_ids: Iterable[int]) -> dict[int, tuple[int | None, Decimal | None]]:
        """Each task's latest accepted figures (percent, indicator value): what the task has reached.

        Latest by the cycle's due time, whether or not that time has come: a report accepted on Tuesday
        for a cycle due on Friday counts from Tuesday.
        """
        rows = (
            self.filter(task_id__in=list(task_ids), state=ReportState.ACCEPTED)
            .order_by("task_id", "-cycle__due_at", "-pk")
            .values_list("task_id", "percent", "indicator_value")
        )
        latest: dict[int, tuple[int | None, Decimal | None]] = {}
        for task_id, percent, value in rows:
            latest.setdefault(task_id, (percent, value))
        return latest

    def for_listing(self) -> ReportQuerySet:
        return self.select_related("task", "unit", "cycle__cadence", "task__light")


class Report(models.Model):
    """A progress report (进展报告) of one task for one cycle, filled in by the lead unit's liaison."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task"))
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="reports", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.PENDING
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    indicator_value = models.DecimalField(
        _("indicator value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    progress = models.TextField(_("progress made"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    coordination = models.TextField(_("coordination needed"), blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    reminded_at = models.DateTimeField(_("reminded before due at"), null=True, blank=True)
    # Advisory flags for the reviewer (near-duplicate, no facts, slogans), set when the report is sent.
    quality_flags = models.JSONField(_("quality flags"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = StampField(auto_now=True)

    objects = ReportQuerySet.as_manager()
    audit_subject = "task"  # its audit events are part of the task's history (audit.subjects)

    class Meta:
        ordering = ["due_at", "task__sort_path"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["task", "cycle"], name="report_one_per_task_and_cycle"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["cycle", "state"])]

    def __str__(self) -> str:
        return f"{self.task} · {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return self.state in UNSENT

    @cached_property
    def previous(self) -> Report | None:
        """What this report is compared with (ReportQuerySet.previous_to), read once per instance: the
        submit's advice and the page it answers with share it."""
        return Report.objects.previous_to(self)

    @property
    def is_awaiting_review(self) -> bool:
        """Sent to the office, which may now accept it or send it back."""
        return self.state == ReportState.SUBMITTED

    @property
    def return_comment(self) -> str:
        """Why the office (or the unit head) sent it back, while it is back with the unit."""
        return self.review_comment if self.state == ReportState.RETURNED else ""


class Submission(models.Model):
    """One submit of a report, kept as sent; its idempotency key makes a retried submit return this one."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="submissions")
    idempotency_key = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField()
    content = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    """evidence/2026/11/<name>: the month of the upload by the one clock (the storage keeps names unique)."""
    return f"evidence/{clock.local():%Y/%m}/{filename}"


class Evidence(models.Model):
    """A file attached to a report as evidence (佐证材料)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    # The content's SHA-256, so the same file sent again with a report is kept once. Empty for files stored
    # before it was recorded; those take no part in the check.
    sha256 = models.CharField(max_length=64, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)

    audit_subject = "report"  # and so the report's task

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "sha256"], condition=~Q(sha256=""), name="evidence_once_per_report"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        """The kind of file as people name it: PDF, DOCX, PNG…"""
        return self.name.rsplit(".", 1)[-1].upper() if "." in self.name else ""

    @property
    def is_image(self) -> bool:
        return content_type_of(self.name).startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return content_type_of(self.name) == "application/pdf"

    @property
    def shows_inline(self) -> bool:
        """Whether a browser shows it (PDFs and photos) rather than saving it."""
        return content_type_of(self.name) in INLINE_TYPES


# The names of the lights and of their reasons in the interface. The lights themselves are the pure rules'
# (dispatch.lights); the choices below are built from them, so a light cannot exist in one and not the other.
LIGHT_LABELS = {
    lights.Light.GREEN: _("Green"),
    lights.Light.YELLOW: _("Yellow"),
    lights.Light.RED: _("Red"),
    lights.Light.DONE: _("Done"),
    lights.Light.DONE_LATE: _("Done late"),
}
REASON_LABELS = {
    lights.Reason.DEADLINE_PASSED: _("the deadline has passed"),
    lights.Reason.UNREPORTED: _("reports missing several cycles in a row"),
    lights.Reason.BEHIND: _("behind the expected progress"),
    lights.Reason.MILESTONE_OVERDUE: _("a milestone is overdue"),
    lights.Reason.ON_TRACK: _("on track"),
    lights.Reason.DONE: _("finished on time"),
    lights.Reason.DONE_LATE: _("finished late"),
}
# Enum's functional API (name, [(member, (value, label))]) works at runtime, but django-stubs declares only
# the (name) and (name, label) forms, so it is ignored here.
LightChoice = models.TextChoices(  # type: ignore[call-overload]
    "LightChoice", [(light.name, (light.value, LIGHT_LABELS[light])) for light in lights.Light]
)
LightReason = models.TextChoices(  # type: ignore[call-overload]
    "LightReason", [(reason.name, (reason.value, REASON_LABELS[reason])) for reason in lights.Reason]
)


class TaskLight(models.Model):
    """The cached status light of a task, rebuilt from data by dispatch.status (never typed by hand)."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="light", primary_key=True)
    # The rollups this light was counted in (the task's lead unit and list when it was computed), so a
    # re-assigned task moves its count out of the unit it was counted in.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="+", db_index=False)
    light = models.CharField(max_length=10, choices=LightChoice.choices)
    expected = models.DecimalField(max_digits=5, decimal_places=1)
    actual = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    reason = models.CharField(max_length=30, choices=LightReason.choices)
    computed_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.task_id}: {self.light}"


class Rollup(models.Model):
    """Counts of lights over the tasks a unit leads, or over a list: stored so no page scans all tasks."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="rollups")
    task_list = models.ForeignKey(
        TaskList, on_delete=models.CASCADE, null=True, blank=True, related_name="rollups"
    )
    green = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    done_late = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(unit__isnull=False), name="rollup_one_per_unit"
            ),
            models.UniqueConstraint(
                fields=["task_list"], condition=Q(task_list__isnull=False), name="rollup_one_per_list"
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False, task_list__isnull=True)
                | Q(unit__isnull=True, task_list__isnull=False),
                name="rollup_of_a_unit_or_a_list",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"rollup of {'unit ' + str(self.unit_id) if self.unit_id else 'list ' + str(self.task_list_id)}"
        )

    def counts(self) -> dict[str, int]:
        return {c: getattr(self, c) for c in LightChoice.values}


class Escalation(models.Model):
    """A step of the ladder taken for a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="escalations")
    created_at = models.DateTimeField()

    audit_subject = "task"

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["task", "step"], name="escalation_once_per_step")]

    def __str__(self) -> str:
        return f"{self.step_id} · task {self.task_id}"
