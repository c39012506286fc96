"""调整完成时限 and 撤销: the office moves a deadline or cancels a task, with a reason, audited and told."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from luoshi.audit.models import AuditEvent
from luoshi.core import sheets
from luoshi.notify import texts
from luoshi.notify.models import Notice
from luoshi.plans import adjustments, deliveries, services
from luoshi.plans.forms import TaskEditForm
from luoshi.plans.history import task_history
from luoshi.plans.models import Adjustment, Task
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task

MOVED = dt.date(2027, 3, 31)


def events(action, task):
    return AuditEvent.objects.filter(action=action, object_type="plans.task", object_id=str(task.pk))


@pytest.fixture
def overdue(city):
    """Due 2026-06-30, so overdue on the fixture's 2026-11-18; 青山镇 helps, 市长 answers for it."""
    return make_task(
        city,
        title="青山县工业园区标准化厂房",
        due=dt.date(2026, 6, 30),
        co_units=[city.qingshan_town],
        leader=city.leader,
    )


def move(task, by, new_due=MOVED, reason="省里调整了建设计划"):
    return adjustments.change_deadline(task=task, by=by, new_due=new_due, reason=reason)


def cancel(task, by, reason="项目已由省里统筹实施"):
    return adjustments.cancel_task(task=task, by=by, reason=reason)


def test_a_moved_deadline_keeps_the_first_one_across_two_moves(city, overdue):
    moved = move(overdue, city.city_supervisor)
    assert (moved.due, moved.first_due, moved.version) == (MOVED, dt.date(2026, 6, 30), 2)
    assert moved.due_was_moved and not moved.is_overdue
    again = move(moved, city.city_supervisor, new_due=dt.date(2027, 6, 30), reason="再次顺延")
    again.refresh_from_db()
    assert (again.due, again.first_due, again.version) == (dt.date(2027, 6, 30), dt.date(2026, 6, 30), 3)
    assert list(overdue.adjustments.values_list("kind", "previous_due", "new_due", "reason")) == [
        ("deadline", dt.date(2026, 6, 30), MOVED, "省里调整了建设计划"),
        ("deadline", MOVED, dt.date(2027, 6, 30), "再次顺延"),
    ]
    first, second = events("task.deadline", overdue).order_by("id")
    assert (first.before["due"], first.after["due"]) == ("2026-06-30", "2027-03-31")
    assert first.after["first_due"] == "2026-06-30" and first.after["reason"] == "省里调整了建设计划"
    assert (second.before["first_due"], second.after["first_due"]) == ("2026-06-30", "2026-06-30")


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required_and_a_refusal_writes_nothing(city, overdue, reason):
    with pytest.raises(ValidationError) as moving:
        move(overdue, city.city_supervisor, reason=reason)
    with pytest.raises(ValidationError) as cancelling:
        cancel(overdue, city.city_supervisor, reason=reason)
    assert "reason" in moving.value.message_dict and "reason" in cancelling.value.message_dict
    overdue.refresh_from_db()
    assert (overdue.due, overdue.first_due, overdue.cancelled_on, overdue.version) == (
        dt.date(2026, 6, 30),
        None,
        None,
        1,
    )
    assert not Adjustment.objects.exists() and not Notice.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["task.deadline", "task.cancel"]).exists()


@pytest.mark.parametrize("persona", ["county_liaison", "county_head", "county_supervisor", "leader"])
def test_only_the_issuing_office_adjusts_a_task(city, overdue, persona):
    who = getattr(city, persona)
    with pytest.raises(PermissionDenied):
        move(overdue, who)
    with pytest.raises(PermissionDenied):
        cancel(overdue, who)
    assert not Adjustment.objects.exists()


def test_a_done_task_is_neither_moved_nor_cancelled(city, overdue):
    services.complete_task(task=overdue, by=city.city_supervisor, on=dt.date(2026, 6, 20))
    with pytest.raises(ValidationError) as moving:
        move(overdue, city.city_supervisor)
    with pytest.raises(ValidationError) as cancelling:
        cancel(overdue, city.city_supervisor)
    assert "new_due" in moving.value.message_dict and "reason" in cancelling.value.message_dict
    assert not Adjustment.objects.exists()


