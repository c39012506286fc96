from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.orgs.models import Unit, UnitCategory

from .models import Indicator, IndicatorSystem, Metric

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what a date input reads


class RunForm(StyledForm):
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


def last_month(today: dt.date) -> dict[str, dt.date]:
    """The whole month before `today`'s: what an office assesses at the start of a month."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return {"period_start": end.replace(day=1), "period_end": end}


def _points(
    label: Any, *, minimum: Decimal = Decimal(0), maximum: Decimal = Decimal(1000), required: bool = True
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=6, decimal_places=2, min_value=minimum, max_value=maximum, required=required
    )


class SystemForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = _points(_("Total weight"))
    bonus_cap = _points(_("Most bonus points"))
    penalty_cap = _points(_("Most penalty points"))


class IndicatorForm(StyledForm):
    """An indicator or a group, with what it weighs in each category (blank: it does not apply there)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    metric = forms.ChoiceField(label=_("Scored from"), required=False)
    parent = forms.ModelChoiceField(label=_("Group"), queryset=Indicator.objects.none(), required=False)
    rules = forms.CharField(
        label=_("Scoring rules"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, system: IndicatorSystem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = [("", _("— a group of indicators —")), *Metric.choices]
        self.limit_choices("parent", system.indicators.filter(metric=""))
        for value, label in UnitCategory.choices:
            self.add_field(f"weight_{value}", _points(label, required=False))

    def weights(self) -> dict[str, Decimal]:
        return {
            value: self.cleaned_data[f"weight_{value}"]
            for value, _label in UnitCategory.choices
            if self.cleaned_data.get(f"weight_{value}") is not None
        }

    def category_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{value}"] for value, _label in UnitCategory.choices]


class AwardForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    points = _points(_("Points (negative for a penalty)"), minimum=Decimal(-100))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units)


class RatingForm(StyledForm):
    """A rater's marks out of 100 for each unit, on one rated indicator; a blank mark is left unmarked."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())

    def __init__(self, *args: Any, system: IndicatorSystem, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("indicator", system.indicators.filter(metric=Metric.RATING))
        self.units = units
        for unit in units:
            self.add_field(f"mark_{unit.pk}", _points(unit.name, required=False, maximum=Decimal(100)))

    def marks(self) -> dict[Unit, Decimal]:
        return {
            unit: self.cleaned_data[f"mark_{unit.pk}"]
            for unit in self.units
            if self.cleaned_data.get(f"mark_{unit.pk}") is not None
        }

    def mark_fields(self) -> list[forms.BoundField]:
        return [self[f"mark_{unit.pk}"] for unit in self.units]
