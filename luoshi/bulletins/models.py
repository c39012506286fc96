"""通报/点评: a bulletin an office issues on the units under it for a period, generated from the data in
sections, edited section by section, then published to the units it covers.

Each section keeps the rows its figures were counted from as they stood when it was generated (a unit, a
task, a due date and a link to the object), so every number in the bulletin and in its exports traces back
to them, and the exports are built from the stored sections alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.models import Run
from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit

NUMBER_MAX = 30  # a 发文字号 such as 洛督通〔2026〕3号


class State(models.TextChoices):
    GENERATING = "generating", _("being generated")
    READY = "ready", _("draft, ready to publish")
    FAILED = "failed", _("generation failed")
    PUBLISHED = "published", _("published")


BADGES = {
    State.GENERATING: "info",
    State.READY: "warning",
    State.FAILED: "danger",
    State.PUBLISHED: "success",
}


class Kind(models.TextChoices):
    """The sections of a bulletin, in the order they are generated and printed."""

    OVERVIEW = "overview", _("Overall situation")
    RANKING = "ranking", _("Assessment ranking")
    MOVERS = "movers", _("Moved up and down")
    LIGHTS = "lights", _("Red and yellow tasks")
    REPORTS = "reports", _("Late and missing reports")
    OVERDUE = "overdue", _("Overdue supervision items and rectifications")
    RECORDS = "records", _("Commendations and criticisms")


class BulletinQuerySet(models.QuerySet["Bulletin"]):
    def visible_to(self, user: Any) -> BulletinQuerySet:
        """Every bulletin of an office the user supervises (drafts included); a published one also to the
        units it covers (those under its scope) and to those above its scope."""
        if policy.sees_everything(user):  # an empty Q() would vanish from the | below
            return self.all()
        covered = policy.at_or_above_q(user, "scope") | policy.unit_q(user, "scope")
        return self.filter(policy.supervised_q(user, "issuer") | (Q(state=State.PUBLISHED) & covered))


class Bulletin(models.Model):
    """A 通报 of an office (the issuer) on the units under `scope` for a period."""

    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="bulletins", verbose_name=_("issuing office")
    )
    number = models.CharField(_("document number"), max_length=NUMBER_MAX, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    scope = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("units covered")
    )
    run = models.ForeignKey(
        Run,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulletins",
        verbose_name=_("rankings from run"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.GENERATING)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    generated_at = models.DateTimeField(_("facts as of"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(_("created"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="bulletin_period_order"
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=models.F("steps_total")), name="bulletin_steps_within_total"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="bulletin_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def badge(self) -> str:
        """The Bootstrap colour of the state's badge."""
        return BADGES[State(self.state)]

    @property
    def is_generating(self) -> bool:
        return self.state == State.GENERATING

    @property
    def is_ready(self) -> bool:
        return self.state == State.READY

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def has_failed(self) -> bool:
        return self.state == State.FAILED


class Section(models.Model):
    """A section of a bulletin: its words (drafted from the facts, then edited) and the rows behind them."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    heading = models.CharField(_("heading"), max_length=100)
    text = models.TextField(_("text"), blank=True)
    # The table's column names, and its rows as they stood at generation: {"group", "cells", "url"}; the
    # figures the text states, each {"key", "label", "count"}, naming the group of rows it counts.
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    figures = models.JSONField(default=list)
    # How many rows a group had when it kept only its first (drafting.ROWS_MAX), by group key.
    totals = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)

    audit_subject = "bulletin"

    class Meta:
        ordering = ["bulletin", "order"]
        verbose_name = _("bulletin section")
        verbose_name_plural = _("bulletin sections")
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "order"], name="bulletin_section_unique_order"),
        ]

    def __str__(self) -> str:
        return self.heading
