"""End to end in Chromium: a report goes out, comes back with a comment, goes out again and is accepted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from luoshi.dispatch.models import Report, Submission
from tests.conftest import Browser

pytestmark = pytest.mark.browser


def fill_and_submit(page, percent: str, progress: str) -> None:
    form = page.get_by_test_id("report-form")
    form.get_by_label("进度（%）").fill(percent)
    form.get_by_label("进展情况").fill(progress)
    form.get_by_role("button", name="提交").click()


def test_a_report_is_returned_resubmitted_and_accepted_and_the_lights_follow(browse, live_city, open_week):
    task, cycle = open_week
    liaison, office = browse(), browse()
    liaison.sign_in("county_liaison")
    office.sign_in("city_supervisor")

    office.open(f"/units/{live_city.qingshan.pk}/")
    expect(office.page.get_by_test_id("rollup-row").first.locator("[data-count=red]")).to_have_text("1")

    liaison.page.get_by_role("link", name="进展报告").click()
    liaison.page.get_by_test_id("report-item").get_by_role(
        "link", name="推进青山县工业园区标准化厂房建设"
    ).click()
    fill_and_submit(liaison.page, "70", "完成厂房主体结构。")
    expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")
    liaison.screenshot("report-submitted")

    office.page.get_by_role("link", name="调度", exact=True).click()
    office.page.get_by_test_id("cycle-row").first.get_by_role("link").click()
    office.screenshot("cycle-view")
    office.page.get_by_test_id("cycle-report").get_by_role(
        "link", name="推进青山县工业园区标准化厂房建设"
    ).click()
    office.page.get_by_label("退回理由").fill("请补充本期完成投资和入驻企业数据。")
    office.page.get_by_role("button", name="退回").click()

    liaison.open("/reports/")
    returned = liaison.page.get_by_test_id("inbox-returned")
    expect(returned).to_contain_text("请补充本期完成投资和入驻企业数据。")
    returned.get_by_role("link", name="推进青山县工业园区标准化厂房建设").click()
    expect(liaison.page.get_by_test_id("return-comment")).to_be_visible()
    fill_and_submit(liaison.page, "95", "完成厂房主体结构，本期完成投资3200万元，新入驻企业4家。")
    expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")

    report = Report.objects.get(task=task, cycle=cycle)
    office.open(f"/reports/{report.pk}/")
    office.page.get_by_test_id("review").get_by_role("button", name="采纳").click()
    expect(office.page.get_by_role("alert")).to_contain_text("报告已采纳")

    office.open(f"/tasks/{task.pk}/")
    expect(office.page.get_by_test_id("task-light").locator("[data-light]")).to_have_attribute(
        "data-light", "green"
    )
    expect(office.page.get_by_test_id("trajectory-chart").locator("svg")).to_be_visible()
    office.screenshot("task-with-trajectory")
    office.open(f"/units/{live_city.qingshan.pk}/")
    row = office.page.get_by_test_id("rollup-row").first
    expect(row.locator("[data-count=green]")).to_have_text("1")
    expect(row.locator("[data-count=red]")).to_have_text("0")
    assert Submission.objects.filter(report=report).count() == 2


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_a_submit_is_answered_in_place_without_a_second_page(
    browse, live_city, open_week, width, height, name
):
    task, cycle = open_week
    report = Report.objects.get(task=task, cycle=cycle)
    liaison = browse(width, height)
    liaison.sign_in("county_liaison")
    liaison.open(f"/reports/{report.pk}/")
    liaison.page.evaluate("window.samePage = true")  # gone if the browser loads another page
    form = liaison.page.get_by_test_id("report-form")
    form.get_by_label("进度（%）").fill("70")
    form.get_by_role("button", name="提交").click()  # no progress described: refused, in place
    expect(liaison.page.get_by_test_id("report-form")).to_contain_text("请填写进展情况。")
    liaison.screenshot(f"report-refused-in-place-{name}")
    fill_and_submit(liaison.page, "70", "完成厂房主体结构，本期完成投资3200万元。")
    expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")
    body = liaison.page.get_by_test_id("report-body")
    expect(body.get_by_role("alert")).to_contain_text("报告已报送")
    expect(body.get_by_test_id("report-view")).to_contain_text("本期完成投资3200万元")
    expect(liaison.page.get_by_test_id("report-form")).to_have_count(0)
    assert liaison.page.evaluate("window.samePage") is True
    assert liaison.page.url.endswith(f"/reports/{report.pk}/")
    assert liaison.page.locator("main nav[aria-label=breadcrumb]").count() == 1  # swapped, not nested
    liaison.screenshot(f"report-submitted-in-place-{name}")
    liaison.page.reload()  # the page as it now is; nothing is sent again
    expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")
    assert Submission.objects.filter(report=report).count() == 1


def test_without_javascript_a_submit_lands_on_the_report_page(chromium, live_server, live_city, open_week):
    task, cycle = open_week
    report = Report.objects.get(task=task, cycle=cycle)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False
    )
    try:
        liaison = Browser(context.new_page(), live_server.url)
        liaison.open("/accounts/login/")
        liaison.page.fill("#id_username", "county_liaison")
        liaison.page.fill("#id_password", "correct-horse-9")
        liaison.page.get_by_role("button", name="登录").click()  # without JavaScript the language has one too
        liaison.open(f"/reports/{report.pk}/")
        fill_and_submit(liaison.page, "70", "完成厂房主体结构。")
        expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")
        expect(liaison.page.get_by_role("alert")).to_contain_text("报告已报送")
        assert liaison.page.url.endswith(f"/reports/{report.pk}/")
        liaison.screenshot("report-submitted-without-javascript")
    finally:
        context.close()
    assert Submission.objects.filter(report=report).count() == 1
