"""A commit right after its dry run reuses the dry run's reading of the file: the same tasks as a commit
alone, and a reading is never served for another mapping, another year or another file."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.audit.services import snapshot
from luoshi.ingest import sheets
from luoshi.plans.models import Task
from luoshi.plans.services import create_task_list
from luoshi.text import sheets_tasks
from luoshi.text.tests import task_sheets


@pytest.fixture
def parses(monkeypatch):
    """How many times a file was parsed (openpyxl's read, through sheets_tasks.grid_of)."""
    sheets._readings_kept.clear()
    calls = []
    real = sheets_tasks.grid_of

    def counted(data, **kw):
        calls.append(kw["name"])
        return real(data, **kw)

    monkeypatch.setattr(sheets_tasks, "grid_of", counted)
    yield calls
    sheets._readings_kept.clear()


def _made(tasks: list[Task]) -> list[tuple]:
    """Each task as stored, field by field, with its co-units and milestones; not what differs by list."""
    out = []
    for task in Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("sort_path"):
        fields = snapshot(task, exclude=["id", "task_list", "created_at", "updated_at"])
        milestones = list(
            task.milestones.order_by("due", "id").values_list("title", "due", "expected_progress")
        )
        out.append((fields, milestones))
    return out


def test_a_commit_after_its_dry_run_makes_the_same_tasks_as_a_commit_alone(city, parses):
    by, data = city.city_supervisor, task_sheets.division_table()
    alone = create_task_list(plan=city.economy.plan, name="单独导入", by=by)
    after_dry_run = create_task_list(plan=city.economy.plan, name="预览后导入", by=by)
    file = sheets.SheetFile(data, "任务.xlsx")
    first = sheets.commit(file, task_list=alone, by=by)
    sheets._readings_kept.clear()
    assert parses == ["任务.xlsx"]
    preview = sheets.dry_run(file, task_list=after_dry_run, by=by)
    second = sheets.commit(file, task_list=after_dry_run, by=by)
    assert parses == ["任务.xlsx", "任务.xlsx"]  # the commit read the dry run's reading
    assert len(second) == len(preview.rows) == 5
    assert _made(second) == _made(first)


def test_a_reading_changed_by_its_caller_is_not_what_the_next_caller_gets(city, parses):
    file = sheets.SheetFile(task_sheets.division_table(), "任务.xlsx")
    preview = sheets.dry_run(file, task_list=city.economy, by=city.city_supervisor)
    preview.rows[0].title = "改过的标题"
    preview.rows[0].co.clear()
    preview.sheets[0].rows.pop()
    again = sheets.dry_run(file, task_list=city.economy, by=city.city_supervisor)
    assert parses == ["任务.xlsx"]
    assert again.rows[0].title != "改过的标题" and again.rows[0].co
    assert len(again.rows) == len(again.sheets[0].rows) == 5


def _ends(year: int) -> list[dt.date]:
    return [dt.date(year, 12, 31), dt.date(year, 3, 31)]


def test_another_mapping_year_name_or_file_is_read_anew(parses):
    data = task_sheets.division_table()
    plain = sheets._readings(data, "任务.xlsx", 2026, {})
    mapped = sheets._readings(data, "任务.xlsx", 2026, {"任务分工": {"C": ""}})
    next_year = sheets._readings(data, "任务.xlsx", 2027, {})
    renamed = sheets._readings(data, "任务2.xlsx", 2026, {})
    assert len(parses) == 4
    # 2026年6月底前 names its year; 6月30日前, 年底前 and 一季度 take the plan's.
    assert [r.due for r in plain[0].rows][:4] == [dt.date(2026, 6, 30), dt.date(2026, 6, 30), *_ends(2026)]
    assert [r.due for r in next_year[0].rows][:4] == [
        dt.date(2026, 6, 30),
        dt.date(2027, 6, 30),
        *_ends(2027),
    ]
    assert [c.role for c in mapped[0].columns] != [c.role for c in plain[0].columns]
    assert renamed[0].rows == plain[0].rows
    # Only the last two are kept: the first, read again, is parsed again; the last is not.
    sheets._readings(data, "任务.xlsx", 2026, {})
    sheets._readings(data, "任务.xlsx", 2026, {})
    assert len(parses) == 5
    sheets._readings(task_sheets.ledger_table(), "任务.xlsx", 2026, {})
    assert len(parses) == 6
