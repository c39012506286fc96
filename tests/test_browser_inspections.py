"""督查 and 整改 in Chromium, as the real roles: the office plans an inspection of 青山县 and records a
finding; 青山县's liaison asks for close-out with evidence; the office returns it once, the liaison asks
again, the office verifies and closes it out; and the calendar shows two inspections on one unit at once."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.supervision.models import Inspection, Rectification, RectState
from luoshi.supervision.tests.inspection_factory import make_inspection
from tests.test_browser_evidence import pdf

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_an_inspection_finding_is_rectified_asked_for_close_out_and_verified(
    browse, live_city, tmp_path, width, suffix
):
    c = live_city
    photos = tmp_path / "整改前后对比照片.pdf"
    photos.write_bytes(pdf())

    # The city's office plans an inspection of 青山县 and 白沙县.
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/supervision/")
    office.page.get_by_test_id("nav-inspections").click()
    office.page.get_by_test_id("inspection-new").click()
    form = office.page.get_by_test_id("inspection-form")
    form.locator("[name=title]").fill("安全生产大检查（第一督查组）")
    form.locator("[name=scope]").fill("重点检查危化品企业隐患排查整治台账。")
    form.locator("[name=starts]").fill("2026-11-23")
    form.locator("[name=ends]").fill("2026-11-25")
    form.locator("[name=units]").select_option([str(c.qingshan.pk), str(c.baisha.pk)])
    office.screenshot(f"inspection-new-{suffix}")
    form.get_by_test_id("inspection-submit").click()
    expect(office.page.get_by_test_id("inspection-title")).to_have_text("安全生产大检查（第一督查组）")
    inspection = Inspection.objects.get()

    # It records a finding at 青山县: a rectification with measures, a person and a deadline.
    finding = office.page.get_by_test_id("finding-form")
    finding.locator("[name=unit]").select_option(str(c.qingshan.pk))
    finding.locator("[name=problem]").fill("部分危化品企业隐患整改台账未逐项销号，2项重大隐患未闭环。")
    finding.locator("[name=measures]").fill("逐企业复查，建立隐患清单，重大隐患挂牌督办，限期闭环。")
    finding.locator("[name=responsible]").fill("王建国")
    finding.locator("[name=due]").fill("2026-12-15")
    finding.get_by_test_id("finding-submit").click()
    expect(office.page.get_by_test_id("finding-problem")).to_contain_text("2项重大隐患未闭环")
    expect(office.page.get_by_test_id("rect-state")).to_have_text("整改中")
    office.screenshot(f"inspection-detail-{suffix}")
    rect = Rectification.objects.get(finding__inspection=inspection)

    # 青山县's liaison asks for close-out with its evidence.
    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open("/supervision/rectifications/")
    liaison.page.get_by_test_id("rect-link").first.click()
    close_out = liaison.page.get_by_test_id("close-out-form")
    close_out.locator("[name=statement]").fill("已完成复查，2项重大隐患已整改。")
    close_out.locator("[name=evidence]").set_input_files([str(photos)])
    liaison.screenshot(f"rectification-close-out-form-{suffix}")
    close_out.get_by_test_id("close-out-submit").click()
    expect(liaison.page.get_by_test_id("rect-state").first).to_have_text("已申请销号")

    # The office returns it once, with a reason.
    office.open(f"/supervision/rectifications/{rect.pk}/")
    expect(office.page.get_by_test_id("close-out-file")).to_contain_text("整改前后对比照片.pdf")
    office.page.fill("#return-reason", "缺少专家复核意见，请补充后再申请销号。")
    office.page.get_by_test_id("rect-return").click()
    expect(office.page.get_by_test_id("rect-state").first).to_have_text("整改中")

    liaison.open(f"/supervision/rectifications/{rect.pk}/")
    expect(liaison.page.get_by_test_id("close-outs")).to_contain_text("缺少专家复核意见")
    close_out = liaison.page.get_by_test_id("close-out-form")
    close_out.locator("[name=statement]").fill("已补充专家复核意见，隐患全部闭环。")
    close_out.locator("[name=evidence]").set_input_files([str(photos)])
    close_out.get_by_test_id("close-out-submit").click()
    expect(liaison.page.get_by_test_id("rect-state").first).to_have_text("已申请销号")

    # The office verifies the evidence and closes it out (销号).
    office.open(f"/supervision/rectifications/{rect.pk}/")
    office.screenshot(f"rectification-verify-{suffix}")
    office.page.get_by_test_id("rect-verify").click()
    expect(office.page.get_by_test_id("rect-state").first).to_have_text("已销号")
    outcomes = [o.inner_text() for o in office.page.get_by_test_id("close-out-outcome").all()]
    assert outcomes == ["核验通过，已销号", "已退回"]
    office.screenshot(f"rectification-closed-{suffix}")
    assert Rectification.objects.get(pk=rect.pk).state == RectState.CLOSED

    office.open("/supervision/inspections/")
    expect(office.page.get_by_test_id("inspection-counts")).to_contain_text("发现1个问题，0个未销号")
    office.screenshot(f"inspection-list-{suffix}")


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_the_calendar_shows_two_inspections_on_one_unit_in_one_week(browse, live_city, width, suffix):
    c = live_city
    make_inspection(c, title="安全生产督查", units=[c.qingshan])
    make_inspection(c, title="生态环境保护督查", units=[c.qingshan, c.baisha],
                    starts=dt.date(2026, 11, 24), ends=dt.date(2026, 11, 26))  # fmt: skip
    make_inspection(c, title="乡村振兴督查", units=[c.baisha], starts=dt.date(2026, 11, 9),
                    ends=dt.date(2026, 11, 10))  # fmt: skip
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/supervision/inspections/calendar/?month=2026-11")
    expect(office.page.get_by_test_id("calendar-overlap")).to_have_count(1)
    expect(office.page.get_by_test_id("calendar-overlap")).to_contain_text("青山县")
    expect(office.page.get_by_test_id("calendar-inspection")).to_have_count(3)
    office.screenshot(f"inspection-calendar-{suffix}")
