"""Reporting rhythms a document asks for (一周一调度, 两周一汇报, 每月), proposed for the list it becomes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from luoshi.dispatch.models import Frequency

# Read in this order: 两周/半月 before 周, 季 before 月.
RULES = (
    (re.compile(r"(?:两|二|2)个?周|半个?月"), Frequency.BIWEEKLY),
    (re.compile(r"周"), Frequency.WEEKLY),
    (re.compile(r"季|(?:三|3)个?月"), Frequency.QUARTERLY),
    (re.compile(r"(?<![两二三四五六七八九十\d])个?月|每月|按月|月度"), Frequency.MONTHLY),
)


def frequency_of(phrase: str) -> str | None:
    """The cadence frequency a phrase names, or None (每日, 每年 and 旬 have no cadence here)."""
    for pattern, frequency in RULES:
        if pattern.search(phrase):
            return str(frequency)
    return None


def proposals(items: Iterable[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(frequency, the phrase first written for it, times found), the most often found first."""
    counts: Counter[str] = Counter()
    phrases: dict[str, str] = {}
    for item in items:
        if item.get("kind") != "cadence":
            continue
        frequency = frequency_of(item["text"])
        if frequency is not None:
            counts[frequency] += 1
            phrases.setdefault(frequency, item["text"])
    return [(f, phrases[f], n) for f, n in counts.most_common()]


def next_period_start(frequency: str, today: dt.date) -> dt.date:
    """The first day of the next period after `today`: next Monday, or the first of the next month or quarter.

    A list created mid-period starts reporting with the next full one, so no one is asked to report on a
    period half over before the tasks existed.
    """
    if frequency in (Frequency.WEEKLY, Frequency.BIWEEKLY):
        return today + dt.timedelta(days=7 - today.weekday())
    month_index = today.year * 12 + today.month - 1
    step = 3 if frequency == Frequency.QUARTERLY else 1
    month_index = (month_index // step + 1) * step
    return dt.date(month_index // 12, month_index % 12 + 1, 1)
