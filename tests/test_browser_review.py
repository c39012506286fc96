"""In Chromium: the office ticks reports with select-all and is told when nothing is ticked, a county
liaison on the city cycle sees no review controls, and a report page tells its whole history."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.core import clock
from luoshi.dispatch import calendar, services, status
from luoshi.dispatch.models import Report, ReportState
from luoshi.dispatch.services import ReportData
from luoshi.testing import make_task

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sent_week(live_city):
    """This week's cycle of the economy list, with the reports of two 青山县 tasks sent to the office."""
    today = clock.today()
    tasks = [
        make_task(
            live_city,
            title=title,
            lead_unit=live_city.qingshan,
            leader=live_city.county_head,
            owner=live_city.county_liaison,
            start=today - dt.timedelta(days=300),
            due=today + dt.timedelta(days=30),
        )
        for title in ("推进青山县工业园区标准化厂房建设", "青山县农村人居环境整治提升")
    ]
    cadence = services.create_cadence(
        by=live_city.city_supervisor, task_list=live_city.economy, name="一周一调度", frequency="weekly",
        anchor=today - dt.timedelta(days=today.weekday() + 70), due_time=dt.time(17, 0),
    )  # fmt: skip
    number = calendar.period_number_on(frequency="weekly", anchor=cadence.anchor, day=today)
    cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
    for i, report in enumerate(Report.objects.filter(cycle=cycle)):
        services.submit_report(
            report=report,
            by=live_city.county_liaison,
            data=ReportData(percent=60 + i, progress="厂房主体结构封顶，累计完成投资2.3亿元。"),
            expected_version=report.version,
            idempotency_key=f"sent-{report.pk}",
        )
    status.refresh(tasks, today=today)
    return cycle


def test_the_office_selects_all_and_is_told_when_nothing_is_selected(browse, live_city, sent_week):
    for name, size in (("desktop", {}), ("phone", PHONE)):
        office = browse(**size)
        office.sign_in("city_supervisor")
        office.open(f"/cycles/{sent_week.pk}/")
        accept = office.page.get_by_test_id("accept-selected")
        accept.click()
        expect(office.page.locator("[data-nothing-selected]")).to_be_visible()
        assert office.page.url.endswith(f"/cycles/{sent_week.pk}/")  # the browser did not send it
        office.screenshot(f"cycle-nothing-selected-{name}")
        office.page.locator("[data-select-all]").check()
        expect(office.page.locator("input[name=report]:checked")).to_have_count(2)
        expect(office.page.locator("[data-selected-count]")).to_have_text("2")
        expect(office.page.locator("[data-nothing-selected]")).to_be_hidden()
        office.screenshot(f"cycle-select-all-{name}")
        if name == "phone":
            accept.click()
            expect(office.page.get_by_role("alert")).to_contain_text("2")
    assert Report.objects.filter(cycle=sent_week, state=ReportState.ACCEPTED).count() == 2


def test_a_county_liaison_on_the_city_cycle_sees_no_review_controls(browse, live_city, sent_week):
    liaison = browse(**PHONE)
    liaison.sign_in("county_liaison")
    liaison.open(f"/cycles/{sent_week.pk}/")
    expect(liaison.page.get_by_test_id("cycle-report")).to_have_count(2)
    expect(liaison.page.locator("input[name=report], [data-select-all]")).to_have_count(0)
    expect(liaison.page.get_by_test_id("accept-selected")).to_have_count(0)
    liaison.screenshot("cycle-county-liaison-phone")
    liaison.page.get_by_test_id("cycle-report").first.get_by_role("link").click()
    expect(liaison.page.get_by_test_id("report-history")).to_be_visible()
    expect(liaison.page.get_by_test_id("review")).to_have_count(0)


def test_a_report_page_tells_its_whole_history(browse, live_city, sent_week):
    report = Report.objects.filter(cycle=sent_week).order_by("pk").first()
    services.return_report(
        report=report, by=live_city.city_supervisor, comment="请补充本期完成投资和入驻企业数据。"
    )
    report.refresh_from_db()
    services.submit_report(
        report=report,
        by=live_city.county_liaison,
        data=ReportData(percent=70, progress="完成厂房主体结构，本期完成投资3200万元，新入驻企业4家。"),
        expected_version=report.version,
        idempotency_key="again",
    )
    services.accept_reports(reports=[Report.objects.get(pk=report.pk)], by=live_city.city_supervisor)
    for name, size in (("desktop", {}), ("phone", PHONE)):
        office = browse(**size)
        office.sign_in("city_supervisor")
        office.open(f"/reports/{report.pk}/")
        history = office.page.get_by_test_id("report-history")
        expect(history.get_by_test_id("report-history-entry")).to_have_count(4)
        expect(history.get_by_test_id("history-reason")).to_contain_text("请补充本期完成投资和入驻企业数据。")
        history.get_by_test_id("history-content").first.locator("summary").click()
        expect(history.get_by_test_id("history-content").first).to_contain_text("累计完成投资2.3亿元")
        history.scroll_into_view_if_needed()
        office.screenshot(f"report-history-{name}")
