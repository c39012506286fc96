"""Forecasting a task's light from its trajectory (luoshi.dispatch.forecast), one table per rule.

The task runs 100 days, 2026-03-01 to 2026-06-09, so the expected progress on a day is the number of days
since the start (2026-04-10 is day 40: 40% expected), as in the light rules' tests.
"""

import datetime as dt

import pytest

from luoshi.dispatch.forecast import MIN_SPREAD, Point, forecast, trend
from luoshi.dispatch.lights import Light, TaskFacts

START = dt.date(2026, 3, 1)
DUE = dt.date(2026, 6, 9)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def weekly(*progress: float, first: int = 7) -> list[Point]:
    return [Point(day(first + 7 * i), p) for i, p in enumerate(progress)]


TASK = TaskFacts(start=START, due=DUE)


@pytest.mark.parametrize(
    ("points", "slope", "spread"),
    [
        ([], 0.0, 0.0),
        ([Point(day(0), 0)], 0.0, 0.0),
        ([Point(day(0), 0), Point(day(10), 10)], 1.0, 0.0),
        ([Point(day(0), 0), Point(day(10), 10), Point(day(20), 20)], 1.0, 0.0),
        ([Point(day(0), 50), Point(day(10), 40)], 0.0, 0.0),  # never downwards: work done stays done
        ([Point(day(5), 30), Point(day(5), 40)], 0.0, 0.0),  # one day only: no trend
    ],
)
def test_the_trend_is_the_least_squares_line_never_sloping_down(points, slope, spread):
    assert trend(points) == (pytest.approx(slope), pytest.approx(spread))


def test_a_noisy_trajectory_has_a_spread():
    slope, spread = trend([Point(day(0), 0), Point(day(7), 10), Point(day(14), 10), Point(day(21), 25)])
    assert slope == pytest.approx(25 / 21, rel=0.2) and spread > 2


@pytest.mark.parametrize(
    ("history", "today", "ahead", "light", "at_least"),
    [
        # Reporting a day's worth of work each day: green two cycles ahead, and sure of it.
        (weekly(7, 14, 21, 28, 35), day(35), 14, Light.GREEN, 0.9),
        # Stalled at 20% since day 21 while 49% is due by day 49: red two cycles ahead.
        (weekly(7, 14, 20, 20, 20), day(35), 14, Light.RED, 0.6),
        # Doing 5 days' work a week: 10 behind on day 35 and 14 behind on day 49, in the yellow band.
        (weekly(5, 10, 15, 20, 25), day(35), 14, Light.YELLOW, 0.4),
        # Nothing reported yet on day 10: no progress projected, 24 behind by day 24, yellow.
        ([], day(10), 14, Light.YELLOW, 0.4),
        # Two cycles on lie past the deadline: red unless the trend finishes the work by then.
        (weekly(60, 62, first=84), day(91), 14, Light.RED, 0.9),
        (weekly(80, 90, 97, first=77), day(91), 14, Light.DONE, 0.5),
    ],
)
def test_the_light_ahead_follows_the_trend(history, today, ahead, light, at_least):
    seen = forecast(TASK, history, today + dt.timedelta(days=ahead), today=today)
    assert seen.light is light
    assert seen.confidence >= at_least


def test_a_done_task_stays_done_with_certainty():
    done = TaskFacts(start=START, due=DUE, completed_on=day(50))
    seen = forecast(done, weekly(30, 60, 100), day(70), today=day(60))
    assert (seen.light, seen.confidence) == (Light.DONE, 1.0)


def test_reports_after_today_are_not_read():
    history = weekly(7, 14, 20, 20, 20) + [Point(day(42), 80)]
    assert forecast(TASK, history, day(49), today=day(35)) == forecast(
        TASK, weekly(7, 14, 20, 20, 20), day(49), today=day(35)
    )


def test_the_spread_grows_with_the_distance_ahead_and_so_doubt_does():
    history = weekly(5, 10, 15, 20, 25)  # drifting towards yellow
    one = forecast(TASK, history, day(42), today=day(35))
    two = forecast(TASK, history, day(49), today=day(35))
    assert one.projected < two.projected
    assert MIN_SPREAD > 0 and two.red_chance >= one.red_chance


def test_the_projection_never_falls_below_the_last_report_nor_rises_past_100():
    assert forecast(TASK, weekly(10, 50, 40, 30, 20), day(42), today=day(35)).projected == 20.0
    assert forecast(TASK, weekly(40, 80, 95), day(70), today=day(21)).projected == 100.0
