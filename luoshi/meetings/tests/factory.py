"""Meetings for tests: made and moved through the services, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.core import clock
from luoshi.dispatch import status
from luoshi.meetings import services
from luoshi.meetings.models import Meeting
from luoshi.testing import make_task

DUE = dt.date(2026, 12, 10)


def lagging_tasks(city: Any) -> tuple[Any, Any]:
    """A red task of 青山县 (its deadline passed) and a yellow one of 青山镇 (a milestone overdue)."""
    from luoshi.plans.services import MilestoneSpec

    red = make_task(city, title="青山县标准化厂房建设", start=dt.date(2026, 1, 1), due=dt.date(2026, 10, 31))
    yellow = make_task(
        city,
        title="青山镇污水管网改造",
        lead_unit=city.qingshan_town,
        due=dt.date(2027, 6, 30),
        milestones=[MilestoneSpec("管网开工", dt.date(2026, 11, 10), 10)],
    )
    status.refresh([red, yellow], today=clock.today())
    return red, yellow


def make_meeting(city: Any, *, by: Any = None, **fields: Any) -> Meeting:
    values: dict[str, Any] = {
        "title": "全市重点工作第11次调度会",
        "held_on": clock.today(),
        "task_list": city.economy,
        **fields,
    }
    return services.create_meeting(by=by or city.city_supervisor, **values)


def held_with_decisions(city: Any, meeting: Meeting, *units: Any) -> Meeting:
    """Hold `meeting` and record one decision per unit (青山县 if none named)."""
    office = city.city_supervisor
    meeting = services.hold_meeting(meeting=meeting, by=office)
    for n, unit in enumerate(units or (city.qingshan,), start=1):
        services.record_decision(
            meeting=meeting,
            by=office,
            text=f"{unit.name}第{n}项：本月底前完成厂房主体封顶",
            lead_unit=unit,
            due=DUE,
        )
    return meeting
