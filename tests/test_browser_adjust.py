"""调整完成时限 and 撤销 in Chromium: the city's office moves an overdue task's deadline and cancels another;
the light, the list and the home counts follow at once, and the county's liaison is told."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.dispatch.models import TaskLight
from luoshi.testing import make_task

pytestmark = pytest.mark.browser
SIZES = [(1280, 900, "desktop"), (390, 844, "phone")]


@pytest.fixture
def overdue_pair(live_city, clock):
    """Two tasks of 青山县, begun 10-01 and due 10-31: red on 2026-11-18, the deadline passed."""
    clock.set(dt.date(2026, 11, 18))
    dates = {"start": dt.date(2026, 10, 1), "due": dt.date(2026, 10, 31), "leader": live_city.leader}
    moved = make_task(live_city, title="推进青山县工业园区标准化厂房建设", **dates)
    dropped = make_task(live_city, title="青山县老旧小区改造试点", **dates)
    return moved, dropped


@pytest.mark.parametrize(("width", "height", "suffix"), SIZES)
def test_the_office_moves_a_deadline_and_cancels_a_task_and_the_county_is_told(
    browse, live_city, overdue_pair, width, height, suffix
):
    moved, dropped = overdue_pair
    assert TaskLight.objects.get(task=moved).light == "red"
    office = browse(width=width, height=height)
    office.sign_in("city_supervisor")
    office.open("/")
    expect(office.page.get_by_test_id("stat-total")).to_have_text("2")
    expect(office.page.get_by_test_id("stat-overdue")).to_have_text("2")

    office.open(f"/tasks/{moved.pk}/")
    expect(office.page.get_by_test_id("task-light")).to_contain_text("红灯")
    office.page.get_by_test_id("deadline-open").locator("summary").click()
    form = office.page.get_by_test_id("deadline-form")
    form.locator("input[type=date]").fill("2027-06-30")
    form.locator("textarea").fill("省里调整了园区建设计划，经市政府同意顺延。")
    office.screenshot(f"adjust-deadline-form-{suffix}")
    form.get_by_test_id("deadline-submit").click()
    expect(office.page.locator(".alert-success")).to_contain_text("完成时限已调整")
    expect(office.page.get_by_test_id("task-light")).not_to_contain_text("红灯")
    expect(office.page.get_by_test_id("first-due").first).to_contain_text("原 2026-10-31")
    expect(office.page.get_by_test_id("adjustment")).to_contain_text("省里调整了园区建设计划")
    expect(office.page.get_by_test_id("history-reason").first).to_contain_text("省里调整了园区建设计划")
    office.screenshot(f"adjust-deadline-moved-{suffix}")
    assert TaskLight.objects.get(task=moved).light != "red"

    office.open("/tasks/")
    row = office.page.get_by_test_id("task-row").filter(has_text="标准化厂房")
    expect(row.get_by_test_id("first-due").first).to_contain_text("原 2026-10-31")
    expect(row.get_by_test_id("due-moved").first).to_have_text("已调整")
    office.screenshot(f"adjust-task-list-moved-{suffix}")

    office.open(f"/tasks/{dropped.pk}/")
    office.page.get_by_test_id("cancel-open").locator("summary").click()
    form = office.page.get_by_test_id("cancel-form")
    form.locator("textarea").fill("该试点已并入省级老旧小区改造项目统一实施。")
    office.page.once("dialog", lambda dialog: dialog.accept())  # 确定撤销？
    form.get_by_test_id("cancel-submit").click()
    expect(office.page.locator(".alert-success")).to_contain_text("任务已撤销")
    expect(office.page.get_by_test_id("task-cancelled")).to_contain_text("撤销")
    expect(office.page.get_by_test_id("cancel-form")).to_have_count(0)
    office.screenshot(f"adjust-cancelled-{suffix}")
    assert not TaskLight.objects.filter(task=dropped).exists()

    office.open("/tasks/")
    expect(office.page.get_by_test_id("task-row")).to_have_count(1)
    expect(office.page.get_by_test_id("task-row").filter(has_text="老旧小区")).to_have_count(0)
    office.open("/")
    expect(office.page.get_by_test_id("stat-total")).to_have_text("1")
    expect(office.page.get_by_test_id("stat-overdue")).to_have_text("0")
    office.screenshot(f"adjust-home-{suffix}")

    liaison = browse(width=width, height=height)
    liaison.sign_in("county_liaison")
    liaison.open("/notices/")
    notices = liaison.page.get_by_test_id("notice")
    expect(notices.filter(has_text="完成时限已调整")).to_contain_text("2026-10-31")
    expect(notices.filter(has_text="任务已撤销")).to_contain_text("该试点已并入省级老旧小区改造项目统一实施")
    liaison.screenshot(f"adjust-notices-{suffix}")
