"""Accounts people manage themselves (issue 8, item 7): passwords, resets, session limits, sign-in
history, throttling, and the client address behind a proxy."""

from __future__ import annotations

import ipaddress

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.core.addresses import client_address
from luoshi.orgs import checks, services
from luoshi.orgs.models import Role, SignIn, User
from luoshi.orgs.passwords import DEMO_PASSWORD
from luoshi.testing import PASSWORD, make_user

NEW_PASSWORD = "a-river-of-lanterns-7"


def sign_in(client: Client, username: str, password: str = PASSWORD, **meta: str) -> int:
    response = client.post(reverse("login"), {"username": username, "password": password}, **meta)
    return int(response.status_code)


def signed_in(client: Client) -> bool:
    """Whether the client's session still opens a signed-in page."""
    return int(client.get(reverse("web:home")).status_code) == 200


def actions_on(user: User) -> list[str]:
    events = AuditEvent.objects.filter(object_type="orgs.user", object_id=str(user.pk)).order_by("id")
    return list(events.values_list("action", flat=True))


# Changing one's own password


def test_the_user_menu_links_to_the_account_page_with_the_password_form(client, city):
    client.force_login(city.county_liaison)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("accounts:account")}"' in home
    account = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:password_change") in account and reverse("accounts:sign_in_history") in account


def test_a_person_changes_their_own_password_and_it_is_audited(client, city):
    client.force_login(city.county_liaison)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(client)  # this session goes on
    city.county_liaison.refresh_from_db()
    assert city.county_liaison.check_password(NEW_PASSWORD)
    assert Action.USER_PASSWORD_CHANGE in actions_on(city.county_liaison)


def test_changing_the_password_needs_the_old_one(client, city):
    client.force_login(city.county_liaison)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    city.county_liaison.refresh_from_db()
    assert city.county_liaison.check_password(PASSWORD)


def test_changing_the_password_ends_the_persons_other_sessions(city):
    laptop, phone = Client(), Client()
    laptop.force_login(city.county_liaison)
    phone.force_login(city.county_liaison)
    laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert signed_in(laptop) and not signed_in(phone)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (DEMO_PASSWORD, "demo_password"),
        (DEMO_PASSWORD.upper(), "demo_password"),
        ("short-1", "password_too_short"),
        ("password1234", "password_too_common"),
    ],
)
def test_the_password_rules_refuse_weak_and_published_passwords(city, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, city.county_liaison)
    assert reason in [e.code for e in refused.value.error_list]


def test_the_password_form_refuses_the_demo_password(client, city):
    client.force_login(city.county_liaison)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "demo_password")
    city.county_liaison.refresh_from_db()
    assert city.county_liaison.check_password(PASSWORD)


# An administrator's reset


