"""Bootstrap classes for form widgets, and the bounds every form keeps: sane dates, numbers that fit.

Every `StyledForm` refuses a date outside 1900–2100 and an integer that does not fit a database column,
and shows the errors of its hidden fields (a stale version, a reused key) on top, where people see them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorList
from django.forms.widgets import Input
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
# Free text: a title is a line, a note a paragraph or two, a long text (a task's content, its measures)
# a few pages. A 4.5 MB task content once made a 12 MB page.
LONG_TEXT = 20_000
INTEGER_BOUND = 2**31 - 1  # what every database's plain integer column holds
ID_BOUND = 2**63 - 1  # a big integer primary key


def sane_date(value: dt.date | None) -> None:
    """Refuse a date outside 1900–2100: a typo (20260 for 2026), not a plan."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST.year, "latest": LATEST.year},
            code="date_range",
        )


STALE_FORM = _("This form is out of date or incomplete. Reload the page and make your changes again.")


def version_field() -> forms.IntegerField:
    """The hidden version a form was loaded at; a form without it (or with garbage) is refused."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=INTEGER_BOUND,
        error_messages={code: STALE_FORM for code in ("required", "invalid", "min_value", "max_value")},
    )


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _style(field)
            _bound(field)

    def add_field(self, name: str, field: forms.Field) -> None:
        """Add a field after construction (another app's filter), styled and bounded as the others."""
        self.fields[name] = field
        _style(field)
        _bound(field)

    def non_field_errors(self) -> ErrorList:
        """Errors on top, with those of hidden fields: nobody sees an error next to an invisible field."""
        errors = ErrorList(super().non_field_errors(), error_class="nonfield", renderer=self.renderer)
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                errors.extend(self.errors.get(name, []))
        return errors

    def limit_choices(
        self, name: str, queryset: QuerySet[Any], *, search: Callable[[str], Q] | None = None
    ) -> None:
        """Offer only `queryset` in the model choice field `name`: a form narrows its choices to a scope.

        With `search` (a typed word's filter), a choice among many rows is searched, not listed
        (SearchSelect): the form's view then answers the search with `choices_answer`.
        """
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)  # a ModelMultipleChoiceField is one too
        field.queryset = queryset
        if search is not None:
            widget = field.widget
            assert isinstance(widget, forms.Select)
            # The same widget, its attributes and choices kept, written as a search when the rows are many.
            widget.__class__ = (
                SearchSelectMultiple if isinstance(widget, forms.SelectMultiple) else SearchSelect
            )
            widget.search = search  # type: ignore[attr-defined]


class FastSelect(forms.Select):
    """A select written in Python, not one template include per option: the same HTML as Django's, but a
    filter of 3,000 units or people renders in milliseconds rather than most of a second."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            # format_html's escaping, without its call per option: most options have no attribute or
            # `selected` alone, and a select of hundreds of people wrote a third of a form's page.
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_option_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every part above is format_html's, escaped


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    pass


# A choice among more rows than this is searched, not listed (SearchSelect): a longer list is no use on a
# phone, and its options cost some 0.1 ms each to write. A search shows this many matches.
LISTED_CHOICES = 200
MATCHES_SHOWN = 30


class SearchSelect(FastSelect):
    """A select over thousands of rows (a province's units, its people). Up to LISTED_CHOICES rows it is the
    whole select. Beyond, it holds the chosen rows alone, under a search box that asks its own page for the
    rows matching what is typed (`?choices=<name>&find=<words>`, answered by `choices_answer`); luoshi.js puts
    them in the select. The choice is still checked against the field's whole queryset, so a search narrows
    what is offered, never what is allowed. `search` gives, for one typed word, the rows it matches."""

    shared: dict[str, Any] | None = None

    def __init__(self, attrs: dict[str, Any] | None = None, *, search: Callable[[str], Q]) -> None:
        super().__init__(attrs)
        self.search = search

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        field: forms.ModelChoiceField = self.choices.field  # type: ignore[attr-defined]  # a ModelChoiceIterator
        rows = field.queryset
        assert rows is not None  # a field's queryset, narrowed to a scope by limit_choices
        # The first rows' ids, unordered so that the query stops at the limit: all of them when they are few.
        # Selects over the same rows (a form's several choices of a unit) may share what was read (`shared`).
        listed = self.shared.get("listed", ()) if self.shared is not None else ()
        if listed == ():
            first = list(rows.order_by().values_list("pk", flat=True)[: LISTED_CHOICES + 1])
            many = len(first) > LISTED_CHOICES
            listed = None if many else labelled(field, rows.filter(pk__in=first))
            if self.shared is not None:
                self.shared["listed"] = listed
        shown = copy.copy(self)
        shown.choices = [("", field.empty_label)] if field.empty_label is not None else []
        if listed is not None:
            shown.choices += listed
            return FastSelect.render(shown, name, value, attrs, renderer)
        chosen = [
            v for v in (value if isinstance(value, list | tuple) else [value]) if _row_id(v) is not None
        ]
        shown.choices += labelled(field, rows.filter(pk__in=chosen))
        return format_html(
            '<div data-choices="{}"><input type="search" class="form-control form-control-sm mb-1"'
            ' data-choice-search placeholder="{}" aria-label="{}" autocomplete="off" maxlength="50"'
            ' data-none="{}" data-more="{}" data-failed="{}">{}'
            '<div class="form-text" data-choice-status aria-live="polite"></div></div>',
            name,
            gettext("Type a name to search"),
            gettext("Search: %(field)s") % {"field": field.label},
            gettext("Nothing matches."),
            gettext("The first %(count)s matches; type more to narrow them.") % {"count": MATCHES_SHOWN},
            gettext("The search failed; try again."),
            FastSelect.render(shown, name, value, attrs, renderer),
        )


class SearchSelectMultiple(SearchSelect, forms.SelectMultiple):
    pass


def _row_id(value: Any) -> int | None:
    """A value that can be a row's id (a positive number a big integer column holds), else None."""
    text = str(value).strip()
    return int(text) if text.isdigit() and int(text) <= ID_BOUND else None


def labelled(field: forms.ModelChoiceField, rows: QuerySet[Any]) -> list[tuple[Any, str]]:
    """The rows' ids and labels for a select: read as plain values where the field names them
    (`label_values`, turned into a label by `label_from_values`), which costs a fraction of building a model
    instance a row; else through the field's `label_from_instance`."""
    names = getattr(field, "label_values", None)
    if names:
        label = field.label_from_values  # type: ignore[attr-defined]
        return [(pk, label(*values)) for pk, *values in rows.values_list("pk", *names)]
    return [(row.pk, field.label_from_instance(row)) for row in rows]


def choices_answer(request: HttpRequest, form: forms.BaseForm) -> JsonResponse | None:
    """A page's answer to its SearchSelect's search (`?choices=<name>&find=<words>`), None when the request
    is not one: the rows of the form's field `name` (the user's scope, as the form offers it) matching every
    word, at most MATCHES_SHOWN, as {"options": [{"value", "label"}], "more": bool}."""
    name = request.GET.get("choices")
    if name is None:
        return None
    field = form.fields.get(name)
    if not isinstance(field, forms.ModelChoiceField) or not isinstance(field.widget, SearchSelect):
        raise Http404
    rows = field.queryset
    assert rows is not None
    for word in request.GET.get("find", "")[:50].replace("\x00", "").split():
        rows = rows.filter(field.widget.search(word))
    found = labelled(field, rows[: MATCHES_SHOWN + 1])
    # Not cached: the site's middleware marks every signed-in answer private and no-store.
    return JsonResponse(
        {
            "options": [{"value": str(pk), "label": label} for pk, label in found[:MATCHES_SHOWN]],
            "more": len(found) > MATCHES_SHOWN,
        }
    )


def _option_attributes(attrs: dict[str, Any]) -> str:
    if not attrs:
        return ""
    return " selected" if attrs == {"selected": True} else _attributes(attrs)


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Django's attrs.html, in the same order: False leaves the attribute out, True writes its name alone."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class _FastInput(Input):
    """An input written in Python, not through Django's input.html and attrs.html templates: the same HTML,
    but a form's dozen inputs no longer take most of its page's time (a task's form with its milestones
    took ~40% of its answer rendering them)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            _attributes(widget["attrs"]),
        )


class _FastTextarea(forms.Textarea):
    """Django's textarea.html, in Python (as _FastInput)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = widget["value"] if widget["value"] else ""
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attributes(widget["attrs"]), text
        )


