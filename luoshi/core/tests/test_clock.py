"""The one clock: what tests set is what every rule, stamp and stored file name sees."""

import datetime as dt

import pytest

from luoshi.core import clock as core_clock
from luoshi.dispatch.models import Evidence, evidence_path
from luoshi.testing import make_task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_now_is_aware_utc_and_today_is_shanghais_date(clock):
    clock.set(dt.datetime(2027, 1, 1, 7, 30, tzinfo=SHANGHAI))  # still 2026 in UTC
    assert core_clock.now() == dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert core_clock.today() == dt.date(2027, 1, 1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        core_clock.set_now(dt.datetime(2027, 1, 1, 10))  # noqa: DTZ001 (the point of the test)


def test_frozen_holds_the_clock_inside_the_block_only():
    before = core_clock.now()
    with core_clock.frozen(dt.datetime(2027, 2, 10, 9, tzinfo=SHANGHAI)):
        assert core_clock.today() == dt.date(2027, 2, 10)
    assert core_clock.now() == before


def test_records_are_stamped_by_the_clock_not_the_system(city, clock):
    at = clock.set(dt.datetime(2027, 2, 10, 9, 15, tzinfo=SHANGHAI))
    task = make_task(city, start=dt.date(2027, 1, 1), due=dt.date(2027, 12, 31))
    assert task.created_at == at and task.updated_at == at
    clock.advance(days=1)
    task.save()
    assert task.updated_at == at + dt.timedelta(days=1) and task.created_at == at


def test_evidence_is_filed_under_the_clocks_month(clock):
    clock.set(dt.datetime(2027, 2, 10, 9, tzinfo=SHANGHAI))
    assert evidence_path(Evidence(), "照片.jpg") == "evidence/2027/02/照片.jpg"
