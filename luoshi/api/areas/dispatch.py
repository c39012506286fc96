"""Cycles (调度期次) as the cycle pages scope them; reports accepted (采纳) or returned (退回) through the
review pages' services, each guarded by If-Match and an Idempotency-Key."""

import datetime as dt
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Header

from luoshi.api import idempotency, problems
from luoshi.api.common import (
    ALWAYS,
    ONE,
    WRITE,
    Paging,
    PathId,
    Text,
    as_json,
    etag,
    expected_version,
    user_of,
)
from luoshi.api.schemas import ReportOut
from luoshi.dispatch import services
from luoshi.dispatch.models import Cycle, Report

router = Router(tags=["reports"])


class CycleOut(Schema):
    id: int
    cadence_id: int
    cadence: str
    number: int
    period_start: dt.date
    period_end: dt.date
    due_at: dt.datetime
    state: str

    @staticmethod
    def resolve_cadence(cycle: Any) -> str:
        return str(cycle.cadence.name)


class CycleFilter(Schema):
    state: Cycle.State | None = None


class ReturnIn(Schema):
    comment: Text = Field(max_length=2000)


@router.get("/cycles", response={200: list[CycleOut], **ALWAYS})
@paginate(Paging)
def list_cycles(request: HttpRequest, filters: Query[CycleFilter]) -> Any:
    cycles = Cycle.objects.visible_to(user_of(request)).select_related("cadence")
    if filters.state:
        cycles = cycles.filter(state=filters.state)
    return cycles.order_by("-due_at", "pk")


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **ONE})
def get_cycle(request: HttpRequest, cycle_id: PathId) -> Any:
    return get_object_or_404(
        Cycle.objects.visible_to(user_of(request)).select_related("cadence"), pk=cycle_id
    )


def _review(
    request: HttpRequest, report_id: PathId, if_match: str | None, key: str, act: Any
) -> HttpResponse:
    """Run `act(report)` on the report if it is still at the version If-Match names, once per key."""
    user = user_of(request)
    report = get_object_or_404(Report.objects.visible_to(user), pk=report_id)
    expected = expected_version(if_match)

    def write() -> HttpResponse:
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=report.pk)
            if current.version != expected:
                return problems.problem(
                    412,
                    _("Precondition failed"),
                    _("Someone else changed this report: it is now at version %(v)s.")
                    % {"v": current.version},
                    errors={"If-Match": [_("Changed since: fetch the report again.")]},
                    ETag=etag(current.version),
                )
            act(user, current)
        current.refresh_from_db()
        return as_json(ReportOut, current, version=current.version)

    return idempotency.once(request, user, key, write)


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **WRITE})
def accept_report(
    request: HttpRequest,
    report_id: PathId,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Any:
    """Accept a submitted report (采纳), as the review page does."""
    return _review(
        request,
        report_id,
        if_match,
        idempotency_key,
        lambda by, r: services.accept_reports(reports=[r], by=by),
    )


@router.post("/reports/{report_id}/return", response={200: ReportOut, **WRITE})
def return_report(
    request: HttpRequest,
    report_id: PathId,
    payload: ReturnIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Any:
    """Send a report back (退回) with what must be fixed, as the review page does."""
    return _review(
        request,
        report_id,
        if_match,
        idempotency_key,
        lambda by, r: services.return_report(report=r, by=by, comment=payload.comment),
    )
