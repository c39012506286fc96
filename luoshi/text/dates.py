"""Turn a deadline phrase from a plan (年底前, 6月底前, 一季度, 上半年 …) into a date. Pure: no Django."""

from __future__ import annotations

import calendar
import datetime as dt
import re

QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}

MONTH_END = re.compile(
    r"(?:(\d{4})年)?(\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:底|末|份)?(?:前|以前|之前)?"
)
QUARTER = re.compile(r"(?:(\d{4})年)?(?:第)?([一二三四1-4])季度")
HALF = re.compile(r"(?:(\d{4})年)?(上|下)半年")
YEAR_END = re.compile(r"(?:(\d{4})年)?(?:年底|年末|年内|全年|底前)")
YEAR_ONLY = re.compile(r"(?:到|至|于)?(\d{4})年(?!\d|\s*\d)")


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadline_date(phrase: str | None, *, year: int) -> dt.date | None:
    """The last day a phrase allows in `year` (a year written in the phrase wins); None if it names no date.

    "长期坚持" and other open-ended phrases give None: the task has no fixed deadline.
    """
    if not phrase:
        return None
    if m := QUARTER.search(phrase):
        return last_day(int(m.group(1) or year), QUARTER_END[m.group(2)])
    if m := HALF.search(phrase):
        return last_day(int(m.group(1) or year), 6 if m.group(2) == "上" else 12)
    if m := MONTH_END.search(phrase):
        raw = m.group(2)
        month = int(raw) if raw.isdigit() else CN_MONTH[raw]
        if 1 <= month <= 12:
            return last_day(int(m.group(1) or year), month)
    if m := YEAR_END.search(phrase):
        return dt.date(int(m.group(1) or year), 12, 31)
    if m := YEAR_ONLY.search(phrase):
        return dt.date(int(m.group(1)), 12, 31)
    return None
