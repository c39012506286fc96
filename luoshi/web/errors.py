"""Error pages people can read: one place renders every 4xx and 5xx page, in the interface language.

`error_response(request, 413, _("…"))` answers with the styled page for that status and, when given, a
sentence saying what went wrong and what the limit is. Django's handler400/403/404/500, the CSRF failure
view, the request-limit middleware and `ErrorPageMiddleware` (which turns the domain errors a service raises
into 4xx) all come here, so every error looks the same and nobody meets a bare English "Bad Request".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from luoshi.core.services import StaleVersion

log = logging.getLogger(__name__)

TITLES = {
    400: gettext_noop("Bad request"),
    403: gettext_noop("Not allowed"),
    404: gettext_noop("Not found"),
    405: gettext_noop("Not allowed here"),
    409: gettext_noop("Changed meanwhile"),
    413: gettext_noop("Too large"),
    414: gettext_noop("Address too long"),
    500: gettext_noop("Something went wrong"),
}


def _is_htmx(request: HttpRequest | None) -> bool:
    return request is not None and request.headers.get("HX-Request") == "true"


def _back_url(request: HttpRequest | None) -> str:
    """Where "Back" leads: the page the user came from when it is ours, else nowhere."""
    if request is None:
        return ""
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except Exception:  # a DisallowedHost must not break the error page that reports it
        return ""
    return referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={host}) else ""


def error_response(request: HttpRequest | None, status: int, message: str = "") -> HttpResponse:
    """The styled page for `status` (an alert fragment for htmx), saying `message` when given."""
    title = _(TITLES.get(status, TITLES[400] if status < 500 else TITLES[500]))
    context = {"status": status, "title": title, "message": message, "back": _back_url(request)}
    template = "error_fragment.html" if _is_htmx(request) else "error.html"
    try:
        # A 500 gets no context processors: whatever broke the page may break them too.
        html: str = render_to_string(template, context, request if status < 500 else None)
    except Exception:
        log.exception("the %s page could not be rendered", status)
        html = _bare_page(title, message)
    response = HttpResponse(html, status=status)
    if _is_htmx(request):
        response["HX-Reswap"] = "none"  # the page's htmx handler shows the fragment; the target stays put
    return response


def _bare_page(title: str, message: str) -> str:
    """A page with no template at all, for when even the error template cannot be rendered."""
    head = f'<meta charset="utf-8"><title>{escape(title)}</title>'
    body = f"<h1>{escape(title)}</h1>" + (f"<p>{escape(message)}</p>" if message else "")
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _limit_message(exception: Exception) -> str:
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _(
            "What you sent is larger than the %(limit)s a form may carry. Go back, shorten the text "
            "(or attach it as a file) and send it again."
        ) % {"limit": filesizeformat(limit)}
    if isinstance(exception, TooManyFieldsSent):
        return _("The form has more than %(n)s fields, more than a form may carry.") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exception, TooManyFilesSent):
        return _("More than %(n)s files were sent at once.") % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return ""


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a request Django refused before any view saw it (too big, too many fields, garbled)."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, _limit_message(exception))
    return error_response(request, 400, _limit_message(exception) if exception else "")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, _("Your role does not allow this."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, _("There is nothing here, or it is outside what you can see."))


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, 500, _("The error has been recorded. Try again in a moment, or tell your administrator.")
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the usual cause is a form left open past its session, so say that."""
    return error_response(
        request,
        403,
        _(
            "This form has expired (or was opened in another session). Go back, reload the page and "
            "send it again; copy any long text you typed first."
        ),
    )


class ErrorPageMiddleware:
    """Turn the errors a user can cause into 4xx pages that say what happened, in one place.

    A service refuses with `ValidationError` (wrong state, a double click), `StaleVersion` (someone saved
    first) or an object gone meanwhile; a view that does not catch one should not answer 500. A view that can
    show the error on its form still does so; this is the net under the others. A bare 405 from
    `require_POST` becomes the styled page too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                request,
                405,
                _("This address does not accept that kind of request (only %(allowed)s).")
                % {"allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StaleVersion):
            message = _(
                "Someone else saved this while you were working on it. Reload the page to see their "
                "changes, then make yours again."
            )
            return error_response(request, 409, message)
        if isinstance(exception, ValidationError):
            return error_response(request, 400, " ".join(str(m) for m in exception.messages))
        if isinstance(exception, ObjectDoesNotExist):  # gone meanwhile: deleted by someone else
            return page_not_found(request, exception)
        return None  # PermissionDenied, Http404 and BadRequest reach the handlers below through Django
