import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.plans import services
from luoshi.plans.models import Milestone, Task
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task


def events(action, obj):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk))


def test_a_supervisor_creates_a_numbered_task_with_milestones_and_an_audit_event(city):
    task = make_task(
        city,
        title="推进青山经开区扩区提质",
        co_units=[city.fgw],
        milestones=[
            MilestoneSpec("完成规划调整", dt.date(2026, 6, 30), 40),
            MilestoneSpec("完成项目立项", dt.date(2026, 3, 31), 20),
        ],
    )
    assert task.code == "1"
    assert task.issuer == city.city
    assert list(task.co_units.all()) == [city.fgw]
    assert [m.expected_progress for m in task.milestones.all()] == [20, 40]
    event = events("task.create", task).get()
    assert event.actor_id == city.city_supervisor.pk
    assert event.after["title"] == "推进青山经开区扩区提质"
    assert event.after["co_units"] == [city.fgw.pk]
    milestone_events = AuditEvent.objects.filter(action="milestone.create")
    assert sorted(e.after["task_id"] for e in milestone_events) == [task.pk, task.pk]


def test_tasks_are_numbered_in_order_and_subtasks_under_their_parent(city):
    first = make_task(city)
    second = make_task(city, lead_unit=city.fgw)
    sub = make_task(city, by=city.county_supervisor, parent=first, lead_unit=city.qingshan_town)
    sub2 = make_task(city, by=city.county_supervisor, parent=first, lead_unit=city.longquan_town)
    assert (first.code, second.code, sub.code, sub2.code) == ("1", "2", "1.1", "1.2")
    assert list(Task.objects.order_by("sort_path").values_list("code", flat=True)) == ["1", "1.1", "1.2", "2"]


def test_a_county_supervisor_hands_a_city_task_down_to_its_townships(city):
    task = make_task(city, lead_unit=city.qingshan)
    sub = make_task(city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town)
    assert sub.issuer == city.qingshan  # handed down by the county, not issued by the city
    assert events("task.decompose", sub).get().actor_id == city.county_supervisor.pk


def test_a_county_supervisor_cannot_hand_work_to_another_county(city):
    task = make_task(city, lead_unit=city.qingshan)
    with pytest.raises(ValidationError) as err:
        make_task(city, by=city.county_supervisor, parent=task, lead_unit=city.baisha)
    assert "lead_unit" in err.value.message_dict
    assert not Task.objects.filter(parent=task).exists()


def test_a_county_supervisor_cannot_decompose_another_countys_task(city):
    task = make_task(city, lead_unit=city.baisha)
    with pytest.raises(PermissionDenied):
        make_task(city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town)


def test_a_liaison_cannot_create_tasks(city):
    with pytest.raises(PermissionDenied):
        make_task(city, by=city.county_liaison)


def test_a_subtask_must_fit_within_its_parents_dates(city):
    task = make_task(city, due=dt.date(2026, 6, 30))
    with pytest.raises(ValidationError):
        make_task(city, parent=task, lead_unit=city.qingshan_town, due=dt.date(2026, 7, 31))


def test_a_failed_create_writes_nothing(city):
    before = (Task.objects.count(), Milestone.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        make_task(
            city,
            milestones=[
                MilestoneSpec("完成立项", dt.date(2026, 3, 31), 50),
                MilestoneSpec("超出期限的节点", dt.date(2027, 3, 31), 80),
            ],
        )
    assert (Task.objects.count(), Milestone.objects.count(), AuditEvent.objects.count()) == before


def test_milestones_cannot_expect_less_progress_later(city):
    task = make_task(city, milestones=[MilestoneSpec("完成一半", dt.date(2026, 6, 30), 50)])
    with translation.override("en"), pytest.raises(ValidationError, match="must not fall"):
        services.add_milestone(
            task=task, by=city.city_supervisor, spec=MilestoneSpec("倒退", dt.date(2026, 9, 30), 30)
        )


def test_a_new_tasks_milestones_cannot_expect_less_progress_later(city):
    before = (Task.objects.count(), Milestone.objects.count())
    falling = [
        MilestoneSpec("完成一半", dt.date(2026, 6, 30), 50),
        MilestoneSpec("倒退", dt.date(2026, 9, 30), 30),
    ]
    with translation.override("en"), pytest.raises(ValidationError, match="must not fall"):
        make_task(city, milestones=falling)
    assert (Task.objects.count(), Milestone.objects.count()) == before


def test_an_update_records_before_and_after(city):
    task = make_task(city)
    updated = services.update_task(
        task=task,
        by=city.city_supervisor,
        expected_version=1,
        changes={"title": "改名后的任务", "weight": Decimal("2")},
    )
    assert updated.version == 2
    event = events("task.update", task).get()
    assert event.before["title"] == "推进重点项目建设"
    assert event.after["title"] == "改名后的任务"
    assert event.after["weight"] == "2.00"


def test_a_stale_update_is_refused_and_changes_nothing(city):
    task = make_task(city)
    services.update_task(
        task=task, by=city.city_supervisor, expected_version=1, changes={"title": "第一个人的修改"}
    )
    with pytest.raises(services.StaleVersion):
        services.update_task(
            task=task, by=city.city_supervisor, expected_version=1, changes={"title": "第二个人的修改"}
        )
    task.refresh_from_db()
    assert task.title == "第一个人的修改"
    assert events("task.update", task).count() == 1


def test_only_the_issuing_office_edits_a_task(city):
    task = make_task(city, lead_unit=city.qingshan)
    with pytest.raises(PermissionDenied):
        services.update_task(
            task=task, by=city.county_supervisor, expected_version=1, changes={"title": "县里改的"}
        )


def test_a_unit_head_signs_a_pledge_for_their_units_task(city):
    task = make_task(city, lead_unit=city.qingshan)
    pledge = services.sign_pledge(
        task=task, by=city.county_head, commitment="确保年底前完成，完不成甘愿接受问责。"
    )
    assert pledge.unit == city.qingshan
    assert events("pledge.sign", pledge).count() == 1
    with pytest.raises(PermissionDenied):
        services.sign_pledge(
            task=make_task(city, lead_unit=city.baisha), by=city.county_head, commitment="越权"
        )


def test_completing_a_task_is_audited_and_only_once(city):
    task = make_task(city)
    services.complete_task(task=task, by=city.city_supervisor, on=dt.date(2026, 11, 1))
    task.refresh_from_db()
    assert (task.progress, task.completed_on) == (100, dt.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        services.complete_task(task=task, by=city.city_supervisor, on=dt.date(2026, 11, 2))
    assert events("task.complete", task).count() == 1
