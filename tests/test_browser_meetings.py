"""调度会 in Chromium, as the real roles: the office prepares a meeting whose agenda is built from red and
yellow tasks, reads an entry's brief, holds it, records decisions and closes the minutes; the units read
their 工作提醒函; one unit does its part and the other lets its deadline pass; the next meeting's agenda
opens with what became of each decision, the untouched one flagged (决而不行)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.meetings.models import Meeting
from luoshi.meetings.tests.factory import lagging_tasks
from luoshi.supervision.models import SupervisionItem

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


def decide(office, text, unit, due):
    office.page.fill("#id_text", text)
    office.page.select_option("#id_lead_unit", str(unit.pk))
    office.page.fill("#id_due", due)
    office.page.get_by_test_id("decision-submit").click()
    expect(office.page.get_by_test_id("decisions")).to_contain_text(text)


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_a_meeting_decides_sends_letters_and_the_next_one_shows_what_became_of_it(
    browse, live_city, clock, width, suffix
):
    c = live_city
    red, yellow = lagging_tasks(c)

    # The city's office prepares the meeting for its economy list: the agenda holds the red and yellow tasks.
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/meetings/new/")
    office.page.fill("#id_title", "全市重点工作推进第11次调度会")
    office.page.fill("#id_held_on", "2026-11-18")
    office.page.select_option("#id_task_list", str(c.economy.pk))
    office.page.get_by_test_id("meeting-submit").click()
    expect(office.page.get_by_test_id("agenda-red")).to_contain_text(red.title)
    expect(office.page.get_by_test_id("agenda-yellow")).to_contain_text(yellow.title)
    office.screenshot(f"meetings-agenda-{suffix}")
    office.page.get_by_test_id("agenda-red").get_by_role("link", name=red.title).click()
    expect(office.page.get_by_test_id("brief")).to_contain_text(red.code)
    office.screenshot(f"meetings-brief-{suffix}")
    office.page.go_back()

    # It is held; two decisions are recorded and the minutes closed: items are issued, letters sent.
    office.page.get_by_test_id("meeting-hold").click()
    decide(office, "青山县：12月10日前完成标准化厂房主体封顶。", c.qingshan, "2026-12-10")
    decide(office, "青山镇：11月25日前完成污水管网开工准备。", c.qingshan_town, "2026-11-25")
    office.page.fill("#id_minutes", "会议听取了青山县、青山镇汇报，议定2项事项，由督查室跟踪督办。")
    office.screenshot(f"meetings-minutes-{suffix}")
    office.page.get_by_test_id("minutes-close").click()
    expect(office.page.get_by_test_id("letters")).to_contain_text("青山镇")
    meeting = Meeting.objects.get()
    assert meeting.state == "closed"
    county_item = SupervisionItem.objects.get(lead_unit=c.qingshan)
    office.screenshot(f"meetings-closed-{suffix}")

    # 青山县's liaison reads its letter and signs for its item; it feeds back and the office closes it.
    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open("/meetings/")
    liaison.page.get_by_test_id("letter-rows").get_by_role("link").first.click()
    expect(liaison.page.get_by_test_id("letter-decisions")).to_contain_text(county_item.code)
    liaison.screenshot(f"meetings-letter-{suffix}")
    liaison.open(f"/supervision/{county_item.pk}/")
    liaison.page.get_by_test_id("item-sign").click()
    liaison.page.get_by_test_id("feedback-form").locator("textarea").first.fill(
        "厂房主体已封顶，验收记录见附件。"
    )
    liaison.page.get_by_test_id("feedback-submit").click()
    office.open(f"/supervision/{county_item.pk}/")
    office.page.get_by_test_id("item-close").click()

    # 青山镇 lets its deadline pass. At the next meeting the agenda opens with both decisions' fate.
    clock.set(dt.date(2026, 11, 27))
    office.sign_in("city_supervisor")
    office.open("/meetings/new/")
    office.page.fill("#id_title", "全市重点工作推进第12次调度会")
    office.page.fill("#id_held_on", "2026-11-27")
    office.page.select_option("#id_task_list", str(c.economy.pk))
    office.page.get_by_test_id("meeting-submit").click()
    followups = office.page.get_by_test_id("agenda-followup").get_by_test_id("entry")
    expect(followups).to_have_count(2)
    expect(followups.nth(0)).to_have_attribute("data-fate", "overdue")
    expect(followups.nth(0)).to_contain_text("青山镇")
    expect(followups.nth(1)).to_have_attribute("data-fate", "done")
    expect(office.page.get_by_test_id("flagged")).to_be_visible()
    office.screenshot(f"meetings-followup-{suffix}")
