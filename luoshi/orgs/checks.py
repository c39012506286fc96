"""Deployment checks (`luoshi check --deploy`): no account with the published demo password, and session
limits no longer than ASVS Level 2 allows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from luoshi.orgs.models import User
from luoshi.orgs.passwords import usernames_with_demo_password

IDLE_MINUTES_AT_MOST = 30
LIFETIME_HOURS_AT_MOST = 12


@register(Tags.security, "accounts", deploy=True)
def check_no_demo_password(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        found = usernames_with_demo_password(User.objects.filter(is_active=True))
    except DatabaseError:  # not migrated yet: there is nobody to check
        return []
    if not found:
        return []
    shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
    return [
        Error(
            f"{len(found)} active account(s) still have the demo password printed in the README: {shown}",
            hint="Serve a real deployment from a database without the demo city (`luoshi serve` without "
            "--demo), or reset these accounts' passwords.",
            id="luoshi.E001",
        )
    ]


@register(Tags.security, "accounts", deploy=True)
def check_session_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    idle, lifetime = settings.LUOSHI_SESSION_IDLE_MINUTES, settings.LUOSHI_SESSION_MAX_HOURS
    if not 0 < idle <= IDLE_MINUTES_AT_MOST:
        messages.append(
            Warning(
                f"LUOSHI_SESSION_IDLE_MINUTES is {idle}: an idle session should end within "
                f"{IDLE_MINUTES_AT_MOST} minutes (ASVS 3.3.2).",
                id="luoshi.W002",
            )
        )
    if not 0 < lifetime <= LIFETIME_HOURS_AT_MOST:
        messages.append(
            Warning(
                f"LUOSHI_SESSION_MAX_HOURS is {lifetime}: a session should end within "
                f"{LIFETIME_HOURS_AT_MOST} hours of signing in (ASVS 3.3.2).",
                id="luoshi.W003",
            )
        )
    if lifetime * 3600 < settings.SESSION_COOKIE_AGE:
        messages.append(Warning("SESSION_COOKIE_AGE outlives LUOSHI_SESSION_MAX_HOURS.", id="luoshi.W004"))
    return messages
