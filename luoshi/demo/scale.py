"""Demo data at the sizes of DESIGN §7, written in bulk: `luoshi demo --scale county|city|province`.

A unit tree with its categories, people in every unit, a year's plan in lists of tasks, a weekly cadence
per list, and a year of cycles whose reports are in every state a year leaves behind: accepted, awaiting
review, sent late, never sent. It is written the way a migration of old data would be, not through the
services one row at a time: rows go in large batches (the reports by executemany on SQLite and COPY on
PostgreSQL, the rest by bulk_create) with their ids chosen up front, in one transaction. The lights are
then computed by the real incremental refresh, batch by batch, so they are what the rules say.

Audit: units, people, the plan, its lists, cadences and tasks get one event each, as the bulk services
record them (record_many); the reports get one event per cycle, the cycle's `cycle.open` event with the
number of reports in each state, as `open_cycle` records the pending reports it creates in bulk.
Not generated: submissions (the idempotency rows of each submit), returned reports, milestones (expected
progress is linear), subtasks, pledges and notices. `--force` adds a scale beside other data (the demo
city, say), not the same scale twice: its usernames and root unit would clash.

Deterministic for a seed: the same seed on the same day writes the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record, record_many, sealing_deferred, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.db import analyze
from luoshi.demo import bulk, city, history, loader
from luoshi.dispatch import calendar, status
from luoshi.dispatch.models import Cadence, Cycle, Report, ReportState
from luoshi.orgs.models import PATH_STEP, Role, Unit, UnitCategory, UnitKind, User
from luoshi.orgs.passwords import DEMO_PASSWORD
from luoshi.plans.models import Plan, Task, TaskList

SEED = 2026
TASKS_PER_LIST = 5000  # a list's codes sort by a four-digit path
GRACE_MINUTES = 60
EXTRA_CYCLES = 2  # cycles beyond reports/tasks, so some tasks start late or finish early


@dataclass(frozen=True)
class Scale:
    name: str
    root: str
    units: int
    people: int
    tasks: int
    reports: int
    departments: int
    parks: int
    counties: int  # 0: the townships hang from the root (a county's own tree)


SCALES = {
    "tiny": Scale("tiny", "小溪县", 12, 60, 40, 400, 3, 1, 2),
    "county": Scale("county", "青河县", 60, 300, 2_000, 100_000, 25, 2, 0),
    "city": Scale("city", "临川市", 300, 3_000, 20_000, 1_000_000, 30, 4, 12),
    "province": Scale("province", "江南省", 3_000, 30_000, 200_000, 10_000_000, 60, 10, 120),
}


class NotEmpty(Exception):
    pass


# ---------------------------------------------------------------------------------------------- the tree


TOWN_SUFFIXES = ("镇", "镇", "乡", "街道")
NAME_CHARS = "安平和兴宁丰泰华盛永康福寿清河龙凤山水云溪桃李柳松石金银玉新东西南北长乐明光德胜青白红阳"


def _place_names(rng: random.Random, count: int, suffixes: Sequence[str], taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(NAME_CHARS) + rng.choice(NAME_CHARS) + rng.choice(suffixes)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _department_names(count: int) -> list[str]:
    base = [name.removeprefix("市") for name in city.DEPARTMENTS]
    return [
        base[i % len(base)] + (f"第{i // len(base) + 1}分局" if i >= len(base) else "") for i in range(count)
    ]


@dataclass
class Tree:
    root: Unit
    units: list[Unit]  # all but the root: the units that lead tasks
    counties: list[Unit]


def _units(scale: Scale, rng: random.Random) -> Tree:
    first = bulk.next_id(Unit)
    ids = iter(range(first, first + scale.units))
    made: list[Unit] = []

    def add(name: str, kind: str, parent: Unit | None, order: int) -> Unit:
        pk = next(ids)
        unit = Unit(
            pk=pk,
            name=name,
            kind=kind,
            category=_category(kind),
            parent=parent,
            path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}.",
            depth=parent.depth + 1 if parent else 0,
            sort_order=order,
        )
        made.append(unit)
        return unit

    root_kind = UnitKind.COUNTY if scale.counties == 0 and scale.name != "tiny" else UnitKind.CITY
    root = add(scale.root, root_kind, None, 0)
    prefix = scale.root[-1]
    for i, name in enumerate(_department_names(scale.departments)):
        add(prefix + name, UnitKind.DEPARTMENT, root, i)
    for i in range(scale.parks):
        add(f"{scale.root}{'高新技术产业开发区' if i == 0 else f'第{i + 1}产业园'}", UnitKind.PARK, root, i)
    taken: set[str] = set()
    counties = [
        add(name, UnitKind.COUNTY, root, i)
        for i, name in enumerate(_place_names(rng, scale.counties, ("县", "区", "市"), taken))
    ]
    towns = scale.units - len(made)
    parents = counties or [root]
    for i, name in enumerate(_place_names(rng, towns, TOWN_SUFFIXES, taken)):
        add(name, UnitKind.TOWNSHIP, parents[i % len(parents)], i // len(parents))
    Unit.objects.bulk_create(made, batch_size=2000)
    record_many(actor=None, action=Action.UNIT_CREATE, written=[(u, snapshot(u)) for u in made])
    return Tree(root=root, units=made[1:], counties=counties)


def _category(kind: str) -> str:
    return {
        UnitKind.COUNTY: UnitCategory.COUNTY,
        UnitKind.DEPARTMENT: UnitCategory.DEPARTMENT,
        UnitKind.PARK: UnitCategory.PARK,
        UnitKind.TOWNSHIP: UnitCategory.TOWNSHIP,
    }.get(UnitKind(kind), "")


# --------------------------------------------------------------------------------------------- the people


@dataclass
class People:
    admin: User
    leaders: list[User]
    supervisors: list[User]  # the root's office
    heads: dict[int, User]  # unit id -> its head
    liaisons: dict[int, list[User]]  # unit id -> its liaisons


def _people(scale: Scale, tree: Tree, rng: random.Random) -> People:
    names = city.NameMaker(rng.randrange(1 << 30))
    password = make_password(DEMO_PASSWORD)
    first = bulk.next_id(User)
    made: list[User] = []
    p = scale.name

    def add(username: str, role: str, unit: Unit | None, title: str) -> User:
        user = User(
            pk=first + len(made),
            username=username,
            full_name=names(),
            role=role,
            unit=unit,
            title=title,
            password=password,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            date_joined=clock.now(),
        )
        made.append(user)
        return user

    admin = add(f"{p}.admin", Role.ADMIN, None, "信息中心工程师")
    office = [
        add(f"{p}.supervisor{i + 1}", Role.SUPERVISOR, tree.root, f"{tree.root.name}督查室干部")
        for i in range(max(2, scale.units // 300))
    ]
    leaders = [
        add(f"{p}.leader{i + 1}", Role.LEADER, tree.root, "主要领导" if i == 0 else "分管领导")
        for i in range(max(3, round(math.log2(scale.units) * 1.2)))
    ]
    for county in tree.counties:
        add(f"{p}.u{county.pk}.supervisor", Role.SUPERVISOR, county, f"{county.name}督查室主任")
    heads = {u.pk: add(f"{p}.u{u.pk}.head", Role.UNIT_HEAD, u, "主要负责同志") for u in tree.units}
    liaisons = {u.pk: [add(f"{p}.u{u.pk}.liaison1", Role.LIAISON, u, "联络员")] for u in tree.units}
    while len(made) < scale.people:
        unit = rng.choice(tree.units)
        n = len(liaisons[unit.pk]) + 1
        liaisons[unit.pk].append(add(f"{p}.u{unit.pk}.liaison{n}", Role.LIAISON, unit, "联络员"))
    if len(made) > scale.people:
        raise ValueError(f"{scale.name}: {len(made)} people are needed for {scale.units} units")
    User.objects.bulk_create(made, batch_size=2000)
    hidden = ["password", "last_login", "groups", "user_permissions"]
    record_many(
        actor=None,
        action=Action.USER_CREATE,
        written=[(u, snapshot(u, exclude=hidden) | {"groups": [], "user_permissions": []}) for u in made],
    )
    return People(admin=admin, leaders=leaders, supervisors=office, heads=heads, liaisons=liaisons)


# ---------------------------------------------------------------------------------------------- the year


@dataclass(frozen=True)
class CycleInfo:
    cycle: Cycle
    due_at: dt.datetime
    opened_at: dt.datetime
    start: dt.date
    end: dt.date


def _cycles(cadence: Cadence, count: int, now: dt.datetime, first_id: int) -> list[CycleInfo]:
    tz = timezone.get_current_timezone()
    close_before = now - dt.timedelta(days=7)
    out = []
    for number in range(1, count + 1):
        p = calendar.period(
            frequency=cadence.frequency, anchor=cadence.anchor, number=number, due_weekday=cadence.due_weekday
        )
        due_at = dt.datetime.combine(p.due, cadence.due_time, tzinfo=tz)
        opened_at = min(dt.datetime.combine(p.start, dt.time(8, 30), tzinfo=tz), now)
        cycle = Cycle(
            pk=first_id + number - 1,
            cadence=cadence,
            number=number,
            period_start=p.start,
            period_end=p.end,
            due_at=due_at,
            opened_at=opened_at,
            state=Cycle.State.CLOSED if due_at < close_before else Cycle.State.OPEN,
        )
        out.append(CycleInfo(cycle, due_at, opened_at, p.start, p.end))
    return out


@dataclass
class TaskPlan:
    """What is decided about a task before its reports are written: its dates and its temperament."""

    task: Task
    first: int  # the first and last cycle (1-based) asking it for a report
    last: int
    kind: str
    liaisons: list[User]
    prefix: str
    next_step: str
    percent: int = 0
    accepted: int = 0


def _spans(rng: random.Random, tasks: int, cycles: int, reports: int) -> list[int]:
    """How many cycles short of the whole year each task is (starting late or finishing early), so that the
    reports add up to exactly `reports`."""
    short = [0] * tasks
    missing = cycles * tasks - reports
    order = list(range(tasks))
    rng.shuffle(order)
    while missing > 0:
        for t in order:
            room = cycles - 1 - short[t]
            if missing <= 0:
                break
            if room <= 0:
                continue
            step = min(missing, room, rng.randint(1, max(1, min(cycles - 1, 30))))
            short[t] += step
            missing -= step
    return short


def _tasks(
    scale: Scale, tree: Tree, people: People, rng: random.Random, today: dt.date, now: dt.datetime
) -> tuple[list[TaskPlan], list[TaskList], list[list[CycleInfo]]]:
    """The plan, its lists and cadences, the cycles, and the tasks (unsaved) with their spans."""
    office = people.supervisors[0]
    count = math.ceil(scale.reports / scale.tasks) + EXTRA_CYCLES
    monday = today - dt.timedelta(days=today.weekday())
    anchor = monday - dt.timedelta(weeks=count - 1)
    plan = Plan.objects.create(
        title=f"{tree.root.name}{today.year}年重点工作任务清单（生成数据）",
        year=today.year,
        issuer=tree.root,
        summary="按年度重点工作清单化管理、节点化推进、闭环式落实。",
    )
    record(actor=office, action=Action.PLAN_CREATE, obj=plan, after=snapshot(plan))
    themes = [lst["name"] for lst in loader._data()["lists"]]
    n_lists = math.ceil(scale.tasks / TASKS_PER_LIST)
    lists = TaskList.objects.bulk_create(
        [
            TaskList(plan=plan, name=f"{themes[i % len(themes)]}（{i + 1}）", sort_order=i)
            for i in range(n_lists)
        ]
    )
    record_many(actor=office, action=Action.TASK_LIST_CREATE, written=[(t, snapshot(t)) for t in lists])
    cadences = []
    for task_list in lists:
        cadence = Cadence.objects.create(
            task_list=task_list,
            name="一周一调度",
            frequency="weekly",
            anchor=anchor,
            due_weekday=4,
            due_time=dt.time(17, 0),
            grace_minutes=GRACE_MINUTES,
        )
        cadences.append(cadence)
    record_many(actor=office, action=Action.CADENCE_CREATE, written=[(c, snapshot(c)) for c in cadences])
    first_cycle = bulk.next_id(Cycle)
    cycles = [_cycles(c, count, now, first_cycle + i * count) for i, c in enumerate(cadences)]
    Cycle.objects.bulk_create([ci.cycle for per in cycles for ci in per], batch_size=2000)

    specs = loader._all_specs(loader._data())
    short = _spans(rng, scale.tasks, count, scale.reports)
    first_id = bulk.next_id(Task)
    plans: list[TaskPlan] = []
    year = cycles[0]
    for i in range(scale.tasks):
        spec = specs[i % len(specs)]
        unit = tree.units[rng.randrange(len(tree.units))]
        list_index = i // TASKS_PER_LIST
        number = i % TASKS_PER_LIST + 1
        first, last = 1, count
        start = anchor - dt.timedelta(days=rng.randint(0, 60))
        completed: dt.date | None = None
        roll = rng.random()
        due = today + dt.timedelta(days=rng.randint(20, 400)) if roll < 0.95 else None
        if short[i] and rng.random() < 0.5:
            first = 1 + short[i]
            start = year[first - 1].start + dt.timedelta(days=rng.randint(0, 4))
        elif short[i]:
            last = count - short[i]
            period = year[last - 1]
            completed = period.start + dt.timedelta(days=rng.randint(0, 6))
            late = rng.random() < 0.2
            due = completed - dt.timedelta(days=rng.randint(1, 20)) if late else None
            due = max(due, start) if due else completed + dt.timedelta(days=rng.randint(0, 90))
        if due is None:  # due in the past and still open: overdue
            due = today - dt.timedelta(days=rng.randint(1, 60))
        due = max(due, start)
        indicator = rng.random()
        fields: dict[str, Any] = {}
        if indicator < 0.2:
            fields = {
                "indicator_name": "完成投资",
                "indicator_unit": "亿元",
                "baseline": Decimal(0),
                "target": Decimal(rng.randint(2, 80)),
                "direction": "higher",
            }
        elif indicator < 0.25:
            fields = {
                "indicator_name": "审批时限",
                "indicator_unit": "个工作日",
                "baseline": Decimal(20),
                "target": Decimal(rng.randint(3, 10)),
                "direction": "lower",
            }
        task = Task(
            pk=first_id + i,
            task_list=lists[list_index],
            code=str(number),
            sort_path=f"{number:04d}",
            title=f"{spec['title']}（{unit.name}）"[:200],
            content=spec.get("content") or "",
            measures=spec.get("measures") or "",
            issuer=tree.root,
            lead_unit=unit,
            leader=people.leaders[list_index % len(people.leaders)],
            owner=people.heads[unit.pk],
            start=start,
            due=due,
            completed_on=completed,
            **fields,
        )
        kind_roll = rng.random()
        kind = (
            "steady"
            if kind_roll < 0.70
            else "lagging"
            if kind_roll < 0.85
            else "stalled"
            if kind_roll < 0.93
            else "silent"
        )
        measure = (task.measures.splitlines() or [task.title])[0].split(".", 1)[-1].strip(" 。")[:30]
        plans.append(
            TaskPlan(
                task=task,
                first=first,
                last=last,
                kind=kind,
                liaisons=people.liaisons[unit.pk],
                prefix=f"围绕“{measure}”持续推进，本期完成计划任务，累计完成进度",
                next_step=f"下一步将加强调度，倒排工期推进{measure}。",
            )
        )
    return plans, lists, cycles


REPORT_FIELDS = [
    "id",
    "task_id",
    "cycle_id",
    "unit_id",
    "due_at",
    "state",
    "percent",
    "indicator_value",
    "progress",
    "problems",
    "next_steps",
    "coordination",
    "is_late",
    "reminded_at",
    "quality_flags",
    "submitted_at",
    "submitted_by_id",
    "reviewed_at",
    "reviewed_by_id",
    "review_comment",
    "version",
    "updated_at",
]
COORDINATION = ["", "", "", "请市发展改革委协调项目前期手续办理。", "请市财政局加快专项资金拨付。"]
CENT = Decimal("0.01")


def _reports(
    plans: list[TaskPlan],
    info: CycleInfo,
    *,
    last_due: int,
    rng: random.Random,
    now: dt.datetime,
    reviewer: User,
    first_id: int,
    states: Counter[str],
    bar: bulk.Bar,
) -> Iterator[tuple[Any, ...]]:
    """The rows of one cycle's reports; `states` counts them by state and lateness.

    `last_due` is the number of the cadence's latest cycle whose reports are due.
    """
    grace = dt.timedelta(minutes=GRACE_MINUTES)
    pk = first_id
    problems = history.PROBLEMS
    number = info.cycle.number
    due_at, cycle_id = info.due_at, info.cycle.pk
    is_due = due_at + grace < now
    due_day = clock.local(due_at).date().toordinal()
    review_by = due_at + dt.timedelta(days=2)
    sent_window = (now - dt.timedelta(minutes=5) - info.opened_at).total_seconds()
    n = 0
    for tp in plans:
        if not tp.first <= number <= tp.last:
            continue
        task = tp.task
        n += 1
        r = rng.random()
        writer = tp.liaisons[0].pk
        state, late, percent, value = ReportState.PENDING, False, None, None
        submitted = reviewed = None
        reviewed_by = None
        texts = ("", "", "", "")
        start = task.start.toordinal()
        span = max(1, task.due.toordinal() - start)
        expected = min(100.0, max(0.0, (due_day - start) * 100 / span))
        if is_due:
            missing = (tp.kind == "silent" and number > last_due - 3) or r < 0.03
            if missing:
                late = True
            else:
                late = r < 0.13
                if late:
                    submitted = due_at + dt.timedelta(hours=2 + rng.random() * 38)
                else:
                    submitted = due_at - dt.timedelta(hours=2 + rng.random() * 58)
                submitted = min(
                    max(submitted, info.opened_at + dt.timedelta(hours=1)), now - dt.timedelta(minutes=5)
                )
                state = ReportState.SUBMITTED
                reviewed = submitted + dt.timedelta(hours=3 + rng.random() * 37)
                waits = number == last_due and r > 0.6
                if reviewed < now and reviewed < review_by + dt.timedelta(days=1) and not waits:
                    state, reviewed_by = ReportState.ACCEPTED, reviewer.pk
                else:
                    reviewed = None
        elif r < 0.35 and sent_window > 3600:
            state = ReportState.SUBMITTED if r < 0.25 else ReportState.DRAFT
            if state == ReportState.SUBMITTED:
                submitted = info.opened_at + dt.timedelta(seconds=3600 + rng.random() * (sent_window - 3600))
        if state != ReportState.PENDING:
            if number == tp.last and task.completed_on is not None:
                percent = 100
            else:
                offset = {"steady": rng.uniform(-7, 4), "lagging": -rng.uniform(12, 22)}.get(
                    tp.kind, -rng.uniform(28, 40)
                )
                percent = max(tp.percent, min(99, max(0, round(expected + offset))))
            tp.percent = percent
            if task.target is not None and task.baseline is not None:
                value = (task.baseline + (task.target - task.baseline) * percent / 100).quantize(CENT)
            texts = (
                f"{tp.prefix}{percent}%。",
                problems[pk % len(problems)],
                tp.next_step,
                COORDINATION[pk % len(COORDINATION)],
            )
            if state == ReportState.ACCEPTED:
                tp.accepted = percent
        states[state] += 1
        states["late"] += late
        yield (
            pk,
            task.pk,
            cycle_id,
            task.lead_unit_id,
            due_at,
            state,
            percent,
            value,
            *texts,
            late,
            None,
            [],
            submitted,
            writer if submitted else None,
            reviewed,
            reviewed_by,
            "",
            {ReportState.PENDING: 1, ReportState.DRAFT: 2, ReportState.SUBMITTED: 3}.get(state, 4),
            reviewed or submitted or info.opened_at,
        )
        pk += 1
    bar.advance(n)


# ----------------------------------------------------------------------------------------------- running


def generate(
    scale: Scale, *, seed: int = SEED, force: bool = False, out: IO[str] | None = sys.stdout
) -> dict[str, Any]:
    """Write the scale's data into the database and refresh its lights; return counts and timings.

    Refuses (NotEmpty) when the database holds units or tasks, unless `force`.
    """
    if not force and (Unit.objects.exists() or Task.objects.exists()):
        raise NotEmpty(_("The database already holds units or tasks; use an empty one or --force."))
    rng = random.Random(f"{seed}-{scale.name}")
    now, today = clock.now(), clock.today()
    timings: dict[str, float] = {}
    began = time.monotonic()
    with sealing_deferred():
        with transaction.atomic():
            tree = _units(scale, rng)
            people = _people(scale, tree, rng)
            timings["units and people"] = time.monotonic() - began
            plans, lists, cycles = _tasks(scale, tree, people, rng, today, now)
            timings["tasks planned"] = time.monotonic() - began
            bar = bulk.Bar(_("Reports"), scale.reports, out)
            next_report = bulk.next_id(Report)
            written = 0
            per_list = [plans[i : i + TASKS_PER_LIST] for i in range(0, len(plans), TASKS_PER_LIST)]
            totals: Counter[str] = Counter()
            for group, per_cycle in zip(per_list, cycles, strict=True):
                grace = dt.timedelta(minutes=GRACE_MINUTES)
                last_due = max((c.cycle.number for c in per_cycle if c.due_at + grace < now), default=0)
                for info in per_cycle:
                    states: Counter[str] = Counter()
                    rows = _reports(
                        group,
                        info,
                        last_due=last_due,
                        rng=rng,
                        now=now,
                        reviewer=people.supervisors[0],
                        first_id=next_report + written,
                        states=states,
                        bar=bar,
                    )
                    written += bulk.write(Report, REPORT_FIELDS, rows)
                    record(
                        actor=None,
                        action=Action.CYCLE_OPEN,
                        obj=info.cycle,
                        after={**snapshot(info.cycle), "reports": sum(states.values()) - states["late"]}
                        | {"states": dict(sorted(states.items()))},
                    )
                    totals.update(states)
            timings["reports"] = bar.finish()
            tasks = [tp.task for tp in plans]
            for tp in plans:
                tp.task.progress = tp.accepted
            Task.objects.bulk_create(tasks, batch_size=2000)
            through = Task.co_units.through
            co = []
            for task in tasks:
                if rng.random() < 0.3:
                    for unit in {rng.choice(tree.units) for _ in range(rng.randint(1, 2))} - {task.lead_unit}:
                        co.append((task.pk, unit.pk))
            through.objects.bulk_create(
                [through(task_id=t, unit_id=u) for t, u in sorted(co)], batch_size=5000
            )
            co_of: dict[int, list[int]] = {}
            for t, u in sorted(co):
                co_of.setdefault(t, []).append(u)
            for i in range(0, len(tasks), 20_000):
                chunk = tasks[i : i + 20_000]
                record_many(
                    actor=people.supervisors[0],
                    action=Action.TASK_CREATE,
                    written=[
                        (t, snapshot(t, exclude=["co_units"]) | {"co_units": co_of.get(t.pk, [])})
                        for t in chunk
                    ],
                )
            bulk.reset_sequences(Unit, User, Task, Cycle, Report)
            timings["written"] = time.monotonic() - began
        analyze()  # the planner's statistics, before the lights query what was just written
        lights = bulk.Bar(_("Lights"), len(tasks), out)
        for i in range(0, len(tasks), 2000):
            with transaction.atomic():
                status.refresh(
                    Task.objects.filter(pk__in=[t.pk for t in tasks[i : i + 2000]]).order_by("pk"),
                    today=today,
                )
            lights.advance(len(tasks[i : i + 2000]))
        timings["lights"] = lights.finish()
        analyze()
        sealing = time.monotonic()
    timings["audit sealed"] = time.monotonic() - sealing
    timings["total"] = time.monotonic() - began
    return {
        "units": scale.units,
        "people": scale.people,
        "lists": len(lists),
        "tasks": len(tasks),
        "cycles": sum(len(c) for c in cycles),
        "reports": written,
        "states": dict(totals),
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "root": tree.root.pk,
        "leader": people.leaders[0].username,
    }
