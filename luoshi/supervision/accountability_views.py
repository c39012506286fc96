"""Pages of accountability and fault tolerance: the register of records, recording one, deciding an
exemption, and a person's page (what they answer for, on time or late, and the records about them).

The records are read only by those entitled (supervision.models.entitled): anything about a unit outside
the user's scope answers 404, inside it but not theirs to read 403, as elsewhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.core import clock
from luoshi.core.forms import attach_errors
from luoshi.core.paging import KeysFirstPaginator
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit, User
from luoshi.plans.models import Task
from luoshi.supervision import accountability as services
from luoshi.supervision.accountability_forms import ExemptionDecisionForm, RecordFilterForm, RecordForm
from luoshi.supervision.accountability_rules import Step, allowed
from luoshi.supervision.models import (
    AccountabilityRecord,
    Finding,
    Kind,
    Rectification,
    SupervisionItem,
    entitled,
)

PER_PAGE = 25


def _record_in_scope(request: AuthenticatedRequest, pk: int) -> AccountabilityRecord:
    record = get_object_or_404(AccountabilityRecord.objects.in_scope(request.user).for_listing(), pk=pk)
    if not entitled(request.user, record.unit):
        raise PermissionDenied
    return record


@login_required
@require_safe
def record_list(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_read(request.user):
        raise PermissionDenied
    form = RecordFilterForm(request.GET or None)
    records = AccountabilityRecord.objects.visible_to(request.user)
    if form.is_valid() and form.cleaned_data["kind"]:
        records = records.filter(kind=form.cleaned_data["kind"])
    page = KeysFirstPaginator(records.for_listing().order_by("-recorded_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "records": page.object_list,
        "query": query.urlencode(),
        "can_record": services.can_record(request.user),
    }
    return render(request, "supervision/accountability/record_list.html", context)


def _number(request: AuthenticatedRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not services.can_record(user):
        raise PermissionDenied
    units = Unit.objects.filter(policy.supervised_q(user, "")).active().in_tree_order()
    people = (
        User.objects.filter(policy.supervised_q(user, "unit"), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "id")
    )
    items = SupervisionItem.objects.visible_to(user).select_related("issuer__supervision_series", "lead_unit")
    tasks = Task.objects.visible_to(user).select_related("lead_unit")
    initial: dict[str, object] = {}
    findings = Finding.objects.filter(
        rectification__in=Rectification.objects.visible_to(user)
    ).select_related("rectification__unit", "inspection")
    item_pk, task_pk = _number(request, "item"), _number(request, "task")
    item = items.filter(pk=item_pk).first() if item_pk is not None else None
    task = tasks.filter(pk=task_pk).first() if task_pk is not None else None
    finding_pk = _number(request, "finding")
    finding = findings.filter(pk=finding_pk).first() if finding_pk is not None else None
    if finding is not None:
        initial |= {"finding": finding.pk, "unit": finding.rectification.unit_id}
    if item is not None:
        initial |= {"item": item.pk, "unit": item.lead_unit_id, "kind": Kind.EXEMPTION}
        if item.signed_by_id:
            initial["person"] = item.signed_by_id
    elif task is not None:
        initial |= {"task": task.pk, "unit": task.lead_unit_id, "kind": Kind.EXEMPTION}
        if task.owner_id:
            initial["person"] = task.owner_id
    form = RecordForm(request.POST or None, units=units, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = items.filter(pk=data["item"]).first() if data["item"] else None
        task = tasks.filter(pk=data["task"]).first() if data["task"] else None
        finding = findings.filter(pk=data["finding"]).first() if data["finding"] else None
        try:
            if data["finding"] and finding is None:
                raise ValidationError({"finding": _("This inspection finding is outside your scope.")})
            if data["item"] and item is None:
                raise ValidationError({"item": _("This supervision item is outside your scope.")})
            if data["task"] and task is None:
                raise ValidationError({"task": _("This task is outside your scope.")})
            record = services.record_kind(
                by=user,
                kind=data["kind"],
                unit=data["unit"],
                person=data["person"],
                task=task,
                item=item,
                finding=finding,
                reason=data["reason"],
                rule=data["rule"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect(reverse("supervision:record_detail", args=[record.pk]))
    context = {"form": form, "item": item, "task": task, "finding": finding}
    return render(request, "supervision/accountability/record_form.html", context)


@login_required
@require_safe
def record_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = _record_in_scope(request, pk)
    can_decide = services.can_decide(request.user, record) and allowed(record.state, Step.APPROVE)
    context = {"record": record, "can_decide": can_decide, "form": ExemptionDecisionForm()}
    return render(request, "supervision/accountability/record_detail.html", context)


@login_required
@require_POST
def record_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = _record_in_scope(request, pk)
    if not services.can_decide(request.user, record):
        raise PermissionDenied
    form = ExemptionDecisionForm(request.POST)
    back = redirect(reverse("supervision:record_detail", args=[record.pk]))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    try:
        services.decide_exemption(
            record=record,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decided."))
    return back


@login_required
@require_safe
def person_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A person's record of work: shown to the office over their unit, leaders and administrators only."""
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if person.unit is None or not policy.can_see_person(request.user, person):
        raise Http404
    if not entitled(request.user, person.unit):
        raise PermissionDenied
    today = clock.today()
    context = {
        "person": person,
        "standing": services.standing(person, request.user, today),
        "can_record": services.can_record(request.user, person.unit),
        "today": today,
    }
    return render(request, "supervision/accountability/person.html", context)
