"""A document being turned into a task list: kept between the upload and the supervisor's review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.plans.models import Plan, TaskList


class DraftQuerySet(models.QuerySet["ImportDraft"]):
    def visible_to(self, user: Any) -> DraftQuerySet:
        """Drafts of plans issued within the user's jurisdiction (only offices make them)."""
        return self.filter(policy.unit_q(user, "plan__issuer"))


class ImportDraft(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("In review")
        USED = "used", _("List created")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="import_drafts", verbose_name=_("plan")
    )
    source_name = models.CharField(_("source"), max_length=200)
    raw_text = models.TextField()
    text = models.TextField()
    boilerplate = models.JSONField(default=list)
    repairs = models.JSONField(default=dict)
    items = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    task_list = models.ForeignKey(
        TaskList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(auto_now_add=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document draft")
        verbose_name_plural = _("document drafts")

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_used(self) -> bool:
        """A list was created from it; it can no longer be changed."""
        return self.state == self.State.USED
