"""End to end in a real Chromium: an administrator adds a person, resets a password and moves a unit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_an_administrator_adds_a_person_resets_a_password_and_moves_a_unit(browse, live_city, screen):
    width, height = WIDTHS[screen]
    town = live_city.qingshan_town
    admin = browse(width, height)
    admin.sign_in("admin")

    # A new person, with a one-time password shown once.
    admin.open(f"/units/{town.pk}/")
    admin.page.get_by_test_id("add-person").click()
    admin.page.fill("#id_username", "qingshanzhen.head")
    admin.page.fill("#id_full_name", "王芳")
    admin.page.fill("#id_title", "镇长")
    admin.page.select_option("#id_role", "unit_head")
    admin.screenshot(f"admin-person-new-{screen}")
    admin.page.get_by_test_id("save-person").click()
    first_secret = admin.page.get_by_test_id("one-time-password").inner_text().strip()
    admin.screenshot(f"admin-person-added-{screen}")

    newcomer = browse(width, height)
    newcomer.sign_in("qingshanzhen.head", first_secret)
    expect(newcomer.page).to_have_url(re.compile(r"/accounts/password/$"))

    # A forgotten password, reset.
    admin.open(f"/units/{town.pk}/")
    expect(admin.page.get_by_text("王芳")).to_be_visible()
    admin.screenshot(f"admin-unit-people-{screen}")
    admin.page.locator("li", has_text="township_liaison").get_by_test_id("reset-password").click()
    secret = admin.page.get_by_test_id("one-time-password").inner_text().strip()
    assert secret != first_secret
    liaison = browse(width, height)
    liaison.sign_in("township_liaison", secret)
    expect(liaison.page).to_have_url(re.compile(r"/accounts/password/$"))

    # 青山镇 moves from 青山县 to 白沙县, with its people.
    admin.open(f"/units/{town.pk}/")
    admin.page.get_by_test_id("edit-unit").click()
    admin.screenshot(f"admin-unit-edit-{screen}")
    admin.page.get_by_role("link", name=re.compile("调整隶属|Move in the tree")).click()
    admin.page.select_option("#id_parent", str(live_city.baisha.pk))
    admin.screenshot(f"admin-unit-move-{screen}")
    admin.page.get_by_test_id("move-unit").click()
    expect(admin.page).to_have_url(re.compile(rf"/units/{town.pk}/$"))
    expect(admin.page.locator(".breadcrumb")).to_contain_text("白沙县")
    admin.screenshot(f"admin-unit-moved-{screen}")
    admin.open("/units/")
    admin.screenshot(f"admin-unit-tree-{screen}")
    town.refresh_from_db()
    assert town.parent_id == live_city.baisha.pk and town.path.startswith(live_city.baisha.path)
