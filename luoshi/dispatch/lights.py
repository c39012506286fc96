"""Derive a task's status light (红黄绿灯) from its facts. Pure: no Django, so it tests in microseconds.

The rules are DESIGN §4. Every caller (the report service, the nightly rebuild, the tests) goes through
`status()`, so a stored light is only ever a cache of this function's answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from luoshi.plans.indicators import Direction

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
DIRECTIONS = tuple(Direction)


class Light(StrEnum):
    """The lights, worst first (the order of every table and chart that counts them)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    DONE = "done"
    DONE_LATE = "done_late"


class Reason(StrEnum):
    """Why a task has its light; stored and shown as the plain string."""

    DONE = "done"
    DONE_LATE = "done_late"
    DEADLINE_PASSED = "deadline_passed"
    UNREPORTED = "unreported"
    BEHIND = "behind"
    MILESTONE_OVERDUE = "milestone_overdue"
    ON_TRACK = "on_track"


@dataclass(frozen=True)
class Thresholds:
    yellow_gap: float = 10.0  # percentage points behind expected progress -> yellow
    red_gap: float = 25.0  # percentage points behind -> red
    unreported_red: int = 2  # this many most-recent due cycles in a row without a report -> red


@dataclass(frozen=True)
class MilestonePoint:
    """A 节点 (milestone): the progress a task should have reached by a date."""

    due: dt.date
    expected: int  # expected progress % by `due`
    reached: bool = False  # confirmed as reached by the office, whatever the reports say


@dataclass(frozen=True)
class Indicator:
    """A 指标 (measurable indicator) with the latest accepted value.

    Raise ValueError on a direction other than "higher" or "lower": a typo would otherwise silently
    invert the attainment.
    """

    baseline: Decimal | None
    target: Decimal
    direction: str  # "higher" or "lower" (lower is better, e.g. PM2.5, approval days)
    actual: Decimal | None  # latest accepted reported value

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"indicator direction must be one of {DIRECTIONS}, not {self.direction!r}")


@dataclass(frozen=True)
class TaskFacts:
    start: dt.date
    due: dt.date
    completed_on: dt.date | None = None
    milestones: tuple[MilestonePoint, ...] = ()
    reported_progress: int | None = None  # % in the latest accepted report; None = no report yet
    indicator: Indicator | None = None
    missed_cycles: int = 0  # consecutive most recent due cycles with no report


class MilestoneState(StrEnum):
    REACHED = "reached"
    OVERDUE = "overdue"
    AHEAD = "ahead"  # not reached, not yet due


@dataclass(frozen=True)
class Status:
    light: Light
    expected: float  # expected progress % on the day
    actual: float | None  # actual progress %, None if nothing reported
    reason: str  # a `Reason` value


DEFAULT_THRESHOLDS = Thresholds()


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def _knots(facts: TaskFacts) -> list[tuple[dt.date, float]]:
    """Return the milestones strictly inside (start, due) as (date, %) pairs, sorted by date.

    Two milestones on one day keep the higher expectation, the stricter reading. Milestones on or outside
    the task's dates cannot bend the curve: 0 at start and 100 at due are fixed by the rules, so such
    milestones only count for the overdue check.
    """
    by_day: dict[dt.date, float] = {}
    for m in facts.milestones:
        if facts.start < m.due < facts.due:
            by_day[m.due] = max(by_day.get(m.due, -float("inf")), float(m.expected))
    return sorted(by_day.items())


