"""Import a task list kept as a spreadsheet (.xlsx or .csv) into a list of a plan: a dry run, then the commit.

`dry_run` reads the whole file (luoshi.text.sheets_tasks), matches every unit name to the units the
supervisor may assign to (luoshi.ingest.units: name, alias, close name) and lists every problem by sheet, row
and column, writing nothing. The reader may correct the detected column roles (`mapping`, by sheet and column
letter) and choose a unit for a name left unmatched (`choices`, name → unit id). `commit` reads the file again
with the same corrections and, only when nothing blocks, creates every task through plans.create_tasks and
every milestone with it, in one transaction, with one audit event for the import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.audit.services import record
from luoshi.core import attachments
from luoshi.core.actions import Action
from luoshi.ingest.services import MAX_TITLE, assignable
from luoshi.ingest.units import Directory, Match
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.plans import services as plans
from luoshi.plans.models import Task, TaskList
from luoshi.text import sheets_tasks
from luoshi.text.archives import ArchiveError, check_zip
from luoshi.text.sheets_tasks import Issue, SheetError, SheetReading, TaskRow

KINDS = (".xlsx", ".csv")
ROLE_LABELS = {
    "": gettext_lazy("(not imported)"),
    "number": gettext_lazy("Number"),
    "task": gettext_lazy("Key task"),
    "measures": gettext_lazy("Measures"),
    "lead": gettext_lazy("Lead unit"),
    "units": gettext_lazy("Responsible units (the first leads)"),
    "co": gettext_lazy("Co-units"),
    "leader": gettext_lazy("Responsible leader"),
    "owner": gettext_lazy("Responsible person"),
    "due": gettext_lazy("Deadline"),
    "nodes": gettext_lazy("Milestones (text)"),
    "month": gettext_lazy("Milestone of a month"),
    "note": gettext_lazy("Note"),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong or worth saying, and where: sheet, row (as Excel numbers it), column ("F 完成时限")."""

    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    blocking: bool = True


@dataclass
class Preview:
    """What the file would create, with its problems (blocking) and notes (said only)."""

    name: str
    sheets: list[SheetReading] = field(default_factory=list)
    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    matches: dict[str, Match] = field(default_factory=dict)  # each unit name in the file, matched or not
    units: dict[str, Unit] = field(default_factory=dict)  # each matched name's unit

    @property
    def unmatched(self) -> list[str]:
        return [name for name, m in self.matches.items() if name not in self.units and m.how != "choice"]

    @property
    def milestone_count(self) -> int:
        return sum(len(r.milestones) for r in self.rows)


def _file_message(code: str, name: str, params: Mapping[str, object]) -> str:
    words = {
        "not_spreadsheet": _("“%(name)s” is not a spreadsheet: upload an .xlsx or a .csv file."),
        "encrypted": _(
            "“%(name)s” is protected by a password or is an old .xls file: save it as an .xlsx without a "
            "password and upload it again."
        ),
        "too_many_rows": _("The sheet “%(sheet)s” has more than %(limit)s rows; split the file."),
        "formula": _(
            "Sheet “%(sheet)s”, cell %(column)s%(row)s holds a formula Excel never computed: open the file "
            "in Excel, save it, and upload it again, or type the value."
        ),
        "csv_encoding": _(
            "“%(name)s” is not text in UTF-8 or GB18030 (GBK): save it from Excel as “CSV UTF-8” and upload "
            "it again."
        ),
        "empty": _("“%(name)s” is empty."),
        "too_large": _("“%(name)s” is larger than %(mb)s MB."),
        "kind": _("“%(name)s”: only .xlsx or .csv files."),
    }
    return words[code] % {"name": name, **params}


