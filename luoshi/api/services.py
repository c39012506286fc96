"""Writes of API tokens: created (the secret shown once), revoked, and their use recorded. Each is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.api.models import PREFIX, ApiToken
from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.services import require, required_text
from luoshi.orgs.models import User

LONGEST = dt.timedelta(days=366)  # a year at most, leap day included
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, by: User, name: str, expires_on: dt.date | None) -> tuple[ApiToken, str]:
    """A new token of `by`, valid until the end of `expires_on` (at most a year away); its secret is
    returned once and never stored."""
    name = required_text(name, "name", _("Give the token a name."), 100)
    now = clock.now()
    if expires_on is None:
        raise ValidationError({"expires_on": _("Say when the token expires.")})
    expires_at = clock.at_local(expires_on + dt.timedelta(days=1))
    if expires_on < clock.today():
        raise ValidationError({"expires_on": _("The expiry date has passed.")})
    if expires_at - now > LONGEST:
        raise ValidationError({"expires_on": _("A token lasts a year at most.")})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by,
        name=name,
        prefix=secret[:10],
        digest=digest_of(secret),
        created_at=now,
        expires_at=expires_at,
    )
    record(actor=by, action=Action.API_TOKEN_CREATE, obj=token, after=snapshot(token, exclude=("digest",)))
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User) -> ApiToken:
    require(token.user_id == by.pk)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(actor=by, action=Action.API_TOKEN_REVOKE, obj=token)
    return token


def authenticate(secret: str) -> User | None:
    """The user a live token stands for, or None for an unknown, revoked or expired one.

    Its use is recorded, cheaply: last_used_at at most once a minute, and an audit event on the first
    use of each day (so the trail shows on which days a token was used, not every request).
    """
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(secret)).first()
    now = clock.now()
    if token is None or not token.is_live(now) or not token.user.is_active:
        return None
    last = token.last_used_at
    if last is None or now - last >= TOUCH_EVERY:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            if last is None or clock.local(last).date() != clock.local(now).date():
                record(actor=token.user, action=Action.API_TOKEN_USE, obj=token)
    return token.user
