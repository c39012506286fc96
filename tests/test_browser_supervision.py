"""督办件 in Chromium, as the real roles: a leader writes an instruction on a task, the office raises an item
from it in one step, the lead unit signs for it and feeds back, the office returns it once, the unit feeds
back again and the office closes it; and an extension asked for and granted shows as such on the list."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.supervision import services
from luoshi.supervision.models import State, SupervisionItem
from luoshi.supervision.tests.factory import make_item
from luoshi.testing import make_task
from tests.test_browser_evidence import pdf

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_an_instruction_becomes_an_item_that_is_returned_once_and_closed(
    browse, live_city, tmp_path, width, suffix
):
    c = live_city
    task = make_task(c, title="推进青山县工业园区标准化厂房建设", lead_unit=c.qingshan, co_units=[c.fgw])
    record = tmp_path / "接电情况清单.pdf"
    record.write_bytes(pdf())

    # 市长 writes an instruction on the task.
    leader = browse(width=width, height=900)
    leader.sign_in("leader")
    leader.open(f"/tasks/{task.pk}/")
    form = leader.page.get_by_test_id("task-instruction-form")
    form.get_by_label("批示内容").fill("园区企业用电报装慢的问题要盯紧，请督查室督办，两周内解决。")
    form.get_by_test_id("task-instruction-submit").click()
    expect(leader.page.get_by_test_id("task-instruction")).to_contain_text("用电报装慢")
    leader.page.get_by_test_id("supervision-panel").scroll_into_view_if_needed()
    leader.screenshot(f"supervision-instruction-{suffix}")

    # The office raises an item from it in one step: the form comes filled in.
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open(f"/tasks/{task.pk}/")
    office.page.get_by_test_id("raise-from-instruction").click()
    expect(office.page.get_by_test_id("from-instruction")).to_contain_text("用电报装慢")
    expect(office.page.get_by_label("督办内容")).to_have_value(
        "园区企业用电报装慢的问题要盯紧，请督查室督办，两周内解决。"
    )
    office.page.get_by_label("紧急程度").select_option(label="特急")
    office.screenshot(f"supervision-new-{suffix}")
    office.page.get_by_test_id("item-submit").click()
    expect(office.page.get_by_test_id("item-code")).to_have_text("临督办〔2026〕1号")
    expect(office.page.get_by_test_id("item-instruction")).to_contain_text("用电报装慢")
    item = SupervisionItem.objects.get()
    assert (item.task, item.source, item.urgency) == (task, "instruction", "extra_urgent")

    # 青山县's liaison signs for it and sends feedback with a file.
    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/supervision/{item.pk}/")
    liaison.page.get_by_test_id("item-sign").click()
    expect(liaison.page.get_by_test_id("item-state")).to_have_text("已签收")
    feedback = liaison.page.get_by_test_id("feedback-form")
    feedback.get_by_label("办理情况").fill("已排查园区企业32户，29户已接电。")
    feedback.get_by_label("佐证材料").set_input_files([str(record)])
    liaison.screenshot(f"supervision-feedback-form-{suffix}")
    liaison.page.get_by_test_id("feedback-submit").click()
    expect(liaison.page.get_by_test_id("item-state")).to_have_text("已反馈待审核")

    # The office returns it once, with a reason.
    office.open(f"/supervision/{item.pk}/")
    expect(office.page.get_by_test_id("feedback-file")).to_contain_text("接电情况清单.pdf")
    office.page.fill("#return-reason", "还有3户未接电，请办结后再反馈。")
    office.screenshot(f"supervision-review-{suffix}")
    office.page.get_by_test_id("item-return").click()
    expect(office.page.get_by_test_id("item-state")).to_have_text("办理中")

    liaison.open(f"/supervision/{item.pk}/")
    expect(liaison.page.get_by_test_id("feedback-reason")).to_contain_text("还有3户未接电")
    liaison.page.get_by_test_id("feedback-form").get_by_label("办理情况").fill("32户已全部接电。")
    liaison.page.get_by_test_id("feedback-submit").click()
    expect(liaison.page.get_by_test_id("item-state")).to_have_text("已反馈待审核")

    office.open(f"/supervision/{item.pk}/")
    office.page.get_by_test_id("item-close").click()
    expect(office.page.get_by_test_id("item-state")).to_have_text("已办结")
    kinds = [s.get_attribute("data-kind") for s in office.page.get_by_test_id("timeline-step").all()]
    assert kinds == ["create", "sign", "submit", "return", "submit", "close"]
    office.screenshot(f"supervision-closed-{suffix}")

    # The 督办单 prints on one page.
    office.open(f"/supervision/{item.pk}/print/")
    expect(office.page.get_by_test_id("print-code")).to_have_text("临督办〔2026〕1号")
    office.screenshot(f"supervision-print-{suffix}")


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_a_granted_extension_shows_on_the_list_and_an_overdue_item_is_red(
    browse, live_city, clock, width, suffix
):
    c = live_city
    extended = make_item(c, title="督促完成园区道路黑化工程", due=dt.date(2026, 11, 30))
    late = make_item(c, title="督促解决企业用工难问题", due=dt.date(2026, 11, 20), lead_unit=c.baisha,
                     co_units=[])  # fmt: skip
    services.sign_item(item=extended, by=c.county_liaison)

    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/supervision/{extended.pk}/")
    liaison.page.locator("[data-testid=extension-box] summary").click()
    liaison.page.get_by_label("申请延至").fill("2026-12-31")
    liaison.page.get_by_test_id("extension-form").get_by_label("理由").fill("沥青供应受阻，需顺延一个月。")
    liaison.page.get_by_test_id("extension-submit").click()
    expect(liaison.page.get_by_test_id("extension")).to_contain_text("2026-12-31")

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open(f"/supervision/{extended.pk}/")
    expect(office.page.get_by_test_id("extension-pending")).to_contain_text("沥青供应受阻")
    office.page.get_by_test_id("extension-grant").click()
    expect(office.page.get_by_test_id("item-extended")).to_be_visible()
    expect(office.page.get_by_test_id("item-first-due")).to_contain_text("2026-11-30")

    clock.set(dt.date(2026, 11, 25))  # a week on: sessions end after 12 hours, so sign in again
    office.sign_in("city_supervisor")
    office.open("/supervision/")
    row = office.page.locator("[data-testid=item-row]").filter(has_text="园区道路黑化")
    expect(row.get_by_test_id("item-extended")).to_be_visible()
    late_row = office.page.locator("[data-testid=item-row]").filter(has_text="企业用工难")
    expect(late_row).to_have_class("table-danger")
    expect(late_row.get_by_test_id("item-overdue")).to_be_visible()
    expect(office.page.get_by_test_id("count-overdue")).to_contain_text("1")
    office.screenshot(f"supervision-list-{suffix}")
    assert SupervisionItem.objects.get(pk=late.pk).state == State.ASSIGNED
