"""Two runs of one indicator system side by side: for each unit its rank and total in both, how far it moved
(进位/退位), and which indicators moved it, each with the facts behind it in both runs.

Pure: it reads two snapshots and the results `services.score_snapshot` gives them, nothing else, so a
comparison of stored runs is as reproducible as the runs themselves. Indicators are matched by key: the
runs of one system share its indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

REASONS = 3  # how many indicators a "why" line names at most


class Presence(StrEnum):
    BOTH = "both"
    NEW = "new"  # assessed in the later run only
    GONE = "gone"  # assessed in the earlier run only


@dataclass(frozen=True)
class IndicatorMove:
    """One indicator of a unit: its points and facts in both runs (None: not weighed, or no facts)."""

    key: str
    name: str
    weight: Decimal
    before: Decimal | None
    after: Decimal | None
    fact_before: dict[str, Any] | None
    fact_after: dict[str, Any] | None

    @property
    def delta(self) -> Decimal | None:
        """The points gained (positive) or lost; None unless the indicator scored in both runs."""
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass
class UnitMove:
    unit: int
    name: str
    category: str
    presence: Presence
    rank_before: int | None
    rank_after: int | None
    total_before: Decimal | None
    total_after: Decimal | None
    adjustments_before: Decimal = Decimal(0)  # bonus − penalty
    adjustments_after: Decimal = Decimal(0)
    lines: list[IndicatorMove] = field(default_factory=list)

    @property
    def in_before(self) -> bool:
        return self.presence != Presence.NEW

    @property
    def in_after(self) -> bool:
        return self.presence != Presence.GONE

    @property
    def move(self) -> int | None:
        """Places moved up (positive, 进位) or down; None unless ranked in the same category in both."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after

    @property
    def moved_by(self) -> int:
        return abs(self.move or 0)

    @property
    def total_delta(self) -> Decimal | None:
        if self.total_before is None or self.total_after is None:
            return None
        return self.total_after - self.total_before

    @property
    def adjustments_delta(self) -> Decimal:
        return self.adjustments_after - self.adjustments_before

    @property
    def why(self) -> list[IndicatorMove]:
        """The indicators that moved the total most, biggest first (ties by the system's order)."""
        moved = [line for line in self.lines if line.delta]
        return sorted(moved, key=lambda line: abs(line.delta or Decimal(0)), reverse=True)[:REASONS]


def compare(
    before: dict[str, Any],
    before_results: list[dict[str, Any]],
    after: dict[str, Any],
    after_results: list[dict[str, Any]],
) -> dict[str, list[UnitMove]]:
    """Each category's units (the later run's category; a unit only in the earlier run keeps its category
    there), ordered by their rank in the later run, then those gone, by their earlier rank; tied units in
    the order of the later run's results."""
    was = {r["unit"]: r for r in before_results}
    now = {r["unit"]: r for r in after_results}
    entries_before = {u["id"]: u for u in before["units"]}
    entries_after = {u["id"]: u for u in after["units"]}
    by_category: dict[str, list[UnitMove]] = {}
    for unit in [*now, *(u for u in was if u not in now)]:
        old, new = was.get(unit), now.get(unit)
        entry = entries_after.get(unit) or entries_before[unit]
        category = (new or old or {})["category"]
        same = old is not None and new is not None and old["category"] == new["category"]
        moved = UnitMove(
            unit=unit,
            name=entry["name"],
            category=category,
            presence=Presence.BOTH if old and new else Presence.NEW if new else Presence.GONE,
            rank_before=old["rank"] if old and (same or new is None) else None,
            rank_after=new["rank"] if new else None,
            total_before=_dec(old["total"]) if old else None,
            total_after=_dec(new["total"]) if new else None,
            adjustments_before=_adjustments(old),
            adjustments_after=_adjustments(new),
        )
        moved.lines = _lines(
            before, after, category, old, new, entries_before.get(unit), entries_after.get(unit)
        )
        by_category.setdefault(category, []).append(moved)
    for units in by_category.values():
        units.sort(key=_order)
    return by_category


def biggest_movers(units: list[UnitMove], most: int = 3) -> list[UnitMove]:
    """The units that moved most places either way, most first (then by the later rank)."""
    moved = [u for u in units if u.moved_by]
    return sorted(moved, key=lambda u: (-u.moved_by, _order(u)))[:most]


def _order(u: UnitMove) -> tuple[int, int, int]:
    """Gone last; then by rank, unranked last; ties keep the runs' own order (stable sorts)."""
    gone = u.presence == Presence.GONE
    rank = u.rank_before if gone else u.rank_after
    return (int(gone), rank is None, rank or 0)


def _lines(
    before: dict[str, Any],
    after: dict[str, Any],
    category: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    entry_before: dict[str, Any] | None,
    entry_after: dict[str, Any] | None,
) -> list[IndicatorMove]:
    indicators: dict[str, dict[str, Any]] = {}
    for snapshot in (after, before):  # the later run's names and weights win
        for i in snapshot["categories"].get(category, []):
            if i["metric"]:
                indicators.setdefault(i["key"], i)
    return [
        IndicatorMove(
            key=key,
            name=i["name"],
            weight=Decimal(i["weight"]),
            before=_dec(old["leaves"].get(key)) if old and old["category"] == category else None,
            after=_dec(new["leaves"].get(key)) if new else None,
            fact_before=(entry_before or {}).get("facts", {}).get(key),
            fact_after=(entry_after or {}).get("facts", {}).get(key),
        )
        for key, i in indicators.items()
    ]


def _adjustments(result: dict[str, Any] | None) -> Decimal:
    if result is None:
        return Decimal(0)
    return Decimal(result["bonus"]) - Decimal(result["penalty"])


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
