"""The sections of a bulletin drafted from the facts: each builder reads its facts with a few grouped
queries over the scope's units and returns the section's words, its figures and the rows behind them.

Rows are kept as they stand now (unit, title, due date, the object's link); the words are the office's
plain official prose stating the figures, for a person to edit before publishing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from luoshi.assessment.models import Result
from luoshi.core import clock
from luoshi.dispatch.lights import Light, Reason
from luoshi.dispatch.models import REASON_LABELS, Report, TaskLight
from luoshi.orgs.models import Unit, UnitCategory
from luoshi.plans.models import Task
from luoshi.supervision.models import AccountabilityRecord, Rectification, SupervisionItem
from luoshi.supervision.models.accountability import Kind as RecordKind
from luoshi.supervision.models.inspections import RectState
from luoshi.supervision.models.items import State as ItemState

from .models import Bulletin, Kind

REASONS = {str(r) for r in Reason}
ROWS_MAX = 500  # rows kept per group; the figure still counts them all, and the text says so
TOP_MOVERS = 5


@dataclass
class Draft:
    kind: str
    heading: str
    text: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def group(self, key: str, rows: list[dict[str, Any]]) -> None:
        self.rows += [{**r, "group": key} for r in rows[:ROWS_MAX]]
        if len(rows) > ROWS_MAX:
            self.totals[key] = len(rows)

    def figure(self, label: str, count: int, key: str) -> None:
        self.figures.append({"label": label, "count": count, "key": key})

    def listing(self, groups: list[tuple[str, str, list[dict[str, Any]]]], said: str, nothing: str) -> Draft:
        """Keep each (key, label, rows) group with the figure counting it; the words are `said` when any
        group has rows, else `nothing`."""
        for key, label, rows in groups:
            self.group(key, rows)
            self.figure(label, len(rows), f"{self.kind}:{key}")
        self.text = said if any(rows for _key, _label, rows in groups) else nothing
        return self


@dataclass(frozen=True)
class Facts:
    """What every builder reads: the bulletin's scope and period, and the instant the facts stand at."""

    bulletin: Bulletin
    now: dt.datetime
    names: dict[int, str]

    @property
    def path(self) -> str:
        return self.bulletin.scope.path

    @property
    def start(self) -> dt.datetime:
        return clock.at_local(self.bulletin.period_start)

    @property
    def end(self) -> dt.datetime:
        return min(clock.at_local(self.bulletin.period_end + dt.timedelta(days=1)), self.now)

    @property
    def today(self) -> dt.date:
        return clock.local(self.now).date()


def facts_of(bulletin: Bulletin, now: dt.datetime) -> Facts:
    names = dict(Unit.objects.filter(path__startswith=bulletin.scope.path).values_list("pk", "name"))
    return Facts(bulletin, now, names)


