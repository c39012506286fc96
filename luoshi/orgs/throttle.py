"""Sign-in throttling: django-axes, counting failures per account and address and per account alone."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class AccountThrottle(AxesDatabaseHandler):  # type: ignore[misc]
    """Lock after AXES_FAILURE_LIMIT failures from one address, LUOSHI_LOGIN_ACCOUNT_FAILURE_LIMIT from any.

    Axes compares every lockout parameter (settings.AXES_LOCKOUT_PARAMETERS: the username with the address,
    then the username alone) against one limit; the account-wide count is scaled onto that limit, so it
    reaches it exactly when it reaches its own.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        per_address, per_account = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = int(settings.AXES_FAILURE_LIMIT)
        return max(per_address, per_account * limit // int(settings.LUOSHI_LOGIN_ACCOUNT_FAILURE_LIMIT))
