"""A province at the scale issue 13 sets for assessment (3,000 units, 200,000 tasks), and the run timed on it.

The generator writes with bulk_create: it is bench data, not a use case, so it skips the services' checks and
audit, but it fills the same fields the services set (a report sent on time is `submitted` with its time and
sender; one sent late is marked late as the cycle's close marks it; one never sent stays `pending`), so
`run_assessment` reads exactly what it would read in production. Every figure is drawn from one seeded
generator: the same sizes give the same province, the same scores and the same digest.

The province: 1 provincial office, 16 cities, 160 counties, 40 provincial departments, 20 parks, and
townships under the counties up to the total; a liaison per unit; three monthly report cycles (April to
June) of every task, a unit's diligence deciding how many of its reports arrive on time, late or never;
tasks due through the year, finished on time, late or not at all; deliveries accepted in June, some after
a rejection; three supervision items per county and department due in June, answered on time or late; two
leaders' marks (评议) per unit; a few bonus and penalty points. The "4+1" system of the demo city
(luoshi/demo/assessment_demo.py) weighs five categories. Runs score May (so June has ranks to move from) and
then June, timed.

`python -m bench province`; BENCH_PROVINCE_UNITS and BENCH_PROVINCE_TASKS shrink or grow it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

UNITS = int(os.environ.get("BENCH_PROVINCE_UNITS", "3000"))
TASKS = int(os.environ.get("BENCH_PROVINCE_TASKS", "200000"))
RUN_TARGET, BULLETIN_TARGET = 10.0, 2.0  # seconds (issue 13's bar)
YEAR = 2026
MONTHS = (4, 5, 6)  # report cycles, one a month
PERIOD = (dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30))
PREVIOUS = (dt.date(YEAR, 5, 1), dt.date(YEAR, 5, 31))
D = Decimal

# (category, weights of the demo's leaves in order: tasks, deliveries, reports, items, rectifications, rating)
WEIGHTS = {
    "other": (25, 15, 20, 10, 10, 20),  # the cities
    "county": (25, 15, 20, 10, 10, 20),
    "department": (30, 10, 20, 15, 5, 20),
    "park": (25, 15, 20, 10, 10, 20),
    "township": (35, 5, 30, 5, 5, 20),
}


@dataclass
class Province:
    root: Any
    office: Any
    system: Any
    units: int
    tasks: int
    reports: int
    deliveries: int
    items: int
    seconds: float
    run: Any = None  # the June run, once timed


def generate(units: int = UNITS, tasks: int = TASKS, seed: int = 13) -> Province:
    """Write the province; return what was written and how long it took."""
    from django.db import transaction

    from luoshi.core.db import analyze
    from luoshi.orgs.models import Role, User

    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        root, office, everyone = _units(units, rng)
        liaisons = _liaisons(everyone)
        leaders = [
            User.objects.create(username=f"province.leader{n}", role=Role.LEADER, unit=root, password="!")
            for n in (1, 2)
        ]
        diligence = {u.pk: rng.uniform(0.55, 0.99) for u in everyone}
        made = _tasks_and_reports(root, leaders[0], everyone, liaisons, diligence, tasks, rng)
        items = _items(root, office, everyone, liaisons, diligence, rng)
        system = _system(root, office, leaders, everyone, rng)
    analyze()  # PostgreSQL's planner statistics, as after any bulk load (luoshi demo --scale does the same)
    return Province(
        root,
        office,
        system,
        len(everyone),
        tasks,
        made["reports"],
        made["deliveries"],
        items,
        time.perf_counter() - started,
    )


def _units(total: int, rng: random.Random) -> tuple[Any, Any, list[Any]]:
    from luoshi.orgs.models import PATH_STEP, Role, Unit, User

    root = Unit.objects.create(name="江南省", kind="city", path="~province~")
    root.path = f"{root.pk:0{PATH_STEP}d}."
    root.save(update_fields=["path"])
    office = User.objects.create(
        username="province.office", full_name="省督查室", role=Role.SUPERVISOR, unit=root
    )

    def below(parents: list[Any], names: list[tuple[str, str, str]]) -> list[Any]:
        """Units (name, kind, category) under their parents in turn, paths set once their ids are known."""
        made = Unit.objects.bulk_create(
            Unit(
                name=name,
                kind=kind,
                category=category,
                parent=parents[n % len(parents)],
                depth=parents[n % len(parents)].depth + 1,
                path=f"~{parents[0].pk}~{n}~",
                sort_order=n,
            )
            for n, (name, kind, category) in enumerate(names)
        )
        for u in made:
            u.path = f"{u.parent.path}{u.pk:0{PATH_STEP}d}."
        Unit.objects.bulk_update(made, ["path"], batch_size=1000)
        return made

    cities = below([root], [(f"第{n + 1}市", "city", "other") for n in range(16)])
    counties = below(cities, [(f"第{n + 1}县", "county", "county") for n in range(160)])
    departments = below([root], [(f"省第{n + 1}厅", "department", "department") for n in range(40)])
    parks = below(cities, [(f"第{n + 1}开发区", "park", "park") for n in range(20)])
    rest = max(0, total - 1 - len(cities) - len(counties) - len(departments) - len(parks))
    towns = below(counties, [(f"第{n + 1}镇", "township", "township") for n in range(rest)])
    return root, office, [*cities, *counties, *departments, *parks, *towns]


def _liaisons(units: list[Any]) -> dict[int, Any]:
    from luoshi.orgs.models import Role, User

    made = User.objects.bulk_create(
        (
            User(username=f"p{u.pk}", full_name=f"{u.name}联络员", role=Role.LIAISON, unit=u, password="!")
            for u in units
        ),
        batch_size=1000,
    )
    return {u.unit_id: u for u in made}


def _insert(model: Any, varying: tuple[str, ...], rows: list[tuple[Any, ...]], **constant: Any) -> None:
    """Insert rows of `model` in bulk (luoshi.demo.bulk.write: executemany on SQLite, COPY on PostgreSQL):
    `varying` are the fields each row gives, its id first; every other field holds what the ORM would
    write for a row made with `constant`, defaults included. Through bulk_create, preparing each value
    took most of the generation time at 800,000 rows."""
    from luoshi.demo import bulk

    template = model(**constant)
    fixed = {
        f.attname: f.pre_save(template, add=True)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in varying
    }
    values = tuple(fixed.values())
    bulk.write(model, [*varying, *fixed], ((*row, *values) for row in rows))
    bulk.reset_sequences(model)


def _tasks_and_reports(
    root: Any,
    leader: Any,
    units: list[Any],
    liaisons: dict[int, Any],
    diligence: dict[int, float],
    total: int,
    rng: random.Random,
) -> dict[str, int]:
    from luoshi.core import clock
    from luoshi.demo import bulk
    from luoshi.dispatch.models import Cadence, Cycle, Report, ReportState
    from luoshi.plans.models import Delivery, Plan, Task, TaskList

    accepted, sent_late, unsent = (
        ReportState.ACCEPTED.value,
        ReportState.SUBMITTED.value,
        ReportState.PENDING.value,
    )
    plan = Plan.objects.create(title=f"{YEAR}年全省重点工作", year=YEAR, issuer=root)
    task_list = TaskList.objects.create(plan=plan, name="重点任务清单")
    cadence = Cadence.objects.create(
        task_list=task_list,
        name="月调度",
        frequency="monthly",
        anchor=dt.date(YEAR, 1, 1),
        due_time=dt.time(17),
    )
    cycles = []
    for n, month in enumerate(MONTHS, start=1):
        start = dt.date(YEAR, month, 1)
        end = dt.date(YEAR, month + 1, 1) - dt.timedelta(days=1)
        due_at = clock.at_local(end, dt.time(17))
        cycles.append(
            Cycle.objects.create(
                cadence=cadence,
                number=n,
                period_start=start,
                period_end=end,
                due_at=due_at,
                state=Cycle.State.CLOSED,
                opened_at=clock.at_local(start, dt.time(9)),
                late_marked_at=due_at,
            )
        )
    as_of = clock.at_local(PERIOD[1] + dt.timedelta(days=5), dt.time(10))
    first_task = bulk.next_id(Task)
    made = []  # (id, unit, progress, completed on)
    for i in range(total):
        unit = units[i % len(units)]
        due = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        done = None
        if due < as_of.date():
            luck = rng.random()
            if luck < diligence[unit.pk]:
                done = due - dt.timedelta(days=rng.randrange(10))
            elif luck < diligence[unit.pk] + (1 - diligence[unit.pk]) / 2:
                done = min(due + dt.timedelta(days=1 + rng.randrange(20)), as_of.date())
        made.append((first_task + i, unit.pk, 100 if done else rng.randrange(0, 95, 5), done, due))
    _insert(
        Task,
        ("id", "code", "sort_path", "title", "lead_unit_id", "owner_id", "due", "progress", "completed_on"),
        [
            (pk, f"T{n}", f"{n:07d}", f"重点任务{n}", unit, liaisons[unit].pk, due, progress, done)
            for n, (pk, unit, progress, done, due) in enumerate(made, start=1)
        ],
        task_list=task_list, issuer=root, leader=leader, start=dt.date(YEAR, 1, 1),
    )  # fmt: skip
    reports = []
    for pk, unit_id, progress, _done, _due in made:
        sender, will = liaisons[unit_id].pk, diligence[unit_id]
        for cycle in cycles:
            luck = rng.random()
            if luck < will:  # on time, a few hours to days before the deadline
                at, state, late = cycle.due_at - dt.timedelta(hours=1 + rng.randrange(120)), accepted, False
            elif luck < will + (1 - will) / 2:  # late
                at, state, late = cycle.due_at + dt.timedelta(hours=1 + rng.randrange(96)), sent_late, True
            else:  # never sent: the cycle's close marked it late
                at, state, late = None, unsent, True
            sent = at is not None
            reports.append((pk, cycle.pk, unit_id, cycle.due_at, state, progress if sent else None, late, at,
                            sender if sent else None, "按计划推进" if sent else ""))  # fmt: skip
    first_report = bulk.next_id(Report)
    _insert(
        Report,
        ("id", "task_id", "cycle_id", "unit_id", "due_at", "state", "percent", "is_late", "submitted_at",
         "submitted_by_id", "progress"),
        [(first_report + n, *row) for n, row in enumerate(reports)],
    )  # fmt: skip
    deliveries = []
    for pk, unit_id, _progress, done, _due in made:
        if done is None or not PERIOD[0] <= done <= PERIOD[1]:
            continue
        sender = liaisons[unit_id]
        declared = clock.at_local(done, dt.time(10))
        if rng.random() > diligence[unit_id]:  # sent back once first
            deliveries.append(
                Delivery(
                    task_id=pk,
                    statement="已完成",
                    by=sender,
                    at=declared - dt.timedelta(days=3),
                    state=Delivery.State.REJECTED,
                    decided_by=leader,
                    decided_at=declared - dt.timedelta(days=2),
                    reason="佐证材料不全",
                )
            )
        deliveries.append(
            Delivery(
                task_id=pk,
                statement="已完成",
                by=sender,
                at=declared,
                state=Delivery.State.ACCEPTED,
                decided_by=leader,
                decided_at=declared + dt.timedelta(days=1),
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    return {"reports": len(reports), "deliveries": len(deliveries)}


def _items(
    root: Any,
    office: Any,
    units: list[Any],
    liaisons: dict[int, Any],
    diligence: dict[int, float],
    rng: random.Random,
) -> int:
    from luoshi.core import clock
    from luoshi.supervision.models import Feedback, Source, State, SupervisionItem

    leads = [u for u in units if u.category in ("county", "department", "other")]
    items = []
    for n in range(3 * len(leads)):
        unit = leads[n % len(leads)]
        due = PERIOD[0] + dt.timedelta(days=rng.randrange(30))
        items.append(
            SupervisionItem(
                issuer=root,
                year=YEAR,
                number=n + 1,
                title=f"督办事项{n + 1}",
                content="按期办结并反馈。",
                source=Source.MEETING,
                lead_unit=unit,
                due=due,
                state=State.CLOSED,
                created_by=office,
                closed_by=office,
                closed_at=clock.at_local(PERIOD[1], dt.time(18)),
            )
        )
    made = SupervisionItem.objects.bulk_create(items, batch_size=1000)
    answers = []
    for item in made:
        late = rng.random() > diligence[item.lead_unit_id]
        sent = clock.at_local(
            item.due + dt.timedelta(days=rng.randrange(1, 6) if late else -rng.randrange(5)), dt.time(15)
        )
        answers.append(
            Feedback(
                item=item,
                statement="已办结",
                by=liaisons[item.lead_unit_id],
                at=sent,
                outcome=Feedback.Outcome.ACCEPTED,
                decided_by=office,
                decided_at=sent + dt.timedelta(hours=2),
            )
        )
    Feedback.objects.bulk_create(answers, batch_size=1000)
    return len(made)


def _system(root: Any, office: Any, raters: list[Any], units: list[Any], rng: random.Random) -> Any:
    """The demo's "4+1" system through the services (a few dozen writes), the leaders' marks and a few
    points in bulk."""
    from luoshi.assessment import services
    from luoshi.assessment.models import Award, Metric, Rating
    from luoshi.demo.assessment_demo import SYSTEM

    system = services.create_system(owner=root, year=YEAR, name="全省高质量发展综合考核", by=office)
    position = 0
    for group, _weight, leaves in SYSTEM:
        at = position
        weights = {c: D(sum(w[at : at + len(leaves)])) for c, w in WEIGHTS.items()}
        parent = services.add_indicator(system=system, name=group, by=office, weights=weights)
        for name, metric, _points in leaves:
            services.add_indicator(
                system=system,
                name=name,
                metric=metric,
                parent=parent,
                by=office,
                weights={c: D(w[position]) for c, w in WEIGHTS.items()},
            )
            position += 1
    rating = system.indicators.get(metric=Metric.RATING)
    Rating.objects.bulk_create(
        (
            Rating(
                indicator=rating,
                unit=u,
                rater=r,
                mark=D(70 + rng.randrange(30)),
                on=PERIOD[1] - dt.timedelta(days=2),
            )
            for u in units
            for r in raters
        ),
        batch_size=2000,
    )
    Award.objects.bulk_create(
        Award(
            system=system,
            unit=u,
            points=D(rng.choice((-3, -1, 1, 2, 4))),
            reason="专项工作加减分",
            on=PERIOD[1] - dt.timedelta(days=n % 40),
            by=office,
        )
        for n, u in enumerate(rng.sample(units, min(60, len(units))))
    )
    return system


def bench_run(p: Province) -> dict[str, Any]:
    """Time the June run (the May run before it, so ranks move), its rescore, and the comparison."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.assessment import services, trace
    from luoshi.assessment.models import Run
    from luoshi.core import clock

    def run(period: tuple[dt.date, dt.date]) -> tuple[Any, float, int]:
        now = clock.at_local(period[1] + dt.timedelta(days=5), dt.time(10))
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            done = services.run_assessment(
                system=p.system, period_start=period[0], period_end=period[1], by=p.office, now=now
            )
            took = time.perf_counter() - t0
        return done, took, len(queries.captured_queries)

    may, may_s, _ = run(PREVIOUS)
    june, june_s, june_queries = run(PERIOD)
    p.run = june
    t0 = time.perf_counter()
    stored = Run.objects.get(pk=june.pk)  # read back: the snapshot as the database returns it
    again = services.digest_of(services.rescore(stored))
    rescore_s = time.perf_counter() - t0
    assert again == june.digest, "a rescore from the stored snapshot must reproduce the run byte for byte"
    t0 = time.perf_counter()
    moves = trace.comparison(Run.objects.get(pk=may.pk), stored)
    compare_s = time.perf_counter() - t0
    rows = sum(len(f.get("rows", [])) for u in june.snapshot["units"] for f in u["facts"].values())
    moved = sum(1 for units in moves.values() for u in units if u.moved_by)
    return {
        "may": may_s,
        "june": june_s,
        "queries": june_queries,
        "rescore": rescore_s,
        "compare": compare_s,
        "results": june.results.count(),
        "rows": rows,
        "moved": moved,
        "digest": june.digest,
    }


