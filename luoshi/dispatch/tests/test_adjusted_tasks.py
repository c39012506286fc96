"""A task the office cancels or whose deadline it moves: lights, rollups, cycles and chasing follow."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import reminders, services, status
from luoshi.dispatch.lights import Light, Reason
from luoshi.dispatch.models import Evidence, Report, ReportState, Rollup, TaskLight
from luoshi.dispatch.services import ReportData
from luoshi.notify.models import Notice
from luoshi.plans import adjustments
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
WEEK_46 = dt.datetime(2026, 11, 16, 9, tzinfo=TZ)  # due Friday 2026-11-20 17:00
WEEK_47 = dt.datetime(2026, 11, 23, 9, tzinfo=TZ)


def counts(**rollup):
    row = Rollup.objects.filter(**rollup).first()
    return {k: v for k, v in row.counts().items() if v} if row else {}


def stored():
    lights = dict(TaskLight.objects.values_list("task_id", "light"))
    return lights, status.rollup_numbers()


@pytest.fixture
def late(city):
    """Begun 10-01, due 10-31, unfinished on the fixture's 2026-11-18: red, "the deadline has passed"."""
    return make_task(
        city, title="青山县工业园区标准化厂房", start=dt.date(2026, 10, 1), due=dt.date(2026, 10, 31)
    )


@pytest.fixture
def other(city):
    return make_task(city, title="青山县农村公路提档", due=dt.date(2026, 10, 31))


def cancel(task, city):
    return adjustments.cancel_task(task=task, by=city.city_supervisor, reason="项目已由省里统筹实施")


def test_cancelling_removes_the_light_and_recounts_the_rollups_at_once(city, late, other):
    assert TaskLight.objects.get(task=late).light == Light.RED
    assert counts(unit=city.qingshan) == {"red": 2} and counts(task_list=city.economy) == {"red": 2}
    cancel(late, city)
    assert not TaskLight.objects.filter(task=late).exists()
    assert counts(unit=city.qingshan) == {"red": 1} and counts(task_list=city.economy) == {"red": 1}
    incremental = stored()
    status.rebuild(today=dt.date(2026, 11, 18))
    assert stored() == incremental  # the nightly rebuild agrees: a cancelled task counts nowhere
    status.sweep(today=dt.date(2026, 11, 19))
    assert not TaskLight.objects.filter(task=late).exists()


def test_a_deadline_moved_into_the_future_takes_the_light_off_red_at_once(city, late):
    light = TaskLight.objects.get(task=late)
    assert (light.light, light.reason) == (Light.RED, Reason.DEADLINE_PASSED)
    adjustments.change_deadline(
        task=late, by=city.city_supervisor, new_due=dt.date(2027, 6, 30), reason="省里调整了建设计划"
    )
    light.refresh_from_db()
    assert light.light in (Light.GREEN, Light.YELLOW) and light.reason != Reason.DEADLINE_PASSED
    assert counts(unit=city.qingshan) == {light.light: 1}


def test_a_cancelled_task_gets_no_report_in_the_next_cycle(city, late, other):
    cadence = make_weekly_cadence(city)
    services.open_cycle(cadence=cadence, number=46, now=WEEK_46)
    cancel(late, city)
    cycle = services.open_cycle(cadence=cadence, number=47, now=WEEK_47)
    assert list(Report.objects.filter(cycle=cycle).values_list("task_id", flat=True)) == [other.pk]


