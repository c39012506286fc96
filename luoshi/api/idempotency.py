"""Idempotency-Key on the API's writes: the first answer stored, a retry answered with it, a reuse refused.

The key's row is committed before the write runs (so a concurrent retry sees it and gets 409 instead of a
second write) and completed with the answer after; a write that fails removes it, so the client may retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from luoshi.api import problems
from luoshi.api.models import IdempotencyKey
from luoshi.core import clock
from luoshi.orgs.models import User

KEPT = dt.timedelta(hours=24)
LONGEST_KEY = 64


def _refuse(message: str, status: int = 422) -> problems.Refused:
    title = _("The request was refused") if status == 422 else _("Conflict")
    return problems.Refused(problems.problem(status, title, errors={"Idempotency-Key": [message]}))


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = JsonResponse(
        row.response, status=row.status or 200, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    if row.status and row.status >= 400:
        response["Content-Type"] = problems.CONTENT_TYPE
    if row.etag:
        response["ETag"] = row.etag
    response["Idempotent-Replayed"] = "true"
    return response


def _digest(body: bytes) -> str:
    """The body's fingerprint: of its JSON in a canonical form (key order and spacing do not count)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, ensure_ascii=False).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def once(request: HttpRequest, user: User, key: str, write: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer `write()` once per (user, key); the same key for the same operation and body replays it."""
    key = key.strip()
    if not key or len(key) > LONGEST_KEY:
        raise _refuse(_("Give a key of 1 to %(n)s characters.") % {"n": LONGEST_KEY})
    operation = f"{request.method} {request.path}"[:200]
    digest = _digest(request.body)
    now = clock.now()
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lte=now - KEPT).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, operation=operation, digest=digest, created_at=now
            )
    except IntegrityError:
        found = IdempotencyKey.objects.get(user=user, key=key)
        if found.operation != operation or found.digest != digest:
            raise _refuse(
                _("This key was used for another request: use a new key for a new request.")
            ) from None
        if found.status is None:
            raise _refuse(_("The first request with this key is still running."), 409) from None
        return _replay(found)
    try:
        response = write()
    except BaseException:
        row.delete()
        raise
    if response.status_code >= 500 or response.status_code in (401, 409, 412, 428):
        row.delete()  # not an answer to keep: a retry should be tried afresh
        return response
    row.status = response.status_code
    row.response = json.loads(response.content or b"null")
    row.etag = response.get("ETag", "")
    row.save(update_fields=["status", "response", "etag"])
    return response


def forget_expired(*, now: dt.datetime) -> int:
    """Delete the keys kept longer than a day (by `now`); the hourly job calls it. Returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=now - KEPT).delete()
    return deleted
