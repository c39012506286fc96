import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.plans.models import Milestone, Task
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task


@pytest.fixture
def qs_task(city):
    task = make_task(
        city,
        title="推进青山县工业园区标准化厂房建设",
        lead_unit=city.qingshan,
        milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)],
    )
    make_task(
        city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town, title="青山镇片区厂房建设"
    )
    return task


def pages_of(task):
    milestone = task.milestones.first()
    return [
        ("get", reverse("plans:task_detail", args=[task.pk])),
        ("get", reverse("plans:task_edit", args=[task.pk])),
        ("get", reverse("plans:task_decompose", args=[task.task_list_id, task.pk])),
        ("get", reverse("plans:milestone_add", args=[task.pk])),
        ("get", reverse("plans:milestone_edit", args=[milestone.pk])),
        ("post", reverse("plans:milestone_delete", args=[milestone.pk])),
        ("get", reverse("orgs:unit_detail", args=[task.lead_unit_id])),
    ]


def test_every_task_page_answers_404_to_an_outsider(client, city, qs_task):
    client.force_login(city.outsider)
    for method, url in pages_of(qs_task):
        assert getattr(client, method)(url).status_code == 404, url
    assert Milestone.objects.filter(task=qs_task).exists()


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, city, qs_task):
    urls = (
        [u for _, u in pages_of(qs_task)]
        + [reverse(n) for n in ("web:home", "plans:task_list", "plans:plan_list", "orgs:unit_tree")]
        + [reverse("plans:task_create", args=[city.economy.pk])]
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_liaison_sees_their_task_but_may_not_change_it(client, city, qs_task):
    client.force_login(city.county_liaison)
    assert client.get(reverse("plans:task_detail", args=[qs_task.pk])).status_code == 200
    assert client.get(reverse("plans:task_edit", args=[qs_task.pk])).status_code == 403
    assert client.get(reverse("plans:task_create", args=[city.economy.pk])).status_code == 403
    milestone = qs_task.milestones.first()
    assert client.post(reverse("plans:milestone_delete", args=[milestone.pk])).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_township_liaison_sees_its_subtask_but_not_the_city_task(client, city, qs_task):
    client.force_login(city.township_liaison)
    sub = Task.objects.get(parent=qs_task)
    assert client.get(reverse("plans:task_detail", args=[sub.pk])).status_code == 200
    assert client.get(reverse("plans:task_detail", args=[qs_task.pk])).status_code == 404
    listing = client.get(reverse("plans:task_list")).content.decode()
    assert "青山镇片区厂房建设" in listing and "标准化厂房建设" not in listing


def test_a_county_supervisor_sees_the_rollup_of_the_subtasks(client, city, qs_task):
    client.force_login(city.county_supervisor)
    page = client.get(reverse("plans:task_detail", args=[qs_task.pk])).content.decode()
    assert 'data-testid="rollup"' in page and "青山镇片区厂房建设" in page


def test_the_task_list_filters_by_keyword_unit_list_and_deadline(client, city, qs_task):
    make_task(city, title="发改委牵头的招商任务", lead_unit=city.fgw, due=dt.date(2026, 6, 30))
    client.force_login(city.city_supervisor)

    def titles(**params):
        response = client.get(reverse("plans:task_list"), params)
        return {t.title for t in response.context["page"].object_list}

    assert titles(q="招商") == {"发改委牵头的招商任务"}
    assert titles(lead_unit=city.qingshan_town.pk) == {"青山镇片区厂房建设"}
    assert titles(lead_unit=city.qingshan.pk) == {"推进青山县工业园区标准化厂房建设", "青山镇片区厂房建设"}
    assert titles(due_to="2026-07-01") == {"发改委牵头的招商任务"}
    assert len(titles(list=city.economy.pk)) == 3


def test_the_task_list_filter_cannot_reach_outside_scope(client, city, qs_task):
    make_task(city, title="白沙县的任务", lead_unit=city.baisha)
    client.force_login(city.county_liaison)
    response = client.get(reverse("plans:task_list"), {"lead_unit": city.baisha.pk})
    assert "lead_unit" in response.context["form"].errors  # not a choice for this user
    assert "白沙县的任务" not in response.content.decode()


def test_an_htmx_request_gets_only_the_table(client, city, qs_task):
    client.force_login(city.city_supervisor)
    response = client.get(reverse("plans:task_list"), {"q": "厂房"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "标准化厂房建设" in body


def test_the_task_list_runs_the_same_number_of_queries_for_5_or_60_tasks(client, city, settings):
    settings.TASKS_PER_PAGE = 100
    client.force_login(city.city_supervisor)

    def count_queries(**filters):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("plans:task_list"), {"sort": "due", **filters})
            assert response.status_code == 200 and 'data-light="' in response.content.decode()
        return len(ctx.captured_queries)

    filtered = {"light": "red", "completion": "open", "leader": city.leader.pk, "owner": city.county_head.pk}

    for i in range(5):
        make_task(city, title=f"任务{i}", co_units=[city.fgw], owner=city.county_head, leader=city.leader)
    few = count_queries(), count_queries(**filtered)
    for i in range(55):
        make_task(city, title=f"更多任务{i}", lead_unit=city.baisha, co_units=[city.fgw, city.qingshan])
    many = count_queries(), count_queries(**filtered)
    assert few == many
    # 16: besides the page's own, whether the supervisor's scope is the whole tree (then no row is tested
    # for it), the page's keys, sorted alone before its rows are read (core.paging), and for each of the
    # three searchable selects (unit, leader, person) its first ids, unordered so that a province's query
    # stops at core.forms.LISTED_CHOICES, before their rows (one query each before, which read them all).
    assert many[0] <= 16
    assert many[1] <= many[0] + 2  # the chosen leader and person, each looked up once


def test_a_supervisor_creates_a_task_through_the_page(client, city):
    client.force_login(city.city_supervisor)
    form = {
        "title": "建设青山县智慧农业示范园",
        "lead_unit": city.qingshan.pk,
        "co_units": [city.fgw.pk],
        "leader": city.county_head.pk,
        "owner": city.county_liaison.pk,
        "start": "2026-02-01",
        "due": "2026-10-31",
        "weight": "1.5",
        "indicator_name": "示范园面积",
        "indicator_unit": "亩",
        "baseline": "0",
        "target": "3000",
        "direction": "higher",
        "ms-TOTAL_FORMS": "3",
        "ms-INITIAL_FORMS": "0",
        "ms-0-title": "完成选址规划",
        "ms-0-due": "2026-04-30",
        "ms-0-expected_progress": "30",
        "ms-1-title": "完成基础设施建设",
        "ms-1-due": "2026-08-31",
        "ms-1-expected_progress": "80",
    }
    response = client.post(reverse("plans:task_create", args=[city.economy.pk]), form)
    task = Task.objects.get(title="建设青山县智慧农业示范园")
    assert response.status_code == 302 and response.url == reverse("plans:task_detail", args=[task.pk])
    assert task.milestones.count() == 2 and task.target == 3000
    assert (task.leader, task.owner) == (city.county_head, city.county_liaison)
    assert AuditEvent.objects.filter(action="task.create", object_id=str(task.pk)).exists()


def test_a_bad_form_says_where_and_writes_nothing(client, city):
    client.force_login(city.city_supervisor)
    before = AuditEvent.objects.count()
    form = {
        **{
            "title": "日期颠倒的任务",
            "lead_unit": city.qingshan.pk,
            "start": "2026-05-01",
            "due": "2026-03-01",
        },
        **{"weight": "1", "indicator_name": "产值", "ms-TOTAL_FORMS": "0", "ms-INITIAL_FORMS": "0"},
    }
    response = client.post(reverse("plans:task_create", args=[city.economy.pk]), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"due", "target", "direction"} <= set(errors)
    assert not Task.objects.exists() and AuditEvent.objects.count() == before


def test_a_forged_unit_id_is_refused(client, city):
    client.force_login(city.county_supervisor)
    task = make_task(city, lead_unit=city.qingshan)
    form = {"title": "伪造单位", "lead_unit": city.baisha.pk, "start": "2026-02-01", "due": "2026-03-01",
            "weight": "1", "ms-TOTAL_FORMS": "0", "ms-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("plans:task_decompose", args=[city.economy.pk, task.pk]), form)
    assert "lead_unit" in response.context["form"].errors
    assert not Task.objects.filter(parent=task).exists()


def test_two_editors_of_one_task_get_a_clear_conflict(client, city):
    task = make_task(city)
    client.force_login(city.city_supervisor)
    url = reverse("plans:task_edit", args=[task.pk])
    form = {"title": "第一次保存", "lead_unit": city.qingshan.pk, "start": "2026-01-01", "due": "2026-12-31",
            "weight": "1", "version": "1", "responsibility_note": "待指定"}  # fmt: skip
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "title": "第二次保存"})
    assert response.status_code == 200
    assert "他人已保存了该任务" in str(response.context["form"].non_field_errors())
    task.refresh_from_db()
    assert task.title == "第一次保存"


def test_the_plan_page_counts_only_visible_tasks_in_constant_queries(client, city):
    from luoshi.plans.services import create_task_list
    from luoshi.testing import count_queries

    make_task(city, lead_unit=city.qingshan)
    make_task(city, lead_unit=city.baisha)
    client.force_login(city.county_liaison)
    response = client.get(reverse("plans:plan_list"))
    [plan] = response.context["plans"]
    assert [tl.task_count for tl in plan.visible_lists] == [1]
    few = count_queries(client, reverse("plans:plan_list"))
    for i in range(5):
        extra = create_task_list(plan=city.plan, name=f"专项清单{i}", by=city.city_supervisor)
        make_task(city, lead_unit=city.qingshan_town, task_list=extra)
    assert count_queries(client, reverse("plans:plan_list")) == few


def test_a_plan_without_visible_work_is_hidden(client, city):
    make_task(city, lead_unit=city.baisha)
    client.force_login(city.county_liaison)
    assert list(client.get(reverse("plans:plan_list")).context["plans"]) == []


def test_only_the_issuing_office_changes_milestones(client, city, qs_task):
    """The county may hand the city's task down, but the city's milestones stay the city's."""
    client.force_login(city.county_supervisor)
    assert (
        client.get(reverse("plans:task_decompose", args=[qs_task.task_list_id, qs_task.pk])).status_code
        == 200
    )
    milestone = qs_task.milestones.first()
    assert client.get(reverse("plans:milestone_add", args=[qs_task.pk])).status_code == 403
    assert client.post(reverse("plans:milestone_delete", args=[milestone.pk])).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_milestones_of_a_finished_task_are_not_shown_overdue(client, city, qs_task, clock):
    from luoshi.plans.services import complete_task

    clock.set(dt.date(2026, 7, 15))  # two weeks after the 60% milestone of 06-30, nothing reported
    client.force_login(city.city_supervisor)

    def states():
        page = client.get(reverse("plans:task_detail", args=[qs_task.pk])).content.decode()
        said = re.findall(r'<span class="text-(?:danger|success)">(逾期|已达成)</span>', page)
        return re.findall(r'data-testid="milestone" data-state="(\w+)"', page), said

    assert states() == (["overdue"], ["逾期"])
    complete_task(task=qs_task, by=city.city_supervisor, on=dt.date(2026, 7, 1))
    assert states() == (["reached"], ["已达成"])


def test_the_office_confirms_a_milestone_reached_and_the_light_follows(client, city, qs_task, clock):
    from luoshi.dispatch.models import TaskLight

    clock.set(dt.date(2026, 7, 15))
    milestone = qs_task.milestones.get()
    client.force_login(city.county_liaison)
    assert client.post(reverse("plans:milestone_confirm", args=[milestone.pk])).status_code == 403
    client.force_login(city.city_supervisor)
    assert client.post(reverse("plans:milestone_confirm", args=[milestone.pk])).status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached_on == dt.date(2026, 7, 15)
    assert AuditEvent.objects.filter(action="milestone.confirm", object_id=str(milestone.pk)).count() == 1
    page = client.get(reverse("plans:task_detail", args=[qs_task.pk])).content.decode()
    assert 'data-state="reached"' in page
    assert "确认了节点达成：完成主体工程" in page  # the history says who confirmed which milestone
    assert TaskLight.objects.get(task=qs_task).computed_on == dt.date(2026, 7, 15)  # refreshed at once


def test_the_task_pages_title_is_the_task_and_its_chart_library_loads_once(client, city, qs_task):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_detail", args=[qs_task.pk])).content.decode()
    title = page[page.index("<title>") + len("<title>") : page.index("</title>")]
    assert title.strip().startswith("推进青山县工业园区标准化厂房建设") and "<" not in title
    assert page.count("echarts.min.js") == 1
