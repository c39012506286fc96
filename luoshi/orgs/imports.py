"""Import the unit tree and the people from an .xlsx kept the way an organisation department keeps it.

Sheet 单位: 名称, 上级单位, 类型, 类别; sheet 人员: 姓名, 用户名, 单位, 角色, 电话, 电子邮箱.
`read` checks the whole file and lists every problem by sheet, row and column without writing;
`commit` creates everything through the orgs services (one audit event each) in one transaction, or nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core import attachments
from luoshi.orgs import services
from luoshi.orgs.models import CATEGORY_OF_KIND, Role, Unit, UnitCategory, UnitKind, User

UNIT_SHEET = "单位"
PEOPLE_SHEET = "人员"
UNIT_HEADERS = ("名称", "上级单位", "类型", "类别")
PEOPLE_HEADERS = ("姓名", "用户名", "单位", "角色", "电话", "电子邮箱")
MAX_ROWS = 5000  # per sheet; a longer sheet is refused before the rest is read
XLSX: dict[str, tuple[bytes, ...]] = {".xlsx": (b"PK\x03\x04",)}
PERSON_COLUMNS = {"full_name": "姓名", "username": "用户名", "phone": "电话", "email": "电子邮箱"}


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: sheet and row (1-based, as Excel shows them) and column, when it has one."""

    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""  # "C 类型"


@dataclass
class UnitRow:
    row: int
    name: str
    parent_name: str
    kind: str
    category: str
    parent: Unit | None = None  # an existing parent; None when the parent comes from the file

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind

    @property
    def category_label(self) -> str:
        return str(UnitCategory(self.category).label) if self.category in UnitCategory.values else ""


@dataclass
class PersonRow:
    row: int
    full_name: str
    username: str
    unit_name: str
    role: str
    phone: str
    email: str
    unit: Unit | None = None  # an existing unit; None when it comes from the file

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


