"""Creating the lists of a reviewed draft: every kept item at once, in bulk, or nothing, and a refused item
named by its number in the draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.dispatch.models import TaskLight
from luoshi.ingest import services
from luoshi.ingest.models import DraftItem
from luoshi.plans.models import Task
from luoshi.testing import make_task

SICHUAN = (
    Path(__file__).resolve().parents[2] / "text" / "tests" / "corpus" / "reports" / "gwr2026_sichuan.txt"
)
PLAN = (
    "临江市2026年重点工作方案\n"
    "一、稳增长\n"
    "（一）扩大有效投资。加快推进青山县工业园区标准化厂房建设，6月底前完成主体工程。\n"
    "（二）促进消费。组织开展促消费活动，年底前完成。\n"
    "二、保民生\n"
    "落实就业优先政策，年底前完成。建立健全养老服务体系，按月调度。\n"
)


def reviewed(city, text=PLAN, name="方案.txt"):
    """A draft whose kept items all have 青山县 to lead them and no co-units, and the kept rows."""
    draft = services.create_draft(plan=city.plan, by=city.city_supervisor, source_name=name, raw_text=text)
    kept = list(draft.rows.filter(state=DraftItem.State.KEPT).order_by("pk"))
    services.update_items(
        draft=draft,
        by=city.city_supervisor,
        ids=[r.pk for r in kept],
        change=services.Assignment(lead_unit=city.qingshan, co_units=[]),
    )
    return draft, kept


def test_a_refused_item_in_the_middle_is_named_by_its_number_and_nothing_is_written(city):
    draft, kept = reviewed(city)
    assert len(kept) >= 4
    by = city.city_supervisor
    # Items alternate between two lists, so the refused one is not the second list's own third item.
    services.update_items(
        draft=draft, by=by, ids=[r.pk for r in kept[1::2]], change=services.Assignment(list_name="民生清单")
    )
    kept[2].co_units.add(city.qingshan)  # the lead unit cannot also be a co-unit
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err, translation.override("en"):
        services.create_list_from_draft(draft=draft, by=by, list_name="重点工作清单")
    assert err.value.messages == ["Item 3: The lead unit cannot also be a co-unit."]
    assert not Task.objects.exists() and not TaskLight.objects.exists()
    assert not city.plan.lists.filter(name__in=["重点工作清单", "民生清单"]).exists()
    assert AuditEvent.objects.count() == events


def test_each_list_numbers_its_items_in_the_documents_order_and_the_trail_verifies(city):
    draft, kept = reviewed(city)
    by = city.city_supervisor
    services.update_items(
        draft=draft, by=by, ids=[r.pk for r in kept[1::2]], change=services.Assignment(list_name="民生清单")
    )
    first, second = services.create_list_from_draft(draft=draft, by=by, list_name="重点工作清单")
    assert (first.name, second.name) == ("重点工作清单", "民生清单")
    for task_list, rows in ((first, kept[0::2]), (second, kept[1::2])):
        tasks = list(task_list.tasks.order_by("sort_path"))
        assert [t.code for t in tasks] == [str(n) for n in range(1, len(rows) + 1)]
        assert [t.content for t in tasks] == [r.text for r in rows]
    tasks = Task.objects.all()
    assert TaskLight.objects.filter(task__in=tasks).count() == len(kept)
    created = AuditEvent.objects.filter(action="task.create")
    assert sorted(int(e.object_id) for e in created) == sorted(t.pk for t in tasks)
    assert all(e.subject_id == e.object_id for e in created)
    assert seal_all() >= 1
    result = verify()
    assert result.ok, result.problems


def _creating(city, text, name):
    draft, kept = reviewed(city, text, name)
    with CaptureQueriesContext(connection) as ctx:
        services.create_list_from_draft(draft=draft, by=city.city_supervisor, list_name=name)
    assert Task.objects.filter(task_list__name=name).count() == len(kept)
    return len(kept), [re.sub(r"'[^']*'|\d+", "N", q["sql"])[:80] for q in ctx.captured_queries]


def test_creating_the_sichuan_reports_list_runs_the_same_statements_as_a_short_plans(city):
    make_task(city)  # 青山县's rollup exists: both lists only move it
    few, short = _creating(city, PLAN, "方案")
    many, sichuan = _creating(city, SICHUAN.read_text(encoding="utf-8"), "四川报告")
    assert many > 500 > few
    # Only the INSERTs, which the database takes in batches, come more often.
    assert [q for q in sichuan if not q.startswith("INSERT")] == [
        q for q in short if not q.startswith("INSERT")
    ]
    assert sum(q.startswith("INSERT") for q in sichuan) < many / 10
