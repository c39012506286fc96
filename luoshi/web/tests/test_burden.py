"""为基层减负: every request made of a unit, counted per unit and month, scoped, heavy months marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.dispatch import services as dispatch
from luoshi.supervision.tests.factory import make_item
from luoshi.supervision.tests.inspection_factory import drive_rect, make_inspection, make_rectification
from luoshi.testing import make_task, make_weekly_cadence
from luoshi.web.burden import HEAVY_FLOOR, burden_for, months_around

NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 11, 18), dt.date(2026, 6, 1), dt.date(2026, 12, 1)),
        (dt.date(2026, 12, 31), dt.date(2026, 7, 1), dt.date(2027, 1, 1)),  # the next month is next year's
        (dt.date(2027, 3, 1), dt.date(2026, 10, 1), dt.date(2027, 4, 1)),
    ],
)
def test_the_months_are_five_back_this_one_and_the_next(today, first, last):
    months = months_around(today)
    assert (months[0], months[-1], len(months)) == (first, last, 7)
    assert all(m.day == 1 for m in months)


def cells(counted, unit):
    row = next((r for r in counted.rows if r.unit == unit), None)
    return {} if row is None else row.cells


@pytest.fixture
def asked(city, clock):
    """In November: one weekly cycle's reports, two items (青山县 leads, 市发展改革委 helps), tasks due."""
    make_task(city, title="推进青山县工业园区标准化厂房建设", due=dt.date(2026, 11, 30))
    make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha, due=dt.date(2026, 12, 20))
    dispatch.open_cycle(cadence=make_weekly_cadence(city), number=47, now=clock.now())
    make_item(city)
    make_item(city, title="督促加快园区道路建设")
    return city


def test_each_kind_of_request_counts_for_the_unit_asked_in_its_month(asked, clock):
    city = asked
    counted = burden_for(city.city_supervisor, clock.today())
    qingshan = cells(counted, city.qingshan)
    assert qingshan[NOV]["items"] == 2
    assert qingshan[NOV]["deliveries"] == 1
    assert qingshan[NOV]["reports"] == 1
    assert cells(counted, city.fgw)[NOV] == {"items": 2}  # a co-unit is asked too
    assert cells(counted, city.baisha)[DEC]["deliveries"] == 1  # next month's, already scheduled
    assert cells(counted, city.baisha)[NOV] == {"reports": 1}


def test_a_county_office_sees_only_the_units_of_its_county(asked, clock):
    counted = burden_for(asked.county_supervisor, clock.today())
    units = {r.unit for r in counted.rows}
    assert asked.qingshan in units
    assert asked.baisha not in units and asked.fgw not in units


def test_a_month_is_heavy_at_twice_the_median_of_the_units_asked(asked, clock):
    city = asked
    for n in range(HEAVY_FLOOR + 3):
        make_item(city, title=f"督促事项{n}", co_units=[])
    counted = burden_for(city.city_supervisor, clock.today())
    grid = {row["unit"]: row["cells"] for row in counted.grid()}
    november = [c for c in grid[city.qingshan] if c["month"] == NOV][0]
    assert november["n"] >= counted.heavy[NOV]
    assert november["heavy"]
    assert not [c for c in grid[city.baisha] if c["month"] == NOV][0]["heavy"]
    assert counted.rows[0].unit == city.qingshan  # the most asked first


def test_the_page_is_for_those_who_see_a_jurisdiction(asked, client, django_assert_max_num_queries):
    city = asked
    url = reverse("web:burden")
    client.force_login(city.county_liaison)
    assert client.get(url).status_code == 403
    for person in (city.city_supervisor, city.leader):
        client.force_login(person)
        with django_assert_max_num_queries(20):
            page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="burden-row"' in body
        assert "青山县" in body
    assert 'data-chart="burden"' in body


def test_each_rectification_an_inspection_gives_a_unit_counts_in_the_month_it_was_given(city, clock):
    inspection = make_inspection(city)
    make_rectification(city, inspection)
    drive_rect(city, make_rectification(city, inspection), "closed")  # asked all the same
    make_rectification(city, inspection, unit=city.baisha)
    clock.set(dt.date(2026, 12, 2))
    make_rectification(city, inspection, due=dt.date(2026, 12, 20))
    counted = burden_for(city.city_supervisor, clock.today())
    assert cells(counted, city.qingshan)[NOV] == {"rectifications": 2}
    assert cells(counted, city.qingshan)[DEC] == {"rectifications": 1}
    assert cells(counted, city.baisha)[NOV] == {"rectifications": 1}
    chart = counted.chart()
    series = next(s for s in chart["series"] if s["color"] == "#fd7e14")
    assert sum(series["data"]) == 1  # December's, the current month's
    assert city.baisha not in {r.unit for r in burden_for(city.county_supervisor, clock.today()).rows}
