"""Errors as RFC 7807 problem details (application/problem+json), naming the fields at fault."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

CONTENT_TYPE = "application/problem+json"


def problem(
    status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None, **headers: str
) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def unauthorized(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(
        401,
        _("Not signed in"),
        _("Send a live personal API token as 'Authorization: Bearer <token>'."),
        WWW_Authenticate="Bearer",
    )


def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(404, _("Not found"))


def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(403, _("Not allowed"))


def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
    """A Django ValidationError from a service: its message_dict names the fields."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(422, _("The request was refused"), errors=errors)


def malformed(request: HttpRequest, exc: Any) -> HttpResponse:
    """Ninja's schema errors: each names its place as 'body.percent', 'query.limit'…"""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        errors.setdefault(where or "__all__", []).append(str(error.get("msg", "")))
    return problem(422, _("The request was refused"), errors=errors)


class Refused(Exception):
    """Raised deep in an endpoint to answer with a ready problem response."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def refused(request: HttpRequest, exc: Any) -> HttpResponse:
    response: HttpResponse = exc.response
    return response


def precondition_required(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(
        428,
        _("Precondition required"),
        _("Send If-Match with the object's ETag (its version), as a GET answered it."),
        errors={"If-Match": [_("This header is required.")]},
    )


def method_not_allowed(allowed: str) -> HttpResponse:
    return problem(
        405,
        _("Method not allowed"),
        errors={"method": [_("Use one of: %(m)s.") % {"m": allowed}]},
        Allow=allowed,
    )


@csrf_exempt  # no form posts here: any method gets the same JSON 404
def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ address no endpoint answers: a problem, not the site's HTML page."""
    return problem(404, _("Not found"), errors={"path": [_("No endpoint has this address.")]})