def test_a_cancelled_task_is_neither_moved_nor_cancelled_again(city, overdue):
    cancel(overdue, city.city_supervisor)
    with pytest.raises(ValidationError, match="cancelled"), translation.override("en"):
        move(overdue, city.city_supervisor)
    with pytest.raises(ValidationError, match="already cancelled"), translation.override("en"):
        cancel(overdue, city.city_supervisor)
    assert Adjustment.objects.count() == 1


@pytest.mark.parametrize(
    ("new_due", "says"),
    [
        (dt.date(2026, 6, 30), "present deadline"),
        (dt.date(2025, 12, 31), "before the start"),
        (dt.date(2200, 1, 1), "between 1900 and 2100"),
    ],
)
def test_a_new_deadline_keeps_the_tasks_rules(city, overdue, new_due, says):
    with translation.override("en"), pytest.raises(ValidationError, match=says) as refused:
        move(overdue, city.city_supervisor, new_due=new_due)
    assert list(refused.value.message_dict) == ["new_due"]


def test_a_subtask_stays_within_its_parent_and_a_parent_beyond_its_subtasks_and_milestones(city):
    parent = make_task(
        city, due=dt.date(2026, 12, 31), milestones=[MilestoneSpec("开工", dt.date(2026, 9, 30), 30)]
    )
    sub = make_task(city, by=city.county_supervisor, parent=parent, lead_unit=city.qingshan_town)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="within its parent's dates"):
            move(sub, city.city_supervisor, new_due=dt.date(2027, 1, 31))
        with pytest.raises(ValidationError, match=f"Subtask {sub.code} is due on 2026-12-31"):
            move(parent, city.city_supervisor, new_due=dt.date(2026, 11, 30))
        move(sub, city.city_supervisor, new_due=dt.date(2026, 8, 15))
        with pytest.raises(ValidationError, match="Milestone “开工” is due on 2026-09-30"):
            move(parent, city.city_supervisor, new_due=dt.date(2026, 8, 31))
    assert move(parent, city.city_supervisor, new_due=dt.date(2026, 11, 30)).due == dt.date(2026, 11, 30)


def test_cancelling_a_parent_cancels_its_open_subtasks_with_the_same_reason(city, clock):
    parent = make_task(city, title="全市农村公路提档升级", lead_unit=city.qingshan)
    open_sub = make_task(city, by=city.county_supervisor, parent=parent, lead_unit=city.qingshan_town)
    deeper = make_task(city, by=city.county_supervisor, parent=open_sub, lead_unit=city.qingshan_town)
    done_sub = make_task(city, by=city.county_supervisor, parent=parent, lead_unit=city.longquan_town)
    services.complete_task(task=done_sub, by=city.county_supervisor, on=dt.date(2026, 10, 1))
    other = make_task(city, title="另一项任务")

    cancel(parent, city.city_supervisor, reason="并入省级项目")

    for task in (parent, open_sub, deeper, done_sub, other):
        task.refresh_from_db()
    assert [t.cancelled_on for t in (parent, open_sub, deeper)] == [clock.today()] * 3
    assert done_sub.cancelled_on is None and done_sub.is_done  # done work stays done
    assert other.cancelled_on is None
    for task in (parent, open_sub, deeper):
        adjustment = task.adjustments.get()
        assert (adjustment.kind, adjustment.reason, adjustment.new_due) == ("cancel", "并入省级项目", None)
        assert events("task.cancel", task).get().after["reason"] == "并入省级项目"
    # Each subtask's own lead unit hears of it.
    assert Notice.objects.filter(recipient=city.township_liaison, kind="task_cancelled").count() == 2
    assert set(Task.objects.open().values_list("pk", flat=True)) == {other.pk}


def test_a_delivery_awaiting_the_office_is_decided_before_cancelling(city, overdue):
    deliveries.submit_delivery(task=overdue, by=city.county_liaison, statement="厂房已建成")
    with translation.override("en"), pytest.raises(ValidationError, match="accept or reject") as refused:
        cancel(overdue, city.city_supervisor)
    assert list(refused.value.message_dict) == ["reason"]
    overdue.refresh_from_db()
    assert overdue.cancelled_on is None and not Adjustment.objects.exists()


