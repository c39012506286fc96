"""Importing a 10,000-row task list from .xlsx (`python -m bench import`), in-process.

The workbook is laid out as offices keep them (a title row, a two-row header, each key task merged over the
rows of its measures, deadlines as text, one row in ten with 节点安排 naming two milestones), its units named
as the demo city's units are written in documents: in full, by their short forms, and a few in a form only
the fuzzy match finds. Reported: the dry run (read, header, roles, unit matching, checks) and the commit
(the import planned again on the dry run's reading, kept in the process, then every task and milestone
through the plans services, audited, in one transaction, and the audit seal after it), with query counts.
"""

from __future__ import annotations

import io
import os
import time

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
DEADLINES = ("2026年6月底前", "6月30日前", "年底前", "三季度", "9月15日前", "长期坚持")


def workbook(units: list[str], rows: int = ROWS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "任务分工"
    ws.append(["2026年重点工作任务分解和责任分工方案"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "重点任务", "具体举措", "责任单位", None, "完成时限", "节点安排"])
    ws.append([None, None, None, "牵头单位", "配合单位", None, None])
    for col in "ABCFG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    for i in range(rows):
        key = i // 3
        first = i % 3 == 0
        lead, co = units[i % len(units)], units[(i + 7) % len(units)]
        nodes = "3月底前完成方案制定；6月底前完成阶段任务" if i % 10 == 0 else None
        due = "年底前" if nodes else DEADLINES[i % len(DEADLINES)]
        ws.append(
            [
                key + 1 if first else None,
                f"第{key + 1}项重点任务：推进重点领域改革攻坚" if first else None,
                f"具体举措{i + 1}：完善工作机制，建立工作台账，按月调度推进落实",
                lead,
                co if co != lead else None,
                due,
                nodes,
            ]
        )
        if first and i + 2 < rows:
            row = i + 4  # the title and the two header rows above
            ws.merge_cells(f"A{row}:A{row + 2}")
            ws.merge_cells(f"B{row}:B{row + 2}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.demo import loader
    from luoshi.ingest import sheets
    from luoshi.ingest.services import assignable
    from luoshi.orgs.models import User
    from luoshi.plans.models import Plan
    from luoshi.plans.services import create_task_list

    if not User.objects.filter(username="ducha").exists():
        loader.load()
    office = User.objects.get(username="ducha")
    plan = Plan.objects.managed_by(office).order_by("-year", "-id").first()
    assert plan is not None
    names = sorted(u.name for u in assignable(office) if u.parent_id is not None)[:60]
    started = time.perf_counter()
    data = workbook(names)
    built = time.perf_counter() - started
    task_list = create_task_list(plan=plan, name="万行导入基准清单", by=office)
    file = sheets.SheetFile(data, "万行任务分工方案.xlsx")
    with CaptureQueriesContext(connection) as dry_queries:
        start = time.perf_counter()
        preview = sheets.dry_run(file, task_list=task_list, by=office)
        dry = time.perf_counter() - start
    assert not preview.problems, preview.problems[:3]
    with CaptureQueriesContext(connection) as commit_queries:
        start = time.perf_counter()
        tasks = sheets.commit(file, task_list=task_list, by=office)
        took = time.perf_counter() - start
    queries = len(commit_queries)
    assert len(tasks) == ROWS == task_list.tasks.count()
    milestones = preview.milestone_count
    print(
        f"importing a {ROWS}-row task list from .xlsx ({len(data) >> 10} KB, {milestones} milestones), "
        "in-process"
    )
    print(f"  building the workbook (openpyxl, not timed)   {built * 1000:7.1f} ms")
    print(f"  dry run                                      {dry * 1000:7.1f} ms  {len(dry_queries)} queries")
    print(f"  commit (the dry run's reading, then writes)  {took * 1000:7.1f} ms  {queries} queries")
    return {
        "rows": ROWS,
        "milestones": milestones,
        "dry_run_ms": round(dry * 1000, 1),
        "commit_ms": round(took * 1000, 1),
        "dry_run_queries": len(dry_queries),
        "commit_queries": queries,
    }
