"""The database of an HTTP bench run: made fresh, filled with a city and a cycle of open reports, checked
after the run, and dropped.

SQLite by default (a file in the run's temporary folder); PostgreSQL when LUOSHI_DATABASE_URL names a
server: a database of its own, `luoshi_bench_<pid>_<random>`, created on that server and dropped after.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TINY_COUNTIES = ("青山县", "龙泉县", "白沙县")


@dataclass
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    name: str
    server_url: str = ""  # the database we connected to in order to create (and then drop) this one

    def drop(self) -> None:
        if self.vendor != "postgresql":
            return
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def fresh_database(var: Path) -> Database:
    base = os.environ.get("LUOSHI_DATABASE_URL", "")
    if not base or base.startswith("sqlite"):
        path = var / "bench.sqlite3"
        return Database(url=f"sqlite:///{path}", vendor="sqlite", name=str(path))
    import psycopg

    name = f"luoshi_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    return Database(
        url=urlunsplit(parts._replace(path="/" + name)), vendor="postgresql", name=name, server_url=base
    )


def use(var: Path, db: Database) -> None:
    """Point this process, and the server it starts, at the run's folder and database."""
    os.environ.update(
        LUOSHI_VAR_DIR=str(var),
        LUOSHI_DATABASE_URL=db.url,
        DJANGO_SETTINGS_MODULE="luoshi.settings",
        LUOSHI_ALLOWED_HOSTS="127.0.0.1,localhost",
        LUOSHI_TASKS_PER_PAGE="100",  # the list page: 100 rows (the site's default is 25)
    )


def clean_up(var: Path, db: Database) -> None:
    """Close this process's connections, drop the run's database and remove its folder."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 — Django may not have started
        pass
    db.drop()
    shutil.rmtree(var, ignore_errors=True)


@dataclass
class City:
    """What the load needs from the database: who signs in, and which reports each liaison sends."""

    password: str
    liaisons: dict[str, list[tuple[int, int]]]  # username -> [(report pk, version)], in the order to send
    leaders: list[str]  # city supervisors and leaders, who read the task list and the home page
    floor_report: int
    floor_user: int
    cadence_id: int
    cycle_number: int
    counts: dict[str, int] = field(default_factory=dict)


def populate(*, city: str, tasks: int, progress: bool = True) -> City:
    """Load the demo city (or, `city="tiny"`, three counties, for the test), then add `tasks` tasks led by
    the units that have liaisons and open a weekly cycle that asks each of them for a report."""
    from django.core.management import call_command

    from luoshi.core import clock
    from luoshi.dispatch import services as dispatch
    from luoshi.dispatch.calendar import period_number_on
    from luoshi.dispatch.models import Frequency, Report
    from luoshi.orgs.models import Role, Unit, UnitKind, User
    from luoshi.orgs.passwords import DEMO_PASSWORD
    from luoshi.plans import services as plans
    from luoshi.plans.models import Plan, Task

    if city == "demo":
        out = io.StringIO()
        call_command("demo", stdout=out)
        if progress:
            print("  " + next((line for line in out.getvalue().splitlines() if "loaded" in line), ""))
    else:
        _tiny_city(DEMO_PASSWORD)
    root = Unit.objects.get(kind=UnitKind.CITY, parent=None)
    office = User.objects.filter(role=Role.SUPERVISOR, unit=root, is_active=True).order_by("id").first()
    assert office is not None, "the city has no supervisor"
    today = clock.today()
    plan = Plan.objects.filter(issuer=root, year=today.year).first() or plans.create_plan(
        title=f"{today.year}年基准测试计划", year=today.year, issuer=root, by=office
    )
    task_list = plans.create_task_list(plan=plan, name="基准测试清单", by=office)
    liaisons = list(User.objects.filter(role=Role.LIAISON, is_active=True).order_by("id"))
    units = sorted({u.unit_id for u in liaisons if u.unit_id is not None})
    unit_by_id = Unit.objects.in_bulk(units)
    start, due = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for chunk in _chunks(range(tasks), 2000):
        specs = [
            plans.TaskSpec(
                title=f"基准任务{i}：推进第{i % 97 + 1}批重点项目建设",
                lead_unit=unit_by_id[units[i % len(units)]],
                start=start,
                due=due,
                content="按照时间表、路线图推进，确保按期完成。",
                responsibility_note="责任领导和责任人待下次调度会明确。",
            )
            for i in chunk
        ]
        plans.create_tasks(task_list=task_list, by=office, specs=specs)
    monday = today - dt.timedelta(days=today.weekday())
    cadence = dispatch.create_cadence(
        by=office,
        name="基准周调度",
        frequency=Frequency.WEEKLY,
        anchor=monday,
        due_time=dt.time(17, 0),
        task_list=task_list,
    )
    number = period_number_on(frequency=cadence.frequency, anchor=cadence.anchor, day=today)
    cycle = dispatch.open_cycle(cadence=cadence, number=number, now=clock.now(), by=office)
    # The framework floor adds its rows to one report of the cycle, which no liaison then sends.
    floor_report = Report.objects.filter(cycle=cycle).order_by("id").values_list("id", flat=True)[0]
    queues = assign(liaisons, cycle_id=cycle.pk, skip=floor_report)
    # As an office's database would have them: autovacuum has not yet looked at the rows just loaded.
    from luoshi.core.db import analyze

    analyze()
    leaders = list(
        User.objects.filter(role__in=(Role.LEADER, Role.SUPERVISOR), unit=root, is_active=True)
        .order_by("id")
        .values_list("username", flat=True)
    )
    return City(
        password=DEMO_PASSWORD,
        liaisons=queues,
        leaders=leaders,
        floor_report=floor_report,
        floor_user=office.pk,
        cadence_id=cadence.pk,
        cycle_number=cycle.number,
        counts={
            "tasks": Task.objects.count(),
            "open_reports": sum(len(q) for q in queues.values()),
            "liaisons": len(queues),
            "leaders": len(leaders),
        },
    )


def assign(liaisons: list[Any], *, cycle_id: int, skip: int = 0) -> dict[str, list[tuple[int, int]]]:
    """Each pending report of the cycle to one liaison of its unit, dealt round the unit's liaisons."""
    from luoshi.dispatch.models import Report, ReportState

    by_unit: dict[int, list[str]] = defaultdict(list)
    for person in liaisons:
        by_unit[person.unit_id].append(person.username)
    queues: dict[str, list[tuple[int, int]]] = {name: [] for names in by_unit.values() for name in names}
    reports = Report.objects.filter(cycle_id=cycle_id, state=ReportState.PENDING).order_by("id")
    for i, (pk, unit_id, version) in enumerate(reports.values_list("id", "unit_id", "version")):
        names = by_unit.get(unit_id)
        if names and pk != skip:
            queues[names[i % len(names)]].append((pk, version))
    return {name: q for name, q in queues.items() if q}


