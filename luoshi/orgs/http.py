"""The request a signed-in page receives: its user is a real `User`, never the anonymous one."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from luoshi.orgs.models import User


class AuthenticatedRequest(HttpRequest):
    """Annotate a view behind `@login_required` with this, so that it hands services a `User`.

    Only a type: `login_required` is what makes it true, and HtmxMiddleware (on every request) sets `htmx`.
    """

    user: User
    htmx: HtmxDetails
