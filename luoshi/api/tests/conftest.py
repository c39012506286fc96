import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
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


@dataclass
class World:
    """The corner, and an object of every kind the API serves in 青山县's part of the city and 白沙县's."""

    corner: Corner
    town_delivery: Any
    baisha_delivery: Any
    draft_bulletin: Any  # 青山县's office's draft on 青山镇
    published_bulletin: Any  # the city's office's, on 白沙县, published


@pytest.fixture
def world(city: City, corner: Corner) -> World:
    from luoshi.assessment.tests import worlds as asm
    from luoshi.bulletins import services as bulletins
    from luoshi.bulletins.tests import worlds as bl
    from luoshi.challenges.tests import worlds as ch
    from luoshi.plans.deliveries import submit_delivery
    from luoshi.plans.services import MilestoneSpec, add_milestone
    from luoshi.supervision.tests import matrix_world as sv
    from luoshi.testing import make_unit

    make_unit(sv.PARK, "park", city.baisha)  # 白沙县's co-unit of its supervision items
    cadence = Report.objects.get(pk=corner.town_report.pk).cycle.cadence
    services.open_cycle(cadence=cadence, number=45, now=DURING - dt.timedelta(days=7))  # last week's too
    for task, by in ((corner.town_task, city.county_supervisor), (corner.baisha_task, city.city_supervisor)):
        add_milestone(task=task, by=by, spec=MilestoneSpec("开工", dt.date(2026, 6, 30), 30))
    sv.build(city, (city.qingshan_town, city.baisha))
    sv.build_inspections(city, (city.qingshan_town, city.baisha))
    bl.build_matrix(city)
    asm.build_matrix(city)
    ch.build_matrix(city)
    here = SimpleNamespace(unit=city.qingshan_town)
    there = SimpleNamespace(unit=city.baisha)
    published = bulletins.publish(bulletin=bl.of(there), by=city.city_supervisor)
    return World(
        corner=corner,
        town_delivery=submit_delivery(task=corner.town_task, by=city.township_liaison, statement="主体完工"),
        baisha_delivery=submit_delivery(task=corner.baisha_task, by=city.outsider, statement="路面完工"),
        draft_bulletin=bl.of(here),
        published_bulletin=published,
    )
