"""create_tasks: many top-level tasks at once, as create_task makes them one by one, or none at all."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.dispatch.models import Rollup, TaskLight
from luoshi.orgs.models import User
from luoshi.plans import services
from luoshi.plans.models import Task
from luoshi.plans.services import SpecError, TaskSpec
from luoshi.testing import make_task, make_unit

YEAR = 2026
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
# What differs between two lists' copies of the same task by construction: its row and its list.
OWN = {"id", "task_list_id"}


def fresh(user):
    """The user as a page would load them: their unit not at hand."""
    return User.objects.get(pk=user.pk)


def varied_specs(city):
    """Specs that exercise every rule create_task applies to the fields it is given."""
    return [
        TaskSpec(
            title="  推进重点项目建设  ",
            lead_unit=city.qingshan,
            start=START,
            due=END,
            responsibility_note="待指定",
        ),
        TaskSpec(
            title="优化营商环境",
            content="  实行一周一调度。 ",
            measures=" 清单化推进 ",
            lead_unit=city.fgw,
            co_units=(city.qingshan, city.baisha, city.qingshan),  # a repeat is stored once
            leader=fresh(city.county_head),
            owner=fresh(city.county_liaison),
            responsibility_note="一个理由，人已点名便不再适用",
            start=dt.date(YEAR, 3, 1),
            due=dt.date(YEAR, 6, 30),
            weight=Decimal("2.5"),
        ),
        TaskSpec(
            title="新增城镇就业",
            lead_unit=city.qingshan_town,
            start=START,
            due=END,
            indicator_name=" 新增城镇就业人数 ",
            indicator_unit="万人",
            baseline=Decimal("4"),
            target=Decimal("5"),
            direction="higher",
            leader=fresh(city.county_head),
            responsibility_note="责任人待定",
        ),
        TaskSpec(
            title="方向只随指标",
            lead_unit=city.baisha,
            start=dt.date(YEAR, 12, 1),  # not begun on the clock's day
            due=END,
            direction="higher",
            responsibility_note="待指定",
        ),
    ]


def as_made(task):
    """A task's stored fields and co-units, its light and its creation event, less what is its own."""
    event = AuditEvent.objects.get(action="task.create", object_id=str(task.pk))
    light = TaskLight.objects.filter(task=task).values("light", "expected", "actual", "reason", "unit").get()
    fields = {f.attname: getattr(task, f.attname) for f in Task._meta.concrete_fields}
    return {
        "fields": {k: v for k, v in fields.items() if k not in OWN},
        "co_units": sorted(task.co_units.values_list("pk", flat=True)),
        "light": light,
        "event": {
            "actor": event.actor_id,
            "repr": event.object_repr,
            "subject": (event.subject_type, event.subject_id == str(task.pk)),
            "before": event.before,
            "after": {k: v for k, v in event.after.items() if k not in OWN},
        },
    }


def test_the_bulk_path_makes_the_same_tasks_lights_and_events_as_one_by_one(city):
    one_by_one = services.create_task_list(plan=city.plan, name="逐条", by=city.city_supervisor)
    in_bulk = services.create_task_list(plan=city.plan, name="成批", by=city.city_supervisor)
    for task_list in (one_by_one, in_bulk):  # numbering goes on from the tasks already there
        make_task(city, task_list=task_list, title="已有任务")
    specs = varied_specs(city)
    for spec in specs:
        make_task(city, task_list=one_by_one, **{k: getattr(spec, k) for k in spec.__dataclass_fields__})
    made = services.create_tasks(task_list=in_bulk, by=city.city_supervisor, specs=specs)

    assert [t.code for t in made] == ["2", "3", "4", "5"]
    expected = [as_made(t) for t in one_by_one.tasks.order_by("sort_path")]
    assert [as_made(t) for t in in_bulk.tasks.order_by("sort_path")] == expected
    assert [e["fields"]["sort_path"] for e in expected] == ["0001", "0002", "0003", "0004", "0005"]
    assert expected[2]["co_units"] == sorted([city.qingshan.pk, city.baisha.pk])
    assert expected[2]["fields"]["responsibility_note"] == ""  # both people named
    assert expected[4]["fields"]["direction"] == ""  # no indicator, no direction
    assert len({e["light"]["light"] for e in expected}) > 1, expected
    assert Rollup.objects.get(task_list=in_bulk).counts() == Rollup.objects.get(task_list=one_by_one).counts()


