import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.core import sheets
from luoshi.dispatch.exports import LIGHT_FILLS
from luoshi.dispatch.lights import Light
from luoshi.dispatch.models import TaskLight
from luoshi.plans.services import create_task_list
from luoshi.testing import count_queries, make_task

HEADER = [
    "Number", "Task", "Lead unit", "Co-units", "Responsible leader", "Responsible person", "Deadline",
    "Original deadline", "Progress (%)", "Light",
]  # fmt: skip


@pytest.fixture(autouse=True)
def english(client):
    """Read the sheets in English: the headings then do not wait for the catalogs."""
    client.cookies["django_language"] = "en"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == sheets.XLSX
    return load_workbook(io.BytesIO(response.content))


def rows_of(ws):
    """The sheet below its header, as (kind, values): "group" for a merged heading row, else "task"."""
    merged = {r.min_row for r in ws.merged_cells.ranges}
    out = []
    for row in ws.iter_rows(min_row=sheets.HEADER_ROW + 1, values_only=False):
        values = [c.value for c in row]
        out.append(("group", values[0]) if row[0].row in merged else ("task", values))
    return out


def task_titles(ws):
    return [values[1] for kind, values in rows_of(ws) if kind == "task"]


@pytest.fixture
def tasks(city):
    social = create_task_list(plan=city.plan, name="民生实事清单", by=city.city_supervisor)
    return {
        "roads": make_task(
            city, title="青山县农村公路提档", lead_unit=city.qingshan, due=dt.date(2026, 6, 30)
        ),
        "park": make_task(city, title="青山镇工业园扩区", lead_unit=city.qingshan_town, co_units=[city.fgw]),
        "school": make_task(city, title="青山县新建学校", lead_unit=city.qingshan, task_list=social),
        "baisha": make_task(city, title="白沙县农村公路", lead_unit=city.baisha),
        "formula": make_task(city, title='=HYPERLINK("http://x","点我")', lead_unit=city.qingshan),
    }


def test_the_filtered_task_list_exports_exactly_its_scoped_tasks_grouped_by_list(client, city, tasks):
    client.force_login(city.county_liaison)
    response = client.get(reverse("plans:task_list_export"), {"q": "青山", "sort": "due"})
    ws = workbook(response).active
    assert ws.title == "Task list"
    assert ws["A1"].value == "Task list"
    assert ws["A2"].value == "Office: 青山县    Date: Nov. 18, 2026"
    assert [c.value for c in ws[sheets.HEADER_ROW]] == HEADER
    assert ws.freeze_panes == "A4"
    # The county sees its own and its townships' tasks, not 白沙县's; the keyword keeps those naming 青山.
    assert rows_of(ws) == [
        ("group", "经济发展挑大梁任务清单"),
        ("task", [*row_of(tasks["roads"]), "Red"]),  # nothing done by November: all red
        ("task", [*row_of(tasks["park"]), "Red"]),
        ("group", "民生实事清单"),
        ("task", [*row_of(tasks["school"]), "Red"]),
    ]
    assert "A4:J4" in {str(r) for r in ws.merged_cells.ranges}


def row_of(task):
    co = "、".join(u.name for u in task.co_units.all())
    due = dt.datetime.combine(task.due, dt.time())
    first = dt.datetime.combine(task.first_due, dt.time()) if task.due_was_moved else None
    return [task.code, task.title, task.lead_unit.name, co or None, None, None, due, first, task.progress]


def test_a_light_is_a_coloured_cell(client, city, tasks):
    assert TaskLight.objects.get(task=tasks["roads"]).light == Light.RED
    client.force_login(city.city_supervisor)
    ws = workbook(client.get(reverse("plans:task_list_export"), {"q": "农村公路"})).active
    [roads] = [row for row in ws.iter_rows(min_row=4) if row[1].value == "青山县农村公路提档"]
    assert roads[-1].value == "Red"
    assert roads[-1].fill.fgColor.rgb == "00" + LIGHT_FILLS[Light.RED]


def test_user_text_that_looks_like_a_formula_is_stored_as_text(client, city, tasks):
    client.force_login(city.city_supervisor)
    ws = workbook(client.get(reverse("plans:task_list_export"), {"q": "HYPERLINK"})).active
    [cell] = [row[1] for row in ws.iter_rows(min_row=4) if row[1].value and "HYPERLINK" in row[1].value]
    assert cell.value == tasks["formula"].title
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_the_export_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(client, city, tasks):
    client.force_login(city.city_supervisor)
    ws = workbook(client.get(reverse("plans:task_list_export"))).active
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    assert ws.column_dimensions["B"].width == 40
    assert ws["B4"].alignment.wrap_text or ws["B5"].alignment.wrap_text


def test_a_filter_outside_the_users_scope_answers_404(client, city, tasks):
    client.force_login(city.township_liaison)
    url = reverse("plans:task_list_export")
    assert client.get(url, {"lead_unit": city.baisha.pk}).status_code == 404
    assert client.get(url, {"lead_unit": city.qingshan_town.pk}).status_code == 200


def test_a_units_tasks_export_groups_them_by_unit_and_stays_in_scope(client, city, tasks):
    client.force_login(city.county_supervisor)
    ws = workbook(client.get(reverse("plans:unit_tasks_export", args=[city.qingshan.pk]))).active
    assert ws["A1"].value == "Tasks of 青山县"
    groups = [value for kind, value in rows_of(ws) if kind == "group"]
    assert groups == ["青山县", "青山镇"]
    assert sorted(task_titles(ws)) == sorted(t.title for k, t in tasks.items() if k not in {"baisha"})
    assert client.get(reverse("plans:unit_tasks_export", args=[city.baisha.pk])).status_code == 404
    client.force_login(city.outsider)
    assert client.get(reverse("plans:unit_tasks_export", args=[city.qingshan.pk])).status_code == 404


def test_more_tasks_than_a_workbook_holds_are_refused_not_cut_short(client, city, tasks, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 2)
    client.force_login(city.city_supervisor)
    response = client.get(reverse("plans:task_list_export"), {"q": "公路"})
    assert response.status_code == 200 and response["Content-Type"] == sheets.XLSX  # two fit
    response = client.get(reverse("plans:task_list_export"), {"q": "青山"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("plans:task_list"))


def test_the_export_runs_a_bounded_number_of_queries_for_hundreds_of_tasks(client, city):
    client.force_login(city.city_supervisor)
    for i in range(5):
        make_task(city, title=f"任务{i}", co_units=[city.fgw], owner=city.county_head, leader=city.leader)
    few = count_queries(client, reverse("plans:task_list_export"))
    for i in range(300):
        make_task(city, title=f"更多任务{i}", lead_unit=city.baisha, co_units=[city.fgw, city.qingshan])
    many = count_queries(client, reverse("plans:task_list_export"))
    assert many == few
    assert many <= 12