def expected_progress(facts: TaskFacts, on: dt.date) -> float:
    """Return the progress % the task should have reached on `on`, within 0..100.

    The curve is piecewise linear through (start, 0), each milestone (due, expected) and (due, 100): the
    latest point on or before `on` gives the level and the expectation then rises evenly to the next
    point. Rising smoothly, rather than stepping up on each milestone's day, keeps a task that reports
    steady work from flipping yellow the morning after a milestone.
    """
    if on >= facts.due:
        return 100.0
    if on < facts.start:
        return 0.0
    prev_day, prev_pct = facts.start, 0.0
    next_day, next_pct = facts.due, 100.0
    for day, pct in _knots(facts):
        if day <= on:
            prev_day, prev_pct = day, pct
        else:
            next_day, next_pct = day, pct
            break
    # start <= prev_day <= on < next_day, so the span is never zero.
    elapsed = (on - prev_day).days
    span = (next_day - prev_day).days
    return _clamp(prev_pct + (next_pct - prev_pct) * elapsed / span)


def indicator_attainment(ind: Indicator) -> float | None:
    """Return how far the indicator has moved from baseline to target, as a % within 0..100.

    None when there is no actual value, or when there is no usable baseline (missing, or equal to the
    target) and the target is not yet met: without a starting point, partial movement cannot be measured.
    """
    if ind.actual is None:
        return None
    if ind.baseline is None or ind.baseline == ind.target:
        met = ind.actual >= ind.target if ind.direction == HIGHER else ind.actual <= ind.target
        return 100.0 if met else None
    if ind.direction == HIGHER:
        share = (ind.actual - ind.baseline) / (ind.target - ind.baseline)
    else:
        share = (ind.baseline - ind.actual) / (ind.baseline - ind.target)
    return _clamp(float(share * 100))


def actual_progress(facts: TaskFacts) -> float | None:
    """Return the task's actual progress %, within 0..100, or None when nothing has been reported.

    A measured indicator outweighs the self-reported percentage, which is only the fallback.
    """
    if facts.indicator is not None:
        attained = indicator_attainment(facts.indicator)
        if attained is not None:
            return attained
    if facts.reported_progress is None:
        return None
    return _clamp(float(facts.reported_progress))


def milestone_state(milestone: MilestonePoint, facts: TaskFacts, on: dt.date) -> MilestoneState:
    """Return whether the milestone is reached, overdue or still ahead on `on`.

    Reached when the office confirmed it, when the task is done, or when the task's actual progress (its
    indicator first, else its reports) has come up to the milestone's expectation. A milestone due today
    still has the rest of the day.
    """
    done = actual_progress(facts)
    if (
        milestone.reached
        or facts.completed_on is not None
        or (done is not None and done >= milestone.expected)
    ):
        return MilestoneState.REACHED
    if milestone.due < on:
        return MilestoneState.OVERDUE
    return MilestoneState.AHEAD


def status(facts: TaskFacts, on: dt.date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Status:
    """Return the task's light on `on`; the first matching rule of DESIGN §4 wins.

    `facts` are taken as they stand: a task with `completed_on` set is done even when asked about an
    earlier day.
    """
    expected = expected_progress(facts, on)
    actual = actual_progress(facts)

    def verdict(light: Light, reason: Reason) -> Status:
        return Status(light=light, expected=expected, actual=actual, reason=reason)

    if facts.completed_on is not None:
        if facts.completed_on <= facts.due:
            return verdict(Light.DONE, Reason.DONE)
        return verdict(Light.DONE_LATE, Reason.DONE_LATE)
    if on > facts.due:
        return verdict(Light.RED, Reason.DEADLINE_PASSED)
    if facts.missed_cycles >= thresholds.unreported_red:
        return verdict(Light.RED, Reason.UNREPORTED)
    # No report yet counts as no progress: harmless early on, and it turns the light as time passes.
    done_so_far = actual if actual is not None else 0.0
    gap = expected - done_so_far
    if gap > thresholds.red_gap:
        return verdict(Light.RED, Reason.BEHIND)
    if gap > thresholds.yellow_gap:
        return verdict(Light.YELLOW, Reason.BEHIND)
    if any(milestone_state(m, facts, on) is MilestoneState.OVERDUE for m in facts.milestones):
        return verdict(Light.YELLOW, Reason.MILESTONE_OVERDUE)
    return verdict(Light.GREEN, Reason.ON_TRACK)
