"""In Chromium: the review page marks the characters lost in a damaged source (issue 10, item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from luoshi.ingest import services
from luoshi.ingest.tests.test_review_marks import DAMAGED

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_lost_characters_are_marked_in_the_repaired_text(browse, live_city, width, name):
    draft = services.create_draft(
        plan=live_city.plan, by=live_city.city_supervisor, source_name="方案.txt", raw_text=DAMAGED
    )
    me = browse(width=width)
    me.sign_in("city_supervisor")
    me.open(reverse("ingest:draft_review", args=[draft.pk]))
    lost = me.page.get_by_test_id("doc-text").locator("mark.lost")
    expect(lost).to_have_count(1)
    expect(lost).to_be_visible()
    expect(lost).to_have_attribute("title", "原文此处损坏，缺失 2 个字，请对照原件核实")
    lost.scroll_into_view_if_needed()
    me.screenshot(f"ingest-lost-characters-{name}")
