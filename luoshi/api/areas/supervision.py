"""Supervision items (督办件) and rectifications (整改), as the supervision pages scope them; an item
answered (反馈) through the item page's service."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Header

from luoshi.api import idempotency
from luoshi.api.common import ALWAYS, ONE, WRITE, Id, Paging, PathId, Text, as_json, user_of
from luoshi.supervision import services
from luoshi.supervision.models import Rectification, SupervisionItem
from luoshi.supervision.models.inspections import RectState
from luoshi.supervision.models.items import State

router = Router(tags=["supervision"])


class ItemOut(Schema):
    id: int
    issuer_id: int
    year: int
    number: int
    title: str
    content: str
    source: str
    urgency: str
    task_id: int | None
    lead_unit_id: int
    co_unit_ids: list[int]
    due: dt.date
    first_due: dt.date | None
    state: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_co_unit_ids(item: Any) -> list[int]:
        return sorted(unit.pk for unit in item.co_units.all())


class RectificationOut(Schema):
    id: int
    finding_id: int
    unit_id: int
    responsible: str
    measures: str
    due: dt.date
    state: str
    closed_at: dt.datetime | None


class FeedbackOut(Schema):
    id: int
    item_id: int
    statement: str
    by_id: int
    at: dt.datetime


class ItemFilter(Schema):
    state: State | None = None
    lead_unit: Id | None = None


class RectificationFilter(Schema):
    state: RectState | None = None
    unit: Id | None = None


class FeedbackIn(Schema):
    statement: Text = Field(max_length=5000)


@router.get("/supervision/items", response={200: list[ItemOut], **ALWAYS})
@paginate(Paging)
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> Any:
    items = SupervisionItem.objects.visible_to(user_of(request)).prefetch_related("co_units")
    if filters.state:
        items = items.filter(state=filters.state)
    if filters.lead_unit is not None:
        items = items.filter(lead_unit_id=filters.lead_unit)
    return items.order_by("due", "pk")


@router.get("/supervision/items/{item_id}", response={200: ItemOut, **ONE})
def get_item(request: HttpRequest, item_id: PathId) -> Any:
    return get_object_or_404(SupervisionItem.objects.visible_to(user_of(request)), pk=item_id)


@router.post("/supervision/items/{item_id}/feedback", response={201: FeedbackOut, **WRITE})
def answer_item(
    request: HttpRequest,
    item_id: PathId,
    payload: FeedbackIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
) -> Any:
    """The lead unit says what was done (反馈), as the item page does; the item's state guards the step (an
    item awaiting the office's answer takes no second feedback), so it takes no If-Match."""
    user = user_of(request)
    item = get_object_or_404(SupervisionItem.objects.visible_to(user), pk=item_id)

    def write() -> HttpResponse:
        feedback = services.submit_feedback(item=item, by=user, statement=payload.statement)
        return as_json(FeedbackOut, feedback, status=201)

    return idempotency.once(request, user, idempotency_key, write)


@router.get("/supervision/rectifications", response={200: list[RectificationOut], **ALWAYS})
@paginate(Paging)
def list_rectifications(request: HttpRequest, filters: Query[RectificationFilter]) -> Any:
    found = Rectification.objects.visible_to(user_of(request))
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.unit is not None:
        found = found.filter(unit_id=filters.unit)
    return found.order_by("due", "pk")


@router.get("/supervision/rectifications/{rectification_id}", response={200: RectificationOut, **ONE})
def get_rectification(request: HttpRequest, rectification_id: PathId) -> Any:
    return get_object_or_404(Rectification.objects.visible_to(user_of(request)), pk=rectification_id)
