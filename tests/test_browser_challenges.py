"""揭榜挂帅 in Chromium, as the real roles: the office drafts and publishes an open call, two units apply,
the office compares them side by side and selects one, the selected unit's head signs the pledge, and the
task stands in the call's list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from luoshi.challenges.models import Application, OpenCall
from luoshi.plans.models import Pledge
from luoshi.plans.services import create_task_list

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


def _apply(person, call_pk, *, proposal, target, due, leader_pk, owner_pk, suffix, name):
    person.open(f"/calls/{call_pk}/")
    expect(person.page.get_by_test_id("countdown")).to_contain_text("还剩 12 天")
    person.page.get_by_test_id("call-apply").click()
    form = person.page.get_by_test_id("application-form")
    form.get_by_label("揭榜方案").fill(proposal)
    form.get_by_label("承诺目标").fill(target)
    form.get_by_label("承诺完成时限").fill(due)
    form.get_by_label("责任领导").select_option(str(leader_pk))
    form.get_by_label("责任人").select_option(str(owner_pk))
    person.screenshot(f"challenges-apply-{name}-{suffix}")
    form.get_by_test_id("application-send").click()
    expect(person.page.locator(".alert-success")).to_contain_text("揭榜申请已提交督查室")
    expect(person.page.get_by_test_id("application")).to_have_count(1)


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_an_open_call_from_publication_to_the_signed_pledge(browse, live_city, clock, width, suffix):
    c = live_city
    task_list = create_task_list(plan=c.plan, name="揭榜挂帅事项清单", by=c.city_supervisor)

    # The office drafts the call in the form, then publishes it.
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/calls/")
    office.page.get_by_test_id("call-new").click()
    form = office.page.get_by_test_id("call-form")
    form.locator("#id_title").fill("关键核心技术攻关")
    form.get_by_label("揭榜难题").fill("工业园区污水处理能力不足，制约新企业入驻。")
    form.get_by_label("揭榜条件").fill("具备同类项目实施经验，有专门工作团队和资金保障。")
    form.get_by_label("预期目标").fill("2027年6月底前新增日处理能力2万吨。")
    form.get_by_label("入选后任务所入清单").select_option(str(task_list.pk))
    form.get_by_label("揭榜截止日期").fill("2026-11-30")
    office.screenshot(f"challenges-create-{suffix}")
    form.get_by_test_id("call-save").click()
    office.page.get_by_test_id("call-publish").click()
    expect(office.page.get_by_test_id("call-state")).to_have_text("揭榜中")
    call = OpenCall.objects.get(title="关键核心技术攻关")

    # Two units apply: 青山县 (its liaison, naming its head) and 市发展改革委.
    county = browse(width=width, height=900)
    county.sign_in("county_liaison")
    county.open("/notices/")
    expect(county.page.locator("main")).to_contain_text("揭榜挂帅：关键核心技术攻关")
    _apply(
        county,
        call.pk,
        proposal="采用“园区+企业”共建模式，分两期建设污水处理站。",
        target="新增日处理能力2万吨",
        due="2027-06-30",
        leader_pk=c.county_head.pk,
        owner_pk=c.county_liaison.pk,
        suffix=suffix,
        name="county",
    )
    department = browse(width=width, height=900)
    department.sign_in("department_liaison")
    _apply(
        department,
        call.pk,
        proposal="争取省级专项资金，委托第三方建设运营。",
        target="新增日处理能力1.5万吨",
        due="2027-09-30",
        leader_pk=c.department_liaison.pk,
        owner_pk=c.department_liaison.pk,
        suffix=suffix,
        name="department",
    )
    department.open(f"/calls/{call.pk}/")
    expect(department.page.get_by_test_id("application")).to_have_count(1)  # its own only
    expect(department.page.locator("main")).not_to_contain_text("园区+企业")

    # The office closes the call and compares the two side by side: 青山县 is selected.
    office.open("/calls/")
    expect(office.page.get_by_test_id("call-counts")).to_contain_text("2 个单位揭榜")
    office.open(f"/calls/{call.pk}/")
    office.page.get_by_test_id("call-close").click()
    expect(office.page.get_by_test_id("decide-form")).to_be_visible()
    chosen = office.page.locator("[data-testid=application][data-unit=青山县]")
    other = office.page.locator("[data-testid=application][data-unit=市发展改革委]")
    chosen.get_by_label("入选", exact=True).check()
    chosen.get_by_label("理由 / 告知该单位的意见").fill("方案完整，承诺时限最短。")
    other.get_by_label("不入选", exact=True).check()
    other.get_by_label("理由 / 告知该单位的意见").fill("建议作为配合单位参与。")
    office.screenshot(f"challenges-decide-{suffix}")
    office.page.get_by_test_id("decide-submit").click()
    expect(office.page.get_by_test_id("call-state")).to_have_text("已定榜")
    expect(chosen.get_by_test_id("pledge-awaited")).to_be_visible()

    # 青山县's head is told, and signs the pledge on the call's page.
    head = browse(width=width, height=900)
    head.sign_in("county_head")
    head.open("/notices/")
    expect(head.page.locator("main")).to_contain_text("军令状待您签订")
    head.open(f"/calls/{call.pk}/")
    pledge = head.page.get_by_test_id("pledge-form")
    expect(pledge.get_by_label("军令状承诺内容")).to_have_value("新增日处理能力2万吨（2027-06-30前）")
    head.screenshot(f"challenges-pledge-form-{suffix}")
    pledge.get_by_test_id("pledge-sign").click()
    expect(head.page.get_by_test_id("pledge-signed")).to_contain_text("county_head")

    # The office sees who signed and when; the task is in the list, led by 青山县, due as committed.
    office.open(f"/calls/{call.pk}/")
    expect(office.page.get_by_test_id("pledge-signed")).to_contain_text("签订军令状")
    office.screenshot(f"challenges-decided-{suffix}")
    application = Application.objects.get(call=call, unit=c.qingshan)
    assert Pledge.objects.get(task=application.task).signer == c.county_head
    office.open(f"/tasks/?list={task_list.pk}")
    expect(office.page.locator("main")).to_contain_text("关键核心技术攻关（青山县）")
    office.screenshot(f"challenges-task-list-{suffix}")

    department.open("/notices/")
    expect(department.page.locator("main")).to_contain_text("揭榜未入选")
