from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.models import IndicatorSystem, Run
from luoshi.core.forms import LONG_TEXT, StyledForm, version_field
from luoshi.orgs import policy
from luoshi.orgs.models import Unit

from .models import NUMBER_MAX
from .services import HEADING_MAX, TITLE_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BulletinForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    number = forms.CharField(
        label=_("Document number"), max_length=NUMBER_MAX, required=False,
        help_text=_("As printed under the masthead, e.g. 督通〔2026〕3号"),
    )  # fmt: skip
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    scope = forms.ModelChoiceField(label=_("Units covered"), queryset=Unit.objects.none())
    run = forms.ModelChoiceField(
        label=_("Rankings from assessment run"), queryset=Run.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope: Any = self.fields["scope"]
        scope.queryset = Unit.objects.filter(policy.supervised_q(user, "")).active().order_by("path")
        run: Any = self.fields["run"]
        run.queryset = Run.objects.filter(system__in=IndicatorSystem.objects.visible_to(user)).select_related(
            "system"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class SectionForm(StyledForm):
    heading = forms.CharField(label=_("Heading"), max_length=HEADING_MAX)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=LONG_TEXT,
                           required=False)  # fmt: skip
    version = version_field()
