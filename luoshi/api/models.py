"""Personal API tokens: a user's key to the REST API, stored only as its SHA-256 digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "ls_"  # every token starts so, which makes one found in a log or a repository recognisable


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """A person's own tokens only: nobody else, not even an administrator, manages them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, shown in the list so its owner can tell tokens apart.
    prefix = models.CharField(_("begins with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole token
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def valid_through(self) -> dt.date:
        """The last day it works: the expiry date its owner chose (it expires at the midnight after)."""
        return (timezone.localtime(self.expires_at) - dt.timedelta(microseconds=1)).date()

    def is_live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class IdempotencyKey(models.Model):
    """A write's Idempotency-Key as a user sent it, with the answer it got: a retry is answered the same.

    Kept a day (by the clock): a key sent again later starts afresh. Not domain data, so not audited; the
    write it stands for is.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    operation = models.CharField(max_length=200)  # "POST /api/lists/3/tasks"
    digest = models.CharField(max_length=64)  # sha256 of the body as sent
    status = models.PositiveSmallIntegerField(null=True)  # None while the first request is running
    response = models.JSONField(null=True)
    etag = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