@dataclass
class Plan:
    """What the file would create (units parents first), or the problems that stop it."""

    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice by its value and by its label in every language the site speaks, folded to lower case."""
    found = {str(v).lower(): str(v) for v in choices.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.update({str(label).strip().lower(): str(value) for value, label in choices.choices})
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(ws: Any, sheet: str, headers: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The sheet's filled rows after the header, by header; refuses a missing header or too many rows."""
    if ws.max_row and ws.max_row - 1 > MAX_ROWS:
        raise _Refused(_too_many(sheet))
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # a stated size too small would cut columns off: read what is there
    cells = ws.iter_rows(values_only=True)
    head = [_text(v) for v in next(cells, ())]
    where: dict[str, int] = {}
    for header in headers:
        if header not in head:
            raise _Refused(
                Problem(
                    _("The header “%(header)s” is missing from the first row.") % {"header": header},
                    sheet,
                    1,
                    get_column_letter(len(where) + 1),
                )
            )
        where[header] = head.index(header)
    count = 0
    for number, values in enumerate(cells, start=2):
        row = {h: _text(values[i]) if i < len(values) else "" for h, i in where.items()}
        if not any(row.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _Refused(_too_many(sheet))
        yield number, row


def _too_many(sheet: str) -> Problem:
    return Problem(_("The sheet has more than %(limit)s rows; split the file.") % {"limit": MAX_ROWS}, sheet)


def _col(headers: tuple[str, ...], header: str) -> str:
    return f"{get_column_letter(headers.index(header) + 1)} {header}"


def read(source: IO[bytes], *, name: str) -> Plan:
    """Check the file (already through `upload_problems`) and plan the import; nothing is written."""
    plan = Plan()
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        plan.problems.append(Problem(_("“%(name)s” is not an Excel workbook (.xlsx).") % {"name": name}))
        return plan
    try:
        for sheet in (UNIT_SHEET, PEOPLE_SHEET):
            if sheet not in book.sheetnames:
                raise _Refused(Problem(_("The sheet “%(sheet)s” is missing.") % {"sheet": sheet}, sheet))
            if not hasattr(book[sheet], "iter_rows"):  # a chart sheet
                raise _Refused(Problem(_("The sheet “%(sheet)s” holds no cells.") % {"sheet": sheet}, sheet))
        unit_rows = list(_rows(book[UNIT_SHEET], UNIT_SHEET, UNIT_HEADERS))
        people_rows = list(_rows(book[PEOPLE_SHEET], PEOPLE_SHEET, PEOPLE_HEADERS))
    except _Refused as exc:
        plan.problems.append(exc.problem)
        return plan
    finally:
        book.close()
    if not unit_rows and not people_rows:
        plan.problems.append(Problem(_("“%(name)s” has no units and no people to import.") % {"name": name}))
        return plan
    in_file = _plan_units(plan, unit_rows)
    _plan_people(plan, people_rows, in_file)
    return plan


def _existing(name: str) -> list[Unit]:
    return list(Unit.objects.active().filter(name=name)[:2])


def _plan_units(plan: Plan, rows: list[tuple[int, dict[str, str]]]) -> dict[str, UnitRow]:
    kinds, categories = _labels(UnitKind), _labels(UnitCategory)
    problems = plan.problems

    def problem(row: int, header: str, message: str) -> None:
        problems.append(Problem(message, UNIT_SHEET, row, _col(UNIT_HEADERS, header)))

    by_name: dict[str, UnitRow] = {}
    parsed: list[UnitRow] = []
    for number, row in rows:
        name, parent_name = row["名称"], row["上级单位"]
        kind = kinds.get(row["类型"].lower(), "")
        category = categories.get(row["类别"].lower(), "") if row["类别"] else ""
        unit = UnitRow(number, name, parent_name, kind, category)
        if not name:
            problem(number, "名称", _("The unit has no name."))
        elif len(name) > 100:
            problem(number, "名称", _("The name is longer than 100 characters."))
        elif name in by_name:
            problem(
                number,
                "名称",
                _("“%(name)s” is also in row %(row)s.") % {"name": name, "row": by_name[name].row},
            )
        else:
            by_name[name] = unit
        if not kind:
            problem(number, "类型", _("“%(value)s” is not a unit kind.") % {"value": row["类型"]})
        if row["类别"] and not category:
            problem(number, "类别", _("“%(value)s” is not a ranking category.") % {"value": row["类别"]})
        if not category and kind:
            unit.category = str(CATEGORY_OF_KIND.get(UnitKind(kind), ""))
        parsed.append(unit)
    for unit in parsed:
        if not unit.parent_name:
            problem(unit.row, "上级单位", _("The parent unit is missing."))
        elif unit.parent_name == unit.name:
            problem(unit.row, "上级单位", _("A unit cannot be its own parent."))
        elif unit.parent_name not in by_name:
            found = _existing(unit.parent_name)
            if not found:
                problem(unit.row, "上级单位", _("No unit is named “%(name)s”.") % {"name": unit.parent_name})
            elif len(found) > 1:
                problem(
                    unit.row,
                    "上级单位",
                    _("Several units are named “%(name)s”; rename one first.") % {"name": unit.parent_name},
                )
            else:
                unit.parent = found[0]
                if Unit.objects.filter(parent=unit.parent, name=unit.name).exists():
                    problem(
                        unit.row,
                        "名称",
                        _("“%(parent)s” already has a unit named “%(name)s”.")
                        % {"parent": unit.parent.name, "name": unit.name},
                    )
    plan.units = _parents_first(plan, by_name)
    return by_name


def _parents_first(plan: Plan, by_name: dict[str, UnitRow]) -> list[UnitRow]:
    """The file's units, each after its parent; a unit in a cycle of parents is a problem."""
    ordered: list[UnitRow] = []
    placed: set[str] = set()
    for unit in by_name.values():
        chain: list[UnitRow] = []
        step: UnitRow | None = unit
        while step is not None and step.name not in placed:
            if step in chain:
                names = " → ".join(u.name for u in chain[chain.index(step) :] + [step])
                plan.problems.append(
                    Problem(
                        _("The parents go round in a circle: %(names)s.") % {"names": names},
                        UNIT_SHEET,
                        step.row,
                        _col(UNIT_HEADERS, "上级单位"),
                    )
                )
                placed.update(u.name for u in chain)
                break
            chain.append(step)
            step = by_name.get(step.parent_name) if step.parent is None else None
        else:
            for u in reversed(chain):
                placed.add(u.name)
                ordered.append(u)
    return ordered


def _plan_people(plan: Plan, rows: list[tuple[int, dict[str, str]]], units: dict[str, UnitRow]) -> None:
    roles = _labels(Role)

    def problem(row: int, header: str, message: str) -> None:
        plan.problems.append(Problem(message, PEOPLE_SHEET, row, _col(PEOPLE_HEADERS, header)))

    usernames: dict[str, int] = {}
    for number, row in rows:
        role = roles.get(row["角色"].lower(), "")
        person = PersonRow(
            number, row["姓名"], row["用户名"], row["单位"], role, row["电话"], row["电子邮箱"]
        )
        if not role:
            problem(number, "角色", _("“%(value)s” is not a role.") % {"value": row["角色"]})
        folded = person.username.lower()
        if folded and folded in usernames:
            problem(
                number,
                "用户名",
                _("“%(name)s” is also in row %(row)s.") % {"name": person.username, "row": usernames[folded]},
            )
        usernames.setdefault(folded, number)
        if not person.unit_name:
            problem(number, "单位", _("The unit is missing."))
        elif person.unit_name not in units:
            found = _existing(person.unit_name)
            if len(found) == 1:
                person.unit = found[0]
            else:
                problem(
                    number,
                    "单位",
                    (
                        _("Several units are named “%(name)s”; rename one first.")
                        if found
                        else _("No unit is named “%(name)s”.")
                    )
                    % {"name": person.unit_name},
                )
        candidate = User(
            username=person.username,
            full_name=person.full_name,
            role=role or Role.LIAISON,
            phone=person.phone,
            email=person.email,
        )
        try:
            candidate.full_clean(exclude=["password", "unit"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = PERSON_COLUMNS.get(name, "姓名")
                problem(number, header, " ".join(messages))
        if not person.full_name:
            problem(number, "姓名", _("The person has no name."))
        plan.people.append(person)


@transaction.atomic
def commit(plan: Plan, *, by: User) -> list[tuple[User, str]]:
    """Create the planned units and people, all or nothing; the people with their one-time passwords."""
    if plan.problems:
        raise ValueError("an import plan with problems cannot be committed")
    made: dict[str, Unit] = {}
    for row in plan.units:
        parent = row.parent or made[row.parent_name]
        made[row.name] = services.add_unit(
            parent=parent, name=row.name, kind=row.kind, category=row.category, by=by
        )
    people = []
    for person in plan.people:
        unit = person.unit or made[person.unit_name]
        people.append(
            services.add_person(
                unit=unit,
                username=person.username,
                full_name=person.full_name,
                role=person.role,
                by=by,
                phone=person.phone,
                email=person.email,
            )
        )
    return people


def upload_problems(upload: UploadedFile[bytes]) -> list[Problem]:
    """The file's size, kind and zip layout, checked before openpyxl opens it (attachments' checks)."""
    return [Problem(message) for message in attachments.upload_errors([upload], kinds=XLSX)]


def template() -> bytes:
    """An import file to fill in: both sheets' headers, an example row, lists for kind, category, role."""
    book = Workbook()
    units = book.active
    assert isinstance(units, Worksheet)  # a new workbook always has its one sheet; this tells mypy
    units.title = UNIT_SHEET
    people = book.create_sheet(PEOPLE_SHEET)
    top = Unit.objects.active().filter(parent=None).first()
    units.append(list(UNIT_HEADERS))
    units.append(
        [
            "示例局",
            top.name if top else "",
            str(UnitKind.DEPARTMENT.label),
            str(UnitCategory.DEPARTMENT.label),
        ]
    )
    people.append(list(PEOPLE_HEADERS))
    people.append(
        ["张三", "zhangsan", "示例局", str(Role.LIAISON.label), "13800000000", "zhangsan@example.cn"]
    )
    for sheet, column, choices in (
        (units, "C", UnitKind),
        (units, "D", UnitCategory),
        (people, "D", Role),
    ):
        listed = ",".join(str(label) for _value, label in choices.choices)
        validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    for sheet in (units, people):
        for letter in "ABCDEF":
            sheet.column_dimensions[letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
