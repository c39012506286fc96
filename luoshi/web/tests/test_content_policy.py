"""The Content-Security-Policy header: our own origin only, and the identity provider's for forms when single
sign-on is set up (signing out redirects there)."""

import pytest

from luoshi.web.middleware import POLICY, policy


def form_action(header: str) -> str:
    return next(d for d in header.split("; ") if d.startswith("form-action"))


def test_without_single_sign_on_forms_go_to_our_own_origin_only(settings):
    settings.OIDC_ISSUER = ""
    assert policy() == POLICY
    assert form_action(policy()) == "form-action 'self'"


def test_with_single_sign_on_forms_may_lead_to_the_providers_origin(client, settings):
    settings.OIDC_ISSUER = "https://sso.example.gov.cn:8443/oidc/realms/gov"
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    assert form_action(header) == "form-action 'self' https://sso.example.gov.cn:8443"
    assert header.startswith("default-src 'self'; script-src 'self';")  # nothing else widened


@pytest.mark.parametrize(
    "issuer",
    [
        "https://sso.example.gov.cn;script-src *",
        "javascript://x",
        "https://a b.example",
        "sso.example.gov.cn",
    ],
)
def test_an_issuer_that_is_not_a_plain_origin_adds_nothing(settings, issuer):
    settings.OIDC_ISSUER = issuer
    assert policy() == POLICY
