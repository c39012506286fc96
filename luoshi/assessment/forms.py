from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm


class RunForm(StyledForm):
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))

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
