"""The calendar of inspections: which fall on one unit at one time (统筹, 不扎堆), table-tested."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.supervision.calendar import Overlap, Visit, crowded, month_bounds, on_day, overlaps, weeks


def d(day: int, month: int = 11) -> dt.date:
    return dt.date(2026, month, day)


def v(key: int, units: set[int], starts: dt.date, ends: dt.date) -> Visit:
    return Visit(key, frozenset(units), starts, ends)


@pytest.mark.parametrize(
    ("visits", "gap", "want"),
    [
        ([], 0, []),
        ([v(1, {10}, d(2), d(4))], 0, []),
        # Same unit, days meet: one overlap, over the shared days.
        ([v(1, {10}, d(2), d(4)), v(2, {10}, d(4), d(6))], 0, [Overlap(10, 1, 2, d(4), d(4))]),
        # Same days, other units: no overlap.
        ([v(1, {10}, d(2), d(4)), v(2, {11}, d(2), d(4))], 0, []),
        # One day apart: apart with no gap allowed, crowded with a gap of two days.
        ([v(1, {10}, d(2), d(4)), v(2, {10}, d(6), d(7))], 0, []),
        ([v(1, {10}, d(2), d(4)), v(2, {10}, d(6), d(7))], 2, [Overlap(10, 1, 2, d(6), d(6))]),
        # Two shared units: named once each; the earlier-starting visit first whatever the input order.
        (
            [v(2, {10, 11, 12}, d(3), d(9)), v(1, {11, 10}, d(1), d(5))],
            0,
            [Overlap(10, 1, 2, d(3), d(5)), Overlap(11, 1, 2, d(3), d(5))],
        ),
        # Three on one unit: every pair that meets.
        (
            [v(1, {10}, d(1), d(10)), v(2, {10}, d(2), d(3)), v(3, {10}, d(8), d(12))],
            0,
            [Overlap(10, 1, 2, d(2), d(3)), Overlap(10, 1, 3, d(8), d(10))],
        ),
    ],
)
def test_overlaps(visits, gap, want):
    assert overlaps(visits, gap_days=gap) == want


def test_crowded_names_each_visits_clashes_both_ways():
    visits = [v(1, {10}, d(1), d(10)), v(2, {10}, d(2), d(3)), v(3, {11}, d(2), d(3))]
    assert crowded(visits) == {1: {2}, 2: {1}}


def test_the_month_and_its_weeks():
    assert month_bounds(2026, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    grid = weeks(2026, 11)
    assert grid[0][:6] == [None] * 6 and grid[0][6] == d(1)  # 1 November 2026 is a Sunday
    assert grid[-1][0] == d(30)


def test_on_day_lists_the_visits_under_way():
    visits = [v(2, {10}, d(3), d(5)), v(1, {11}, d(1), d(3))]
    assert on_day(visits, d(3)) == [1, 2]
    assert on_day(visits, d(6)) == []
