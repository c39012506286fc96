"""Forms of the document intake: the upload, and the rows a supervisor confirms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.attachments import max_bytes
from luoshi.core.forms import StyledForm
from luoshi.ingest.services import MAX_CHARS, parse_target
from luoshi.orgs.models import Unit
from luoshi.plans.forms import UnitChoiceField
from luoshi.plans.models import Direction, Plan
from luoshi.text.dates import deadline_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REVIEW_KINDS = ("task", "target")
MAX_ROWS = 400


class UploadForm(StyledForm):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_(".txt, .docx or a web page saved as .html; UTF-8, GB18030 or Big5"),
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_CHARS,  # what the intake reads at most, some 400 pages
    )
    simplified = forms.BooleanField(label=_("Convert to Simplified Chinese"), required=False, initial=True)

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("plan", plans)
        self.fields["plan"].initial = plans.first()  # the newest plan: what a new document usually belongs to

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the text."))
        if upload is not None and upload.size > max_bytes():
            self.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() >> 20})
        return data


class ListNameForm(forms.Form):
    """The name of the list a reviewed draft becomes (the page's default when left empty)."""

    list_name = forms.CharField(label=_("New list"), max_length=100, required=False)


class RowForm(StyledForm):
    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    merge = forms.BooleanField(label=_("Merge into the item above"), required=False)
    title = forms.CharField(label=_("Task"), max_length=200)
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(), required=False)
    due = forms.DateField(label=_("Deadline"), widget=DATE)
    indicator_unit = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    target = forms.DecimalField(required=False, max_digits=16, decimal_places=4, widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        required=False, choices=[("", ""), *Direction.choices], widget=forms.HiddenInput
    )
    item = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("lead_unit", units)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") and not data.get("merge") and not data.get("lead_unit"):
            self.add_error("lead_unit", _("Choose the lead unit."))
        return data


RowFormSet = forms.formset_factory(RowForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


def initial_rows(
    items: list[dict[str, Any]], *, year: int, units_by_name: dict[str, Unit]
) -> list[dict[str, Any]]:
    """A row per task or target the extractor found: its text, the first unit it names, its deadline."""
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if item["kind"] not in REVIEW_KINDS or len(rows) >= MAX_ROWS:
            continue
        unit = next((units_by_name[n] for n in item.get("units") or [] if n in units_by_name), None)
        is_target = item["kind"] == "target"
        rows.append(
            {
                "keep": True,
                "title": item["text"][:200],
                "lead_unit": unit,
                "due": deadline_date(item.get("deadline"), year=year) or dt.date(year, 12, 31),
                "indicator_unit": (item.get("unit") or "")[:20] if is_target else "",
                "target": parse_target(item.get("value")) if is_target else None,
                "direction": (item.get("direction") or Direction.HIGHER) if is_target else "",
                "item": index,
            }
        )
    return rows