def _link(name: str) -> Callable[..., str]:
    """A function giving the URL of the object `pk` under the URL pattern `name` (one reverse, not many)."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = clock.local(value).date()
    return value.isoformat()


def _report_counts(f: Facts) -> dict[int, dict[str, int]]:
    rows = (
        Report.objects.filter(
            unit__path__startswith=f.path,
            due_at__gte=f.start,
            due_at__lt=f.end,
            task__cancelled_on__isnull=True,
        )
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(submitted_at__isnull=False, is_late=False)),
            late=Count("pk", filter=Q(submitted_at__isnull=False, is_late=True)),
            missing=Count("pk", filter=Q(submitted_at__isnull=True)),
        )
        .order_by()
        .values_list("unit_id", "due", "on_time", "late", "missing")
    )
    keys = ("due", "on_time", "late", "missing")
    return {unit_id: dict(zip(keys, counts, strict=True)) for unit_id, *counts in rows}


def _light_counts(f: Facts) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Light, 0))
    for unit_id, light, n in (
        Task.objects.filter(lead_unit__path__startswith=f.path, cancelled_on__isnull=True)
        .values_list("lead_unit_id", "light__light")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if light:
            counts[unit_id][Light(light)] += n
    return counts


def overview(f: Facts) -> Draft:
    lights, reports = _light_counts(f), _report_counts(f)
    total = {light: sum(c[light] for c in lights.values()) for light in Light}
    sums = {k: sum(r[k] for r in reports.values()) for k in ("due", "on_time", "late", "missing")}
    done = total[Light.DONE] + total[Light.DONE_LATE]
    tasks = sum(total.values())
    text = _(
        "As of %(date)s, the units covered lead %(tasks)s tasks: %(green)s green, %(yellow)s yellow, "
        "%(red)s red, and %(done)s completed. In the period %(due)s progress reports were due: %(on_time)s "
        "sent on time, %(late)s late and %(missing)s missing."
    ) % {"date": _chinese_day(f.today), "tasks": tasks, "green": total[Light.GREEN],
         "yellow": total[Light.YELLOW], "red": total[Light.RED], "done": done, **sums}  # fmt: skip
    draft = Draft(
        Kind.OVERVIEW,
        str(Kind.OVERVIEW.label),
        text,
        [_("Unit"), _("Green"), _("Yellow"), _("Red"), _("Done"), _("Reports due"), _("On time"),
         pgettext("report", "Late"), _("Missing")],
    )  # fmt: skip
    units = sorted(set(lights) | set(reports), key=lambda pk: f.names.get(pk, ""))
    none = {"due": 0, "on_time": 0, "late": 0, "missing": 0}
    rows = []
    for pk in units:
        c, r = lights.get(pk, dict.fromkeys(Light, 0)), reports.get(pk, none)
        done_here = c[Light.DONE] + c[Light.DONE_LATE]
        cells = [f.names.get(pk, ""), c[Light.GREEN], c[Light.YELLOW], c[Light.RED], done_here,
                 r["due"], r["on_time"], r["late"], r["missing"]]  # fmt: skip
        rows.append({"cells": cells, "url": ""})
    draft.group("units", rows)
    draft.figure(_("tasks"), tasks, "overview:units")
    draft.figure(_("red"), total[Light.RED], "lights:red")
    draft.figure(_("yellow"), total[Light.YELLOW], "lights:yellow")
    draft.figure(_("reports due"), sums["due"], "overview:units")
    draft.figure(pgettext("report", "late"), sums["late"], "reports:late")
    draft.figure(_("missing"), sums["missing"], "reports:missing")
    return draft


def _results(f: Facts) -> list[Result]:
    run = f.bulletin.run
    if run is None:
        return []
    return list(
        Result.objects.filter(run=run, unit__path__startswith=f.path, rank__isnull=False)
        .select_related("unit")
        .order_by("category", "rank", "unit__path")
    )


def _moved(change: int | None) -> str:
    if not change:
        return _("unchanged") if change == 0 else "—"
    if change > 0:
        return _("up %(n)s") % {"n": change}
    return _("down %(n)s") % {"n": -change}


def ranking(f: Facts) -> Draft:
    results = _results(f)
    draft = Draft(Kind.RANKING, str(Kind.RANKING.label), "", [_("Rank"), _("Unit"), _("Score"), _("Change")])
    if not results:
        draft.text = _("No assessment run is drawn on in this bulletin.")
        return draft
    trace = _link_trace(results[0].run_id)
    labels = dict(UnitCategory.choices)
    said = []
    for category in dict.fromkeys(r.category for r in results):
        ranked = [r for r in results if r.category == category]
        rows = [
            {"cells": [r.rank, r.unit.name, f"{r.total}", _moved(r.change)], "url": trace(r.unit_id)}
            for r in ranked
        ]
        draft.group(category, rows)
        name = str(labels.get(category, category))
        draft.figure(name, len(ranked), f"ranking:{category}")
        said.append(
            _("in %(category)s (%(n)s units) %(first)s ranks first with %(score)s points")
            % {"category": name, "n": len(ranked), "first": ranked[0].unit.name, "score": ranked[0].total}
        )
    draft.text = _("The assessment ranked the units by category: %(said)s.") % {"said": _("; ").join(said)}
    return draft


def _link_trace(run_id: int) -> Callable[[int], str]:
    marker = 987654321
    pattern = reverse("assessment:unit_trace", args=[run_id, marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def movers(f: Facts) -> Draft:
    results = [r for r in _results(f) if r.change]
    up = sorted(
        (r for r in results if r.change and r.change > 0), key=lambda r: (-(r.change or 0), r.unit.path)
    )
    down = sorted(
        (r for r in results if r.change and r.change < 0), key=lambda r: (r.change or 0, r.unit.path)
    )
    labels = dict(UnitCategory.choices)
    draft = Draft(Kind.MOVERS, str(Kind.MOVERS.label), "", [_("Unit"), _("Category"), _("Rank"), _("Change")])
    if not results:
        draft.text = _("No unit moved up or down in the ranking this period.")
        return draft
    trace = _link_trace(results[0].run_id)
    for key, chosen in (("up", up[:TOP_MOVERS]), ("down", down[:TOP_MOVERS])):
        draft.group(key, [
            {"cells": [r.unit.name, str(labels.get(r.category, r.category)), r.rank, _moved(r.change)],
             "url": trace(r.unit_id)}
            for r in chosen
        ])  # fmt: skip
    draft.figure(_("moved up"), len(up), "movers:up")
    draft.figure(_("moved down"), len(down), "movers:down")
    named = _("、")
    parts = []
    if up:
        parts.append(
            _("%(n)s units moved up, most of all %(units)s")
            % {"n": len(up), "units": named.join(f"{r.unit.name}（{_moved(r.change)}）" for r in up[:3])}
        )
    if down:
        parts.append(
            _("%(n)s units moved down, most of all %(units)s")
            % {"n": len(down), "units": named.join(f"{r.unit.name}（{_moved(r.change)}）" for r in down[:3])}
        )
    draft.text = _("; ").join(parts) + _(".")
    return draft


def lights(f: Facts) -> Draft:
    task = _link("plans:task_detail")
    rows = (
        TaskLight.objects.filter(
            task__lead_unit__path__startswith=f.path,
            task__cancelled_on__isnull=True,
            light__in=[Light.RED, Light.YELLOW],
        )
        .order_by("task__lead_unit__path", "task__due", "task_id")
        .values_list("task_id", "task__title", "task__lead_unit_id", "task__due", "light", "reason")
    )
    by_light: dict[str, list[dict[str, Any]]] = {Light.RED: [], Light.YELLOW: []}
    for pk, title, unit_id, due, light, reason in rows:
        why = str(REASON_LABELS[Reason(reason)]) if reason in REASONS else reason
        by_light[light].append({"cells": [f.names.get(unit_id, ""), title, _day(due), why], "url": task(pk)})
    draft = Draft(Kind.LIGHTS, str(Kind.LIGHTS.label), "", [_("Unit"), _("Task"), _("Deadline"), _("Why")])
    said = _(
        "%(red)s tasks are red and %(yellow)s yellow. The units leading them are to find the causes, "
        "catch up and report their progress in the next cycle."
    ) % {"red": len(by_light[Light.RED]), "yellow": len(by_light[Light.YELLOW])}
    groups = [
        (Light.RED.value, _("red"), by_light[Light.RED]),
        (Light.YELLOW.value, _("yellow"), by_light[Light.YELLOW]),
    ]
    return draft.listing(groups, said, _("No task is red or yellow."))


def reports(f: Facts) -> Draft:
    report = _link("dispatch:report_detail")
    rows = (
        Report.objects.filter(
            unit__path__startswith=f.path,
            due_at__gte=f.start,
            due_at__lt=f.end,
            task__cancelled_on__isnull=True,
        )
        .filter(Q(submitted_at__isnull=True) | Q(is_late=True))
        .order_by("unit__path", "due_at", "pk")
        .values_list("pk", "unit_id", "task__title", "due_at", "submitted_at")
    )
    late: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for pk, unit_id, title, due_at, submitted_at in rows:
        row = {
            "cells": [f.names.get(unit_id, ""), title, _day(due_at), _day(submitted_at)],
            "url": report(pk),
        }
        (missing if submitted_at is None else late).append(row)
    draft = Draft(
        Kind.REPORTS,
        str(Kind.REPORTS.label),
        "",
        [_("Unit"), _("Task"), pgettext("report", "Due"), pgettext("report", "Sent")],
    )
    said = _(
        "In the period %(late)s progress reports were sent late and %(missing)s not sent at all. "
        "The units concerned are to send what is missing at once and keep to the reporting rhythm."
    ) % {"late": len(late), "missing": len(missing)}
    groups = [("late", pgettext("report", "late"), late), ("missing", _("missing"), missing)]
    return draft.listing(groups, said, _("Every progress report due in the period was sent on time."))


def overdue(f: Facts) -> Draft:
    item, rect = _link("supervision:item_detail"), _link("supervision:rectification_detail")
    items = [
        {"cells": [f.names.get(unit_id, ""), title, _day(due)], "url": item(pk)}
        for pk, unit_id, title, due in SupervisionItem.objects.filter(
            lead_unit__path__startswith=f.path, due__lt=f.today
        )
        .exclude(state=ItemState.CLOSED)
        .order_by("lead_unit__path", "due", "pk")
        .values_list("pk", "lead_unit_id", "title", "due")
    ]
    rects = [
        {"cells": [f.names.get(unit_id, ""), problem[:60], _day(due)], "url": rect(pk)}
        for pk, unit_id, problem, due in Rectification.objects.filter(
            unit__path__startswith=f.path, due__lt=f.today
        )
        .exclude(state=RectState.CLOSED)
        .order_by("unit__path", "due", "pk")
        .values_list("pk", "unit_id", "finding__problem", "due")
    ]
    draft = Draft(Kind.OVERDUE, str(Kind.OVERDUE.label), "", [_("Unit"), _("Matter"), _("Deadline")])
    said = _(
        "%(items)s supervision items and %(rects)s rectifications are past their deadline and not "
        "closed. The units responsible are to close them out within a set time."
    ) % {"items": len(items), "rects": len(rects)}
    groups = [
        ("items", _("supervision items overdue"), items),
        ("rectifications", _("rectifications overdue"), rects),
    ]
    return draft.listing(groups, said, _("No supervision item or rectification is past its deadline."))


def records(f: Facts) -> Draft:
    record = _link("supervision:record_detail")
    rows = (
        AccountabilityRecord.objects.filter(
            unit__path__startswith=f.path,
            kind__in=[RecordKind.COMMENDATION, RecordKind.CRITICISM],
            recorded_at__gte=f.start,
            recorded_at__lt=f.end,
        )
        .order_by("kind", "unit__path", "recorded_at", "pk")
        .values_list("pk", "kind", "unit_id", "reason", "recorded_at")
    )
    found: dict[str, list[dict[str, Any]]] = {RecordKind.COMMENDATION: [], RecordKind.CRITICISM: []}
    for pk, kind, unit_id, reason, at in rows:
        found[kind].append({"cells": [f.names.get(unit_id, ""), reason[:100], _day(at)], "url": record(pk)})
    draft = Draft(Kind.RECORDS, str(Kind.RECORDS.label), "", [_("Unit"), _("Facts and reason"), _("Date")])
    praised, criticised = found[RecordKind.COMMENDATION], found[RecordKind.CRITICISM]
    draft.group("commendations", praised)
    draft.group("criticisms", criticised)
    draft.figure(_("commended"), len(praised), "records:commendations")
    draft.figure(_("criticised"), len(criticised), "records:criticisms")
    parts = []
    if praised:
        parts.append(
            _("%(units)s are commended") % {"units": _("、").join(r["cells"][0] for r in praised[:5])}
        )
    if criticised:
        parts.append(
            _("%(units)s are criticised") % {"units": _("、").join(r["cells"][0] for r in criticised[:5])}
        )
    draft.text = (
        (_("; ").join(parts) + _(".")) if parts else _("No unit was commended or criticised in the period.")
    )
    return draft


BUILDERS: tuple[Callable[[Facts], Draft], ...] = (
    overview,
    ranking,
    movers,
    lights,
    reports,
    overdue,
    records,
)

DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """一 to 九十九, as section numbers are written."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return DIGITS[n]
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")


def _chinese_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