def test_a_subtasks_awaiting_delivery_also_holds_up_the_parents_cancellation(city):
    parent = make_task(city)
    sub = make_task(city, by=city.county_supervisor, parent=parent, lead_unit=city.qingshan_town)
    deliveries.submit_delivery(task=sub, by=city.township_liaison, statement="已完成")
    with translation.override("en"), pytest.raises(ValidationError, match=f"Task {sub.code} was declared"):
        cancel(parent, city.city_supervisor)
    assert not Task.objects.cancelled().exists()


@pytest.mark.parametrize("adjust", [move, cancel], ids=["deadline", "cancel"])
def test_the_units_and_the_leader_are_told_once_with_the_reason(city, overdue, adjust):
    adjust(overdue, city.city_supervisor)
    kind = "task_deadline_moved" if adjust is move else "task_cancelled"
    told = list(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))
    # The lead unit's liaison and head, the co-unit's liaison, the responsible leader: each once.
    assert sorted(told) == ["county_head", "county_liaison", "leader", "township_liaison"]
    notice = Notice.objects.filter(kind=kind).first()
    assert notice.params["reason"] == Adjustment.objects.get().reason
    assert notice.url == f"/tasks/{overdue.pk}/"


def test_a_notice_reads_in_the_readers_language(city, overdue):
    move(overdue, city.city_supervisor)
    notice = Notice.objects.filter(kind="task_deadline_moved").first()
    with translation.override("en"):
        title, body = texts.render(notice.kind, notice.params)
    assert title.startswith("Deadline moved: ") and "from 2026-06-30 to 2027-03-31" in body
    assert body.endswith("Reason: 省里调整了建设计划")
    with translation.override("zh-hans"):
        title, body = texts.render(notice.kind, notice.params)
    assert title.startswith("完成时限已调整") and "2026-06-30" in body and "省里调整了建设计划" in body


def test_the_edit_form_and_update_task_move_no_deadline_silently(city, overdue):
    form = TaskEditForm(user=city.city_supervisor, initial=TaskEditForm.initial_for(overdue))
    assert form.fields["due"].disabled
    with translation.override("en"), pytest.raises(ValidationError, match="Change the deadline"):
        services.update_task(
            task=overdue, by=city.city_supervisor, expected_version=1, changes={"due": MOVED}
        )
    overdue.refresh_from_db()
    assert overdue.due == dt.date(2026, 6, 30)


def test_nothing_is_handed_down_from_or_changed_on_a_cancelled_task(city, overdue):
    cancel(overdue, city.city_supervisor)
    overdue.refresh_from_db()
    with pytest.raises(ValidationError):
        make_task(
            city,
            by=city.county_supervisor,
            parent=overdue,
            lead_unit=city.qingshan_town,
            due=dt.date(2026, 6, 1),
        )
    with pytest.raises(ValidationError):
        services.update_task(
            task=overdue, by=city.city_supervisor, expected_version=2, changes={"title": "改"}
        )


def test_the_history_shows_each_adjustment_with_its_reason(city, overdue):
    move(overdue, city.city_supervisor)
    cancel(overdue, city.city_supervisor, reason="并入省级项目")
    with translation.override("en"):
        cancelled, moved = task_history(overdue)[:2]
    assert (cancelled.label, cancelled.reason) == ("cancelled the task", "并入省级项目")
    assert (moved.label, moved.reason) == ("moved the deadline", "省里调整了建设计划")
    assert ("deadline", "2026-06-30", "2027-03-31") in [(c.field, c.before, c.after) for c in moved.changes]


# Pages


def test_the_issuing_office_sees_the_forms_and_a_liaison_does_not(client, city, overdue):
    url = reverse("plans:task_detail", args=[overdue.pk])
    client.force_login(city.city_supervisor)
    page = client.get(url).content.decode()
    assert 'data-testid="deadline-form"' in page and 'data-testid="cancel-form"' in page
    client.force_login(city.county_liaison)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    assert 'data-testid="deadline-form"' not in page and 'data-testid="cancel-form"' not in page