def test_the_bulk_events_seal_and_verify(city):
    services.create_tasks(task_list=city.economy, by=city.city_supervisor, specs=varied_specs(city))
    assert seal_all() >= 1
    result = verify()
    assert result.ok, result.problems
    assert result.events == AuditEvent.objects.count()


def test_a_bad_spec_in_the_middle_writes_nothing_and_says_which(city):
    events = AuditEvent.objects.count()
    specs = varied_specs(city)
    specs[2] = TaskSpec(
        title="倒排工期", lead_unit=city.qingshan, start=END, due=START, responsibility_note="待指定"
    )
    with pytest.raises(SpecError) as err, translation.override("en"):
        services.create_tasks(task_list=city.economy, by=city.city_supervisor, specs=specs)
    assert err.value.index == 2
    assert err.value.message_dict == {"due": ["The deadline cannot be before the start."]}
    assert not Task.objects.exists() and not TaskLight.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_task_must_name_its_people_or_say_why_not(city):
    specs = [TaskSpec(title="无人负责", lead_unit=city.qingshan, start=START, due=END)]
    with pytest.raises(SpecError) as err:
        services.create_tasks(task_list=city.economy, by=city.city_supervisor, specs=specs)
    assert set(err.value.message_dict) == {"leader", "owner"}


def test_units_and_people_outside_the_scope_are_refused(city):
    elsewhere = make_unit("远方市", "city")
    stranger = User.objects.create(username="stranger", role="liaison", unit=elsewhere)
    good = TaskSpec(
        title="本市任务", lead_unit=city.qingshan, start=START, due=END, responsibility_note="待指定"
    )
    cases = [
        (
            TaskSpec(
                title="外市牵头", lead_unit=elsewhere, start=START, due=END, responsibility_note="待指定"
            ),
            "lead_unit",
        ),
        (
            TaskSpec(
                title="外市配合",
                lead_unit=city.qingshan,
                co_units=(city.fgw, elsewhere),
                start=START,
                due=END,
                responsibility_note="待指定",
            ),
            "co_units",
        ),
        (
            TaskSpec(
                title="外市的人",
                lead_unit=city.qingshan,
                owner=fresh(stranger),
                start=START,
                due=END,
                responsibility_note="待指定",
            ),
            "owner",
        ),
    ]
    for bad, field in cases:
        with pytest.raises(SpecError) as err:
            services.create_tasks(task_list=city.economy, by=city.city_supervisor, specs=[good, bad])
        assert (err.value.index, list(err.value.message_dict)) == (1, [field])
    assert not Task.objects.exists()


def test_only_the_office_of_the_plan_creates_tasks_in_its_lists(city):
    spec = TaskSpec(
        title="县里越权", lead_unit=city.qingshan, start=START, due=END, responsibility_note="待指定"
    )
    with pytest.raises(PermissionDenied):
        services.create_tasks(task_list=city.economy, by=city.county_supervisor, specs=[spec])
    assert not Task.objects.exists()


def _queries(city, n):
    task_list = services.create_task_list(plan=city.plan, name=f"{n}条", by=city.city_supervisor)
    make_task(city, task_list=task_list, title="已有任务")  # its list's and its unit's rollups exist
    specs = [
        TaskSpec(
            title=f"任务{i}",
            lead_unit=city.qingshan,
            co_units=(city.fgw, city.baisha),
            leader=fresh(city.county_head),
            owner=fresh(city.county_liaison),
            start=START,
            due=END,
            indicator_name="指标" if i % 2 else "",
            target=Decimal(i),
            direction="higher",
        )
        for i in range(n)
    ]
    with CaptureQueriesContext(connection) as ctx:
        made = services.create_tasks(task_list=task_list, by=city.city_supervisor, specs=specs)
    assert len(made) == n and task_list.tasks.count() == n + 1
    return [q["sql"] for q in ctx.captured_queries]


def _shapes(queries):
    """The statements other than INSERTs, without their numbers (ids, savepoint names)."""
    return [re.sub(r"\d+", "N", q)[:80] for q in queries if not q.startswith("INSERT")]


def test_the_queries_do_not_grow_with_the_number_of_tasks(city):
    few, many = _queries(city, 10), _queries(city, 100)
    # The same statements for ten tasks as for a hundred, but the INSERTs, which the database takes in
    # batches (SQLite's batches are small: a bound on the parameters of one statement).
    inserts = [q for q in many if q.startswith("INSERT")]
    assert _shapes(few) == _shapes(many)
    # One by one, each task takes at least three: its row, its co-units and its event.
    assert len(inserts) < 100 / 5
