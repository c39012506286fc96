import datetime as dt

import pytest

from luoshi.dispatch.calendar import (
    due_for_level,
    is_working_day,
    period,
    period_number_on,
    working_day_on_or_after,
    working_days_before,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 11, 20), True),  # a Friday
        (D(2026, 11, 21), False),  # a Saturday
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),  # National Day holiday week, a Wednesday
        (D(2026, 10, 10), True),  # a Saturday swapped to a working day (调休)
        (D(2031, 3, 3), True),  # a year the calendar package does not know: Monday–Friday
    ],
)
def test_working_days_follow_the_chinese_calendar(day, working):
    assert is_working_day(day) is working


def test_a_due_date_on_a_holiday_moves_to_the_next_working_day():
    assert working_day_on_or_after(D(2026, 10, 2)) == D(2026, 10, 8)
    assert working_day_on_or_after(D(2026, 11, 20)) == D(2026, 11, 20)


def test_working_days_before_skips_rest_days():
    assert working_days_before(D(2026, 11, 23), 1) == D(2026, 11, 20)  # Monday -> Friday
    assert working_days_before(D(2026, 11, 23), 0) == D(2026, 11, 23)


@pytest.mark.parametrize(
    ("frequency", "number", "expected"),
    [
        ("weekly", 1, (D(2026, 1, 5), D(2026, 1, 11), D(2026, 1, 9))),
        ("weekly", 40, (D(2026, 10, 5), D(2026, 10, 11), D(2026, 10, 9))),  # Friday 10-09 is a working day
        ("biweekly", 2, (D(2026, 1, 19), D(2026, 2, 1), D(2026, 1, 30))),
        ("monthly", 2, (D(2026, 2, 5), D(2026, 3, 4), D(2026, 3, 4))),
        ("quarterly", 1, (D(2026, 1, 5), D(2026, 4, 4), D(2026, 4, 7))),  # 4-4..4-6 Qingming holiday
    ],
)
def test_periods_and_their_due_days(frequency, number, expected):
    p = period(frequency=frequency, anchor=D(2026, 1, 5), number=number, due_weekday=4)
    assert (p.start, p.end, p.due) == expected


def test_the_week_of_national_day_is_due_after_the_holiday():
    p = period(frequency="weekly", anchor=D(2026, 1, 5), number=39, due_weekday=4)
    assert (p.start, p.due) == (D(2026, 9, 28), D(2026, 10, 8))  # Friday 10-02 is a holiday


@pytest.mark.parametrize(
    ("frequency", "day", "number"),
    [
        ("weekly", D(2026, 1, 4), 0),
        ("weekly", D(2026, 1, 5), 1),
        ("weekly", D(2026, 1, 12), 2),
        ("biweekly", D(2026, 1, 18), 1),
        ("monthly", D(2026, 2, 4), 1),
        ("monthly", D(2026, 2, 5), 2),
        ("quarterly", D(2026, 11, 21), 4),
    ],
)
def test_the_period_containing_a_day(frequency, day, number):
    assert period_number_on(frequency=frequency, anchor=D(2026, 1, 5), day=day) == number


def test_lower_levels_are_due_earlier_in_working_days():
    tz = dt.timezone(dt.timedelta(hours=8))
    due = dt.datetime(2026, 11, 23, 17, 0, tzinfo=tz)  # a Monday
    assert due_for_level(due, level=0, lead_days=1) == due
    assert due_for_level(due, level=1, lead_days=1) == dt.datetime(2026, 11, 20, 17, 0, tzinfo=tz)
    assert due_for_level(due, level=2, lead_days=1) == dt.datetime(2026, 11, 19, 17, 0, tzinfo=tz)
