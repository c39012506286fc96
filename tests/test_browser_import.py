"""End to end in Chromium: an administrator imports a unit tree and its people from an .xlsx (issue 9, 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from luoshi.orgs.imports import PEOPLE_HEADERS, PEOPLE_SHEET, UNIT_HEADERS, UNIT_SHEET
from luoshi.orgs.models import Unit, User

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def xlsx(path, units, people):
    book = Workbook()
    sheet = book.active
    sheet.title = UNIT_SHEET
    for row in [list(UNIT_HEADERS), *units]:
        sheet.append(row)
    sheet = book.create_sheet(PEOPLE_SHEET)
    for row in [list(PEOPLE_HEADERS), *people]:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_administrator_imports_units_and_people(browse, live_city, tmp_path, size):
    suffix = "甲" if size == "desktop" else "乙"
    bad = xlsx(
        tmp_path / "有误的名册.xlsx",
        [["东片区", "西片区", "township", ""], ["西片区", "东片区", "township", ""]],
        [["孙丽", "sun.li", "东片区", "书记", "", ""]],
    )
    good = xlsx(
        tmp_path / "组织架构.xlsx",
        [
            [f"新村社区{suffix}", f"新区街道{suffix}", "乡镇（街道）", ""],  # a child before its parent
            [f"新区街道{suffix}", "青山县", "Township or subdistrict", ""],
        ],
        [
            ["王小明", f"wang.{size}", f"新村社区{suffix}", "liaison", "13800000001", "wang@example.cn"],
            ["赵敏", f"zhao.{size}", f"新区街道{suffix}", "unit_head", "", ""],
        ],
    )
    admin = browse(**PHONE) if size == "phone" else browse()
    admin.sign_in("admin")
    admin.open(reverse("orgs:unit_tree"))
    admin.page.get_by_test_id("import-link").click()

    admin.page.set_input_files("#id_file", str(bad))
    admin.page.get_by_test_id("import-check").click()
    problems = admin.page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("东片区 → 西片区 → 东片区")
    expect(problems).to_contain_text("书记")
    expect(admin.page.get_by_test_id("import-confirm")).to_have_count(0)
    admin.screenshot(f"import-problems-{size}")

    admin.page.set_input_files("#id_file", str(good))
    admin.page.get_by_test_id("import-check").click()
    preview = admin.page.get_by_test_id("import-preview")
    expect(preview).to_contain_text(f"新区街道{suffix}")
    expect(preview).to_contain_text(f"zhao.{size}")
    admin.screenshot(f"import-preview-{size}")
    assert not Unit.objects.filter(name=f"新区街道{suffix}").exists()

    admin.page.get_by_test_id("import-confirm").click()
    done = admin.page.get_by_test_id("import-done")
    expect(done).to_be_visible()
    secrets = admin.page.get_by_test_id("one-time-password")
    expect(secrets).to_have_count(2)
    admin.screenshot(f"import-done-{size}")
    street = Unit.objects.get(name=f"新区街道{suffix}", parent=live_city.qingshan)
    assert Unit.objects.get(name=f"新村社区{suffix}").parent == street
    wang = User.objects.get(username=f"wang.{size}")
    assert wang.must_change_password and wang.check_password(secrets.first.inner_text().strip())
    assert not Unit.objects.filter(name="东片区").exists()
