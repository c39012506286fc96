"""Accountability and fault tolerance (问责与容错): records of commendation (表扬), criticism in a bulletin
(通报批评), interview (约谈), accountability (问责), and exemption under the fault-tolerance rules (容错免责).

Each record is about a unit, and may name a person, a task and a supervision item. The office writes the
first four directly; an exemption is a request (the reason and the rule invoked) that someone other than
its author approves or denies (accountability_rules.py), and once approved it shows wherever the late work
it covers is counted. The records are the factual basis for 能上能下 decisions: only the office over the
unit, leaders and administrators read them (`visible_to`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.orgs import policy
from luoshi.orgs.models import Role, Unit
from luoshi.plans.models import Task


class Kind(models.TextChoices):
    COMMENDATION = "commendation", _("commendation")
    CRITICISM = "criticism", _("criticism in a bulletin")
    INTERVIEW = "interview", _("interview")
    ACCOUNTABILITY = "accountability", _("accountability")
    EXEMPTION = "exemption", _("fault-tolerance exemption")


class RecordState(models.TextChoices):
    RECORDED = "recorded", _("recorded")  # every kind but an exemption, as the office wrote it
    REQUESTED = "requested", _("exemption requested")
    APPROVED = "approved", _("exemption approved")
    DENIED = "denied", _("exemption denied")


KIND_COLOURS = {
    Kind.COMMENDATION: "success",
    Kind.CRITICISM: "danger",
    Kind.INTERVIEW: "warning",
    Kind.ACCOUNTABILITY: "danger",
    Kind.EXEMPTION: "info",
}
LIVE_EXEMPTION = Q(kind=Kind.EXEMPTION, state__in=[RecordState.REQUESTED, RecordState.APPROVED])


def entitled(user: Any, unit: Unit) -> bool:
    """Whether the user reads the records about `unit`: a supervisor whose jurisdiction holds it, a leader
    whose scope does, an administrator. Not its liaisons or head, not a peer, not an outsider."""
    if policy.can_supervise(user, unit):
        return True
    return bool(user.is_authenticated and user.role == Role.LEADER and policy.can_see_unit(user, unit))


def entitled_q(user: Any, field: str) -> Q:
    """`entitled` for a query: rows whose unit (through `field`) the user reads records of."""
    if policy.sees_everything(user):
        return policy.EVERYTHING
    if user.is_authenticated and user.role in (Role.SUPERVISOR, Role.LEADER):
        return policy.unit_q(user, field)
    return policy.NOTHING


class RecordQuerySet(models.QuerySet["AccountabilityRecord"]):
    def in_scope(self, user: Any) -> RecordQuerySet:
        """Records about a unit in the user's scope, entitled to read them or not (the latter get 403)."""
        return self.filter(policy.unit_q(user, "unit"))

    def visible_to(self, user: Any) -> RecordQuerySet:
        return self.filter(entitled_q(user, "unit"))

    def approved_exemptions(self) -> RecordQuerySet:
        return self.filter(kind=Kind.EXEMPTION, state=RecordState.APPROVED)

    def for_listing(self) -> RecordQuerySet:
        return self.select_related(
            "unit", "person", "task", "item__issuer__supervision_series", "recorded_by", "decided_by"
        )


class AccountabilityRecord(models.Model):
    """One record of commendation, criticism, interview, accountability or a fault-tolerance exemption."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=RecordState.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="accountability_records", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_records",
        verbose_name=_("person"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_records",
        verbose_name=_("task"),
    )
    item = models.ForeignKey(
        "supervision.SupervisionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_records",
        verbose_name=_("supervision item"),
    )
    finding = models.ForeignKey(  # a 问题 an inspection found, the record answers for
        "supervision.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability_records",
        verbose_name=_("inspection finding"),
    )
    reason = models.TextField(_("facts and reason"))
    rule = models.CharField(_("fault-tolerance rule invoked"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
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

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="exemption") & ~Q(state="recorded"))
                | (~Q(kind="exemption") & Q(state="recorded")),
                name="accountability_state_fits_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exemption")
                | (~Q(rule="") & (Q(task__isnull=False) | Q(item__isnull=False))),
                name="accountability_exemption_has_rule_and_work",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["recorded", "requested"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="accountability_decision_has_who_and_why",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=LIVE_EXEMPTION & Q(item__isnull=False),
                name="accountability_one_live_exemption_per_item",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=LIVE_EXEMPTION & Q(item__isnull=True) & Q(task__isnull=False),
                name="accountability_one_live_exemption_per_task",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="accountability_unit_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"

    @property
    def kind_colour(self) -> str:
        return KIND_COLOURS[Kind(self.kind)]

    @property
    def is_exemption(self) -> bool:
        return self.kind == Kind.EXEMPTION

    @property
    def is_approved(self) -> bool:
        return self.state == RecordState.APPROVED
