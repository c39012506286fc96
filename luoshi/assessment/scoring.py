"""Score units on an indicator system (考核指标体系) and rank them within their category (排名进位).

Pure: no Django, no clock, Decimal arithmetic with one rounding rule, so a run re-scored from its snapshot
gives the same figures to the last digit. Every caller (a run, its re-run, the bulletin, the tests) goes
through `score_unit` and `rank`; a stored score is only a cache of their answer.

The rules, each a row in the tests:
- An indicator is worth its weight in the unit's category. Its share (0..1) comes from the facts by its
  method: a rate of rows (on time / due; for a lower-is-better rate such as returns, 1 − the rate), an
  indicator's movement from baseline to target, or the mean of raters' marks out of 100 (评议).
- Rows excused under the fault-tolerance rules (容错免责) count neither for nor against the unit: they leave
  the rate's rows altogether.
- An indicator without facts for a unit (no reports were due, no rater marked it) is left out, and the
  unit's weighted score is scaled to the full weight by the indicators it has: a unit is neither rewarded
  nor punished for having had nothing of a kind to do. A unit with no facts at all is not ranked.
- Bonus and penalty items (加减分) add and subtract points, each side capped per category.
- Ranks are within a category, highest total first; equal totals share a rank (1, 2, 2, 4). The change
  since the previous run is the old rank minus the new (positive: 进位, moved up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from luoshi.plans.indicators import Direction

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")


def points(value: Decimal) -> Decimal:
    """Round to hundredths of a point, halves up, as an assessment table prints them."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Method(StrEnum):
    RATE = "rate"  # a share of rows: reports on time of those due, items closed on time of those due…
    ATTAINMENT = "attainment"  # an indicator's value from its baseline towards its target
    RATING = "rating"  # 评议: raters' marks out of 100


@dataclass(frozen=True)
class Leaf:
    """A scored indicator as one unit category weighs it."""

    key: str
    weight: Decimal
    method: Method
    direction: Direction = HIGHER
    baseline: Decimal | None = None  # ATTAINMENT only
    target: Decimal | None = None  # ATTAINMENT only


@dataclass(frozen=True)
class Rate:
    """Rows counted for a rate: `hits` of `of` (for a lower-is-better rate, the hits are the bad rows);
    `excused` of the bad rows were exempted under the fault-tolerance rules."""

    hits: int
    of: int
    excused: int = 0


@dataclass(frozen=True)
class Value:
    actual: Decimal | None


@dataclass(frozen=True)
class Ratings:
    marks: tuple[Decimal, ...]


Fact = Rate | Value | Ratings


@dataclass(frozen=True)
class Adjustment:
    """A bonus (positive points) or penalty (negative) item awarded to a unit, with why."""

    key: str
    points: Decimal


@dataclass(frozen=True)
class Caps:
    bonus: Decimal = Decimal(5)
    penalty: Decimal = Decimal(5)


@dataclass(frozen=True)
class LeafScore:
    key: str
    share: Decimal | None  # 0..1, None without facts
    points: Decimal | None
    weight: Decimal


@dataclass(frozen=True)
class UnitScore:
    unit: str
    leaves: tuple[LeafScore, ...]
    base: Decimal | None  # the weighted score, scaled to the full weight; None without any facts
    bonus: Decimal
    penalty: Decimal  # as a positive number of points taken off
    total: Decimal | None

    @property
    def scored(self) -> bool:
        return self.total is not None


def share_of(leaf: Leaf, fact: Fact | None) -> Decimal | None:
    """The part of the indicator's weight the facts earn, 0..1, or None when there is nothing to score."""
    if fact is None:
        return None
    if isinstance(fact, Rate):
        return _rate_share(leaf, fact)
    if isinstance(fact, Value):
        return _attainment(leaf, fact.actual)
    if not fact.marks:
        return None
    mean = sum(fact.marks, ZERO) / len(fact.marks)
    return _clamp(mean / HUNDRED)


def _rate_share(leaf: Leaf, rate: Rate) -> Decimal | None:
    if min(rate.hits, rate.of, rate.excused) < 0 or rate.hits > rate.of:
        raise ValueError(f"{leaf.key}: a rate of {rate.hits} of {rate.of} rows")
    bad = rate.hits if leaf.direction == LOWER else rate.of - rate.hits
    if rate.excused > bad:
        raise ValueError(f"{leaf.key}: {rate.excused} rows excused of {bad} that counted against the unit")
    of = rate.of - rate.excused
    if of == 0:
        return None
    if leaf.direction == LOWER:
        return _clamp(ONE - Decimal(rate.hits - rate.excused) / of)
    return _clamp(Decimal(rate.hits) / of)


def _attainment(leaf: Leaf, actual: Decimal | None) -> Decimal | None:
    if actual is None or leaf.target is None:
        return None
    met = actual >= leaf.target if leaf.direction == HIGHER else actual <= leaf.target
    if leaf.baseline is None or leaf.baseline == leaf.target:
        return ONE if met else ZERO  # no starting point: only reaching the target counts
    if leaf.direction == HIGHER:
        moved = (actual - leaf.baseline) / (leaf.target - leaf.baseline)
    else:
        moved = (leaf.baseline - actual) / (leaf.baseline - leaf.target)
    return _clamp(moved)


