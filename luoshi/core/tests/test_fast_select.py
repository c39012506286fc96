"""FastSelect writes the very HTML Django's select templates write, option for option."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from luoshi.core.forms import FastSelect, FastSelectMultiple, StyledForm

CASES = [
    (
        forms.Select(
            attrs={"class": "form-select", "required": True, "disabled": False, "data-x": 'a"<b'},
            choices=[("", "---"), (1, "市<发改委>"), (2, "B & C"), (3, "青山县 \"一\" '二'")],
        ),
        "f",
        1,
    ),
    (forms.Select(choices=[("一组", [(1, "a"), (2, "b")]), (3, "c"), ("二组", [(4, "d")])]), "g", "2"),
    (forms.SelectMultiple(attrs={"id": "x"}, choices=[(1, "a"), (2, "b"), (3, "c")]), "m", [1, 3]),
    (forms.Select(choices=[]), "e", None),
    (forms.Select(choices=[(True, "是"), (False, "否")]), "b", False),
    # A label already safe is written as it is; a lazy translation, escaped like any text.
    (forms.Select(choices=[(1, mark_safe("<b>重点</b>")), (2, gettext_lazy("All")), (None, "—")]), "s", 2),
]


@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_the_html_is_djangos(widget, name, value):
    djangos = widget.render(name, value, attrs={"aria-describedby": "help"})
    widget.__class__ = FastSelectMultiple if isinstance(widget, forms.SelectMultiple) else FastSelect
    assert widget.render(name, value, attrs={"aria-describedby": "help"}) == djangos


def test_a_styled_forms_selects_are_fast_and_its_other_widgets_untouched():
    class Form(StyledForm):
        one = forms.ChoiceField(choices=[(1, "a")])
        many = forms.MultipleChoiceField(choices=[(1, "a")])
        radio = forms.ChoiceField(choices=[(1, "a")], widget=forms.RadioSelect)
        text = forms.CharField()

    form = Form()
    assert type(form.fields["one"].widget) is FastSelect
    assert type(form.fields["many"].widget) is FastSelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert 'class="form-select"' in str(form["one"])
