import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from luoshi.plans.rollup import roll_up

TODAY = dt.date(2026, 11, 21)


@dataclass
class Part:
    weight: Decimal
    progress: int
    due: dt.date
    completed_on: dt.date | None = None


def part(weight="1", progress=0, due=dt.date(2026, 12, 31), completed_on=None):
    return Part(Decimal(weight), progress, due, completed_on)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], (0, 0, 0, 0)),
        ([part(progress=40), part(progress=60)], (2, 0, 0, 50)),
        ([part("3", 100 - 100, completed_on=TODAY), part("1", 0)], (2, 1, 0, 75)),
        ([part("2", 50), part("1", 20, due=dt.date(2026, 11, 1))], (2, 0, 1, 40)),
        ([part("1", 10, due=dt.date(2026, 11, 1), completed_on=dt.date(2026, 11, 3))], (1, 1, 0, 100)),
        ([part("1", 33), part("1", 34)], (2, 0, 0, 34)),  # 33.5 rounds half-to-even
    ],
)
def test_roll_up(parts, expected):
    r = roll_up(parts, TODAY)
    assert (r.count, r.done, r.overdue, r.progress) == expected
    assert r.open == r.count - r.done
