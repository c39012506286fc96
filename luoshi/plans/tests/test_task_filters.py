"""The task list shows each task's light and filters by light, completion, responsible leader and person."""

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.dispatch.models import TaskLight
from luoshi.plans.services import complete_task
from luoshi.testing import count_queries, make_task


@pytest.fixture
def lit(city, clock):
    """On 2026-11-18, one task of each light (the light rules decide, dispatch.lights)."""
    tasks = {
        "green": make_task(city, title="刚启动的任务", start=clock.today(), due=dt.date(2026, 12, 31)),
        # 10 of 63 days gone with nothing reported: 16 points behind, yellow.
        "yellow": make_task(city, title="稍慢的任务", start=dt.date(2026, 11, 8), due=dt.date(2027, 1, 10)),
        "red": make_task(city, title="逾期的任务", lead_unit=city.baisha, due=dt.date(2026, 10, 31)),
        "done": make_task(city, title="按时完成的任务", owner=city.county_liaison, leader=city.county_head),
        "done_late": make_task(city, title="逾期完成的任务", leader=city.leader, due=dt.date(2026, 10, 31)),
    }
    complete_task(task=tasks["done"], by=city.city_supervisor, on=dt.date(2026, 11, 1))
    complete_task(task=tasks["done_late"], by=city.city_supervisor, on=dt.date(2026, 11, 10))
    assert {pk: row.light for pk, row in ((t.pk, TaskLight.objects.get(task=t)) for t in tasks.values())} == {
        t.pk: light for light, t in tasks.items()
    }
    return tasks


def titles(client, **params):
    response = client.get(reverse("plans:task_list"), params)
    assert response.status_code == 200 and response.context["form"].is_valid()
    return {t.title for t in response.context["page"].object_list}


@pytest.mark.parametrize("light", ["green", "yellow", "red", "done", "done_late"])
def test_the_light_filter_returns_exactly_the_tasks_with_that_light(client, city, lit, light):
    client.force_login(city.city_supervisor)
    expected = {t.title for t in lit.values() if TaskLight.objects.get(task=t).light == light}
    assert titles(client, light=light) == expected == {lit[light].title}


def test_each_row_shows_its_light(client, city, lit):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_list")).content.decode()
    for light in lit:
        assert f'data-light="{light}"' in page
    assert "红黄绿灯" in page  # the column's heading


def test_completion_filters_overdue_done_and_not_done(client, city, lit):
    client.force_login(city.city_supervisor)
    assert titles(client, completion="overdue") == {"逾期的任务"}
    assert titles(client, completion="done") == {"按时完成的任务", "逾期完成的任务"}
    assert titles(client, completion="open") == {"刚启动的任务", "稍慢的任务", "逾期的任务"}


def test_the_list_filters_by_responsible_leader_and_person(client, city, lit):
    client.force_login(city.city_supervisor)
    assert titles(client, leader=city.county_head.pk) == {"按时完成的任务"}
    assert titles(client, leader=city.leader.pk) == {"逾期完成的任务"}
    assert titles(client, owner=city.county_liaison.pk) == {"按时完成的任务"}


def test_only_leaders_of_visible_tasks_are_offered(client, city, lit):
    client.force_login(city.outsider)  # 白沙县: sees only its own overdue task, which names no leader
    form = client.get(reverse("plans:task_list")).context["form"]
    assert list(form.fields["leader"].queryset) == []
    response = client.get(reverse("plans:task_list"), {"leader": city.leader.pk})
    assert "leader" in response.context["form"].errors


def test_a_unit_alone_leaves_out_the_units_below(client, city):
    make_task(city, title="青山县牵头", lead_unit=city.qingshan)
    make_task(city, title="青山镇牵头", lead_unit=city.qingshan_town)
    client.force_login(city.city_supervisor)
    assert titles(client, lead_unit=city.qingshan.pk) == {"青山县牵头", "青山镇牵头"}
    assert titles(client, lead_unit=city.qingshan.pk, unit_only="on") == {"青山县牵头"}


def test_filters_combine_and_an_htmx_request_gets_the_lit_table(client, city, lit):
    client.force_login(city.city_supervisor)
    assert titles(client, light="red", completion="overdue", lead_unit=city.baisha.pk) == {"逾期的任务"}
    assert titles(client, light="red", lead_unit=city.qingshan.pk) == set()
    response = client.get(reverse("plans:task_list"), {"light": "yellow"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'data-light="yellow"' in body and "逾期的任务" not in body


def test_a_light_that_does_not_exist_is_refused_not_ignored(client, city, lit):
    client.force_login(city.city_supervisor)
    response = client.get(reverse("plans:task_list"), {"light": "purple"})
    assert "light" in response.context["form"].errors


def test_a_filtered_list_runs_the_same_number_of_queries_for_few_or_many_tasks(client, city, lit, settings):
    settings.TASKS_PER_PAGE = 100
    client.force_login(city.city_supervisor)
    url = reverse("plans:task_list")
    params = {"completion": "overdue", "light": "red", "leader": city.leader.pk, "sort": "due"}
    make_task(city, title="逾期任务", leader=city.leader, due=dt.date(2026, 10, 1))
    few = count_queries(client, url, **params), count_queries(client, url, light="red")
    for i in range(30):
        make_task(
            city, title=f"逾期任务{i}", leader=city.leader, co_units=[city.fgw], due=dt.date(2026, 10, 1)
        )
    assert len(titles(client, **params)) == 31 and len(titles(client, light="red")) == 32
    assert (count_queries(client, url, **params), count_queries(client, url, light="red")) == few
