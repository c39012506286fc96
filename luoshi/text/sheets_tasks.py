"""Read a task list kept as a spreadsheet the way offices keep them. Pure: no Django.

An office's table has a title row or two, a header of one or two rows (责任单位 over 牵头 / 配合, 时间节点
over 1月 … 12月), a key task merged down over the rows of its measures, deadlines written as text. `grid_of`
turns an .xlsx or .csv into plain grids (merged cells filled from their top-left cell); `read_sheet` finds the
header, gives each column a role by its words (which a caller may override), and turns each row into a
`TaskRow` with its problems, each naming the sheet, the row as Excel numbers it and the column. Problems are
codes with parameters: the caller words them in the reader's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from luoshi.text.dates import deadline_date, last_day

MAX_ROWS = 20_000  # per sheet, header included; a longer sheet is refused before it is read in full
HEADER_SCAN = 12  # the header starts within this many rows of the top
OLE = b"\xd0\xcf\x11\xe0"  # an encrypted .xlsx (or an old .xls) is an OLE compound file, not a zip

# Column roles, each with the header words that name it; the first matching role wins, so the more
# specific words come first (配合单位 before 单位).
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("序号", "编号")),
    ("co", ("配合单位", "协办单位", "配合部门", "协同单位", "配合")),
    ("lead", ("牵头单位", "主责单位", "牵头部门", "主办单位", "牵头")),
    ("units", ("责任单位", "责任部门", "承办单位", "责任主体")),
    ("leader", ("责任领导", "分管领导", "牵头领导", "包联领导", "市领导")),
    ("owner", ("责任人", "联系人", "具体负责人")),
    ("due", ("完成时限", "完成时间", "办结时限", "时限要求", "时限")),
    ("nodes", ("节点安排", "时间节点", "进度安排", "节点目标")),
    (
        "measures",
        ("具体举措", "工作措施", "主要举措", "具体措施", "建设内容", "主要内容", "工作目标", "目标任务"),
    ),
    (
        "task",
        ("重点任务", "主要任务", "工作任务", "任务名称", "项目名称", "督办事项", "督办内容", "事项", "任务"),
    ),
    ("note", ("备注", "说明")),
)
ROLE_NAMES = tuple(role for role, _words in ROLES) + ("month", "")
MONTH_HEADER = re.compile(r"^(\d{1,2})月(?:份)?$")
OPEN_ENDED = re.compile(r"长期坚持|持续推进|常态化|长期|持续|每年|每月|每季度")
DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
ISO_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
UNIT_SPLIT = re.compile(r"[、，,；;/\s]+")
LEAD_NOTE = re.compile(r"[（(](?:牵头|负责|主办)[）)]")
OTHER_NOTE = re.compile(r"[（(][^）)]*[）)]")
NODE_SPLIT = re.compile(r"[；;。\n]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


class SheetError(Exception):
    """The file as a whole cannot be read: `code` says why (the service words it), `params` the detail."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Issue:
    """A problem in the file: `code` and `params` for the wording; sheet, row (as Excel numbers it), column
    ("C 完成时限"); `blocking` False for what is only said (长期坚持 given the year's end)."""

    code: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    params: tuple[tuple[str, str], ...] = ()
    blocking: bool = True


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    role: str


@dataclass
class TaskRow:
    sheet: str
    row: int
    title: str = ""
    content: str = ""
    measures: str = ""
    lead: str = ""  # the lead unit's name as written
    co: list[str] = field(default_factory=list)
    leader: str = ""
    owner: str = ""
    due_text: str = ""
    due: dt.date | None = None
    milestones: list[tuple[dt.date, str]] = field(default_factory=list)
    note: str = ""
    where: dict[str, str] = field(default_factory=dict)  # role → its column ("D 牵头单位"), for problems


