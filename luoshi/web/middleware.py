import re
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

# Scripts only from our own origin (htmx and Bootstrap are vendored); inline styles are allowed for
# progress bars' widths. Nothing loads from another host.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

ORIGIN_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", policy())
        return response


def policy() -> str:
    """POLICY, whose forms may also lead to the identity provider's origin when single sign-on is set up:
    signing out (a form) is answered with a redirect to the provider's end of session, and a browser checks
    `form-action` along a form's redirects too."""
    return _policy_for(settings.OIDC_ISSUER)


@cache  # every response asks; the answer changes only with the setting
def _policy_for(issuer_url: str) -> str:
    issuer = urlsplit(issuer_url) if issuer_url else None
    if issuer is None or issuer.scheme not in ("https", "http") or not ORIGIN_HOST.fullmatch(issuer.netloc):
        return POLICY  # nothing but a host and port goes into the header
    return f"{POLICY} {issuer.scheme}://{issuer.netloc}"


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language (the cookie set_language writes).

    Django's own middleware would follow the browser's Accept-Language, so an office PC with an English
    browser would greet its users in English; Luoshi's default is the office's language.
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


def chosen_language(request: HttpRequest) -> str:
    """The language the user chose (the cookie set_language writes), else Simplified Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class NoStoreWhenSignedInMiddleware:
    """Pages for a signed-in user are never kept by the browser or a proxy (`Cache-Control: no-store`).

    A shared office PC's back button or disk cache would otherwise show the last user's tasks to the next.
    Static files are answered by WhiteNoise before this runs, so they stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
