"""The next meeting opens with what became of the last one's decisions (议而不决、决而不行 made visible)."""

from __future__ import annotations

import datetime as dt

from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report
from luoshi.meetings import services
from luoshi.meetings.tests.factory import make_meeting
from luoshi.supervision import services as supervision
from luoshi.testing import make_task, make_weekly_cadence


def decide(city, meeting, unit, text, due, task=None):
    entry = meeting.entries.filter(task=task).first() if task else None
    return services.record_decision(
        meeting=meeting, by=city.city_supervisor, text=text, lead_unit=unit, due=due, entry=entry
    )


def test_the_next_meeting_opens_with_each_decisions_fate(city, clock):
    office = city.city_supervisor
    task = make_task(city, title="青山县标准化厂房建设", lead_unit=city.qingshan)
    weekly = make_weekly_cadence(city)
    first = make_meeting(city, title="第11次调度会", units=[city.qingshan, city.fgw])
    first = services.hold_meeting(meeting=first, by=office)
    done = decide(city, first, city.fgw, "市发展改革委：11月25日前完成用地指标调剂", dt.date(2026, 11, 25))
    late = decide(city, first, city.qingshan, "青山县：11月28日前完成厂房验收", dt.date(2026, 11, 28))
    working = decide(
        city, first, city.qingshan, "青山县：12月底前完成招商签约", dt.date(2026, 12, 31), task=task
    )
    idle = decide(city, first, city.qingshan_town, "青山镇：12月底前完成征迁", dt.date(2026, 12, 31))
    first = services.close_minutes(meeting=first, by=office, minutes="")
    done.refresh_from_db()
    working.refresh_from_db()
    # 市发展改革委 did it; 青山县 signed for the second and reported on the task; nothing else moved.
    supervision.sign_item(item=done.item, by=city.department_liaison)
    supervision.submit_feedback(
        item=done.item, by=city.department_liaison, statement="已调剂到位", uploads=[]
    )
    supervision.close_item(item=done.item, by=office)
    supervision.sign_item(item=working.item, by=city.county_liaison)
    cycle = dispatch.open_cycle(cadence=weekly, number=48, now=clock.now())
    pending = Report.objects.get(cycle=cycle, task=task)
    dispatch.submit_report(
        report=pending,
        by=city.county_liaison,
        data=dispatch.ReportData(percent=40, progress="已与两家企业达成意向"),
        expected_version=pending.version,
        idempotency_key="followup-1",
    )
    clock.set(dt.date(2026, 12, 2))
    second = make_meeting(city, title="第12次调度会", units=[city.qingshan, city.fgw])
    assert second.previous == first
    opening = [(e.kind, e.decision_id, e.facts["fate"]) for e in second.entries.order_by("order")[:4]]
    assert opening == [
        ("followup", late.pk, "overdue"),
        ("followup", idle.pk, "no_progress"),
        ("followup", working.pk, "in_progress"),
        ("followup", done.pk, "done"),
    ]
    # The overdue item shows once, as the fate of its decision, not again as an overdue item.
    assert not second.entries.filter(kind="overdue_item", item__meeting_decision=late).exists()


def test_a_decision_of_minutes_never_closed_shows_as_never_tracked(city, clock):
    office = city.city_supervisor
    first = services.hold_meeting(meeting=make_meeting(city, title="第11次调度会"), by=office)
    decision = decide(city, first, city.qingshan, "青山县：完成厂房验收", dt.date(2026, 11, 28))
    clock.set(dt.date(2026, 12, 2))
    second = make_meeting(city, title="第12次调度会")
    entry = second.entries.get(kind="followup")
    assert (entry.decision, entry.facts["fate"], entry.item) == (decision, "no_item", None)


def test_a_meeting_reviews_the_last_one_held_on_its_own_list(city, clock):
    office = city.city_supervisor
    on_list = services.hold_meeting(meeting=make_meeting(city, title="清单调度会"), by=office)
    services.hold_meeting(
        meeting=make_meeting(city, title="片区调度会", task_list=None, units=[city.fgw]), by=office
    )
    make_meeting(city, title="筹备中的清单调度会")  # not held: nothing to review yet
    clock.set(dt.date(2026, 11, 25))
    assert make_meeting(city, title="下一次清单调度会").previous == on_list
