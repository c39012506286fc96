"""What the header shows on every page: the sections the user's role uses, and unread notices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.notify.models import Notice
from luoshi.orgs.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_reports": user.role in (Role.LIAISON, Role.UNIT_HEAD),
        "nav_cycles": user.role in (Role.SUPERVISOR, Role.LEADER, Role.ADMIN) or user.is_superuser,
        "unread_notices": Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
