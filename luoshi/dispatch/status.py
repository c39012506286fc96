"""Keep the cached lights and rollups in step with the data.

`refresh` recomputes some tasks' lights and moves the rollup counts by the difference (the incremental
path, run on every accepted report); `rebuild` recomputes every light and counts the rollups from scratch
(the nightly sweep and `luoshi dispatch rebuild`). Both must give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from luoshi.core import bulk, clock
from luoshi.dispatch import lights
from luoshi.dispatch.models import UNSENT, LightChoice, Report, Rollup, TaskLight
from luoshi.notify import outbound
from luoshi.orgs.models import Unit
from luoshi.plans.models import Milestone, Task

LOOKBACK_CYCLES_DAYS = 400  # how far back missed cycles are looked for


def thresholds() -> lights.Thresholds:
    return lights.Thresholds(**getattr(settings, "LUOSHI_LIGHT_THRESHOLDS", {}))


def milestone_point(
    due: dt.date, expected_progress: int, reached_on: dt.date | None
) -> lights.MilestonePoint:
    """A stored milestone as the light rules see it: reached once the office confirmed it."""
    return lights.MilestonePoint(due=due, expected=expected_progress, reached=reached_on is not None)


def facts_for(tasks: Sequence[Task], today: dt.date, *, new: bool = False) -> dict[int, lights.TaskFacts]:
    """Everything the light rules need for these tasks, in a fixed number of queries; those of `new` tasks,
    created in this transaction, without looking for reports they cannot have yet."""
    ids = [t.pk for t in tasks]
    milestones: dict[int, list[lights.MilestonePoint]] = defaultdict(list)
    points = Milestone.objects.filter(task_id__in=ids).values_list(
        "task_id", "due", "expected_progress", "reached_on"
    )
    for task_id, due, expected, reached_on in points:  # plain rows: the nightly sweep reads them all
        milestones[task_id].append(milestone_point(due, expected, reached_on))
    latest = {} if new else Report.objects.latest_accepted(ids)
    since = today - dt.timedelta(days=LOOKBACK_CYCLES_DAYS)
    # Count the most recent due cycles without a report, up to the first one that has one.
    missed: Counter[int] = Counter()
    broken: set[int] = set()
    rows = (
        []
        if new
        else Report.objects.filter(
            task_id__in=ids, cycle__due_at__date__gte=since, cycle__due_at__date__lt=today
        )
        .order_by("task_id", "-cycle__due_at")
        .values_list("task_id", "state")
    )
    for task_id, state in rows:
        if task_id in broken:
            continue
        if state in UNSENT:
            missed[task_id] += 1
        else:
            broken.add(task_id)
    facts = {}
    for t in tasks:
        percent, value = latest.get(t.pk, (None, None))
        indicator = None
        if t.indicator_name and t.target is not None:
            indicator = lights.Indicator(
                baseline=t.baseline, target=t.target, direction=t.direction, actual=value
            )
        facts[t.pk] = lights.TaskFacts(
            start=t.start,
            due=t.due,
            completed_on=t.completed_on,
            milestones=tuple(milestones[t.pk]),
            reported_progress=percent,
            indicator=indicator,
            missed_cycles=missed[t.pk],
        )
    return facts


def _compute(tasks: Sequence[Task], today: dt.date, *, new: bool = False) -> dict[int, lights.Status]:
    rules = thresholds()
    return {pk: lights.status(f, today, rules) for pk, f in facts_for(tasks, today, new=new).items()}


def _row(task: Task, s: lights.Status, today: dt.date) -> TaskLight:
    return TaskLight(
        task_id=task.pk,
        unit_id=task.lead_unit_id,
        task_list_id=task.task_list_id,
        light=s.light.value,
        expected=Decimal(str(round(s.expected, 1))),
        actual=None if s.actual is None else Decimal(str(round(s.actual, 1))),
        reason=s.reason,
        computed_on=today,
    )


LIGHT_FIELDS = ["unit", "task_list", "light", "expected", "actual", "reason", "computed_on"]
_COLUMNS = [f"{name}_id" if name in ("unit", "task_list") else name for name in LIGHT_FIELDS]


def _values(row: TaskLight) -> tuple[Any, ...]:
    return tuple(getattr(row, column) for column in _COLUMNS)


def _stored_values(stored: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(stored[column] for column in _COLUMNS)


# No savepoint of its own: called inside a service's transaction, a failure here must undo that whole write.
@transaction.atomic(savepoint=False)
def refresh(tasks: Iterable[Task], *, today: dt.date, new: bool = False) -> None:
    """Recompute these tasks' lights and move the rollups by what changed (the incremental path).

    A task the office cancelled has no light and counts in no rollup: its light, if it had one, is
    deleted and leaves the counts it was in. `new` tasks, created in this transaction, have no reports and
    no lights to read yet.
    """
    tasks = list(tasks)
    live = [t for t in tasks if t.cancelled_on is None]
    computed = _compute(live, today, new=new)
    stored = (
        {}
        if new
        else {
            row["task_id"]: row
            for row in TaskLight.objects.select_for_update()
            .filter(task_id__in=[t.pk for t in tasks])
            .values("task_id", *_COLUMNS)
        }
    )
    old = {pk: (row["light"], row["unit_id"], row["task_list_id"]) for pk, row in stored.items()}
    rows = {t.pk: _row(t, computed[t.pk], today) for t in live}
    gone = [pk for pk in old if pk not in rows]
    TaskLight.objects.filter(task_id__in=gone).delete()
    # Only the lights that changed are written: most of a refresh finds them as they were.
    changed = [row for pk, row in rows.items() if pk in stored and _values(row) != _stored_values(stored[pk])]
    bulk.update(changed, LIGHT_FIELDS)
    bulk.insert([row for pk, row in rows.items() if pk not in old])
    _emit_turned_red(
        [
            t
            for t in live
            if rows[t.pk].light == lights.Light.RED and old.get(t.pk, ("",))[0] != lights.Light.RED
        ],
        rows,
        today,
    )
    # Move each rollup once by the sum of its changes, not once per task. A light leaves the rollups it
    # was counted in and joins those of the task's present lead unit and list.
    deltas: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for pk in gone:
        light, unit_id, list_id = old[pk]
        deltas[("unit_id", unit_id)][light] -= 1
        deltas[("task_list_id", list_id)][light] -= 1
    for pk, row in rows.items():
        after = (row.light, row.unit_id, row.task_list_id)
        before = old.get(pk)
        if before == after:
            continue
        if before is not None:
            light, unit_id, list_id = before
            deltas[("unit_id", unit_id)][light] -= 1
            deltas[("task_list_id", list_id)][light] -= 1
        deltas[("unit_id", row.unit_id)][row.light] += 1
        deltas[("task_list_id", row.task_list_id)][row.light] += 1
    for (field, value), change in deltas.items():
        moves = {c: F(c) + n for c, n in change.items() if n}
        # A unit can gain one green and lose another in the same sweep. Most rollups exist already, and
        # one UPDATE moves them; the first light of a unit or a list creates its row.
        if moves and not Rollup.objects.filter(**{field: value}).update(**moves):
            # `defaults` passed by name, so that the lookup built from `field` cannot be taken for it
            rollup, _ = Rollup.objects.get_or_create(defaults=None, **{field: value})
            Rollup.objects.filter(pk=rollup.pk).update(**moves)


def _emit_turned_red(tasks: list[Task], rows: dict[int, TaskLight], today: dt.date) -> None:
    """Tell the outbound webhooks over each task's lead unit that its light turned red (notify.outbound),
    in as many queries for a sweep's thousand as for one."""
    hooks = outbound.listening("task.red") if tasks else []
    if not hooks:
        return
    units = Unit.objects.in_bulk({t.lead_unit_id for t in tasks})
    outbound.emit_each(
        "task.red",
        [
            outbound.Event(
                units[task.lead_unit_id],
                {
                    "task": {"id": task.pk, "code": task.code, "title": task.title},
                    "state": rows[task.pk].light,
                    "reason": rows[task.pk].reason,
                    "url": f"/tasks/{task.pk}/",
                },
                key=f"task.red:{task.pk}:{today.isoformat()}",
            )
            for task in tasks
        ],
        hooks=hooks,
    )


