"""The periodic jobs keep the city's hours: crontabs read luoshi.core.clock in TIME_ZONE, not UTC."""

from __future__ import annotations

import datetime as dt

from huey.contrib.djhuey import HUEY

from luoshi.core import clock as core_clock
from luoshi.testing import Clock


def due_now() -> set[str]:
    return {task.name for task in HUEY.read_periodic(HUEY._get_timestamp())}


def test_the_nightly_sweep_runs_at_ten_past_one_in_the_city_not_in_utc(clock: Clock) -> None:
    clock.set(core_clock.at_local(dt.date(2026, 11, 18), dt.time(1, 10)))
    assert {"nightly_sweep", "tick", "seal_audit_events"} <= due_now()
    # 09:10 in Shanghai is 01:10 UTC: a UTC crontab would sweep then, in the middle of the working day.
    clock.set(core_clock.at_local(dt.date(2026, 11, 18), dt.time(9, 10)))
    assert "nightly_sweep" not in due_now()
    assert "tick" in due_now()
