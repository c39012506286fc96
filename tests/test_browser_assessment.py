"""考核 in Chromium: the office scores last month, the ranking shows each category with its chart and the
moves since the previous run, and a county drills down from its rank to the rows behind its score."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.assessment import services
from luoshi.assessment.tests.conftest import AS_OF, END, START, build_system, fill_october
from luoshi.plans.models import Task

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_the_office_ranks_last_month_and_a_county_sees_why_it_moved(browse, live_city, clock, width, suffix):
    c = live_city
    system = build_system(c)
    october = fill_october(c, clock, system)
    # A first run, before 青山县's last task was found to be finished late: 青山县 first, 白沙县 second.
    Task.objects.filter(pk=october["late_task"].pk).update(completed_on=dt.date(2026, 10, 30))
    services.run_assessment(
        system=system, period_start=START, period_end=END, by=c.city_supervisor, now=AS_OF
    )
    Task.objects.filter(pk=october["late_task"].pk).update(completed_on=dt.date(2026, 11, 3))

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/assessment/")
    form = office.page.get_by_test_id("run-form")
    expect(form.get_by_label("考核期开始")).to_have_value("2026-10-01")
    expect(form.get_by_label("考核期结束")).to_have_value("2026-10-31")
    form.get_by_test_id("run-submit").click()
    expect(office.page.get_by_test_id("run-period")).to_contain_text("第2次考核")
    rows = office.page.get_by_test_id("ranking-row")
    expect(rows.first).to_contain_text("白沙县")
    expect(rows.first.get_by_test_id("rank-up")).to_have_text("▲1")
    expect(rows.nth(1).get_by_test_id("rank-down")).to_have_text("▼1")
    expect(office.page.get_by_test_id("ranking-chart").locator("svg")).to_be_visible()
    office.screenshot(f"assessment-ranking-{suffix}")

    # The system's page: its weights per category, adding up, and where the office gives points.
    office.open(f"/assessment/systems/{system.pk}/")
    expect(office.page.get_by_test_id("weight-row")).to_have_count(4)
    expect(office.page.get_by_test_id("weight-problems")).to_have_count(0)
    award = office.page.get_by_test_id("award-form")
    award.get_by_label("单位").select_option(label="白沙县")
    award.get_by_label("分值（减分填负数）").fill("-1")
    award.get_by_label("理由").fill("发生一般安全生产事故")
    award.get_by_test_id("award-save").click()
    expect(office.page.get_by_test_id("awards")).to_contain_text("发生一般安全生产事故")
    office.screenshot(f"assessment-system-{suffix}")

    county = browse(width=width, height=900)
    county.sign_in("county_liaison")
    county.open("/assessment/")
    county.page.get_by_test_id("run-row").first.locator("a").click()
    county.page.get_by_test_id("ranking-row").filter(has_text="青山县").get_by_test_id("trace-link").click()
    expect(county.page.get_by_test_id("trace-total")).to_have_text("63.00")
    tasks = county.page.get_by_test_id("trace-line").filter(has_text="任务按期完成")
    expect(tasks.get_by_test_id("line-fact")).to_contain_text("4项中达标3项")
    tasks.get_by_test_id("line-misses").click()
    expect(tasks.get_by_test_id("miss-row")).to_contain_text("推进重点项目建设")
    county.screenshot(f"assessment-trace-{suffix}")
    tasks.get_by_test_id("miss-row").click()
    expect(county.page).to_have_url(f"{county.base_url}/tasks/{october['late_task'].pk}/")

    # What moved and why: from the ranking to the comparison with run 1, 青山县's breakdown opened.
    county.open(f"/assessment/runs/{system.runs.get(number=2).pk}/")
    county.page.get_by_test_id("compare-link").click()
    expect(county.page.get_by_test_id("compare-period")).to_contain_text("第1次考核")
    mine = county.page.get_by_test_id("compare-unit").filter(has_text="青山县")
    expect(mine.get_by_test_id("rank-down")).to_have_text("▼1")
    expect(mine.get_by_test_id("compare-why")).to_have_text("主要因为：任务按期完成 -15.00分")
    mine.get_by_test_id("compare-details").locator("summary").click()
    tasks = mine.get_by_test_id("compare-line").filter(has_text="任务按期完成")
    expect(tasks.get_by_test_id("compare-facts")).to_have_text("4/4 → 3/4")
    theirs = county.page.get_by_test_id("compare-unit").filter(has_text="白沙县")
    expect(theirs.get_by_test_id("rank-up")).to_have_text("▲1")
    expect(theirs.get_by_test_id("compare-details")).to_have_count(0)
    county.screenshot(f"assessment-compare-{suffix}")
    mine.get_by_test_id("trace-before").click()
    expect(county.page.get_by_test_id("trace-total")).to_have_text("78.00")
