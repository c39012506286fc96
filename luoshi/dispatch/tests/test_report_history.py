"""A report page shows the report's whole history: each submission as sent, returns with their reasons,
the head's approval and the office's acceptance, in order."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.dispatch import services
from luoshi.dispatch.history import report_history
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def report(city):
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city, needs_head_approval=True)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    return Report.objects.get(task=task, cycle=cycle)


def send(report, by, *, percent, progress, key):
    return services.submit_report(
        report=report,
        by=by,
        data=ReportData(percent=percent, progress=progress, problems="用地指标偏紧"),
        expected_version=Report.objects.get(pk=report.pk).version,
        idempotency_key=key,
    )


def walk_through(report, city, clock):
    """Sent to the head, sent back by the head, approved, returned by the office, sent again, accepted."""
    report = send(report, city.county_liaison, percent=50, progress="完成厂房基础施工。", key="k1")
    clock.advance(hours=2)
    report = services.return_report(report=report, by=city.county_head, comment="请写明完成投资额。")
    clock.advance(hours=1)
    report = send(
        report, city.county_liaison, percent=55, progress="完成基础施工，完成投资8000万元。", key="k2"
    )
    clock.advance(hours=1)
    report = services.approve_report(report=report, by=city.county_head)
    clock.advance(hours=20)
    report = services.return_report(report=report, by=city.city_supervisor, comment="请补充入驻企业数据。")
    clock.advance(hours=2)
    report = send(
        report, city.county_head, percent=60, progress="完成投资8000万元，签约入驻企业3家。", key="k3"
    )
    clock.advance(hours=3)
    services.accept_reports(reports=[report], by=city.city_supervisor)
    return Report.objects.get(pk=report.pk)


def test_the_history_tells_every_submission_return_and_approval_in_order(city, clock, report):
    start = clock.now()
    report = walk_through(report, city, clock)
    steps = report_history(report)
    assert [s.kind for s in steps] == [
        "report.submit_to_head",
        "report.return",
        "report.submit_to_head",
        "report.approve",
        "report.return",
        "report.submit",  # the head sends it straight to the office
        "report.accept",
    ]
    assert [s.content.get("percent") for s in steps] == [50, None, 55, None, None, 60, None]
    assert steps[2].content["progress"] == "完成基础施工，完成投资8000万元。"
    assert [s.reason for s in steps if s.reason] == ["请写明完成投资额。", "请补充入驻企业数据。"]
    assert [s.actor for s in steps] == ["county_liaison", "county_head", "county_liaison", "county_head",
                                        "city_supervisor", "county_head", "city_supervisor"]  # fmt: skip
    hours = [(s.at - start) / dt.timedelta(hours=1) for s in steps]
    assert hours == [0, 2, 3, 4, 24, 26, 29]


def test_a_review_recorded_with_its_own_time_shows_that_time(city, clock, report):
    report = send(report, city.county_head, percent=50, progress="完成厂房基础施工。", key="k1")
    earlier = clock.now() - dt.timedelta(hours=5)
    services.return_report(report=report, by=city.city_supervisor, comment="请补充数据。", at=earlier)
    assert report_history(report)[-1].at == earlier


def test_the_history_is_two_queries_however_long(city, clock, report):
    report = walk_through(report, city, clock)
    with CaptureQueriesContext(connection) as ctx:
        report_history(report)
    assert len(ctx.captured_queries) == 2


def test_the_report_page_shows_the_history_to_the_office_and_the_unit(client, city, clock, report):
    report = walk_through(report, city, clock)
    for persona in (city.city_supervisor, city.county_liaison, city.county_head):
        client.force_login(persona)
        page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
        assert page.count('data-testid="report-history-entry"') == 7, persona
        assert page.count('data-testid="history-content"') == 3
        assert "请写明完成投资额。" in page and "请补充入驻企业数据。" in page
        assert "完成厂房基础施工。" in page  # the first submission's content, replaced since
    client.force_login(city.outsider)
    assert client.get(reverse("dispatch:report_detail", args=[report.pk])).status_code == 404


def test_an_unsent_report_has_no_history_to_show(client, city, report):
    services.save_draft(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=10, progress="草稿"),
        expected_version=1,
    )
    client.force_login(city.county_liaison)
    page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="report-history"' not in page
