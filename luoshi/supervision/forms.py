"""The forms of 督办件: thin, each feeding one service; choices narrowed to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm, evidence_field
from luoshi.orgs.models import Unit
from luoshi.orgs.people import unit_matching
from luoshi.supervision.models import Source, State, Urgency
from luoshi.supervision.services import TEXT_MAX, TITLE_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, *, rows: int = 4, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_MAX, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ItemForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = _text(_("What must be done"), rows=6)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    due = forms.DateField(label=_("Deadline"), widget=DATE)
    task = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    instruction = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Set once the office has seen the open items that already ask the unit the same, and issues anyway.
    asking_again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("lead_unit", units, search=unit_matching)
        self.limit_choices("co_units", units, search=unit_matching)


class FeedbackForm(StyledForm):
    statement = _text(_("What was done on the item"), rows=5)
    evidence = evidence_field()


class ReasonForm(StyledForm):
    reason = _text(_("Reason"), rows=3)


class ExtensionForm(StyledForm):
    new_due = forms.DateField(label=_("Deadline asked for"), widget=DATE)
    reason = _text(_("Reason"), rows=3)


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("grant", _("Grant")), ("deny", _("Deny"))], widget=forms.HiddenInput
    )
    reason = _text(_("Reason"), rows=2, required=False)


class NoteForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Co-unit"), queryset=Unit.objects.none())
    text = _text(_("What your unit did"), rows=3)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", Unit.objects.filter(pk__in=[u.pk for u in units]))
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk


class InstructionForm(StyledForm):
    text = _text(_("Instruction"), rows=3)


class PrefixForm(StyledForm):
    number_prefix = forms.CharField(
        label=_("Number prefix"),
        max_length=20,
        required=False,
        help_text=_(
            "Leave empty for the default: the first character of the office's short name, then 督办."
        ),
    )


class OVERDUE:
    YES = "yes"
    EXTENDED = "extended"


class FilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *State.choices], required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", _("All")), *Urgency.choices], required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("All")), *Source.choices], required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        choices=[("", _("All")), (OVERDUE.YES, _("Overdue")), (OVERDUE.EXTENDED, _("Extended"))],
        required=False,
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units)
