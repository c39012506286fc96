"""Creating the list from the Sichuan work report's draft (`python -m bench create`), in-process.

The draft keeps 555 of its items; those the unit matching left without a lead unit are given one, as an
office would in review. Reported: the time `create_list_from_draft` takes to create every kept item as a
task in one transaction (validated, audited, lights refreshed), and its query count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.ingest_review import SICHUAN


def run() -> dict:
    from django.db import connection

    from luoshi.demo import loader
    from luoshi.ingest.models import DraftItem
    from luoshi.ingest.services import Assignment, create_draft, create_list_from_draft, update_items
    from luoshi.orgs.models import Unit, User
    from luoshi.plans.models import Plan

    if not User.objects.filter(username="ducha").exists():
        loader.load()
    office = User.objects.get(username="ducha")
    plan = Plan.objects.managed_by(office).order_by("-year", "-id").first()
    draft = create_draft(
        plan=plan, by=office, source_name="四川报告.txt", raw_text=SICHUAN.read_text(encoding="utf-8")
    )
    kept = draft.rows.filter(state=DraftItem.State.KEPT)
    unplaced = list(kept.filter(lead_unit__isnull=True).values_list("pk", flat=True))
    if unplaced:
        lead = Unit.objects.get(name="青山县")
        update_items(draft=draft, by=office, ids=unplaced, change=Assignment(lead_unit=lead))
    items = kept.count()
    queries = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        [task_list] = create_list_from_draft(draft=draft, by=office, list_name="四川报告任务清单")
        took = time.perf_counter() - start
    tasks = task_list.tasks.count()
    assert tasks == items, (tasks, items)
    print(f"creating the list from the Sichuan report's draft ({items} kept items), in-process")
    print(f"  create_list_from_draft                       {took * 1000:7.1f} ms  {queries} queries")
    return {"items": items, "create_ms": round(took * 1000, 1), "queries": queries}
