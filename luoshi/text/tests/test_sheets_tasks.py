"""Task lists read from spreadsheets as offices keep them: headers found under a title, two-row headers,
merged key tasks, deadlines as text, milestones by month, and bad files refused with where and why."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from luoshi.text.sheets_tasks import (
    SheetError,
    grid_of,
    parse_due,
    read_sheet,
    role_of,
    split_units,
)
from luoshi.text.tests import task_sheets


def _read(data: bytes, name: str = "任务.xlsx", **kw):
    [(sheet, grid)] = grid_of(data, name=name)
    return read_sheet(sheet, grid, year=2026, **kw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026年6月底前", (dt.date(2026, 6, 30), "date")),
        ("6月30日前", (dt.date(2026, 6, 30), "date")),
        ("11月15日前", (dt.date(2026, 11, 15), "date")),
        ("年底前", (dt.date(2026, 12, 31), "date")),
        ("一季度", (dt.date(2026, 3, 31), "date")),
        ("2026-09-30", (dt.date(2026, 9, 30), "date")),
        (dt.date(2026, 10, 31), (dt.date(2026, 10, 31), "date")),
        ("长期坚持", (None, "open")),
        ("持续推进", (None, "open")),
        ("", (None, "missing")),
        ("尽快", (None, "")),
        ("2月30日前", (None, "")),
    ],
)
def test_deadlines_written_as_offices_write_them(value, expected):
    assert parse_due(value, year=2026) == expected


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("序号", "number"),
        ("重点任务", "task"),
        ("具体举措", "measures"),
        ("牵头单位", "lead"),
        ("责任单位", "units"),
        ("责任单位/配合单位", "co"),
        ("配合单位", "co"),
        ("责任领导", "leader"),
        ("责任人", "owner"),
        ("完成时限", "due"),
        ("节点安排", "nodes"),
        ("3月", "month"),
        ("2026年进度安排/12月", "month"),
        ("备注", "note"),
        ("单位：万元", ""),
    ],
)
def test_headers_give_columns_their_roles(header, role):
    assert role_of(header) == role


def test_unit_cells_split_with_the_lead_first():
    assert split_units("青山县、白沙县（牵头），市发改委") == ["白沙县", "青山县", "市发改委"]
    assert split_units("青山县（配合）/ 白沙县") == ["青山县", "白沙县"]


def test_a_division_table_with_a_title_a_two_row_header_and_merged_key_tasks():
    sheet = _read(task_sheets.division_table())
    assert sheet.header_rows == (2, 3)
    roles = {c.letter: c.role for c in sheet.columns}
    assert roles == {"A": "number", "B": "task", "C": "measures", "D": "lead", "E": "co", "F": "due"}
    assert [r.row for r in sheet.rows] == [4, 5, 6, 7, 8]
    first, second, third, fourth, fifth = sheet.rows
    # The merged key task spans three measures: each measure is a task, the key task its context.
    assert first.title.startswith("推进高频政务服务事项") and first.content.startswith("深化“一网通办”改革\n")
    assert second.content.startswith("深化“一网通办”改革")
    assert (first.lead, first.co, first.due) == ("市发改委", ["青山县", "白沙县"], dt.date(2026, 6, 30))
    assert (second.lead, second.due) == ("市发展和改革委员会", dt.date(2026, 6, 30))
    assert (third.lead, third.co, third.due) == ("发改委", [], dt.date(2026, 12, 31))
    assert fourth.title == "优化项目审批服务" and (fourth.lead, fourth.co) == ("青山县", ["白沙县"])
    assert fourth.due == dt.date(2026, 3, 31)
    assert fifth.due is None
    [said] = sheet.issues
    assert (said.code, said.row, said.column, said.blocking) == ("open_ended", 8, "F 完成时限", False)


def test_a_projects_table_turns_its_month_columns_into_milestones():
    sheet = _read(task_sheets.projects_table())
    assert sheet.header_rows == (3, 4)
    assert [c.role for c in sheet.columns][:6] == ["number", "task", "measures", "units", "leader", "due"]
    assert {c.role for c in sheet.columns[6:]} == {"month"}
    plant, sewage = sheet.rows
    assert plant.milestones == [
        (dt.date(2026, 3, 31), "完成立项"),
        (dt.date(2026, 6, 30), "开工建设"),
        (dt.date(2026, 12, 31), "主体完工"),
    ]
    assert (plant.leader, plant.lead, plant.due) == ("王副市长", "青山县", dt.date(2026, 12, 31))
    assert sewage.milestones[-1] == (dt.date(2026, 9, 30), "完成管网铺设")
    assert sheet.issues == []


def test_a_ledger_with_a_date_cell_and_node_text():
    sheet = _read(task_sheets.ledger_table())
    assert sheet.header_rows == (2, 2)
    renovation, stalls, rivers = sheet.rows
    assert renovation.due == dt.date(2026, 10, 31) and renovation.owner == "张三"
    assert renovation.milestones == [
        (dt.date(2026, 3, 31), "3月底前完成摸底"),
        (dt.date(2026, 6, 30), "6月底前开工"),
    ]
    assert stalls.due is None and stalls.note == "每月通报"
    assert rivers.due == dt.date(2026, 11, 15)
    assert [(i.code, i.row) for i in sheet.issues] == [("open_ended", 4)]


def test_a_mapping_override_changes_a_column_role():
    sheet = _read(task_sheets.ledger_table(), mapping={"H": "", "E": "leader"})
    assert sheet.rows[0].leader == "张三" and sheet.rows[0].owner == "" and sheet.rows[1].note == ""


def test_problems_name_sheet_row_and_column():
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    ws.append(["序号", "重点任务", "责任单位", "完成时限"])
    ws.append([1, "任务甲", "", "尽快"])
    ws.append([2, None, "青山县", "年底前"])
    out = io.BytesIO()
    book.save(out)
    sheet = _read(out.getvalue())
    assert [(i.code, i.sheet, i.row, i.column) for i in sheet.issues] == [
        ("no_lead", "清单", 2, "C 责任单位"),
        ("bad_due", "清单", 2, "D 完成时限"),
        ("no_title", "清单", 3, "B 重点任务"),
    ]


def _book(*rows, formula=None) -> bytes:
    book = Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    if formula:
        ws[formula[0]] = formula[1]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_files_are_refused_with_a_reason():
    with pytest.raises(SheetError) as err:
        grid_of(b"%PDF-1.7 not a sheet", name="a.xlsx")
    assert err.value.code == "not_spreadsheet"
    with pytest.raises(SheetError) as err:
        grid_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="a.xlsx")
    assert err.value.code == "encrypted"
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(SheetError) as err:
        grid_of(zipped.getvalue(), name="a.xlsx")
    assert err.value.code == "not_spreadsheet"
    with pytest.raises(SheetError) as err:
        grid_of(_book(*([i, "任务"] for i in range(30))), name="a.xlsx", max_rows=20)
    assert (err.value.code, err.value.params) == ("too_many_rows", {"sheet": "Sheet", "limit": 20})
    with pytest.raises(SheetError) as err:
        grid_of(_book(["序号", "重点任务"], [1, "甲"], formula=("A3", "=A2+1")), name="a.xlsx")
    assert (err.value.code, err.value.params) == ("formula", {"sheet": "Sheet", "row": 3, "column": "A"})


def test_an_empty_sheet_and_a_sheet_without_header_are_said():
    [(name, grid)] = grid_of(_book(), name="a.xlsx")
    assert [i.code for i in read_sheet(name, grid, year=2026).issues] == ["empty_sheet"]
    [(name, grid)] = grid_of(_book(["甲", "乙"], ["丙", "丁"]), name="a.xlsx")
    assert [(i.code, i.row) for i in read_sheet(name, grid, year=2026).issues] == [("no_header", 1)]


CSV = "序号,重点任务,牵头单位,完成时限\n1,推进老旧小区改造,青山县,6月底前\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_utf8_or_gb18030_is_read(encoding):
    sheet = _read(CSV.encode(encoding), name="台账.csv")
    [row] = sheet.rows
    assert (row.title, row.lead, row.due) == ("推进老旧小区改造", "青山县", dt.date(2026, 6, 30))


@pytest.mark.parametrize("data", [CSV.encode("utf-16"), bytes(range(256)) * 4, b"\x00\x01garbage"])
def test_a_csv_in_another_encoding_is_refused(data):
    with pytest.raises(SheetError) as err:
        grid_of(data, name="台账.csv")
    assert err.value.code == "csv_encoding"


def test_formulas_are_read_as_the_values_excel_computed():
    [(_name, grid)] = grid_of(task_sheets.ledger_table(), name="台账.xlsx")
    assert [row[0] for row in grid[2:]] == [1, 2, 3]
