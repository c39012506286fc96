"""Forecast a task's light one and two cycles ahead from its trajectory. Pure: no Django, no clock.

A forecast is advice shown to people: it never changes a light, a score or a rank. It carries its own
confidence, the probability of the light it names under the spread of the trend.

The method, each step a row in the tests:
- The trajectory is the progress the task reported (its indicator's attainment where it has one), dated,
  with (start, 0) as its first point. The trend is the least-squares line through the last
  `TREND_POINTS` points, never sloping down: work done stays done.
- The projection at a day ahead is the trend's value there, within 0..100 and never below the last
  report. Its spread grows with the distance ahead: the residuals of the fit (at least `MIN_SPREAD`
  points of progress per cycle length), times the square root of the cycles ahead.
- The light the projection gives is read with the rules of `lights` (expected progress against the
  thresholds, a passed deadline red); the chance of each light is the normal probability of the
  projected gap falling in its band.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from luoshi.dispatch.lights import DEFAULT_THRESHOLDS, Light, TaskFacts, Thresholds, expected_progress

TREND_POINTS = 3  # the last two cycles' change: a stall of two cycles outweighs the rise before it
MIN_SPREAD = 5.0  # points of progress per cycle: a trend is never that sure


@dataclass(frozen=True)
class Point:
    on: dt.date
    progress: float  # 0..100


@dataclass(frozen=True)
class Forecast:
    on: dt.date
    light: Light
    confidence: float  # the probability of `light`, 0..1
    red_chance: float
    projected: float  # projected progress % on the day
    expected: float  # the progress % the task should have reached that day

    @property
    def likely_red(self) -> bool:
        return self.light is Light.RED

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def trend(points: Sequence[Point]) -> tuple[float, float]:
    """(slope per day, residual spread) of the least-squares line through `points`; slope never below 0."""
    if len(points) < 2:
        return 0.0, 0.0
    xs = [(p.on - points[0].on).days for p in points]
    ys = [p.progress for p in points]
    n = len(points)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    residuals = [y - (my + slope * (x - mx)) for x, y in zip(xs, ys, strict=True)]
    spread = math.sqrt(sum(r * r for r in residuals) / max(n - 2, 1)) if n > 2 else 0.0
    return max(slope, 0.0), spread


def _normal_below(x: float, mean: float, sigma: float) -> float:
    """P(X < x) for X ~ N(mean, sigma²)."""
    return 0.5 * (1 + math.erf((x - mean) / (sigma * math.sqrt(2))))


def forecast(
    facts: TaskFacts,
    history: Sequence[Point],
    on: dt.date,
    *,
    cycle_days: int = 7,
    today: dt.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Forecast:
    """The task's likely light on `on` (a cycle or two after `today`), from the progress reported by today."""
    expected = expected_progress(facts, on)
    if facts.completed_on is not None and facts.completed_on <= today:
        light = Light.DONE if facts.completed_on <= facts.due else Light.DONE_LATE
        return Forecast(on, light, 1.0, 0.0, 100.0, expected)
    known = sorted((p for p in history if p.on <= today), key=lambda p: p.on)
    points = [Point(facts.start, 0.0), *known][-TREND_POINTS:]
    slope, spread = trend(points)
    last = points[-1]
    projected = min(100.0, max(last.progress, last.progress + slope * (on - last.on).days))
    ahead = max((on - today).days / cycle_days, 1.0)
    sigma = max(spread, MIN_SPREAD) * math.sqrt(ahead)
    if on > facts.due:  # the deadline will have passed: red unless the work is done by then
        at_due = last.progress + slope * (facts.due - last.on).days  # unclamped: how far past 100 it heads
        done_chance = 1 - _normal_below(100.0, at_due, sigma)
        red = 1 - done_chance
        light, confidence = (Light.RED, red) if red >= 0.5 else (Light.DONE, done_chance)
        return Forecast(on, light, round(confidence, 3), round(red, 3), projected, expected)
    red = _normal_below(expected - thresholds.red_gap, projected, sigma)
    yellow = _normal_below(expected - thresholds.yellow_gap, projected, sigma) - red
    green = 1 - red - yellow
    chances = ((Light.RED, red), (Light.YELLOW, yellow), (Light.GREEN, green))
    light, confidence = max(chances, key=lambda c: c[1])
    return Forecast(on, light, round(confidence, 3), round(red, 3), round(projected, 1), expected)