def _clamp(share: Decimal) -> Decimal:
    return min(max(share, ZERO), ONE).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def score_unit(
    unit: str,
    leaves: Sequence[Leaf],
    facts: dict[str, Fact],
    adjustments: Iterable[Adjustment] = (),
    caps: Caps = Caps(),  # noqa: B008 (frozen, so one shared default is safe)
) -> UnitScore:
    """Score one unit on its category's indicators, facts by indicator key."""
    scored = []
    for leaf in leaves:
        share = share_of(leaf, facts.get(leaf.key))
        scored.append(
            LeafScore(leaf.key, share, None if share is None else points(leaf.weight * share), leaf.weight)
        )
    full = sum((leaf.weight for leaf in leaves), ZERO)
    had = sum((s.weight for s in scored if s.points is not None), ZERO)
    earned = sum((s.points for s in scored if s.points is not None), ZERO)
    base = points(earned * full / had) if had else None
    adjustments = list(adjustments)
    bonus = min(sum((a.points for a in adjustments if a.points > 0), ZERO), caps.bonus)
    penalty = min(-sum((a.points for a in adjustments if a.points < 0), ZERO), caps.penalty)
    total = None if base is None else points(base + bonus - penalty)
    return UnitScore(unit, tuple(scored), base, points(bonus), points(penalty), total)


@dataclass(frozen=True)
class Ranked:
    unit: str
    total: Decimal | None
    rank: int | None  # None: not ranked (no facts)
    change: int | None  # previous rank − this one: positive moved up (进位); None without a previous rank


def rank(scores: Iterable[UnitScore], previous: dict[str, int] | None = None) -> list[Ranked]:
    """Rank one category's units, highest total first; equal totals share a rank; unranked units last."""
    previous = previous or {}
    ranked: list[Ranked] = []
    ordered = sorted(scores, key=lambda s: (s.total is None, -(s.total or ZERO), s.unit))
    place = 0
    last: Decimal | None = None
    for n, s in enumerate(ordered, start=1):
        if s.total is None:
            ranked.append(Ranked(s.unit, None, None, None))
            continue
        if s.total != last:
            place, last = n, s.total
        before = previous.get(s.unit)
        ranked.append(Ranked(s.unit, s.total, place, None if before is None else before - place))
    return ranked


@dataclass(frozen=True)
class Node:
    """An indicator of the system's tree as one category weighs it: groups hold the weights of their
    children (一级指标 → 二级指标)."""

    key: str
    weight: Decimal
    parent: str | None = None


class Problem(StrEnum):
    NEGATIVE = "negative"  # a weight below zero
    ORPHAN = "orphan"  # an indicator whose group is not in the system
    TOP = "top"  # the top level does not weigh the stated total
    GROUP = "group"  # a group does not weigh what its indicators add up to


@dataclass(frozen=True)
class WeightError:
    """What is wrong, where (`key`: the indicator or group; `parent`: the missing group), with the figures."""

    problem: Problem
    key: str | None = None
    parent: str | None = None
    weight: Decimal | None = None  # what the node (or the stated total) weighs
    held: Decimal | None = None  # what its children (or the top level) add up to

    def __str__(self) -> str:
        """In English, for logs and tests; pages say it in the reader's language (services)."""
        w, h = plain(self.weight), plain(self.held)
        return {
            Problem.NEGATIVE: f"{self.key}: a weight below zero ({w})",
            Problem.ORPHAN: f"{self.key}: its group {self.parent} is not in the system",
            Problem.TOP: f"the top level weighs {h}, not the stated total {w}",
            Problem.GROUP: f"{self.key}: weighs {w} but its indicators add up to {h}",
        }[self.problem]


def weight_errors(nodes: Sequence[Node], total: Decimal) -> list[WeightError]:
    """What is wrong with a category's weights: each group must hold the sum of its children, and the top
    level the stated total. Empty when the weights add up."""
    errors = []
    by_key = {n.key: n for n in nodes}
    children: dict[str | None, list[Node]] = {}
    for n in nodes:
        if n.weight < 0:
            errors.append(WeightError(Problem.NEGATIVE, n.key, weight=n.weight))
        if n.parent is not None and n.parent not in by_key:
            errors.append(WeightError(Problem.ORPHAN, n.key, parent=n.parent))
        children.setdefault(n.parent, []).append(n)
    top = sum((n.weight for n in children.get(None, [])), ZERO)
    if top != total:
        errors.append(WeightError(Problem.TOP, weight=total, held=top))
    for key, kids in children.items():
        if key is None or key not in by_key:
            continue
        held = sum((k.weight for k in kids), ZERO)
        if held != by_key[key].weight:
            errors.append(WeightError(Problem.GROUP, key, weight=by_key[key].weight, held=held))
    return errors


def plain(value: Decimal | None) -> str:
    """105.00 as 105, 12.50 as 12.5: a weight as a person writes it."""
    return "" if value is None else f"{value.normalize():f}"
