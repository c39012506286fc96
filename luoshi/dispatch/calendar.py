"""Periods and due dates on the Chinese working calendar. Pure: no Django.

Holidays and swapped working days (调休) come from chinese-calendar; for years it does not know yet, the
rule falls back to Monday–Friday, so dates keep working instead of failing.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from dataclasses import dataclass

import chinese_calendar

PERIOD_DAYS = {"weekly": 7, "biweekly": 14}
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3}


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no schedule for yet
        return day.weekday() < 5


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The date `count` working days before `day` (count 0 gives `day` itself)."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, gregorian.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    number: int
    start: dt.date
    end: dt.date
    due: dt.date


def period(*, frequency: str, anchor: dt.date, number: int, due_weekday: int) -> Period:
    """The `number`-th period (from 1) of a cadence, and the working day its reports are due.

    Weekly and fortnightly reports are due on `due_weekday` of the period's last week, monthly and quarterly
    ones on the period's last day; a due date on a rest day moves to the next working day (顺延).
    """
    if frequency in PERIOD_DAYS:
        days = PERIOD_DAYS[frequency]
        start = anchor + dt.timedelta(days=days * (number - 1))
        end = start + dt.timedelta(days=days - 1)
        nominal = end - dt.timedelta(days=(end.weekday() - due_weekday) % 7)
    elif frequency in PERIOD_MONTHS:
        months = PERIOD_MONTHS[frequency]
        start = _add_months(anchor, months * (number - 1))
        end = _add_months(start, months) - dt.timedelta(days=1)
        nominal = end
    else:
        raise ValueError(f"unknown frequency {frequency!r}")
    return Period(number=number, start=start, end=end, due=working_day_on_or_after(nominal))


def period_number_on(*, frequency: str, anchor: dt.date, day: dt.date) -> int:
    """The number of the period that contains `day` (0 if `day` is before the anchor)."""
    if day < anchor:
        return 0
    if frequency in PERIOD_DAYS:
        return (day - anchor).days // PERIOD_DAYS[frequency] + 1
    months = PERIOD_MONTHS[frequency]
    elapsed = (day.year - anchor.year) * 12 + day.month - anchor.month - (day.day < anchor.day)
    return elapsed // months + 1


def due_for_level(due: dt.datetime, *, level: int, lead_days: int) -> dt.datetime:
    """A handed-down task's due time: `lead_days` working days earlier per level below the top."""
    day = working_days_before(due.date(), level * lead_days)
    return due.replace(year=day.year, month=day.month, day=day.day)
