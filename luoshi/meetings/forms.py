"""The forms of a 调度会: thin, each feeding one service; choices narrowed to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.meetings.services import MINUTES_MAX, TEXT_MAX, TITLE_MAX
from luoshi.orgs.models import Unit
from luoshi.plans.models import TaskList

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    task_list = forms.ModelChoiceField(label=_("Task list"), queryset=TaskList.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The agenda is built from the red and yellow work of the list, of these units, or both."),
    )

    def __init__(self, *args: Any, lists: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("task_list", lists)
        self.limit_choices("units", units)


class DecisionForm(StyledForm):
    text = forms.CharField(
        label=_("What was decided"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    due = forms.DateField(label=_("Deadline"), widget=DATE)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("lead_unit", units)


class MinutesForm(StyledForm):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=MINUTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
