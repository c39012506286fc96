"""Sign-ins (made, failed, locked out) and sign-outs are audited like any write; a session remembers when
it began and in which epoch, for the session limits (Django also stamps last_login on sign-in)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from luoshi.audit.services import record
from luoshi.core.actions import Action
from luoshi.core.addresses import client_address
from luoshi.orgs import sessions
from luoshi.orgs.models import SignInOutcome
from luoshi.orgs.services import record_sign_in


def _where(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    return {"ip_address": client_address(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


@receiver(user_logged_in)
def audit_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.begin(request.session, user)
    # A sign-in through the identity provider says which account it was (luoshi.orgs.sso_views).
    via = getattr(request, "luoshi_sso", None)
    record_sign_in(
        username=user.username, outcome=SignInOutcome.SUCCEEDED, user=user, via=via, **_where(request)
    )


@receiver(user_login_failed)
def audit_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    record_sign_in(username=username, outcome=SignInOutcome.FAILED, **_where(request))


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    record_sign_in(username=username or "", outcome=SignInOutcome.LOCKED_OUT, **_where(request))


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=Action.USER_SIGN_OUT, obj=user)
