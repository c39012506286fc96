"""Open calls (揭榜挂帅), as the call pages scope them: the office's in any state, published ones to the
units they are open to."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from luoshi.api.common import ALWAYS, ONE, Paging, PathId, user_of
from luoshi.challenges.models import OpenCall
from luoshi.challenges.rules import CallState

router = Router(tags=["open calls"])


class CallOut(Schema):
    id: int
    issuer_id: int
    task_list_id: int
    title: str
    problem: str
    requirements: str
    goal: str
    open_to_all: bool
    closes_on: dt.date
    max_selected: int | None
    state: str
    published_at: dt.datetime | None
    version: int


class CallFilter(Schema):
    state: CallState | None = None


@router.get("/calls", response={200: list[CallOut], **ALWAYS})
@paginate(Paging)
def list_calls(request: HttpRequest, filters: Query[CallFilter]) -> Any:
    calls = OpenCall.objects.visible_to(user_of(request))
    if filters.state:
        calls = calls.filter(state=filters.state)
    return calls.order_by("closes_on", "pk")


@router.get("/calls/{call_id}", response={200: CallOut, **ONE})
def get_call(request: HttpRequest, call_id: PathId) -> Any:
    return get_object_or_404(OpenCall.objects.visible_to(user_of(request)), pk=call_id)
