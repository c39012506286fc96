"""The REST API (/api/): the pages' querysets, scope policy and services, answered as JSON.

Every endpoint authenticates with a personal API token (`Authorization: Bearer ls_…`) and then acts
exactly as the token's user: what the user cannot see answers 404, what they see but may not do 403.
Units, tasks and reports are here; the other areas are routers of their own in `api/areas/`, each with its
schemas. Writes take an Idempotency-Key (`api/idempotency.py`), updates of a versioned object If-Match
(428 without it, 412 when stale). Every error is problem details (`api/problems.py`), also for an unknown
/api/ address (404) and a method an address does not take (405).
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.pagination import paginate
from ninja.params.functions import Header as HeaderParam
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from luoshi.api import problems, services
from luoshi.api.areas import assessment, bulletins, calls, dispatch, people, plans, supervision
from luoshi.api.common import (
    ALWAYS,
    ONE,
    WRITE,
    Id,
    Paging,
    PathId,
    PreconditionMissing,
    etag,
    expected_version,
    user_of,
)
from luoshi.api.schemas import ReportIn, ReportOut, TaskOut, UnitOut
from luoshi.core.services import StaleVersion
from luoshi.dispatch.lights import Light
from luoshi.dispatch.models import UNSENT, Cycle, Report
from luoshi.dispatch.services import ReportData, submit_report
from luoshi.orgs import policy
from luoshi.orgs.models import User
from luoshi.plans.models import Task


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.authenticate(token)
        if user is not None:
            request.user = user
        return user


class LuoshiAPI(NinjaAPI):
    """Ninja's API, whose answer to a method an address does not take is a problem too (ninja's own is a
    bare text 405)."""

    _documents: ClassVar[dict[tuple[str, str | None], str]] = {}

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        found = super()._get_urls()
        for pattern in found:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_405(pattern.callback)
        return found

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document, its error answers declared as they are sent: application/problem+json.

        Working it out walks every endpoint's schemas (a few hundred milliseconds), and nothing in it changes
        while the process runs but its address prefix and the language of its texts: it is worked out once
        for each and kept as JSON, and each caller gets a fresh copy it may change.
        """
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        kept = self._documents.get(key)
        if kept is None:
            kept = self._documents[key] = json.dumps(self._document(path_prefix), cls=NinjaJSONEncoder)
        return json.loads(kept)

    def _document(self, path_prefix: str) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix)
        for operations in document["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
        return document


def _problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != problems.CONTENT_TYPE:
            return problems.method_not_allowed(response.get("Allow", ""))
        return response

    return answer


api = LuoshiAPI(
    title="Luoshi API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    docs_decorator=login_required,  # the document and its page, for a signed-in person; never a CDN
)
api.add_exception_handler(AuthenticationError, problems.unauthorized)
api.add_exception_handler(Http404, problems.not_found)
api.add_exception_handler(PermissionDenied, problems.forbidden)
api.add_exception_handler(ValidationError, problems.invalid)
api.add_exception_handler(SchemaError, problems.malformed)
api.add_exception_handler(problems.Refused, problems.refused)
api.add_exception_handler(PreconditionMissing, problems.precondition_required)
for area in (people, plans, dispatch, supervision, calls, assessment, bulletins):
    api.add_router("", area.router)


def with_etag(response: HttpResponse, version: int) -> HttpResponse:
    response["ETag"] = etag(version)
    return response


class TaskFilter(Schema):
    unit: Id | None = None  # the lead unit
    list: Id | None = None  # the task list
    light: Light | None = None  # green, yellow, red…


class ReportFilter(Schema):
    mine: bool = False  # only those the user's unit still has to send, in open cycles


@api.get("/units", response={200: list[UnitOut], **ALWAYS}, tags=["units"])
@paginate(Paging)
def list_units(request: HttpRequest) -> Any:
    return policy.visible_units(user_of(request)).order_by("path")


@api.get("/tasks", response={200: list[TaskOut], **ALWAYS}, tags=["tasks"])
@paginate(Paging)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    tasks = Task.objects.visible_to(user_of(request)).select_related("light").order_by("sort_path", "pk")
    if filters.unit is not None:
        tasks = tasks.filter(lead_unit_id=filters.unit)
    if filters.list is not None:
        tasks = tasks.filter(task_list_id=filters.list)
    if filters.light:
        tasks = tasks.filter(light__light=filters.light.value)
    return tasks


@api.get("/tasks/{task_id}", response={200: TaskOut, **ONE}, tags=["tasks"])
def get_task(request: HttpRequest, task_id: PathId, response: HttpResponse) -> Any:
    task = get_object_or_404(Task.objects.visible_to(user_of(request)).select_related("light"), pk=task_id)
    response["ETag"] = etag(task.version)
    return task


@api.get("/reports", response={200: list[ReportOut], **ALWAYS}, tags=["reports"])
@paginate(Paging)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> Any:
    user = user_of(request)
    reports = Report.objects.visible_to(user)
    if filters.mine:  # as the inbox page has them
        reports = reports.filter(
            policy.unit_q(user, "unit"),
            cycle__state=Cycle.State.OPEN,
            task__cancelled_on__isnull=True,
            state__in=UNSENT,
        )
    return reports.order_by("due_at", "pk")


@api.get("/reports/{report_id}", response={200: ReportOut, **ONE}, tags=["reports"])
def get_report(request: HttpRequest, report_id: PathId, response: HttpResponse) -> Any:
    report = get_object_or_404(Report.objects.visible_to(user_of(request)), pk=report_id)
    response["ETag"] = etag(report.version)
    return report


@api.post("/reports/{report_id}/submit", response={200: ReportOut, **WRITE}, tags=["reports"])
def submit(
    request: HttpRequest,
    report_id: PathId,
    payload: ReportIn,
    response: HttpResponse,
    idempotency_key: Annotated[str, HeaderParam(alias="Idempotency-Key")],
    if_match: Annotated[str | None, HeaderParam(alias="If-Match")] = None,
) -> Any:
    """Send the report, as the report page does; a repeated Idempotency-Key answers with its first result."""
    user = user_of(request)
    report = get_object_or_404(Report.objects.visible_to(user), pk=report_id)
    expected = expected_version(if_match)  # 428 without it, 412 for one that names no version
    try:
        sent = submit_report(
            report=report,
            by=user,
            data=ReportData(**payload.dict()),
            expected_version=expected,
            idempotency_key=idempotency_key,
        )
    except ValidationError as refused:
        if (
            hasattr(refused, "error_dict") and "idempotency_key" in refused.error_dict
        ):  # say the header's name
            errors = refused.message_dict
            errors["Idempotency-Key"] = errors.pop("idempotency_key")
            return problems.problem(422, _("The request was refused"), errors=errors)
        raise
    except StaleVersion as stale:
        return problems.problem(
            412,
            _("Precondition failed"),
            _("Someone else changed this report: it is now at version %(v)s.") % {"v": stale.current},
            errors={"If-Match": [_("Changed since: fetch the report again.")]},
            ETag=etag(stale.current),
        )
    response["ETag"] = etag(sent.version)
    return sent
