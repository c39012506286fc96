"""A cycle passing its due time: late marks, reminders by e-mail and group robot, and the ladder."""

import datetime as dt

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import reminders, services
from luoshi.dispatch.models import Escalation, Report
from luoshi.dispatch.services import ReportData
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep, Notice
from luoshi.notify.services import add_webhook
from luoshi.testing import make_task, make_weekly_cadence

pytestmark = pytest.mark.usefixtures("huey_inline", "loopback_robots")
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def ladder(db):
    # Browser tests flush the database, data migrations included; put the default ladder back.
    install_default_ladder(EscalationStep)


@pytest.fixture
def week(city, clock):
    city.county_liaison.email = "qs@example.gov.cn"
    city.county_liaison.save()
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    done_task = make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)
    cadence = make_weekly_cadence(city, grace_minutes=30)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    sent = Report.objects.get(task=done_task, cycle=cycle)
    clock.set(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC))
    services.submit_report(
        report=sent,
        by=city.outsider,
        data=ReportData(percent=50, progress="路基完成"),
        expected_version=1,
        idempotency_key="bs",
    )
    return task, cycle


def test_reminders_go_once_the_day_before_the_due_time(
    city, week, mailoutbox, receiver, django_capture_on_commit_callbacks
):
    add_webhook(unit=city.qingshan, platform="dingtalk", url=receiver.url("/ding"), by=city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_before_due(now=dt.datetime(2026, 11, 19, 18, tzinfo=TZ)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_before_due(now=dt.datetime(2026, 11, 19, 19, tzinfo=TZ)) == 0
    assert [m.to for m in mailoutbox] == [["qs@example.gov.cn"]]
    assert "推进青山县工业园区标准化厂房建设" in receiver.to("/ding")[0].body["markdown"]["text"]
    assert AuditEvent.objects.filter(action="report.remind").count() == 1


def test_a_cycle_passing_its_due_time_marks_missing_reports_late_and_chases_them(
    city, week, mailoutbox, receiver, django_capture_on_commit_callbacks
):
    task, cycle = week
    add_webhook(unit=city.qingshan, platform="wecom", url=receiver.url("/wecom"), by=city.city_supervisor)
    within_grace = dt.datetime(2026, 11, 20, 17, 20, tzinfo=TZ)
    assert reminders.mark_late(now=within_grace) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.mark_late(now=dt.datetime(2026, 11, 20, 17, 31, tzinfo=TZ)) == 1
    late = Report.objects.get(task=task, cycle=cycle)
    assert late.is_late
    assert not Report.objects.exclude(pk=late.pk).filter(is_late=True).exists()  # the sent one is on time
    assert [m.to for m in mailoutbox] == [["qs@example.gov.cn"]]
    assert "逾期" in mailoutbox[0].subject or "overdue" in mailoutbox[0].subject
    assert len(receiver.to("/wecom")) == 1
    assert Notice.objects.filter(recipient=city.county_head, kind="report_late").exists()
    assert not Notice.objects.filter(recipient=city.outsider).exists()
    assert AuditEvent.objects.filter(action="report.late", object_id=str(late.pk)).exists()
    assert not Escalation.objects.filter(
        task=task
    ).exists()  # one late report: the late notice is the reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.mark_late(now=dt.datetime(2026, 11, 21, 9, tzinfo=TZ)) == 0  # marked once
    assert len(mailoutbox) == 1


def test_late_cycles_in_a_row_climb_the_ladder(city, week, django_capture_on_commit_callbacks):
    task, cycle = week
    cadence = cycle.cadence
    for number, friday in ((46, 20), (47, 27)):
        services.open_cycle(cadence=cadence, number=number, now=dt.datetime(2026, 11, friday - 4, tzinfo=TZ))
        with django_capture_on_commit_callbacks(execute=True):
            reminders.mark_late(now=dt.datetime(2026, 11, friday, 18, tzinfo=TZ))
    steps = list(
        Escalation.objects.filter(task=task).order_by("step__order").values_list("step__name", flat=True)
    )
    assert steps == ["蓝色督办单"]
    assert AuditEvent.objects.filter(action="task.escalate").count() == 1


def test_a_task_already_higher_up_the_ladder_is_not_sent_a_lower_rung(
    city, week, django_capture_on_commit_callbacks
):
    task, cycle = week
    yellow = EscalationStep.objects.get(name="黄色督办单")
    Escalation.objects.create(
        task=task, step=yellow, cycle=cycle, created_at=dt.datetime(2026, 11, 1, tzinfo=TZ)
    )
    for number, friday in ((46, 20), (47, 27)):  # two late in a row reach the blue rung, below yellow
        services.open_cycle(
            cadence=cycle.cadence, number=number, now=dt.datetime(2026, 11, friday - 4, tzinfo=TZ)
        )
        with django_capture_on_commit_callbacks(execute=True):
            reminders.mark_late(now=dt.datetime(2026, 11, friday, 18, tzinfo=TZ))
    assert list(Escalation.objects.filter(task=task).values_list("step__name", flat=True)) == ["黄色督办单"]
    assert not AuditEvent.objects.filter(action="task.escalate").exists()


@pytest.mark.parametrize("batch", [1, reminders.BATCH])
def test_a_tick_after_days_down_takes_every_late_report_in_chunks_of_whole_units(
    city, week, monkeypatch, batch, django_capture_on_commit_callbacks
):
    """Three weeks gone late at once (the worker was down): in chunks of one report, as in one chunk, every
    report is marked once, each unit hears once of all of its own, and the ladder climbs as it would have
    week by week; a chunk never splits a unit's reports, so nobody gets their list in pieces."""
    monkeypatch.setattr(reminders, "BATCH", batch)
    _task, cycle = week
    make_task(city, title="白沙县污水管网改造", lead_unit=city.baisha)
    for number, friday in ((47, 27), (48, 34)):
        services.open_cycle(
            cadence=cycle.cadence, number=number, now=dt.datetime(2026, 11, friday - 4, tzinfo=TZ)
        )
    unsent = set(Report.objects.filter(submitted_at__isnull=True).values_list("pk", flat=True))
    assert len(unsent) == 8  # 青山县's task and the new one three weeks each, the sent one's next two
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.mark_late(now=dt.datetime(2026, 12, 5, 18, tzinfo=TZ)) == len(unsent)
    assert set(Report.objects.filter(is_late=True).values_list("pk", flat=True)) == unsent
    assert AuditEvent.objects.filter(action="report.late", before={"is_late": False}).count() == len(unsent)
    notices = list(Notice.objects.filter(kind="report_late").values_list("recipient_id", "params"))
    assert {(p["unit"], p["n"]) for _r, p in notices} == {(city.qingshan.pk, 3), (city.baisha.pk, 5)}
    told = [r for r, _p in notices]
    assert len(told) == len(set(told)) and city.county_head.pk in told  # each person told once
    climbed = Escalation.objects.order_by("task_id", "step__order").values_list("task__title", "step__name")
    assert list(climbed) == [
        ("推进青山县工业园区标准化厂房建设", "蓝色督办单"),
        ("推进青山县工业园区标准化厂房建设", "黄色督办单"),
        ("白沙县农村公路提档升级", "蓝色督办单"),
        ("白沙县污水管网改造", "蓝色督办单"),
        ("白沙县污水管网改造", "黄色督办单"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.mark_late(now=dt.datetime(2026, 12, 5, 19, tzinfo=TZ)) == 0  # done stays done