@dataclass
class SheetReading:
    name: str
    header_rows: tuple[int, int] = (0, 0)  # first and last header row, as Excel numbers them; 0 when none
    columns: list[Column] = field(default_factory=list)
    rows: list[TaskRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


Grid = list[list[Any]]


# --- files to grids -------------------------------------------------------------------------------------


def grid_of(data: bytes, *, name: str, max_rows: int = MAX_ROWS) -> list[tuple[str, Grid]]:
    """Each sheet's cells by row, merged ranges filled from their top-left cell; a .csv is one sheet.

    The caller has checked the zip layout (luoshi.text.archives) of an .xlsx. Raises SheetError for a file
    that is not a spreadsheet, is encrypted, has a sheet over `max_rows` rows, or a formula with no value.
    """
    if name.lower().endswith(".csv"):
        return [(name.rsplit(".", 1)[0] or "CSV", csv_grid(data))]
    if data.startswith(OLE):
        raise SheetError("encrypted")
    if not data.startswith(b"PK"):
        raise SheetError("not_spreadsheet")
    try:
        parts = _sheet_parts(data, max_rows)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError("not_spreadsheet") from exc
    grids: list[tuple[str, Grid]] = []
    formulas: list[tuple[str, int, int]] = []
    for ws in book.worksheets:
        count, merged_ranges = parts.get(ws.title, (1, []))
        if count == 0 or not hasattr(ws, "iter_rows"):  # an empty sheet, a chart sheet
            grids.append((ws.title, []))
            continue
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a stated size too small would cut columns off: read what is there
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    formulas.append((ws.title, r, c))
        for ref in merged_ranges:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            if min_col is None or min_row is None or max_row is None or min_row > len(grid):
                continue
            top = grid[min_row - 1][min_col - 1] if min_col <= len(grid[min_row - 1]) else None
            for r in range(min_row - 1, min(max_row, len(grid))):
                for c in range(min_col - 1, min(max_col or min_col, len(grid[r]))):
                    grid[r][c] = top
        grids.append((ws.title, grid))
    book.close()
    if formulas:
        _cached_values(data, grids, formulas)
    return grids


SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
RELATION_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _sheet_parts(data: bytes, max_rows: int) -> dict[str, tuple[int, list[str]]]:
    """Each sheet's written row count and merged ranges ("A4:A6"), found in its XML without parsing it, so
    a million rows are refused before openpyxl reads them (the zip check has bounded each part's size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        book = archive.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        targets = {}
        for tag in RELATION_TAG.findall(rels):
            found = dict(ATTRIBUTE.findall(tag))
            targets[found.get(b"Id", b"")] = found.get(b"Target", b"").decode("utf-8", "replace")
        parts: dict[str, tuple[int, list[str]]] = {}
        for tag in SHEET_TAG.findall(book):
            found = dict(ATTRIBUTE.findall(tag))
            sheet = html.unescape(found.get(b"name", b"").decode("utf-8", "replace"))
            target = targets.get(found.get(b"r:id", b""), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = archive.read(part) if part in names else b""
            count = len(ROW_TAG.findall(xml))
            if count > max_rows:
                raise SheetError("too_many_rows", sheet=sheet, limit=max_rows)
            parts[sheet] = (count, [ref.decode("ascii", "replace") for ref in MERGE_TAG.findall(xml)])
    return parts


def _cached_values(data: bytes, grids: list[tuple[str, Grid]], formulas: list[tuple[str, int, int]]) -> None:
    """Put each formula's value as Excel last computed it in its place; one never computed is refused."""
    book = load_workbook(io.BytesIO(data), data_only=True)
    by_name = dict(grids)
    try:
        for sheet, r, c in formulas:
            value = book[sheet].cell(row=r + 1, column=c + 1).value
            if value is None:
                raise SheetError("formula", sheet=sheet, row=r + 1, column=get_column_letter(c + 1))
            by_name[sheet][r][c] = value
    finally:
        book.close()


def csv_grid(data: bytes) -> Grid:
    """A .csv's rows, read as UTF-8 (with or without its mark) or else as GB18030; anything else refused."""
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or CONTROL.search(text) or not text.strip():
        raise SheetError("csv_encoding" if text is None or text.strip() else "empty")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROWS:
        raise SheetError("too_many_rows", sheet="CSV", limit=MAX_ROWS)
    return [list(r) for r in rows]


# --- headers and roles -----------------------------------------------------------------------------------


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return re.sub(r"\s+", " ", str(value)).strip()


def role_of(header: str) -> str:
    """The role a header's words give its column, or "" (a column not imported)."""
    words = re.sub(r"\s", "", header)
    if MONTH_HEADER.match(words.split("/")[-1]):
        return "month"
    for role, names in ROLES:
        if any(n in words for n in names):
            return role
    return ""


def _score(row: Sequence[Any]) -> int:
    return len({role_of(text(v)) for v in row if text(v) and len(text(v)) <= 20} - {""})


def find_header(grid: Grid) -> tuple[int, int]:
    """The first and last header row (from 0): the row naming most roles within the first rows, with the row
    under it when that one names roles too (a two-row header). (-1, -1) when no row names two roles."""
    best, at = 1, -1
    for r, row in enumerate(grid[:HEADER_SCAN]):
        score = _score(row)
        if score > best:
            best, at = score, r
    if at < 0:
        return -1, -1
    if at > 0 and _score(grid[at - 1]) >= 2 and not _looks_like_data(grid[at - 1]):
        return at - 1, at  # a header merged down over two rows scores higher in its lower row
    below = grid[at + 1] if at + 1 < len(grid) else []
    if _score(below) >= 1 and not _looks_like_data(below):
        return at, at + 1
    return at, at


def _looks_like_data(row: Sequence[Any]) -> bool:
    """A row starting with a number (its 序号) is a task, not a second header row."""
    first = next((text(v) for v in row if text(v)), "")
    return bool(re.match(r"^\d+$", first))


def columns_of(grid: Grid, top: int, bottom: int) -> list[Column]:
    """Each column's header (the lower header row's words, else the upper row's) and its role."""
    width = max((len(r) for r in grid[top : bottom + 1]), default=0)
    columns = []
    for c in range(width):
        upper = text(grid[top][c]) if c < len(grid[top]) else ""
        lower = text(grid[bottom][c]) if c < len(grid[bottom]) else ""
        header = lower if lower and lower != upper else upper
        role = role_of(header)
        if bottom > top and upper and lower and upper != lower and role_of(lower) == "":
            role = role_of(upper)  # 责任单位 over a word of its own
            header = f"{upper}/{lower}"
        columns.append(Column(get_column_letter(c + 1), header, role))
    return columns


# --- rows to tasks ---------------------------------------------------------------------------------------


def split_units(value: str) -> list[str]:
    """The unit names in a cell, the one marked （牵头） first, notes removed."""
    names: list[str] = []
    lead = ""
    for piece in UNIT_SPLIT.split(value):
        if not piece:
            continue
        if LEAD_NOTE.search(piece) and not lead:
            lead = LEAD_NOTE.sub("", piece)
            continue
        piece = OTHER_NOTE.sub("", piece).strip()
        if piece and piece not in names:
            names.append(piece)
    return [lead, *[n for n in names if n != lead]] if lead else names


def parse_due(value: Any, *, year: int) -> tuple[dt.date | None, str]:
    """A deadline cell's date and what it was: ("date"), ("open") for 长期坚持 and the like, ("" ) unreadable.

    A date cell is taken as it is; text as 2026年6月底前, 6月30日前, 年底前, 一季度 (luoshi.text.dates)."""
    if isinstance(value, dt.datetime):
        return value.date(), "date"
    if isinstance(value, dt.date):
        return value, "date"
    phrase = text(value)
    if not phrase:
        return None, "missing"
    if m := DAY.search(phrase):
        try:
            return dt.date(int(m.group(1) or year), int(m.group(2)), int(m.group(3))), "date"
        except ValueError:
            return None, ""
    if m := ISO_DAY.match(phrase):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "date"
        except ValueError:
            return None, ""
    found = deadline_date(phrase, year=year)
    if found is not None:
        return found, "date"
    if OPEN_ENDED.search(phrase):
        return None, "open"
    return None, ""


def read_sheet(name: str, grid: Grid, *, year: int, mapping: Mapping[str, str] | None = None) -> SheetReading:
    """The tasks of one sheet with their problems; `mapping` (column letter → role) overrides the detected."""
    reading = SheetReading(name)
    if not any(text(v) for row in grid for v in row):
        reading.issues.append(Issue("empty_sheet", name))
        return reading
    top, bottom = find_header(grid)
    if top < 0:
        reading.issues.append(Issue("no_header", name, 1))
        return reading
    reading.header_rows = (top + 1, bottom + 1)
    columns = columns_of(grid, top, bottom)
    if mapping:
        columns = [Column(c.letter, c.header, mapping.get(c.letter, c.role)) for c in columns]
    reading.columns = columns
    roles = {c.role for c in columns}
    if not roles & {"task", "measures"}:
        reading.issues.append(Issue("no_task_column", name, bottom + 1))
    if not roles & {"lead", "units"}:
        reading.issues.append(Issue("no_unit_column", name, bottom + 1))
    if reading.issues:
        return reading
    task_col = next((i for i, c in enumerate(columns) if c.role == "task"), None)
    spans: dict[str, int] = {}
    if task_col is not None:
        for row in grid[bottom + 1 :]:
            key = text(row[task_col]) if task_col < len(row) else ""
            spans[key] = spans.get(key, 0) + 1
    for r in range(bottom + 1, len(grid)):
        cells = grid[r]
        if not any(text(v) for v in cells):
            continue
        task = _task_row(reading, columns, cells, r + 1, year, spans)
        if task is not None:
            reading.rows.append(task)
    return reading


def _task_row(
    reading: SheetReading,
    columns: list[Column],
    cells: list[Any],
    number: int,
    year: int,
    spans: dict[str, int],
) -> TaskRow | None:
    values: dict[str, str] = {}
    raw_due: Any = None
    where: dict[str, str] = {}
    months: list[tuple[int, str]] = []
    months_column = ""
    for i, column in enumerate(columns):
        value = cells[i] if i < len(cells) else None
        if column.role == "month":
            # A column mapped to months by hand may have a header that names no month: nothing to place.
            found = MONTH_HEADER.match(re.sub(r"\s", "", column.header).split("/")[-1])
            if text(value) and found is not None:
                months.append((int(found.group(1)), text(value)))
                months_column = months_column or f"{column.letter} {column.header}"
            continue
        if not column.role or column.role in values:
            continue
        values[column.role] = text(value)
        where[column.role] = f"{column.letter} {column.header}"
        if column.role == "due":
            raw_due = value
    task_text, measures = values.get("task", ""), values.get("measures", "")
    if not task_text and not measures:
        if any(values.get(k) for k in ("lead", "units", "co")) or months:
            reading.issues.append(
                Issue("no_title", reading.name, number, where.get("task") or where["measures"])
            )
        return None  # a subtotal or a note line
    row = TaskRow(reading.name, number, measures=measures, note=values.get("note", ""), where=where)
    if months:
        where.setdefault("month", months_column)
    if task_text and measures and spans.get(task_text, 0) > 1:
        row.title, row.content = measures, f"{task_text}\n{measures}"  # one key task over several measures
    else:
        row.title = task_text or measures
        row.content = "\n".join(v for v in (task_text, measures) if v)
    listed = split_units(values.get("units", ""))
    lead = split_units(values.get("lead", ""))
    row.lead = (lead or listed or [""])[0]
    co = lead[1:] + (listed if lead else listed[1:]) + split_units(values.get("co", ""))
    row.co = [n for i, n in enumerate(co) if n != row.lead and n not in co[:i]]
    if not row.lead:
        reading.issues.append(
            Issue("no_lead", reading.name, number, where.get("lead") or where.get("units", ""))
        )
    row.leader, row.owner = values.get("leader", ""), values.get("owner", "")
    row.due_text = text(raw_due)
    if "due" in values:
        row.due, kind = parse_due(raw_due, year=year)
        if kind == "open":
            reading.issues.append(
                Issue(
                    "open_ended",
                    reading.name,
                    number,
                    where["due"],
                    (("value", row.due_text),),
                    blocking=False,
                )
            )
        elif kind == "missing":
            reading.issues.append(Issue("no_due", reading.name, number, where["due"], blocking=False))
        elif kind == "":
            reading.issues.append(
                Issue("bad_due", reading.name, number, where["due"], (("value", row.due_text),))
            )
    for month, what in months:
        row.milestones.append((last_day(year, month), what))
    if nodes := values.get("nodes"):
        for piece in NODE_SPLIT.split(nodes):
            piece = piece.strip()
            if not piece:
                continue
            when, kind = parse_due(piece, year=year)
            if when is None:
                reading.issues.append(
                    Issue("bad_node", reading.name, number, where["nodes"], (("value", piece),))
                )
            else:
                row.milestones.append((when, piece))
    row.milestones.sort(key=lambda m: m[0])
    return row
