"""What every test talks about: a small city, the people in it, `make_*` helpers and the clock.

临江市 (city) ├ 青山县 (county) ├ 青山镇, 龙泉镇 (townships)
           ├ 白沙县 (county)
           └ 市发展改革委 (department)

Personas, named by what they are: city_supervisor (市委市政府督查室), county_supervisor (青山县's office),
county_liaison and county_head (青山县), township_liaison (青山镇), other_township_liaison (龙泉镇),
outsider (白沙县's liaison: outside everything of 青山县), department_liaison (市发展改革委), leader (市长),
admin. Each one's username is its persona name.

The fixtures are in `luoshi.testing.fixtures`, loaded by the root conftest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core import clock

PASSWORD = "correct-horse-9"
# The instant every test starts at unless it sets another: a Wednesday in term time, 10:00 in Shanghai.
DEFAULT_NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class Clock:
    """The test's hand on `luoshi.core.clock`: it stands still until the test moves it."""

    def __init__(self, at: dt.datetime) -> None:
        self.set(at)

    def set(self, at: dt.datetime | dt.date) -> dt.datetime:
        """Stop at `at`; a bare date means 10:00 local time that day."""
        if not isinstance(at, dt.datetime):
            at = clock.at_local(at, dt.time(10))
        clock.set_now(at)
        return at

    def advance(self, **delta: float) -> dt.datetime:
        return self.set(clock.now() + dt.timedelta(**delta))

    def now(self) -> dt.datetime:
        return clock.now()

    def today(self) -> dt.date:
        return clock.today()


@dataclass
class City:
    city: Any
    qingshan: Any
    qingshan_town: Any
    longquan_town: Any
    baisha: Any
    fgw: Any
    city_supervisor: Any
    county_supervisor: Any
    county_liaison: Any
    county_head: Any
    township_liaison: Any
    other_township_liaison: Any
    outsider: Any
    department_liaison: Any
    leader: Any
    admin: Any
    plan: Any
    economy: Any


def sqlite_pass_only(why: str) -> pytest.MarkDecorator:
    """Skip in `make test`'s PostgreSQL pass a test that would do there exactly what it did in the SQLite
    pass, or whose subject is not the database: `why` says which, and what covers PostgreSQL instead."""
    return pytest.mark.skipif(connection.vendor != "sqlite", reason=f"run in the SQLite pass only: {why}")


def make_unit(name: str, kind: str, parent: Any = None) -> Any:
    from luoshi.orgs.services import create_unit

    return create_unit(name=name, kind=kind, parent=parent, by=None)


def make_user(username: str, role: str, unit: Any, password: str = PASSWORD) -> Any:
    from luoshi.orgs.services import create_user

    return create_user(
        username=username, full_name=username, role=role, unit=unit, by=None, password=password
    )


def make_task(
    city: City,
    *,
    by: Any = None,
    lead_unit: Any = None,
    parent: Any = None,
    task_list: Any = None,
    **kwargs: Any,
) -> Any:
    """A task of the economy list led by 青山县, running through the clock's year unless told otherwise.

    Without both a leader and an owner it says why (the rule of plans.services.create_task).
    """
    from luoshi.plans.services import create_task

    year = clock.today().year
    fields = {
        "title": "推进重点项目建设",
        "start": dt.date(year, 1, 1),
        "due": dt.date(year, 12, 31),
        "responsibility_note": "待指定",
        **kwargs,
    }
    return create_task(
        task_list=parent.task_list if parent else (task_list or city.economy),
        by=by or city.city_supervisor,
        lead_unit=lead_unit or city.qingshan,
        parent=parent,
        **fields,
    )


