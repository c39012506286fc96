"""Offices issuing items at the same moment, for real: threads with their own database connections."""

from __future__ import annotations

import pytest

from luoshi.dispatch.tests.test_concurrency import at_once
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.tests.factory import make_item
from luoshi.testing import build_city

THREADS = 6


@pytest.fixture
def live(transactional_db):
    return build_city()


def test_items_issued_at_the_same_moment_take_consecutive_numbers_without_twins(live):
    city = live

    def issue(n):
        return lambda: make_item(city, title=f"同时交办的第{n}件", co_units=[]).number

    results = at_once(*(issue(n) for n in range(THREADS)))
    assert sorted(results) == list(range(1, THREADS + 1)), results


def test_the_first_items_of_two_offices_at_once_each_start_their_own_series(live):
    city = live
    results = at_once(
        lambda: make_item(city, co_units=[]).code,
        lambda: make_item(city, by=city.county_supervisor, lead_unit=city.qingshan_town, co_units=[]).code,
        lambda: make_item(city, co_units=[]).code,
    )
    assert sorted(results) == ["临督办〔2026〕1号", "临督办〔2026〕2号", "青督办〔2026〕1号"], results
    assert SupervisionItem.objects.count() == 3
