"""End to end in Chromium: a supervisor uploads a real work report and turns part of it into tasks."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from luoshi.plans.models import Task, TaskList

pytestmark = pytest.mark.browser
REPORT = (
    Path(__file__).resolve().parent.parent
    / "luoshi"
    / "text"
    / "tests"
    / "corpus"
    / "reports"
    / "gwr2026_beijing.txt"
)


def test_a_supervisor_uploads_a_work_report_and_creates_tasks_from_it(browse, live_city):
    me = browse()
    me.sign_in("city_supervisor")
    me.page.get_by_role("link", name="计划与清单").click()
    me.page.get_by_role("link", name="从文件生成").click()
    form = me.page.get_by_test_id("intake-form")
    form.get_by_label("文件").set_input_files(str(REPORT))
    form.get_by_role("button", name="读取文件").click()

    expect(me.page.get_by_test_id("doc-text").locator("mark.item-target").first).to_be_visible()
    expect(me.page.get_by_test_id("repairs")).to_be_visible()
    me.page.get_by_test_id("original-tab").click()
    expect(me.page.get_by_test_id("original-text").locator("del.damage-boilerplate").first).to_be_visible()
    me.page.get_by_role("tab", name="修复后的文本").click()
    me.screenshot("ingest-review")
    rows = me.page.get_by_test_id("review-row")
    assert rows.count() > 50
    me.page.get_by_role("button", name="全部不保留").click()
    for i in (0, 1):
        row = rows.nth(i)
        row.locator("input[name$='-keep']").check()
        row.locator("select[name$='-lead_unit']").select_option(label="\u3000青山县")
    me.page.locator("#list_name").fill("北京报告试点清单")
    me.page.get_by_role("button", name="生成任务清单").click()

    expect(me.page.get_by_test_id("task-count")).to_contain_text("2")
    task_list = TaskList.objects.get(name="北京报告试点清单")
    assert Task.objects.filter(task_list=task_list, lead_unit=live_city.qingshan).count() == 2
