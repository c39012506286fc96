"""Pages of 督办件: the list with its filters and counts, the item with its timeline and actions, the forms.

Every page looks the item up within the user's scope (404 outside it); each action checks the role (403)
and calls one service; a refused action says why above the item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.core import clock
from luoshi.core.attachments import file_response
from luoshi.core.forms import attach_errors, choices_answer, say_refused
from luoshi.core.paging import KeysFirstPaginator
from luoshi.core.panels import panels_for
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task
from luoshi.supervision import accountability, instructions, services
from luoshi.supervision.forms import (
    OVERDUE,
    DecisionForm,
    ExtensionForm,
    FeedbackForm,
    FilterForm,
    InstructionForm,
    ItemForm,
    NoteForm,
    PrefixForm,
    ReasonForm,
)
from luoshi.supervision.history import timeline
from luoshi.supervision.models import (
    AccountabilityRecord,
    Extension,
    FeedbackFile,
    Instruction,
    ItemQuerySet,
    Source,
    State,
    SupervisionItem,
)
from luoshi.supervision.rules import Act, allowed

PER_PAGE = 25
DEFAULT_DAYS = 15  # a new item's deadline unless the office sets another


def visible_item_or_404(request: AuthenticatedRequest, pk: int) -> SupervisionItem:
    return get_object_or_404(
        SupervisionItem.objects.visible_to(request.user).select_related(
            "issuer__supervision_series",
            "lead_unit",
            "task",
            "instruction__author",
            "created_by",
            "signed_by",
        ),
        pk=pk,
    )


def _back(item: SupervisionItem) -> HttpResponse:
    return redirect(reverse("supervision:item_detail", args=[item.pk]))


# The list ------------------------------------------------------------------------------------------------


def filtered_items(request: AuthenticatedRequest) -> tuple[FilterForm, ItemQuerySet]:
    units = Unit.objects.filter(policy.unit_q(request.user)).active().in_tree_order()
    form = FilterForm(request.GET or None, units=units)
    items = SupervisionItem.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(Q(title__icontains=data["q"]) | Q(content__icontains=data["q"]))
        for name in ("state", "urgency", "source"):
            if data[name]:
                items = items.filter(**{name: data[name]})
        if data["overdue"] == OVERDUE.YES:
            items = items.overdue_items(clock.today())
        elif data["overdue"] == OVERDUE.EXTENDED:
            items = items.extended()
        if data["unit"] is not None:
            path = data["unit"].path
            co = SupervisionItem.co_units.through.objects.filter(unit__path__startswith=path)
            items = items.filter(
                Q(lead_unit__path__startswith=path) | Q(pk__in=co.values("supervisionitem_id"))
            )
    return form, items.order_by("-year", "-number", "-id")


def counts(items: QuerySet[SupervisionItem], today: dt.date) -> dict[str, int]:
    """How many items in each state, overdue (and of those, exempted) and extended, in one query."""
    open_q = ~Q(state=State.CLOSED)
    exempted = Exists(AccountabilityRecord.objects.approved_exemptions().filter(item=OuterRef("pk")))
    return items.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=open_q & Q(due__lt=today)),
        overdue_exempted=Count("pk", filter=open_q & Q(due__lt=today) & Q(exempted)),
        extended=Count("pk", filter=Q(first_due__isnull=False)),
        **{state: Count("pk", filter=Q(state=state)) for state in State.values},
    )


@login_required
@require_safe
def item_list(request: AuthenticatedRequest) -> HttpResponse:
    form, items = filtered_items(request)
    tally = counts(SupervisionItem.objects.visible_to(request.user), clock.today())
    page = KeysFirstPaginator(items.for_listing(), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "items": page.object_list,
        "counts": tally,
        "states": [(value, label, tally[value]) for value, label in State.choices],
        "query": query.urlencode(),
        "can_create": services.can_create(request.user),
        "can_read_records": accountability.can_read(request.user),
    }
    template = "supervision/_item_rows.html" if request.htmx else "supervision/item_list.html"
    return render(request, template, context)


# One item ------------------------------------------------------------------------------------------------


@login_required
@require_safe
def item_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = visible_item_or_404(request, pk)
    prefetch_related_objects([item], "escalations__step")
    user = request.user
    pending = item.extensions.filter(decision=Extension.Decision.PENDING).select_related("by").first()
    lead = services.can_act_for_lead(user, item)
    manage = services.can_manage(user, item)
    noting = services.noting_units(user, item)

    def may(act: Act) -> bool:
        return allowed(item.state, act, pending=pending is not None)

    context = {
        "item": item,
        "co_units": list(item.co_units.order_by("path")),
        "feedbacks": list(
            item.feedbacks.select_related("by", "decided_by")
            .prefetch_related("files__uploaded_by")
            .order_by("-at")
        ),
        "extensions": list(item.extensions.select_related("by", "decided_by").order_by("-at")),
        "notes": list(item.notes.select_related("unit", "by").order_by("-at")),
        "instructions": list(item.instructions.select_related("author").order_by("-at")),
        "escalations": list(item.escalations.all()),
        # What the lead unit already reported on the task (dispatch's panel): asked for once, not again.
        "report_panels": panels_for("task_reports", request, item.task) if item.task is not None else [],
        "pending": pending,
        "steps": timeline(item),
        "can_sign": lead and may(Act.SIGN),
        "can_start": lead and may(Act.START),
        "can_feed_back": lead and may(Act.FEEDBACK),
        "can_extend": lead and may(Act.REQUEST_EXTENSION),
        "can_decide": manage and pending is not None and may(Act.GRANT_EXTENSION),
        "can_close": manage and may(Act.CLOSE),
        "can_return": manage and may(Act.RETURN),
        "can_note": bool(noting) and may(Act.NOTE),
        "can_instruct": services.can_instruct(user) and not item.is_closed,
        # The office asks for an exemption of late work (容错免责) from the item (supervision.accountability).
        "can_request_exemption": accountability.can_record(user, item.lead_unit)
        and item.is_late_on(clock.today())
        and item.exemption is None,
        "feedback_form": FeedbackForm(),
        "extension_form": ExtensionForm(),
        "note_form": NoteForm(units=noting),
        "instruction_form": InstructionForm(),
        "today": clock.today(),
    }
    return render(request, "supervision/item_detail.html", context)


def _source_instruction(item: SupervisionItem) -> tuple[str, str]:
    if item.instruction is None:
        return "", ""
    return item.instruction.text, item.instruction.author.display_name


@login_required
@require_safe
def item_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = visible_item_or_404(request, pk)
    text, by = _source_instruction(item)
    from luoshi.supervision import docs  # python-docx loads for a download, not with the site's URLs

    return docs.response(item, instruction_text=text, instruction_by=by)


@login_required
@require_safe
def item_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = visible_item_or_404(request, pk)
    text, by = _source_instruction(item)
    context = {
        "item": item,
        "co_units": list(item.co_units.order_by("path")),
        "instruction_text": text,
        "instruction_by": by,
        "issued": clock.local(item.created_at).date(),
    }
    return render(request, "supervision/item_print.html", context)


# Creating ------------------------------------------------------------------------------------------------


def _instruction_in_scope(request: AuthenticatedRequest, pk: int | None) -> Instruction | None:
    if pk is None:
        return None
    tasks = Task.objects.visible_to(request.user)
    items = SupervisionItem.objects.visible_to(request.user)
    return (
        Instruction.objects.filter(Q(task__in=tasks) | Q(item__in=items))
        .select_related("task__lead_unit", "item__lead_unit", "author")
        .filter(pk=pk)
        .first()
    )


def task_in_scope(request: AuthenticatedRequest, pk: int | None) -> Task | None:
    if pk is None:
        return None
    return Task.objects.visible_to(request.user).select_related("lead_unit").filter(pk=pk).first()


def _prefill(request: AuthenticatedRequest) -> dict[str, Any]:
    """What the form starts with when raised from an instruction or a task: one step, filled in."""

    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and len(value) < 12 else None

    initial: dict[str, Any] = {"due": clock.today() + dt.timedelta(days=DEFAULT_DAYS)}
    instruction = _instruction_in_scope(request, number("instruction"))
    task = task_in_scope(request, number("task"))
    if instruction is not None:
        target = instruction.task or instruction.item
        assert target is not None
        task = instruction.task or (instruction.item.task if instruction.item else None)
        initial |= {
            "instruction": instruction.pk,
            "source": Source.INSTRUCTION,
            "content": instruction.text,
            "title": target.title,
            "lead_unit": target.lead_unit_id,
        }
    if task is not None:
        initial |= {"task": task.pk, "lead_unit": task.lead_unit_id}
        initial.setdefault("title", task.title)
        initial["co_units"] = [u.pk for u in task.co_units.all()]
    return initial


class _SeenFirst(Exception):
    """The item would ask a unit again what an open item already asks: show those before issuing."""


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_create(request.user):
        raise PermissionDenied
    office = policy.issuing_unit(request.user)
    units = (
        Unit.objects.active().subtree_of(office).filter(policy.supervised_q(request.user, "")).in_tree_order()
    )
    form = ItemForm(request.POST or None, units=units, initial=_prefill(request))
    if (answer := choices_answer(request, form)) is not None:
        return answer  # the units' search, among a province's
    again: list[SupervisionItem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        instruction = _instruction_in_scope(request, data["instruction"])
        task = task_in_scope(request, data["task"])
        if not data["asking_again"]:
            again = list(
                SupervisionItem.objects.visible_to(request.user)
                .asking_again(data["lead_unit"], task=task, title=data["title"])
                .select_related("issuer__supervision_series")
            )
        try:
            if data["instruction"] and instruction is None:
                raise ValidationError({"instruction": _("This instruction is outside your scope.")})
            if data["task"] and task is None:
                raise ValidationError({"task": _("This task is outside your scope.")})
            if again:  # shown first; the form comes back ready to issue anyway
                form = ItemForm({**request.POST.dict(), "asking_again": "on"}, units=units)
                form.is_valid()
                raise _SeenFirst
            item = services.create_item(
                by=request.user,
                issuer=office,
                title=data["title"],
                content=data["content"],
                source=data["source"],
                urgency=data["urgency"],
                lead_unit=data["lead_unit"],
                co_units=list(data["co_units"]),
                due=data["due"],
                task=task,
                instruction=instruction,
            )
        except _SeenFirst:
            pass
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Supervision item %(code)s issued.") % {"code": item.code})
            return _back(item)
    shown = _instruction_in_scope(request, int_or_none(form["instruction"].value()))
    context = {
        "form": form,
        "office": office,
        "prefix": services.prefix_of(office),
        "instruction": shown,
        "asking_again": again,
    }
    return render(request, "supervision/item_form.html", context)


def int_or_none(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 12 else None


# Actions -------------------------------------------------------------------------------------------------


def _lead_or_403(request: AuthenticatedRequest, pk: int) -> SupervisionItem:
    item = visible_item_or_404(request, pk)
    if not services.can_act_for_lead(request.user, item):
        raise PermissionDenied
    return item


def _office_or_403(request: AuthenticatedRequest, pk: int) -> SupervisionItem:
    item = visible_item_or_404(request, pk)
    if not services.can_manage(request.user, item):
        raise PermissionDenied
    return item


def _run(request: AuthenticatedRequest, item: SupervisionItem, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, done)
    return _back(item)


@login_required
@require_POST
def item_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _lead_or_403(request, pk)
    return _run(request, item, _("Signed for."), lambda: services.sign_item(item=item, by=request.user))


@login_required
@require_POST
def item_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _lead_or_403(request, pk)
    return _run(request, item, _("Work under way."), lambda: services.start_item(item=item, by=request.user))


@login_required
@require_POST
def item_feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _lead_or_403(request, pk)
    form = FeedbackForm(request.POST, request.FILES)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    data = form.cleaned_data
    return _run(
        request,
        item,
        _("Feedback sent to the office."),
        lambda: services.submit_feedback(
            item=item, by=request.user, statement=data["statement"], uploads=data["evidence"]
        ),
    )


@login_required
@require_POST
def item_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _office_or_403(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    reason = form.cleaned_data["reason"]
    return _run(
        request,
        item,
        _("Feedback returned for rework."),
        lambda: services.return_item(item=item, by=request.user, reason=reason),
    )


@login_required
@require_POST
def item_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _office_or_403(request, pk)
    return _run(request, item, _("Item closed."), lambda: services.close_item(item=item, by=request.user))


@login_required
@require_POST
def extension_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _lead_or_403(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    data = form.cleaned_data
    return _run(
        request,
        item,
        _("Extension requested: the office decides."),
        lambda: services.request_extension(
            item=item, by=request.user, new_due=data["new_due"], reason=data["reason"]
        ),
    )


@login_required
@require_POST
def extension_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(
        Extension.objects.filter(item__in=SupervisionItem.objects.visible_to(request.user)).select_related(
            "item__issuer"
        ),
        pk=pk,
    )
    item = extension.item
    if not services.can_manage(request.user, item):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    grant = form.cleaned_data["decision"] == "grant"
    return _run(
        request,
        item,
        _("Extension granted: the deadline moved.") if grant else _("Extension denied."),
        lambda: services.decide_extension(
            extension=extension, by=request.user, grant=grant, reason=form.cleaned_data["reason"]
        ),
    )


@login_required
@require_POST
def item_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = visible_item_or_404(request, pk)
    units = services.noting_units(request.user, item)
    if not units:
        raise PermissionDenied
    form = NoteForm(request.POST, units=units)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    data = form.cleaned_data
    return _run(
        request,
        item,
        _("Note saved."),
        lambda: services.add_note(item=item, unit=data["unit"], by=request.user, text=data["text"]),
    )


@login_required
@require_safe
def feedback_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponseBase:
    item = visible_item_or_404(request, pk)
    row = get_object_or_404(FeedbackFile, pk=file_pk, feedback__item=item)
    return file_response(row.file, row.name, download="download" in request.GET)


# Instructions --------------------------------------------------------------------------------------------


@login_required
@require_POST
def item_instruction(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = visible_item_or_404(request, pk)
    if not services.can_instruct(request.user):
        raise PermissionDenied
    form = InstructionForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return _back(item)
    text = form.cleaned_data["text"]
    return _run(
        request,
        item,
        _("Instruction recorded; the units and the office are told."),
        lambda: instructions.write_instruction(by=request.user, text=text, item=item),
    )


@login_required
@require_POST
def task_instruction(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = Task.objects.visible_to(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    if not services.can_instruct(request.user):
        raise PermissionDenied
    back = redirect(reverse("plans:task_detail", args=[task.pk]) + "#instructions")
    form = InstructionForm(request.POST)
    if not form.is_valid():
        say_refused(request, form)
        return back
    try:
        instructions.write_instruction(by=request.user, text=form.cleaned_data["text"], task=task)
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, _("Instruction recorded; the units and the office are told."))
    return back


# The office's numbering ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_create(request.user):
        raise PermissionDenied
    office = policy.issuing_unit(request.user)
    form = PrefixForm(request.POST or None, initial={"number_prefix": services.prefix_of(office)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_prefix(issuer=office, by=request.user, prefix=form.cleaned_data["number_prefix"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Number prefix saved."))
            return redirect("supervision:item_list")
    return render(
        request, "supervision/series_form.html", {"form": form, "office": office, "year": clock.today().year}
    )
