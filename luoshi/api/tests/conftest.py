import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from luoshi.api import services as tokens
from luoshi.dispatch import services
from luoshi.dispatch.models import Report
from luoshi.testing import City, make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
DURING = dt.datetime(2026, 11, 17, 9, 0, tzinfo=TZ)  # week 47's cycle is open, due Friday 11-20 17:00
PERSONAS = [
    "city_supervisor",
    "county_supervisor",
    "county_liaison",
    "county_head",
    "township_liaison",
    "other_township_liaison",
    "outsider",
    "department_liaison",
    "leader",
    "admin",
]


@dataclass
class Corner:
    """The city's tasks with a weekly cycle open: 青山县's, 青山镇's beneath it, and 白沙县's."""

    county_task: Any
    town_task: Any
    baisha_task: Any
    town_report: Any
    baisha_report: Any


@pytest.fixture
def corner(city: City, clock: Any) -> Corner:
    clock.set(DURING)
    county_task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    town_task = make_task(
        city,
        by=city.county_supervisor,
        parent=county_task,
        lead_unit=city.qingshan_town,
        title="青山镇片区厂房",
    )
    baisha_task = make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)
    cycle = services.open_cycle(cadence=make_weekly_cadence(city), number=46, now=DURING)
    return Corner(
        county_task=county_task,
        town_task=town_task,
        baisha_task=baisha_task,
        town_report=Report.objects.get(task=town_task, cycle=cycle),
        baisha_report=Report.objects.get(task=baisha_task, cycle=cycle),
    )


def token_of(person: Any, days: int = 30) -> str:
    from luoshi.core import clock

    _, secret = tokens.create_token(
        by=person, name="同步脚本", expires_on=clock.today() + dt.timedelta(days=days)
    )
    return secret