def refresh_changed(
    *, task_ids: Iterable[int], written: Sequence[Task] = (), created: bool = False, **_: object
) -> None:
    """Receive `core.events.task_changed`: the changed tasks' lights and rollups follow at once.

    The tasks the sender wrote and handed over are taken as they are, not read back; those it created
    have no reports or lights to read.
    """
    tasks = (
        sorted(written, key=lambda t: t.pk)
        if written
        else Task.objects.filter(pk__in=list(task_ids)).order_by("pk")
    )
    refresh(tasks, today=clock.today(), new=created)


def sweep(*, today: dt.date, batch: int = 500) -> int:
    """Refresh every task through the incremental path (the nightly job: dates alone change lights)."""
    total, last = 0, 0
    while True:
        chunk = list(Task.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            return total
        refresh(chunk, today=today)
        total += len(chunk)
        last = chunk[-1].pk


def rollup_numbers() -> dict[tuple[str, int | None], dict[str, int]]:
    """The stored rollups as plain numbers, for comparing the two paths."""
    out = {}
    for r in Rollup.objects.all():
        key = ("unit", r.unit_id) if r.unit_id else ("list", r.task_list_id)
        counts = r.counts()
        if any(counts.values()):
            out[key] = counts
    return out


@transaction.atomic
def rebuild(*, today: dt.date, batch: int = 2000) -> int:
    """Recompute every task's light and count every rollup from scratch; return how many tasks.

    Tasks the office cancelled get no light and count nowhere, as in `refresh`.
    """
    TaskLight.objects.all().delete()
    Rollup.objects.all().delete()
    counts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    total = 0
    queryset = (
        Task.objects.live()
        .order_by("pk")
        .only(
            "id",
            "start",
            "due",
            "completed_on",
            "indicator_name",
            "baseline",
            "target",
            "direction",
            "lead_unit_id",
            "task_list_id",
        )
    )
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        computed = _compute(chunk, today)
        TaskLight.objects.bulk_create([_row(t, computed[t.pk], today) for t in chunk])
        for t in chunk:
            light = computed[t.pk].light.value
            counts[("unit", t.lead_unit_id)][light] += 1
            counts[("list", t.task_list_id)][light] += 1
        total += len(chunk)
        last = chunk[-1].pk
    Rollup.objects.bulk_create(
        [
            Rollup(
                **({"unit_id": key} if kind == "unit" else {"task_list_id": key}),
                **{c: n[c] for c in LightChoice.values},
            )
            for (kind, key), n in counts.items()
        ]
    )
    return total
