"""Load the demo city through the same services the pages use, so the demo is audited like real work."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from luoshi.audit.services import sealing_deferred
from luoshi.core import clock
from luoshi.core.db import analyze
from luoshi.core.events import changes_held
from luoshi.demo import (
    assessment_demo,
    bulletin_demo,
    challenges_demo,
    city,
    history,
    inspection_demo,
    meetings_demo,
    supervision_demo,
)
from luoshi.dispatch.models import Cadence
from luoshi.orgs import services as orgs
from luoshi.orgs.models import Role, Unit, UnitKind, User
from luoshi.orgs.passwords import DEMO_PASSWORD  # printed in the README; luoshi check --deploy refuses it
from luoshi.plans import services as plans
from luoshi.plans.models import Plan, Task, TaskList

DATA = Path(__file__).parent / "data" / "tasks.json"
DATA_YEAR = 2026


class DemoExists(Exception):
    pass


def shift(date_text: str, years: int) -> dt.date:
    """The data is written for 2026; move it to a plan's year so deadlines keep their meaning."""
    d = dt.date.fromisoformat(date_text)
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def load(*, today: dt.date | None = None, progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Create the demo city, its people, its plans and their lists, as they stand on `today` (by default
    the clock's). Refuses if units exist.

    The city and its plans are written in one transaction. The weeks of reports after it are not: they go
    in as the units would have sent them, each submission committing on its own, because submit_report
    is durable and refuses to run inside another transaction. A failure there leaves the city with part
    of its history.

    Its thousands of audit events are sealed at the end, not after each commit (about a fifth of the time).
    """
    now = clock.now() if today is None else _ten_am(today)
    today = today or clock.today()
    with sealing_deferred():
        office, cadences, counts = _city(today=today, progress=progress)
        dispatch = history.load_history(office=office, cadences=cadences, now=now, progress=progress)
        dispatch |= supervision_demo.load(office=office, now=now, progress=progress)
        dispatch |= inspection_demo.load(office=office, now=now, progress=progress)
        dispatch |= challenges_demo.load(office=office, now=now, progress=progress)
        dispatch |= assessment_demo.load(office=office, now=now, progress=progress)
        dispatch |= bulletin_demo.load(office=office, now=now, progress=progress)
        dispatch |= meetings_demo.load(office=office, now=now, progress=progress)
    analyze()  # a freshly loaded city, before anyone opens a page (core.db.analyze)
    return {**counts, **dispatch}


def plan_years(day: dt.date) -> list[int]:
    """The years whose plans the city works on on `day`: its own year's, and last year's while that still
    has work due.

    So in the first half of a year, when this year's plan has nothing due yet, the city is also closing
    last year's: its year-end deadlines have passed, some late, and its cross-year projects run on.
    """
    last_due = max(spec["due"] for spec in _all_specs(_data()))  # ISO dates sort as text
    return [year for year in (day.year - 1, day.year) if shift(last_due, year - DATA_YEAR) >= day]


@transaction.atomic
def _city(*, today: dt.date, progress: Callable[[str], None]) -> tuple[User, list[Cadence], dict[str, int]]:
    """The units, people, plans, lists and reporting rhythms, all or nothing."""
    if Unit.objects.exists():
        raise DemoExists("the database already holds units; the demo loads only into an empty one")
    # Each task's light and rollups follow once, when the plan stands, not after every task, milestone
    # and completion (a fifth of the city's time); no cycle is open yet for a task to join.
    with changes_held():
        return _plans(today=today, progress=progress)


def _plans(*, today: dt.date, progress: Callable[[str], None]) -> tuple[User, list[Cadence], dict[str, int]]:
    data = _data()
    units = _units()
    progress(f"{len(units)} units")
    users = _people(units)
    progress(f"{len(users)} people")
    office = users["ducha"]
    counts: Counter[str] = Counter(units=len(units), people=len(users))
    cadences: list[Cadence] = []
    for year in plan_years(today):
        plan, made = _plan(data, units, users, year=year)
        progress(
            f"{year}: {made['tasks']} tasks, {made['subtasks']} subtasks, {made['milestones']} milestones"
        )
        counts["plans"] += 1
        counts.update(made)
        cadences += history.create_cadences(
            office=office, lists=list(plan.lists.order_by("sort_order")), anchor=_first_monday(year)
        )
    counts["pledges"] = _pledges(data, users, today)
    counts["done"] = _finish_past_work(office, today)
    return office, cadences, dict(counts)


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _first_monday(year: int) -> dt.date:
    day = dt.date(year, 1, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _ten_am(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}

    def add(name: str, kind: str, parent: Unit | None, order: int) -> None:
        units[name] = orgs.create_unit(name=name, kind=kind, parent=parent, by=None, sort_order=order)

    add(city.CITY, UnitKind.CITY, None, 0)
    root = units[city.CITY]
    for i, (county, townships) in enumerate(city.COUNTIES.items()):
        add(county, UnitKind.COUNTY, root, i)
        for j, township in enumerate(townships):
            add(township, UnitKind.TOWNSHIP, units[county], j)
    for kind, names in (
        (UnitKind.DEPARTMENT, city.DEPARTMENTS),
        (UnitKind.PARK, city.PARKS),
        (UnitKind.TASK_FORCE, city.TASK_FORCES),
    ):
        for i, name in enumerate(names):
            add(name, kind, root, i)
    return units


def _people(units: dict[str, Unit]) -> dict[str, User]:
    # One Argon2 hash for all demo people: hashing is slow on purpose (and the deploy check tries each
    # distinct hash once).
    password_hash = make_password(DEMO_PASSWORD)
    users = {}
    for p in city.people():
        users[p.username] = orgs.create_user(
            username=p.username,
            full_name=p.full_name,
            role=p.role,
            unit=units[p.unit] if p.unit else None,
            title=p.title,
            by=None,
            password_hash=password_hash,
        )
    return users


def _head_of(unit: Unit, users: dict[str, User]) -> User | None:
    return users.get(f"{city.slug(unit.name)}.head")


def _task_fields(spec: dict[str, Any], units: dict[str, Unit], years: int) -> dict[str, Any]:
    indicator = spec.get("indicator") or {}
    return {
        "title": spec["title"],
        "content": spec.get("content") or "",
        "measures": spec.get("measures") or "",
        "lead_unit": units[spec["lead_unit"]],
        "co_units": [units[n] for n in spec.get("co_units") or []],
        "start": shift(spec["start"], years),
        "due": shift(spec["due"], years),
        "weight": Decimal(str(spec.get("weight") or 1)),
        "indicator_name": indicator.get("name", ""),
        "indicator_unit": indicator.get("unit", ""),
        "baseline": Decimal(str(indicator["baseline"])) if indicator.get("baseline") is not None else None,
        "target": Decimal(str(indicator["target"])) if indicator.get("target") is not None else None,
        "direction": indicator.get("direction", ""),
        "milestones": [
            plans.MilestoneSpec(m["title"], shift(m["due"], years), int(m["expected_progress"]))
            for m in spec.get("milestones") or []
        ],
    }


def _plan(
    data: dict[str, Any], units: dict[str, Unit], users: dict[str, User], *, year: int
) -> tuple[Plan, dict[str, int]]:
    """The year's plan and its lists, from the data shifted to `year`."""
    years = year - DATA_YEAR
    office = users["ducha"]
    plan = plans.create_plan(
        title=f"{city.CITY}{year}年重点工作实施方案",
        year=year,
        issuer=units[city.CITY],
        by=office,
        summary="坚持“一分部署、九分落实”，将全年重点工作逐项分解为任务清单，明确牵头单位、责任领导、"
        "责任人和完成时限，实行清单化管理、节点化推进、闭环式落实。",
    )
    counts = {"tasks": 0, "subtasks": 0, "milestones": 0}
    for list_spec in data["lists"]:
        task_list = plans.create_task_list(
            plan=plan, name=list_spec["name"], description=list_spec.get("description", ""), by=office
        )
        for spec in list_spec["tasks"]:
            leader = users[city.LEADERS[spec["leader"]][0]]
            task = _task(task_list, spec, units, users, years, by=office, parent=None, leader=leader)
            counts["tasks"] += 1
            for sub in spec.get("subtasks") or []:
                county_office = users.get(f"{city.slug(task.lead_unit.name)}.supervisor", office)
                _task(
                    task_list,
                    sub,
                    units,
                    users,
                    years,
                    by=county_office,
                    parent=task,
                    leader=_head_of(task.lead_unit, users),
                )
                counts["subtasks"] += 1
    counts["milestones"] = sum(len(t.get("milestones") or []) for t in _all_specs(data))
    return plan, counts


def _all_specs(data: dict[str, Any]) -> list[dict[str, Any]]:
    specs = []
    for list_spec in data["lists"]:
        for spec in list_spec["tasks"]:
            specs.append(spec)
            specs.extend(spec.get("subtasks") or [])
    return specs


def _task(
    task_list: TaskList,
    spec: dict[str, Any],
    units: dict[str, Unit],
    users: dict[str, User],
    years: int,
    *,
    by: User,
    parent: Task | None,
    leader: User | None,
) -> Task:
    fields = _task_fields(spec, units, years)
    owner = _head_of(fields["lead_unit"], users)
    # Every demo unit has a head, so the note is cleared; it stands only if someone were missing.
    return plans.create_task(
        task_list=task_list,
        by=by,
        parent=parent,
        leader=leader,
        owner=owner,
        responsibility_note="待指定",
        **fields,
    )


def _pledges(data: dict[str, Any], users: dict[str, User], today: dt.date) -> int:
    """The heads' pledges (承诺书), signed as each task started; a task not yet started has none yet."""
    signed = 0
    by_title = {s["title"]: s for s in _all_specs(data)}
    for task in Task.objects.filter(start__lte=today).select_related("lead_unit").order_by("id"):
        spec = by_title.get(task.title)
        head = _head_of(task.lead_unit, users)
        if spec and spec.get("pledge") and head:
            signed_at = timezone.make_aware(dt.datetime.combine(task.start, dt.time(9, 30)))
            plans.sign_pledge(
                task=task, by=head, commitment=spec["pledge"]["commitment"], signed_at=signed_at
            )
            signed += 1
    return signed


def _finish_past_work(office: User, today: dt.date) -> int:
    """Most work due before today was finished, a few late; the rest stays open and shows as overdue."""
    done = 0
    for i, task in enumerate(Task.objects.filter(due__lt=today).select_related("issuer").order_by("id")):
        if i % 7 == 3:  # about one in seven is still open past its deadline
            continue
        late = i % 5 == 0
        finished = task.due + dt.timedelta(days=9) if late else task.due - dt.timedelta(days=(i % 20) + 2)
        by = _issuer_office(task, office)
        plans.complete_task(task=task, by=by, on=min(max(finished, task.start), today))
        done += 1
    return done


def _issuer_office(task: Task, fallback: User) -> User:
    return User.objects.filter(role=Role.SUPERVISOR, unit=task.issuer).order_by("id").first() or fallback
