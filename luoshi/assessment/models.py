"""考核: an office's indicator system for a year, the marks and points its people enter, and runs that score
and rank the units of each category from a snapshot of the facts.

A run stores the facts it read (with the rows behind each count) and the results `scoring` computed from
them; `services.rescore` recomputes the results from the stored facts alone and must reproduce them byte for
byte, so a stored score is only ever a cache of the rules applied to its snapshot.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, UnitCategory


class Metric(models.TextChoices):
    """What an indicator is scored from. Outcomes only: the 2024 burden-reduction rules forbid rewarding
    activity for its own sake (sign-ins, clicks, uploads, the length of reports), so none is offered."""

    REPORTS_ON_TIME = "reports_on_time", _("Progress reports sent on time")
    TASKS_ON_TIME = "tasks_on_time", _("Tasks completed by their deadline")
    DELIVERIES_FIRST_TIME = "deliveries_first_time", _("Deliveries accepted the first time")
    ITEMS_ON_TIME = "items_on_time", _("Supervision items answered by their deadline")
    RECTIFICATIONS_ON_TIME = "rectifications_on_time", _("Rectifications closed out by their deadline")
    RATING = "rating", _("Rated by named raters (评议)")


class IndicatorSystemQuerySet(models.QuerySet["IndicatorSystem"]):
    def visible_to(self, user: Any) -> IndicatorSystemQuerySet:
        """The systems that assess the user's units (an office's over it: a unit sees why it ranks where it
        does) and those of the offices within the user's scope."""
        return self.filter(policy.at_or_above_q(user, "owner") | policy.unit_q(user, "owner"))


class IndicatorSystem(models.Model):
    """A 考核指标体系: the weighted indicators an office assesses the units under it on, for one year."""

    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="indicator_systems", verbose_name=_("assessing office")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    total = models.DecimalField(_("total weight"), max_digits=6, decimal_places=2, default=Decimal(100))
    bonus_cap = models.DecimalField(
        _("most bonus points"), max_digits=5, decimal_places=2, default=Decimal(5)
    )
    penalty_cap = models.DecimalField(
        _("most penalty points"), max_digits=5, decimal_places=2, default=Decimal(5)
    )
    created_at = StampField(auto_now_add=True)

    objects = IndicatorSystemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        constraints = [
            models.UniqueConstraint(fields=["owner", "year", "name"], name="indicator_system_unique_name"),
            models.CheckConstraint(condition=Q(total__gt=0), name="indicator_system_total_positive"),
            models.CheckConstraint(
                condition=Q(bonus_cap__gte=0, penalty_cap__gte=0), name="indicator_system_caps_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def assessed_units(self) -> models.QuerySet[Unit]:
        """The units under the owner, at work, in a category some indicator weighs."""
        categories = Weight.objects.filter(indicator__system=self).values("category")
        return (
            Unit.objects.subtree_of(self.owner)
            .active()
            .filter(category__in=categories)
            .exclude(pk=self.owner_id)
            .order_by("path")
        )


class Indicator(models.Model):
    """An indicator (二级指标) scored by a metric, or a group of them (一级指标) holding their weights."""

    system = models.ForeignKey(
        IndicatorSystem, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("system")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    metric = models.CharField(_("scored from"), max_length=30, choices=Metric.choices, blank=True)
    rules = models.TextField(_("scoring rules"), blank=True)  # 评分细则, as the office words them

    class Meta:
        ordering = ["system", "parent_id", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["system", "parent", "order"], name="indicator_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return not self.metric


class Weight(models.Model):
    """What an indicator is worth in one unit category (分类考核): absent, it does not apply there."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="weights")
    category = models.CharField(_("ranking category"), max_length=20, choices=UnitCategory.choices)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "category"], name="weight_once_per_category"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.get_category_display()} · {self.weight}"


class Rating(models.Model):
    """A named rater's mark out of 100 for a unit on a rated indicator (评议), dated; the latest mark of a
    rater within a run's period is the one the run takes."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="ratings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mark = models.DecimalField(
        _("mark"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    on = models.DateField(_("marked on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    audit_subject = "indicator"

    class Meta:
        ordering = ["indicator", "unit", "rater", "on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(mark__gte=0, mark__lte=100), name="rating_mark_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit} · {self.mark}"


class Award(models.Model):
    """A bonus (加分, positive points) or a penalty (减分, negative) for a unit under the system, with why."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="awards")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    on = models.DateField(_("awarded on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    audit_subject = "system"

    class Meta:
        ordering = ["system", "on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="award_not_zero")]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+} · {self.reason}"


class Run(models.Model):
    """One assessment of every unit under the system for a period: the facts as they stood at `as_of`, and
    the scores and ranks the rules gave them."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateTimeField(_("facts as of"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("facts"))  # what the rules were applied to: see services.snapshot_of
    digest = models.CharField(max_length=64)  # SHA-256 of the results' canonical JSON

    audit_subject = "system"

    class Meta:
        ordering = ["system", "-number"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        constraints = [
            models.UniqueConstraint(fields=["system", "number"], name="run_unique_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="run_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system} #{self.number}"


class Result(models.Model):
    """A unit's score and rank in a run (a cache of `scoring` applied to the run's snapshot)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=UnitCategory.choices)
    base = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    bonus = models.DecimalField(max_digits=5, decimal_places=2)
    penalty = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(null=True)
    change = models.IntegerField(null=True)  # previous rank − this one: positive moved up (进位)

    class Meta:
        ordering = ["run", "category", "rank", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="result_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.run} · {self.unit} · {self.total}"

    @property
    def moved_by(self) -> int:
        """How many places the unit moved, either way."""
        return abs(self.change or 0)
