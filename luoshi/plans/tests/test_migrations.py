"""The migration that brought in the rule of naming a task's people keeps every task saved before it valid."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from luoshi.plans.models import Task

BEFORE = [("plans", "0004_stamps_from_the_clock")]


@pytest.mark.django_db(transaction=True)
def test_tasks_saved_before_the_rule_say_their_people_are_to_be_named():
    executor = MigrationExecutor(connection)
    # Every other app as it is now, plans just before the rule; an app whose migrations need a later plans
    # migration (supervision, challenges) is taken out for the while, and comes back with the rest.
    graph = executor.loader.graph
    kept = {node for target in BEFORE for node in graph.forwards_plan(target)}
    before = [
        node
        if not any(n[0] == "plans" and n not in kept for n in graph.forwards_plan(node))
        else (node[0], None)
        for node in graph.leaf_nodes()
        if node[0] != "plans"
    ] + BEFORE
    executor.migrate(before)
    old = executor.loader.project_state([node for node in before if node[1] is not None]).apps
    unit = old.get_model("orgs", "Unit").objects.create(name="临江市", kind="city", path="0001")
    person = old.get_model("orgs", "User").objects.create(username="mayor", role="leader", unit=unit)
    task_list = old.get_model("plans", "TaskList").objects.create(
        plan=old.get_model("plans", "Plan").objects.create(title="方案", year=2026, issuer=unit), name="清单"
    )
    year = {"start": dt.date(2026, 1, 1), "due": dt.date(2026, 12, 31), "issuer": unit, "lead_unit": unit}
    tasks = old.get_model("plans", "Task").objects
    tasks.create(task_list=task_list, code="1", sort_path="0001", title="无人负责", **year)
    tasks.create(task_list=task_list, code="2", sort_path="0002", title="只有领导", leader=person, **year)
    tasks.create(
        task_list=task_list, code="3", sort_path="0003", title="都已明确", leader=person, owner=person, **year
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    notes = dict(Task.objects.values_list("title", "responsibility_note"))
    assert notes == {"无人负责": "待指定", "只有领导": "待指定", "都已明确": ""}
