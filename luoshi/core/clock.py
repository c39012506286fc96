"""The one clock (DESIGN §8): rules, pages, jobs and tests ask here for "now" and "today".

Nothing else in Luoshi reads the system clock. Tests set the time with `frozen(at)` (or `set_now`), which
holds for every thread of the process, the live server's included.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_now: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, timezone-aware, in UTC."""
    return _now if _now is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date where Luoshi works (settings.TIME_ZONE, Asia/Shanghai)."""
    return timezone.localtime(now()).date()


def local(at: dt.datetime | None = None) -> dt.datetime:
    """`at` (by default now) in local time, for display and for the working calendar."""
    return timezone.localtime(at if at is not None else now())


def at_local(day: dt.date, time: dt.time = dt.time(0)) -> dt.datetime:
    """The aware moment of a local date and time."""
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def monotonic() -> float:
    """Seconds on a clock that only moves forward, for spacing work out (a throttle), never for a rule or a
    date: it is not the moment, and `frozen` does not stop it."""
    return time.monotonic()


def set_now(at: dt.datetime | None) -> None:
    """Stop the clock at `at` (aware), or let it run again with None."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("the clock takes an aware datetime")
    global _now
    _now = at.astimezone(dt.UTC) if at is not None else None  # stored in UTC, as the database keeps it


@contextmanager
def frozen(at: dt.datetime) -> Iterator[dt.datetime]:
    """Hold the clock at `at` inside the block."""
    was = _now
    set_now(at)
    try:
        yield at
    finally:
        set_now(was)