def test_an_admin_resets_a_password_and_the_person_must_change_it_at_next_sign_in(client, city):
    person = Client()
    person.force_login(city.county_liaison)
    client.force_login(city.admin)
    unit_page = client.get(reverse("orgs:unit_detail", args=[city.qingshan.pk])).content.decode()
    reset_url = reverse("accounts:reset_password", args=[city.county_liaison.pk])
    assert reset_url in unit_page

    response = client.post(reset_url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert Action.USER_PASSWORD_RESET in actions_on(city.county_liaison)

    assert not signed_in(person)  # the reset ended the person's sessions
    assert sign_in(person, "county_liaison", secret) == 302
    for path in (reverse("web:home"), reverse("plans:task_list"), reverse("accounts:sign_in_history")):
        page = person.get(path)
        assert (page.status_code, page["Location"]) == (302, reverse("accounts:password_change"))
    assert person.get(reverse("accounts:password_change")).status_code == 200
    person.post(
        reverse("accounts:password_change"),
        {"old_password": secret, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert signed_in(person)
    city.county_liaison.refresh_from_db()
    assert not city.county_liaison.must_change_password


def test_an_htmx_request_is_sent_to_the_password_form_as_a_whole_page(client, city):
    services.reset_password(user=city.county_liaison, by=city.admin)
    client.force_login(city.county_liaison)
    response = client.get(reverse("plans:task_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("accounts:password_change")


@pytest.mark.parametrize("who", ["city_supervisor", "county_head", "outsider", "admin"])
def test_only_an_admin_resets_a_password_and_never_their_own(client, city, who):
    client.force_login(getattr(city, who))
    target = city.admin if who == "admin" else city.county_liaison
    assert client.post(reverse("accounts:reset_password", args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password


def test_a_reset_is_refused_by_get(client, city):
    client.force_login(city.admin)
    assert client.get(reverse("accounts:reset_password", args=[city.county_liaison.pk])).status_code == 405


# Session limits


def test_a_session_ends_after_thirty_idle_minutes(client, city, clock):
    client.force_login(city.county_liaison)
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=29)  # idle time counts from the last request
    assert signed_in(client)
    clock.advance(minutes=31)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert actions_on(city.county_liaison)[-1] == Action.USER_SIGN_OUT


def test_a_session_in_use_ends_twelve_hours_after_signing_in(client, city, clock):
    client.force_login(city.county_liaison)
    for _ in range(12 * 3):  # a request every 20 minutes, never idle, up to 12 hours exactly
        clock.advance(minutes=20)
        assert signed_in(client)
    clock.advance(minutes=1)
    assert not signed_in(client)


def test_the_session_limits_follow_the_settings(client, city, clock, settings):
    settings.LUOSHI_SESSION_IDLE_MINUTES = 5
    client.force_login(city.county_liaison)
    clock.advance(minutes=6)
    assert not signed_in(client)


def test_sign_out_everywhere_ends_every_session_of_that_person_only(client, city):
    phone, colleague = Client(), Client()
    phone.force_login(city.county_liaison)
    colleague.force_login(city.county_head)
    client.force_login(city.county_liaison)
    response = client.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert not signed_in(client) and not signed_in(phone)
    assert signed_in(colleague)
    assert Action.USER_SIGN_OUT_EVERYWHERE in actions_on(city.county_liaison)
    assert sign_in(phone, "county_liaison") == 302 and signed_in(phone)  # a new sign-in works again


# Sign-in history, audit, throttling


def test_the_sign_in_history_lists_successes_and_failures_with_time_address_and_browser(client, city):
    ua = "Mozilla/5.0 (X11; Linux x86_64) 测试浏览器"
    assert (
        sign_in(client, "county_liaison", "wrong-guess", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="curl/8")
        == 200
    )
    assert sign_in(client, "county_liaison", REMOTE_ADDR="10.9.9.9", HTTP_USER_AGENT=ua) == 302
    sign_in(Client(), "county_head", "wrong-guess", REMOTE_ADDR="10.6.6.6")  # someone else's
    page = client.get(reverse("accounts:sign_in_history")).content.decode()
    assert "10.1.2.3" in page and "curl/8" in page and "10.9.9.9" in page and "测试浏览器" in page
    assert "10.6.6.6" not in page
    assert [a.outcome for a in SignIn.objects.of(city.county_liaison)] == ["succeeded", "failed"]


def test_failed_sign_ins_and_lockouts_are_audited(client, city, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "county_liaison", "wrong-guess", REMOTE_ADDR="10.1.2.3")
    sign_in(client, "nobody-by-this-name", "wrong-guess", REMOTE_ADDR="10.1.2.3")
    actions = actions_on(city.county_liaison)
    assert actions.count(Action.USER_SIGN_IN_FAILED) == settings.AXES_FAILURE_LIMIT
    assert Action.USER_LOCKED_OUT in actions
    failed = AuditEvent.objects.filter(action=Action.USER_SIGN_IN_FAILED).last()
    assert failed is not None and failed.ip_address == "10.1.2.3" and failed.actor_id is None
    assert failed.object_type == "orgs.signin" and failed.after["username"] == "nobody-by-this-name"


def test_five_failures_from_one_address_lock_the_account_from_that_address_only(client, city, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "county_liaison", "wrong-guess", REMOTE_ADDR="10.1.2.3")
    assert sign_in(client, "county_liaison", REMOTE_ADDR="10.1.2.3") == 429
    assert sign_in(Client(), "county_liaison", REMOTE_ADDR="10.4.5.6") == 302


def test_failures_spread_over_many_addresses_lock_the_account_everywhere(client, city, settings):
    per_address = settings.AXES_FAILURE_LIMIT - 1
    addresses = [f"10.0.0.{i}" for i in range(1, 100)]
    failures = 0
    for address in addresses:
        for _ in range(per_address):
            sign_in(client, "county_liaison", "wrong-guess", REMOTE_ADDR=address)
            failures += 1
        if failures >= settings.LUOSHI_LOGIN_ACCOUNT_FAILURE_LIMIT:
            break
    assert sign_in(Client(), "county_liaison", REMOTE_ADDR="10.200.0.1") == 429
    assert sign_in(Client(), "county_head", REMOTE_ADDR="10.200.0.1") == 302  # only that account


# The client address behind a proxy


def _request(remote: str, **headers: str):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("remote", "headers", "trusted", "expected"),
    [
        # No proxy configured: the header is the client's to forge, and ignored.
        ("203.0.113.5", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "", "203.0.113.5"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "", "10.0.0.1"),
        # From a proxy that is not the trusted one: ignored.
        ("10.0.0.9", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.1", "10.0.0.9"),
        # From the trusted proxy: the rightmost address it vouches for, not what the client prepended.
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.1", "1.2.3.4"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "10.0.0.1", "1.2.3.4"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4, 10.0.0.2"}, "10.0.0.0/24", "1.2.3.4"),
        ("10.0.0.1", {"HTTP_X_REAL_IP": "1.2.3.4"}, "10.0.0.1", "1.2.3.4"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.1", "10.0.0.1"),
        ("10.0.0.1", {}, "10.0.0.1", "10.0.0.1"),
    ],
)
def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(
    settings, remote, headers, trusted, expected
):
    settings.LUOSHI_TRUSTED_PROXIES = [ipaddress.ip_network(t) for t in trusted.split(",") if t]
    assert client_address(_request(remote, **headers)) == expected


def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_another_client(client, city, settings):
    settings.LUOSHI_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "county_liaison", "wrong-guess", HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)
    assert sign_in(client, "county_liaison", HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy) == 429
    assert sign_in(Client(), "county_liaison", HTTP_X_FORWARDED_FOR="198.51.100.8", **via_proxy) == 302
    failed = AuditEvent.objects.filter(action=Action.USER_SIGN_IN_FAILED).first()
    assert failed is not None and failed.ip_address == "198.51.100.7"


def test_the_audit_trail_ignores_a_forwarded_address_from_an_untrusted_client(client, city):
    sign_in(
        client, "county_liaison", "wrong-guess", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    failed = AuditEvent.objects.get(action=Action.USER_SIGN_IN_FAILED)
    assert failed.ip_address == "203.0.113.5"


# The first administrator and the deploy check


def test_the_first_admin_gets_a_one_time_password_and_must_change_it(client, db):
    admin, secret = services.create_first_admin()
    assert secret is not None and len(secret) >= 16 and admin.must_change_password
    assert admin.role == Role.ADMIN and admin.is_superuser
    assert sign_in(client, "admin", secret) == 302
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:password_change")
    with pytest.raises(ValidationError):
        services.create_first_admin()  # only into a database without accounts


def test_a_first_admin_password_chosen_by_the_operator_must_pass_the_rules(db):
    with pytest.raises(ValidationError):
        services.create_first_admin(password=DEMO_PASSWORD)
    admin, secret = services.create_first_admin(password=NEW_PASSWORD)
    assert secret is None and admin.check_password(NEW_PASSWORD) and admin.must_change_password


def test_the_deploy_check_fails_while_an_account_has_the_demo_password(city):
    assert checks.check_no_demo_password() == []
    hash_once = make_password(DEMO_PASSWORD)
    for name in ("demo_a", "demo_b"):
        services.create_user(
            username=name,
            full_name=name,
            role="liaison",
            unit=city.qingshan,
            by=None,
            password_hash=hash_once,
        )
    [error] = checks.check_no_demo_password()
    assert error.is_serious() and error.id == "luoshi.E001" and "demo_a, demo_b" in error.msg


def test_the_deploy_check_tries_each_distinct_hash_once(city, monkeypatch):
    for i in range(20):
        make_user(f"same_hash_{i}", Role.LIAISON, city.qingshan)
    User.objects.filter(username__startswith="same_hash_").update(password=make_password(DEMO_PASSWORD))
    tried: list[str] = []

    def counting(raw: str, encoded: str) -> bool:
        tried.append(encoded)
        return check_password(raw, encoded)

    monkeypatch.setattr("luoshi.orgs.passwords.check_password", counting)
    [error] = checks.check_no_demo_password()
    assert "20 active account(s)" in error.msg
    assert len(tried) == len(set(tried)) == User.objects.values("password").distinct().count()


def test_the_deploy_check_warns_about_long_sessions(settings):
    settings.LUOSHI_SESSION_IDLE_MINUTES = 120
    settings.LUOSHI_SESSION_MAX_HOURS = 24
    ids = {m.id for m in checks.check_session_limits()}
    assert {"luoshi.W002", "luoshi.W003"} <= ids
    settings.LUOSHI_SESSION_IDLE_MINUTES, settings.LUOSHI_SESSION_MAX_HOURS = 30, 12
    settings.SESSION_COOKIE_AGE = 12 * 3600
    assert checks.check_session_limits() == []
