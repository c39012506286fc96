"""Assessment runs (考核) and their results, as the ranking pages show them: runs of the systems the user
sees (those assessing the user's units and those of offices in scope), each with its whole ranking."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from luoshi.api.common import ALWAYS, ONE, Id, Paging, PathId, user_of
from luoshi.assessment.models import IndicatorSystem, Result, Run
from luoshi.orgs.models import User

router = Router(tags=["assessment"])


class RunOut(Schema):
    id: int
    system_id: int
    system: str
    number: int
    period_start: dt.date
    period_end: dt.date
    as_of: dt.datetime

    @staticmethod
    def resolve_system(run: Any) -> str:
        return str(run.system.name)


class ResultOut(Schema):
    id: int
    unit_id: int
    category: str
    base: Decimal | None
    bonus: Decimal
    penalty: Decimal
    total: Decimal | None
    rank: int | None
    change: int | None


class RunFilter(Schema):
    system: Id | None = None


def visible_runs(user: User) -> Any:
    """As the run pages find them (assessment.views._run_or_404)."""
    return Run.objects.filter(system__in=IndicatorSystem.objects.visible_to(user)).select_related("system")


@router.get("/assessment/runs", response={200: list[RunOut], **ALWAYS})
@paginate(Paging)
def list_runs(request: HttpRequest, filters: Query[RunFilter]) -> Any:
    runs = visible_runs(user_of(request))
    if filters.system is not None:
        runs = runs.filter(system_id=filters.system)
    return runs.order_by("-as_of", "pk")


@router.get("/assessment/runs/{run_id}", response={200: RunOut, **ONE})
def get_run(request: HttpRequest, run_id: PathId) -> Any:
    return get_object_or_404(visible_runs(user_of(request)), pk=run_id)


@router.get("/assessment/runs/{run_id}/results", response={200: list[ResultOut], **ONE})
@paginate(Paging)
def list_results(request: HttpRequest, run_id: PathId) -> Any:
    """The run's ranking, every row of it, as its page shows it (ranks are circulated to those assessed)."""
    run = get_object_or_404(visible_runs(user_of(request)), pk=run_id)
    return Result.objects.filter(run=run).order_by("category", "rank", "pk")
