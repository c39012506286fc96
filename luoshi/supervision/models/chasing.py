"""The rungs of the shared escalation ladder (notify.EscalationStep) an overdue item has climbed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.notify.models import EscalationStep
from luoshi.supervision.models.items import SupervisionItem


class ItemEscalation(models.Model):
    """A rung of the ladder taken for an overdue item: the register of 督办单 it drew, as a report's are."""

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("item")
    )
    step = models.ForeignKey(
        EscalationStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("rung")
    )
    misses = models.PositiveSmallIntegerField(_("chasing periods missed"))
    due = models.DateField(_("deadline it was measured against"))
    at = models.DateTimeField(_("taken at"))

    audit_subject = "item"

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = _("item escalation")
        verbose_name_plural = _("item escalations")
        constraints = [models.UniqueConstraint(fields=["item", "step"], name="item_escalation_once_per_step")]

    def __str__(self) -> str:
        return f"{self.step} · {self.item.code}"
