"""The city's assessment as the tests find it: a system weighing counties and departments, and October's
work of 青山县, 白沙县 and 市发展改革委 to score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from luoshi.assessment import services
from luoshi.assessment.models import Metric
from luoshi.core import clock as core_clock
from luoshi.plans.models import Task
from luoshi.supervision.models import State
from luoshi.supervision.tests.factory import drive, make_item
from luoshi.testing import make_task

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
AS_OF = core_clock.at_local(dt.date(2026, 11, 18), dt.time(10))


@pytest.fixture
def system(city):
    return build_system(city)


def build_system(city):
    """The city's system: work done on time (tasks 60, items 20) and a rating (20) for counties; a
    department is weighed on tasks alone."""
    office = city.city_supervisor
    system = services.create_system(owner=city.city, year=2026, name="年度综合考核", by=office)
    work = services.add_indicator(
        system=system, name="重点工作落实", by=office, weights={"county": D(80), "department": D(100)}
    )
    services.add_indicator(
        system=system, name="任务按期完成", metric=Metric.TASKS_ON_TIME, parent=work, by=office,
        weights={"county": D(60), "department": D(100)},
    )  # fmt: skip
    services.add_indicator(
        system=system, name="督办件按期反馈", metric=Metric.ITEMS_ON_TIME, parent=work, by=office,
        weights={"county": D(20)},
    )  # fmt: skip
    services.add_indicator(
        system=system, name="领导评议", metric=Metric.RATING, by=office, weights={"county": D(20)}
    )
    return system


def indicator(system, metric):
    return system.indicators.get(metric=metric)


def task_due(city, unit, due, completed_on=None, title="推进重点项目建设"):
    task = make_task(city, lead_unit=unit, title=title, start=dt.date(2026, 1, 1), due=due)
    Task.objects.filter(pk=task.pk).update(completed_on=completed_on)  # the facts as a finished task has them
    return task


@pytest.fixture
def october(city, clock, system):
    return fill_october(city, clock, system)


def fill_october(city, clock, system):
    """青山县: 3 of 4 tasks done on time, its item answered late; 白沙县: 1 of 2 on time, its item on time;
    市发展改革委: its one task on time. One task of 青山县 falls due after the period and is not judged."""
    q, b = city.qingshan, city.baisha
    task_due(city, q, dt.date(2026, 10, 10), dt.date(2026, 10, 9))
    task_due(city, q, dt.date(2026, 10, 20), dt.date(2026, 10, 20))
    task_due(city, q, dt.date(2026, 10, 25), dt.date(2026, 10, 22))
    late = task_due(city, q, dt.date(2026, 10, 31), dt.date(2026, 11, 3))
    task_due(city, q, dt.date(2026, 11, 10))  # November's: not this run's
    task_due(city, b, dt.date(2026, 10, 15), dt.date(2026, 10, 15))
    task_due(city, b, dt.date(2026, 10, 30))  # never done
    task_due(city, city.fgw, dt.date(2026, 10, 12), dt.date(2026, 10, 1))
    items = {}
    for unit, answered in ((q, dt.date(2026, 10, 21)), (b, dt.date(2026, 10, 19))):
        clock.set(dt.date(2026, 9, 20))
        item = make_item(city, lead_unit=unit, co_units=[], due=dt.date(2026, 10, 20))
        clock.set(answered)  # the unit answers, and the office closes the item on its answer
        items[unit.pk] = drive(city, item, State.CLOSED)
    clock.set(AS_OF)
    rating = indicator(system, Metric.RATING)
    services.rate(indicator=rating, unit=q, rater=city.leader, mark=D(90), on=dt.date(2026, 10, 30))
    services.rate(indicator=rating, unit=b, rater=city.leader, mark=D(70), on=dt.date(2026, 10, 30))
    return {"late_task": late, "items": items}


def run(city, system, **kwargs):
    return services.run_assessment(
        system=system, period_start=START, period_end=END, by=city.city_supervisor, now=AS_OF, **kwargs
    )


def results(run):
    return {r.unit.name: (r.total, r.rank, r.change) for r in run.results.select_related("unit")}