def _issue_message(issue: Issue) -> str:
    params = dict(issue.params)
    words = {
        "empty_sheet": _("The sheet is empty."),
        "no_header": _(
            "No header row found in the first rows: name the columns "
            "(for example 重点任务, 牵头单位, 完成时限)."
        ),
        "no_task_column": _("No column holds the tasks (重点任务, 具体举措 …): choose one in the mapping."),
        "no_unit_column": _("No column holds the units (牵头单位, 责任单位 …): choose one in the mapping."),
        "no_title": _("The row names units or milestones but no task."),
        "no_lead": _("The task has no lead unit."),
        "open_ended": _("“%(value)s” sets no date: the task is due at the end of the plan's year."),
        "no_due": _("No deadline: the task is due at the end of the plan's year."),
        "bad_due": _(
            "“%(value)s” is not a deadline Luoshi can read (write, for example, 6月底前 or 2026年9月30日)."
        ),
        "bad_node": _("“%(value)s” names no date for a milestone."),
    }
    return words[issue.code] % params


def _problem(issue: Issue) -> Problem:
    return Problem(_issue_message(issue), issue.sheet, issue.row, issue.column, issue.blocking)


def _require(by: User, task_list: TaskList) -> None:
    if not policy.can_supervise(by, task_list.plan.issuer):
        raise PermissionDenied


@dataclass(frozen=True)
class SheetFile:
    """An uploaded file with the reader's corrections: `mapping` (sheet → column letter → role) and
    `choices` (a unit name in the file → the id of the unit meant)."""

    data: bytes
    name: str
    mapping: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    choices: Mapping[str, int] = field(default_factory=dict)


def dry_run(file: SheetFile, *, task_list: TaskList, by: User) -> Preview:
    """Read the file and plan the import; nothing is written."""
    _require(by, task_list)
    data, name, mapping, choices = file.data, file.name, file.mapping, file.choices
    preview = Preview(name)
    for sheet, roles in mapping.items():
        for letter, role in roles.items():
            if role not in ROLE_LABELS:
                preview.problems.append(
                    Problem(_("“%(role)s” is not a column role.") % {"role": role}, sheet, 0, letter)
                )
    if preview.problems:
        return preview
    refused = refusal(data, name)
    if refused:
        preview.problems.append(Problem(refused))
        return preview
    year = task_list.plan.year
    try:
        readings = _readings(data, name, year, mapping)
    except SheetError as exc:
        preview.problems.append(
            Problem(_file_message(exc.code, name, exc.params), str(exc.params.get("sheet", "")))
        )
        return preview
    tables = any(r.rows for r in readings)
    for reading in readings:
        if tables and not reading.rows and {i.code for i in reading.issues} <= {"empty_sheet", "no_header"}:
            # an empty Sheet2 or a sheet of instructions beside the table: left out, and said so
            preview.notes.append(Problem(_("The sheet holds no task table; it is left out."), reading.name))
            continue
        preview.sheets.append(reading)
        preview.rows.extend(reading.rows)
        for issue in reading.issues:
            (preview.problems if issue.blocking else preview.notes).append(_problem(issue))
    if not preview.rows and not preview.problems:
        preview.problems.append(Problem(_("“%(name)s” holds no tasks.") % {"name": name}))
    _match_units(preview, by, choices)
    _check_rows(preview, year)
    preview.problems.sort(key=lambda p: (p.sheet != "", p.sheet, p.row, p.column))
    return preview


READINGS_KEPT = 2  # files whose reading is kept: the one being reviewed and committed, and one beside it
_readings_kept: OrderedDict[tuple[str, str, int, tuple[object, ...]], bytes] = OrderedDict()
_readings_lock = threading.Lock()


