"""A province's task filter in Chromium: the lead unit is found by typing, not picked from 3,000 options."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from luoshi.core import forms as core_forms
from luoshi.testing import make_task

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lead_unit_is_found_by_typing_and_filters_the_list(browse, live_city, monkeypatch, width):
    c = live_city
    monkeypatch.setattr(
        core_forms, "LISTED_CHOICES", 2
    )  # the city's handful of units, searched as a province's
    make_task(c, title="青山镇农村人居环境整治", lead_unit=c.qingshan_town)
    make_task(c, title="白沙县农村公路提档升级", lead_unit=c.baisha)
    make_task(c, title="市发展改革委重大项目谋划", lead_unit=c.fgw)
    me = browse(width, 900 if width > 600 else 844)
    me.sign_in("city_supervisor")
    me.open("/tasks/")
    if width < 768:
        me.page.get_by_role("button", name="更多筛选条件").click()
    unit = me.page.locator("#id_lead_unit")
    expect(unit.locator("option")).to_have_count(1)  # none chosen: nothing listed but "all"
    me.page.get_by_role("searchbox", name="查找：牵头单位").fill("白沙")
    expect(unit.locator("option")).to_have_text(["---------", "\u3000白沙县"])
    me.screenshot(f"choice-search-{width}")
    unit.select_option(label="\u3000白沙县")
    rows = me.page.locator("#task-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("白沙县农村公路提档升级")
    expect(me.page).to_have_url(re.compile(rf"lead_unit={c.baisha.pk}"))
    # A search that finds nothing says so; what is chosen stays chosen.
    me.page.get_by_role("searchbox", name="查找：牵头单位").fill("不存在的单位")
    expect(me.page.get_by_text("没有匹配项。")).to_be_visible()
    expect(unit).to_have_value(str(c.baisha.pk))
    expect(rows).to_have_count(1)
    # Reloaded, the page lists the chosen unit alone, selected.
    me.page.reload()
    expect(me.page.locator("#id_lead_unit option:checked")).to_have_text("\u3000白沙县")
