"""Plans (部署), their lists (清单), tasks (任务) with milestones (节点), indicators and pledges (军令状)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans import indicators


class PlanQuerySet(models.QuerySet["Plan"]):
    def managed_by(self, user: Any) -> PlanQuerySet:
        """Plans the user's office issued or supervises: where it may add lists, tasks and rhythms."""
        return self.filter(policy.supervised_q(user, "issuer"))

    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans the user's office issued, or that hold a task the user can see."""
        if policy.sees_everything(user):
            return self
        tasks = Task.objects.visible_to(user).filter(task_list__plan=models.OuterRef("pk"))
        return self.filter(policy.unit_q(user, "issuer") | Q(models.Exists(tasks)))


class Plan(models.Model):
    """A 部署 / 实施方案: the programme for a year or a campaign."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("issued by")
    )
    summary = models.TextField(_("summary"), blank=True)
    source_document = models.FileField(_("source document"), upload_to="plans/", blank=True)
    created_at = StampField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title


class TaskListQuerySet(models.QuerySet["TaskList"]):
    def managed_by(self, user: Any) -> TaskListQuerySet:
        """Lists of the plans the user's office manages (see `PlanQuerySet.managed_by`)."""
        return self.filter(policy.supervised_q(user, "plan__issuer"))

    def visible_to(self, user: Any) -> TaskListQuerySet:
        """Lists the user's office issued, or that hold a task the user can see."""
        if policy.sees_everything(user):
            return self
        tasks = Task.objects.visible_to(user).filter(task_list=models.OuterRef("pk"))
        return self.filter(policy.unit_q(user, "plan__issuer") | Q(models.Exists(tasks)))

    def with_task_counts(self, tasks: models.QuerySet[Any]) -> TaskListQuerySet:
        """Annotate `task_count`: how many of `tasks` (already scoped) each list holds."""
        counted = (
            tasks.filter(task_list=models.OuterRef("pk"))
            .order_by()
            .values("task_list")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(task_count=Coalesce(models.Subquery(counted), 0))


class TaskList(models.Model):
    """A 清单: a named list of tasks within a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lists", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = TaskListQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "id"]
        verbose_name = _("task list")
        verbose_name_plural = _("task lists")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="task_list_name_unique_in_plan")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    """The indicator directions of `plans.indicators`, with their names in the interface."""

    HIGHER = indicators.Direction.HIGHER, _("Higher is better")
    LOWER = indicators.Direction.LOWER, _("Lower is better")


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: Any) -> TaskQuerySet:
        """Tasks led by, shared with, or issued by a unit in the user's scope."""
        if policy.sees_everything(user):
            return self
        return self.filter(visible_task_q(user))

    def owned_by_unit(self, unit: Unit) -> TaskQuerySet:
        """Tasks that the unit or one below it leads or helps with."""
        co = Task.co_units.through.objects.filter(
            unit__path__startswith=unit.path, task=models.OuterRef("pk")
        )
        return self.filter(Q(lead_unit__path__startswith=unit.path) | Q(models.Exists(co)))

    def open(self) -> TaskQuerySet:
        """Work still to do: not done and not cancelled."""
        return self.filter(completed_on__isnull=True, cancelled_on__isnull=True)

    def live(self) -> TaskQuerySet:
        """Tasks that count in lights, rollups, reports and rankings: all but those the office cancelled."""
        return self.filter(cancelled_on__isnull=True)

    def cancelled(self) -> TaskQuerySet:
        return self.filter(cancelled_on__isnull=False)

    def done(self) -> TaskQuerySet:
        return self.filter(completed_on__isnull=False)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        return self.filter(overdue_q(today))

    def due_between(self, start: dt.date | None, end: dt.date | None) -> TaskQuerySet:
        qs = self
        if start:
            qs = qs.filter(due__gte=start)
        if end:
            qs = qs.filter(due__lte=end)
        return qs

    def search(self, text: str) -> TaskQuerySet:
        """Every whitespace-separated word must occur in the title, content, measures or code."""
        qs = self
        for word in text.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(content__icontains=word)
                | Q(measures__icontains=word)
                | Q(code=word)
            )
        return qs

    def for_listing(self) -> TaskQuerySet:
        """What a list page shows, in a fixed number of queries whatever the page size."""
        # A correlated count, not a JOIN with GROUP BY: the database counts for the page's rows only.
        subtasks = Task.objects.filter(parent=models.OuterRef("pk")).order_by().values("parent")
        subtask_count = subtasks.annotate(n=models.Count("pk")).values("n")
        return (
            self.select_related("task_list", "lead_unit", "leader", "owner", "parent")
            .prefetch_related("co_units")
            .annotate(subtask_count=Coalesce(models.Subquery(subtask_count), 0))
        )


