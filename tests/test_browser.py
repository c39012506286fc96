"""End to end in a real Chromium: the paths a liaison and a supervisor take every week."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from luoshi.plans.models import Task
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task

pytestmark = pytest.mark.browser


@pytest.fixture
def qingshan_task(live_city):
    return make_task(
        live_city,
        title="推进青山县工业园区标准化厂房建设",
        content="年内建成标准化厂房20万平方米，引进中小企业30家以上。",
        lead_unit=live_city.qingshan,
        co_units=[live_city.fgw],
        owner=live_city.county_head,
        leader=live_city.leader,
        milestones=[
            MilestoneSpec("完成项目立项和用地预审", dt.date(2026, 3, 31), 20),
            MilestoneSpec("主体工程封顶", dt.date(2026, 9, 30), 70),
        ],
    )


def test_a_liaison_finds_a_task_of_their_unit_and_sees_its_milestones(browse, live_city, qingshan_task):
    make_task(live_city, title="白沙县农村公路提档升级", lead_unit=live_city.baisha)
    me = browse()
    me.sign_in("county_liaison")
    expect(me.page.get_by_test_id("whoami")).to_contain_text("联络员")
    me.screenshot("home-liaison")

    me.page.get_by_role("link", name="任务", exact=True).click()
    expect(me.page.get_by_test_id("task-count")).to_contain_text("1")
    expect(me.page.get_by_text("白沙县农村公路提档升级")).to_have_count(0)
    me.page.get_by_label("关键词").fill("厂房")
    expect(me.page).to_have_url(re.compile(r"q=%E5%8E%82%E6%88%BF"))  # htmx pushed the filter to the URL
    me.screenshot("task-list")
    me.page.get_by_role("link", name="推进青山县工业园区标准化厂房建设").click()

    expect(me.page.get_by_test_id("task-title")).to_have_text("推进青山县工业园区标准化厂房建设")
    expect(me.page.get_by_test_id("milestone")).to_have_count(2)
    expect(me.page.get_by_test_id("milestones")).to_contain_text("主体工程封顶")
    expect(me.page.get_by_role("link", name="编辑")).to_have_count(0)  # a liaison reads, the office edits
    me.screenshot("task-detail")


def test_a_liaison_gets_404_for_another_countys_task(browse, live_city, qingshan_task):
    elsewhere = make_task(live_city, title="白沙县农村公路提档升级", lead_unit=live_city.baisha)
    me = browse()
    me.sign_in("county_liaison")
    response = me.open(f"/tasks/{elsewhere.pk}/")
    assert response.status == 404
    expect(me.page.get_by_role("heading", name="未找到")).to_be_visible()
    expect(me.page.get_by_text("白沙县农村公路提档升级")).to_have_count(0)


def test_a_supervisor_creates_a_task_with_two_milestones_and_decomposes_it(browse, live_city):
    me = browse()
    me.sign_in("city_supervisor")
    me.page.get_by_role("link", name="计划与清单").click()
    me.page.get_by_role("link", name="新建任务：经济发展挑大梁任务清单").click()

    form = me.page.get_by_test_id("task-form")
    form.get_by_label("标题").fill("建设青山县智慧农业示范园")
    form.get_by_label("任务内容及目标").fill("建成智慧农业示范园3000亩，带动周边农户增收。")
    form.get_by_label("牵头单位").select_option(label="\u3000青山县")
    form.get_by_label("开始日期").fill("2026-02-01")
    form.get_by_label("完成时限").fill("2026-10-31")
    me.page.locator("#id_ms-0-title").fill("完成选址和规划设计")
    me.page.locator("#id_ms-0-due").fill("2026-04-30")
    me.page.locator("#id_ms-0-expected_progress").fill("30")
    me.page.locator("#id_ms-1-title").fill("完成基础设施建设")
    me.page.locator("#id_ms-1-due").fill("2026-08-31")
    me.page.locator("#id_ms-1-expected_progress").fill("80")
    form.get_by_role("button", name="保存").click()
    # 抓落实: without its responsible leader and person (or a reason why not), the task is not created.
    form = me.page.get_by_test_id("task-form")
    expect(form.locator("#id_owner ~ .invalid-feedback")).to_be_visible()
    me.screenshot("task-form-without-people")
    form.get_by_label("责任领导", exact=True).select_option(label="leader（临江市）")
    form.get_by_label("责任人", exact=True).select_option(label="county_liaison（青山县）")
    me.screenshot("task-form")
    form.get_by_role("button", name="保存").click()

    expect(me.page.get_by_test_id("task-title")).to_have_text("建设青山县智慧农业示范园")
    expect(me.page.get_by_test_id("milestone")).to_have_count(2)

    me.page.get_by_role("link", name="分解").click()
    form = me.page.get_by_test_id("task-form")
    form.get_by_label("标题").fill("青山镇建设核心示范区1200亩")
    form.get_by_label("牵头单位").select_option(label="\u3000\u3000青山镇")
    form.locator("#id_responsibility_note").fill("待青山镇党委研究确定")
    form.get_by_role("button", name="保存").click()

    expect(me.page.get_by_test_id("task-title")).to_have_text("青山镇建设核心示范区1200亩")
    parent = Task.objects.get(title="建设青山县智慧农业示范园")
    child = Task.objects.get(parent=parent)
    assert (child.code, child.lead_unit, child.start, child.due) == (
        f"{parent.code}.1",
        live_city.qingshan_town,
        parent.start,
        parent.due,
    )
    me.open(f"/tasks/{parent.pk}/")
    expect(me.page.get_by_test_id("rollup")).to_contain_text("1")
    expect(me.page.get_by_test_id("subtasks")).to_contain_text("青山镇建设核心示范区1200亩")
    me.screenshot("task-decomposed")
    me.open(f"/tasks/{child.pk}/")
    expect(me.page.get_by_test_id("people-missing")).to_contain_text("待青山镇党委研究确定")
    me.screenshot("task-people-missing")


def test_the_pages_read_well_on_a_phone(browse, live_city, qingshan_task):
    phone = browse(width=390, height=844)
    phone.sign_in("city_supervisor")
    phone.screenshot("phone-home")
    phone.open("/tasks/")
    expect(phone.page.get_by_role("link", name="推进青山县工业园区标准化厂房建设")).to_be_visible()
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    assert phone.page.evaluate(no_sideways_scroll)
    phone.screenshot("phone-task-list")
    phone.open(f"/tasks/{qingshan_task.pk}/")
    assert phone.page.evaluate(no_sideways_scroll)
    phone.screenshot("phone-task-detail")


def test_the_user_can_switch_language(browse, live_city, qingshan_task):
    me = browse()
    me.sign_in("city_supervisor")
    me.open("/units/")
    me.screenshot("unit-tree")
    me.page.locator("#language").select_option("en")
    expect(me.page.get_by_role("heading", name=re.compile("^Units"))).to_be_visible()
    me.page.locator("#language").select_option("zh-hant")
    expect(me.page.get_by_role("heading", name=re.compile("^單位"))).to_be_visible()
    me.open("/plans/")
    expect(me.page.get_by_role("heading", name="計劃與清單")).to_be_visible()