def _readings(
    data: bytes, name: str, year: int, mapping: Mapping[str, Mapping[str, str]]
) -> list[SheetReading]:
    """Each sheet's reading of the file, as sheets_tasks gives it for this year and column mapping.

    Kept pickled for the last READINGS_KEPT (bytes, name, year, mapping) read in this process: every caller
    gets its own copy to change as it likes, and a different mapping or year is read anew. A file that
    cannot be read (SheetError) is not kept.
    """
    key = (
        hashlib.sha256(data).hexdigest(),
        name,
        year,
        tuple(sorted((sheet, tuple(sorted(roles.items()))) for sheet, roles in mapping.items())),
    )
    with _readings_lock:
        kept = _readings_kept.get(key)
        if kept is not None:
            _readings_kept.move_to_end(key)
    if kept is not None:
        readings: list[SheetReading] = pickle.loads(kept)  # bytes pickled by this process, below
        return readings
    grids = sheets_tasks.grid_of(data, name=name)
    readings = [
        sheets_tasks.read_sheet(sheet, grid, year=year, mapping=mapping.get(sheet)) for sheet, grid in grids
    ]
    kept = pickle.dumps(readings, protocol=pickle.HIGHEST_PROTOCOL)
    with _readings_lock:
        _readings_kept[key] = kept
        _readings_kept.move_to_end(key)
        while len(_readings_kept) > READINGS_KEPT:
            _readings_kept.popitem(last=False)
    return readings


