"""The forms of 督查 and 整改: thin, each feeding one service; choices narrowed to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm, evidence_field
from luoshi.orgs.models import Unit
from luoshi.supervision.forms import DATE
from luoshi.supervision.inspections import PERSON_MAX, TEXT_MAX, TITLE_MAX
from luoshi.supervision.models import RectState


def _text(label: Any, *, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_MAX, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class InspectionForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    scope = _text(_("What is inspected"), required=False)
    starts = forms.DateField(label=_("First day"), widget=DATE)
    ends = forms.DateField(label=_("Last day"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Units inspected"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    # Set once the office has seen the inspections already falling on these units then, and plans anyway.
    crowding_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    task = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1
    )  # an inspection of a task

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("units", units)


class FindingForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    problem = _text(_("Problem found"))
    measures = _text(_("Rectification measures"))
    responsible = forms.CharField(label=_("Person responsible"), max_length=PERSON_MAX)
    due = forms.DateField(label=_("Rectify by"), widget=DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units)


class CloseOutForm(StyledForm):
    statement = _text(_("What was rectified"), rows=4)
    evidence = evidence_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].required = True  # a close-out is asked for on its evidence


class ReturnForm(StyledForm):
    reason = _text(_("Reason"), rows=2)


class OVERDUE:
    YES = "yes"


class RectFilterForm(StyledForm):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *RectState.choices], required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"), choices=[("", _("All")), (OVERDUE.YES, _("Overdue"))], required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units)


class MonthForm(forms.Form):
    month = forms.DateField(required=False, input_formats=["%Y-%m"])
