"""Roll subtasks up into their parent's picture. Pure: no Django, so it tests in microseconds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class Rollable(Protocol):
    weight: Decimal
    progress: int
    due: dt.date
    completed_on: dt.date | None


@dataclass(frozen=True)
class Rollup:
    count: int
    done: int
    overdue: int
    progress: int  # weighted mean of the parts' progress, 0–100

    @property
    def open(self) -> int:
        return self.count - self.done


def roll_up(parts: Iterable[Rollable], today: dt.date) -> Rollup:
    """Weighted progress of the parts (a done part counts 100%), and how many are done or overdue."""
    count = done = overdue = 0
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for part in parts:
        count += 1
        is_done = part.completed_on is not None
        done += is_done
        overdue += (not is_done) and part.due < today
        total_weight += part.weight
        weighted += part.weight * (100 if is_done else part.progress)
    progress = int((weighted / total_weight).to_integral_value()) if total_weight else 0
    return Rollup(count=count, done=done, overdue=overdue, progress=progress)
