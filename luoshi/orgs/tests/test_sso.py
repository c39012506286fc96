"""Single sign-on's links and switch (the protocol itself is tested end to end in tests/test_sso.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.orgs import sso
from luoshi.orgs.models import ExternalIdentity, SignIn

ISSUER = "https://sso.example.gov.cn/oidc"


@pytest.fixture
def sso_on(settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = "luoshi"
    settings.OIDC_CLIENT_SECRET = "secret"
    settings.OIDC_NAME = "省政务服务网"
    settings.OIDC_MATCH = []


def test_without_configuration_there_is_no_button_and_no_route(city, client: Client):
    assert "sso-sign-in" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("accounts:sso_login")).status_code == 404
    assert client.get(reverse("accounts:sso_callback"), {"code": "x", "state": "y"}).status_code == 404
    client.force_login(city.admin)
    url = reverse("accounts:identity_link", args=[city.county_liaison.pk])
    assert client.post(url, {"subject": "gov-1"}).status_code == 404
    assert not ExternalIdentity.objects.exists()


def test_configured_the_sign_in_page_offers_the_provider(city, client: Client, sso_on):
    page = client.get(reverse("login") + "?next=/tasks/").content.decode()
    assert "省政务服务网" in page
    assert reverse("accounts:sso_login") + "?next=/tasks/" in page
    assert 'id="id_password"' in page


def test_an_administrator_links_and_unlinks_on_the_persons_page_audited(city, client: Client, sso_on):
    client.force_login(city.admin)
    person = city.county_liaison
    page = client.get(reverse("orgs:person_edit", args=[person.pk])).content.decode()
    assert 'data-testid="link-identity"' in page
    response = client.post(reverse("accounts:identity_link", args=[person.pk]), {"subject": " gov-42 "})
    assert response.status_code == 302
    link = ExternalIdentity.objects.get()
    assert (link.issuer, link.subject, link.user, link.via) == (ISSUER, "gov-42", person, "admin")
    event = AuditEvent.objects.get(action=Action.USER_IDENTITY_LINK)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        city.admin.pk,
        "orgs.user",
        str(person.pk),
    )

    # The same account cannot be linked to a second person.
    other = city.township_liaison
    client.post(reverse("accounts:identity_link", args=[other.pk]), {"subject": "gov-42"})
    assert ExternalIdentity.objects.count() == 1

    assert client.post(reverse("accounts:identity_unlink", args=[link.pk])).status_code == 302
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=Action.USER_IDENTITY_UNLINK, subject_id=str(person.pk)).exists()


def test_only_an_administrator_links_and_never_their_own_account(city, sso_on):
    with pytest.raises(PermissionDenied):
        sso.link_identity(person=city.county_liaison, subject="gov-1", by=city.city_supervisor)
    with pytest.raises(PermissionDenied):
        sso.link_identity(person=city.admin, subject="gov-1", by=city.admin)
    with pytest.raises(ValidationError):
        sso.link_identity(person=city.county_liaison, subject="  ", by=city.admin)
    assert not ExternalIdentity.objects.exists()


def test_a_supervisor_cannot_link_through_the_page(city, client: Client, sso_on):
    client.force_login(city.county_supervisor)
    url = reverse("accounts:identity_link", args=[city.county_liaison.pk])
    assert client.post(url, {"subject": "gov-1"}).status_code == 404  # as for a password reset
    assert not ExternalIdentity.objects.exists()


def test_an_unverified_email_never_matches(city, settings, sso_on):
    settings.OIDC_MATCH = ["email"]
    city.county_liaison.email = "x@qingshan.gov.cn"
    city.county_liaison.save(update_fields=["email"])
    claims = {"sub": "gov-x", "email": "x@qingshan.gov.cn", "email_verified": False}
    with pytest.raises(sso.Refused) as refused:
        sso.person_for(issuer=ISSUER, claims=claims)
    assert refused.value.reason == sso.Refusal.NOT_LINKED
    assert sso.person_for(issuer=ISSUER, claims={**claims, "email_verified": True}) == city.county_liaison


def test_a_person_signed_in_through_the_provider_is_not_held_on_the_password_form(city, client: Client):
    from luoshi.orgs import sessions

    person = city.county_liaison
    person.must_change_password = True
    person.save(update_fields=["must_change_password"])
    client.force_login(person)
    assert client.get(reverse("web:home")).status_code == 302  # to the password form
    session = client.session
    session[sessions.VIA_SSO] = True
    session.save()
    assert client.get(reverse("web:home")).status_code == 200


def test_signing_out_when_the_provider_cannot_be_reached_signs_out_of_luoshi(city, client, settings, caplog):
    """The provider's end of session is a courtesy to the next person at the computer: Luoshi's own sign-out
    never waits on it (the end to end case, with a real provider, is in tests/test_sso.py)."""
    from luoshi.orgs import sessions

    settings.OIDC_ISSUER = "http://127.0.0.1:9/oidc"  # nothing listens there
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "luoshi", "secret"
    client.force_login(city.county_liaison)
    session = client.session
    session[sessions.VIA_SSO], session[sessions.SSO_ID_TOKEN] = True, "a.signed.token"
    session.save()
    response = client.post(reverse("logout"))
    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert client.get(reverse("web:home")).status_code == 302  # signed out
    assert "signed out of Luoshi only" in caplog.text


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LUOSHI_OIDC_ISSUER": "https://sso.example.gov.cn"}, "LUOSHI_OIDC_CLIENT_SECRET"),
        ({"LUOSHI_OIDC_MATCH": "phone"}, "LUOSHI_OIDC_MATCH"),
        ({"LUOSHI_OIDC_SCOPES": "email"}, "LUOSHI_OIDC_SCOPES"),
    ],
)
def test_a_half_or_wrong_configuration_stops_luoshi_naming_the_variable(tmp_path, env, named):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    shown = subprocess.run(
        [sys.executable, "-c", "import luoshi.settings"],
        env={**base, "LUOSHI_VAR_DIR": str(tmp_path), **env},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode != 0 and named in shown.stderr


def test_a_provider_that_cannot_be_reached_is_said_so_and_nothing_is_recorded(city, client: Client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/unreachable"  # the discard port: refused at once
    settings.OIDC_CLIENT_ID = "luoshi"
    settings.OIDC_CLIENT_SECRET = "secret"
    settings.OIDC_TIMEOUT = 2
    response = client.get(reverse("accounts:sso_login"))
    assert response.status_code == 502
    assert 'data-reason="unverified"' in response.content.decode()
    assert not SignIn.objects.exists()
