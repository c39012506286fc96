"""Importing a task list from Excel in Chromium: the office uploads its 督办台账 from the task list, tells
Luoshi which column holds the tasks, chooses the unit meant by a name it does not know, imports, and finds
the tasks in the list; on a desktop and on a phone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from luoshi.plans.models import Task

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


def ledger() -> bytes:
    """督办台账 as an office keeps it, its task column headed in words Luoshi does not know (工作要点) and
    one lead unit named as nobody in the unit tree is (城管执法局)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "督办台账"
    ws.append(["市委督查室督办事项台账（2026年）"])
    ws.append(["序号", "工作要点", "牵头单位", "配合单位", "责任人", "办结时限", "节点安排"])
    ws.append(
        [
            1,
            "推进城区老旧小区改造",
            "青山县",
            "白沙县",
            "张三",
            dt.date(2026, 10, 31),
            "3月底前完成摸底；6月底前开工",
        ]
    )
    ws.append([2, "整治违规占道经营", "城管执法局", None, "李四", "长期坚持", None])
    ws.append([3, "落实河长制巡河", "市发改委", "青山县", "王五", "11月15日前", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_the_office_imports_a_ledger_correcting_a_column_and_a_unit(browse, live_city, width, suffix):
    c = live_city
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open(f"/tasks/?list={c.economy.pk}")
    office.page.get_by_test_id("import-xlsx").click()
    expect(office.page.get_by_test_id("sheet-template")).to_be_visible()
    office.page.get_by_test_id("sheet-upload-form").locator("input[type=file]").set_input_files(
        {"name": "督办台账.xlsx", "mimeType": "application/octet-stream", "buffer": ledger()}
    )
    office.page.get_by_test_id("sheet-upload").click()

    # The task column was not recognised: the problem says where, and nothing may be imported yet.
    expect(office.page.get_by_test_id("sheet-problem").first).to_contain_text("督办台账")
    expect(office.page.get_by_test_id("sheet-commit")).to_be_disabled()
    office.screenshot(f"sheet-import-problems-{suffix}")
    office.page.get_by_test_id("role-B").select_option("task")
    office.page.get_by_test_id("sheet-check").click()

    # Now the rows are read; 城管执法局 is unknown: choose 白沙县 for it.
    expect(office.page.get_by_test_id("sheet-row")).to_have_count(3)
    expect(office.page.get_by_test_id("role-B")).to_have_value("task")
    choice = office.page.get_by_test_id("unit-choice").filter(has_text="城管执法局")
    expect(choice).to_have_count(1)
    expect(office.page.get_by_test_id("sheet-commit")).to_be_disabled()
    choice.locator("select").select_option(str(c.baisha.pk))
    office.page.get_by_test_id("sheet-check").click()
    expect(office.page.get_by_test_id("sheet-problem")).to_have_count(0)
    expect(office.page.get_by_test_id("sheet-commit")).to_be_enabled()
    office.screenshot(f"sheet-import-review-{suffix}")

    office.page.get_by_test_id("sheet-commit").click()
    expect(office.page).to_have_url(f"{office.base_url}/tasks/?list={c.economy.pk}")
    for title in ("推进城区老旧小区改造", "整治违规占道经营", "落实河长制巡河"):
        expect(office.page.get_by_text(title).first).to_be_visible()
    office.screenshot(f"sheet-import-done-{suffix}")
    imported = Task.objects.get(task_list=c.economy, title="整治违规占道经营")
    assert imported.lead_unit == c.baisha and imported.due == dt.date(2026, 12, 31)
    assert Task.objects.get(title="推进城区老旧小区改造").milestones.count() == 2