def open_next_cycle(city: City) -> dict[str, list[tuple[int, int]]]:
    """Open the bench cadence's next cycle (the soak, when reports run low): its reports by liaison."""
    from django.db import connection

    from luoshi.core import clock
    from luoshi.dispatch import services as dispatch
    from luoshi.dispatch.models import Cadence
    from luoshi.orgs.models import Role, User

    try:
        cadence = Cadence.objects.get(pk=city.cadence_id)
        city.cycle_number += 1
        cycle = dispatch.open_cycle(cadence=cadence, number=city.cycle_number, now=clock.now())
        return assign(list(User.objects.filter(role=Role.LIAISON, is_active=True)), cycle_id=cycle.pk)
    finally:
        connection.close()


@dataclass
class Verdict:
    acknowledged: int
    verified: int
    problems: list[str]


def verify(submits: list[tuple[int, str]], floor_keys: list[str]) -> Verdict:
    """Every acknowledged submit exists exactly once, on its report, with exactly one audit event; every
    acknowledged floor insert exists exactly once."""
    from django.db.models import Count

    from luoshi.audit.models import AuditEvent
    from luoshi.core.actions import Action
    from luoshi.dispatch.models import Report, Submission

    problems: list[str] = []
    by_key: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks([k for _, k in submits], 500):
        for key, report_id in Submission.objects.filter(idempotency_key__in=chunk).values_list(
            "idempotency_key", "report_id"
        ):
            by_key[key].append(report_id)
    pks = [pk for pk, _ in submits]
    if len(set(pks)) != len(pks):
        problems.append("a report was acknowledged twice")
    per_report: dict[int, int] = {}
    audited: dict[str, int] = {}
    sent: set[int] = set()
    actions = (Action.REPORT_SUBMIT, Action.REPORT_SUBMIT_TO_HEAD)
    for chunk in _chunks(pks, 500):
        rows = Submission.objects.filter(report_id__in=chunk).values("report_id").annotate(n=Count("id"))
        per_report.update({r["report_id"]: r["n"] for r in rows})
        events = (
            AuditEvent.objects.filter(
                object_type="dispatch.report", object_id__in=[str(pk) for pk in chunk], action__in=actions
            )
            .values("object_id")
            .annotate(n=Count("id"))
        )
        audited.update({e["object_id"]: e["n"] for e in events})
        sent.update(
            Report.objects.filter(pk__in=chunk).exclude(submitted_at=None).values_list("id", flat=True)
        )
    verified = 0
    for pk, key in submits:
        found = [
            f"submission rows for the key: {by_key.get(key, [])}" if by_key.get(key) != [pk] else "",
            f"{per_report.get(pk, 0)} submissions of the report" if per_report.get(pk) != 1 else "",
            f"{audited.get(str(pk), 0)} audit events" if audited.get(str(pk)) != 1 else "",
            "not marked sent" if pk not in sent else "",
        ]
        wrong = [f for f in found if f]
        if wrong:
            problems.append(f"report {pk} (key {key}): " + "; ".join(wrong))
        else:
            verified += 1
    floor_found = 0
    for chunk in _chunks(floor_keys, 500):
        floor_found += Submission.objects.filter(idempotency_key__in=chunk).count()
    if floor_found != len(floor_keys):
        problems.append(f"framework floor: {len(floor_keys)} inserts acknowledged, {floor_found} found")
    return Verdict(acknowledged=len(submits), verified=verified, problems=problems)


def _tiny_city(password: str) -> None:
    """A city, three counties, a liaison for each and two for the first, a supervisor and a leader."""
    from django.contrib.auth.hashers import make_password

    from luoshi.orgs import services as orgs
    from luoshi.orgs.models import Role, UnitKind

    hashed = make_password(password)
    root = orgs.create_unit(name="青州市", kind=UnitKind.CITY, parent=None, by=None)

    def person(username: str, role: str, unit: Any) -> None:
        orgs.create_user(
            username=username, full_name=username, role=role, unit=unit, by=None, password_hash=hashed
        )

    person("ducha", Role.SUPERVISOR, root)
    person("mayor", Role.LEADER, root)
    for i, name in enumerate(TINY_COUNTIES):
        county = orgs.create_unit(name=name, kind=UnitKind.COUNTY, parent=root, by=None, sort_order=i)
        person(f"county{i}.liaison", Role.LIAISON, county)
        if i == 0:
            person(f"county{i}.liaison2", Role.LIAISON, county)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    seq = list(items)
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
