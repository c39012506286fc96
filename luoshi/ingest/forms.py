"""Forms of the document intake: the upload, and the rows a supervisor confirms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.attachments import max_bytes
from luoshi.core.forms import StyledForm
from luoshi.dispatch.models import Frequency
from luoshi.ingest.services import MAX_CHARS
from luoshi.orgs.models import Unit
from luoshi.orgs.people import unit_matching
from luoshi.plans.forms import UnitChoiceField, UnitsChoiceField
from luoshi.plans.models import Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPTED = (
    ".pdf,.ofd,.docx,.txt,.html,.htm"  # what the intake reads (luoshi.text.files); a hint to the picker
)


class UploadForm(StyledForm):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF with text, OFD, .docx, .txt or a web page saved as .html; UTF-8, GB18030 or Big5"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED}),
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


class BulkForm(StyledForm):
    """What the toolbar does to the selected items: keep, drop, merge, or assign units, deadline and list."""

    ACTIONS = ("keep", "drop", "merge", "assign")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    selected = forms.TypedMultipleChoiceField(coerce=int, required=False)
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(), required=False)
    co_units = UnitsChoiceField(label=_("Co-units"), queryset=Unit.objects.none(), required=False)
    due = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    list_name = forms.CharField(label=_("List"), max_length=100, required=False)

    def __init__(self, *args: Any, units: Any, item_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("lead_unit", units, search=unit_matching)
        self.limit_choices("co_units", units, search=unit_matching)
        selected = self.fields["selected"]
        assert isinstance(selected, forms.TypedMultipleChoiceField)
        selected.choices = [(pk, pk) for pk in item_ids]
        self.fields["co_units"].widget.attrs["size"] = 3

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("selected"):
            self.add_error("selected", _("Select the items to change."))
        if data.get("action") == "assign" and not (
            data.get("lead_unit") or data.get("co_units") or data.get("due") or data.get("list_name")
        ):
            self.add_error("lead_unit", _("Choose what to set on the selected items."))
        return data


class SplitForm(forms.Form):
    """A split button: the item and the offset (a sentence end inside it) where it is cut."""

    split = forms.RegexField(regex=r"^\d{1,12}:\d{1,12}$")

    def point(self) -> tuple[int, int]:
        item, at = self.cleaned_data["split"].split(":")
        return int(item), int(at)


class ResolveForm(StyledForm):
    """A unit name the matching could not place, and the unit the supervisor says it means."""

    name = forms.CharField(max_length=60, widget=forms.HiddenInput)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("Choose the unit…"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", units, search=unit_matching)
        self.fields["unit"].widget.attrs.update(
            {"class": "form-select form-select-sm w-auto", "aria-label": _("Unit")}
        )


class NamedUnitsForm(StyledForm):
    """The units a sheet's names the matching could not place are meant to be: one choice a name, `unit-J`
    for the J-th of the import's `named` (read back by the review page's own corrections)."""

    def __init__(self, *args: Any, units: Any, named: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="%s", **kwargs)
        shared: dict[str, Any] = {}  # the same units in every choice: read once for them all
        for j, name in enumerate(named):
            field = UnitChoiceField(
                label=f"“{name['name']}”",
                queryset=Unit.objects.none(),
                required=False,
                empty_label=_("— choose the unit meant —"),
                initial=name.get("unit"),
            )
            self.add_field(f"unit-{j}", field)
            self.limit_choices(f"unit-{j}", units, search=unit_matching)
            field.widget.attrs["class"] = "form-select form-select-sm"
            field.widget.shared = shared


NO_RHYTHM = ""


class CreateForm(StyledForm):
    """The list the kept items become, and the reporting rhythm it gets from the next period."""

    list_name = forms.CharField(label=_("New list"), max_length=100, required=False)
    frequency = forms.ChoiceField(label=_("Reporting rhythm"), required=False)
    rhythm_name = forms.CharField(label=_("Name of the rhythm"), max_length=50, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        frequency = self.fields["frequency"]
        assert isinstance(frequency, forms.ChoiceField)
        frequency.choices = [(NO_RHYTHM, _("No reporting rhythm")), *Frequency.choices]


class SheetUploadForm(StyledForm):
    """A task list kept as a spreadsheet, for luoshi.ingest.sheets."""

    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(".xlsx, or .csv in UTF-8 or GB18030; one task a row"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes() >> 20})
        return upload