def _fast(widget: type[forms.Widget]) -> type[forms.Widget]:
    return type(
        f"Fast{widget.__name__}", (_FastTextarea if widget is forms.Textarea else _FastInput, widget), {}
    )


_FAST: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
    # Only Django's own classes, which render input.html (textarea.html): a subclass may have a template.
    **{
        widget: _fast(widget)
        for widget in (
            forms.TextInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.URLInput,
            forms.PasswordInput,
            forms.HiddenInput,
            forms.DateInput,
            forms.DateTimeInput,
            forms.TimeInput,
            forms.CheckboxInput,
            forms.Textarea,
        )
    },
}


def _style(field: forms.Field) -> None:
    widget = field.widget
    if fast := _FAST.get(type(widget)):
        widget.__class__ = fast  # the same widget, options written without a template each (no state added)
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _bound(field: forms.Field) -> None:
    """Give a date field the sane range, an integer field the column's, a choice of rows sane ids."""
    if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_ids_checked"):
        field._ids_checked = True  # type: ignore[attr-defined]
        field.clean = _refusing_impossible_ids(field.clean)  # type: ignore[method-assign]
    if isinstance(field, forms.DateField | forms.DateTimeField) and sane_date not in field.validators:
        field.validators.append(sane_date)
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        if field.max_value is None:
            field.max_value = INTEGER_BOUND
            field.validators.append(MaxValueValidator(INTEGER_BOUND))
        if field.min_value is None:
            field.min_value = -INTEGER_BOUND
            field.validators.append(MinValueValidator(-INTEGER_BOUND))


def _refusing_impossible_ids(clean: Any) -> Any:
    """Refuse an id no row can have before it reaches the database, which would fail on it (10**30)."""

    def checked(value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            try:
                number = int(str(item).strip())
            except ValueError:
                continue  # not a number: the field itself says "not a valid choice"
            if not -ID_BOUND <= number <= ID_BOUND:
                raise ValidationError(_("Select a valid choice."), code="invalid_choice")
        return clean(value)

    return checked


def say_refused(request: Any, problem: forms.BaseForm | ValidationError) -> None:
    """Say what a page's action refused, naming each field, as a message above the page it returns to."""
    if isinstance(problem, ValidationError):
        messages.error(request, " ".join(problem.messages))
        return
    lines = []
    for name, errors in problem.errors.items():
        label = problem.fields[name].label if name in problem.fields else ""
        text = " ".join(str(e) for e in errors)
        lines.append(f"{label}：{text}" if label else text)
    messages.error(request, " ".join(lines))


def attach_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (core.attachments.upload_errors)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def evidence_field() -> MultipleFileField:
    """The evidence files input of a report, a delivery or a contribution."""
    return MultipleFileField(
        label=_("Evidence files"),
        required=False,
        widget=MultipleFileInput(),
        help_text=_("PDF, Word, Excel or images, up to 20 MB each."),
    )
