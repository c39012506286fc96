import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.core import sheets
from luoshi.dispatch import services
from luoshi.dispatch.exports import LIGHT_FILLS
from luoshi.dispatch.lights import Light
from luoshi.dispatch.models import Report, TaskLight
from luoshi.testing import count_queries, make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def cycle(city):
    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    make_task(city, title="青山镇的道路", lead_unit=city.qingshan_town)
    make_task(city, title="白沙县的农村公路", lead_unit=city.baisha)
    cadence = make_weekly_cadence(city)
    return services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))


def send(city, cycle, title, by, progress):
    report = Report.objects.get(cycle=cycle, task__title=title)
    data = services.ReportData(percent=60, progress=progress)
    services.submit_report(
        report=report, by=by, data=data, expected_version=report.version, idempotency_key="k1"
    )


def export(client, cycle, **params):
    response = client.get(reverse("dispatch:cycle_export", args=[cycle.pk]), params)
    assert response.status_code == 200 and response["Content-Type"] == sheets.XLSX
    return load_workbook(io.BytesIO(response.content))


def body(ws):
    merged = {r.min_row for r in ws.merged_cells.ranges}
    return [
        ("group", row[0].value) if row[0].row in merged else (row[1].value, row[2].value, row[6].value)
        for row in ws.iter_rows(min_row=sheets.HEADER_ROW + 1)
    ]


def test_a_cycles_reports_export_by_unit_with_who_has_not_reported(client, city, cycle):
    send(city, cycle, "青山县的厂房建设", city.county_liaison, "=1+1 主体完工")
    client.force_login(city.city_supervisor)
    reports, missing = export(client, cycle).worksheets
    assert reports["A1"].value.startswith("Reports: ")
    assert [c.value for c in reports[3]][:3] == ["Number", "Task", "State"]
    assert reports.freeze_panes == "A4"
    assert body(reports) == [
        ("group", "青山县"),
        ("青山县的厂房建设", "Submitted", "=1+1 主体完工"),
        ("group", "青山镇"),
        ("青山镇的道路", "Not started", None),
        ("group", "白沙县"),
        ("白沙县的农村公路", "Not started", None),
    ]
    sent = reports.cell(row=5, column=7)
    assert sent.data_type == "s" and sent.quotePrefix  # stored as text, never evaluated
    light = reports.cell(row=5, column=12)  # after the deadline and the original deadline
    stored = Light(TaskLight.objects.get(task__title="青山县的厂房建设").light)
    assert light.value == stored.name.title() and light.fill.fgColor.rgb == "00" + LIGHT_FILLS[stored]
    assert missing.title == "Not reported"
    assert [(r[0].value, r[1].value) for r in missing.iter_rows(min_row=4)] == [
        ("青山镇", None),
        ("2", "青山镇的道路"),
        ("白沙县", None),
        ("3", "白沙县的农村公路"),
    ]


def test_the_cycle_export_follows_the_page_filters_and_the_users_scope(client, city, cycle):
    client.force_login(city.county_liaison)
    reports, missing = export(client, cycle, state="pending").worksheets
    titles = [row[1].value for row in reports.iter_rows(min_row=4) if row[1].value]
    assert titles == ["青山县的厂房建设", "青山镇的道路"]  # the county's and its township's, not 白沙县's
    url = reverse("dispatch:cycle_export", args=[cycle.pk])
    assert client.get(url, {"unit": city.baisha.pk}).status_code == 404
    client.force_login(city.department_liaison)
    assert client.get(url).status_code == 404  # a unit with nothing in the cycle does not see it


def test_the_cycle_export_runs_a_bounded_number_of_queries(client, city, cycle):
    client.force_login(city.city_supervisor)
    url = reverse("dispatch:cycle_export", args=[cycle.pk])
    few = count_queries(client, url)
    for i in range(200):
        make_task(city, title=f"新任务{i}", lead_unit=city.baisha if i % 2 else city.qingshan)
    services.open_cycle(cadence=cycle.cadence, number=47, now=dt.datetime(2026, 11, 23, 9, tzinfo=TZ))
    later = cycle.cadence.cycles.get(number=47)
    assert count_queries(client, reverse("dispatch:cycle_export", args=[later.pk])) == few
