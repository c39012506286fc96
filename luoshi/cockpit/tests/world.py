"""The city as the cockpit tests find it on 2026-11-18: weeks 42 to 46 reported, a stalled task in 青山县 and
one in 白沙县 (yellow, likely red), overdue work in 青山镇 and 白沙县 (red), a task on track and a done one.

`grow(city, clock, n)` adds n townships to 青山县, each with a red and a green task and reports: the same
page over a larger city, for the query counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from luoshi.dispatch import reminders, services, status
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.plans.services import complete_task
from luoshi.testing import City, Clock, make_task, make_unit, make_weekly_cadence

WEEKS = range(42, 47)
STALLED = (40, 43, 44, 44, 44)  # yellow on 11-18 (64% expected), red by the next deadline
OVERDUE = dt.date(2026, 10, 31)


@dataclass
class World:
    stalled: Any  # 青山县's
    stalled_there: Any  # 白沙县's
    red_town: Any  # 青山镇's, overdue
    red_there: Any  # 白沙县's, overdue
    cadence: Any


def stalled_task(city: City, unit: Any, title: str) -> Any:
    return make_task(city, title=title, lead_unit=unit, start=dt.date(2026, 9, 1), due=dt.date(2026, 12, 31))


def build(city: City, clock: Clock) -> World:
    today = clock.today()
    stalled = stalled_task(city, city.qingshan, "推进城北污水处理厂建设")
    stalled_there = stalled_task(city, city.baisha, "白沙县老旧小区改造")
    red_town = make_task(city, title="青山镇逾期", lead_unit=city.qingshan_town, due=OVERDUE)
    red_there = make_task(city, title="白沙县逾期", lead_unit=city.baisha, due=OVERDUE)
    make_task(city, title="青山县在办", lead_unit=city.qingshan, start=today, due=dt.date(2027, 12, 31))
    done = make_task(city, title="发改委已完成", lead_unit=city.fgw)
    complete_task(task=done, by=city.city_supervisor, on=dt.date(2026, 11, 1))
    cadence = make_weekly_cadence(city)
    report_weeks(city, clock, cadence, [stalled, stalled_there])
    return World(stalled, stalled_there, red_town, red_there, cadence)


def report_weeks(city: City, clock: Clock, cadence: Any, reporting: list[Any]) -> None:
    """Open weeks 42–46; the `reporting` tasks send their stalled progress on the Wednesday, on time, the
    others send nothing and are marked late after the Friday deadline."""
    back = clock.now()
    for number, percent in zip(WEEKS, STALLED, strict=True):
        clock.set(dt.date(2026, 1, 5) + dt.timedelta(weeks=number - 1))  # the week's Monday
        cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
        clock.advance(days=2)
        for task in reporting:
            report = Report.objects.get(task=task, cycle=cycle)
            liaison = city.outsider if task.lead_unit == city.baisha else city.county_liaison
            report = services.submit_report(
                report=report, by=liaison, data=ReportData(percent=percent, progress="主体施工"),
                expected_version=report.version, idempotency_key=f"w{number}-{task.pk}",
            )  # fmt: skip
            services.accept_reports(reports=[report], by=city.city_supervisor)
        if cycle.due_at < back:
            reminders.mark_late(now=cycle.due_at + dt.timedelta(hours=1))
    clock.set(back)
    status.rebuild(today=clock.today())


def grow(city: City, clock: Clock, n: int) -> list[Any]:
    """n more townships of 青山县, each with an overdue task and one on track; their reports all missing."""
    units = []
    for i in range(n):
        town = make_unit(f"新增{i}镇", "township", city.qingshan)
        make_task(city, title=f"新增{i}镇逾期", lead_unit=town, due=OVERDUE)
        make_task(city, title=f"新增{i}镇在办", lead_unit=town, start=dt.date(2026, 9, 1))
        units.append(town)
    status.rebuild(today=clock.today())
    return units
