"""Bulk import of units and people from an .xlsx: the dry run, the commit, the template, who may."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.orgs import imports
from luoshi.orgs.imports import PEOPLE_HEADERS, UNIT_HEADERS
from luoshi.orgs.models import Unit, User

UNITS = [
    # a child given before its parent, which is in the file; the parent under an existing unit
    ["新村社区", "新区街道", "Township or subdistrict", ""],
    ["新区街道", "青山县", "乡镇（街道）", ""],
    ["市数据局", "临江市", "department", "city department"],
]
PEOPLE = [
    ["王小明", "wang.xm", "新村社区", "联络员", 13800000001, "wang@example.cn"],
    ["赵敏", "zhao.min", "市数据局", "supervisor", "", ""],
]


def workbook(
    units: list[list[Any]] | None = None, people: list[list[Any]] | None = None, **sheets: Any
) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    content = {imports.UNIT_SHEET: [list(UNIT_HEADERS), *(UNITS if units is None else units)]}
    content[imports.PEOPLE_SHEET] = [list(PEOPLE_HEADERS), *(PEOPLE if people is None else people)]
    content.update(sheets)
    for title, rows in content.items():
        if rows is None:
            continue
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "组织架构.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def writes() -> tuple[int, int, int]:
    return Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def admin_client(client, city):
    client.force_login(city.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def dry_run(client: Any, data: bytes, name: str = "组织架构.xlsx") -> Any:
    return client.post(reverse("orgs:import"), {"file": upload(data, name)})


def problems_of(response: Any) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.message) for p in response.context["problems"]]


def test_a_good_file_dry_run_writes_nothing_and_previews(admin_client):
    before = writes()
    response = dry_run(admin_client, workbook())
    assert response.status_code == 200
    assert problems_of(response) == []
    plan = response.context["plan"]
    assert [u.name for u in plan.units].index("新区街道") < [u.name for u in plan.units].index("新村社区")
    assert [p.username for p in plan.people] == ["wang.xm", "zhao.min"]
    assert 'data-testid="import-confirm"' in response.content.decode()
    assert writes() == before


def test_confirm_creates_everything_with_audit_events(admin_client, city):
    token = dry_run(admin_client, workbook()).context["token"]
    events = AuditEvent.objects.count()
    response = admin_client.post(reverse("orgs:import_confirm"), {"token": token})
    assert response.status_code == 200
    street = Unit.objects.get(name="新区街道")
    assert street.parent == city.qingshan and street.kind == "township" and street.category == "township"
    community = Unit.objects.get(name="新村社区")
    assert community.parent == street and community.path.startswith(street.path)
    data = Unit.objects.get(name="市数据局")
    assert data.parent == city.city and data.category == "department"
    wang = User.objects.get(username="wang.xm")
    assert (wang.unit, wang.role, wang.phone, wang.email) == (
        community,
        "liaison",
        "13800000001",
        "wang@example.cn",
    )
    assert wang.must_change_password
    zhao = User.objects.get(username="zhao.min")
    assert zhao.role == "supervisor" and zhao.unit == data
    secrets = dict((p.username, s) for p, s in response.context["people"])
    assert wang.check_password(secrets["wang.xm"]) and zhao.check_password(secrets["zhao.min"])
    assert secrets["wang.xm"] in response.content.decode()
    new = AuditEvent.objects.order_by("pk")[events:]
    assert sorted(e.action for e in new) == sorted([Action.UNIT_CREATE] * 3 + [Action.USER_CREATE] * 2)
    assert all(e.actor_id == city.admin.pk for e in new)
    # the kept file is gone; confirming again creates nothing
    again = admin_client.post(reverse("orgs:import_confirm"), {"token": token})
    assert again.status_code == 409 and Unit.objects.filter(name="新区街道").count() == 1


def test_confirm_needs_the_token_of_this_session(admin_client, client, city):
    token = dry_run(admin_client, workbook()).context["token"]
    other = type(client)()
    other.force_login(city.admin)
    before = writes()
    assert admin_client.post(reverse("orgs:import_confirm"), {"token": "x" + token}).status_code == 409
    assert other.post(reverse("orgs:import_confirm"), {"token": token}).status_code == 409
    assert writes() == before


def test_a_tree_changed_since_the_dry_run_is_checked_again_and_nothing_written(admin_client, city):
    token = dry_run(admin_client, workbook()).context["token"]
    Unit.objects.filter(pk=city.qingshan.pk).update(name="青山区")
    before = writes()
    response = admin_client.post(reverse("orgs:import_confirm"), {"token": token})
    assert response.status_code == 409
    assert ("单位", 3, "B 上级单位", "No unit is named “青山县”.") in problems_of(response)
    assert writes() == before


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * 20_000_000 + b"</a>")
    return out.getvalue()


BAD_FILES: dict[str, tuple[Any, list[tuple[str, int, str, str]] | str]] = {
    "not a spreadsheet": (lambda: b"%PDF-1.7 hello", "is not the kind of file its name says"),
    "a zip that is not a workbook": (
        lambda: (lambda b: (zipfile.ZipFile(b, "w").writestr("a.txt", "x"), b.getvalue())[1])(io.BytesIO()),
        "is not an Excel workbook",
    ),
    "a zip bomb": (_zip_bomb, "zip bombs"),
    "empty": (lambda: workbook([], []), "has no units and no people"),
    "a missing sheet": (
        lambda: workbook(**{imports.PEOPLE_SHEET: None}),
        [("人员", 0, "", "The sheet “人员” is missing.")],
    ),
    "a missing header": (
        lambda: workbook(**{imports.UNIT_SHEET: [["名称", "上级", "类型", "类别"]]}),
        [("单位", 1, "B", "The header “上级单位” is missing from the first row.")],
    ),
    "duplicate names in the file": (
        lambda: workbook([*UNITS, ["新区街道", "白沙县", "township", ""]]),
        [("单位", 5, "A 名称", "“新区街道” is also in row 3.")],
    ),
    "a name taken under the same parent": (
        lambda: workbook([["青山镇", "青山县", "township", ""]], []),
        [("单位", 2, "A 名称", "“青山县” already has a unit named “青山镇”.")],
    ),
    "an unknown parent": (
        lambda: workbook([["新区街道", "黑水县", "township", ""]], []),
        [("单位", 2, "B 上级单位", "No unit is named “黑水县”.")],
    ),
    "a cycle": (
        lambda: workbook([["甲", "乙", "township", ""], ["乙", "甲", "township", ""]], []),
        [("单位", 2, "B 上级单位", "The parents go round in a circle: 甲 → 乙 → 甲.")],
    ),
    "a bad kind and category": (
        lambda: workbook([["新区街道", "青山县", "村", "甲类"]], []),
        [
            ("单位", 2, "C 类型", "“村” is not a unit kind."),
            ("单位", 2, "D 类别", "“甲类” is not a ranking category."),
        ],
    ),
    "a bad role": (
        lambda: workbook(people=[["王小明", "wang.xm", "新村社区", "书记", "", ""]]),
        [("人员", 2, "D 角色", "“书记” is not a role.")],
    ),
    "duplicate usernames": (
        lambda: workbook(people=[PEOPLE[0], ["王晓明", "Wang.XM", "新区街道", "liaison", "", ""]]),
        [("人员", 3, "B 用户名", "“Wang.XM” is also in row 2.")],
    ),
    "a username already taken": (
        lambda: workbook(people=[["李明", "township_liaison", "新村社区", "liaison", "", ""]]),
        [("人员", 2, "B 用户名", "A user with that username already exists.")],
    ),
    "a person's unit unknown and a bad e-mail": (
        lambda: workbook(people=[["李明", "li.ming", "火星站", "liaison", "", "not-mail"]]),
        [
            ("人员", 2, "C 单位", "No unit is named “火星站”."),
            ("人员", 2, "F 电子邮箱", "Enter a valid email address."),
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_saying_where_and_writes_nothing(admin_client, case):
    make, expected = BAD_FILES[case]
    before = writes()
    response = dry_run(admin_client, make())
    assert response.status_code == 200
    found = problems_of(response)
    if isinstance(expected, str):
        assert len(found) == 1 and expected in found[0][3], found
    else:
        assert found == expected
    assert "token" not in response.context and "import-confirm" not in response.content.decode()
    assert "orgs_import" not in admin_client.session
    assert writes() == before


@override_settings(LUOSHI_ZIP_MAX_RATIO=10_000)
def test_a_sheet_of_100000_rows_is_refused_by_the_row_limit(admin_client):
    book = Workbook(write_only=True)
    units = book.create_sheet(imports.UNIT_SHEET)
    units.append(list(UNIT_HEADERS))
    for n in range(100_000):
        units.append([f"单位{n}", "青山县", "township", ""])
    book.create_sheet(imports.PEOPLE_SHEET).append(list(PEOPLE_HEADERS))
    out = io.BytesIO()
    book.save(out)
    before = writes()
    response = dry_run(admin_client, out.getvalue())
    assert problems_of(response) == [("单位", 0, "", "The sheet has more than 5000 rows; split the file.")]
    assert writes() == before


def test_the_template_downloads_and_reimports_after_filling_in(admin_client, city):
    response = admin_client.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    units, people = book[imports.UNIT_SHEET], book[imports.PEOPLE_SHEET]
    assert [c.value for c in units[1]] == list(UNIT_HEADERS)
    assert [c.value for c in people[1]] == list(PEOPLE_HEADERS)
    lists = {
        (ws.title, str(v.sqref)): v.formula1
        for ws in (units, people)
        for v in ws.data_validations.dataValidation
    }
    assert len(lists) == 3 and all(f.startswith('"') for f in lists.values())
    units.append(["新区街道", "青山县", "Township or subdistrict", "Township or subdistrict"])
    people.append(["王小明", "wang.xm", "新区街道", "Liaison", "", ""])
    out = io.BytesIO()
    book.save(out)
    token = dry_run(admin_client, out.getvalue()).context["token"]
    assert admin_client.post(reverse("orgs:import_confirm"), {"token": token}).status_code == 200
    assert Unit.objects.get(name="示例局").parent == city.city
    assert User.objects.get(username="zhangsan").unit.name == "示例局"
    assert User.objects.get(username="wang.xm").unit == Unit.objects.get(
        name="新区街道", parent=city.qingshan
    )


@pytest.mark.parametrize("persona", ["city_supervisor", "county_supervisor", "township_liaison", "leader"])
def test_only_an_administrator_may_import(client, city, persona):
    client.force_login(getattr(city, persona))
    before = writes()
    assert client.get(reverse("orgs:import")).status_code == 403
    assert client.get(reverse("orgs:import_template")).status_code == 403
    assert client.post(reverse("orgs:import"), {"file": upload(workbook())}).status_code == 403
    assert client.post(reverse("orgs:import_confirm"), {"token": "x"}).status_code == 403
    assert writes() == before


def test_signed_out_visitors_are_sent_to_sign_in(client, city):
    for name in ("orgs:import", "orgs:import_template"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_file_stating_a_too_small_size_is_read_whole(admin_client):
    data = io.BytesIO(workbook())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
            target.writestr(item, content)
    response = dry_run(admin_client, out.getvalue())
    assert problems_of(response) == []
    assert [p.email for p in response.context["plan"].people] == ["wang@example.cn", ""]
