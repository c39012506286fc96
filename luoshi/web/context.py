"""What the header shows on every page: the sections the user's role uses, and unread notices."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from luoshi.notify.models import Notice
from luoshi.orgs import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_reports": policy.reports_for_a_unit(user),
        "nav_cycles": policy.sees_jurisdiction(user),
        "nav_cockpit": policy.sees_jurisdiction(user),
        # 揭榜挂帅: every office and every unit may meet an open call (the list shows those in scope).
        "nav_challenges": policy.sees_everything(user) or user.unit_id is not None,
        # Counted when the header shows it, once: a part swapped in by htmx has no header, and no query.
        "unread_notices": cache(lambda: Notice.objects.filter(recipient=user, read_at__isnull=True).count()),
    }
