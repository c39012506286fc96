"""交账 in Chromium, as the real roles: a co-unit writes its contribution with a file, the lead unit delivers
an overdue task, the office opens the file and accepts it late — the light and the counts follow at once;
and a rejection reopens the task, its reason in the history."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.plans import deliveries
from luoshi.testing import make_task
from tests.conftest import ARTIFACTS
from tests.test_browser_evidence import LOADED_WIDTH, pdf, png

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_a_co_units_contribution_is_gathered_and_the_office_accepts_the_delivery_late(
    browse, live_city, clock, tmp_path, width, suffix
):
    c = live_city
    task = make_task(
        c,
        title="推进青山县工业园区标准化厂房建设",
        lead_unit=c.qingshan,
        co_units=[c.fgw],
        due=dt.date(2026, 10, 31),
    )
    make_task(c, title="青山镇农村人居环境整治", lead_unit=c.qingshan_town, due=dt.date(2026, 10, 31))
    photo, record = tmp_path / "园区用地批复.png", tmp_path / "竣工验收报告.pdf"
    photo.write_bytes(png())
    record.write_bytes(pdf())

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/")
    assert office.page.inner_text("[data-testid=stat-overdue]").strip() == "2"

    # 市发展改革委, a co-unit, writes its share with a photo of the land approval.
    department = browse(width=width, height=900)
    department.sign_in("department_liaison")
    department.open(f"/tasks/{task.pk}/")
    form = department.page.get_by_test_id("contribution-form")
    form.get_by_label("本单位配合完成情况").fill("已完成园区用地预审和规划许可。")
    form.get_by_label("佐证材料").set_input_files([str(photo)])
    form.get_by_test_id("contribution-submit").click()
    own = department.page.get_by_test_id("contribution-own")
    expect(own.get_by_test_id("delivery-file")).to_have_count(1)
    expect(own).to_contain_text("园区用地批复.png")
    own.get_by_test_id("delivery-file-preview").scroll_into_view_if_needed()  # a thumbnail loads lazily
    department.screenshot(f"delivery-contribution-{suffix}")

    # 青山县's liaison sees it among the co-units and delivers the task, past its deadline.
    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/tasks/{task.pk}/")
    written = liaison.page.locator("[data-testid=contribution][data-unit=市发展改革委]")
    expect(written).to_have_attribute("data-state", "written")
    liaison.page.fill("#delivery-statement", "厂房已建成投用，入驻企业12家。")
    liaison.page.get_by_test_id("delivery-form").get_by_label("佐证材料").set_input_files([str(record)])
    liaison.screenshot(f"delivery-form-{suffix}")
    liaison.page.click("[data-testid=delivery-submit]")
    liaison.page.wait_for_selector("[data-testid=delivery-statement]")
    assert liaison.page.locator("[data-testid=delivery-accept]").count() == 0

    # The office sees the delivery, the contribution and its file, opens the photo, and accepts it late.
    office.open(f"/tasks/{task.pk}/")
    expect(office.page.get_by_test_id("delivery-statement")).to_contain_text("厂房已建成投用")
    expect(office.page.get_by_test_id("delivery-late")).to_be_visible()
    expect(office.page.get_by_test_id("contribution-statement")).to_contain_text("园区用地预审")
    preview = office.page.get_by_test_id("delivery-file-preview")
    preview.scroll_into_view_if_needed()
    assert preview.evaluate(LOADED_WIDTH) == 320
    office.page.get_by_test_id("delivery-open").scroll_into_view_if_needed()
    office.screenshot(f"delivery-pending-{suffix}")
    with office.page.context.expect_page() as opened:
        office.page.get_by_test_id("delivery-file-link").filter(has_text="园区用地批复.png").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.evaluate("document.images.length && document.images[0].naturalWidth") == 320
    tab.screenshot(path=str(ARTIFACTS / f"delivery-file-{suffix}.png"))
    tab.close()
    link = office.page.get_by_test_id("delivery-file-link").filter(has_text="竣工验收报告.pdf")
    answer = office.page.request.get(office.base_url + link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == record.read_bytes()
    assert answer.headers["content-disposition"].startswith("inline;")

    expect(office.page.get_by_test_id("delivery-accept")).to_contain_text("逾期完成")
    office.page.click("[data-testid=delivery-accept]")
    office.page.wait_for_selector("[data-testid=delivery-done]")
    assert "逾期完成" in office.page.locator("[data-testid=task-light]").inner_text()
    office.screenshot(f"delivery-accepted-{suffix}")

    office.open("/")
    assert office.page.inner_text("[data-testid=stat-overdue]").strip() == "1"
    assert office.page.locator("[data-testid=light-count][data-light=done_late]").count() == 1

    # Both units are told, in their notices.
    department.open("/notices/")
    expect(department.page.locator("main")).to_contain_text("交账已通过验收")


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_a_rejection_reopens_the_task_with_its_reason_in_the_history(browse, live_city, clock, width, suffix):
    c = live_city
    task = make_task(
        c, title="推进青山县工业园区标准化厂房建设", lead_unit=c.qingshan, due=dt.date(2026, 10, 31)
    )
    deliveries.submit_delivery(task=task, by=c.county_liaison, statement="厂房已建成。")

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open(f"/tasks/{task.pk}/")
    office.page.fill("#delivery-reason", "缺少竣工验收备案材料，请补充后再交账。")
    office.page.click("[data-testid=delivery-reject]")
    office.page.wait_for_selector("[data-testid=delivery-history]")
    expect(office.page.get_by_test_id("delivery-reason")).to_contain_text("缺少竣工验收备案材料")
    expect(office.page.get_by_test_id("history-reason")).to_contain_text("缺少竣工验收备案材料")
    assert "逾期完成" not in office.page.locator("[data-testid=task-light]").inner_text()
    office.screenshot(f"delivery-rejected-office-{suffix}")

    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/tasks/{task.pk}/")
    expect(liaison.page.get_by_test_id("delivery-form")).to_be_visible()  # the task is open again
    expect(liaison.page.get_by_test_id("delivery-history")).to_contain_text("缺少竣工验收备案材料")
    liaison.screenshot(f"delivery-rejected-liaison-{suffix}")
