"""Importing a task list from a spreadsheet: the dry run names every problem by sheet, row and column and
writes nothing; the commit creates every task and milestone through the plans services, audited, or
nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook

from luoshi.audit.models import AuditEvent
from luoshi.ingest import sheets
from luoshi.plans.models import Milestone, Task
from luoshi.text.tests import task_sheets


def _counts():
    return Task.objects.count(), Milestone.objects.count(), AuditEvent.objects.count()


def _run(city, data, name="任务.xlsx", **kw):
    return sheets.dry_run(sheets.SheetFile(data, name, **kw), task_list=city.economy, by=city.city_supervisor)


def _commit(city, data, name="任务.xlsx", **kw):
    return sheets.commit(sheets.SheetFile(data, name, **kw), task_list=city.economy, by=city.city_supervisor)


def test_a_division_table_is_matched_and_committed_with_its_units(city):
    data = task_sheets.division_table()
    before = _counts()
    preview = _run(city, data)
    assert _counts() == before  # the dry run writes nothing
    # 市发展改革委 by its alias (with or without 市), and by a close name written in full.
    how = {name: (m.unit_id, m.how) for name, m in preview.matches.items()}
    assert how == {
        "市发改委": (city.fgw.pk, "alias"),
        "发改委": (city.fgw.pk, "alias"),
        "市发展和改革委员会": (city.fgw.pk, "fuzzy"),
        "青山县": (city.qingshan.pk, "name"),
        "白沙县": (city.baisha.pk, "name"),
    }
    assert preview.problems == [] and preview.unmatched == []
    assert [(n.row, n.column) for n in preview.notes] == [(8, "F 完成时限")]
    tasks = _commit(city, data)
    assert len(tasks) == 5
    first = Task.objects.get(pk=tasks[0].pk)
    assert first.lead_unit == city.fgw
    assert set(first.co_units.all()) == {city.qingshan, city.baisha}
    assert first.due == dt.date(2026, 6, 30) and first.start == dt.date(2026, 1, 1)
    assert first.content.startswith("深化“一网通办”改革")
    assert [t.due for t in Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk")] == [
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 30),
        dt.date(2026, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 12, 31),  # 长期坚持: the year's end, and said so in the dry run
    ]
    event = AuditEvent.objects.get(action="ingest.sheet_import")
    assert event.after["tasks"] == [t.pk for t in tasks] and event.after["file"] == "任务.xlsx"
    assert AuditEvent.objects.filter(action="task.create").count() >= 5


def test_a_projects_table_gets_its_monthly_milestones_with_rising_progress(city):
    tasks = _commit(city, task_sheets.projects_table(), name="重点项目.xlsx")
    plant, sewage = tasks
    milestones = list(plant.milestones.order_by("due").values_list("title", "due", "expected_progress"))
    assert milestones == [
        ("完成立项", dt.date(2026, 3, 31), 33),
        ("开工建设", dt.date(2026, 6, 30), 67),
        ("主体完工", dt.date(2026, 12, 31), 100),
    ]
    assert sewage.milestones.count() == 2 and sewage.due == dt.date(2026, 9, 30)
    assert "王副市长" in Task.objects.get(pk=plant.pk).responsibility_note


def test_a_ledger_is_committed_with_its_node_milestones(city):
    tasks = _commit(city, task_sheets.ledger_table(), name="督办台账.xlsx", choices={})
    assert [t.title for t in tasks] == ["推进城区老旧小区改造", "整治违规占道经营", "落实河长制巡河"]
    assert tasks[0].milestones.count() == 2 and tasks[2].lead_unit == city.fgw


def _book(*rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_problem_is_named_and_nothing_is_written(city):
    data = _book(
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限", "节点安排"],
        [1, "推进老旧小区改造", "火星局", None, "尽快", None],
        [2, "整治违规占道经营", "青山县", "青山县", "6月底前", "9月底前完成验收"],
        [3, "落实河长制", "白沙县", None, "年底前", None],
    )
    before = _counts()
    with translation.override("zh-hans"):
        preview = _run(city, data)
    where = [(p.sheet, p.row, p.column) for p in preview.problems]
    assert where == [
        ("清单", 2, "C 牵头单位"),
        ("清单", 2, "E 完成时限"),
        ("清单", 3, "F 节点安排"),  # 9月底前 is after the task's 6月底前
    ]
    assert "火星局" in preview.problems[0].message and preview.unmatched == ["火星局"]
    with pytest.raises(ValidationError) as err, translation.override("en"):
        _commit(city, data)
    assert err.value.messages[0].startswith("Sheet “清单”, row 2, column C 牵头单位: ")
    assert len(err.value.messages) == 3
    assert _counts() == before


def test_a_mapping_override_and_a_unit_choice_clear_the_problems(city):
    data = _book(
        ["序号", "事项内容", "单位", "完成时限"],
        [1, "推进老旧小区改造", "火星局", "6月底前"],
    )
    preview = _run(city, data)
    assert preview.problems and preview.problems[0].row == 1  # no task column, no unit column found
    mapping = {"清单": {"B": "task", "C": "lead"}}
    preview = _run(city, data, mapping=mapping)
    assert preview.unmatched == ["火星局"]
    [task] = _commit(city, data, mapping=mapping, choices={"火星局": city.baisha.pk})
    assert task.lead_unit == city.baisha


def test_a_mapping_to_an_unknown_role_is_refused(city):
    with translation.override("en"):
        preview = _run(city, task_sheets.ledger_table(), mapping={"督办台账": {"B": "salary"}})
    assert [(p.sheet, p.column, p.message) for p in preview.problems] == [
        ("督办台账", "B", "“salary” is not a column role.")
    ]
    assert preview.rows == []


def test_a_unit_outside_the_supervisors_scope_cannot_be_chosen(city):
    data = _book(["序号", "重点任务", "牵头单位", "完成时限"], [1, "推进老旧小区改造", "火星局", "6月底前"])
    preview = _run(city, data, choices={"火星局": 10**9})
    assert preview.unmatched == ["火星局"]


def test_only_a_supervisor_of_the_issuer_may_import(city):
    with pytest.raises(PermissionDenied):
        sheets.dry_run(
            sheets.SheetFile(task_sheets.ledger_table(), "a.xlsx"),
            task_list=city.economy,
            by=city.county_liaison,
        )


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (200 * 1024 * 1024) + "</a>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.7", "a.xlsx", "is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "password"),
        (b"PK\x03\x04 broken", "a.xlsx", "damaged"),
        ("序号,重点任务\n1,甲\n".encode("utf-16"), "a.csv", "UTF-8 or GB18030"),
        (b"", "a.xlsx", "empty"),
        (b"anything", "a.docx", "only .xlsx or .csv"),
        (_book(), "a.xlsx", "The sheet is empty"),
    ],
)
def test_bad_files_get_a_clear_error_and_write_nothing(city, data, name, words):
    before = _counts()
    with translation.override("en"):
        preview = _run(city, data, name=name)
        assert preview.problems and words in " ".join(p.message for p in preview.problems)
        with pytest.raises(ValidationError):
            _commit(city, data, name=name)
    assert _counts() == before


def test_a_zip_bomb_is_refused_before_it_is_opened(city):
    with translation.override("en"):
        preview = _run(city, _bomb())
    [problem] = preview.problems
    assert "zip bomb" in problem.message or "unpack" in problem.message


def test_a_gb18030_csv_is_imported(city):
    data = "序号,重点任务,牵头单位,完成时限\n1,推进老旧小区改造,青山县,6月底前\n".encode("gb18030")
    [task] = _commit(city, data, name="台账.csv")
    assert (task.title, task.lead_unit, task.due) == ("推进老旧小区改造", city.qingshan, dt.date(2026, 6, 30))


def test_the_template_reads_back_without_a_problem(city):
    with translation.override("en"):
        data = sheets.template(by=city.city_supervisor)
        preview = _run(city, data, name="模板.xlsx")
    assert preview.problems == []
    # The sheet of instructions beside the table is left out, and said so.
    assert [(n.sheet, n.message) for n in preview.notes] == [
        ("Instructions", "The sheet holds no task table; it is left out.")
    ]
    [row] = preview.rows
    assert row.due == dt.date(2026, 6, 30) and len(row.milestones) == 2
    assert [c.role for c in preview.sheets[0].columns] == [
        "number", "task", "measures", "lead", "co", "leader", "owner", "due", "nodes", "note",
    ]  # fmt: skip


def test_a_supervisor_downloads_the_template_as_a_workbook(city, client):
    from openpyxl import load_workbook

    client.force_login(city.city_supervisor)
    response = client.get(_template_url())
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][2]][:4] == ["序号", "重点任务", "具体举措", "牵头单位"]
    client.force_login(city.county_liaison)
    assert client.get(_template_url()).status_code == 403


def _template_url():
    from django.urls import reverse

    return reverse("ingest:sheet_template")
