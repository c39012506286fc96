"""End to end in Chromium: the city's office reads its escalation ladder, moves a threshold, adds a rung."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ladder(live_city):
    install_default_ladder(EscalationStep)  # the flush between browser tests took the migration's away


def test_the_city_office_changes_a_threshold_and_adds_a_rung(browse, live_city, ladder):
    office = browse()
    office.sign_in("city_supervisor")
    office.open("/units/")
    office.page.get_by_test_id("ladder-link").click()
    rungs = office.page.get_by_test_id("rung")
    expect(rungs).to_have_count(4)
    expect(office.page.get_by_test_id("rung-reminder")).to_contain_text("每期逾期未报")
    expect(rungs.nth(1)).to_contain_text("连续3次逾期未报")
    expect(rungs.nth(1)).to_contain_text("该任务的责任领导")
    expect(rungs.nth(0)).not_to_contain_text("该任务的责任领导")  # 蓝色督办单 does not tell the leader
    office.screenshot("ladder")

    rungs.nth(3).get_by_test_id("edit-rung").click()  # 约谈
    office.page.fill("#id_missed_in_a_row", "8")
    office.screenshot("ladder-edit")
    office.page.get_by_test_id("save-rung").click()
    expect(office.page.locator(".alert-success")).to_contain_text("层级已保存")
    expect(rungs.nth(3)).to_contain_text("连续8次逾期未报")

    office.page.set_viewport_size(PHONE)
    office.page.get_by_test_id("add-rung").click()
    office.page.fill("#id_name", "通报批评")
    office.page.select_option("#id_color", "red")
    office.page.fill("#id_missed_in_a_row", "6")
    office.page.check("#id_notify_leader")
    office.screenshot("ladder-add-phone")
    office.page.get_by_test_id("save-rung").click()
    expect(office.page.locator(".alert-success")).to_contain_text("已新增层级“通报批评”")
    expect(rungs).to_have_count(5)
    expect(rungs.nth(3).get_by_test_id("rung-name")).to_have_text("通报批评")  # in the order of thresholds
    expect(rungs.nth(4).get_by_test_id("rung-name")).to_have_text("约谈")
    office.screenshot("ladder-phone")
    assert list(EscalationStep.objects.order_by("order").values_list("name", "missed_in_a_row")) == [
        ("蓝色督办单", 2),
        ("黄色督办单", 3),
        ("红色督办单", 4),
        ("通报批评", 6),
        ("约谈", 8),
    ]
