"""Lights where people look, in Chromium: the office's home counts them, and a count opens those tasks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from luoshi.plans.services import complete_task
from luoshi.testing import make_task

pytestmark = pytest.mark.browser


@pytest.fixture
def lit_city(live_city, clock):
    c = live_city
    overdue = dt.date(2026, 10, 31)
    make_task(c, title="推进青山县工业园区标准化厂房建设", lead_unit=c.qingshan, due=overdue, leader=c.leader)
    make_task(c, title="青山镇农村人居环境整治", lead_unit=c.qingshan_town, due=overdue)
    make_task(
        c,
        title="白沙县农村公路提档升级",
        lead_unit=c.baisha,
        start=dt.date(2026, 11, 8),
        due=dt.date(2027, 1, 10),
    )
    make_task(
        c, title="市发展改革委重大项目谋划", lead_unit=c.fgw, start=clock.today(), owner=c.department_liaison
    )
    make_task(c, title="青山县招商引资攻坚", lead_unit=c.qingshan, co_units=[c.fgw])
    done = make_task(c, title="白沙县营商环境优化", lead_unit=c.baisha, due=dt.date(2026, 11, 10))
    complete_task(task=done, by=c.city_supervisor, on=dt.date(2026, 11, 3))
    return c


@pytest.mark.parametrize(("width", "suffix"), [(1280, "desktop"), (390, "phone")])
def test_the_office_opens_its_red_tasks_from_the_home_page(browse, lit_city, width, suffix):
    me = browse(width=width, height=900)
    me.sign_in("city_supervisor")
    me.open("/")
    breakdown = me.page.locator("[data-testid=light-breakdown]")
    red = breakdown.locator("[data-testid=light-count][data-light=red]")
    assert red.inner_text().split()[-1] == "3"  # two overdue, one far behind
    me.screenshot(f"home-lights-{suffix}")
    red.click()
    me.page.wait_for_url(re.compile(r"light=red"))
    assert me.page.locator("[data-testid=task-row]").count() == 3
    assert me.page.locator("[data-testid=task-row] [data-light=red]").count() == 3
    me.screenshot(f"task-list-red-{suffix}")


def test_a_filter_chosen_on_the_list_updates_the_table_in_place_and_the_address(browse, lit_city):
    me = browse()
    me.sign_in("city_supervisor")
    me.open("/")
    me.page.locator("[data-testid=unit-overdue]", has_text="青山县").click()
    me.page.wait_for_url(re.compile(r"completion=overdue"))
    assert me.page.locator("[data-testid=task-row]").count() == 1  # 青山县 itself, not its township
    me.page.uncheck("#id_unit_only")
    me.page.wait_for_url(lambda url: "unit_only" not in url)
    me.page.wait_for_function("document.querySelectorAll('[data-testid=task-row]').length === 2")
    me.page.select_option("#id_light", "red")
    me.page.wait_for_url(re.compile(r"light=red"))
    assert me.page.locator("[data-testid=task-row]").count() == 2
    me.screenshot("task-list-filtered-overdue")
