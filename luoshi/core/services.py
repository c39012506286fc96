"""What every app's services share: the permission check, the stale-version error, plain JSON values, and
the checks of a required text and a sane date that name the field they refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from luoshi.core.forms import EARLIEST, LATEST


def require(allowed: bool) -> None:
    """Refuse the write unless the policy allowed it (the view answers 403)."""
    if not allowed:
        raise PermissionDenied


class StaleVersion(Exception):
    """Someone else saved the object after this writer loaded it."""

    def __init__(self, current: int) -> None:
        super().__init__(f"changed by someone else (now version {current})")
        self.current = current


_AS_IT_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, decimals as their exact text, objects as their id."""
    if type(value) in _AS_IT_IS:  # most values: one lookup instead of four isinstance checks
        return value
    if isinstance(value, dt.date | dt.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def required_text(value: str, field: str, missing: str, limit: int) -> str:
    """`value` stripped; refused, naming `field`, when empty (saying `missing`) or longer than `limit`."""
    text = value.strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it within %(n)s characters.") % {"n": limit}})
    return text


def check_date(day: dt.date, field: str) -> None:
    """Refuse, naming `field`, a date outside 1900–2100: a typo, not a plan."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            {
                field: _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.year, "latest": LATEST.year}
            }
        )
