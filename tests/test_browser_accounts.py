"""End to end in a real Chromium: an administrator resets a password, and the person chooses a new one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-river-of-lanterns-7"


def test_after_a_reset_the_person_chooses_a_new_password_before_anything_else(browse, live_city):
    admin = browse()
    admin.sign_in("admin")
    admin.open(f"/units/{live_city.qingshan.pk}/")
    admin.page.locator("li", has_text="county_liaison").get_by_test_id("reset-password").click()
    secret = admin.page.get_by_test_id("one-time-password").inner_text().strip()

    person = browse()
    person.sign_in("county_liaison", secret)
    expect(person.page).to_have_url(re.compile(r"/accounts/password/$"))
    person.open("/tasks/")  # every page leads back to the form until the password is changed
    expect(person.page.get_by_test_id("must-change")).to_be_visible()
    person.page.fill("#id_old_password", secret)
    person.page.fill("#id_new_password1", NEW_PASSWORD)
    person.page.fill("#id_new_password2", NEW_PASSWORD)
    person.page.get_by_role("button", name=re.compile("修改密码|Change password")).click()
    expect(person.page).to_have_url(re.compile(r"/accounts/$"))
    person.open("/tasks/")
    expect(person.page).to_have_url(re.compile(r"/tasks/$"))

    person.page.get_by_test_id("whoami").click()
    person.page.get_by_test_id("sign-out-everywhere").click()
    expect(person.page).to_have_url(re.compile(r"/accounts/login/"))
