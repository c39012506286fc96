"""The one-page brief of an agenda entry: what was promised, what was reported, and the trajectory.

Read from the task (its content, measures, milestones, pledge and sent reports, cycle by cycle) and the
督办件 (its content, deadline and the lead unit's feedback); for the fate of a past decision, the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luoshi.dispatch.models import LightReason, Report
from luoshi.meetings.models import AgendaEntry
from luoshi.plans.models import Delivery

TRAJECTORY = 8  # the last cycles shown


@dataclass
class Brief:
    entry: AgendaEntry
    milestones: list[Any] = field(default_factory=list)
    pledges: list[Any] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)  # sent reports, oldest first
    deliveries: list[Any] = field(default_factory=list)
    feedbacks: list[Any] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Why the task was red or yellow when the agenda was built."""
        code = self.entry.facts.get("reason", "")
        return str(LightReason(code).label) if code in LightReason.values else ""

    @property
    def latest(self) -> Any:
        return self.reports[-1] if self.reports else None


def brief(entry: AgendaEntry) -> Brief:
    found = Brief(entry)
    task = entry.task
    if task is not None:
        found.milestones = list(task.milestones.order_by("due", "id"))
        found.pledges = list(task.pledges.select_related("signer", "unit"))
        recent = (
            Report.objects.filter(task=task)
            .sent()
            .select_related("cycle__cadence", "unit")
            .order_by("-cycle__due_at", "-pk")[:TRAJECTORY]
        )
        found.reports = list(reversed(list(recent)))
        found.deliveries = list(Delivery.objects.filter(task=task).order_by("-at")[:3])
    if entry.item is not None:
        found.feedbacks = list(entry.item.feedbacks.select_related("by").order_by("-at")[:3])
    return found
