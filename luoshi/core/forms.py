"""Bootstrap classes for form widgets, so templates render fields without per-field markup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def limit_choices(self, name: str, queryset: QuerySet[Any]) -> None:
        """Offer only `queryset` in the model choice field `name`: a form narrows its choices to a scope."""
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)  # a ModelMultipleChoiceField is one too
        field.queryset = queryset


def attach_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
