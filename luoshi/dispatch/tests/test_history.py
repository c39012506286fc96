import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from luoshi.audit import guard
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.dispatch import services
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
DURING = dt.datetime(2026, 11, 17, 9, 0, tzinfo=TZ)  # week 47, due Friday 11-20 17:00


@pytest.fixture
def report(city):
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=DURING)
    return Report.objects.get(task=task, cycle=cycle)


def photo():
    return SimpleUploadedFile("厂房封顶照片.pdf", b"%PDF-1.7 evidence", content_type="application/pdf")


def send(report, city, *, percent, key):
    return services.submit_report(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=percent, progress="主体结构封顶，累计完成投资2.3亿元。"),
        expected_version=Report.objects.get(pk=report.pk).version,
        idempotency_key=key,
    )


def history_lines(client, user, task):
    client.force_login(user)
    page = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    entries = [
        chunk.split("\n        </li>", 1)[0] for chunk in page.split('data-testid="history-entry">')[1:]
    ]
    return [" ".join(re.sub(r"<[^>]+>", " ", entry).split()) for entry in entries]


def test_the_task_page_tells_a_reports_story_from_submission_to_acceptance(client, city, report):
    services.add_evidence(report=report, by=city.county_liaison, upload=photo())
    send(report, city, percent=80, key="first")
    services.return_report(report=report, by=city.city_supervisor, comment="请补充投资完成数据")
    send(report, city, percent=85, key="again")
    services.accept_reports(reports=[report], by=city.city_supervisor)

    lines = history_lines(client, city.county_liaison, report.task)
    cycle = "一周一调度 第46期（11.16–11.22）"
    supervisor, liaison = city.city_supervisor.display_name, city.county_liaison.display_name
    assert [line.split(" ", 2)[2] for line in lines[:6]] == [
        f"{supervisor} 根据采纳的报告更新了进度 进度（%）： 0 → 85",
        f"{supervisor} 采纳了{cycle}的报告",
        f"{liaison} 报送了{cycle}的报告",
        f"{supervisor} 退回了{cycle}的报告 退回理由： 请补充投资完成数据",
        f"{liaison} 报送了{cycle}的报告",
        f"{liaison} 为报告上传了佐证材料：厂房封顶照片.pdf",
    ]


def test_the_unit_heads_approval_is_in_the_story(client, city, report):
    report.cycle.cadence.needs_head_approval = True
    report.cycle.cadence.save()
    send(report, city, percent=80, key="to-head")
    services.approve_report(report=report, by=city.county_head)

    lines = history_lines(client, city.county_liaison, report.task)
    assert lines[0].endswith(
        f"{city.county_head.display_name} 作为单位负责人审核通过了一周一调度 第46期（11.16–11.22）的报告"
    )
    assert lines[1].endswith("将一周一调度 第46期（11.16–11.22）的报告提交单位负责人审核")


def test_a_reports_and_its_evidences_events_belong_to_the_task_and_a_cycles_to_itself(city, report):
    evidence = services.add_evidence(report=report, by=city.county_liaison, upload=photo())
    send(report, city, percent=80, key="k")
    assert list(AuditEvent.objects.about(report.task).values_list("action", flat=True)) == [
        "task.create",
        "report.evidence",
        "report.submit",
    ]
    assert AuditEvent.objects.about(report.cycle).get().action == "cycle.open"
    seal_all()
    # The evidence's snapshot names only its report: verify looks the report's task up to check it.
    event = AuditEvent.objects.get(action="report.evidence", object_id=str(evidence.pk))
    with guard.lifted(connection), connection.cursor() as cursor:  # as whoever owns the tables can
        cursor.execute("UPDATE audit_auditevent SET subject_id = %s WHERE id = %s", ["0", event.pk])
    assert verify().problems == [
        f"event {event.pk} (report.evidence): its subject plans.task:0 is not "
        f"plans.task:{report.task_id}, which its content names"
    ]
