"""Pages for plans, lists, tasks and milestones. Look up in scope, validate, call one service, render."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.core.columns import Column, joined
from luoshi.core.forms import attach_errors, choices_answer
from luoshi.core.paging import KeysFirstPaginator
from luoshi.core.panels import panels_for
from luoshi.core.services import StaleVersion
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans import deliveries, services
from luoshi.plans.adjust_forms import adjust_context
from luoshi.plans.forms import (
    ContributionForm,
    DeliveryForm,
    MilestoneEditForm,
    MilestoneForm,
    MilestoneFormSet,
    TaskEditForm,
    TaskFilterForm,
    TaskForm,
)
from luoshi.plans.history import task_history
from luoshi.plans.models import Milestone, Plan, Pledge, Task, TaskList, TaskQuerySet
from luoshi.plans.rollup import roll_up

SORT_ORDER = {
    "code": ["task_list__sort_order", "sort_path"],
    "due": ["due", "sort_path"],
    "-due": ["-due", "sort_path"],
    "lead_unit": ["lead_unit__path", "due"],
    "-progress": ["-progress", "due"],
    "progress": ["progress", "due"],
}


def visible_task_or_404(request: AuthenticatedRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).select_related("task_list__plan"), pk=pk)


@login_required
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    visible_lists = TaskList.objects.visible_to(request.user)
    visible_tasks = Task.objects.visible_to(request.user).live()
    plans = list(
        Plan.objects.visible_to(request.user)
        .select_related("issuer")
        .prefetch_related(
            Prefetch("lists", queryset=visible_lists.with_task_counts(visible_tasks), to_attr="visible_lists")
        )
    )
    managed = set(Plan.objects.managed_by(request.user).values_list("pk", flat=True))
    context = {"plans": plans, "managed": managed, "can_import": policy.is_supervisor(request.user)}
    return render(request, "plans/plan_list.html", context)


def filtered_tasks(request: AuthenticatedRequest) -> tuple[TaskFilterForm, Any]:
    """The task list's filter form and the user's tasks it selects, in its sort order (page and export)."""
    form = TaskFilterForm(request.GET or None, user=request.user)
    tasks = Task.objects.visible_to(request.user)
    sort = "code"
    if form.is_valid():
        tasks = form.narrow(tasks, today=clock.today())
        sort = form.cleaned_data["sort"] or "code"
    else:
        tasks = tasks.live()  # cancelled tasks only when the filter asks for them
    tasks = tasks.for_listing().select_related(*joined(f for c in form.columns for f in c.fields))
    return form, tasks.order_by(*SORT_ORDER[sort])


# What a row of the task list shows (includes/task_rows.html, with its columns' own `fields`): the page reads
# these alone. A hundred tasks with five joined tables in full cost a third of the page otherwise.
ROW_FIELDS = (
    "code",
    "title",
    "due",
    "first_due",
    "completed_on",
    "cancelled_on",
    "progress",
    "task_list__name",
    "lead_unit__name",
    "owner__full_name",
    "owner__username",
)


def _shown(tasks: TaskQuerySet, columns: Sequence[Column]) -> TaskQuerySet:
    fields = (*ROW_FIELDS, *(f for column in columns for f in column.fields))
    return tasks.select_related(None).select_related(*joined(fields)).only(*fields)


@login_required
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    if (answer := choices_answer(request, TaskFilterForm(user=request.user))) is not None:
        return answer  # the filter's search for a unit or a person among thousands
    form, tasks = filtered_tasks(request)
    page = KeysFirstPaginator(_shown(tasks, form.columns), settings.TASKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    chosen = form.cleaned_data.get("list") if form.is_valid() else None
    context = {
        "form": form,
        "page": page,
        "today": clock.today(),
        "query": _query_without_page(request),
        "filters_open": any(v for k, v in request.GET.items() if k not in ("q", "page")),
        "create_in": chosen if chosen and policy.can_supervise(request.user, chosen.plan.issuer) else None,
    }
    template = (
        "plans/_task_table.html" if request.htmx and not request.htmx.boosted else "plans/task_list.html"
    )
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def task_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = visible_task_or_404(request, pk)
    subtasks = list(
        Task.objects.visible_to(request.user).filter(parent=task).select_related("lead_unit", "owner")
    )
    today = clock.today()
    context = {
        "task": task,
        "co_units": task.co_units.all(),
        "pledges": Pledge.objects.filter(task=task).select_related("signer", "unit"),
        "subtasks": subtasks,
        "rollup": roll_up(live, today) if (live := [s for s in subtasks if not s.is_cancelled]) else None,
        "parent": (
            Task.objects.visible_to(request.user).filter(pk=task.parent_id).first()
            if task.parent_id is not None
            else None
        ),
        "history": task_history(task),
        "today": today,
        "can_edit": policy.can_edit_task(request.user, task),
        "can_decompose": policy.can_decompose_task(request.user, task),
        **_closing_context(request, task),
        "panels": panels_for("task", request, task),
        **adjust_context(request.user, task),
    }
    return render(request, "plans/task_detail.html", context)


def _closing_context(request: AuthenticatedRequest, task: Task) -> dict[str, Any]:
    """交账 on the task page (plans/_delivery.html): the delivery awaiting the office, the contributions, the
    milestones' deliveries, and the forms the user may fill in."""
    closing = deliveries.closing_for(request.user, task)
    writable = [c for c in closing.co_units if c.can_write]
    units = [c.unit for c in writable]
    return {
        "closing": closing,
        "delivery": closing.delivery,
        "can_deliver": closing.can_deliver and closing.delivery is None,
        "delivery_form": DeliveryForm(task=task, auto_id="delivery-%s"),
        # Each co-unit the user writes for, with its form (filled with its pending contribution, if any).
        "contribution_forms": [
            (
                c,
                ContributionForm(
                    units=units,
                    initial={
                        "unit": c.unit.pk,
                        "statement": c.contribution.statement if c.contribution else "",
                    },
                    auto_id=f"co{c.unit.pk}-%s",
                ),
            )
            for c in writable
        ],
    }


