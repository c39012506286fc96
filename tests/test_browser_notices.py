"""End to end in Chromium: a unit head and a supervisor see what waits for them; 一键催报 reaches units."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.core import clock
from luoshi.dispatch import calendar, services, status
from luoshi.dispatch.models import Escalation, Report
from luoshi.dispatch.services import ReportData
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep
from luoshi.testing import make_task

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def signed_off_week(live_city):
    """This week's cycle of a list whose reports the unit head signs off: 青山县's sent to its head,
    龙泉镇's not started; a 蓝色督办单 on 龙泉镇's task."""
    today = clock.today()
    dates = {"start": today - dt.timedelta(days=300), "due": today + dt.timedelta(days=30)}
    county_task = make_task(live_city, title="推进青山县工业园区标准化厂房建设", **dates)
    town = live_city.longquan_town
    town_task = make_task(live_city, title="龙泉镇农村人居环境整治", lead_unit=town, **dates)
    cadence = services.create_cadence(
        by=live_city.city_supervisor, task_list=live_city.economy, name="一周一调度", frequency="weekly",
        anchor=today - dt.timedelta(days=today.weekday() + 70), due_time=dt.time(17, 0),
        needs_head_approval=True,
    )  # fmt: skip
    number = calendar.period_number_on(frequency="weekly", anchor=cadence.anchor, day=today)
    cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
    status.refresh([county_task, town_task], today=today)
    services.submit_report(
        report=Report.objects.get(task=county_task, cycle=cycle),
        by=live_city.county_liaison,
        data=ReportData(percent=60, progress="厂房主体结构完成。"),
        expected_version=1,
        idempotency_key="qs-1",
    )
    install_default_ladder(EscalationStep)
    blue = EscalationStep.objects.get(order=1)
    Escalation.objects.create(task=town_task, step=blue, cycle=cycle, created_at=clock.now())
    return cycle


def test_a_unit_head_and_a_supervisor_see_their_notices_and_a_chase_reaches_the_units(
    browse, live_city, signed_off_week
):
    cycle = signed_off_week
    head = browse()
    head.sign_in("county_head")
    head.page.get_by_test_id("notices").click()
    notice = head.page.get_by_test_id("notice").first
    expect(notice).to_contain_text("待审签进展报告：")
    expect(notice).to_contain_text("推进青山县工业园区标准化厂房建设")
    head.screenshot("notices-unit-head")
    head.page.set_viewport_size(PHONE)
    head.screenshot("notices-unit-head-phone")
    notice.get_by_role("link").click()
    head.page.get_by_role("button", name="审核通过并报送").click()

    office = browse()
    office.sign_in("city_supervisor")
    office.open(f"/cycles/{cycle.pk}/")
    office.page.get_by_test_id("chase").click()
    expect(office.page.locator(".alert-success")).to_contain_text("已催报1个单位")
    office.page.get_by_test_id("chase").click()
    expect(office.page.locator(".alert-warning").first).to_contain_text("一小时内已催报过")
    office.screenshot("chase-skipped")
    office.open("/notices/")
    notice = office.page.get_by_test_id("notice").first
    expect(notice).to_contain_text("待审核进展报告：")
    expect(notice).to_contain_text("青山县报送")
    office.screenshot("notices-supervisor")
    office.open("/escalations/")
    expect(office.page.get_by_test_id("escalation")).to_contain_text("龙泉镇农村人居环境整治")
    expect(office.page.get_by_test_id("escalation-state")).to_have_text("在办")
    office.screenshot("escalation-register")
    office.page.set_viewport_size(PHONE)
    office.screenshot("escalation-register-phone")
    office.open("/notices/")
    office.screenshot("notices-supervisor-phone")

    town = browse(**PHONE)
    town.sign_in("other_township_liaison")
    town.open("/notices/")
    expect(town.page.get_by_test_id("notice").first).to_contain_text("催报提醒：1项进展报告尚未报送")
    town.screenshot("notices-chased-unit-phone")