def test_its_unsent_reports_in_open_cycles_are_withdrawn_and_sent_ones_stay(
    city, clock, late, other, django_capture_on_commit_callbacks
):
    cadence = make_weekly_cadence(city)
    old = services.open_cycle(cadence=cadence, number=45, now=dt.datetime(2026, 11, 9, 9, tzinfo=TZ))
    sent = Report.objects.get(cycle=old, task=late)
    services.submit_report(
        report=sent, by=city.county_liaison, data=ReportData(percent=40, progress="主体施工"),
        expected_version=1, idempotency_key="sent",
    )  # fmt: skip
    cycle = services.open_cycle(cadence=cadence, number=46, now=WEEK_46)
    draft = Report.objects.get(cycle=cycle, task=late)
    photo = SimpleUploadedFile("现场.pdf", b"%PDF-1.7 site", content_type="application/pdf")
    services.save_draft(
        report=draft, by=city.county_liaison, data=ReportData(percent=50, progress="草稿"),
        expected_version=1, uploads=[photo],
    )  # fmt: skip
    stored_file = Evidence.objects.get(report=draft).file
    assert stored_file.storage.exists(stored_file.name)

    with django_capture_on_commit_callbacks(execute=True):
        cancel(late, city)

    assert not Report.objects.filter(pk=draft.pk).exists()
    assert not stored_file.storage.exists(stored_file.name)  # its evidence leaves storage with it
    assert Report.objects.filter(pk=sent.pk, state=ReportState.SUBMITTED).exists()  # kept in history
    assert Report.objects.filter(cycle=cycle, task=other).exists()
    withdrawn = AuditEvent.objects.get(action="report.withdraw")
    assert withdrawn.object_id == str(draft.pk) and withdrawn.before["state"] == "draft"
    assert withdrawn.subject_id == str(late.pk)  # in the task's history


def test_a_report_sent_once_stays_but_is_no_longer_chased_or_marked_late(city, clock, late):
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=WEEK_46)
    report = Report.objects.get(cycle=cycle, task=late)
    services.submit_report(
        report=report, by=city.county_liaison, data=ReportData(percent=40, progress="主体施工"),
        expected_version=1, idempotency_key="once",
    )  # fmt: skip
    services.return_report(report=report, by=city.city_supervisor, comment="请补充数据")
    cancel(late, city)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED  # its submission is history: it stays

    with pytest.raises(ValidationError):
        services.submit_report(
            report=report, by=city.county_liaison, data=ReportData(percent=45, progress="再报"),
            expected_version=report.version, idempotency_key="again",
        )  # fmt: skip
    assert reminders.remind_before_due(now=dt.datetime(2026, 11, 19, 18, tzinfo=TZ)) == 0
    assert reminders.mark_late(now=dt.datetime(2026, 11, 21, 9, tzinfo=TZ)) == 0
    assert not reminders.chase_cycle(cycle=cycle, by=city.city_supervisor).reminded
    reminders.send_cycle_digests(now=dt.datetime(2026, 11, 21, 9, tzinfo=TZ))
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert not kinds & {"report_due", "report_late", "report_chase", "cycle_digest", "escalation"}


def test_a_cancelled_task_joins_no_cycle_and_leaves_the_inbox(client, city, late):
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=WEEK_46)
    cancel(late, city)
    from luoshi.dispatch.cycles import join_open_cycles

    assert join_open_cycles(task_ids=[late.pk], now=WEEK_46) == []
    assert not Report.objects.filter(cycle=cycle, task=late).exists()
    client.force_login(city.county_liaison)
    response = client.get("/reports/")
    assert late.title not in response.content.decode()


def test_a_report_awaiting_its_head_cannot_be_approved_once_the_task_is_cancelled(city, late):
    cadence = make_weekly_cadence(city, needs_head_approval=True)
    cycle = services.open_cycle(cadence=cadence, number=46, now=WEEK_46)
    report = services.submit_report(
        report=Report.objects.get(cycle=cycle, task=late), by=city.county_liaison,
        data=ReportData(percent=40, progress="主体施工"), expected_version=1, idempotency_key="head",
    )  # fmt: skip
    assert report.state == ReportState.AWAITING_APPROVAL
    cancel(late, city)
    with pytest.raises(ValidationError, match="cancelled|撤销"):
        services.approve_report(report=report, by=city.county_head)
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_APPROVAL
    assert not Notice.objects.filter(kind="report_submitted").exists()  # the office is not asked to review it
