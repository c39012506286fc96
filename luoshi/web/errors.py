"""Error pages people can read: one place renders every 4xx and 5xx page, in the interface language.

`error_response(request, 413, _("…"))` answers with the styled page for that status and, when given, a
sentence saying what went wrong and what the limit is. Django's handler400/403/404/500 and the request-limit
middleware all come here, so every error looks the same and nobody meets a bare English "Bad Request".
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Changed meanwhile",
    413: "Too large",
    414: "Address too long",
    500: "Something went wrong",
}


def error_response(request: HttpRequest | None, status: int, message: str = "") -> HttpResponse:
    title = _(TITLES.get(status, TITLES[400] if status < 500 else TITLES[500]))
    html = render_to_string("error.html", {"status": status, "title": title, "message": message}, request)
    return HttpResponse(html, status=status)