def visible_task_q(user: Any, field: str = "") -> Q:
    """A filter keeping rows whose task (reached through `field`, a task foreign key) the user can see: led
    by, shared with, or issued by a unit in their scope. The one definition of a visible task.

    Through `field` it is tested row by row on the task joined to the row, so a lookup by primary key stays
    one indexed query (no pass over every task to build the visible set).
    """
    if policy.covers_everything(user):  # its lead unit and issuer are units, always in scope then
        return policy.EVERYTHING
    prefix = f"{field}__" if field else ""
    co = Task.co_units.through.objects.filter(
        policy.unit_q(user, "unit"), task=models.OuterRef(field or "pk")
    )
    return (
        policy.unit_q(user, f"{prefix}lead_unit")
        | policy.unit_q(user, f"{prefix}issuer")
        | Q(models.Exists(co))
    )


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """A task is overdue (逾期) when its deadline has passed unfinished (and the office has not cancelled it):
    the one definition of the word.

    `prefix` reaches tasks through a relation, e.g. "tasks__" from a list.
    """
    return Q(
        **{
            f"{prefix}completed_on__isnull": True,
            f"{prefix}cancelled_on__isnull": True,
            f"{prefix}due__lt": today,
        }
    )


class Task(models.Model):
    """A 任务 / 事项: what must be done, by whom, by when. Tasks nest: a subtask is a handed-down share."""

    task_list = models.ForeignKey(
        TaskList, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("list")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subtasks",
        verbose_name=_("parent task"),
    )
    code = models.CharField(_("number"), max_length=30)
    # Zero-padded code ("0003.0002" for 3.2) so that tasks sort 1, 2, …, 10 and subtasks follow parents.
    sort_path = models.CharField(max_length=100, editable=False)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_tasks", verbose_name=_("issued by")
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks", verbose_name=_("co-units"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("responsible leader"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tasks",
        verbose_name=_("responsible person"),
    )
    # 抓落实: a task names both its responsible leader and person, or says here why not (yet).
    responsibility_note = models.CharField(
        _("why no responsible leader or person"), max_length=200, blank=True
    )
    start = models.DateField(_("start"))
    due = models.DateField(_("deadline"), db_index=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1"))
    indicator_name = models.CharField(_("indicator"), max_length=100, blank=True)
    indicator_unit = models.CharField(_("indicator unit"), max_length=20, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # 撤销: the office withdrew the task (plans.adjustments.cancel_task); it then counts nowhere, and the
    # reason is in its adjustments.
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    # The deadline first set, kept once the office has moved it (plans.adjustments.change_deadline), so every
    # page and export that counts the task shows the move: no silent deadline moves.
    first_due = models.DateField(_("original deadline"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = StampField(auto_now_add=True)
    updated_at = StampField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["task_list", "sort_path"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["task_list", "due"]),
            models.Index(fields=["lead_unit", "due"]),
            models.Index(fields=["task_list", "parent", "sort_path"]),
            # The task list's default: the open tasks (not cancelled by the office) by list and number. Its
            # count and its page's keys read this narrow index, not the wide rows (content, measures).
            models.Index(
                fields=["task_list", "sort_path"],
                name="task_open_by_list",
                condition=Q(cancelled_on__isnull=True),
            ),
            # The work still to do (not done, not cancelled) by lead unit and deadline: the home page's units
            # with the most overdue tasks are counted from this narrow index, not the wide rows (at province
            # scale, 200,000 tasks: 470 ms -> 45 ms on SQLite).
            models.Index(
                fields=["lead_unit", "due"],
                name="task_open_by_unit",
                condition=Q(cancelled_on__isnull=True, completed_on__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task_list", "code"], name="task_code_unique_in_list"),
            models.CheckConstraint(condition=Q(due__gte=F("start")), name="task_due_not_before_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="task_weight_positive"),
            models.CheckConstraint(
                condition=Q(indicator_name="") | (Q(target__isnull=False) & ~Q(direction="")),
                name="task_indicator_has_target_and_direction",
            ),
            models.CheckConstraint(
                condition=Q(leader__isnull=False, owner__isnull=False) | ~Q(responsibility_note=""),
                name="task_names_its_people_or_why_not",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def has_indicator(self) -> bool:
        return bool(self.indicator_name)

    @property
    def lacks_people(self) -> bool:
        """Whether the responsible leader or person is still to be named (`responsibility_note` says why)."""
        return self.leader_id is None or self.owner_id is None

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def due_was_moved(self) -> bool:
        return self.first_due is not None and self.first_due != self.due

    def is_overdue_on(self, today: dt.date) -> bool:
        return self.completed_on is None and self.cancelled_on is None and self.due < today

    @property
    def is_overdue(self) -> bool:
        """Overdue today (see `overdue_q`), for the pages."""
        return self.is_overdue_on(clock.today())


class Milestone(models.Model):
    """A 节点 (milestone): a dated checkpoint of a task with the progress expected by then."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("task")
    )
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due"))
    expected_progress = models.PositiveSmallIntegerField(_("expected progress (%)"))
    # Set when the office confirms the milestone reached (plans.services.confirm_milestone).
    reached_on = models.DateField(_("confirmed reached on"), null=True, blank=True)

    audit_subject = "task"  # its audit events are part of the task's history (audit.subjects)

    class Meta:
        ordering = ["task", "due", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_progress__lte=100), name="milestone_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pledge(models.Model):
    """A 军令状: a unit head's signed commitment to a task's result."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("task"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("unit"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("signed by"),
    )
    commitment = models.TextField(_("commitment"))
    signed_at = models.DateTimeField(_("signed at"))

    audit_subject = "task"

    class Meta:
        ordering = ["task", "signed_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="pledge_one_per_unit_and_task")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.task}"


class Adjustment(models.Model):
    """The office cancelled a task (撤销) or moved its deadline (调整完成时限), always with a reason."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline moved")
        CANCEL = "cancel", _("cancelled")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("task")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    previous_due = models.DateField(_("previous deadline"))
    new_due = models.DateField(_("new deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    audit_subject = "task"

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_has_reason"),
            models.CheckConstraint(
                condition=Q(kind="cancel", new_due__isnull=True) | Q(kind="deadline", new_due__isnull=False),
                name="adjustment_deadline_names_new_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_kind_display()}"


class Delivery(models.Model):
    """A 交账: the lead unit declares the task, or one of its milestones, done; the office accepts it (done)
    or rejects it. The co-units' contributions are gathered into it."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting the office")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("task")
    )
    # Set when it is a milestone that is declared reached, not the whole task.
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("milestone"),
    )
    statement = models.TextField(_("what was done"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("declared by"),
    )
    at = models.DateTimeField(_("declared at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_deliveries",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for rejecting"), blank=True)

    audit_subject = "task"

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="submitted", milestone__isnull=True),
                name="delivery_one_open_per_task",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(state="submitted", milestone__isnull=False),
                name="delivery_one_open_per_milestone",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reason=""), name="delivery_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_state_display()}"


class Contribution(models.Model):
    """A co-unit's share of a delivery (配合单位的完成情况): written while the task is open, gathered into the
    lead unit's delivery when it is declared (or into the one awaiting the office)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("task")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("co-unit")
    )
    # Empty while not yet gathered into a delivery.
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("delivery"),
    )
    statement = models.TextField(_("what the unit did"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    audit_subject = "task"

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                condition=Q(delivery__isnull=True),
                name="contribution_one_pending_per_unit",
            ),
            models.UniqueConstraint(
                fields=["delivery", "unit"],
                condition=Q(delivery__isnull=False),
                name="contribution_one_per_unit_and_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.task}"


def delivery_file_path(instance: DeliveryFile, filename: str) -> str:
    return f"deliveries/{clock.local():%Y/%m}/{filename}"


class DeliveryFile(models.Model):
    """A file of evidence for a delivery (交账材料), attached to the lead unit's delivery or to a co-unit's
    contribution: the same rules as a report's evidence (core.attachments)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="delivery_files")
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    file = models.FileField(upload_to=delivery_file_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)

    audit_subject = "task"

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__isnull=False, contribution__isnull=True)
                | Q(delivery__isnull=True, contribution__isnull=False),
                name="delivery_file_of_a_delivery_or_a_contribution",
            ),
            models.UniqueConstraint(
                fields=["delivery", "sha256"],
                condition=Q(delivery__isnull=False),
                name="delivery_file_once_per_delivery",
            ),
            models.UniqueConstraint(
                fields=["contribution", "sha256"],
                condition=Q(contribution__isnull=False),
                name="delivery_file_once_per_contribution",
            ),
        ]

    def __str__(self) -> str:
        return self.name
