"""End to end in a real Chromium: a person makes an API token, uses it, and reads the API's documentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_person_makes_a_token_uses_it_and_reads_the_docs_from_our_own_files(browse, live_city, width):
    person = browse(width=width)
    person.sign_in("county_liaison")
    person.open("/accounts/")
    person.page.get_by_role("link", name=re.compile("接口令牌|API tokens")).click()
    person.page.fill("#id_name", "数据同步")
    person.page.fill("#id_expires_on", "2027-01-31")
    person.page.get_by_role("button", name=re.compile("^(创建|Create)$")).click()
    secret = person.page.locator("#secret").inner_text().strip()
    assert secret.startswith("ls_")
    person.screenshot(f"api-token-created-{width}")
    units = person.page.request.get(
        person.base_url + "/api/units", headers={"Authorization": f"Bearer {secret}"}
    )
    assert units.status == 200 and units.json()["count"] >= 1

    person.open("/accounts/tokens/")
    expect(person.page.get_by_text("数据同步")).to_be_visible()
    assert secret not in person.page.content()
    person.screenshot(f"api-tokens-{width}")

    refused: list[str] = []  # a blocked script or style (CSP) or a request to another host
    person.page.on(
        "console", lambda message: refused.append(message.text) if message.type == "error" else None
    )
    person.page.on(
        "request",
        lambda request: refused.append(request.url) if not request.url.startswith(person.base_url) else None,
    )
    person.open("/api/docs")
    expect(person.page.locator(".swagger-ui .info .title")).to_contain_text("Luoshi API")
    expect(person.page.locator(".opblock-summary-path").first).to_be_visible()
    person.screenshot(f"api-docs-{width}")
    assert refused == []
