"""Reading assessment back: a system's weights as a table; a run's ranking per category, and for one unit
every figure with the rows behind it (these 3 late reports, this task finished after its deadline) and what
moved since the previous run.

Everything is read from the run's snapshot and its stored results; the rows' titles are looked up by the
ids the snapshot kept, in one query per kind of row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from luoshi.dispatch.models import Report
from luoshi.orgs.models import Unit, UnitCategory
from luoshi.plans.models import Delivery, Task
from luoshi.supervision.models import Rectification, SupervisionItem

from . import compare
from .facts import ROWS_OF
from .models import Indicator, IndicatorSystem, Metric, Result, Run
from .services import score_snapshot

ROWS_SHOWN = 50


@dataclass
class Group:
    key: str
    name: str
    weight: Decimal
    leaves: list[dict[str, Any]] = field(default_factory=list)


def groups_of(run: Run, category: str) -> list[Group]:
    """The category's indicators as its tree: groups (一级指标) with their leaves; a leaf at the top level
    is a group of its own."""
    indicators = run.snapshot["categories"].get(category, [])
    groups: dict[str, Group] = {}
    for i in indicators:
        if i["parent"] is None:
            groups[i["key"]] = Group(i["key"], i["name"], Decimal(i["weight"]))
    for i in indicators:
        if i["metric"]:
            groups[i["parent"] or i["key"]].leaves.append(i)
    return list(groups.values())


def categories_of(run: Run) -> list[tuple[str, str]]:
    present = {u["category"] for u in run.snapshot["units"]}
    return [(value, str(label)) for value, label in UnitCategory.choices if value in present]


@dataclass
class Row:
    result: Result
    groups: list[Decimal | None]


def ranking(run: Run, category: str) -> tuple[list[Group], list[Row]]:
    """The category's ranking with each unit's points per group."""
    groups = groups_of(run, category)
    scored = {r["unit"]: r for r in score_snapshot(run.snapshot) if r["category"] == category}
    results = run.results.filter(category=category).select_related("unit")
    rows = []
    for result in results:
        leaves = scored[result.unit_id]["leaves"]
        rows.append(Row(result, [_sum(leaves.get(leaf["key"]) for leaf in g.leaves) for g in groups]))
    return groups, rows


def _sum(values: Any) -> Decimal | None:
    present = [Decimal(v) for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


@dataclass
class Line:
    """One indicator of the unit's trace."""

    key: str
    name: str
    metric: str
    weight: Decimal
    fact: dict[str, Any] | None
    points: Decimal | None
    before: Decimal | None  # the same indicator's points in the previous run
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, address) of the rows against it
    more: int = 0

    @property
    def moved(self) -> Decimal | None:
        return None if self.points is None or self.before is None else self.points - self.before

    @property
    def is_rating(self) -> bool:
        return self.fact is not None and self.fact["kind"] == "ratings"

    @property
    def metric_label(self) -> str:
        return str(Metric(self.metric).label)