def make_weekly_cadence(city: City, **changes: Any) -> Any:
    """一周一调度 of the economy list: weeks from Monday 2026-01-05, due Friday 17:00.

    Week 46 runs from Monday 2026-11-16 to Sunday 11-22 and is due on Friday 11-20 at 17:00.
    """
    from luoshi.dispatch.services import create_cadence

    fields = {
        "name": "一周一调度",
        "frequency": "weekly",
        "anchor": dt.date(2026, 1, 5),
        "due_time": dt.time(17, 0),
        **changes,
    }
    return create_cadence(by=city.city_supervisor, task_list=city.economy, **fields)


def build_city() -> City:
    from luoshi.plans.services import create_plan, create_task_list

    root = make_unit("临江市", "city")
    qingshan = make_unit("青山县", "county", root)
    qingshan_town = make_unit("青山镇", "township", qingshan)
    longquan_town = make_unit("龙泉镇", "township", qingshan)
    baisha = make_unit("白沙县", "county", root)
    fgw = make_unit("市发展改革委", "department", root)
    city_supervisor = make_user("city_supervisor", "supervisor", root)
    year = clock.today().year
    plan = create_plan(title=f"临江市{year}年重点工作实施方案", year=year, issuer=root, by=city_supervisor)
    economy = create_task_list(plan=plan, name="经济发展挑大梁任务清单", by=city_supervisor)
    return City(
        city=root,
        qingshan=qingshan,
        qingshan_town=qingshan_town,
        longquan_town=longquan_town,
        baisha=baisha,
        fgw=fgw,
        city_supervisor=city_supervisor,
        county_supervisor=make_user("county_supervisor", "supervisor", qingshan),
        county_liaison=make_user("county_liaison", "liaison", qingshan),
        county_head=make_user("county_head", "unit_head", qingshan),
        township_liaison=make_user("township_liaison", "liaison", qingshan_town),
        other_township_liaison=make_user("other_township_liaison", "liaison", longquan_town),
        outsider=make_user("outsider", "liaison", baisha),
        department_liaison=make_user("department_liaison", "liaison", fgw),
        leader=make_user("leader", "leader", root),
        admin=make_user("admin", "admin", None),
        plan=plan,
        economy=economy,
    )


def footprint(tables: Sequence[str]) -> tuple[int, ...]:
    """A mark of what the open transaction has done to the tables: it changes when one of their rows is
    inserted or deleted, and on PostgreSQL when one is updated as well.

    On PostgreSQL, the rows the transaction inserted, updated and deleted in each table, its rolled-back
    savepoints included: counters that only grow while it is open, read in 0.4 ms for Luoshi's tables where
    counting their rows took 2.6 to 4.5 ms (the permission matrix and the hostile forms ask thousands of
    times). On SQLite, each table's number of rows: counting them there takes about 0.4 ms.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_row_counts_sql(tuple(tables)))
            return tuple(cursor.fetchone())
    # Outside a transaction each statement is one, and the counters would stand at nought before and after.
    assert connection.in_atomic_block, "footprint() on PostgreSQL counts a transaction's writes: open one"
    with connection.cursor() as cursor:
        if not getattr(connection, "_footprint_counts", False):
            cursor.execute("SHOW track_counts")
            assert cursor.fetchone()[0] == "on", "PostgreSQL counts no writes (track_counts is off)"
            connection._footprint_counts = True  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_inserted(t) + pg_stat_get_xact_tuples_updated(t)"
            " + pg_stat_get_xact_tuples_deleted(t) FROM unnest(%s::regclass[]) WITH ORDINALITY AS u(t, i)"
            " ORDER BY i",
            [list(tables)],
        )
        return tuple(row[0] for row in cursor.fetchall())


@cache
def _row_counts_sql(tables: tuple[str, ...]) -> str:
    """The one query that counts each table's rows, written once per list of tables: the permission matrix
    and the hostile forms ask thousands of times, and quoting some 130 names anew took 2% of their walk."""
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    return f"SELECT {counts}"


def count_queries(client: Any, url: str, **params: Any) -> int:
    """How many queries one GET of the page runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
