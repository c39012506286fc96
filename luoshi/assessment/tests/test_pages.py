"""The assessment pages: a run's ranking circulates to every unit the system assesses, a unit's rows only to
those who see the unit, and only the office over the units starts a run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.assessment import services
from luoshi.assessment.models import Run
from luoshi.assessment.tests.conftest import END, START, run


@pytest.fixture
def done(city, system, october):
    return run(city, system)


def test_a_unit_sees_the_ranking_of_its_category_and_its_own_rows(
    client, city, october, done, django_assert_max_num_queries
):
    client.force_login(city.county_liaison)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("assessment:run_detail", args=[done.pk])).content.decode()
    assert page.count('data-testid="ranking-row"') == 2  # the counties: 青山县's own category first
    table = page[page.index('data-testid="ranking"') :]
    assert table.index("白沙县") < table.index("青山县")  # 64 ranks above 63
    assert page.count('data-testid="trace-link"') == 1  # 青山县's own; 白沙县's rows are not its to see
    with django_assert_max_num_queries(15):
        trace = client.get(
            reverse("assessment:unit_trace", args=[done.pk, city.qingshan.pk])
        ).content.decode()
    assert 'data-testid="trace-total">63.00<' in trace
    assert 'data-testid="line-points">0.00<' in trace  # its one item answered late: no points, not "no facts"
    assert october["late_task"].title in trace  # the task finished after its deadline, linked
    assert f'href="/tasks/{october["late_task"].pk}/"' in trace
    item = october["items"][city.qingshan.pk]
    assert f'href="/supervision/{item.pk}/"' in trace  # the item answered a day late


def test_the_ranking_of_another_category_is_a_click_away(client, city, done):
    client.force_login(city.county_liaison)
    page = client.get(reverse("assessment:run_detail", args=[done.pk]), {"category": "department"})
    assert "市发展改革委" in page.content.decode()
    page = client.get(reverse("assessment:run_detail", args=[done.pk]), {"category": "<script>"})
    assert page.status_code == 200  # an unknown category falls back to the first


def test_another_units_rows_are_not_shown(client, city, done):
    client.force_login(city.outsider)  # 白沙县
    assert client.get(reverse("assessment:run_detail", args=[done.pk])).status_code == 200
    assert client.get(reverse("assessment:unit_trace", args=[done.pk, city.qingshan.pk])).status_code == 404
    assert client.get(reverse("assessment:unit_trace", args=[done.pk, city.baisha.pk])).status_code == 200
    # A unit the run did not assess (a township) has no trace, even for the office.
    client.force_login(city.city_supervisor)
    assert (
        client.get(reverse("assessment:unit_trace", args=[done.pk, city.qingshan_town.pk])).status_code == 404
    )


def test_the_office_starts_a_run_for_a_period_and_others_cannot(client, city, system):
    url = reverse("assessment:run_create", args=[system.pk])
    form = {"period_start": START.isoformat(), "period_end": END.isoformat()}
    for person in (city.county_supervisor, city.county_liaison, city.leader):
        client.force_login(person)
        assert client.post(url, form).status_code == 403
    assert not Run.objects.exists()
    client.force_login(city.city_supervisor)
    answer = client.post(url, form)
    made = Run.objects.get()
    assert answer["Location"] == reverse("assessment:run_detail", args=[made.pk])
    assert (made.period_start, made.period_end, made.by) == (START, END, city.city_supervisor)


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"period_start": "2026-10-31", "period_end": "2026-10-01"}, "结束日期早于开始日期"),
        ({"period_start": "2026-13-01", "period_end": "2026-10-01"}, "有效的日期"),
        ({"period_start": "", "period_end": ""}, "考核期开始：此项为必填项"),
    ],
)
def test_a_bad_period_is_refused_with_why_and_writes_nothing(client, city, system, form, says):
    client.force_login(city.city_supervisor)
    answer = client.post(reverse("assessment:run_create", args=[system.pk]), form, follow=True)
    assert says in answer.content.decode()
    assert not Run.objects.exists()


def test_the_index_offers_a_run_to_the_office_only(client, city, done):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("assessment:index")).content.decode()
    assert 'data-testid="run-form"' in page and 'data-testid="run-row"' in page
    client.force_login(city.county_liaison)
    page = client.get(reverse("assessment:index")).content.decode()
    assert 'data-testid="run-form"' not in page and 'data-testid="run-row"' in page


def test_the_default_period_is_last_month(client, city, system, clock):
    clock.set(dt.date(2026, 11, 18))
    client.force_login(city.city_supervisor)
    page = client.get(reverse("assessment:index")).content.decode()
    assert 'value="2026-10-01"' in page and 'value="2026-10-31"' in page


def test_a_run_of_a_system_not_in_scope_is_not_found(client, city, done):
    county = services.create_system(
        owner=city.qingshan, year=2026, name="青山县乡镇考核", by=city.county_supervisor
    )
    client.force_login(city.outsider)
    assert client.post(reverse("assessment:run_create", args=[county.pk]), {}).status_code == 404
