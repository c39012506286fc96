"""容错免责 in Chromium, as the real roles: the office asks, from a late supervision item, for an exemption
under the fault-tolerance rules; the leader approves it with a reason; the badge then shows on the item list
and on the liaison's page, whose counts take the late item as exempted, not against them."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from luoshi.supervision import services
from luoshi.supervision.models import AccountabilityRecord
from luoshi.supervision.tests.factory import make_item

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]
RULE = "《临江市激励干部担当作为容错纠错实施办法》第六条第（三）项"


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_an_exemption_asked_by_the_office_and_approved_shows_on_the_list_and_the_persons_page(
    browse, live_city, clock, width, suffix
):
    c = live_city
    item = make_item(c, title="督促完成江城区老旧小区改造开工手续", due=dt.date(2026, 11, 20))
    services.sign_item(item=item, by=c.county_liaison)
    clock.set(dt.date(2026, 11, 25))  # five days late

    # The office asks for the exemption from the item's page: the form comes filled in.
    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open(f"/supervision/{item.pk}/")
    office.page.get_by_test_id("request-exemption").click()
    form = office.page.get_by_test_id("record-form")
    expect(form.locator("select[name=kind]")).to_have_value("exemption")
    form.locator("textarea[name=reason]").fill(
        "省里调整改造资金下达批次，开工手续须待资金确认，逾期非主观原因。"
    )
    form.locator("input[name=rule]").fill(RULE)
    office.screenshot(f"accountability-request-{suffix}")
    form.get_by_test_id("record-submit").click()
    expect(office.page.get_by_test_id("record-rule")).to_have_text(RULE)
    expect(office.page.get_by_test_id("decide-form")).to_have_count(0)  # not decided by who asked
    record = AccountabilityRecord.objects.get()
    assert record.state == "requested"

    # The leader approves it, saying why.
    leader = browse(width=width, height=900)
    leader.sign_in("leader")
    leader.open(f"/supervision/accountability/{record.pk}/")
    decide = leader.page.get_by_test_id("decide-form")
    decide.locator("select[name=decision]").select_option("approve")
    decide.locator("textarea[name=reason]").fill("经核实符合容错情形，同意免责。")
    leader.screenshot(f"accountability-decide-{suffix}")
    decide.get_by_test_id("decide-submit").click()
    expect(leader.page.get_by_test_id("record-decision")).to_contain_text("同意免责")
    assert AccountabilityRecord.objects.get().state == "approved"

    # The badge shows on the item list, and on the liaison's page, where the late item is exempted.
    office.open("/supervision/")
    row = office.page.locator("[data-testid=item-row]").filter(has_text="老旧小区改造")
    expect(row.locator("[data-testid=item-exempted]:visible")).to_have_count(1)
    office.screenshot(f"accountability-list-{suffix}")
    office.open(f"/supervision/{item.pk}/")
    expect(office.page.get_by_test_id("exemption-card")).to_contain_text(RULE)
    office.page.get_by_test_id("item-signed-by").get_by_test_id("person-link").click()
    expect(office.page.get_by_test_id("person-name")).to_be_visible()
    expect(office.page.get_by_test_id("item-tally-exempted")).to_contain_text("1")
    expect(office.page.get_by_test_id("item-tally-late")).to_contain_text("0")
    expect(office.page.get_by_test_id("person-item").get_by_test_id("verdict")).to_have_attribute(
        "data-verdict", "exempted"
    )
    office.screenshot(f"accountability-person-{suffix}")

    # The liaison sees the badge on the item, but not the person page.
    liaison = browse(width=width, height=900)
    liaison.sign_in("county_liaison")
    liaison.open(f"/supervision/{item.pk}/")
    expect(liaison.page.get_by_test_id("item-exempted").first).to_be_visible()
    assert liaison.page.get_by_test_id("person-link").count() == 0
