"""Every kind of task change moves the stored lights and rollups at once: they equal a rebuild right after."""

import datetime as dt

import pytest

from luoshi.dispatch import calendar, status
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report, Rollup, TaskLight
from luoshi.plans import adjustments, services
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task, make_weekly_cadence


def stored():
    lights = {
        row[0]: row[1:]
        for row in TaskLight.objects.values_list("task_id", "light", "unit_id", "task_list_id", "reason")
    }
    return lights, status.rollup_numbers()


def rebuilt(today):
    status.rebuild(today=today)
    return stored()


@pytest.fixture
def task(city, clock):
    """On 07-15 a task reported at 55% is yellow: its 60% milestone of 06-30 is overdue."""
    clock.set(dt.date(2026, 7, 15))
    task = make_task(
        city,
        title="推进青山县工业园区标准化厂房建设",
        start=dt.date(2026, 1, 1),
        due=dt.date(2026, 12, 31),
        milestones=[MilestoneSpec("主体完工", dt.date(2026, 6, 30), 60)],
    )
    cadence = make_weekly_cadence(city)
    number = calendar.period_number_on(frequency="weekly", anchor=cadence.anchor, day=clock.today())
    cycle = dispatch.open_cycle(cadence=cadence, number=number, now=clock.now())
    report = dispatch.submit_report(
        report=Report.objects.get(task=task, cycle=cycle),
        by=city.county_liaison,
        data=dispatch.ReportData(percent=55, progress="主体结构施工过半，完成投资1.2亿元。"),
        expected_version=1,
        idempotency_key="k",
    )
    dispatch.accept_reports(reports=[report], by=city.city_supervisor)
    status.rebuild(today=clock.today())
    assert TaskLight.objects.get(task=task).light == "yellow"
    return task


def create(city, task):
    make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)


def decompose(city, task):
    make_task(city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town, title="青山镇片区")


def move_deadline(city, task):
    adjustments.change_deadline(
        task=task, by=city.city_supervisor, new_due=dt.date(2026, 7, 31), reason="省里调整了建设计划"
    )


def cancel(city, task):
    adjustments.cancel_task(task=task, by=city.city_supervisor, reason="项目已由省里统筹实施")


def reassign(city, task):
    services.update_task(
        task=task, by=city.city_supervisor, expected_version=1, changes={"lead_unit": city.baisha}
    )


def complete(city, task):
    services.complete_task(task=task, by=city.city_supervisor, on=dt.date(2026, 7, 14))


def add_milestone(city, task):
    spec = MilestoneSpec("完成厂房封顶", dt.date(2026, 7, 10), 80)
    services.add_milestone(task=task, by=city.city_supervisor, spec=spec)


def edit_milestone(city, task):
    milestone = task.milestones.get()
    services.update_milestone(
        milestone=milestone,
        by=city.city_supervisor,
        title="主体完工",
        due=dt.date(2026, 7, 1),
        expected_progress=70,
    )


def delete_milestone(city, task):
    services.delete_milestone(milestone=task.milestones.get(), by=city.city_supervisor)


@pytest.mark.parametrize(
    "change",
    [
        create,
        decompose,
        move_deadline,
        cancel,
        reassign,
        complete,
        add_milestone,
        edit_milestone,
        delete_milestone,
    ],
    ids=lambda f: f.__name__,
)
def test_right_after_a_change_the_lights_and_rollups_equal_a_rebuild(city, task, clock, change):
    before = stored()
    change(city, task)
    after = stored()
    assert after != before  # the change moved something, or the test proves nothing
    assert after == rebuilt(clock.today())


def test_a_reassigned_task_leaves_its_old_units_rollup(city, task):
    assert Rollup.objects.get(unit=city.qingshan).counts()["yellow"] == 1
    reassign(city, task)
    assert sum(Rollup.objects.get(unit=city.qingshan).counts().values()) == 0
    assert Rollup.objects.get(unit=city.baisha).counts()["yellow"] == 1
