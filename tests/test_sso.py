"""Single sign-on end to end: a real OpenID Connect provider (django-oidc-provider, in a second process with
its own database, users and RSA key), Luoshi's live server, and Chromium going between them. Nothing of the
protocol is mocked: discovery, the redirect with state and nonce, the provider's sign-in and consent, the
code exchanged for a signed ID token checked against the provider's keys, the userinfo call."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.core.actions import Action
from luoshi.orgs import services, sso
from luoshi.orgs.models import ExternalIdentity, SignIn, SignInOutcome

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_NAME = "省政务服务网"
USERS = [
    {"username": "zhang.wei", "password": "provider-pass-1"},  # linked to 青山县's liaison by the admin
    {"username": "stranger", "password": "provider-pass-2"},  # nobody in Luoshi
    {"username": "city_supervisor", "password": "provider-pass-3"},  # a Luoshi username, matched if allowed
    {
        "username": "li.na",
        "password": "provider-pass-4",
        "email": "li.na@qingshan.gov.cn",
        "email_verified": True,
    },
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def provider(live_server: Any, tmp_path_factory: Any) -> Iterator[str]:
    """The provider's issuer URL; one process for the module, its client registered for the live server."""
    port = _free_port()
    setup = tmp_path_factory.mktemp("provider") / "setup.json"
    setup.write_text(
        json.dumps({
            "users": USERS,
            "client_id": "luoshi",
            "client_secret": "luoshi-client-secret",
            "redirect_uris": [live_server.url + "/accounts/sso/callback/"],
            "post_logout_redirect_uris": [live_server.url + "/accounts/login/"],
        })
    )  # fmt: skip
    log = setup.with_suffix(".log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/oidc_provider/serve.py"), str(port), str(setup)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    issuer = f"http://127.0.0.1:{port}/openid"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, setup.with_suffix(".log").read_text()
            try:
                with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the provider did not answer within a minute"
            time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def sso_on(settings: Any, provider: str) -> str:
    settings.OIDC_ISSUER = provider
    settings.OIDC_CLIENT_ID = "luoshi"
    settings.OIDC_CLIENT_SECRET = "luoshi-client-secret"
    settings.OIDC_NAME = PROVIDER_NAME
    settings.OIDC_MATCH = []
    return provider


def through_provider(browser: Any, username: str, password: str) -> None:
    """From Luoshi's sign-in page, sign in at the provider and allow Luoshi what it asks."""
    browser.open("/accounts/login/")
    browser.page.get_by_test_id("sso-sign-in").click()
    browser.page.fill("#op-username", username)
    browser.page.fill("#op-password", password)
    browser.page.click("#op-sign-in")
    browser.page.click("input[name=allow]")  # the provider's consent page


def test_an_account_the_administrator_linked_signs_in_as_its_person(browse, live_city, sso_on):
    admin = browse()
    admin.sign_in("admin")
    admin.open(f"/units/people/{live_city.county_liaison.pk}/")
    admin.page.locator("input[name=subject]").fill("gov-zhang.wei")
    admin.page.get_by_test_id("link-identity").click()
    expect(admin.page.get_by_test_id("identity")).to_contain_text("gov-zhang.wei")
    admin.screenshot("sso-person-linked")

    b = browse()
    b.open("/accounts/login/")
    expect(b.page.get_by_test_id("sso-sign-in")).to_contain_text(PROVIDER_NAME)
    expect(b.page.locator("#id_password")).to_be_visible()  # the password form stays beside it
    b.screenshot("sso-sign-in-page")
    through_provider(b, "zhang.wei", "provider-pass-1")
    b.page.wait_for_selector("[data-testid=whoami]", state="attached")
    b.screenshot("sso-signed-in")
    b.open("/accounts/")
    expect(b.page.locator("body")).to_contain_text("county_liaison")

    attempt = SignIn.objects.filter(user=live_city.county_liaison).latest("id")
    assert attempt.outcome == SignInOutcome.SUCCEEDED
    event = AuditEvent.objects.filter(action=Action.USER_SIGN_IN).latest("id")
    assert event.object_id == str(live_city.county_liaison.pk)
    assert event.after["sso"] == {"issuer": sso_on, "subject": "gov-zhang.wei"}
    link = AuditEvent.objects.get(action=Action.USER_IDENTITY_LINK)
    assert (link.actor_id, link.subject_id) == (live_city.admin.pk, str(live_city.county_liaison.pk))
    seal_all()
    assert verify().ok


def test_signing_out_signs_out_at_the_provider_too(browse, live_city, sso_on):
    """At a shared office computer, the next person who presses the button is asked for their own account."""
    sso.link_identity(person=live_city.county_liaison, subject="gov-zhang.wei", by=live_city.admin)
    b = browse()
    through_provider(b, "zhang.wei", "provider-pass-1")
    b.page.wait_for_selector("[data-testid=whoami]", state="attached")
    b.page.locator("form[action='/accounts/logout/'] button").click()
    expect(b.page).to_have_url(re.compile(r"/accounts/login/$"))  # back from the provider's end of session
    b.page.get_by_test_id("sso-sign-in").click()
    expect(b.page.locator("#op-username")).to_be_visible()  # the provider asks again
    b.screenshot("sso-after-sign-out")
    b.open("/tasks/")
    expect(b.page).to_have_url(re.compile(r"/accounts/login/"))
    assert AuditEvent.objects.filter(action=Action.USER_SIGN_OUT).exists()