def _milestone_specs(formset: Any) -> list[services.MilestoneSpec]:
    return [
        services.MilestoneSpec(
            f.cleaned_data["title"], f.cleaned_data["due"], f.cleaned_data["expected_progress"]
        )
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("title")
    ]


@login_required
def task_create(request: AuthenticatedRequest, list_pk: int, parent_pk: int | None = None) -> HttpResponse:
    task_list = get_object_or_404(
        TaskList.objects.visible_to(request.user).select_related("plan"), pk=list_pk
    )
    parent = visible_task_or_404(request, parent_pk) if parent_pk else None
    allowed = (
        policy.can_decompose_task(request.user, parent)
        if parent
        else policy.can_supervise(request.user, task_list.plan.issuer)
    )
    if not allowed:
        raise PermissionDenied
    within = parent.lead_unit if parent and not policy.can_edit_task(request.user, parent) else None
    initial = {"start": parent.start, "due": parent.due} if parent else {}
    form = TaskForm(request.POST or None, user=request.user, within=within, initial=initial)
    if (answer := choices_answer(request, form)) is not None:
        return answer
    formset = MilestoneFormSet(request.POST or None, prefix="ms")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            task = services.create_task(
                task_list=task_list,
                parent=parent,
                by=request.user,
                milestones=_milestone_specs(formset),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Task %(code)s created.") % {"code": task.code})
            return redirect("plans:task_detail", pk=task.pk)
    context = {"form": form, "formset": formset, "task_list": task_list, "parent": parent}
    return render(request, "plans/task_form.html", context)


@login_required
def task_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = visible_task_or_404(request, pk)
    if not policy.can_edit_task(request.user, task):
        raise PermissionDenied
    form = TaskEditForm(request.POST or None, user=request.user, initial=TaskEditForm.initial_for(task))
    if (answer := choices_answer(request, form)) is not None:
        return answer
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        try:
            services.update_task(task=task, by=request.user, expected_version=version, changes=changes)
        except StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else saved this task while you were editing. Reload to see "
                    "their changes, then make yours again."
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(
        request,
        "plans/task_form.html",
        {"form": form, "task": task, "task_list": task.task_list},
    )


@login_required
def milestone_add(request: AuthenticatedRequest, task_pk: int) -> HttpResponse:
    task = visible_task_or_404(request, task_pk)
    if not policy.can_edit_task(request.user, task):
        raise PermissionDenied
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_milestone(
                task=task, by=request.user, spec=services.MilestoneSpec(**form.cleaned_data)
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/milestone_form.html", {"form": form, "task": task})


def visible_milestone_or_404(request: AuthenticatedRequest, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.filter(task__in=Task.objects.visible_to(request.user)).select_related("task"), pk=pk
    )


@login_required
def milestone_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone = visible_milestone_or_404(request, pk)
    task = milestone.task
    if not policy.can_edit_task(request.user, task):
        raise PermissionDenied
    initial = {
        "title": milestone.title,
        "due": milestone.due,
        "expected_progress": milestone.expected_progress,
        "version": services.milestone_stamp(milestone),
    }
    form = MilestoneEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        stamp = data.pop("version")
        try:
            services.update_milestone(milestone=milestone, by=request.user, expected_stamp=stamp, **data)
        except StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else saved this milestone while you were editing. Reload to see "
                    "their changes, then make yours again."
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/milestone_form.html", {"form": form, "task": task, "milestone": milestone})


@login_required
@require_POST
def milestone_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone = visible_milestone_or_404(request, pk)
    services.delete_milestone(milestone=milestone, by=request.user)
    messages.success(request, _("Milestone deleted."))
    return redirect("plans:task_detail", pk=milestone.task_id)


@login_required
@require_POST
def milestone_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone = visible_milestone_or_404(request, pk)
    try:
        services.confirm_milestone(milestone=milestone, by=request.user, on=clock.today())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Milestone confirmed as reached."))
    return redirect("plans:task_detail", pk=milestone.task_id)
