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


# On the task page ----------------------------------------------------------------------------------------


@pytest.fixture
def stalled(city, clock):
    """A task from 2026-09-01 to 2026-12-31 reporting weekly (weeks 42 to 46), stalled at 44% for three
    weeks: yellow on 2026-11-18 (64% expected), and red by the next deadline if nothing moves."""
    from luoshi.dispatch import services
    from luoshi.dispatch.models import Report
    from luoshi.dispatch.services import ReportData
    from luoshi.testing import make_task, make_weekly_cadence

    task = make_task(
        city, title="推进城北污水处理厂建设", start=dt.date(2026, 9, 1), due=dt.date(2026, 12, 31)
    )
    cadence = make_weekly_cadence(city)
    for number, percent in zip(range(42, 47), (40, 43, 44, 44, 44), strict=True):
        clock.set(dt.date(2026, 1, 5) + dt.timedelta(weeks=number - 1))  # the week's Monday
        cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
        report = Report.objects.get(task=task, cycle=cycle)
        clock.advance(days=2)
        report = services.submit_report(
            report=report, by=city.county_liaison, data=ReportData(percent=percent, progress="主体施工"),
            expected_version=report.version, idempotency_key=f"w{number}",
        )  # fmt: skip
        services.accept_reports(reports=[report], by=city.city_supervisor)
    clock.set(dt.date(2026, 11, 18))
    return task


def test_the_task_page_shows_a_yellow_task_likely_red_at_the_next_cycle(client, city, stalled):
    client.force_login(city.county_liaison)
    page = client.get(f"/tasks/{stalled.pk}/").content.decode()
    assert 'data-light="yellow"' in page.split('data-testid="task-light"')[1][:200]  # yellow today
    assert page.count('data-testid="forecast"') == 2
    assert 'data-testid="likely-red"' in page
    # Week 46 (due 11-20) is the latest asked; weeks 47 and 48 are due 11-27 (72% expected) and 12-04.
    assert 'data-testid="likely-red">1个周期后可能转红<' in page


def test_a_task_on_track_is_not_called_likely_red(client, city, stalled, clock):
    from luoshi.plans.models import Task

    Task.objects.filter(pk=stalled.pk).update(start=dt.date(2026, 10, 15))  # the same reports, a later start
    from luoshi.dispatch import status

    status.rebuild(today=clock.today())
    client.force_login(city.county_liaison)
    page = client.get(f"/tasks/{stalled.pk}/").content.decode()
    assert 'data-testid="forecast"' in page and 'data-testid="likely-red"' not in page
