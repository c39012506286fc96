"""A task created or handed down while a cycle is open gets its report in it, unless that is due already."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services
from luoshi.dispatch.models import Cycle, Report, ReportState
from luoshi.plans.services import TaskSpec, create_plan, create_task_list, create_tasks, update_task
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
FRIDAY_5PM = dt.datetime(2026, 11, 20, 17, 0, tzinfo=TZ)


@pytest.fixture
def week46(city, clock):
    """一周一调度 of the economy list, week 46 (11-16 to 11-22, due Friday 11-20 17:00), open on Wednesday."""
    make_task(city, title="开期前已有的任务")
    return services.open_cycle(cadence=make_weekly_cadence(city), number=46, now=clock.now())


def test_a_task_created_while_a_cycle_is_open_gets_its_report_in_it(city, week46):
    task = make_task(city, title="周三新建的任务", lead_unit=city.baisha)
    report = Report.objects.get(task=task, cycle=week46)
    assert (report.state, report.unit, report.due_at) == (ReportState.PENDING, city.baisha, FRIDAY_5PM)
    event = AuditEvent.objects.get(action="report.create")
    assert (event.object_id, event.after["cycle_id"]) == (str(report.pk), week46.pk)


def test_a_task_handed_down_while_a_cycle_is_open_gets_its_report_a_working_day_earlier(city, week46):
    parent = Report.objects.get(cycle=week46).task
    sub = make_task(
        city, by=city.county_supervisor, parent=parent, lead_unit=city.qingshan_town, title="青山镇"
    )
    report = Report.objects.get(task=sub, cycle=week46)
    assert report.unit == city.qingshan_town
    assert report.due_at == FRIDAY_5PM - dt.timedelta(days=1)  # Thursday 17:00


def test_handing_down_a_task_with_its_own_cadence_adds_the_subtask_to_that_cadences_cycle(city, clock):
    other = create_task_list(plan=city.plan, name="揭榜挂帅事项清单", by=city.city_supervisor)
    task = make_task(city, task_list=other, title="有专门调度的任务")
    cadence = services.create_cadence(
        by=city.city_supervisor,
        task=task,
        name="两周一汇报",
        frequency="biweekly",
        anchor=dt.date(2026, 11, 16),
        due_time=dt.time(17, 0),
    )
    cycle = services.open_cycle(cadence=cadence, number=1, now=clock.now())
    sub = make_task(city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town)
    assert Report.objects.filter(cycle=cycle).count() == 2
    assert Report.objects.filter(task=sub, cycle=cycle).exists()
    make_task(city, task_list=other, title="同一清单的其他任务")  # not asked of by a task's cadence
    assert Report.objects.filter(cycle=cycle).count() == 2


def test_a_task_made_after_the_due_time_waits_for_the_next_cycle(city, week46, clock):
    clock.set(dt.datetime(2026, 11, 21, 9, 0, tzinfo=TZ))  # Saturday: week 46 is still open, but due
    task = make_task(city, title="周六新建的任务")
    assert Cycle.objects.get(pk=week46.pk).state == Cycle.State.OPEN
    assert not Report.objects.filter(task=task).exists()


def test_only_the_cycles_that_ask_for_the_task_take_it(city, week46, clock):
    plan = create_plan(title="另一方案", year=2026, issuer=city.city, by=city.city_supervisor)
    elsewhere = create_task_list(plan=plan, name="没有调度的清单", by=city.city_supervisor)
    make_task(city, task_list=elsewhere, title="别的清单")
    make_task(city, title="下月才开始", start=dt.date(2026, 12, 1))
    services.close_cycles(now=dt.datetime(2026, 12, 31, tzinfo=TZ))
    make_task(city, title="期次关闭后新建")
    assert list(Report.objects.values_list("task__title", flat=True)) == ["开期前已有的任务"]


def test_editing_a_task_does_not_ask_for_a_second_report(city, week46):
    task = make_task(city, title="新建后修改")
    update_task(task=task, by=city.city_supervisor, expected_version=1, changes={"title": "改过的标题"})
    assert Report.objects.filter(task=task).count() == 1
    assert AuditEvent.objects.filter(action="report.create").count() == 1


def test_the_cycle_list_names_the_list_of_each_cycle(client, city, clock):
    pledges = create_task_list(plan=city.plan, name="勇争先重点工作清单", by=city.city_supervisor)
    make_task(city, title="经济任务")
    make_task(city, task_list=pledges, title="争先任务")
    for task_list in (city.economy, pledges):
        cadence = services.create_cadence(
            by=city.city_supervisor,
            task_list=task_list,
            name="两周一汇报",
            frequency="biweekly",
            anchor=dt.date(2026, 11, 16),
            due_time=dt.time(17, 0),
        )
        services.open_cycle(cadence=cadence, number=1, now=clock.now())
    client.force_login(city.city_supervisor)
    page = BeautifulSoup(client.get(reverse("dispatch:cycle_list")).content, "html.parser")
    rows = [
        (row.a.text.split()[0], row.select_one('[data-testid="cycle-of"]').text.strip())
        for row in page.select('[data-testid="cycle-row"]')
    ]
    assert sorted(rows) == [("两周一汇报", "勇争先重点工作清单"), ("两周一汇报", "经济发展挑大梁任务清单")]
    cycle = Cycle.objects.get(cadence__task_list=pledges)
    detail = client.get(reverse("dispatch:cycle_detail", args=[cycle.pk])).content.decode()
    assert "勇争先重点工作清单" in detail


def test_tasks_created_in_bulk_join_the_open_cycle_together_each_with_its_event(city, week46):
    specs = [
        TaskSpec(
            title=f"成批新建的任务{i}",
            lead_unit=city.baisha,
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 12, 31),
            responsibility_note="待指定",
        )
        for i in range(3)
    ]
    tasks = create_tasks(task_list=city.economy, by=city.city_supervisor, specs=specs)
    reports = Report.objects.filter(task__in=tasks, cycle=week46).order_by("task__sort_path")
    assert [(r.task, r.unit, r.due_at) for r in reports] == [(t, city.baisha, FRIDAY_5PM) for t in tasks]
    events = AuditEvent.objects.filter(action="report.create").order_by("id")
    assert [(e.object_id, e.subject_id) for e in events] == [(str(r.pk), str(r.task_id)) for r in reports]
    assert all(e.after["cycle_id"] == week46.pk for e in events)
