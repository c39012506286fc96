"""End sessions past their limits, and keep someone who must change their password on the form until done."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from luoshi.orgs import sessions

# What someone who must change their password may still reach: the form itself, signing out, the
# language switch, and static files.
ALLOWED_WHILE_CHANGING = ("accounts:password_change", "logout", "set_language")


class AccountSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if not sessions.still_valid(request.session, user):
                logout(request)
                return self._to(request, redirect_to_login(request.get_full_path()))
            must_change = user.must_change_password and not request.session.get(sessions.VIA_SSO)
            if must_change and not self._allowed(request):
                return self._to(request, redirect("accounts:password_change"))
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return any(request.path == reverse(name) for name in ALLOWED_WHILE_CHANGING)

    @staticmethod
    def _to(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # htmx follows a redirect inside the fragment it asked for; tell it to move the whole page.
        if request.headers.get("HX-Request"):
            hx = HttpResponse(status=204)
            hx["HX-Redirect"] = response["Location"]
            return hx
        return response
