"""Pages for managing units and people: an administrator everywhere, a supervisor in their jurisdiction.

Out of scope answers 404, in scope without the right 403 (policy decides both).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.core.forms import attach_errors
from luoshi.orgs import policy, services, sso
from luoshi.orgs.forms import PersonForm, UnitForm, UnitMoveForm
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit, User


def _unit(request: AuthenticatedRequest, pk: int) -> Unit:
    return get_object_or_404(policy.visible_units(request.user).select_related("parent"), pk=pk)


def _managed_unit(request: AuthenticatedRequest, pk: int) -> Unit:
    unit = _unit(request, pk)
    if not policy.can_manage_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _person(request: AuthenticatedRequest, pk: int) -> User:
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not policy.can_see_person(request.user, person):
        raise Http404
    return person


def _placeable_units(request: AuthenticatedRequest) -> QuerySet[Unit]:
    """Active units the user may put people or units in."""
    return policy.visible_units(request.user).filter(policy.supervised_q(request.user, ""), is_active=True)


@login_required
def unit_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    parent = _unit(request, pk)
    if not policy.can_create_unit_under(request.user, parent):
        raise PermissionDenied
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.add_unit(
                parent=parent,
                by=request.user,
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                category=data["category"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Unit %(name)s added.") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "parent": parent})


@login_required
def unit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    initial = {f: getattr(unit, f) for f in ("name", "short_name", "kind", "category", "sort_order")}
    form = UnitForm(request.POST or None, initial=initial, top=unit.parent_id is None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(unit=unit, by=request.user, **{"sort_order": 0, **form.cleaned_data})
        except ValidationError as exc:
            unit.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@login_required
def unit_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    if unit.parent is None:
        raise PermissionDenied  # the city stays at the top
    targets = _placeable_units(request).exclude(path__startswith=unit.path)
    form = UnitMoveForm(request.POST or None, targets=targets, initial={"parent": unit.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_unit(unit=unit, parent=form.cleaned_data["parent"], by=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Unit moved."))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_move.html", {"form": form, "unit": unit})


@require_POST
@login_required
def unit_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    try:
        services.deactivate_unit(unit=unit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:unit_edit", pk=unit.pk)
    messages.success(request, _("Unit %(name)s deactivated.") % {"name": unit.name})
    return redirect("orgs:unit_detail", pk=unit.pk)


@never_cache
@login_required
def person_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    roles = policy.grantable_roles(request.user)
    if not (unit.is_active and policy.can_supervise(request.user, unit) and roles):
        raise PermissionDenied
    form = PersonForm(request.POST or None, units=None, roles=roles, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            person, secret = services.add_person(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return render(request, "orgs/person_created.html", {"person": person, "secret": secret})
    return render(request, "orgs/person_form.html", {"form": form, "unit": unit})


@login_required
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not policy.can_manage_person(request.user, person):
        raise PermissionDenied
    units = _placeable_units(request)
    if person.unit_id:
        units = units | Unit.objects.filter(pk=person.unit_id)
    initial = {f: getattr(person, f) for f in ("full_name", "title", "phone", "email", "role")}
    roles = policy.grantable_roles(request.user)
    form = PersonForm(
        request.POST or None,
        units=units,
        roles=roles,
        creating=False,
        initial={**initial, "unit": person.unit_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            person.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.display_name})
            return redirect("orgs:unit_detail", pk=person.unit_id)
    context = {
        "form": form,
        "person": person,
        "can_unlock": policy.can_unlock(request.user, person),
        "sso_enabled": sso.enabled(),
        "can_link_identity": policy.can_link_identity(request.user, person),
        "identities": person.external_identities.order_by("issuer", "subject"),
    }
    return render(request, "orgs/person_form.html", context)


@require_POST
@login_required
def person_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not policy.can_manage_person(request.user, person):
        raise PermissionDenied
    services.deactivate_person(person=person, by=request.user)
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": person.display_name})
    return redirect("orgs:unit_detail", pk=person.unit_id) if person.unit_id else redirect("orgs:unit_tree")


@require_POST
@login_required
def person_unlock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not policy.can_unlock(request.user, person):
        raise PermissionDenied
    services.unlock_account(person=person, by=request.user)
    messages.success(request, _("%(name)s may sign in again.") % {"name": person.display_name})
    return redirect("orgs:person_edit", pk=person.pk)
