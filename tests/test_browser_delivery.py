"""交账 in Chromium: a liaison delivers an overdue task, the office accepts it late, the counts follow."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.testing import make_task

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "suffix"), [(1280, "desktop"), (390, "phone")])
def test_an_overdue_task_delivered_and_accepted_late_turns_done_late_at_once(
    browse, live_city, clock, width, suffix
):
    c = live_city
    task = make_task(
        c, title="推进青山县工业园区标准化厂房建设", lead_unit=c.qingshan, due=dt.date(2026, 10, 31)
    )
    make_task(c, title="青山镇农村人居环境整治", lead_unit=c.qingshan_town, due=dt.date(2026, 10, 31))

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/")
    assert office.page.inner_text("[data-testid=stat-overdue]").strip() == "2"

    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/tasks/{task.pk}/")
    liaison.page.fill("#delivery-statement", "厂房已建成投用，入驻企业12家。")
    liaison.screenshot(f"delivery-form-{suffix}")
    liaison.page.click("[data-testid=delivery-submit]")
    liaison.page.wait_for_selector("[data-testid=delivery-statement]")
    assert liaison.page.locator("[data-testid=delivery-accept]").count() == 0

    office.open(f"/tasks/{task.pk}/")
    assert "厂房已建成投用" in office.page.inner_text("[data-testid=delivery-statement]")
    office.screenshot(f"delivery-pending-{suffix}")
    office.page.click("[data-testid=delivery-accept]")
    office.page.wait_for_selector("[data-testid=delivery]", state="detached")
    light = office.page.locator("[data-testid=task-light]")
    assert "逾期完成" in light.inner_text()  # done late, no longer red
    office.screenshot(f"delivery-accepted-{suffix}")

    office.open("/")
    assert office.page.inner_text("[data-testid=stat-overdue]").strip() == "1"
    assert office.page.locator("[data-testid=light-count][data-light=done_late]").count() == 1
