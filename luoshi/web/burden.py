"""为基层减负: every request Luoshi makes of a unit, counted per unit and month, so an office sees where
requests pile up.

The 2024 rules on reducing the burden on the grassroots forbid repeated 填表报数 and ask that a unit report
a fact once (最多报一次). What counts as a request: a progress report falling due, a supervision item given
to the unit to lead or to help with, a rectification an inspection gave it (整改), a task or a milestone
falling due (a delivery, 交账), and an open call's application the unit sent (揭榜). Each kind is one
grouped query over the units the viewer's scope holds, by month of its due (or issue) date in the
office's time zone.

A month is marked heavy for a unit when its requests reach twice the median of the units asked anything
that month (and at least HEAVY_FLOOR): an office sees its outliers without anyone setting a quota.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.challenges.models import Application
from luoshi.core import clock
from luoshi.dispatch.models import Report
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Milestone, Task
from luoshi.supervision.models import Rectification, SupervisionItem

MONTHS_BACK = 5  # and the current month, and the next one (what is already scheduled)
HEAVY_FLOOR = 5

KINDS: dict[str, Promise] = {
    "reports": _("Progress reports due"),
    "items": _("Supervision items"),
    "rectifications": _("Rectifications"),
    "deliveries": _("Tasks and milestones due"),
    "applications": _("Open-call applications"),
}
COLOURS = {
    "reports": "#0d6efd",
    "items": "#dc3545",
    "rectifications": "#fd7e14",
    "deliveries": "#198754",
    "applications": "#6f42c1",
}


def months_around(today: dt.date, back: int = MONTHS_BACK) -> list[dt.date]:
    """The first days of the `back` months before today's, today's, and the next one."""
    first = today.replace(day=1)
    months = []
    for offset in range(-back, 2):
        y, m = divmod(first.month - 1 + offset, 12)
        months.append(dt.date(first.year + y, m + 1, 1))
    return months


@dataclass
class Row:
    unit: Unit
    cells: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    def total(self, month: dt.date) -> int:
        return sum(self.cells.get(month, {}).values())


@dataclass
class Burden:
    months: list[dt.date]
    rows: list[Row]
    heavy: dict[dt.date, int]  # the month's threshold
    current: dt.date

    def grid(self) -> list[dict[str, Any]]:
        """Rows for the template: each unit with its months' totals, kinds and heavy marks."""
        return [
            {
                "unit": row.unit,
                "cells": [
                    {
                        "month": m,
                        "n": row.total(m),
                        "kinds": [(KINDS[k], n) for k, n in sorted(row.cells.get(m, {}).items()) if n],
                        "heavy": row.total(m) >= self.heavy[m],
                    }
                    for m in self.months
                ],
            }
            for row in self.rows
        ]

    def chart(self, top: int = 10) -> dict[str, Any]:
        """The current month's most-asked units, stacked by kind (ECharts, the home page's bar chart)."""
        rows = [r for r in self.rows if r.total(self.current)][:top]
        return {
            "categories": [r.unit.short_name or r.unit.name for r in rows],
            "series": [
                {
                    "name": str(label),
                    "color": COLOURS[kind],
                    "data": [r.cells.get(self.current, {}).get(kind, 0) for r in rows],
                }
                for kind, label in KINDS.items()
            ],
        }


def _month_key(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _grouped(qs: QuerySet[Any], unit: str, when: str) -> list[tuple[int, dt.date, int]]:
    rows = qs.order_by().annotate(month=TruncMonth(when)).values_list(unit, "month").annotate(n=Count("pk"))
    return [(unit_id, _month_key(month), n) for unit_id, month, n in rows]


def _range(field_name: str, start: dt.date, end: dt.date, *, at: bool) -> Q:
    if at:
        return Q(**{f"{field_name}__gte": clock.at_local(start), f"{field_name}__lt": clock.at_local(end)})
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def burden_for(user: Any, today: dt.date) -> Burden:
    """The requests made of each unit in `user`'s scope over the months around `today`."""
    months = months_around(today)
    start, end = months[0], months_around(months[-1], back=0)[-1]
    counts: dict[int, dict[dt.date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))

    def add(kind: str, rows: list[tuple[int, dt.date, int]]) -> None:
        for unit_id, month, n in rows:
            cell = counts[unit_id][month]
            cell[kind] = cell.get(kind, 0) + n

    add(
        "reports",
        _grouped(
            Report.objects.filter(
                policy.unit_q(user, "unit"),
                _range("due_at", start, end, at=True),
                task__cancelled_on__isnull=True,
            ),
            "unit",
            "due_at",
        ),
    )
    add(
        "items",
        _grouped(
            SupervisionItem.objects.filter(
                policy.unit_q(user, "lead_unit"), _range("created_at", start, end, at=True)
            ),
            "lead_unit",
            "created_at",
        ),
    )
    co = SupervisionItem.co_units.through.objects.filter(
        policy.unit_q(user, "unit"), _range("supervisionitem__created_at", start, end, at=True)
    )
    add("items", _grouped(co, "unit", "supervisionitem__created_at"))
    add(
        "rectifications",
        _grouped(
            Rectification.objects.filter(
                policy.unit_q(user, "unit"), _range("created_at", start, end, at=True)
            ),
            "unit",
            "created_at",
        ),
    )
    add(
        "deliveries",
        _grouped(
            Task.objects.live().filter(policy.unit_q(user, "lead_unit"), _range("due", start, end, at=False)),
            "lead_unit",
            "due",
        ),
    )
    add(
        "deliveries",
        _grouped(
            Milestone.objects.filter(
                policy.unit_q(user, "task__lead_unit"),
                _range("due", start, end, at=False),
                task__cancelled_on__isnull=True,
            ),
            "task__lead_unit",
            "due",
        ),
    )
    add(
        "applications",
        _grouped(
            Application.objects.filter(
                policy.unit_q(user, "unit"), _range("submitted_at", start, end, at=True)
            ),
            "unit",
            "submitted_at",
        ),
    )
    units = Unit.objects.in_bulk(list(counts))
    current = months[-2]
    rows = [Row(unit=units[pk], cells={m: dict(c) for m, c in cells.items()}) for pk, cells in counts.items()]
    rows.sort(key=lambda r: (-r.total(current), -sum(r.total(m) for m in months), r.unit.path))
    heavy: dict[dt.date, int] = {}
    for m in months:
        asked = [r.total(m) for r in rows if r.total(m)]
        heavy[m] = max(HEAVY_FLOOR, math.ceil(2 * statistics.median(asked))) if asked else HEAVY_FLOOR
    return Burden(months=months, rows=rows, heavy=heavy, current=current)