def test_local_passwords_still_sign_in_beside_the_button(browse, live_city, sso_on):
    b = browse()
    b.sign_in("county_liaison")
    expect(b.page.get_by_test_id("whoami")).to_be_attached()


def test_an_unlinked_account_is_refused_and_told_to_ask_the_administrator(browse, live_city, sso_on):
    b = browse()
    through_provider(b, "stranger", "provider-pass-2")
    refusal = b.page.get_by_test_id("sso-refused")
    expect(refusal).to_have_attribute("data-reason", "not_linked")
    expect(refusal).to_contain_text(PROVIDER_NAME)
    b.screenshot("sso-refused-not-linked")
    b.open("/tasks/")
    expect(b.page).to_have_url(re.compile(r"/accounts/login/"))  # not signed in

    attempt = SignIn.objects.latest("id")
    assert (attempt.outcome, attempt.user) == (SignInOutcome.SSO_REFUSED, None)
    event = AuditEvent.objects.filter(action=Action.USER_SIGN_IN_FAILED).latest("id")
    assert event.after["sso"] == {"issuer": sso_on, "subject": "gov-stranger", "reason": "not_linked"}
    assert not ExternalIdentity.objects.exists()  # and nobody was created or linked


def test_a_username_is_matched_only_when_the_administrator_allowed_it(browse, live_city, sso_on, settings):
    b = browse()
    through_provider(b, "city_supervisor", "provider-pass-3")
    expect(b.page.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "not_linked")

    settings.OIDC_MATCH = ["username"]
    b = browse()
    through_provider(b, "city_supervisor", "provider-pass-3")
    b.page.wait_for_selector("[data-testid=whoami]", state="attached")
    link = ExternalIdentity.objects.get()
    assert (link.user, link.subject, link.via) == (
        live_city.city_supervisor,
        "gov-city_supervisor",
        "username",
    )
    assert AuditEvent.objects.filter(action=Action.USER_IDENTITY_LINK, object_id=str(link.pk)).exists()


def test_a_verified_email_is_matched_when_allowed(browse, live_city, sso_on, settings):
    settings.OIDC_MATCH = ["email"]
    live_city.township_liaison.email = "Li.Na@qingshan.gov.cn"
    live_city.township_liaison.save(update_fields=["email"])
    b = browse()
    through_provider(b, "li.na", "provider-pass-4")
    b.page.wait_for_selector("[data-testid=whoami]", state="attached")
    assert ExternalIdentity.objects.get().user == live_city.township_liaison


def test_a_deactivated_person_is_refused(browse, live_city, sso_on):
    sso.link_identity(person=live_city.county_liaison, subject="gov-zhang.wei", by=live_city.admin)
    services.deactivate_person(person=live_city.county_liaison, by=live_city.admin)
    b = browse()
    through_provider(b, "zhang.wei", "provider-pass-1")
    expect(b.page.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "inactive")
    attempt = SignIn.objects.latest("id")
    assert (attempt.outcome, attempt.user) == (SignInOutcome.SSO_REFUSED, live_city.county_liaison)


def test_a_tampered_state_is_refused(browse, live_city, sso_on):
    sso.link_identity(person=live_city.county_liaison, subject="gov-zhang.wei", by=live_city.admin)
    b = browse()

    def tamper(route: Any) -> None:
        # The provider's answer to the consent form redirects back to Luoshi; its state is changed on the way.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if "/accounts/sso/callback/" not in location:
            route.fulfill(response=response)
            return
        parts = urlsplit(location)
        query = dict(parse_qsl(parts.query))
        query["state"] = query["state"][::-1]
        headers = {**response.headers, "location": urlunsplit(parts._replace(query=urlencode(query)))}
        route.fulfill(response=response, headers=headers)

    b.page.route(
        re.compile(r".*/openid/authorize.*"),
        lambda route: tamper(route) if route.request.method == "POST" else route.continue_(),
    )
    through_provider(b, "zhang.wei", "provider-pass-1")
    expect(b.page.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "unverified")
    b.open("/tasks/")
    expect(b.page).to_have_url(re.compile(r"/accounts/login/"))
    event = AuditEvent.objects.filter(action=Action.USER_SIGN_IN_FAILED).latest("id")
    assert event.after["sso"]["reason"] == "unverified"
    assert "MismatchingState" in event.after["sso"]["error"]


def test_declining_at_the_provider_signs_nobody_in(browse, live_city, sso_on):
    sso.link_identity(person=live_city.county_liaison, subject="gov-zhang.wei", by=live_city.admin)
    b = browse()
    b.open("/accounts/login/")
    b.page.get_by_test_id("sso-sign-in").click()
    b.page.fill("#op-username", "zhang.wei")
    b.page.fill("#op-password", "provider-pass-1")
    b.page.click("#op-sign-in")
    b.page.click("input[value=Decline]")
    expect(b.page.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "unverified")
    assert (
        "access_denied"
        in AuditEvent.objects.filter(action=Action.USER_SIGN_IN_FAILED).latest("id").after["sso"]["error"]
    )
