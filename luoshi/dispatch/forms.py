"""Forms of the report pages."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm, evidence_field, version_field
from luoshi.dispatch.models import Frequency, LightChoice, ReportState
from luoshi.dispatch.services import ReportData
from luoshi.orgs.models import Unit
from luoshi.orgs.people import unit_matching
from luoshi.plans.models import TaskList

TEXT = forms.Textarea(attrs={"rows": 3})
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReportForm(StyledForm):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    indicator_value = forms.DecimalField(
        label=_("Indicator value so far"), max_digits=16, decimal_places=4, required=False
    )
    progress = forms.CharField(label=_("Progress made"), widget=TEXT, required=False, max_length=5000)
    problems = forms.CharField(label=_("Problems"), widget=TEXT, required=False, max_length=5000)
    next_steps = forms.CharField(label=_("Next steps"), widget=TEXT, required=False, max_length=5000)
    coordination = forms.CharField(
        label=_("Coordination needed"), widget=TEXT, required=False, max_length=5000
    )
    evidence = evidence_field()
    version = version_field()
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args: Any, has_indicator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_indicator:
            del self.fields["indicator_value"]

    def data_for_service(self) -> ReportData:
        d = self.cleaned_data
        return ReportData(
            percent=d["percent"],
            progress=d["progress"],
            problems=d["problems"],
            next_steps=d["next_steps"],
            coordination=d["coordination"],
            indicator_value=d.get("indicator_value"),
        )


class ReturnForm(StyledForm):
    comment = forms.CharField(
        label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CycleFilterForm(StyledForm):
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All")), *ReportState.choices], required=False
    )
    light = forms.ChoiceField(
        label=_("Light"), choices=[("", _("All")), *LightChoice.choices], required=False
    )
    late = forms.BooleanField(label=_("Late only"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units, search=unit_matching)


class CadenceForm(StyledForm):
    task_list = forms.ModelChoiceField(label=_("List"), queryset=TaskList.objects.none())
    name = forms.CharField(label=_("Name"), max_length=50, initial="一周一调度")
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    anchor = forms.DateField(label=_("First period starts"), widget=forms.DateInput(attrs={"type": "date"}))
    due_weekday = forms.TypedChoiceField(label=_("Due weekday"), coerce=int, choices=WEEKDAYS, initial=4)
    due_time = forms.TimeField(
        label=_("Due time"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    grace_minutes = forms.IntegerField(
        label=_("Grace period (minutes)"), min_value=0, max_value=7 * 24 * 60, initial=0
    )
    lead_days_per_level = forms.IntegerField(
        label=_("Working days earlier per level handed down"), min_value=0, max_value=5, initial=1
    )
    needs_head_approval = forms.BooleanField(
        label=_("The unit head approves before submission"), required=False
    )

    def __init__(self, *args: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("task_list", lists)
