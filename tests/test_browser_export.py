"""Excel out, and print, in a real Chromium: the office exports the filtered task list and prints pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from luoshi.core import sheets
from luoshi.dispatch import services
from luoshi.testing import make_task, make_weekly_cadence

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def tasks(live_city):
    c = live_city
    make_task(c, title="青山县农村公路提档", lead_unit=c.qingshan, leader=c.leader, owner=c.county_head)
    make_task(c, title="青山镇工业园扩区", lead_unit=c.qingshan_town, co_units=[c.fgw])
    make_task(c, title="白沙县农村公路", lead_unit=c.baisha)
    make_task(c, title="=cmd|' /C calc'!A0 市级统筹", lead_unit=c.fgw)


def titles_in(path):
    ws = load_workbook(path).active
    merged = {r.min_row for r in ws.merged_cells.ranges}
    return [row[1].value for row in ws.iter_rows(min_row=sheets.HEADER_ROW + 1) if row[0].row not in merged]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_office_exports_the_filtered_task_list_and_it_opens_in_excel(browse, live_city, tasks, width):
    me = browse(width=width)
    me.sign_in("city_supervisor")
    me.open("/tasks/")
    me.page.get_by_label("关键词").fill("农村公路")
    expect(me.page).to_have_url(re.compile(r"q=%E5%86%9C"))  # htmx pushed the filter to the address bar
    with me.page.expect_download() as info:
        me.page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    ARTIFACTS.mkdir(exist_ok=True)
    saved = ARTIFACTS / f"task-list-export-{width}.xlsx"
    download.save_as(saved)
    assert titles_in(saved) == ["青山县农村公路提档", "白沙县农村公路"]
    me.screenshot(f"task-list-export-{width}")


def test_a_county_liaisons_export_holds_only_its_scope(browse, live_city, tasks):
    me = browse()
    me.sign_in("county_liaison")
    me.open("/tasks/")
    with me.page.expect_download() as info:
        me.page.get_by_test_id("export-xlsx").click()
    saved = ARTIFACTS / "task-list-export-county.xlsx"
    info.value.save_as(saved)
    assert sorted(titles_in(saved)) == ["青山县农村公路提档", "青山镇工业园扩区"]


def test_pages_print_without_navigation_filters_or_buttons(browse, live_city, tasks):
    cycle = services.open_cycle(
        cadence=make_weekly_cadence(live_city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    me = browse()
    me.sign_in("city_supervisor")
    me.page.emulate_media(media="print")
    for name, path in [
        ("tasks", "/tasks/?q=公路"),
        ("cycle", f"/cycles/{cycle.pk}/"),
        ("unit", f"/units/{live_city.qingshan.pk}/"),
    ]:
        me.open(path)
        expect(me.page.locator("nav.navbar")).to_be_hidden()
        expect(me.page.get_by_test_id("export-xlsx")).to_be_hidden()
        header = me.page.get_by_test_id("print-header")
        expect(header).to_be_visible()
        expect(header).to_contain_text("临江市")
        expect(header).to_contain_text("2026")
        if name == "tasks":
            expect(me.page.get_by_test_id("task-filters")).to_be_hidden()
            expect(header).to_contain_text("任务")
        me.screenshot(f"print-{name}")
