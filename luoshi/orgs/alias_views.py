"""The alias page: the other names documents give units (住建局, 发改委), which an administrator extends.

Only an administrator sees it (403 for everyone else); every change is audited in luoshi.orgs.aliases.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.core.forms import StyledForm, attach_errors
from luoshi.orgs import aliases, policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit, UnitAlias

PAGE = 500


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class AliasForm(StyledForm):
    alias = forms.CharField(label=gettext_lazy("Alias"), max_length=aliases.MAX_ALIAS)
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices("unit", Unit.objects.active().in_tree_order())


class AliasSearch(forms.Form):
    """The search box: a form field, so a NUL or an overlong query is refused, never sent to the database."""

    q = forms.CharField(max_length=50, required=False, strip=True)


def _admin(request: AuthenticatedRequest) -> None:
    if not policy.sees_everything(request.user):
        raise PermissionDenied


@login_required
def alias_list(request: AuthenticatedRequest) -> HttpResponse:
    """The aliases, and a form to add one."""
    _admin(request)
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = aliases.add_alias(
                alias=form.cleaned_data["alias"], unit=form.cleaned_data["unit"], by=request.user
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("“%(alias)s” now means %(unit)s.") % {"alias": row.alias, "unit": row.unit}
            )
            return redirect("orgs:alias_list")
    search = AliasSearch(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    rows = UnitAlias.objects.select_related("unit").order_by("alias", "unit__path")
    if query:
        rows = rows.filter(alias__contains=query) | rows.filter(unit__name__contains=query)
    total = rows.count()
    return render(
        request,
        "orgs/alias_list.html",
        {"form": form, "aliases": rows[:PAGE], "total": total, "page": PAGE, "q": query},
    )


@login_required
@require_POST
def alias_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _admin(request)
    row = get_object_or_404(UnitAlias, pk=pk)
    aliases.remove_alias(alias=row, by=request.user)
    messages.success(request, _("Alias “%(alias)s” removed.") % {"alias": row.alias})
    return redirect("orgs:alias_list")


@login_required
@require_POST
def alias_generate(request: AuthenticatedRequest) -> HttpResponse:
    """Store the short names the rule gives for every unit (住房和城乡建设局 → 住建局)."""
    _admin(request)
    n = aliases.generate_aliases(by=request.user)
    messages.success(request, _("%(n)s short names added by rule.") % {"n": n})
    return redirect("orgs:alias_list")
