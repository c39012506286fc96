"""The OpenID Connect relying party, through Authlib: discovery, the authorization redirect with state and
nonce kept in the session, the code exchanged for tokens, and the ID token's RS256 signature checked against
the provider's published keys (JWKS), with its issuer, audience, expiry and nonce.

Authlib is imported here only, and this module only by the sign-in views, when a sign-in through the
provider begins or returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DISCOVERY = "/.well-known/openid-configuration"
ALGORITHMS = ["RS256"]


class Unverified(Exception):
    """The provider's answer was refused: an error, a state or nonce that does not match, a bad token."""


@cache
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: int) -> Any:
    from authlib.integrations.django_client import OAuth

    registry = OAuth()
    return registry.register(
        name="luoshi_sso",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=issuer + DISCOVERY,
        client_kwargs={"scope": scopes, "default_timeout": timeout},
    )


def client() -> Any:
    c = _client(
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TIMEOUT,
    )
    metadata = c.load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
        # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
        raise Unverified(f"the discovery document names issuer {metadata.get('issuer')!r}")
    # Only asymmetric signatures: a provider that also offers HS256 must not be able to be answered with a
    # token signed by the client secret in place of its keys.
    metadata["id_token_signing_alg_values_supported"] = ALGORITHMS
    return c


def begin(request: HttpRequest, callback_url: str) -> HttpResponse:
    """Redirect to the provider's sign-in page; the state and nonce wait in the session for the answer."""
    try:
        response: HttpResponse = client().authorize_redirect(request, callback_url)
    except Unverified:
        raise
    except Exception as exc:  # the provider unreachable or its discovery document malformed
        raise Unverified(f"{type(exc).__name__}: {exc}") from exc
    return response


@dataclass(frozen=True)
class Answer:
    claims: dict[str, Any]
    id_token: str  # as the provider signed it: handed back when the person signs out


def finish(request: HttpRequest) -> Answer:
    """The verified claims of the account that signed in: the ID token's, completed by the userinfo endpoint.

    Raises Unverified for anything the provider's answer fails: an error it reports (the person declined),
    a state this session did not send, a code it will not exchange, a token whose signature, issuer,
    audience, expiry or nonce is wrong, or userinfo about another subject.
    """
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError
    from requests import RequestException

    c = client()
    try:
        token = c.authorize_access_token(request)
        if "userinfo" not in token:  # no ID token: an OAuth answer, not an OpenID Connect one
            raise Unverified("no ID token in the provider's answer")
        claims = dict(token["userinfo"])
        if c.load_server_metadata().get("userinfo_endpoint"):
            extra = dict(c.userinfo(token=token))
            if str(extra.get("sub")) != str(claims["sub"]):  # OpenID Connect Core §5.3.2
                raise Unverified("the userinfo endpoint describes another subject")
            claims = {**extra, **claims}
        return Answer(claims, str(token["id_token"]))
    except (AuthlibBaseError, JoseError, RequestException, KeyError, ValueError) as exc:
        raise Unverified(f"{type(exc).__name__}: {exc}") from exc


def end_session_url(id_token: str, after: str) -> str | None:
    """Where to send the browser so that the provider ends its own session too (OpenID Connect RP-Initiated
    Logout 1.0), then returns it to `after`; None when the provider offers no such endpoint or cannot be
    reached (signing out of Luoshi alone still happens)."""
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint")
    except Exception:  # the provider unreachable or its discovery document malformed
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": settings.OIDC_CLIENT_ID}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
