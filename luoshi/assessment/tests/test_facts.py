"""The facts a run reads, made through the services a unit and the office use: reports sent on time or late,
deliveries accepted at once or after a rejection, and nothing judged before its deadline has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.assessment import facts
from luoshi.assessment.models import Metric
from luoshi.core import clock as core_clock
from luoshi.dispatch import reminders, services
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import ReportData
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep
from luoshi.plans import deliveries
from luoshi.testing import make_task, make_weekly_cadence

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
AS_OF = core_clock.at_local(dt.date(2026, 11, 18), dt.time(10))


def window(as_of=AS_OF):
    return facts.Window(START, END, as_of)


def at(day: int, hour: int = 10) -> dt.datetime:
    return core_clock.at_local(dt.date(2026, 10, day), dt.time(hour))


@pytest.fixture
def weeks(city, clock):
    """Weeks 40 and 41 (due Friday 10-09 and 10-16 at 17:00): 青山县 sends the first on time and the second
    late; 白沙县 misses the first and sends the second on time. Week 47 is due after the instant."""
    install_default_ladder(EscalationStep)
    make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)
    cadence = make_weekly_cadence(city)
    sent: dict[tuple[str, int], Report] = {}
    for number, due_day in ((40, 9), (41, 16)):
        clock.set(at(due_day - 4, 9))
        cycle = services.open_cycle(cadence=cadence, number=number, now=clock.now())
        for report in Report.objects.filter(cycle=cycle).select_related("unit"):
            sent[(report.unit.name, number)] = report
    send(clock, city.county_liaison, sent[("青山县", 40)], at(8))
    reminders.mark_late(now=at(9, 18))
    send(clock, city.outsider, sent[("白沙县", 41)], at(15))
    reminders.mark_late(now=at(16, 18))
    send(clock, city.county_liaison, sent[("青山县", 41)], at(19))
    clock.set(core_clock.at_local(dt.date(2026, 11, 16), dt.time(9)))
    services.open_cycle(cadence=cadence, number=47, now=clock.now())  # due 11-20: not yet judged
    return sent


def send(clock, person, report, when):
    clock.set(when)
    report.refresh_from_db()
    services.submit_report(
        report=report, by=person, data=ReportData(percent=50, progress="按计划推进"),
        expected_version=report.version, idempotency_key=f"r{report.pk}",
    )  # fmt: skip


def test_a_report_counts_on_time_only_if_sent_before_it_was_late(city, weeks):
    counted = facts.collect([Metric.REPORTS_ON_TIME], [city.qingshan.pk, city.baisha.pk], window())
    by_unit = counted[Metric.REPORTS_ON_TIME]
    qingshan, baisha = by_unit[city.qingshan.pk], by_unit[city.baisha.pk]
    assert (len(qingshan.rows), qingshan.misses) == (2, [weeks[("青山县", 41)].pk])
    assert (len(baisha.rows), baisha.misses) == (2, [weeks[("白沙县", 40)].pk])


def test_a_report_not_yet_due_at_the_instant_is_not_judged(city, weeks):
    early = core_clock.at_local(dt.date(2026, 10, 12), dt.time(9))  # after week 40's deadline, before 41's
    counted = facts.collect([Metric.REPORTS_ON_TIME], [city.qingshan.pk], window(early))
    assert len(counted[Metric.REPORTS_ON_TIME][city.qingshan.pk].rows) == 1


def test_a_delivery_accepted_after_a_rejection_is_not_first_time(city, clock):
    office = city.city_supervisor
    first = make_task(city, title="建成青山县污水处理厂", lead_unit=city.qingshan)
    second = make_task(city, title="建成白沙县垃圾转运站", lead_unit=city.baisha)
    clock.set(at(5))
    d1 = deliveries.submit_delivery(task=first, by=city.county_liaison, statement="已建成")
    d2 = deliveries.submit_delivery(task=second, by=city.outsider, statement="已建成")
    clock.set(at(8))
    deliveries.reject_delivery(delivery=d2, by=office, reason="缺少竣工验收材料")
    deliveries.accept_delivery(delivery=d1, by=office)
    clock.set(at(12))
    again = deliveries.submit_delivery(task=second, by=city.outsider, statement="已补充竣工验收材料")
    clock.set(at(14))
    deliveries.accept_delivery(delivery=again, by=office)
    counted = facts.collect([Metric.DELIVERIES_FIRST_TIME], [city.qingshan.pk, city.baisha.pk], window())
    by_unit = counted[Metric.DELIVERIES_FIRST_TIME]
    assert (by_unit[city.qingshan.pk].rows, by_unit[city.qingshan.pk].misses) == ([d1.pk], [])
    assert (by_unit[city.baisha.pk].rows, by_unit[city.baisha.pk].misses) == ([again.pk], [again.pk])
