"""Building an indicator system on its pages: the office creates it, adds groups and indicators with their
weights per category until they add up, gives bonus and penalty points; leaders and offices enter marks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from luoshi.assessment import services
from luoshi.assessment.models import Award, Indicator, IndicatorSystem, Metric, Rating
from luoshi.audit.models import AuditEvent


def test_an_office_creates_a_system_for_its_jurisdiction_and_a_liaison_cannot(client, city):
    form = {"name": "乡镇综合考核", "year": 2026, "total": 100, "bonus_cap": 3, "penalty_cap": 5}
    client.force_login(city.county_liaison)
    assert client.post(reverse("assessment:system_create"), form).status_code == 403
    client.force_login(city.county_supervisor)
    answer = client.post(reverse("assessment:system_create"), form)
    system = IndicatorSystem.objects.get()
    assert answer["Location"] == reverse("assessment:system_detail", args=[system.pk])
    assert (system.owner, system.bonus_cap) == (city.qingshan, D(3))
    assert AuditEvent.objects.filter(action="indicator_system.create").count() == 1


def test_weights_are_added_until_they_add_up_and_the_page_says_what_is_missing(client, city):
    system = services.create_system(owner=city.city, year=2026, name="年度综合考核", by=city.city_supervisor)
    client.force_login(city.city_supervisor)
    add = reverse("assessment:indicator_add", args=[system.pk])
    client.post(add, {"name": "重点工作", "metric": "", "weight_county": "70"})
    group = Indicator.objects.get(name="重点工作")
    client.post(
        add,
        {"name": "任务按期完成", "metric": Metric.TASKS_ON_TIME, "parent": group.pk, "weight_county": "70"},
    )
    page = client.get(reverse("assessment:system_detail", args=[system.pk])).content.decode()
    assert 'data-testid="weight-problems"' in page
    assert "一级指标合计70分，与总分值100分不符。" in page
    client.post(add, {"name": "领导评议", "metric": Metric.RATING, "weight_county": "30"})
    page = client.get(reverse("assessment:system_detail", args=[system.pk])).content.decode()
    assert 'data-testid="weight-problems"' not in page
    assert page.count('data-testid="weight-row"') == 3
    assert 'data-testid="weight-total">100.00<' in page
    assert services.weight_problems(system) == []


def test_an_indicator_cannot_go_under_another_systems_group(client, city):
    mine = services.create_system(owner=city.city, year=2026, name="年度综合考核", by=city.city_supervisor)
    other = services.create_system(owner=city.city, year=2026, name="专项考核", by=city.city_supervisor)
    foreign = services.add_indicator(system=other, name="安全生产", by=city.city_supervisor)
    client.force_login(city.city_supervisor)
    answer = client.post(
        reverse("assessment:indicator_add", args=[mine.pk]), {"name": "x", "parent": foreign.pk}, follow=True
    )
    assert "选择一个有效的选项" in answer.content.decode()
    assert not mine.indicators.exists()


def test_points_are_given_with_a_reason_and_zero_is_refused(client, city):
    system = services.create_system(owner=city.city, year=2026, name="年度综合考核", by=city.city_supervisor)
    services.add_indicator(system=system, name="任务", metric=Metric.TASKS_ON_TIME, by=city.city_supervisor,
                           weights={"county": D(100)})  # fmt: skip
    client.force_login(city.city_supervisor)
    url = reverse("assessment:award_create", args=[system.pk])
    form = {"unit": city.qingshan.pk, "points": "2", "reason": "获评省级试点", "on": "2026-11-10"}
    client.post(url, form)
    assert list(Award.objects.values_list("unit__name", "points")) == [("青山县", D(2))]
    answer = client.post(url, {**form, "points": "0"}, follow=True)
    assert Award.objects.count() == 1
    assert 'class="alert alert-danger' in answer.content.decode()
    # A township is not in a category the system weighs: it is not offered.
    client.post(url, {**form, "unit": city.qingshan_town.pk})
    assert Award.objects.count() == 1


@pytest.fixture
def rated(city):
    system = services.create_system(owner=city.city, year=2026, name="年度综合考核", by=city.city_supervisor)
    services.add_indicator(system=system, name="领导评议", metric=Metric.RATING, by=city.city_supervisor,
                           weights={"county": D(100)})  # fmt: skip
    return system


def test_a_leader_marks_the_units_at_once_and_the_marks_carry_their_name(client, city, rated):
    indicator = rated.indicators.get()
    client.force_login(city.leader)
    page = client.get(reverse("assessment:rate", args=[rated.pk])).content.decode()
    assert "青山县" in page and "白沙县" in page
    form = {"indicator": indicator.pk, f"mark_{city.qingshan.pk}": "92", f"mark_{city.baisha.pk}": ""}
    client.post(reverse("assessment:rate", args=[rated.pk]), form)
    assert list(Rating.objects.values_list("unit__name", "rater__username", "mark")) == [
        ("青山县", "leader", D(92))
    ]


@pytest.mark.parametrize(
    ("marks", "says"),
    [({"q": "101"}, "100"), ({"q": "-1"}, "0"), ({}, "至少")],
)
def test_bad_marks_are_refused_and_none_is_saved(client, city, rated, marks, says):
    form = {"indicator": rated.indicators.get().pk}
    form |= {f"mark_{city.qingshan.pk}": v for v in marks.values()}
    client.force_login(city.leader)
    page = client.post(reverse("assessment:rate", args=[rated.pk]), form).content.decode()
    assert 'data-testid="rating-form"' in page and says in page
    assert not Rating.objects.exists()


def test_a_liaison_does_not_rate_and_an_outsider_does_not_see_a_county_system(client, city, rated):
    client.force_login(city.county_liaison)
    assert client.get(reverse("assessment:rate", args=[rated.pk])).status_code == 403
    county = services.create_system(
        owner=city.qingshan, year=2026, name="乡镇考核", by=city.county_supervisor
    )
    client.force_login(city.outsider)
    for name in ("system_detail", "rate"):
        assert client.get(reverse(f"assessment:{name}", args=[county.pk])).status_code == 404
    for name in ("indicator_add", "award_create", "rate", "run_create"):
        assert client.post(reverse(f"assessment:{name}", args=[county.pk])).status_code == 404
