"""Signing in through the province's identity provider (OpenID Connect), and an administrator's links
between a provider's accounts and people. Every route answers 404 while single sign-on is not configured."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.core.addresses import client_address
from luoshi.orgs import policy, sessions, sso
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import ExternalIdentity, SignInOutcome, User
from luoshi.orgs.services import record_sign_in

log = logging.getLogger(__name__)
NEXT = "luoshi_sso_next"


def provider_name() -> str:
    from django.conf import settings

    return settings.OIDC_NAME or _("the identity provider")


class SignInView(LoginView):
    """The password form, with "Sign in with …" beside it when single sign-on is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if sso.enabled():
            context["sso_name"] = provider_name()
        return context


class SignOutView(LogoutView):
    """Sign out; a person who signed in through the provider is signed out there too, so that the next
    person at a shared office computer is asked for their own account, not let in as the last one."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.conf import settings

        id_token = request.session.get(sessions.SSO_ID_TOKEN)
        response: HttpResponse = super().post(request, *args, **kwargs)  # the session is gone from here on
        if not id_token or not sso.enabled():
            return response
        from luoshi.orgs import oidc

        after = reverse("login")
        after = settings.SITE_URL + after if settings.SITE_URL else request.build_absolute_uri(after)
        there = oidc.end_session_url(id_token, after)
        if there is None:
            log.warning("signed out of Luoshi only: the provider offers no end of session")
            return response
        return redirect(there)


def _require_enabled() -> None:
    if not sso.enabled():
        raise Http404


@never_cache
def sso_begin(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    from luoshi.orgs import oidc

    _require_enabled()
    if request.user.is_authenticated:
        return redirect("web:home")
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    request.session[NEXT] = target if safe else ""
    callback = reverse("accounts:sso_callback")
    # The address registered at the provider: from LUOSHI_SITE_URL when set, so that a proxy in front
    # (https outside, http inside) does not change it.
    callback = settings.SITE_URL + callback if settings.SITE_URL else request.build_absolute_uri(callback)
    try:
        return oidc.begin(request, callback)
    except oidc.Unverified as exc:  # the provider unreachable: nobody has tried to sign in yet
        log.warning("single sign-on could not begin: %s", exc)
        return render(request, "registration/sso_refused.html", _refusal(sso.Refusal.UNVERIFIED), status=502)


@never_cache
def sso_callback(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    from luoshi.orgs import oidc

    _require_enabled()
    try:
        answer = oidc.finish(request)
    except oidc.Unverified as exc:
        return _refused(request, sso.Refusal.UNVERIFIED, {"error": str(exc)[:300]})
    claims = answer.claims
    via = {"issuer": settings.OIDC_ISSUER, "subject": str(claims["sub"])[:255]}
    try:
        person = sso.person_for(issuer=settings.OIDC_ISSUER, claims=claims)
    except sso.Refused as refusal:
        return _refused(request, refusal.reason, via, user=refusal.user)
    target = request.session.pop(NEXT, "")
    request.luoshi_sso = via  # type: ignore[attr-defined]  # read by the sign-in audit (orgs.signals)
    login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    # The provider vouched for the person: a one-time local password they were never told is no reason to
    # hold them on the password form (luoshi.orgs.middleware).
    request.session[sessions.VIA_SSO] = True
    request.session[sessions.SSO_ID_TOKEN] = answer.id_token
    return redirect(target or "web:home")


def _refused(
    request: HttpRequest, reason: sso.Refusal, via: dict[str, Any], user: User | None = None
) -> HttpResponse:
    """Record the refused sign-in (audited, and in the person's history when there is one) and say why."""
    record_sign_in(
        username=user.username if user else "",
        outcome=SignInOutcome.SSO_REFUSED,
        user=user,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        via={**via, "reason": str(reason)},
    )
    return render(request, "registration/sso_refused.html", _refusal(reason), status=403)


def _refusal(reason: sso.Refusal) -> dict[str, str]:
    """The refusal page's words: why, and what to do."""
    provider = provider_name()
    said = {
        sso.Refusal.NOT_LINKED: _(
            "Your account at %(provider)s is not linked to a person in Luoshi. "
            "Ask your administrator to link it."
        ),
        sso.Refusal.INACTIVE: _(
            "This person has been deactivated in Luoshi and can no longer sign in. Ask your administrator."
        ),
        sso.Refusal.UNVERIFIED: _(
            "The answer from %(provider)s could not be verified, or the sign-in was cancelled. "
            "Please try again."
        ),
    }
    return {"reason": str(reason), "message": said[reason] % {"provider": provider}}


@require_POST
@login_required
def identity_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_enabled()
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not policy.can_link_identity(request.user, person):
        raise Http404  # as with a password reset: to anyone else the person is not there
    try:
        sso.link_identity(person=person, subject=request.POST.get("subject", ""), by=request.user)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("%(name)s may now sign in through %(provider)s.") % {
            "name": person.display_name, "provider": provider_name(),
        })  # fmt: skip
    return redirect("orgs:person_edit", pk=person.pk)


@require_POST
@login_required
def identity_unlink(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_enabled()
    link = get_object_or_404(ExternalIdentity.objects.select_related("user__unit"), pk=pk)
    if not policy.can_link_identity(request.user, link.user):
        raise Http404
    sso.unlink_identity(link=link, by=request.user)
    messages.success(request, _("The account at the identity provider is no longer linked."))
    return redirect("orgs:person_edit", pk=link.user_id)