def bench_bulletin(p: Province) -> str:
    """Time the bulletin of the June run for the province (created, generated) and its .docx."""
    from luoshi.bulletins import services as bulletins
    from luoshi.bulletins.export import docx_bytes

    t0 = time.perf_counter()
    bulletin = bulletins.create_bulletin(
        by=p.office, scope=p.root, title="全省重点工作推进情况通报", number="省督查〔2026〕6号",
        period_start=PERIOD[0], period_end=PERIOD[1], run=p.run,
    )  # fmt: skip
    bulletin = bulletins.generate(bulletin)  # at once, unless creating it already generated it
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = docx_bytes(bulletin)
    docx = time.perf_counter() - t0
    verdict = "within" if docx < BULLETIN_TARGET else "OVER"
    return (
        f"bulletin made in {generated:.2f} s; .docx ({len(data) // 1024} KB) in {docx:.2f} s, "
        f"{verdict} the {BULLETIN_TARGET:.0f} s target"
    )


def run() -> None:
    from django.db import connection

    print(f"\nprovince scale: {UNITS} units, {TASKS} tasks ({connection.vendor})")
    p = generate()
    print(
        f"  generated in {p.seconds:.1f} s: {p.units} units, {p.tasks} tasks, {p.reports} reports, "
        f"{p.deliveries} deliveries, {p.items} supervision items"
    )
    r = bench_run(p)
    verdict = "within" if r["june"] < RUN_TARGET else "OVER"
    print(
        f"  run_assessment (June, {r['results']} units, {r['rows']} rows counted): {r['june']:.2f} s, "
        f"{r['queries']} queries, {verdict} the {RUN_TARGET:.0f} s target (May's run: {r['may']:.2f} s)"
    )
    print(f"  rescore from the stored snapshot: {r['rescore']:.2f} s, digest identical ({r['digest'][:12]}…)")
    print(f"  comparison May → June: {r['compare']:.2f} s, {r['moved']} units moved")
    print(f"  {bench_bulletin(p)}")
