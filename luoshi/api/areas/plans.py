"""Plans, task lists, milestones and deliveries (交账), read as the plan and task pages scope them; a task
created in a list and a delivery accepted through the pages' services."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Header

from luoshi.api import idempotency
from luoshi.api.common import ALWAYS, ONE, WRITE, Id, Paging, PathId, Text, as_json, user_of
from luoshi.api.schemas import TaskOut
from luoshi.orgs import policy
from luoshi.orgs.models import User
from luoshi.plans import deliveries, services
from luoshi.plans.forms import people_in_scope
from luoshi.plans.models import Delivery, Milestone, Plan, Task, TaskList

router = Router(tags=["plans"])


class PlanOut(Schema):
    id: int
    title: str
    year: int
    issuer_id: int
    summary: str


class TaskListOut(Schema):
    id: int
    plan_id: int
    name: str
    description: str


class MilestoneOut(Schema):
    id: int
    task_id: int
    title: str
    due: dt.date
    expected_progress: int
    reached_on: dt.date | None


class DeliveryOut(Schema):
    id: int
    task_id: int
    milestone_id: int | None
    statement: str
    by_id: int
    at: dt.datetime
    state: str
    decided_by_id: int | None
    decided_at: dt.datetime | None
    reason: str


class PlanFilter(Schema):
    year: int | None = Field(None, ge=1, le=9999)


class ListFilter(Schema):
    plan: Id | None = None


class MilestoneFilter(Schema):
    task: Id | None = None
    reached: bool | None = None


class DeliveryFilter(Schema):
    task: Id | None = None
    state: Delivery.State | None = None


def visible_milestones(user: User) -> Any:
    """As the milestone pages find them: those of tasks the user sees."""
    return Milestone.objects.filter(task__in=Task.objects.visible_to(user))


def visible_deliveries(user: User) -> Any:
    """As the delivery pages find them: those of tasks the user sees."""
    return Delivery.objects.filter(task__in=Task.objects.visible_to(user))


@router.get("/plans", response={200: list[PlanOut], **ALWAYS})
@paginate(Paging)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> Any:
    plans = Plan.objects.visible_to(user_of(request))
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return plans.order_by("-year", "pk")


@router.get("/plans/{plan_id}", response={200: PlanOut, **ONE})
def get_plan(request: HttpRequest, plan_id: PathId) -> Any:
    return get_object_or_404(Plan.objects.visible_to(user_of(request)), pk=plan_id)


@router.get("/lists", response={200: list[TaskListOut], **ALWAYS})
@paginate(Paging)
def list_task_lists(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    lists = TaskList.objects.visible_to(user_of(request))
    if filters.plan is not None:
        lists = lists.filter(plan_id=filters.plan)
    return lists.order_by("plan", "sort_order", "pk")


@router.get("/lists/{list_id}", response={200: TaskListOut, **ONE})
def get_task_list(request: HttpRequest, list_id: PathId) -> Any:
    return get_object_or_404(TaskList.objects.visible_to(user_of(request)), pk=list_id)


@router.get("/milestones", response={200: list[MilestoneOut], **ALWAYS})
@paginate(Paging)
def list_milestones(request: HttpRequest, filters: Query[MilestoneFilter]) -> Any:
    milestones = visible_milestones(user_of(request))
    if filters.task is not None:
        milestones = milestones.filter(task_id=filters.task)
    if filters.reached is not None:
        milestones = milestones.filter(reached_on__isnull=not filters.reached)
    return milestones.order_by("due", "pk")


@router.get("/milestones/{milestone_id}", response={200: MilestoneOut, **ONE})
def get_milestone(request: HttpRequest, milestone_id: PathId) -> Any:
    return get_object_or_404(visible_milestones(user_of(request)), pk=milestone_id)


@router.get("/deliveries", response={200: list[DeliveryOut], **ALWAYS})
@paginate(Paging)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilter]) -> Any:
    found = visible_deliveries(user_of(request))
    if filters.task is not None:
        found = found.filter(task_id=filters.task)
    if filters.state:
        found = found.filter(state=filters.state)
    return found.order_by("-at", "pk")


@router.get("/deliveries/{delivery_id}", response={200: DeliveryOut, **ONE})
def get_delivery(request: HttpRequest, delivery_id: PathId) -> Any:
    return get_object_or_404(visible_deliveries(user_of(request)), pk=delivery_id)


@router.post("/deliveries/{delivery_id}/accept", response={200: DeliveryOut, **WRITE})
def accept_delivery(
    request: HttpRequest,
    delivery_id: PathId,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
) -> Any:
    """The office accepts a delivery, as the task page does. A delivery is decided once (its state guards
    it: a second decision is refused), so it takes no If-Match."""
    user = user_of(request)
    delivery = get_object_or_404(visible_deliveries(user).select_related("task"), pk=delivery_id)

    def write() -> HttpResponse:
        return as_json(DeliveryOut, deliveries.accept_delivery(delivery=delivery, by=user))

    return idempotency.once(request, user, idempotency_key, write)


class TaskIn(Schema):
    title: Text = Field(max_length=200)
    lead_unit: Id
    start: dt.date
    due: dt.date
    content: Text = Field("", max_length=5000)
    measures: Text = Field("", max_length=5000)
    co_units: list[Id] = Field(default_factory=list, max_length=100)
    leader: Id | None = None
    owner: Id | None = None
    weight: Decimal = Field(Decimal(1), ge=0, le=999, max_digits=5, decimal_places=2, allow_inf_nan=False)
    responsibility_note: Text = Field("", max_length=200)


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _person(user: User, field: str, pk: int | None) -> User | None:
    """A leader or owner among the people the task form offers (plans.forms.people_in_scope)."""
    if pk is None:
        return None
    person: User | None = people_in_scope(user).filter(pk=pk).first()
    if person is None:
        raise _refused(field, _("No such person in your scope."))
    return person


@router.post("/lists/{list_id}/tasks", response={201: TaskOut, **WRITE})
def create_task(
    request: HttpRequest,
    list_id: PathId,
    payload: TaskIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
) -> Any:
    """A task in a list, as the list page's form creates it (plans.services.create_task)."""
    user = user_of(request)
    task_list = get_object_or_404(TaskList.objects.visible_to(user).select_related("plan"), pk=list_id)
    if not policy.can_supervise(user, task_list.plan.issuer):
        raise PermissionDenied
    units = policy.visible_units(user).filter(is_active=True)
    lead_unit = units.filter(pk=payload.lead_unit).first()
    if lead_unit is None:
        raise _refused("lead_unit", _("No such unit in your scope."))
    co_units = list(units.filter(pk__in=payload.co_units))
    if len(co_units) != len(set(payload.co_units)):
        raise _refused("co_units", _("No such unit in your scope."))
    leader, owner = (_person(user, field, getattr(payload, field)) for field in ("leader", "owner"))

    def write() -> HttpResponse:
        task = services.create_task(
            task_list=task_list,
            by=user,
            title=payload.title,
            lead_unit=lead_unit,
            start=payload.start,
            due=payload.due,
            content=payload.content,
            measures=payload.measures,
            co_units=co_units,
            leader=leader,
            owner=owner,
            weight=payload.weight,
            responsibility_note=payload.responsibility_note,
        )
        return as_json(TaskOut, task, status=201, version=task.version)

    return idempotency.once(request, user, idempotency_key, write)
