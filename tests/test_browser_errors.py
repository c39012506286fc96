"""Error pages in a real Chromium at phone width: styled, in Chinese, for a visitor not signed in too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_not_signed_in_meets_a_styled_chinese_404_on_a_phone(browse, live_city):
    me = browse(**PHONE)
    response = me.open("/no-such-page/")
    assert response.status == 404
    expect(me.page.get_by_test_id("error-page")).to_contain_text("未找到")
    assert fits(me.page)
    me.screenshot("error-404-phone-anonymous")


def test_a_liaison_meets_a_styled_403_with_the_header_on_a_phone(browse, live_city):
    from luoshi.testing import make_task

    task = make_task(live_city, lead_unit=live_city.qingshan)
    me = browse(**PHONE)
    me.sign_in("county_liaison")
    response = me.open(f"/tasks/{task.pk}/edit/")
    assert response.status == 403
    expect(me.page.get_by_test_id("error-page")).to_contain_text("无权操作")
    assert fits(me.page)
    me.screenshot("error-403-phone-liaison")
