"""Forms of the escalation ladder page: a rung, and the stamp of the ladder the editor saw."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import STALE_FORM, StyledForm
from luoshi.notify.ladder_services import COLOURS, NAME_MAX, THRESHOLD_MAX, THRESHOLD_MIN


def seen_field() -> forms.CharField:
    """The stamp of the ladder the page showed (ladder_services.ladder_stamp); missing is out of date."""
    return forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": STALE_FORM, "max_length": STALE_FORM},
    )


class StepForm(StyledForm):
    name = forms.CharField(
        label=_("Name"), max_length=NAME_MAX, help_text=_("As the notice is called, e.g. 黄色督办单 or 约谈.")
    )
    color = forms.ChoiceField(label=_("Colour"), choices=list(COLOURS.items()), required=False)
    missed_in_a_row = forms.IntegerField(
        label=_("Late reports in a row"),
        min_value=THRESHOLD_MIN,
        max_value=THRESHOLD_MAX,
        help_text=_("The rung is taken when a task's reports are this many times in a row late or unsent."),
    )
    notify_leader = forms.BooleanField(label=_("Also tell the task's responsible leader"), required=False)
    seen = seen_field()


class StampForm(StyledForm):
    seen = seen_field()