def refusal(data: bytes, name: str) -> str:
    """Why the file is refused before it is opened: its kind, its size, its zip layout (a zip bomb)."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in KINDS:
        return _file_message("kind", name, {})
    if len(data) > attachments.max_bytes():
        return _file_message("too_large", name, {"mb": attachments.max_bytes() >> 20})
    if not data:
        return _file_message("empty", name, {})
    if suffix == ".xlsx" and data.startswith(b"PK"):
        try:
            check_zip(data, name=name, limits=attachments.zip_limits())
        except ArchiveError as exc:
            return attachments.archive_refusal(exc)
    return ""


def _match_units(preview: Preview, by: User, choices: Mapping[str, int]) -> None:
    allowed = list(assignable(by))
    directory = Directory.for_units(allowed)
    by_id = {u.pk: u for u in allowed}
    for row in preview.rows:
        for unit_name in filter(None, [row.lead, *row.co]):
            if unit_name in preview.matches:
                continue
            chosen = by_id.get(choices[unit_name]) if unit_name in choices else None
            if chosen is not None:
                preview.matches[unit_name] = Match(unit_name, chosen.pk, "choice")
                preview.units[unit_name] = chosen
                continue
            found = directory.match(unit_name)
            preview.matches[unit_name] = found
            if found.unit_id is not None:
                preview.units[unit_name] = by_id[found.unit_id]


def _check_rows(preview: Preview, year: int) -> None:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for row in preview.rows:

        def problem(role: str, message: str, row: TaskRow = row) -> None:
            preview.problems.append(Problem(message, row.sheet, row.row, row.where.get(role, "")))

        for role, names in (("lead", [row.lead]), ("co", row.co)):
            column_role = role if role in row.where else "units"
            for unit_name in names:
                if unit_name and unit_name not in preview.units:
                    problem(
                        column_role,
                        _("No unit you may assign to is called “%(name)s”.") % {"name": unit_name},
                    )
        if row.lead in preview.units and preview.units[row.lead] in [preview.units.get(n) for n in row.co]:
            problem("co", _("The lead unit is also listed among the co-units."))
        due = row.due or end
        if due < start:
            problem("due", _("The deadline %(due)s is before the plan's year.") % {"due": due})
        for when, what in row.milestones:
            if not start <= when <= due:
                problem(
                    "nodes" if "nodes" in row.where else "month",
                    _(
                        "The milestone “%(what)s” (%(when)s) falls outside the task's dates "
                        "(%(start)s – %(due)s)."
                    )
                    % {"what": what, "when": when, "start": start, "due": due},
                )


@transaction.atomic
def commit(file: SheetFile, *, task_list: TaskList, by: User) -> list[Task]:
    """Create the file's tasks and milestones in `task_list`, all of them or, on any problem, nothing.

    The file is planned again as `dry_run` plans it (its reading taken from the dry run when this process
    made one), so what is created is what the dry run showed for the same corrections.
    """
    preview = dry_run(file, task_list=task_list, by=by)
    if preview.problems:
        raise ValidationError([where(p) for p in preview.problems[:20]])
    year = task_list.plan.year
    to_be_named = _("To be named")  # once, not once a row: gettext was 5% of a 10,000-row commit
    specs = [_spec(row, preview.units, year, to_be_named) for row in preview.rows]
    try:
        tasks = plans.create_tasks(task_list=task_list, by=by, specs=specs)
    except plans.SpecError as exc:
        row = preview.rows[exc.index]
        raise ValidationError(where(Problem(" ".join(exc.messages), row.sheet, row.row))) from None
    record(
        actor=by,
        action=Action.INGEST_SHEET_IMPORT,
        obj=task_list,
        after={
            "file": file.name,
            "tasks": [t.pk for t in tasks],
            "milestones": preview.milestone_count,
            "mapping": {s.name: {c.letter: c.role for c in s.columns} for s in preview.sheets},
            "choices": {k: v for k, v in file.choices.items() if k in preview.units},
        },
    )
    return tasks


def where(problem: Problem) -> str:
    if not problem.sheet:
        return problem.message
    if not problem.row:
        return _("Sheet “%(sheet)s”: %(message)s") % {"sheet": problem.sheet, "message": problem.message}
    return _("Sheet “%(sheet)s”, row %(row)s%(column)s: %(message)s") % {
        "sheet": problem.sheet,
        "row": problem.row,
        "column": _(", column %(column)s") % {"column": problem.column} if problem.column else "",
        "message": problem.message,
    }


def _spec(row: TaskRow, units: Mapping[str, Unit], year: int, to_be_named: str) -> plans.TaskSpec:
    title = row.title if len(row.title) <= MAX_TITLE else row.title[: MAX_TITLE - 1] + "…"
    named = "；".join(
        f"{label}：{value}" for label, value in (("责任领导", row.leader), ("责任人", row.owner)) if value
    )
    return plans.TaskSpec(
        title=title,
        content=row.content,
        measures=row.measures,
        lead_unit=units[row.lead],
        co_units=tuple(units[n] for n in row.co),
        start=dt.date(year, 1, 1),
        due=row.due or dt.date(year, 12, 31),
        milestones=[
            plans.MilestoneSpec(
                title=what[:200], due=when, expected_progress=round(100 * index / len(row.milestones))
            )
            for index, (when, what) in enumerate(row.milestones, start=1)
        ],
        responsibility_note=(
            _("Named in the file, not yet linked to a person: %(names)s") % {"names": named}
            if named
            else to_be_named
        )[:200],
    )


TEMPLATE_HEADERS = (
    "序号",
    "重点任务",
    "具体举措",
    "牵头单位",
    "配合单位",
    "责任领导",
    "责任人",
    "完成时限",
    "节点安排",
    "备注",
)


def template(*, by: User) -> bytes:
    """A task list to fill in: a title row, the headers the import knows, an example row naming units the
    supervisor may assign to, and a sheet of instructions."""
    units = [u.name for u in assignable(by).exclude(parent=None).order_by("depth", "name")[:3]] or ["", ""]
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook always has its one sheet; this tells mypy
    sheet.title = _("Tasks")
    sheet.append([_("Key tasks and division of responsibility")])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_HEADERS))
    sheet.append(list(TEMPLATE_HEADERS))
    sheet.append(
        [
            1,
            "示例：推进政务服务“一网通办”",
            "高频事项全程网办率达到90%以上",
            units[0],
            "、".join(units[1:]),
            "",
            "",
            "2026年6月底前",
            "3月底前完成方案；6月底前全面上线",
            "",
        ]
    )
    for letter, width in zip("ABCDEFGHIJ", (6, 30, 40, 16, 24, 10, 10, 14, 30, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet(_("Instructions"))
    for line in (
        _("One task a row; a key task may be merged down over the rows of its measures."),
        _("Units as the unit tree names them, or their short forms (市发改委); several separated by 、."),
        _("Deadlines as dates or as text (2026年6月底前, 6月30日前, 年底前, 一季度)."),
        _("长期坚持 and other deadlines without a date: the task is due at the end of the plan's year."),
        _("Milestones in 节点安排, separated by ；, each with its date: 3月底前完成方案."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