@pytest.mark.parametrize("name", ["plans:task_deadline", "plans:task_cancel"])
def test_a_liaison_is_refused_and_an_outsider_sees_nothing(client, city, overdue, name):
    url = reverse(name, args=[overdue.pk])
    form = {"deadline-new_due": "2027-03-31", "deadline-reason": "理由", "cancel-reason": "理由"}
    client.force_login(city.county_liaison)
    assert client.get(url).status_code == 403 and client.post(url, form).status_code == 403
    client.force_login(city.outsider)
    assert client.get(url).status_code == 404 and client.post(url, form).status_code == 404
    assert not Adjustment.objects.exists()


def test_a_form_without_a_reason_comes_back_with_the_error_by_its_field(client, city, overdue):
    client.cookies["django_language"] = "en"
    client.force_login(city.city_supervisor)
    url = reverse("plans:task_deadline", args=[overdue.pk])
    response = client.post(url, {"deadline-new_due": "2027-03-31", "deadline-reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"deadline-new_due": "2026-06-30", "deadline-reason": "顺延"})
    assert "present deadline" in response.context["form"].errors["new_due"][0]
    assert not Adjustment.objects.exists()


def test_a_move_shows_on_the_task_page_and_in_the_task_list(client, city, overdue):
    client.force_login(city.city_supervisor)
    response = client.post(
        reverse("plans:task_deadline", args=[overdue.pk]),
        {"deadline-new_due": "2027-03-31", "deadline-reason": "省里调整了建设计划"},
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:task_detail", args=[overdue.pk])).content.decode()
    assert 'data-testid="due-moved"' in page and "2026-06-30" in page and "省里调整了建设计划" in page
    listing = client.get(reverse("plans:task_list")).content.decode()
    assert 'data-testid="first-due"' in listing and "2026-06-30" in listing and "2027-03-31" in listing


def test_a_cancelled_task_leaves_the_list_unless_asked_for_and_the_home_counts(client, city, overdue):
    kept = make_task(city, title="保留的任务", due=dt.date(2026, 6, 30))
    client.force_login(city.city_supervisor)
    home = client.get(reverse("web:home")).context["tally"]
    assert (home["total"], home["overdue"]) == (2, 2)
    client.post(reverse("plans:task_cancel", args=[overdue.pk]), {"cancel-reason": "项目已由省里统筹实施"})
    listed = [t.pk for t in client.get(reverse("plans:task_list")).context["page"].object_list]
    assert listed == [kept.pk]
    shown = client.get(reverse("plans:task_list"), {"completion": "cancelled"})
    assert [t.pk for t in shown.context["page"].object_list] == [overdue.pk]
    assert 'data-testid="row-cancelled"' in shown.content.decode()
    home = client.get(reverse("web:home")).context["tally"]
    assert (home["total"], home["overdue"]) == (1, 1)
    page = client.get(reverse("plans:task_detail", args=[overdue.pk])).content.decode()
    assert 'data-testid="task-cancelled"' in page and "项目已由省里统筹实施" in page
    assert 'data-testid="cancel-form"' not in page


def test_the_task_export_shows_the_original_deadline_and_leaves_out_cancelled_tasks(client, city, overdue):
    gone = make_task(city, title="撤销的任务")
    move(overdue, city.city_supervisor)
    cancel(gone, city.city_supervisor)
    client.cookies["django_language"] = "en"
    client.force_login(city.city_supervisor)
    response = client.get(reverse("plans:task_list_export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[sheets.HEADER_ROW]]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=sheets.HEADER_ROW + 1) if r[0].value != r[1].value}
    due, first = header.index("Deadline"), header.index("Original deadline")
    assert first == due + 1
    row = rows["青山县工业园区标准化厂房"]
    assert (row[due].value.date(), row[first].value.date()) == (MOVED, dt.date(2026, 6, 30))
    assert "撤销的任务" not in rows
    response = client.get(reverse("plans:task_list_export"), {"completion": "cancelled"})
    ws = load_workbook(io.BytesIO(response.content)).active
    [cancelled] = [r for r in ws.iter_rows(min_row=sheets.HEADER_ROW + 1) if r[1].value == "撤销的任务"]
    assert cancelled[header.index("Progress (%)")].value == "Cancelled"
