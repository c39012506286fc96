import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services, status
from luoshi.dispatch.models import Report, ReportState, Rollup, Submission, TaskLight
from luoshi.dispatch.services import ReportData
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
# Week 47 of 2026: Monday 11-16 to Sunday 11-22, due Friday 11-20 17:00.
DURING = dt.datetime(2026, 11, 17, 9, 0, tzinfo=TZ)
AFTER_DUE = dt.datetime(2026, 11, 20, 18, 0, tzinfo=TZ)


@pytest.fixture
def weekly(city):
    task = make_task(
        city,
        title="推进青山县工业园区标准化厂房建设",
        lead_unit=city.qingshan,
        start=dt.date(2026, 1, 1),
        due=dt.date(2026, 12, 31),
        milestones=[MilestoneSpec("主体完工", dt.date(2026, 9, 30), 70)],
    )
    sub = make_task(
        city, by=city.county_supervisor, parent=task, lead_unit=city.qingshan_town, title="青山镇片区厂房"
    )
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=DURING)
    return task, sub, cycle


def report_of(task, cycle):
    return Report.objects.get(task=task, cycle=cycle)


GOOD = ReportData(
    percent=75,
    progress="完成主体结构封顶，累计完成投资2.3亿元。",
    problems="用地指标紧张",
    next_steps="推进内部装修",
)


def test_opening_a_cycle_asks_every_task_for_a_report_and_lower_levels_earlier(weekly):
    task, sub, cycle = weekly
    assert cycle.due_at == dt.datetime(2026, 11, 20, 17, 0, tzinfo=TZ)
    assert report_of(task, cycle).due_at == cycle.due_at
    assert report_of(sub, cycle).due_at == dt.datetime(2026, 11, 19, 17, 0, tzinfo=TZ)
    assert report_of(task, cycle).state == ReportState.PENDING
    assert AuditEvent.objects.filter(action="cycle.open").count() == 1


def test_a_double_submit_makes_one_report_submission(city, weekly):
    task, _, cycle = weekly
    report = report_of(task, cycle)
    first = services.submit_report(
        report=report, by=city.county_liaison, data=GOOD, expected_version=1, idempotency_key="k-1"
    )
    again = services.submit_report(
        report=report, by=city.county_liaison, data=GOOD, expected_version=1, idempotency_key="k-1"
    )
    assert first.pk == again.pk and again.state == ReportState.SUBMITTED and again.version == 2
    assert Submission.objects.filter(report=report).count() == 1
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


def test_two_concurrent_edits_give_one_clear_conflict(city, weekly):
    task, _, cycle = weekly
    report = report_of(task, cycle)
    services.save_draft(report=report, by=city.county_liaison, data=GOOD, expected_version=1)
    other = ReportData(percent=10, progress="另一位联络员的草稿")
    with pytest.raises(services.StaleVersion):
        services.save_draft(report=report, by=city.county_head, data=other, expected_version=1)
    assert report_of(task, cycle).percent == 75


def test_returned_then_resubmitted_then_accepted_moves_the_light_and_the_rollup(city, weekly):
    task, _, cycle = weekly
    status.refresh([task], today=dt.date(2026, 11, 21))
    assert TaskLight.objects.get(task=task).light == "red"  # nothing reported, far behind
    report = report_of(task, cycle)
    services.submit_report(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=80, progress="形势较好"),
        expected_version=1,
        idempotency_key="a",
    )
    returned = services.return_report(report=report, by=city.city_supervisor, comment="请补充投资完成数据")
    assert returned.state == ReportState.RETURNED
    # Expected on 11-21: 70% at the 09-30 milestone rising to 100% at 12-31, about 87%.
    caught_up = ReportData(percent=85, progress="主体结构封顶，累计完成投资2.3亿元。")
    services.submit_report(
        report=report,
        by=city.county_liaison,
        data=caught_up,
        expected_version=returned.version,
        idempotency_key="b",
    )
    assert (
        services.accept_reports(reports=[report], by=city.city_supervisor, today=dt.date(2026, 11, 21)) == 1
    )
    task.refresh_from_db()
    assert task.progress == 85
    light = TaskLight.objects.get(task=task)
    assert light.light == "green" and float(light.actual) == 85
    unit_rollup = Rollup.objects.get(unit=city.qingshan)
    assert (unit_rollup.green, unit_rollup.red) == (1, 0)


def test_a_liaison_cannot_review_and_an_outsider_cannot_report(city, weekly):
    task, _, cycle = weekly
    report = report_of(task, cycle)
    with pytest.raises(PermissionDenied):
        services.submit_report(
            report=report, by=city.outsider, data=GOOD, expected_version=1, idempotency_key="x"
        )
    services.submit_report(
        report=report, by=city.county_liaison, data=GOOD, expected_version=1, idempotency_key="y"
    )
    with pytest.raises(PermissionDenied):
        services.accept_reports(reports=[report], by=city.county_liaison)


