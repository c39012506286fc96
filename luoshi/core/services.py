"""What every app's services share: the permission check, the stale-version error, plain JSON values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.fields.files import FieldFile


def require(allowed: bool) -> None:
    """Refuse the write unless the policy allowed it (the view answers 403)."""
    if not allowed:
        raise PermissionDenied


class StaleVersion(Exception):
    """Someone else saved the object after this writer loaded it."""

    def __init__(self, current: int) -> None:
        super().__init__(f"changed by someone else (now version {current})")
        self.current = current


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, decimals as their exact text, objects as their id."""
    if isinstance(value, dt.date | dt.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value
