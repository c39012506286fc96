"""The home page of an office or a leader counts the lights, and every count links to the tasks it counts."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from luoshi.dispatch.models import LightChoice, TaskLight
from luoshi.plans.adjustments import cancel_task
from luoshi.plans.services import complete_task
from luoshi.testing import make_task


@pytest.fixture
def work(city, clock):
    """Overdue work led by 青山县 itself, by its township and by 白沙县 (with 青山县 helping), and more."""
    overdue = dt.date(2026, 10, 31)
    make_task(city, title="青山县逾期一", lead_unit=city.qingshan, due=overdue)
    make_task(city, title="青山县逾期二", lead_unit=city.qingshan, due=overdue)
    make_task(city, title="青山县在办", lead_unit=city.qingshan, start=clock.today())
    make_task(city, title="青山镇逾期", lead_unit=city.qingshan_town, due=overdue)
    make_task(city, title="白沙县逾期", lead_unit=city.baisha, co_units=[city.qingshan], due=overdue)
    done = make_task(city, title="发改委已完成", lead_unit=city.fgw)
    complete_task(task=done, by=city.city_supervisor, on=dt.date(2026, 11, 1))
    # Cancelled by the office: counted nowhere, neither in the stored rollups nor in a count of the tasks.
    cancelled = make_task(city, title="青山县撤销", lead_unit=city.qingshan, due=overdue)
    cancel_task(task=cancelled, by=city.city_supervisor, reason="任务调整，不再实施")


def links(page, testid):
    soup = BeautifulSoup(page, "html.parser")
    return [(a["href"], a) for a in soup.select(f'[data-testid="{testid}"]')]


def rows_behind(client, href):
    """How many tasks the linked list holds (its filters must all be valid)."""
    parts = urlsplit(href)
    assert parts.path == reverse("plans:task_list")
    response = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert response.context["form"].is_valid(), response.context["form"].errors
    return response.context["page"].paginator.count


@pytest.mark.parametrize("persona", ["city_supervisor", "county_supervisor", "leader"])
def test_each_light_count_links_to_a_list_of_that_many_tasks_with_that_light(client, city, work, persona):
    client.force_login(getattr(city, persona))
    response = client.get(reverse("web:home"))
    counts = {row["light"]: row["count"] for row in response.context["lights"]}
    visible = response.context["tally"]["total"]
    assert sum(counts.values()) == visible > 0
    found = links(response.content.decode(), "light-count")
    assert [a["data-light"] for _href, a in found] == LightChoice.values  # worst first
    for href, a in found:
        number = int(a.select_one(".fw-semibold").text)
        assert number == counts[a["data-light"]] == rows_behind(client, href)
        response = client.get(href)
        shown = {t.pk for t in response.context["page"].object_list}
        assert set(TaskLight.objects.filter(task__in=shown).values_list("light", flat=True)) <= {
            a["data-light"]
        }


@pytest.mark.parametrize("persona", ["city_supervisor", "county_supervisor"])
def test_a_lead_unit_with_overdue_work_links_to_exactly_its_overdue_tasks(client, city, work, persona):
    client.force_login(getattr(city, persona))
    response = client.get(reverse("web:home"))
    by_unit = {row["lead_unit__name"]: row["overdue"] for row in response.context["by_unit"]}
    assert by_unit == {"青山县": 2, "青山镇": 1, "白沙县": 1}  # the county sees 白沙县's task as a co-unit
    found = links(response.content.decode(), "unit-overdue")
    assert sorted(a.text for _href, a in found) == sorted(by_unit)
    for href, a in found:
        assert rows_behind(client, href) == by_unit[a.text]
        titles = {t.title for t in client.get(href).context["page"].object_list}
        assert titles and all(t.startswith(a.text + "逾期") for t in titles)


def test_the_overdue_and_done_totals_link_to_their_tasks(client, city, work):
    client.force_login(city.city_supervisor)
    response = client.get(reverse("web:home"))
    tally = response.context["tally"]
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert (
        rows_behind(client, soup.select_one('[data-testid="stat-overdue"] a')["href"])
        == tally["overdue"]
        == 4
    )
    done = soup.select_one('a[href*="completion=done"]')["href"]
    assert rows_behind(client, done) == tally["done"] == 1


def test_a_liaisons_home_shows_no_light_breakdown(client, city, work):
    client.force_login(city.county_liaison)
    response = client.get(reverse("web:home"))
    assert "lights" not in response.context
    assert 'data-testid="light-breakdown"' not in response.content.decode()
