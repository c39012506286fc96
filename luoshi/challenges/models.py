"""揭榜挂帅 (open calls): the office publishes a hard problem; units in scope apply with a proposal and a
commitment; the office selects one or several, each of which becomes a task of the call's list with a
军令状 (pledge) to sign. States change only through services (rules.py holds the tables).

Who sees what: the office over the issuing unit sees every call it drafts and every application; once
published, a call is seen by the people of the units it is open to (and of the units above them), each
of whom sees only the applications of their own units; everyone else gets nothing (a 404 on the pages).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from luoshi.challenges.rules import ApplicationState, CallState
from luoshi.core import clock
from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task, TaskList


def _ancestor_paths(unit: Unit) -> list[str]:
    """The paths of the units strictly above `unit` ("000001.000004." → ["000001."])."""
    steps = unit.path.split(".")[:-1]
    return [".".join(steps[: i + 1]) + "." for i in range(len(steps) - 1)]


def office_q(user: Any, prefix: str = "") -> Q:
    """Rows of calls whose office the user is (a supervisor over the issuing unit): drafts included."""
    return policy.supervised_q(user, f"{prefix}issuer")


def overseer_q(user: Any, prefix: str = "") -> Q:
    """Rows of calls the user follows whole, applications and all: the office, and leaders over it."""
    if policy.sees_jurisdiction(user):
        return policy.unit_q(user, f"{prefix}issuer")
    return policy.NOTHING


def open_to_q(user: Any) -> Q:
    """Calls open to a unit in the user's scope: to all units below the issuer (which the user's unit is
    among, or holds), or to chosen units one of which is in scope."""
    root = policy.scope_root(user)
    below = Q(issuer__path__in=_ancestor_paths(root)) if root is not None else policy.NOTHING
    chosen = OpenCall.units.through.objects.filter(policy.unit_q(user, "unit"), opencall=OuterRef("pk"))
    return (Q(open_to_all=True) & (policy.unit_q(user, "issuer") | below)) | (
        Q(open_to_all=False) & Q(Exists(chosen))
    )


CALL_BADGES: dict[str, str] = {
    CallState.DRAFT: "secondary",
    CallState.PUBLISHED: "primary",
    CallState.CLOSED: "warning",
    CallState.DECIDED: "success",
    CallState.CANCELLED: "dark",
}
APPLICATION_BADGES: dict[str, str] = {
    ApplicationState.SUBMITTED: "primary",
    ApplicationState.WITHDRAWN: "secondary",
    ApplicationState.SELECTED: "success",
    ApplicationState.NOT_SELECTED: "light",
}


class OpenCallQuerySet(models.QuerySet["OpenCall"]):
    def visible_to(self, user: Any) -> OpenCallQuerySet:
        """The office's calls in any state; published ones open to a unit in the user's scope."""
        if policy.sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(office_q(user) | (Q(published_at__isnull=False) & open_to_q(user)))

    def managed_by(self, user: Any) -> OpenCallQuerySet:
        return self.filter(office_q(user))


class OpenCall(models.Model):
    """A 揭榜挂帅 call: the problem, what an applicant must bring, what is expected, and by when to apply."""

    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="open_calls", verbose_name=_("issued by")
    )
    task_list = models.ForeignKey(
        TaskList, on_delete=models.PROTECT, related_name="open_calls", verbose_name=_("list for the tasks")
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"))
    requirements = models.TextField(_("requirements for applicants"))
    goal = models.TextField(_("what is expected"))
    open_to_all = models.BooleanField(_("open to every unit of the jurisdiction"), default=True)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="open_calls_to", verbose_name=_("open to the units")
    )
    closes_on = models.DateField(_("applications close on"))
    max_selected = models.PositiveSmallIntegerField(_("at most selected"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=CallState.choices, default=CallState.DRAFT, db_index=True
    )
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = StampField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("applications closed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decision made at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = OpenCallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("open call")
        verbose_name_plural = _("open calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_selected__isnull=True) | Q(max_selected__gte=1),
                name="open_call_selects_at_least_one",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""), name="open_call_cancelled_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def own_state_label(self) -> str:
        """The state of the viewer's own unit's application, where the list annotated it (`own_state`)."""
        state = getattr(self, "own_state", None)
        return str(ApplicationState(state).label) if state else ""

    def is_open_to(self, unit: Unit) -> bool:
        """Whether `unit` may apply: below the issuer when open to all, else one of the chosen units."""
        if self.open_to_all:
            return unit.pk != self.issuer_id and self.issuer.contains(unit)
        return self.units.filter(pk=unit.pk).exists()

    def open_units(self) -> models.QuerySet[Unit]:
        """The units the call is open to, active ones only."""
        if self.open_to_all:
            return Unit.objects.filter(path__startswith=self.issuer.path, is_active=True).exclude(
                pk=self.issuer_id
            )
        return self.units.filter(is_active=True)

    def days_left(self, today: dt.date | None = None) -> int:
        """Days until applications close, counting the closing day (0: it closes today; below 0: passed)."""
        return (self.closes_on - (today or clock.today())).days

    @property
    def badge(self) -> str:
        """The Bootstrap colour of its state's badge."""
        return CALL_BADGES[self.state]

    @property
    def takes_applications(self) -> bool:
        return self.state == CallState.PUBLISHED and self.days_left() >= 0


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """All applications of the calls the user oversees; elsewhere those of the units in their scope,
        for calls they see."""
        if policy.sees_everything(user):
            return self
        calls = OpenCall.objects.visible_to(user)
        return self.filter(call__in=calls).filter(overseer_q(user, "call__") | policy.unit_q(user, "unit"))


class Application(models.Model):
    """A 揭榜 application: a unit's proposal and commitment for an open call, one per unit and call."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="applications")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="call_applications", verbose_name=_("unit")
    )
    proposal = models.TextField(_("proposal"))
    target = models.TextField(_("what the unit commits to"))
    committed_due = models.DateField(_("committed deadline"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible leader"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    submitted_at = models.DateTimeField(_("applied at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decision made at"), null=True, blank=True)
    decision_note = models.TextField(_("the office's note"), blank=True)
    task = models.OneToOneField(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_application",
        verbose_name=_("task"),
    )
    version = models.PositiveIntegerField(default=1)

    objects = ApplicationQuerySet.as_manager()
    audit_subject = "call"  # its audit events are part of the call's history (audit.subjects)

    class Meta:
        ordering = ["call", "submitted_at", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "unit"], name="application_one_per_unit_and_call"),
            models.CheckConstraint(
                condition=Q(task__isnull=True) | Q(state="selected"), name="application_task_only_if_selected"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.call}"

    @property
    def is_selected(self) -> bool:
        return self.state == ApplicationState.SELECTED

    @property
    def badge(self) -> str:
        """The Bootstrap colour of its state's badge."""
        return APPLICATION_BADGES[self.state]


def application_file_path(instance: ApplicationFile, filename: str) -> str:
    return f"challenges/{clock.local():%Y/%m}/{filename}"


class ApplicationFile(models.Model):
    """A file of an application (方案材料): the same rules as a report's evidence (core.attachments)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=application_file_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)

    audit_subject = "application"

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sha256"], name="application_file_once"),
        ]

    def __str__(self) -> str:
        return self.name
