"""Outbound webhooks in Chromium on a phone: the county's office adds one (its secret shown once), an event
reaches the receiver, and the office replays it from the log."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from playwright.sync_api import expect

from luoshi.notify import outbound
from luoshi.notify.models import OutboundWebhook

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_an_office_adds_a_webhook_on_a_phone_and_replays_a_delivery(
    browse, live_city, hook_receiver, loopback_hooks, huey_inline
):
    office = browse(**PHONE)
    office.sign_in("county_supervisor")
    office.open("/notices/webhooks/")
    form = office.page.get_by_test_id("hook-form")
    form.locator("select[name=unit]").select_option(str(live_city.qingshan.pk))
    form.locator("input[name=url]").fill(hook_receiver.url("/luoshi"))
    form.locator("input[value='report.submitted']").check()
    form.locator("input[value='task.red']").check()
    office.screenshot("hooks-phone-form")
    form.locator("button[type=submit]").click()
    secret = office.page.get_by_test_id("hook-secret").inner_text().strip()
    hook = OutboundWebhook.objects.get()
    assert secret == hook.secret and hook.events == ["report.submitted", "task.red"]
    office.screenshot("hooks-phone-secret")

    outbound.emit("task.red", unit=live_city.qingshan_town, data={"task": {"id": 1, "title": "园区道路"}})
    [first] = hook_receiver.requests
    timestamp = first.headers["X-Luoshi-Timestamp"].encode()
    mac = hmac.new(secret.encode(), timestamp + b"." + first.raw, hashlib.sha256).hexdigest()
    assert first.headers["X-Luoshi-Signature"] == f"sha256={mac}"

    office.page.get_by_test_id("hook-copied").click()
    delivery = office.page.get_by_test_id("hook-delivery")
    expect(delivery).to_have_attribute("data-state", "delivered")
    expect(office.page.get_by_test_id("hook-secret")).to_have_count(0)  # never shown again
    office.page.get_by_test_id("hook-replay").click()
    expect(office.page.get_by_test_id("hook-delivery")).to_have_attribute("data-state", "delivered")
    assert len(hook_receiver.requests) == 2
    assert hook_receiver.requests[1].raw == first.raw
    width = office.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    office.screenshot("hooks-phone-log")
