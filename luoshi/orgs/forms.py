"""Forms for managing units and people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.orgs.models import Role, Unit, UnitCategory, UnitKind


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picker indented as the tree is."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class UnitForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in UnitKind.choices if c[0] != UnitKind.CITY])
    category = forms.ChoiceField(
        label=_("Ranking category"),
        choices=[("", "—"), *UnitCategory.choices],
        required=False,
        help_text=_("Assessment ranks a unit among the others of its category."),
    )
    sort_order = forms.IntegerField(
        label=_("Order among its siblings"), min_value=0, initial=0, required=False
    )

    def __init__(self, *args: Any, top: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if top:  # the city at the top keeps its kind
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(UnitKind.CITY.value, UnitKind.CITY.label)]


class UnitMoveForm(StyledForm):
    parent = UnitChoiceField(label=_("New parent unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, targets: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("parent", targets)


class PersonForm(StyledForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What they sign in with: letters, digits and @ . + - _ only."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    title = forms.CharField(label=_("Position"), max_length=50, required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Unit] | None, roles: list[str], creating: bool, **kwargs: Any
    ) -> None:
        """`units`: where the person may be put (None: the page's unit, no picker); a username is chosen
        once, when the person is created."""
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [c for c in Role.choices if c[0] in roles]
        if units is None:
            del self.fields["unit"]
        else:
            self.limit_choices("unit", units)
        if not creating:
            del self.fields["username"]
