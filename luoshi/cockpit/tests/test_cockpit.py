"""驾驶舱: every count links to the units and the tasks it counts, within the viewer's jurisdiction, in the
same number of queries for a small city and a larger one."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from luoshi.assessment import services as assessment
from luoshi.assessment.tests.conftest import AS_OF, END, START, build_system, fill_october
from luoshi.cockpit import figures
from luoshi.cockpit.tests import world
from luoshi.dispatch import outlook, status
from luoshi.dispatch.models import LightChoice, TaskLight
from luoshi.plans.models import Task
from luoshi.testing import count_queries, make_user

COCKPIT = "/cockpit/"


@pytest.fixture
def w(city, clock):
    return world.build(city, clock)


@pytest.fixture
def county_leader(city):
    return make_user("county_leader", "leader", city.qingshan)


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def tasks_behind(client, href):
    """The tasks a linked task list holds (its filters must all be valid)."""
    parts = urlsplit(href)
    assert parts.path == reverse("plans:task_list")
    response = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert response.context["form"].is_valid(), response.context["form"].errors
    return list(response.context["page"].paginator.object_list)


def counts_of(response):
    return {c.light: c.count for c in response.context["counts"]}


def test_the_city_leader_counts_every_light_and_drills_from_a_count_to_units_to_tasks(client, city, w):
    client.force_login(city.leader)
    response = client.get(COCKPIT)
    assert counts_of(response) == {"red": 2, "yellow": 2, "green": 1, "done": 1, "done_late": 0}
    for a in soup_of(response).select('[data-testid="light-count"]'):
        light, shown = a["data-light"], int(a.select_one('[data-testid="count"]').text)
        units = client.get(a["href"])
        assert units.status_code == 200
        cells = soup_of(units).select(f'[data-testid="unit-count"][data-light="{light}"]')
        assert sum(int(c.text) for c in cells) == shown  # the units hold exactly the count
        for cell in cells:
            tasks = tasks_behind(client, cell["href"])
            assert len(tasks) == int(cell.text)
            assert {TaskLight.objects.get(task=t).light for t in tasks} == {light}


def test_a_unit_row_counts_its_own_tasks_by_light(client, city, w):
    client.force_login(city.city_supervisor)
    response = client.get(reverse("cockpit:units"), {"light": "red"})
    rows = {r.unit.name: dict((light, n) for light, n, _url in r.cells) for r in response.context["rows"]}
    assert set(rows) == {"青山镇", "白沙县"}  # only units with red work when the red count was followed
    assert rows["白沙县"]["red"] == 1 and rows["白沙县"]["yellow"] == 1


def test_a_county_leader_sees_only_the_countys_numbers_and_tasks(client, city, w, county_leader):
    client.force_login(county_leader)
    response = client.get(COCKPIT)
    assert counts_of(response) == {"red": 1, "yellow": 1, "green": 1, "done": 0, "done_late": 0}
    page = response.content.decode()
    assert "白沙县" not in page and "发改委" not in page
    assert [t.title for t in response.context["red"]] == ["青山镇逾期"]
    assert [o.task.title for o in response.context["likely_red"]] == ["推进城北污水处理厂建设"]
    units = client.get(reverse("cockpit:units"))
    assert {r.unit.name for r in units.context["rows"]} == {"青山县", "青山镇"}
    # Another county's unit, or one that does not exist, named in the drill-down: not found.
    assert client.get(reverse("cockpit:units_within", args=[city.baisha.pk])).status_code == 404
    assert client.get(reverse("cockpit:units_within", args=[10**9])).status_code == 404
    within = client.get(reverse("cockpit:units_within", args=[city.qingshan_town.pk]))
    assert [r.unit.name for r in within.context["rows"]] == ["青山镇"]


@pytest.mark.parametrize(
    "persona", ["county_liaison", "county_head", "township_liaison", "department_liaison"]
)
def test_a_units_own_people_are_refused_the_cockpit(client, city, w, persona):
    client.force_login(getattr(city, persona))
    assert client.get(COCKPIT).status_code == 403
    assert client.get(reverse("cockpit:units")).status_code == 403


def test_the_red_table_shows_unit_owner_due_and_last_report(client, city, w, clock):
    Task.objects.filter(pk=w.stalled.pk).update(due=dt.date(2026, 11, 10))  # now overdue, with reports
    status.rebuild(today=dt.date(2026, 11, 18))
    client.force_login(city.leader)
    response = client.get(COCKPIT)
    red = {t.title: t for t in response.context["red"]}
    assert set(red) == {"推进城北污水处理厂建设", "青山镇逾期", "白沙县逾期"}
    assert red["推进城北污水处理厂建设"].last_report == clock.now()  # week 46's, sent this morning
    assert red["青山镇逾期"].last_report is None
    rows = soup_of(response).select('[data-testid="red-row"]')
    assert (
        len(rows) == 3 and "2026-10-31" in rows[0].text and "2026-11-10" in rows[2].text
    )  # most overdue first
    assert len(tasks_behind(client, soup_of(response).select_one('[data-testid="red-all"]')["href"])) == 3


def test_the_forecast_names_the_stalled_tasks_with_their_confidence_and_changes_no_light(client, city, w):
    before = dict(TaskLight.objects.values_list("task_id", "light"))
    client.force_login(city.leader)
    response = client.get(COCKPIT)
    seen = {o.task.title: o for o in response.context["likely_red"]}
    assert set(seen) == {"推进城北污水处理厂建设", "白沙县老旧小区改造"}
    one = seen["推进城北污水处理厂建设"]
    assert one.cycles == 1 and one.forecast.on == dt.date(2026, 11, 27) and one.forecast.likely_red
    assert f"{one.forecast.percent}%" in soup_of(response).select('[data-testid="forecast-row"]')[0].text
    assert dict(TaskLight.objects.values_list("task_id", "light")) == before


def test_the_bulk_forecast_is_the_task_pages(city, w, clock):
    today = clock.today()
    tasks = [w.stalled, w.stalled_there, w.red_town]
    bulk = outlook.forecasts_for(tasks, today)
    for task in tasks:
        facts = status.facts_for([task], today)[task.pk]
        assert bulk[task.pk] == outlook.ahead(task, facts, outlook.latest_reports(task), today)
    assert bulk[w.stalled.pk][0].likely_red


def test_the_on_time_trend_is_each_cycles_share_and_links_to_its_reports(client, city, w):
    client.force_login(city.leader)
    trend = client.get(COCKPIT).context["trend"]
    (line,) = trend["series"]
    assert line["name"] == "一周一调度"
    # Weeks 42–45 are due by 11-18 (week 46 on 11-20). The two stalled tasks' reports were sent on time, the
    # overdue ones' were not; the done task was asked until it was done (11-01), the task begun today never.
    assert [(p["value"], p["counts"]) for p in line["data"]] == [
        (["2026-10-23", 40.0], [2, 5]),
        (["2026-10-30", 40.0], [2, 5]),
        (["2026-11-06", 50.0], [2, 4]),
        (["2026-11-13", 50.0], [2, 4]),
    ]
    for p in line["data"]:
        cycle = client.get(p["url"])
        assert cycle.status_code == 200
        assert cycle.context["cycle"].due_at.date().isoformat() == p["value"][0]


def test_the_county_leaders_trend_counts_only_the_countys_reports(client, city, w, county_leader):
    client.force_login(county_leader)
    (line,) = client.get(COCKPIT).context["trend"]["series"]
    assert all(p["counts"][0] == 1 for p in line["data"])  # 青山县's stalled task; 白沙县's is not counted


def test_each_ranking_row_links_to_the_rows_behind_the_units_score(client, city, clock):
    system = build_system(city)
    fill_october(city, clock, system)
    run = assessment.run_assessment(
        system=system, period_start=START, period_end=END, by=city.city_supervisor, now=AS_OF
    )
    client.force_login(city.leader)
    response = client.get(COCKPIT)
    (county, department) = response.context["rankings"]
    assert [r.unit.name for r, _url in county.rows] == ["白沙县", "青山县"]
    links = soup_of(response).select(
        '[data-testid="ranking"][data-category="county"] [data-testid="trace-link"]'
    )
    assert [a["href"] for a in links] == [
        reverse("assessment:unit_trace", args=[run.pk, r.unit_id]) for r, _url in county.rows
    ]
    trace = client.get(links[0]["href"])
    assert trace.status_code == 200 and trace.context["result"].total == county.rows[0][0].total
    assert county.chart()["urls"] == [a["href"] for a in links]


def test_the_meeting_room_display_is_dark_without_the_nav_and_refreshes_itself(client, city, w):
    client.force_login(city.leader)
    response = client.get(COCKPIT, {"screen": "1"})
    page = soup_of(response)
    assert page.html["data-bs-theme"] == "dark"
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == "60"
    assert page.select_one("nav.navbar") is None
    assert page.select_one("[data-fullscreen]") is not None
    assert page.select('[data-testid="light-count"]')  # the same figures


def test_the_nav_offers_the_cockpit_to_leaders_and_supervisors_only(client, city):
    for persona, shown in (("leader", True), ("county_supervisor", True), ("county_liaison", False)):
        client.force_login(getattr(city, persona))
        assert ('data-testid="nav-cockpit"' in client.get("/").content.decode()) is shown


def test_the_cockpit_asks_as_many_queries_for_a_larger_city(client, city, clock, w):
    client.force_login(city.leader)
    small = count_queries(client, COCKPIT)
    small_units = count_queries(client, reverse("cockpit:units"))
    world.grow(city, clock, 27)
    assert Task.objects.count() >= 60
    client.force_login(city.leader)
    assert count_queries(client, COCKPIT) == small
    assert count_queries(client, reverse("cockpit:units")) == small_units
    assert count_queries(client, reverse("cockpit:units"), light=LightChoice.RED) == small_units


def test_a_long_ranking_shows_its_head_and_links_to_the_whole_run(client, city, clock, monkeypatch):
    system = build_system(city)
    fill_october(city, clock, system)
    run = assessment.run_assessment(
        system=system, period_start=START, period_end=END, by=city.city_supervisor, now=AS_OF
    )
    monkeypatch.setattr(figures, "RANKED_SHOWN", 1)
    client.force_login(city.leader)
    response = client.get(COCKPIT)
    county = soup_of(response).select_one('[data-testid="ranking"][data-category="county"]')
    assert len(county.select('[data-testid="ranking-row"]')) == 1
    more = county.select_one('[data-testid="ranking-more"]')
    assert more["href"] == f"{reverse('assessment:run_detail', args=[run.pk])}?category=county"
    assert len(response.context["rankings"][0].chart()["categories"]) == 1