def unit_trace(run: Run, unit: Unit) -> dict[str, Any]:
    """Every figure of `unit` in `run`, the rows counted against it, and the change since the last run."""
    entry = next(u for u in run.snapshot["units"] if u["id"] == unit.pk)
    category = entry["category"]
    result = run.results.get(unit=unit)
    mine = next(r for r in score_snapshot(run.snapshot) if r["unit"] == unit.pk)
    previous = earlier_run(run)
    before: dict[str, Any] = {}
    if previous is not None:
        before = next((r["leaves"] for r in score_snapshot(previous.snapshot) if r["unit"] == unit.pk), {})
    misses: dict[str, list[int]] = defaultdict(list)
    for key, fact in entry["facts"].items():
        misses[key] = fact.get("misses", [])[:ROWS_SHOWN]
    labels = _labels(run, entry["facts"], misses)
    groups = []
    for g in groups_of(run, category):
        lines = []
        for leaf in g.leaves:
            key = leaf["key"]
            fact = entry["facts"].get(key)
            line = Line(
                key, leaf["name"], leaf["metric"], Decimal(leaf["weight"]), fact,
                _dec(mine["leaves"].get(key)), _dec(before.get(key)),
            )  # fmt: skip
            if fact is not None and fact.get("misses"):
                line.rows = [
                    labels[(leaf["metric"], pk)] for pk in misses[key] if (leaf["metric"], pk) in labels
                ]
                line.more = len(fact["misses"]) - len(misses[key])
            lines.append(line)
        groups.append((g, lines))
    return {"result": result, "groups": groups, "awards": entry["awards"], "previous": previous}


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _labels(
    run: Run, facts: dict[str, Any], misses: dict[str, list[int]]
) -> dict[tuple[str, int], tuple[str, str]]:
    """(metric, id) → (label, address) of the rows shown, one query per kind of row."""
    metric_of = {i["key"]: i["metric"] for c in run.snapshot["categories"].values() for i in c}
    ids: dict[str, set[int]] = defaultdict(set)
    for key, pks in misses.items():
        if key in metric_of and metric_of[key] in ROWS_OF:
            ids[ROWS_OF[Metric(metric_of[key])]].update(pks)
    found: dict[tuple[str, int], tuple[str, str]] = {}
    if ids["report"]:
        for r in Report.objects.filter(pk__in=ids["report"]).select_related("task", "cycle__cadence"):
            period = f"{r.cycle.period_start:%m-%d}–{r.cycle.period_end:%m-%d}"
            label = f"{r.task.code} {r.task.title} · {r.cycle.cadence.name} {period}"
            found[(Metric.REPORTS_ON_TIME, r.pk)] = (label, f"/tasks/{r.task_id}/")
    if ids["task"]:
        for t in Task.objects.filter(pk__in=ids["task"]):
            found[(Metric.TASKS_ON_TIME, t.pk)] = (
                f"{t.code} {t.title} · {t.due:%Y-%m-%d}",
                f"/tasks/{t.pk}/",
            )
    if ids["delivery"]:
        for d in Delivery.objects.filter(pk__in=ids["delivery"]).select_related("task"):
            found[(Metric.DELIVERIES_FIRST_TIME, d.pk)] = (
                f"{d.task.code} {d.task.title}",
                f"/tasks/{d.task_id}/",
            )
    if ids["rectification"]:
        rects = Rectification.objects.filter(pk__in=ids["rectification"]).select_related(
            "finding__inspection"
        )
        for rect in rects:
            label = f"{rect.finding.inspection.title} · {rect.finding.problem[:60]} · {rect.due:%Y-%m-%d}"
            found[(Metric.RECTIFICATIONS_ON_TIME, rect.pk)] = (
                label,
                f"/supervision/rectifications/{rect.pk}/",
            )
    if ids["item"]:
        for i in SupervisionItem.objects.filter(pk__in=ids["item"]).select_related(
            "issuer__supervision_series"
        ):
            found[(Metric.ITEMS_ON_TIME, i.pk)] = (f"{i.code} {i.title}", f"/supervision/{i.pk}/")
    return found


def earlier_run(run: Run) -> Run | None:
    """The run of the same system just before `run`."""
    return run.system.runs.filter(number__lt=run.number).order_by("-number").first()


def comparison(earlier: Run, later: Run) -> dict[str, list[compare.UnitMove]]:
    """What moved between two runs of one system, category by category, from their snapshots."""
    return compare.compare(
        earlier.snapshot, score_snapshot(earlier.snapshot), later.snapshot, score_snapshot(later.snapshot)
    )


@dataclass
class TableRow:
    indicator: Indicator
    level: int
    weights: list[Decimal | None]


def weight_table(system: IndicatorSystem) -> dict[str, Any]:
    """The system's indicators in tree order, with what each weighs per category (columns: the categories
    any indicator weighs) and each category's top-level total."""
    indicators = list(system.indicators.prefetch_related("weights").order_by("parent_id", "order"))
    categories = [
        c
        for c in UnitCategory.choices
        if any(w.category == c[0] for i in indicators for w in i.weights.all())
    ]
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for i in indicators:
        children[i.parent_id].append(i)
    rows: list[TableRow] = []

    def walk(parent: int | None, level: int) -> None:
        for i in sorted(children[parent], key=lambda x: x.order):
            by_category = {w.category: w.weight for w in i.weights.all()}
            rows.append(TableRow(i, level, [by_category.get(c) for c, _label in categories]))
            walk(i.pk, level + 1)

    walk(None, 0)
    totals = [
        sum((r.weights[n] or Decimal(0) for r in rows if r.level == 0), Decimal(0))
        for n in range(len(categories))
    ]
    return {"categories": categories, "rows": rows, "totals": totals}
