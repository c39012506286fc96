"""Chasing and burden in Chromium: an item three weeks late has climbed the office's ladder and says so on
the list and its page; the office's burden page shows, per unit and month, what Luoshi asks of each unit,
with the heavy month marked and a chart of this month's most asked."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.core import clock as core_clock
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep
from luoshi.supervision import chasing
from luoshi.supervision.tests.factory import make_item

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_an_item_three_weeks_late_shows_its_rung_and_the_burden_page_marks_the_heavy_month(
    browse, live_city, clock, width, suffix
):
    c = live_city
    install_default_ladder(EscalationStep)  # the live server's flush takes the migration's rows away
    today = clock.today()
    clock.set(dt.date(2026, 11, 2))  # the items were issued at the start of the month
    late = make_item(c, title="督促推进城北片区雨污分流改造", due=dt.date(2026, 11, 10), co_units=[])
    for n in range(7):  # 青山县 is asked far more than anyone else this month
        make_item(c, title=f"督促落实安全生产隐患整改第{n + 1}项", due=dt.date(2026, 11, 28), co_units=[])
    for unit, title in ((c.baisha, "督促白沙县完成农村公路养护"), (c.fgw, "督促出台园区用地保障办法"),
                        (c.longquan_town, "督促龙泉镇完成秸秆禁烧巡查")):  # fmt: skip
        make_item(c, title=title, due=dt.date(2026, 11, 28), lead_unit=unit, co_units=[])
    # The morning job ran every day from the day after the deadline to today.
    day = dt.date(2026, 11, 11)
    while day <= today:
        chasing.chase_items(now=clock.set(core_clock.at_local(day, dt.time(8, 5))))
        day += dt.timedelta(days=1)
    clock.set(today)

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/supervision/")
    row = office.page.locator("[data-testid=item-row]").filter(has_text="雨污分流")
    expect(row.get_by_test_id("item-overdue")).to_be_visible()
    expect(row.get_by_test_id("item-rung")).to_have_text("蓝色督办单")

    office.open(f"/supervision/{late.pk}/")
    expect(office.page.get_by_test_id("item-escalation")).to_contain_text("蓝色督办单")
    office.page.get_by_test_id("item-escalations").scroll_into_view_if_needed()
    office.screenshot(f"supervision-climbed-{suffix}")

    office.open("/burden/")
    expect(office.page.get_by_test_id("burden-chart").locator("svg")).to_be_visible()
    first = office.page.get_by_test_id("burden-row").first
    expect(first).to_contain_text("青山县")
    expect(first.locator("[data-heavy='1']")).to_have_text("8")
    baisha = office.page.get_by_test_id("burden-row").filter(has_text="白沙县")
    expect(baisha.locator("[data-heavy='1']")).to_have_count(0)
    office.screenshot(f"burden-{suffix}")
