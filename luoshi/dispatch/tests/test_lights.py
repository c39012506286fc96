"""The status light rules of DESIGN §4, one table per rule.

Most rows use a 100-day task, 2026-03-01 to 2026-06-09, so the straight-line expectation on a day equals
the number of days since the start (2026-04-10 is day 40, so 40% expected).
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.dispatch.lights import (
    Indicator,
    Light,
    MilestonePoint,
    MilestoneState,
    Reason,
    Status,
    TaskFacts,
    Thresholds,
    actual_progress,
    expected_progress,
    indicator_attainment,
    milestone_state,
    status,
)

START = dt.date(2026, 3, 1)
DUE = dt.date(2026, 6, 9)  # day 100


def task(**changes) -> TaskFacts:
    return TaskFacts(**{"start": START, "due": DUE, **changes})


def milestone(due: dt.date, expected: int, reached: bool = False) -> MilestonePoint:
    return MilestonePoint(due=due, expected=expected, reached=reached)


def indicator(baseline, target, actual, direction="higher") -> Indicator:
    def dec(v):
        return None if v is None else Decimal(v)

    return Indicator(baseline=dec(baseline), target=Decimal(target), direction=direction, actual=dec(actual))


# Day 20 expects 50%, day 60 expects 70%; the curve runs 0 → 50 → 70 → 100.
TWO_MILESTONES = (milestone(dt.date(2026, 3, 21), 50), milestone(dt.date(2026, 4, 30), 70))
PM25 = indicator("35", "30", "32", direction="lower")  # µg/m³, from 35 down to 30, now 32: 60% of the way


@pytest.mark.parametrize(
    ("facts", "on", "expected"),
    [
        pytest.param(task(), dt.date(2026, 2, 20), 0.0, id="before-start"),
        pytest.param(task(), START, 0.0, id="on-start"),
        pytest.param(task(), dt.date(2026, 4, 10), 40.0, id="linear-day-40"),
        pytest.param(task(), DUE, 100.0, id="on-due"),
        pytest.param(task(), dt.date(2026, 7, 1), 100.0, id="after-due"),
        pytest.param(task(due=START), dt.date(2026, 2, 28), 0.0, id="start-equals-due-day-before"),
        pytest.param(task(due=START), START, 100.0, id="start-equals-due-on-the-day"),
        pytest.param(task(due=START), dt.date(2026, 3, 2), 100.0, id="start-equals-due-day-after"),
        pytest.param(
            task(milestones=TWO_MILESTONES), dt.date(2026, 3, 11), 25.0, id="before-first-milestone"
        ),
        pytest.param(task(milestones=TWO_MILESTONES), dt.date(2026, 3, 21), 50.0, id="on-a-milestone"),
        pytest.param(task(milestones=TWO_MILESTONES), dt.date(2026, 4, 10), 60.0, id="between-milestones"),
        pytest.param(task(milestones=TWO_MILESTONES), dt.date(2026, 5, 20), 85.0, id="after-last-milestone"),
        pytest.param(
            task(milestones=TWO_MILESTONES[::-1]), dt.date(2026, 4, 10), 60.0, id="unsorted-milestones"
        ),
        pytest.param(
            task(milestones=(milestone(dt.date(2026, 3, 21), 40), milestone(dt.date(2026, 3, 21), 50))),
            dt.date(2026, 3, 21),
            50.0,
            id="two-milestones-one-day-keep-the-higher",
        ),
        pytest.param(
            task(milestones=(milestone(dt.date(2026, 2, 1), 80), milestone(dt.date(2026, 7, 1), 50))),
            dt.date(2026, 4, 10),
            40.0,
            id="milestones-outside-the-task-dates-are-ignored",
        ),
        pytest.param(
            task(milestones=(milestone(dt.date(2026, 4, 20), 120),)),
            dt.date(2026, 4, 20),
            100.0,
            id="milestone-above-100-is-clamped",
        ),
    ],
)
def test_expected_progress(facts, on, expected):
    assert expected_progress(facts, on) == expected


@pytest.mark.parametrize(
    ("ind", "attainment"),
    [
        pytest.param(indicator("100", "200", "150"), 50.0, id="higher-halfway"),
        pytest.param(indicator("100", "200", "250"), 100.0, id="higher-beyond-target-clamped"),
        pytest.param(indicator("100", "200", "90"), 0.0, id="higher-below-baseline-clamped"),
        pytest.param(PM25, 60.0, id="lower-35-to-30-at-32"),
        pytest.param(indicator("35", "30", "28", direction="lower"), 100.0, id="lower-beyond-target-clamped"),
        pytest.param(indicator("35", "30", "37", direction="lower"), 0.0, id="lower-got-worse-clamped"),
        pytest.param(indicator("100", "200", None), None, id="no-actual"),
        pytest.param(indicator(None, "95", "96"), 100.0, id="no-baseline-higher-met"),
        pytest.param(indicator(None, "95", "95"), 100.0, id="no-baseline-higher-met-exactly"),
        pytest.param(indicator(None, "95", "94"), None, id="no-baseline-higher-unmet"),
        pytest.param(indicator(None, "30", "29", direction="lower"), 100.0, id="no-baseline-lower-met"),
        pytest.param(indicator(None, "30", "31", direction="lower"), None, id="no-baseline-lower-unmet"),
        pytest.param(indicator("30", "30", "30"), 100.0, id="baseline-equals-target-met"),
        pytest.param(indicator("30", "30", "31", direction="lower"), None, id="baseline-equals-target-unmet"),
    ],
)
def test_indicator_attainment(ind, attainment):
    assert indicator_attainment(ind) == attainment


def test_an_unknown_indicator_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        indicator("35", "30", "32", direction="down")


@pytest.mark.parametrize(
    ("facts", "actual"),
    [
        pytest.param(task(), None, id="nothing-reported"),
        pytest.param(task(reported_progress=45), 45.0, id="reported-percent"),
        pytest.param(task(reported_progress=120), 100.0, id="reported-above-100-clamped"),
        pytest.param(
            task(reported_progress=90, indicator=indicator("0", "200", "50")),
            25.0,
            id="indicator-overrides-report",
        ),
        pytest.param(task(indicator=PM25), 60.0, id="indicator-without-any-report"),
        pytest.param(
            task(reported_progress=30, indicator=indicator("0", "200", None)),
            30.0,
            id="indicator-without-actual-falls-back-to-report",
        ),
        pytest.param(
            task(reported_progress=10, indicator=indicator(None, "95", "96")),
            100.0,
            id="no-baseline-target-met",
        ),
        pytest.param(
            task(reported_progress=30, indicator=indicator(None, "95", "90")),
            30.0,
            id="no-baseline-target-unmet-falls-back-to-report",
        ),
        pytest.param(
            task(indicator=indicator(None, "95", "90")), None, id="no-baseline-target-unmet-no-report"
        ),
    ],
)
def test_actual_progress(facts, actual):
    assert actual_progress(facts) == actual


# A milestone on day 50 expecting 50% keeps the curve straight, so only the overdue rule can fire.
DAY_50_MILESTONE = (milestone(dt.date(2026, 4, 20), 50),)


@pytest.mark.parametrize(
    ("facts", "on", "light", "reason"),
    [
        # No report yet counts as 0%: fine early, behind later.
        pytest.param(task(), dt.date(2026, 3, 6), Light.GREEN, Reason.ON_TRACK, id="no-report-day-5-green"),
        pytest.param(task(), dt.date(2026, 3, 11), Light.GREEN, Reason.ON_TRACK, id="no-report-day-10-green"),
        pytest.param(task(), dt.date(2026, 3, 21), Light.YELLOW, Reason.BEHIND, id="no-report-day-20-yellow"),
        pytest.param(task(), dt.date(2026, 3, 31), Light.RED, Reason.BEHIND, id="no-report-day-30-red"),
        pytest.param(task(), dt.date(2026, 2, 20), Light.GREEN, Reason.ON_TRACK, id="before-start-green"),
        # Day 50 expects 50%; the gap must exceed a threshold, not merely reach it.
        pytest.param(
            task(reported_progress=40), dt.date(2026, 4, 20), Light.GREEN, Reason.ON_TRACK, id="gap-10-green"
        ),
        pytest.param(
            task(reported_progress=39), dt.date(2026, 4, 20), Light.YELLOW, Reason.BEHIND, id="gap-11-yellow"
        ),
        pytest.param(
            task(reported_progress=25), dt.date(2026, 4, 20), Light.YELLOW, Reason.BEHIND, id="gap-25-yellow"
        ),
        pytest.param(
            task(reported_progress=24), dt.date(2026, 4, 20), Light.RED, Reason.BEHIND, id="gap-26-red"
        ),
        pytest.param(
            task(reported_progress=80), dt.date(2026, 4, 20), Light.GREEN, Reason.ON_TRACK, id="ahead-green"
        ),
        # Milestones: overdue only from the day after they fall due.
        pytest.param(
            task(milestones=DAY_50_MILESTONE, reported_progress=45),
            dt.date(2026, 4, 20),
            Light.GREEN,
            Reason.ON_TRACK,
            id="milestone-due-today-not-overdue",
        ),
        pytest.param(
            task(milestones=DAY_50_MILESTONE, reported_progress=45),
            dt.date(2026, 4, 21),
            Light.YELLOW,
            Reason.MILESTONE_OVERDUE,
            id="milestone-due-yesterday-overdue",
        ),
        pytest.param(
            task(milestones=(milestone(dt.date(2026, 4, 20), 50, reached=True),), reported_progress=45),
            dt.date(2026, 4, 21),
            Light.GREEN,
            Reason.ON_TRACK,
            id="milestone-past-but-reached-green",
        ),
        pytest.param(
            task(milestones=DAY_50_MILESTONE, reported_progress=50),
            dt.date(2026, 4, 21),
            Light.GREEN,
            Reason.ON_TRACK,
            id="milestone-past-progress-at-its-level-green",
        ),
        pytest.param(
            task(milestones=TWO_MILESTONES[::-1], reported_progress=55),
            dt.date(2026, 3, 22),
            Light.GREEN,
            Reason.ON_TRACK,
            id="unsorted-milestones-met-green",
        ),
        pytest.param(
            task(milestones=TWO_MILESTONES[::-1], reported_progress=48),
            dt.date(2026, 3, 22),
            Light.YELLOW,
            Reason.MILESTONE_OVERDUE,
            id="unsorted-milestones-missed-yellow",
        ),
        # Completion wins over everything else.
        pytest.param(
            task(completed_on=dt.date(2026, 6, 1)),
            dt.date(2026, 6, 20),
            Light.DONE,
            Reason.DONE,
            id="done-early",
        ),
        pytest.param(
            task(completed_on=DUE), dt.date(2026, 6, 20), Light.DONE, Reason.DONE, id="done-on-due-day"
        ),
        pytest.param(
            task(completed_on=dt.date(2026, 6, 12)),
            dt.date(2026, 6, 20),
            Light.DONE_LATE,
            Reason.DONE_LATE,
            id="done-late",
        ),
        pytest.param(
            task(completed_on=dt.date(2026, 6, 1), missed_cycles=5),
            dt.date(2026, 6, 20),
            Light.DONE,
            Reason.DONE,
            id="done-despite-missed-cycles",
        ),
        # The deadline.
        pytest.param(
            task(reported_progress=99),
            dt.date(2026, 6, 10),
            Light.RED,
            Reason.DEADLINE_PASSED,
            id="deadline-passed-unfinished-red",
        ),
        pytest.param(
            task(reported_progress=95),
            DUE,
            Light.GREEN,
            Reason.ON_TRACK,
            id="due-today-unfinished-not-yet-red",
        ),
        pytest.param(
            task(missed_cycles=3),
            dt.date(2026, 6, 10),
            Light.RED,
            Reason.DEADLINE_PASSED,
            id="deadline-passed-named-before-unreported",
        ),
        pytest.param(
            task(due=START), START, Light.RED, Reason.BEHIND, id="one-day-task-on-its-day-without-report-red"
        ),
        # Reporting cycles.
        pytest.param(
            task(reported_progress=40, missed_cycles=2),
            dt.date(2026, 4, 10),
            Light.RED,
            Reason.UNREPORTED,
            id="two-cycles-unreported-red",
        ),
        pytest.param(
            task(reported_progress=40, missed_cycles=1),
            dt.date(2026, 4, 10),
            Light.GREEN,
            Reason.ON_TRACK,
            id="one-cycle-unreported-green",
        ),
        # Indicators.
        pytest.param(
            task(reported_progress=90, indicator=indicator("0", "200", "40")),
            dt.date(2026, 4, 20),
            Light.RED,
            Reason.BEHIND,
            id="indicator-at-20-percent-overrides-report-of-90",
        ),
        pytest.param(
            task(reported_progress=10, indicator=PM25),
            dt.date(2026, 4, 30),
            Light.GREEN,
            Reason.ON_TRACK,
            id="lower-is-better-indicator-at-60-on-day-60-green",
        ),
        pytest.param(
            task(reported_progress=10, indicator=indicator(None, "95", "96")),
            dt.date(2026, 5, 30),
            Light.GREEN,
            Reason.ON_TRACK,
            id="indicator-without-baseline-met-green",
        ),
        pytest.param(
            task(reported_progress=35, indicator=indicator(None, "95", "90")),
            dt.date(2026, 4, 20),
            Light.YELLOW,
            Reason.BEHIND,
            id="indicator-without-baseline-unmet-uses-report",
        ),
    ],
)
def test_status(facts, on, light, reason):
    got = status(facts, on)
    assert (got.light, got.reason) == (light, reason)


def test_a_red_task_catching_up_turns_yellow_then_green():
    on = dt.date(2026, 4, 30)  # day 60: 60% expected
    lights = [status(task(reported_progress=p), on).light for p in (30, 45, 55)]
    assert lights == [Light.RED, Light.YELLOW, Light.GREEN]


@pytest.mark.parametrize(
    ("facts", "light", "reason"),
    [
        pytest.param(task(reported_progress=44), Light.YELLOW, Reason.BEHIND, id="gap-6-yellow-at-5"),
        pytest.param(task(reported_progress=34), Light.RED, Reason.BEHIND, id="gap-16-red-at-15"),
        pytest.param(
            task(reported_progress=50, missed_cycles=2), Light.GREEN, Reason.ON_TRACK, id="2-missed-of-3"
        ),
        pytest.param(
            task(reported_progress=50, missed_cycles=3), Light.RED, Reason.UNREPORTED, id="3-missed-of-3"
        ),
    ],
)
def test_status_uses_the_given_thresholds(facts, light, reason):
    strict = Thresholds(yellow_gap=5, red_gap=15, unreported_red=3)
    got = status(facts, dt.date(2026, 4, 20), strict)
    assert (got.light, got.reason) == (light, reason)


def test_status_carries_the_numbers_it_was_judged_on():
    got = status(task(indicator=PM25), dt.date(2026, 4, 10))
    assert got == Status(light=Light.GREEN, expected=40.0, actual=60.0, reason="on_track")


dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))
values = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
any_facts = st.builds(
    TaskFacts,
    start=dates,
    due=dates,
    completed_on=st.none() | dates,
    milestones=st.lists(st.builds(MilestonePoint, due=dates, expected=st.integers(-50, 200)), max_size=6).map(
        tuple
    ),
    reported_progress=st.none() | st.integers(-50, 200),
    indicator=st.none()
    | st.builds(
        Indicator,
        baseline=st.none() | values,
        target=values,
        direction=st.sampled_from(["higher", "lower"]),
        actual=st.none() | values,
    ),
    missed_cycles=st.integers(0, 10),
)


@given(facts=any_facts, on=dates)
def test_status_never_raises_and_stays_within_bounds(facts, on):
    got = status(facts, on)
    assert 0.0 <= got.expected <= 100.0
    assert got.actual is None or 0.0 <= got.actual <= 100.0
    assert got.reason in set(Reason)
    assert (got.light in {Light.DONE, Light.DONE_LATE}) == (facts.completed_on is not None)
    assert status(facts, on) == got


HALF_BY_DAY_50 = milestone(dt.date(2026, 4, 20), 50)


@pytest.mark.parametrize(
    ("facts", "on", "expected"),
    [
        pytest.param(
            task(reported_progress=45), dt.date(2026, 4, 20), MilestoneState.AHEAD, id="due-today-ahead"
        ),
        pytest.param(
            task(reported_progress=45), dt.date(2026, 4, 21), MilestoneState.OVERDUE, id="due-yesterday"
        ),
        pytest.param(
            task(reported_progress=50), dt.date(2026, 4, 21), MilestoneState.REACHED, id="met-by-report"
        ),
        pytest.param(task(), dt.date(2026, 4, 10), MilestoneState.AHEAD, id="nothing-reported-not-due"),
        pytest.param(
            task(reported_progress=10, indicator=PM25),
            dt.date(2026, 4, 21),
            MilestoneState.REACHED,
            id="met-by-indicator",
        ),
        pytest.param(
            task(reported_progress=90, indicator=indicator("0", "100", "20")),
            dt.date(2026, 4, 21),
            MilestoneState.OVERDUE,
            id="indicator-outweighs-report",
        ),
        pytest.param(
            task(completed_on=dt.date(2026, 5, 1)),
            dt.date(2026, 5, 2),
            MilestoneState.REACHED,
            id="task-done",
        ),
    ],
)
def test_a_milestone_is_reached_overdue_or_ahead(facts, on, expected):
    milestone = HALF_BY_DAY_50
    facts = TaskFacts(**{**facts.__dict__, "milestones": (milestone,)})
    assert milestone_state(milestone, facts, on) is expected


def test_a_milestone_the_office_confirmed_is_reached_whatever_the_reports_say():
    confirmed = milestone(dt.date(2026, 4, 20), 50, reached=True)
    facts = task(milestones=(confirmed,), reported_progress=10)
    assert milestone_state(confirmed, facts, dt.date(2026, 5, 1)) is MilestoneState.REACHED
