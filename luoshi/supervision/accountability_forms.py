"""The forms of accountability records: thin, each feeding one service; choices narrowed to the office's
jurisdiction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.core.forms import StyledForm
from luoshi.orgs.models import Unit, User
from luoshi.plans.forms import PersonChoiceField
from luoshi.supervision.accountability import RULE_MAX, TEXT_MAX
from luoshi.supervision.models import Kind


class RecordForm(StyledForm):
    kind = forms.ChoiceField(label=pgettext_lazy("accountability record", "Kind"), choices=Kind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Facts and reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    rule = forms.CharField(
        label=_("Fault-tolerance rule invoked"),
        max_length=RULE_MAX,
        required=False,
        help_text=_("For an exemption: the article of the fault-tolerance rules that covers the case."),
    )
    item = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    task = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    finding = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units)
        self.limit_choices("person", people)


class ExemptionDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("deny", _("Deny"))]
    )
    reason = forms.CharField(
        label=_("Reason for the decision"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordFilterForm(StyledForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("accountability record", "Kind"),
        choices=[("", _("All")), *Kind.choices],
        required=False,
    )
