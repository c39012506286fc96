"""The comparison page: what moved between two runs of one system and why, indicator by indicator for the
units whose rows the viewer sees (as the unit trace shows them), the ranks and totals for all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.assessment import services
from luoshi.assessment.tests.conftest import run
from luoshi.plans.models import Task


@pytest.fixture
def two(city, system, october):
    """Run 1 before 青山县's last task was found finished late (青山县 first), run 2 after (白沙县 first)."""
    late = october["late_task"]
    Task.objects.filter(pk=late.pk).update(completed_on=dt.date(2026, 10, 30))
    first = run(city, system)
    Task.objects.filter(pk=late.pk).update(completed_on=dt.date(2026, 11, 3))
    return first, run(city, system)


def page(client, person, run, **query):
    client.force_login(person)
    answer = client.get(reverse("assessment:run_compare", args=[run.pk]), query)
    return answer.status_code, answer.content.decode()


def unit_block(html, name):
    blocks = html.split('data-testid="compare-unit"')[1:]
    return next(b for b in blocks if f'data-testid="compare-name">{name}<' in b)


def test_a_county_sees_it_fell_because_a_task_was_late_with_the_rows_of_both_runs(
    client, city, two, django_assert_max_num_queries
):
    first, second = two
    client.force_login(city.county_liaison)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("assessment:run_compare", args=[second.pk])).content.decode()
    assert html.index('compare-name">白沙县') < html.index('compare-name">青山县')  # ranked by the later run
    mine = unit_block(html, "青山县")
    assert 'data-testid="rank-down"' in mine and "▼1" in mine
    assert "主要因为：任务按期完成 -15.00分" in mine
    assert "4/4 → 3/4" in mine  # the tasks on time, then and now
    assert reverse("assessment:unit_trace", args=[first.pk, city.qingshan.pk]) in mine
    assert reverse("assessment:unit_trace", args=[second.pk, city.qingshan.pk]) in mine
    theirs = unit_block(html, "白沙县")
    assert "▲1" in theirs  # every unit's rank and move, as the ranking shows them
    assert 'data-testid="compare-details"' not in theirs and "compare-why" not in theirs  # not its rows
    assert 'data-testid="mover"' in html  # both moved one place


def test_the_run_detail_links_to_the_comparison_once_there_is_an_earlier_run(client, city, two):
    first, second = two
    client.force_login(city.city_supervisor)
    assert (
        'data-testid="compare-link"'
        in client.get(reverse("assessment:run_detail", args=[second.pk])).content.decode()
    )
    assert (
        'data-testid="compare-link"'
        not in client.get(reverse("assessment:run_detail", args=[first.pk])).content.decode()
    )
    status, html = page(client, city.city_supervisor, first)
    assert status == 200 and 'data-testid="compare-none"' in html


def test_the_office_sees_every_units_breakdown_and_may_name_the_earlier_run(client, city, two):
    first, second = two
    status, html = page(client, city.city_supervisor, first, **{"with": second.pk, "category": "department"})
    assert status == 200  # given the later run as `with`, the page still compares earlier → later
    assert "第2次考核（2026-10-01 – 2026-10-31）与第1次考核" in html
    assert html.count('data-testid="compare-details"') == 1  # 市发展改革委, the one department
    status, html = page(client, city.city_supervisor, second)
    assert html.count('data-testid="compare-details"') == 2


def test_a_forged_or_foreign_run_is_not_found_and_another_systems_run_is_refused(client, city, system, two):
    first, second = two
    for forged in ("999999", "abc", "-1", "²", "99999999999999999999"):
        assert page(client, city.county_liaison, second, **{"with": forged})[0] == 404
    county = services.create_system(
        owner=city.qingshan, year=2026, name="青山县乡镇考核", by=city.county_supervisor
    )
    services.add_indicator(
        system=county,
        name="任务按期完成",
        metric="tasks_on_time",
        by=city.county_supervisor,
        weights={"township": 100},
    )
    other = services.run_assessment(
        system=county,
        period_start=first.period_start,
        period_end=first.period_end,
        by=city.county_supervisor,
        now=first.as_of,
    )
    status, html = page(client, city.county_liaison, second, **{"with": other.pk})
    assert status == 400 and "只能比较同一考核指标体系的两次考核" in html
    assert page(client, city.outsider, second, **{"with": other.pk})[0] == 404  # 白沙县 does not see it
