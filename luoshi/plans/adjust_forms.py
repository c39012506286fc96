"""Forms of the office's adjustments (调整完成时限, 撤销), and what the task page shows of them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.orgs import policy
from luoshi.plans.adjustments import REASON_MAX
from luoshi.plans.forms import DATE
from luoshi.plans.models import Task

REASON = forms.Textarea(attrs={"rows": 2})


class DeadlineForm(StyledForm):
    new_due = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason for the change"), max_length=REASON_MAX, widget=REASON)


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=REASON_MAX, widget=REASON)


def adjust_context(user: Any, task: Task) -> dict[str, Any]:
    """What plans/_adjust.html needs on the task page: the adjustments made, and the forms if allowed."""
    may = policy.can_edit_task(user, task) and not task.is_done and not task.is_cancelled
    return {
        "adjustments": list(task.adjustments.select_related("by").order_by("at", "pk")),
        "deadline_form": DeadlineForm(prefix="deadline") if may else None,
        "cancel_form": CancelForm(prefix="cancel") if may else None,
    }
