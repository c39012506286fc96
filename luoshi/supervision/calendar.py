"""The office's calendar of inspections (统筹): which inspections fall on the same unit at the same time.

Pure: no Django. Several offices inspecting one township in the same week is what 不扎堆 forbids; the
calendar shows each such overlap so the office can move a visit or join it to another.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Visit:
    """An inspection as the calendar sees it: its key, the units it visits, its first and last day."""

    key: int
    units: frozenset[int]
    starts: dt.date
    ends: dt.date


@dataclass(frozen=True)
class Overlap:
    """Two inspections on one unit whose days meet (or come within the allowed gap of each other)."""

    unit: int
    first: int
    second: int
    starts: dt.date  # the first day both are under way (or the later one's first day, with a gap)
    ends: dt.date


def overlaps(visits: Iterable[Visit], *, gap_days: int = 0) -> list[Overlap]:
    """Every pair of visits on a common unit whose days meet, or are less than `gap_days` apart.

    Sorted by unit, then by day; each pair and unit is named once, the earlier-starting visit first.
    """
    ordered = sorted(visits, key=lambda v: (v.starts, v.ends, v.key))
    found: list[Overlap] = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if (b.starts - a.ends).days > gap_days:
                break  # the visits after b start later still
            for unit in sorted(a.units & b.units):
                start, end = max(a.starts, b.starts), min(a.ends, b.ends)
                found.append(Overlap(unit, a.key, b.key, start, max(start, end)))
    return sorted(found, key=lambda o: (o.unit, o.starts, o.first, o.second))


def crowded(visits: Iterable[Visit], *, gap_days: int = 0) -> dict[int, set[int]]:
    """For each visit that overlaps another on a unit, the keys of the visits it overlaps."""
    clashes: dict[int, set[int]] = {}
    for overlap in overlaps(visits, gap_days=gap_days):
        clashes.setdefault(overlap.first, set()).add(overlap.second)
        clashes.setdefault(overlap.second, set()).add(overlap.first)
    return clashes


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, cal.monthrange(year, month)[1])


def weeks(year: int, month: int) -> list[list[dt.date | None]]:
    """The month as weeks from Monday, None where a day belongs to the month before or after."""
    return [
        [dt.date(year, month, day) if day else None for day in week]
        for week in cal.Calendar(firstweekday=0).monthdayscalendar(year, month)
    ]


def on_day(visits: Sequence[Visit], day: dt.date) -> list[int]:
    """The keys of the visits under way on `day`, earliest first."""
    return [v.key for v in sorted(visits, key=lambda v: (v.starts, v.key)) if v.starts <= day <= v.ends]