def test_a_submit_without_progress_says_which_fields(city, weekly):
    task, _, cycle = weekly
    with pytest.raises(ValidationError) as err:
        services.submit_report(
            report=report_of(task, cycle),
            by=city.county_liaison,
            data=ReportData(percent=None, progress=""),
            expected_version=1,
            idempotency_key="z",
        )
    assert set(err.value.message_dict) == {"percent", "progress"}
    assert not Submission.objects.exists()


def test_the_rebuild_equals_the_incremental_rollups(city, weekly):
    task, sub, cycle = weekly
    today = dt.date(2026, 11, 21)
    status.sweep(today=today)
    for t, percent in ((task, 75), (sub, 30)):
        r = report_of(t, cycle)
        who = city.county_liaison if t == task else city.township_liaison
        services.submit_report(
            report=r,
            by=who,
            data=ReportData(percent=percent, progress="按计划推进"),
            expected_version=1,
            idempotency_key=f"k{t.pk}",
        )
    services.accept_reports(
        reports=list(Report.objects.filter(cycle=cycle)), by=city.city_supervisor, today=today
    )
    incremental = status.rollup_numbers()
    lights = dict(TaskLight.objects.values_list("task_id", "light"))
    status.rebuild(today=today)
    assert status.rollup_numbers() == incremental
    assert dict(TaskLight.objects.values_list("task_id", "light")) == lights


def test_a_cycle_closes_a_week_after_its_due_time_and_then_refuses_reports(city, weekly):
    task, _, cycle = weekly
    assert services.close_cycles(now=cycle.due_at + dt.timedelta(days=6)) == []
    assert services.close_cycles(now=cycle.due_at + dt.timedelta(days=8)) == [cycle]
    with pytest.raises(ValidationError, match="closed|关闭"):
        services.submit_report(
            report=report_of(task, cycle),
            by=city.county_liaison,
            data=GOOD,
            expected_version=1,
            idempotency_key="late",
        )
    assert AuditEvent.objects.filter(action="cycle.close").count() == 1


def test_with_head_approval_a_report_waits_for_the_unit_head(city, weekly):
    task, _, cycle = weekly
    cycle.cadence.needs_head_approval = True
    cycle.cadence.save()
    report = services.submit_report(
        report=report_of(task, cycle),
        by=city.county_liaison,
        data=GOOD,
        expected_version=1,
        idempotency_key="h",
    )
    assert report.state == ReportState.AWAITING_APPROVAL
    with pytest.raises(ValidationError):
        services.accept_reports(reports=[report], by=city.city_supervisor)
    with pytest.raises(PermissionDenied):
        services.approve_report(report=report, by=city.county_liaison)
    assert services.approve_report(report=report, by=city.county_head).state == ReportState.SUBMITTED
    assert services.accept_reports(reports=[report], by=city.city_supervisor) == 1


def test_a_sent_report_carries_advice_for_the_reviewer(city, weekly):
    task, _, cycle = weekly
    slogans = ReportData(percent=50, progress="高度重视，精心组织，扎实推进，狠抓落实，取得明显成效。")
    report = services.submit_report(
        report=report_of(task, cycle),
        by=city.county_liaison,
        data=slogans,
        expected_version=1,
        idempotency_key="s",
    )
    codes = {flag["code"] for flag in report.quality_flags}
    assert {"no_facts", "slogans"} <= codes
    assert all("reason" not in flag for flag in report.quality_flags)  # words are the page's job
    next_cycle = services.open_cycle(cadence=cycle.cadence, number=47, now=cycle.due_at)
    again = services.submit_report(
        report=report_of(task, next_cycle),
        by=city.county_liaison,
        data=slogans,
        expected_version=1,
        idempotency_key="s2",
    )
    assert "near_duplicate" in {flag["code"] for flag in again.quality_flags}
    factual = ReportData(
        percent=60, progress="本周完成厂房主体结构封顶，累计完成投资2.3亿元，新签约入驻企业3家。"
    )
    third = services.open_cycle(cadence=cycle.cadence, number=48, now=next_cycle.due_at)
    good = services.submit_report(
        report=report_of(task, third),
        by=city.county_liaison,
        data=factual,
        expected_version=1,
        idempotency_key="s3",
    )
    assert good.quality_flags == []


def test_a_report_accepted_before_its_cycle_is_due_moves_the_light_at_once(city, weekly, clock):
    task, _, cycle = weekly
    clock.set(dt.datetime(2026, 11, 17, 15, 0, tzinfo=TZ))  # Tuesday; the cycle is due on Friday
    report = report_of(task, cycle)
    services.submit_report(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=85, progress="主体结构封顶，累计完成投资2.3亿元。"),
        expected_version=1,
        idempotency_key="early",
    )
    services.accept_reports(reports=[report], by=city.city_supervisor)
    light = TaskLight.objects.get(task=task)
    assert (light.light, float(light.actual)) == ("green", 85)
    assert status.facts_for([task], clock.today())[task.pk].reported_progress == 85
