"""Request limits enforced before Django reads a request: its address length (414) and body size (413).

`RequestLimitsMiddleware` comes first in MIDDLEWARE, so a 300 MB upload is refused from its Content-Length
while the body is still in the socket, instead of being read to disk and then refused by a form. A body sent
chunked, without Content-Length, is read through `BoundedInput`, which stops one byte past the limit.
The front proxy enforces the same limits (README, "Deployment"); these hold when it is missing or misset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi.web.errors import error_response
from luoshi.web.middleware import POLICY, chosen_language

MB = 1024 * 1024


def body_limit() -> int:
    """The largest request body Luoshi reads, in bytes (LUOSHI_REQUEST_MAX_MB)."""
    return int(settings.LUOSHI_REQUEST_MAX_BYTES)


class BoundedInput:
    """A request body of unknown length, readable up to `limit` bytes; one byte more raises."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.taken = 0
        self.exceeded = False

    def _count(self, data: bytes) -> bytes:
        self.taken += len(data)
        if self.taken > self.limit:
            self.exceeded = True
            raise RequestDataTooBig(f"request body over {self.limit} bytes")
        return data

    def _budget(self, size: int | None) -> int:
        left = self.limit + 1 - self.taken  # one byte more than allowed is enough to know
        return left if size is None or size < 0 else min(size, left)

    def read(self, size: int | None = -1, /) -> bytes:
        if size is not None and size >= 0:
            return self._count(self.stream.read(self._budget(size)))
        chunks = []  # all of it: read until the stream ends, or raise one byte past the limit
        while chunk := self._count(self.stream.read(self._budget(64 * 1024))):
            chunks.append(chunk)
        return b"".join(chunks)

    def readline(self, size: int | None = -1, /) -> bytes:
        return self._count(self.stream.readline(self._budget(size)))

    def close(self) -> None:
        """Leave the server's stream to the server."""


class RequestLimitsMiddleware:
    """Refuse an over-long address (414) and an over-large body (413) before anything reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > settings.LUOSHI_URL_MAX_CHARS:
            return refuse(request, 414)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # garbled: treated as absent, so the body is read through the guard below
        if length > body_limit():
            return refuse(request, 413)
        guard = None
        if not length and request.META.get("wsgi.input_terminated"):
            # No Content-Length: the server ends the stream after the last chunk, so read through a guard.
            guard = BoundedInput(cast(BinaryIO, request.META["wsgi.input"]), body_limit())
            request._stream = cast(BinaryIO, guard)
        response = self.get_response(request)
        if guard is not None and guard.exceeded:
            return refuse(request, 413)
        return response


def refuse(request: HttpRequest, status: int) -> HttpResponse:
    """The styled 413 or 414 page saying what the limit is, in the language the user chose."""
    # This runs before the locale middleware, so it chooses the language the way that middleware would.
    with translation.override(chosen_language(request)):
        if status == 414:
            message = _(
                "This address is longer than %(limit)s characters, more than Luoshi takes. "
                "Shorten the search or the link and try again."
            ) % {"limit": settings.LUOSHI_URL_MAX_CHARS}
        else:
            message = _(
                "What you sent is larger than %(limit)s MB, the most Luoshi takes in one request (each "
                "file may be up to %(file_limit)s MB). Send fewer or smaller files at a time."
            ) % {"limit": body_limit() // MB, "file_limit": settings.LUOSHI_UPLOAD_MAX_BYTES // MB}
        response = error_response(request, status, message)
    # The middleware that would add these runs after this one, so the refusal adds them itself.
    response["Content-Security-Policy"] = POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    return response
